// POST /api/oracle/batch {ivs, ciphertext, suite?, tag?}: up to 256 padding oracle queries in one
// request, X₁ ‖ C … Xₙ ‖ C, sent to the chat server in one write on the attacker's session and
// answered in order (docs/api.md "Lessons"). What a network attacker does to save round trips;
// every guess is still its own frame on the wire. The key is never sent and never used.
import { json } from '@sveltejs/kit';
import { demoOrResponse } from '$lib/server/demo';
import { demoOracleMany, guessPayload, oracleFailure } from '$lib/server/oracle';
import { readBody } from '$lib/server/json-body';
import { ORACLE_BATCH_BODY } from '$lib/api/bodies';
import type { OracleBatchResponse } from '$lib/api/types';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  const b = await readBody(request, ORACLE_BATCH_BODY);
  if (b instanceof Response) return b;
  const payloads = [];
  for (let i = 0; i < b.ivs.length; i += 16)
    payloads.push(guessPayload(b.suite, b.ivs.subarray(i, i + 16), b.ciphertext, b.tag));
  try {
    const answers = await demoOracleMany(demo, b.suite, payloads);
    return json({ answers, paddingOracle: demo.paddingOracle === true } satisfies OracleBatchResponse, {
      headers: { 'cache-control': 'no-store' }
    });
  } catch (err) {
    return oracleFailure(err);
  }
};
