// GET /api/stream?after=<seq>: the live capture as Server-Sent Events (docs/api.md, ./sse.ts).
import { BadParam, MAX_SEQ, apiError, demoOrResponse, intParam, intValue } from '$lib/server/demo';
import { frameStream } from './sse';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ url, request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  let after: number;
  try {
    after = intParam(url, 'after', 0, 0, MAX_SEQ);
    // An EventSource that reconnects sends the id of the last event it received: that wins over
    // the `after` of the URL it was opened with.
    const lastEventId = request.headers.get('last-event-id');
    if (lastEventId !== null && lastEventId.trim() !== '')
      after = intValue('Last-Event-ID', lastEventId.trim(), 0, MAX_SEQ);
  } catch (err) {
    if (err instanceof BadParam) return apiError(400, err.code, err.message);
    throw err;
  }
  return new Response(frameStream(demo, after), {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no'
    }
  });
};
