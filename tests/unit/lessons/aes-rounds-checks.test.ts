// Lesson 3's checks (src/lib/lessons/aes-rounds/checks.ts) on FIPS-197 appendix C.1's key and
// block: Nr from table 4, round 1's AddRoundKey byte from appendix C.1's own rows (round[1].m_col
// ⊕ round[1].k_sch is round[2].start), ShiftRows positions by the rule by hand.
import { describe, expect, it } from 'vitest';
import { encryptRounds, decryptRounds } from '../../../src/lib/crypto/teaching-aes';
import { aesChecks } from '../../../src/lib/lessons/aes-rounds/checks';

const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
// FIPS-197 appendix C.1 (AES-128): round[1].m_col and round[1].k_sch, and round[2].start
const KEY = hex('000102030405060708090a0b0c0d0e0f');
const BLOCK = hex('00112233445566778899aabbccddeeff');
const M_COL = hex('5f72641557f5bc92f7be3b291db9f91a');
const K_SCH = hex('d6aa74fdd2af72fadaa678f1d6ab76fe');
const START2 = hex('89d810e8855ace682d1843d8cb128fe4');

describe('aesChecks', () => {
  it('AES-128 on appendix C.1: 10 rounds, round 1 AddRoundKey = m_col ⊕ k_sch (= round[2].start)', () => {
    const [nr, ark, shift] = aesChecks(encryptRounds(KEY, BLOCK));
    expect(nr.answer).toBe(10);
    const j = ark.byte!;
    expect(ark.question).toContain(
      `is 0x${M_COL[j].toString(16).padStart(2, '0')} and the same byte of the round key it uses is 0x${K_SCH[j].toString(16).padStart(2, '0')}`
    );
    expect(ark.answer).toBe(START2[j].toString(16).padStart(2, '0'));
    const r = shift.byte! & 3;
    const c = shift.byte! >> 2;
    expect(shift.answer).toBe(r + 4 * ((c + r) % 4));
  });

  it('Nr is 12 and 14 for 24- and 32-byte keys; decryption asks for InvShiftRows the other way', () => {
    expect(aesChecks(encryptRounds(hex('000102030405060708090a0b0c0d0e0f1011121314151617'), BLOCK))[0].answer).toBe(12);
    const k256 = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    expect(aesChecks(encryptRounds(k256, BLOCK))[0].answer).toBe(14);
    const d = aesChecks(decryptRounds(KEY, hex('69c4e0d86a7b0430d8cdb78070b4c55a')));
    const s = d[d.length - 1];
    const r = s.byte! & 3;
    const c = s.byte! >> 2;
    expect(s.question).toContain('InvShiftRows');
    expect(s.answer).toBe(r + 4 * ((c - r + 4) % 4));
  });
});
