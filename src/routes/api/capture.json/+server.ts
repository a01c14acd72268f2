// GET /api/capture.json: the whole capture so far as a CaptureFile (docs/api.md).
import { json } from '@sveltejs/kit';
import { demoOrResponse, storeError } from '$lib/server/demo';
import type { CaptureJson } from '$lib/api/types';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  let file: CaptureJson;
  try {
    file = await demo.store.toCaptureFile();
  } catch (err) {
    return storeError(err);
  }
  return json(file, {
    headers: { 'cache-control': 'no-store', 'content-disposition': `attachment; filename="${fileStem()}.json"` }
  });
};

function fileStem(): string {
  return `cbc-lab-capture-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
}
