// POST /api/oracle {iv, ciphertext, suite?, tag?}: one padding oracle query against the running
// demo's chat server, through the tap, as an attacker would make it (docs/api.md "Lessons").
// Lesson 2 calls this once per guess. The key is never sent and never used.
import { json } from '@sveltejs/kit';
import { SEND_SUITES, apiError, demoOrResponse, type SendSuite } from '$lib/server/demo';
import { OracleError, demoOracle, guessPayload } from '$lib/server/oracle';
import { readJsonBody } from '$lib/server/json-body';
import { bytesField } from './body';
import type { RequestHandler } from './$types';

/** GET /api/oracle: is the demo's server a padding oracle (started with --padding-oracle)? */
export const GET: RequestHandler = ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  return json({ running: true, paddingOracle: demo.paddingOracle === true }, { headers: { 'cache-control': 'no-store' } });
};

export const POST: RequestHandler = async ({ request }) => {
  const demo = demoOrResponse(request);
  if (demo instanceof Response) return demo;
  const b = await readJsonBody(request, { fields: ['iv', 'ciphertext', 'suite', 'tag'] });
  if (b instanceof Response) return b;
  let suite: SendSuite = 'cbc';
  if (b.suite !== undefined) {
    if (typeof b.suite !== 'string' || !SEND_SUITES.includes(b.suite as SendSuite)) return apiError(400, 'ERR_BAD_BODY', `suite: expected one of ${SEND_SUITES.join(', ')}, got ${JSON.stringify(b.suite)}`);
    suite = b.suite as SendSuite;
  }
  const iv = bytesField(b, 'iv', { exact: 16 });
  if (iv instanceof Response) return iv;
  const ciphertext = bytesField(b, 'ciphertext', { min: 16, max: 4096, blocks: true });
  if (ciphertext instanceof Response) return ciphertext;
  const tagLength = suite === 'cbc-hmac' ? 32 : suite === 'gcm' ? 16 : 0;
  const tag = bytesField(b, 'tag', { exact: tagLength, optional: true });
  if (tag instanceof Response) return tag;
  try {
    const r = await demoOracle(demo, suite, guessPayload(suite, iv!, ciphertext!, tag));
    return json({ valid: r.valid, answer: r.answer, paddingOracle: demo.paddingOracle === true }, { headers: { 'cache-control': 'no-store' } });
  } catch (err) {
    if (err instanceof OracleError) return apiError(err.status, err.code, err.message);
    return apiError(502, 'ERR_ORACLE_FAILED', `oracle: cannot reach the chat server through the tap: ${(err as Error).message}; is the demo still running?`);
  }
};
