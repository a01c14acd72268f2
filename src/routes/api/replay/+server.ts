// POST /api/replay {wire}: send IV ‖ C (base64) to the running demo's chat server as a line,
// through the tap, and return the server's reply line and what it relayed to the room, as the
// capture saw them. The page decrypts both with the key it already holds: the key is not sent
// here, and nothing here decrypts (docs/api.md "Lessons").
import { json } from '@sveltejs/kit';
import { apiError, demoOrResponse } from '$lib/server/demo';
import { replayLine } from '$lib/server/oracle';
import { readJsonBody } from '$lib/server/json-body';
import { bytesField } from '../oracle/body';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  const b = await readJsonBody(request, { fields: ['wire'] });
  if (b instanceof Response) return b;
  const wire = bytesField(b, 'wire', { min: 32, max: 8192, blocks: true });
  if (wire instanceof Response) return wire;
  try {
    return json(await replayLine(demo, wire!), { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    return apiError(502, 'ERR_REPLAY_FAILED', `replay: cannot reach the chat server: ${(err as Error).message}`);
  }
};
