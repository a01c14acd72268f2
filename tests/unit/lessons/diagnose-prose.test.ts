// Lesson 6's words, checked against the facts they are made from. Facts are built by hand here
// (or measured by the diagnoser on a node:crypto encryption), and each expected sentence is
// written out from those facts in the test, never taken from the prose module.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Facts } from '$lib/crypto/diagnose/facts';
import { findCauses } from '$lib/crypto/diagnose/findings';
import type { Reading } from '$lib/crypto/diagnose/reading';
import type { PaddingCheck } from '$lib/crypto/pkcs7';
import { IvLengthError } from '$lib/crypto/errors';
import { describeBlocks, describePadding, quote } from '$lib/lessons/diagnose/phrases';
import { words } from '$lib/lessons/diagnose/verdicts';
import { diagnose } from '$lib/lessons/diagnose';

const VALID_2: PaddingCheck = { ok: true, padLength: 2 };
const FAILED: PaddingCheck = {
  ok: false,
  fault: 'zero',
  position: 63,
  expected: '0x01..0x10',
  actual: 0,
  message: 'the last byte is 0x00'
};

/** A reading with the given blocks (true = decrypts to text-like bytes). */
function reading(
  text: boolean[],
  padding: PaddingCheck,
  plaintext: string | null = null,
  iv = new Uint8Array(16)
): Reading {
  return {
    key: new Uint8Array(16),
    iv,
    ciphertext: new Uint8Array(16 * text.length),
    padded: new Uint8Array(16 * text.length),
    padding,
    blocks: text.map((t, index) => ({
      index,
      size: 16,
      textBytes: t ? 16 : 3,
      text: t,
      preview: t ? 'abcdefghijklmnop' : '···'
    })),
    textBlocks: text.filter(Boolean).length,
    plaintext,
    matchesExpected: null,
    quality: 'garbage'
  };
}

describe('phrases', () => {
  it('counts blocks from 1 and agrees in number', () => {
    expect(describeBlocks(reading([false, true, true, true], FAILED))).toBe(
      'blocks 2, 3, 4 of 4 decrypt to text-like bytes, block 1 does not'
    );
    expect(describeBlocks(reading([true, false, false], FAILED))).toBe(
      'block 1 of 3 decrypts to text-like bytes, blocks 2, 3 do not'
    );
    expect(describeBlocks(reading([false, false], FAILED))).toBe('none of the 2 blocks decrypts to text-like bytes');
    expect(describeBlocks(reading([false], FAILED))).toBe('none of the 1 block decrypts to text-like bytes');
    expect(describeBlocks(reading([true], VALID_2))).toBe('all 1 block decrypt to text-like bytes');
  });

  it('states the PKCS#7 check as it came out', () => {
    expect(describePadding(VALID_2)).toBe('the PKCS#7 padding is valid (2 bytes of 0x02)');
    expect(describePadding({ ok: true, padLength: 16 })).toBe('the PKCS#7 padding is valid (16 bytes of 0x10)');
    expect(describePadding({ ok: true, padLength: 1 })).toBe('the PKCS#7 padding is valid (1 byte of 0x01)');
    expect(describePadding(FAILED)).toBe('the PKCS#7 check failed: the last byte is 0x00');
  });

  it('quotes at most 60 characters', () => {
    expect(quote('a'.repeat(60))).toBe(`“${'a'.repeat(60)}”`);
    expect(quote('a'.repeat(61))).toBe(`“${'a'.repeat(60)}…”`);
  });
});

describe('verdict words from hand-built facts', () => {
  it('a wrong IV, recovered from the expected plaintext, and already explained', () => {
    const iv = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
    const f: Facts = {
      kind: 'first-block-off',
      reading: reading([false, true, true], FAILED),
      recoveredIv: iv,
      explainedBy: ['iv-not-stripped', 'length']
    };
    expect(words(f)).toEqual({
      summary: 'Only the first block is wrong: the key is right, the IV is not.',
      evidence: [
        'blocks 2, 3 of 3 decrypt to text-like bytes, block 1 does not',
        'the PKCS#7 check failed: the last byte is 0x00',
        'only P₁ depends on the IV, so an IV mistake garbles block 1 and nothing else',
        'from what you expected, the IV must be a0a1a2a3a4a5a6a7a8a9aaabacadaeaf (CIPH⁻¹_K(C₁) ⊕ P₁)',
        'but this pattern is already explained by: IV not stripped from the front, length not a multiple of 16'
      ]
    });
  });

  it('a key read in another encoding, with the error the claimed one gave', () => {
    const f: Facts = {
      kind: 'other-encoding',
      field: 'iv',
      claimed: 'hex',
      found: 'base64',
      claimedError: new IvLengthError(11),
      claimedLength: 0,
      foundLength: 16,
      reading: reading([true, true], VALID_2, 'Hello'),
      alongWith: ['ciphertext-encoding']
    };
    expect(words(f)).toEqual({
      summary: 'The IV reads as base64, not hex: then it decrypts to “Hello”.',
      evidence: [
        `read as hex: ${new IvLengthError(11).message}`,
        'read as base64 it is 16 bytes; all 2 blocks decrypt to text-like bytes',
        'the PKCS#7 padding is valid (2 bytes of 0x02)',
        'together with: ciphertext in the wrong encoding'
      ]
    });
  });

  it('cut short: bytes missing counted to the next whole block', () => {
    const whole = reading([true, true, false], FAILED);
    const f: Facts = { kind: 'cut-short', ctLength: 43, asMeant: null, extra: 11, whole, keyAndIvLookRight: true };
    // 43 = 2·16 + 11, so 16 − 11 = 5 bytes are missing
    expect(words(f)).toEqual({
      summary:
        'The ciphertext was cut short (5 bytes missing) or has 11 stray bytes. The whole blocks before the cut decrypt, so key and IV look right.',
      evidence: [
        'the ciphertext is 43 bytes = 2 whole blocks + 11 bytes; CBC ciphertext is always whole 16-byte blocks',
        'its first 3 whole blocks: blocks 1, 2 of 3 decrypt to text-like bytes, block 3 does not'
      ]
    });
    expect(
      words({ kind: 'cut-short', ctLength: 47, asMeant: null, extra: 15, whole: null, keyAndIvLookRight: false })
        .summary
    ).toBe('The ciphertext was cut short (1 byte missing) or has 15 stray bytes.');
  });

  it('extra bytes, one of them', () => {
    const f: Facts = {
      kind: 'extra-bytes',
      ctLength: 33,
      extra: 1,
      reading: reading([true, true], VALID_2, 'hi'),
      asMeant: null
    };
    expect(words(f)).toEqual({
      summary: '1 extra byte at the end: drop them and it decrypts.',
      evidence: [
        'the ciphertext is 33 bytes = 2 whole blocks + 1 byte; CBC ciphertext is always whole 16-byte blocks',
        'without the last 1 byte, it decrypts to “hi”: they were extra'
      ]
    });
  });

  it('zero padding: the hint follows the last byte, and the last block is shown', () => {
    const lastBlock = new Uint8Array(16);
    lastBlock.set([0x41, 0x42]);
    const f: Facts = { kind: 'not-pkcs7', reading: reading([true, true], FAILED), lastBlock, lastByte: 'zero' };
    expect(words(f).evidence.slice(2)).toEqual([
      'the block ends in 0x00 bytes: the sender used zero padding, not PKCS#7',
      'last block: 41 42 00 00 00 00 00 00 00 00 00 00 00 00 00 00'
    ]);
  });

  it('a wrong key, and one already explained by another cause', () => {
    const r = reading([false, false, false], FAILED);
    expect(words({ kind: 'all-garbage', reading: r, explainedBy: [] }).summary).toBe(
      'Every block is garbage and no other reading helps: the key is wrong (or the ciphertext was made with another key).'
    );
    const explained = words({ kind: 'all-garbage', reading: r, explainedBy: ['key-encoding'] });
    expect(explained.summary).toBe('Everything decrypts to garbage, but another cause already explains it.');
    expect(explained.evidence.at(-1)).toBe('explained by: key typed in the wrong encoding');
  });

  it('the IV on the front, not yet told apart from a wrong IV', () => {
    const iv = Uint8Array.from({ length: 16 }, (_, i) => i);
    const f: Facts = {
      kind: 'iv-on-front',
      reading: reading([true, true], VALID_2, null, iv),
      sure: false,
      typedIvOnFront: false,
      alongWith: []
    };
    expect(words(f)).toEqual({
      summary:
        'The first 16 bytes of the ciphertext are the IV: decrypting the rest with IV = those bytes succeeds, and it decrypts with valid padding.',
      evidence: [
        'ciphertext[0:16] = 000102030405060708090a0b0c0d0e0f',
        'with it as the IV, ciphertext[16:] (32 bytes): all 2 blocks decrypt to text-like bytes',
        'the PKCS#7 padding is valid (2 bytes of 0x02)',
        'a wrong IV looks the same (block 1 lost, the rest fine): does your message really start with “abcdefghijklmnop”? Give the expected plaintext to decide'
      ]
    });
  });

  it('fields that do not read: each error once, its field named once (not "iv: iv: …")', () => {
    const error = new IvLengthError(8);
    const f: Facts = {
      kind: 'does-not-decrypt',
      asTyped: { kind: 'unread', errors: [{ field: 'iv', error }], notWholeBlocks: 20 }
    };
    expect(words(f)).toEqual({
      summary: 'As typed, the input does not decrypt cleanly.',
      evidence: [
        'iv: expected 16 bytes (32 hex digits), got 8 bytes; the IV is exactly one AES block',
        'the ciphertext is 20 bytes, not whole 16-byte blocks'
      ]
    });
  });
});

describe('verdict words follow what the diagnoser measured', () => {
  const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
  const iv = Buffer.from('9f3c71d0e85a2b64c7f1089e3da5b216', 'hex');
  const text = 'This message is exactly long enough for three blocks.';
  const c = createCipheriv('aes-128-cbc', key, iv);
  const ct = Buffer.concat([c.update(text), c.final()]);
  const input = {
    key: { text: key.toString('hex'), encoding: 'hex' as const },
    iv: { text: '00'.repeat(16), encoding: 'hex' as const },
    ciphertext: { text: ct.toString('hex'), encoding: 'hex' as const }
  };

  it('a wrong IV: the block counts in the words are the counts in the findings', () => {
    const found = findCauses(input);
    const b = found.baseline!;
    // 53 bytes of text + 11 of pad = 4 blocks; a wrong IV garbles only P₁ (SP 800-38A §6.2)
    expect(ct.length).toBe(64);
    expect(b.blocks.map((x) => x.text)).toEqual([false, true, true, true]);
    const notText = b.blocks.filter((x) => !x.text).map((x) => x.index + 1);
    const isText = b.blocks.filter((x) => x.text).map((x) => x.index + 1);
    const v = diagnose(input).verdicts.find((x) => x.cause === 'wrong-iv')!;
    expect(found.findings.find((f) => f.cause === 'wrong-iv')!.facts.kind).toBe('first-block-off');
    expect(v.evidence[0]).toBe(
      `blocks ${isText.join(', ')} of ${b.blocks.length} decrypt to text-like bytes, block ${notText.join(', ')} does not`
    );
    expect(v.evidence[1]).toBe(`the PKCS#7 padding is valid (11 bytes of 0x0b)`);
  });

  it('every verdict is the words of its finding, in the findings order', () => {
    const found = findCauses({ ...input, expected: text });
    const d = diagnose({ ...input, expected: text });
    expect(d.verdicts.map((v) => [v.cause, v.fit, v.score])).toEqual(
      found.findings.map((f) => [f.cause, f.fit, f.score])
    );
    expect(d.best).toBe(d.verdicts[0]);
  });
});
