// GET /api/demo: what the page needs to join the running demo (docs/api.md).
import { json } from '@sveltejs/kit';
import { demoOrResponse } from '$lib/server/demo';
import type { DemoInfo } from '$lib/api/types';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  // The key is a demo secret, shown to the class on purpose; the page prefills its key box with it.
  return json(
    {
      running: true,
      key: demo.key,
      keySize: demo.keySize,
      chatPort: demo.chatPort,
      webUrl: demo.webUrl
    } satisfies DemoInfo,
    { headers: { 'cache-control': 'no-store' } }
  );
};
