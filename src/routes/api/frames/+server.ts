// GET /api/frames?after=<seq>&limit=<n>: a page of captured frames (docs/api.md).
import { json } from '@sveltejs/kit';
import { BadParam, MAX_SEQ, apiError, demoOrResponse, intParam, lastSeq, storeError } from '$lib/server/demo';
import type { FramesPage } from '$lib/api/types';
import type { RequestHandler } from './$types';

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;

export const GET: RequestHandler = async ({ url, request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  let after: number;
  let limit: number;
  try {
    after = intParam(url, 'after', 0, 0, MAX_SEQ);
    limit = intParam(url, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
  } catch (err) {
    if (err instanceof BadParam) return apiError(400, err.code, err.message);
    throw err;
  }
  let frames;
  try {
    frames = await demo.store.frames(after, limit);
  } catch (err) {
    return storeError(err);
  }
  const connections = demo.store.connections();
  const last = lastSeq(demo.store, frames);
  const upto = frames.length ? frames[frames.length - 1].seq : after;
  return json({ frames, connections, last, more: upto < last } satisfies FramesPage, {
    headers: { 'cache-control': 'no-store' }
  });
};
