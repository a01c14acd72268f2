// Lesson 2, the attack panel's last line when a run ends without the plaintext: what the run
// measured, and why it learnt nothing. Against cbc-hmac and gcm the MAC or tag is checked before
// anything is decrypted (docs/protocol.md §4.3, §4.4; SP 800-38D §7.2), so the answer to a forged query
// does not depend on the padding at all: nothing here may say the padding was checked or rejected.
import type { AttackResult } from '../../crypto/padding-oracle';
import type { Suite } from './findings';

type Failed = Extract<AttackResult, { ok: false }>;

// the one refusal each authenticated suite gives to a frame it did not seal
const REFUSAL = { 'cbc-hmac': 'ERR_BAD_MAC', gcm: 'ERR_BAD_TAG' } as const;
const CHECKED = { 'cbc-hmac': 'the MAC', gcm: 'the tag' } as const;

/** The panel's line for a run that stopped or found no accepted guess, from its result and the answers tallied. */
export function failureLine(suite: Suite, r: Failed, tally: Record<string, number>, blocks: number): string {
  const counted = `${r.queries} queries, ${r.recovered.length} bytes recovered.`;
  if (r.reason === 'aborted') return `Stopped. ${counted}`;
  const where = `block ${r.block + 1} of ${blocks}, byte ${r.byte}: none of the 256 values was accepted`;
  const answers = Object.keys(tally);
  if (suite === 'cbc')
    return `Failed: ${where}; the receiver's answers do not depend on the padding, so there is nothing to learn. ${counted}`;
  if (answers.length === 1 && answers[0] === REFUSAL[suite])
    return `Failed: ${where}. The answers do not depend on the padding: ${CHECKED[suite]} is checked first, so every query gets the same refusal (${REFUSAL[suite]}) and there is nothing to learn${suite === 'gcm' ? ' (GCM, a counter mode, has no padding at all)' : ''}. ${counted}`;
  // another answer came back too: say only what was measured
  return `Failed: ${where}; no answer accepted a guess (${answers.map((a) => `${tally[a]} × ${a}`).join(', ')}). ${counted}`;
}
