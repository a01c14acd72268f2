// /learn's "What if?" experiments (src/lib/components/learn/what-if.ts) against node:crypto
// (OpenSSL): every expected ciphertext and plaintext here comes from createCipheriv /
// createDecipheriv with aes-128-cbc or aes-128-ecb, padding off where the experiment reads raw
// blocks, and bits counted by XOR by hand; the code under test only builds the learner's trace.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptTrace, encryptTrace } from '../../../src/lib/crypto/cbc';
import {
  dropIvWhatIf,
  ecbWhatIf,
  flipWhatIf,
  reuseIvWhatIf,
  suggestSecond,
  wrongKeyOf,
  wrongKeyWhatIf
} from '../../../src/lib/components/learn/what-if';

// NIST SP 800-38A F.2.1's key and IV
const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n: number) => [...String(n)].map((d) => SUB[Number(d)]).join('');

function cbcEncrypt(key: Buffer, iv: Buffer, plain: Buffer): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  return Buffer.concat([c.update(plain), c.final()]);
}
function cbcDecryptRaw(key: Buffer, iv: Buffer, ct: Buffer): Buffer {
  const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv).setAutoPadding(false);
  return Buffer.concat([d.update(ct), d.final()]);
}
function ecbEncryptRaw(key: Buffer, padded: Buffer): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  return Buffer.concat([c.update(padded), c.final()]);
}
/** PKCS#7 by hand (RFC 5652 §6.3) */
const pad = (p: Buffer) => {
  const k = 16 - (p.length % 16);
  return Buffer.concat([p, Buffer.alloc(k, k)]);
};
const bitsOf = (x: number) => x.toString(2).replace(/0/g, '').length;
/** changed bits per block of a vs b */
function bitDiff(a: Buffer, b: Buffer): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += 16) {
    let n = 0;
    for (let j = 0; j < 16; j++) n += bitsOf(a[i + j] ^ b[i + j]);
    out.push(n);
  }
  return out;
}
const traceOf = (text: string, key = KEY, iv = IV) =>
  encryptTrace({ key: new Uint8Array(key), iv: new Uint8Array(iv), plaintext: new Uint8Array(Buffer.from(text)) });

const TEXT = 'attack at dawn, bring coffee and the maps'; // 41 bytes: 3 blocks, 7 pad bytes

describe('flip a bit', () => {
  it('bit 0 of C₁[0]: P₁ garbled by as many bits as node:crypto says, bit 0 of P₂[0] flipped, P₃ the same', () => {
    const t = traceOf(TEXT);
    const c = cbcEncrypt(KEY, IV, Buffer.from(TEXT));
    expect(Buffer.from(t.ciphertext).equals(c)).toBe(true);
    const tampered = Buffer.from(c);
    tampered[0] ^= 0x80;
    const want = bitDiff(pad(Buffer.from(TEXT)), cbcDecryptRaw(KEY, IV, tampered));
    const r = flipWhatIf(t, { block: 0, byte: 0, bit: 0 });
    expect(r.rows[0].cells.map((x) => x.bits)).toEqual(want);
    expect(want[1]).toBe(1);
    expect(want[2]).toBe(0);
    expect(r.rows[0].cells.map((x) => x.state)).toEqual(['changed', 'changed', 'same']);
    expect(r.sentence).toBe(
      `Flipping bit 0 (0x80) of C₁[0] garbled P₁ (${want[0]} of 128 bits changed), since C₁ goes through AES decryption for P₁ alone, and flipped exactly bit 0 (0x80) of byte 0 of P₂, since it is only XORed into P₂; the other block came out the same.`
    );
    expect(r.lesson).toBe('bit-flipping');
    expect(r.padding).toEqual({ ok: true, padLength: 7 });
  });

  it('an IV bit flips the same bit of P₁ and garbles nothing', () => {
    const t = traceOf(TEXT);
    const iv = Buffer.from(IV);
    iv[3] ^= 0x01;
    const want = bitDiff(pad(Buffer.from(TEXT)), cbcDecryptRaw(KEY, iv, cbcEncrypt(KEY, IV, Buffer.from(TEXT))));
    expect(want).toEqual([1, 0, 0]);
    const r = flipWhatIf(t, { block: -1, byte: 3, bit: 7 });
    expect(r.rows[0].cells.map((x) => x.bits)).toEqual(want);
    expect(r.sentence).toBe(
      'Flipping bit 7 (0x01) of IV[3] flipped exactly bit 7 (0x01) of byte 3 of P₁, since the IV is only XORed into P₁; the other 2 blocks came out the same.'
    );
  });

  it('a flip in the last block garbles the pad: the padding check names the byte node:crypto shows', () => {
    const t = traceOf(TEXT);
    const c = cbcEncrypt(KEY, IV, Buffer.from(TEXT));
    c[32 + 5] ^= 0x10;
    const p = cbcDecryptRaw(KEY, IV, c);
    const r = flipWhatIf(t, { block: 2, byte: 5, bit: 3 });
    expect(r.rows[0].cells.map((x) => x.bits)).toEqual(bitDiff(pad(Buffer.from(TEXT)), p));
    expect(r.sentence).toMatch(/^Flipping bit 3 \(0x10\) of C₃\[5\] garbled P₃ \(\d+ of 128 bits changed\)/);
    // the check by hand, from the last byte backwards
    const k = p[47];
    if (k === 0 || k > 16) expect(r.padding).toMatchObject({ ok: false, position: 47 });
    else {
      let bad = -1;
      for (let i = 46; i >= 48 - k && bad < 0; i--) if (p[i] !== k) bad = i;
      expect(r.padding).toMatchObject(bad < 0 ? { ok: true } : { ok: false, position: bad });
    }
  });
});

describe('reuse this IV', () => {
  it('a second message that shares the first 16 bytes: C₁ equal, the rest different, as node:crypto encrypts them', () => {
    const t = traceOf(TEXT);
    const second = 'attack at dawn, bring tea';
    const mine = cbcEncrypt(KEY, IV, Buffer.from(TEXT));
    const theirs = cbcEncrypt(KEY, IV, Buffer.from(second));
    expect(theirs.length).toBe(32);
    const bits = bitDiff(mine.subarray(0, 32), theirs);
    expect(bits[0]).toBe(0);
    expect(bits[1]).toBeGreaterThan(0);
    const r = reuseIvWhatIf(t, new Uint8Array(Buffer.from(second)));
    expect(r.rows[0].cells.map((x) => [x.state, x.bits])).toEqual([
      ['same', 0],
      ['changed', bits[1]],
      ['lost', 0]
    ]);
    expect(r.sentence).toBe(
      'The first ciphertext block (C₁) came out equal, because the two messages agree on their first 16 bytes and share the key and the IV, so an eavesdropper learns that much of the two plaintexts is equal; from byte 22 (in P₂) on they differ, and so does every ciphertext block from C₂ on.'
    );
    expect(r.lesson).toBe('iv-mistakes');
  });

  it('the same message twice: every block equal; a different first byte: none', () => {
    const t = traceOf(TEXT);
    expect(reuseIvWhatIf(t, new Uint8Array(Buffer.from(TEXT))).sentence).toMatch(
      /^All 3 ciphertext blocks came out equal/
    );
    const other = 'Attack at dawn, bring coffee and the maps';
    const bits = bitDiff(cbcEncrypt(KEY, IV, Buffer.from(TEXT)), cbcEncrypt(KEY, IV, Buffer.from(other)));
    const r = reuseIvWhatIf(t, new Uint8Array(Buffer.from(other)));
    expect(r.rows[0].cells.map((x) => x.bits)).toEqual(bits);
    expect(r.sentence).toMatch(
      /^No ciphertext block came out equal, because the messages already differ at byte 0 \(in P₁\)/
    );
  });

  it('suggests the first block of the message, cut before a split UTF-8 character', () => {
    expect(suggestSecond(traceOf(TEXT))).toBe('attack at dawn, and then a different ending');
    // "Café ☕ at dawn…": ☕ is 3 bytes, so byte 16 starts "n"; the first 16 bytes are whole characters
    expect(suggestSecond(traceOf('Café ☕ at dawn: attack!'))).toBe('Café ☕ at daw and then a different ending');
    // 15 ASCII bytes then é (2 bytes) across the boundary: the é is left out
    expect(suggestSecond(traceOf('abcdefghijklmnoé and more'))).toBe('abcdefghijklmno and then a different ending');
  });
});

describe('switch to ECB', () => {
  it('equal plaintext blocks repeat under ECB (node:crypto aes-128-ecb), none under CBC', () => {
    const text = 'YELLOW SUBMARINE'.repeat(3) + 'tail';
    const t = traceOf(text);
    const ecb = ecbEncryptRaw(KEY, pad(Buffer.from(text)));
    const hex = [0, 1, 2, 3].map((i) => ecb.subarray(i * 16, i * 16 + 16).toString('hex'));
    expect(hex[0]).toBe(hex[1]);
    expect(hex[0]).toBe(hex[2]);
    const r = ecbWhatIf(t);
    const ecbRow = r.rows[1].cells;
    expect(ecbRow.map((c) => c.state)).toEqual(['unique', 'repeat', 'repeat', 'unique']);
    expect(ecbRow.map((c) => c.of)).toEqual([undefined, 0, 0, undefined]);
    // the diff against the trace: each ECB block against the CBC block at its place
    expect(ecbRow.map((c) => c.bits)).toEqual(bitDiff(Buffer.from(t.ciphertext), ecb));
    expect(r.rows[2].cells.every((c) => c.state === 'unique')).toBe(true);
    expect(r.sentence).toBe(
      'Under ECB 2 ciphertext blocks repeat (C₂ = C₁, C₃ = C₁) and none under CBC, because ECB encrypts each block on its own and these plaintext blocks are equal, while CBC XORs every block with the previous ciphertext block first.'
    );
    expect(r.lesson).toBe('ecb-vs-cbc');
  });

  it('no equal plaintext blocks: the sentence says nothing repeats, and why', () => {
    const r = ecbWhatIf(traceOf(TEXT));
    expect(r.rows[1].cells.every((c) => c.state === 'unique')).toBe(true);
    expect(r.sentence).toBe(
      "No ciphertext block repeats under ECB (nor under CBC), but only because no two of this message's 3 plaintext blocks are equal: ECB encrypts each block on its own, so two equal 16-byte blocks would show at once."
    );
  });
});

describe('a wrong key', () => {
  it('key byte 0 XOR 0x01: every block garbled as node:crypto decrypts it, and the padding verdict by hand', () => {
    const t = traceOf(TEXT);
    const wrong = Buffer.from(KEY);
    wrong[0] ^= 0x01;
    expect(Buffer.from(wrongKeyOf(new Uint8Array(KEY))).equals(wrong)).toBe(true);
    const p = cbcDecryptRaw(wrong, IV, cbcEncrypt(KEY, IV, Buffer.from(TEXT)));
    const bits = bitDiff(pad(Buffer.from(TEXT)), p);
    const r = wrongKeyWhatIf(t);
    expect(r.rows[0].cells.map((c) => c.bits)).toEqual(bits);
    expect(bits.every((b) => b > 1)).toBe(true);
    const k = p[47];
    let bad = k === 0 || k > 16 ? 47 : -1;
    for (let i = 46; bad < 0 && i >= 48 - k; i--) if (p[i] !== k) bad = i;
    expect(bad).toBeGreaterThanOrEqual(0);
    expect(r.padding).toMatchObject({ ok: false, position: bad, actual: p[bad] });
    const lo = Math.min(...bits);
    const hi = Math.max(...bits);
    expect(r.sentence).toBe(
      `With key byte 0 changed from 0x2b to 0x2a, all 3 blocks came out garbled (${lo}–${hi} of 128 bits changed), because every block passes through AES decryption under the key, and the padding check fails at byte ${bad} (P${sub(Math.floor(bad / 16) + 1)}[${bad % 16}] = 0x${p[bad].toString(16).padStart(2, '0')}, expected ${r.padding && !r.padding.ok ? r.padding.expected : ''}).`
    );
    expect(r.lesson).toBe('why-decryption-failed');
  });
});

describe('drop the IV', () => {
  it('C₁ taken as the IV: node:crypto decrypts C₂…Cₙ to P₂…Pₙ, P₁ is lost and the padding passes', () => {
    const t = traceOf(TEXT);
    const c = cbcEncrypt(KEY, IV, Buffer.from(TEXT));
    const d = createDecipheriv('aes-128-cbc', KEY, c.subarray(0, 16));
    const p = Buffer.concat([d.update(c.subarray(16)), d.final()]);
    expect(p.toString()).toBe(TEXT.slice(16));
    const r = dropIvWhatIf(t);
    expect(r.rows[0].cells.map((x) => [x.state, x.note])).toEqual([
      ['lost', undefined],
      ['same', 'now P₁'],
      ['same', 'now P₂']
    ]);
    // place by place, what the receiver reads differs from the trace in every block it has
    const aligned = bitDiff(
      pad(Buffer.from(TEXT)).subarray(0, 32),
      cbcDecryptRaw(KEY, c.subarray(0, 16), c.subarray(16))
    );
    expect(r.rows[1].cells.map((x) => x.bits)).toEqual(aligned);
    expect(r.padding).toEqual({ ok: true, padLength: 7 });
    expect(r.sentence).toBe(
      'Taking C₁ as the IV, the receiver gets 2 blocks back: P₁ is lost and every later block comes out intact but one place earlier (P₂ is now P₁), because Pⱼ = CIPH⁻¹_K(Cⱼ) ⊕ Cⱼ₋₁ needs only Cⱼ and the block before it, so only P₁ needed the IV; the padding check still passes, so nothing warns the receiver that the message is short.'
    );
  });

  it('a one-block message: nothing is left to decrypt', () => {
    const r = dropIvWhatIf(traceOf('short'));
    expect(r.rows[0].cells.map((x) => x.state)).toEqual(['lost']);
    expect(r.sentence).toBe(
      'With one ciphertext block and no IV, the receiver takes C₁ as the IV and has nothing left to decrypt, so P₁ is lost.'
    );
  });
});

describe('on a decryption trace', () => {
  it('the experiments read the recovered plaintext: a flip and a wrong key as node:crypto decrypts them', () => {
    const c = cbcEncrypt(KEY, IV, Buffer.from(TEXT));
    const t = decryptTrace({ key: new Uint8Array(KEY), iv: new Uint8Array(IV), ciphertext: new Uint8Array(c) });
    const tampered = Buffer.from(c);
    tampered[16 + 7] ^= 0x02;
    const want = bitDiff(pad(Buffer.from(TEXT)), cbcDecryptRaw(KEY, IV, tampered));
    expect(flipWhatIf(t, { block: 1, byte: 7, bit: 6 }).rows[0].cells.map((x) => x.bits)).toEqual(want);
    const wrong = Buffer.from(KEY);
    wrong[0] ^= 0x01;
    expect(wrongKeyWhatIf(t).rows[0].cells.map((x) => x.bits)).toEqual(
      bitDiff(pad(Buffer.from(TEXT)), cbcDecryptRaw(wrong, IV, c))
    );
    expect(suggestSecond(t)).toBe('attack at dawn, and then a different ending');
    expect(dropIvWhatIf(t).rows[0].cells.map((x) => x.state)).toEqual(['lost', 'same', 'same']);
  });
});
