// POST /api/send {text, name?, suite?}: chat as a participant. The demo holds a chat client per
// name and suite that connects through the tap, so the message is on the wire and in the capture
// like anyone else's (docs/api.md). The body's rules: SEND_BODY in src/lib/api/bodies.ts.
import { json } from '@sveltejs/kit';
import { apiError, demoOrResponse } from '$lib/server/demo';
import { readBody } from '$lib/server/json-body';
import { SEND_BODY } from '$lib/api/bodies';
import type { SendResponse } from '$lib/api/types';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  const b = await readBody(request, SEND_BODY);
  if (b instanceof Response) return b;
  const result = await demo.send(b);
  if ('ok' in result) return json({ ok: true } satisfies SendResponse, { headers: { 'cache-control': 'no-store' } });
  return apiError(result.status, result.code, result.message);
};
