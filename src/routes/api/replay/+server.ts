// POST /api/replay {wire}: send IV ‖ C (base64) to the running demo's chat server as a line,
// through the tap, and return the server's reply line and what it relayed to the room, as the
// capture saw them. The page decrypts both with the key it already holds: the key is not sent
// here, and nothing here decrypts (docs/api.md "Lessons").
import { json } from '@sveltejs/kit';
import { apiError, demoOrResponse } from '$lib/server/demo';
import { replayLine } from '$lib/server/oracle';
import { readBody } from '$lib/server/json-body';
import { REPLAY_BODY } from '$lib/api/bodies';
import type { ReplayResponse } from '$lib/api/types';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  const b = await readBody(request, REPLAY_BODY);
  if (b instanceof Response) return b;
  try {
    return json((await replayLine(demo, b.wire)) satisfies ReplayResponse, {
      headers: { 'cache-control': 'no-store' }
    });
  } catch (err) {
    return apiError(502, 'ERR_REPLAY_FAILED', `replay: cannot reach the chat server: ${(err as Error).message}`);
  }
};
