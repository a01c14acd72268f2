// GET /api/capture.pcapng: the pcapng file as the tap has written it so far (docs/api.md).
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { apiError, demoOrResponse } from '$lib/server/demo';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  const path = demo.store.pcapngPath;
  if (!path)
    return apiError(404, 'ERR_NO_PCAPNG', 'this capture is not being written to pcapng; use /api/capture.json');
  let size: number;
  try {
    // The writer appends whole blocks with writeSync on this same thread, so the size seen here is
    // always a block boundary: the download is a complete, readable pcapng.
    size = statSync(path).size;
  } catch (err) {
    return apiError(500, 'ERR_CAPTURE_FILE', `capture file: cannot read ${path}: ${(err as Error).message}`);
  }
  const body =
    size === 0
      ? new Uint8Array(0)
      : (Readable.toWeb(createReadStream(path, { start: 0, end: size - 1 })) as ReadableStream<Uint8Array>);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  return new Response(body, {
    headers: {
      'content-type': 'application/x-pcapng',
      'content-length': String(size),
      'content-disposition': `attachment; filename="cbc-lab-capture-${stamp}.pcapng"`,
      'cache-control': 'no-store'
    }
  });
};
