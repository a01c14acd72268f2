// Lesson 2's attack panel in words (src/lib/lessons/padding-oracle/guess.ts): each answer says only
// what the receiver checked. docs/protocol.md §4.3: cbc-hmac checks its MAC before decrypting, so
// its padding is never checked; SP 800-38D §7.1: gcm is counter mode (no padding, no AES⁻¹) with a
// 12-byte nonce and the counter starting at 2 for the first block; §6.4: ERR_DECRYPT is bad padding
// and bad text alike.
import { describe, expect, it } from 'vitest';
import { phraseText } from '$lib/lessons/phrase';
import { answerMeaning, blockLabels, guessLine, sentLabel, type Guess } from '$lib/lessons/padding-oracle/guess';

const guess = (g: Partial<Guess>): Guess => ({
  block: 0,
  byte: 15,
  guess: 0x3a,
  valid: false,
  recheck: false,
  answer: 'ERR_BAD_PADDING',
  ...g
});
const line = (suite: 'cbc' | 'cbc-hmac' | 'gcm', g: Partial<Guess>, blocks = 2) =>
  phraseText(guessLine(suite, guess(g), blocks));

describe('what one answer says about the padding', () => {
  it('cbc: ERR_BAD_PADDING rejects it; ack and ERR_BAD_UTF8 accept it', () => {
    expect(line('cbc', {})).toBe(
      'Block 1 of 2 (C₁), byte 15: sent X[15] = 3a → the server answered ERR_BAD_PADDING, so the padding was rejected.'
    );
    expect(line('cbc', { answer: 'ack', valid: true, block: 1, byte: 0 })).toBe(
      'Block 2 of 2 (C₂), byte 0: sent X[0] = 3a → the server answered ack, so the padding was accepted (and the text read as UTF-8).'
    );
    expect(line('cbc', { answer: 'ERR_BAD_UTF8', valid: true, recheck: true })).toBe(
      'Block 1 of 2 (C₁), byte 15 (recheck with X[14] changed): sent X[15] = 3a → the server answered ERR_BAD_UTF8, so the padding was accepted (the text inside it is not UTF-8).'
    );
  });

  it('cbc on the default server: ERR_DECRYPT does not say whether the padding was good', () => {
    const said = line('cbc', { answer: 'ERR_DECRYPT' });
    expect(said).toContain(
      'the server answered ERR_DECRYPT, which this server gives for bad padding and for bad text alike'
    );
    expect(said).not.toMatch(/padding was (rejected|accepted)/);
  });

  it('cbc-hmac: the MAC failed, the padding was never checked', () => {
    expect(line('cbc-hmac', { answer: 'ERR_BAD_MAC' })).toBe(
      'Block 1 of 2 (C₁), byte 15: sent X[15] = 3a → the server answered ERR_BAD_MAC: the MAC did not verify, so nothing was decrypted and the padding was never checked.'
    );
  });

  it('gcm: X[15] is not in the frame (the nonce is X[0–11]); the tag failed; GCM has no padding', () => {
    const said = line('gcm', { answer: 'ERR_BAD_TAG' });
    expect(said).toBe(
      'Block 1 of 2 (C₁), byte 15: guessed X[15] = 3a, which a gcm frame does not carry (its nonce N′ is X[0–11]) → the server answered ERR_BAD_TAG: the tag did not verify, so nothing was decrypted (and GCM has no padding to check).'
    );
    expect(said).not.toMatch(/padding was/);
    expect(line('gcm', { answer: 'ERR_BAD_TAG', byte: 4 })).toContain('sent X[4] = 3a as byte 4 of the nonce N′');
  });

  it('an answer about something else is not called a padding verdict', () => {
    expect(phraseText(answerMeaning('ERR_SEQUENCE', false))).toBe(
      ', which says nothing about the padding; the attack counts it as a no.'
    );
  });
});

describe('the panel labels each suite truthfully', () => {
  it('cbc and cbc-hmac: CBC, counted as SP 800-38A §6.2 counts, with C₀ = IV', () => {
    for (const suite of ['cbc', 'cbc-hmac'] as const) {
      expect(blockLabels(suite, 0)).toEqual({ chain: 'C₀ = IV', middle: 'I₁ = AES⁻¹(C₁)', plain: 'P₁ = I₁ ⊕ C₀' });
      expect(blockLabels(suite, 1)).toEqual({ chain: 'C₁', middle: 'I₂ = AES⁻¹(C₂)', plain: 'P₂ = I₂ ⊕ C₁' });
      expect(sentLabel(suite)).toBe('X sent');
    }
  });

  it('gcm: the nonce, the ciphertext block, and the counter-mode plaintext (block 1 uses counter 2)', () => {
    expect(blockLabels('gcm', 0)).toEqual({ chain: 'N (nonce)', middle: 'C₁', plain: 'P₁ = C₁ ⊕ AES_K(N ‖ 2)' });
    expect(blockLabels('gcm', 1).plain).toBe('P₂ = C₂ ⊕ AES_K(N ‖ 3)');
    const all = [0, 1, 2].flatMap((i) => Object.values(blockLabels('gcm', i))).join(' ');
    expect(all).not.toMatch(/AES⁻¹|IV|C₀|I₁/);
    expect(sentLabel('gcm')).toBe('X (N′ = X[0–11])');
  });
});
