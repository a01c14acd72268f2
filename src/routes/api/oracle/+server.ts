// POST /api/oracle {iv, ciphertext, suite?, tag?}: one padding oracle query against the running
// demo's chat server, through the tap, as an attacker would make it (docs/api.md "Lessons").
// One guess per request; lesson 2 sends its guesses 16 at a time through /api/oracle/batch. The key is never sent and never used.
import { json } from '@sveltejs/kit';
import { demoOrResponse } from '$lib/server/demo';
import { demoOracle, guessPayload, oracleFailure } from '$lib/server/oracle';
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
    return oracleFailure(err);
  }
};
