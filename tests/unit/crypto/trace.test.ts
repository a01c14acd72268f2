// Trace invariants: the chain of SP 800-38A §6.2 holds in every BlockStep, the padding fields
// follow RFC 5652 §6.3, and the wire form is base64(IV ‖ C) (RFC 4648 §4) group for group.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Group, base64Groups, decryptTrace, encryptTrace, parseWireBase64, splitWire } from '$lib/crypto';
import { hex, nodeBlocks, xorBytes } from '../../helpers/oracles';

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const ivArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
const msgArb = fc.uint8Array({ minLength: 0, maxLength: 100 });
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

describe('encryptTrace', () => {
  it('chains: chainInput[0] = IV, chainInput[i+1] = cipherBlock[i], xored = P ⊕ chainInput, C = AES_K(xored)', () => {
    fc.assert(
      fc.property(keyArb, ivArb, msgArb, (key, iv, plaintext) => {
        const t = encryptTrace({ key, iv, plaintext });
        expect(t.blocks.length).toBe(t.padded.length / 16);
        expect(hex(t.blocks[0].chainInput)).toBe(hex(iv));
        t.blocks.forEach((b, i) => {
          expect(b.index).toBe(i);
          if (i > 0) expect(hex(b.chainInput)).toBe(hex(t.blocks[i - 1].cipherBlock));
          expect(hex(b.xored)).toBe(hex(xorBytes(b.plaintextBlock, b.chainInput)));
          expect(hex(b.cipherBlock)).toBe(hex(nodeBlocks(key, b.xored)));
        });
        expect(t.blocks.map((b) => hex(b.plaintextBlock)).join('')).toBe(hex(t.padded));
        expect(t.blocks.map((b) => hex(b.cipherBlock)).join('')).toBe(hex(t.ciphertext));
        expect(t.keySize).toBe(key.length * 8);
        expect(t.direction).toBe('encrypt');
      }),
      { numRuns: 200 }
    );
  });

  it('PKCS#7 fields: padLength = 16 − len mod 16, padBytes all equal padLength, fullBlock when aligned', () => {
    fc.assert(
      fc.property(keyArb, ivArb, msgArb, (key, iv, plaintext) => {
        const t = encryptTrace({ key, iv, plaintext });
        const k = 16 - (plaintext.length % 16);
        expect(t.padding.scheme).toBe('pkcs7');
        expect(t.padding.padLength).toBe(k);
        expect(Array.from(t.padding.padBytes)).toEqual(new Array(k).fill(k));
        expect(t.padding.fullBlock).toBe(plaintext.length % 16 === 0);
        expect(hex(t.input)).toBe(hex(plaintext));
        expect(hex(t.padded)).toBe(hex(plaintext) + hex(t.padding.padBytes));
      }),
      { numRuns: 200 }
    );
  });

  it('an aligned input gets a whole block of 0x10 (RFC 5652 §6.3)', () => {
    const t = encryptTrace({ key: new Uint8Array(16), iv: new Uint8Array(16), plaintext: new Uint8Array(32) });
    expect(t.blocks.length).toBe(3);
    expect(hex(t.blocks[2].plaintextBlock)).toBe('10'.repeat(16));
    expect(t.padding).toMatchObject({ padLength: 16, fullBlock: true });
  });

  it('padding none: no pad bytes', () => {
    const t = encryptTrace({
      key: new Uint8Array(24),
      iv: new Uint8Array(16),
      plaintext: new Uint8Array(48),
      padding: 'none'
    });
    expect(t.padding).toMatchObject({ scheme: 'none', padLength: 0, fullBlock: false });
    expect(t.padding.padBytes.length).toBe(0);
    expect(t.padded.length).toBe(48);
  });

  it('block entries are views into the trace buffers, not copies', () => {
    const t = encryptTrace({ key: new Uint8Array(16), iv: new Uint8Array(16), plaintext: new Uint8Array(100) });
    for (const b of t.blocks) {
      expect(b.plaintextBlock.buffer).toBe(t.padded.buffer);
      expect(b.cipherBlock.buffer).toBe(t.ciphertext.buffer);
    }
    expect(t.blocks[1].chainInput.buffer).toBe(t.ciphertext.buffer);
    expect(t.padding.padBytes.buffer).toBe(t.padded.buffer);
  });
});

describe('decryptTrace', () => {
  it('decrypt(encrypt(p)) = p, with the same chain and P = CIPH⁻¹_K(C) ⊕ chainInput', () => {
    fc.assert(
      fc.property(keyArb, ivArb, msgArb, (key, iv, plaintext) => {
        const e = encryptTrace({ key, iv, plaintext });
        const d = decryptTrace({ key, iv, ciphertext: e.ciphertext });
        expect(d.direction).toBe('decrypt');
        expect(hex(d.plaintext!)).toBe(hex(plaintext));
        expect(hex(d.padded)).toBe(hex(e.padded));
        expect(hex(d.blocks[0].chainInput)).toBe(hex(iv));
        d.blocks.forEach((b, i) => {
          if (i > 0) expect(hex(b.chainInput)).toBe(hex(d.blocks[i - 1].cipherBlock));
          expect(hex(b.xored)).toBe(hex(nodeBlocks(key, b.cipherBlock, true)));
          expect(hex(b.plaintextBlock)).toBe(hex(xorBytes(b.xored, b.chainInput)));
          expect(hex(b.xored)).toBe(hex(e.blocks[i].xored));
        });
        const k = 16 - (plaintext.length % 16);
        expect(d.padding).toMatchObject({ scheme: 'pkcs7', ok: true, padLength: k, fullBlock: k === 16 });
        if (d.padding.ok) expect(Array.from(d.padding.padBytes)).toEqual(new Array(k).fill(k));
      }),
      { numRuns: 200 }
    );
  });

  it('padding none: plaintext is the whole padded buffer', () => {
    const ciphertext = new Uint8Array(32).fill(7);
    const d = decryptTrace({ key: new Uint8Array(32), iv: new Uint8Array(16), ciphertext, padding: 'none' });
    expect(d.padding).toMatchObject({ scheme: 'none', ok: true, padLength: 0, fullBlock: false });
    expect(hex(d.plaintext!)).toBe(hex(d.padded));
  });
});

describe('wire form', () => {
  it('wire.bytes = IV ‖ C and wire.base64 = base64(IV ‖ C) by Buffer, both directions', () => {
    fc.assert(
      fc.property(keyArb, ivArb, msgArb, (key, iv, plaintext) => {
        const e = encryptTrace({ key, iv, plaintext });
        const expected = Buffer.concat([iv, e.ciphertext]);
        expect(hex(e.wire.bytes)).toBe(expected.toString('hex'));
        expect(e.wire.base64).toBe(expected.toString('base64'));
        expect(e.wire.groupCount).toBe(Math.ceil(expected.length / 3));
        const d = decryptTrace({ key, iv, ciphertext: e.ciphertext });
        expect(d.wire.base64).toBe(e.wire.base64);
        const parsed = parseWireBase64(e.wire.base64);
        expect(hex(parsed.iv)).toBe(hex(iv));
        expect(hex(parsed.ciphertext)).toBe(hex(e.ciphertext));
        expect(hex(splitWire(e.wire.bytes).ciphertext)).toBe(hex(e.ciphertext));
      }),
      { numRuns: 100 }
    );
  });

  it('base64Group g maps bytes 3g..3g+2 to characters 4g..4g+3 of Buffer’s base64, for every group', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 200 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        const groups = base64Groups(bytes);
        expect(groups.length).toBe(Math.ceil(bytes.length / 3));
        expect(groups.map((g) => g.chars).join('')).toBe(text);
        groups.forEach((g, i) => {
          expect(g).toEqual(base64Group(bytes, i));
          const chars = text.slice(4 * i, 4 * i + 4);
          expect(g.index).toBe(i);
          expect(g.charStart).toBe(4 * i);
          expect(g.byteStart).toBe(3 * i);
          expect(g.byteEnd).toBe(Math.min(3 * i + 3, bytes.length));
          expect(g.chars).toBe(chars);
          expect(g.padChars).toBe(chars.split('=').length - 1);
          expect(g.sextets).toEqual([...chars].map((c) => (c === '=' ? null : ALPHABET.indexOf(c))));
          expect(hex(bytes.subarray(g.byteStart, g.byteEnd))).toBe(Buffer.from(chars, 'base64').toString('hex'));
        });
      }),
      { numRuns: 300 }
    );
  });

  it('RFC 4648 §10 vectors, group by group, and a range of groups', () => {
    const groups = (s: string) => base64Groups(new TextEncoder().encode(s)).map((g) => g.chars);
    expect(groups('f')).toEqual(['Zg==']);
    expect(groups('fo')).toEqual(['Zm8=']);
    expect(groups('foo')).toEqual(['Zm9v']);
    expect(groups('foob')).toEqual(['Zm9v', 'Yg==']);
    expect(groups('fooba')).toEqual(['Zm9v', 'YmE=']);
    expect(groups('foobar')).toEqual(['Zm9v', 'YmFy']);
    expect(base64Groups(new TextEncoder().encode('foobarfoob'), 1, 3).map((g) => g.chars)).toEqual(['YmFy', 'Zm9v']);
  });
});
