// Lesson 2's failure line (src/lib/lessons/padding-oracle/failure.ts): against cbc-hmac and gcm the
// MAC or tag is checked before anything is decrypted (docs/protocol.md §4.3, §4.4), so the line says
// the answers do not depend on the padding, and never that the padding was checked or rejected.
import { describe, expect, it } from 'vitest';
import type { AttackResult } from '$lib/crypto/padding-oracle';
import { failureLine } from '$lib/lessons/padding-oracle/failure';

const failed = (queries: number, recovered = 0, reason: 'no-valid-guess' | 'aborted' = 'no-valid-guess') =>
  ({
    ok: false,
    block: recovered / 16,
    byte: 15,
    recovered: new Uint8Array(recovered),
    queries,
    reason,
    message: ''
  }) satisfies AttackResult;

describe('the failure line', () => {
  it('cbc-hmac: the MAC is checked first, every query gets the same refusal', () => {
    const s = failureLine('cbc-hmac', failed(256), { ERR_BAD_MAC: 256 }, 2);
    expect(s).toBe(
      'Failed: block 1 of 2, byte 15: none of the 256 values was accepted. The answers do not depend on the padding: the MAC is checked first, so every query gets the same refusal (ERR_BAD_MAC) and there is nothing to learn. 256 queries, 0 bytes recovered.'
    );
    expect(s).not.toMatch(/padding (was|is) (checked|rejected)/);
  });

  it('gcm: the tag is checked first, and there is no CBC chain or padding to speak of', () => {
    const s = failureLine('gcm', failed(256), { ERR_BAD_TAG: 256 }, 3);
    expect(s).toBe(
      'Failed: block 1 of 3, byte 15: none of the 256 values was accepted. The answers do not depend on the padding: the tag is checked first, so every query gets the same refusal (ERR_BAD_TAG) and there is nothing to learn (GCM, a counter mode, has no padding at all). 256 queries, 0 bytes recovered.'
    );
    expect(s).not.toMatch(/padding (was|is) (checked|rejected)|AES⁻¹|C₀ = IV|I₁/);
  });

  it('an answer other than the one refusal: the reason is not claimed', () => {
    expect(failureLine('cbc-hmac', failed(256), { ERR_BAD_MAC: 255, ERR_SEQUENCE: 1 }, 2)).toBe(
      'Failed: block 1 of 2, byte 15: none of the 256 values was accepted; no answer accepted a guess (255 × ERR_BAD_MAC, 1 × ERR_SEQUENCE). 256 queries, 0 bytes recovered.'
    );
  });

  it('cbc against a server that does not tell, and a stopped run', () => {
    expect(failureLine('cbc', failed(4352, 16), { ERR_DECRYPT: 4352 }, 2)).toBe(
      "Failed: block 2 of 2, byte 15: none of the 256 values was accepted; the receiver's answers do not depend on the padding, so there is nothing to learn. 4352 queries, 16 bytes recovered."
    );
    expect(failureLine('gcm', failed(12, 0, 'aborted'), { ERR_BAD_TAG: 12 }, 2)).toBe(
      'Stopped. 12 queries, 0 bytes recovered.'
    );
  });
});
