// POST /api/oracle {iv, ciphertext, suite?, tag?}: one padding oracle query against the running
// demo's chat server, through the tap, as an attacker would make it (docs/api.md "Lessons").
// Lesson 2 calls this once per guess. The key is never sent and never used.
import { json } from '@sveltejs/kit';
import { apiError, demoOrResponse } from '$lib/server/demo';
import { OracleError, demoOracle, guessPayload } from '$lib/server/oracle';
import { readBody } from '$lib/server/json-body';
import { ORACLE_BODY } from '$lib/api/bodies';
import type { OracleResponse, OracleStatus } from '$lib/api/types';
import type { RequestHandler } from './$types';

/** GET /api/oracle: is the demo's server a padding oracle (started with --padding-oracle)? */
export const GET: RequestHandler = ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  return json({ running: true, paddingOracle: demo.paddingOracle === true } satisfies OracleStatus, {
    headers: { 'cache-control': 'no-store' }
  });
};

export const POST: RequestHandler = async ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  const b = await readBody(request, ORACLE_BODY);
  if (b instanceof Response) return b;
  try {
    const r = await demoOracle(demo, b.suite, guessPayload(b.suite, b.iv, b.ciphertext, b.tag));
    return json(
      { valid: r.valid, answer: r.answer, paddingOracle: demo.paddingOracle === true } satisfies OracleResponse,
      { headers: { 'cache-control': 'no-store' } }
    );
  } catch (err) {
    if (err instanceof OracleError) return apiError(err.status, err.code, err.message);
    return apiError(
      502,
      'ERR_ORACLE_FAILED',
      `oracle: cannot reach the chat server through the tap: ${(err as Error).message}; is the demo still running?`
    );
  }
};
