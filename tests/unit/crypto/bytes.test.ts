// Encodings against Node's Buffer and TextDecoder: hex, base64 (RFC 4648 §4) and UTF-8 (RFC 3629).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  bytesToLatin1,
  bytesToUtf8,
  firstInvalidUtf8,
  hexLiteral,
  hexToBytes,
  latin1ToBytes,
  utf8ToBytes
} from '$lib/crypto';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const decodes = (b: Uint8Array) => {
  try {
    fatal.decode(b);
    return true;
  } catch {
    return false;
  }
};

describe('hex', () => {
  it('round-trips and matches Buffer, upper or lower case', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const text = Buffer.from(b).toString('hex');
        expect(bytesToHex(b)).toBe(text);
        expect(hex(hexToBytes(text.toUpperCase()))).toBe(text);
        expect(bytesToHex(b, ' ')).toBe(text.replace(/(..)(?!$)/g, '$1 '));
      }),
      { numRuns: 200 }
    );
  });
});

describe('base64', () => {
  it('matches Buffer and round-trips, also with openssl -a line breaks', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        const text = Buffer.from(b).toString('base64');
        expect(bytesToBase64(b)).toBe(text);
        expect(hex(base64ToBytes(text))).toBe(hex(b));
        expect(hex(base64ToBytes(text.replace(/(.{64})/g, '$1\n')))).toBe(hex(b));
      }),
      { numRuns: 300 }
    );
  });

  it('accepts exactly the canonical spelling: whatever it decodes, Buffer encodes back to the same text', () => {
    const chars = 'AQgw+/='.split('');
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...chars), { maxLength: 12 }), (cs) => {
        const text = cs.join('');
        let out: Uint8Array;
        try {
          out = base64ToBytes(text);
        } catch (e) {
          expect(e).toBeInstanceOf(CryptoError);
          expect((e as CryptoError).code).toBe('ERR_BAD_BASE64');
          return;
        }
        expect(Buffer.from(out).toString('base64')).toBe(text);
      }),
      { numRuns: 1000 }
    );
  });
});

describe('UTF-8', () => {
  it('encodes like Buffer and decodes what it encodes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        const b = utf8ToBytes(s);
        expect(hex(b)).toBe(Buffer.from(s, 'utf8').toString('hex'));
        expect(bytesToUtf8(b)).toBe(s);
      }),
      { numRuns: 300 }
    );
  });

  it('firstInvalidUtf8 is -1 exactly when a fatal TextDecoder accepts, and everything before it is valid', () => {
    const mutated = fc
      .tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }), fc.nat(), fc.integer({ min: 0, max: 255 }))
      .map(([s, at, v]) => {
        const b = new Uint8Array(Buffer.from(s, 'utf8'));
        b[at % b.length] = v;
        return b;
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 8 }), mutated), (b) => {
        const at = firstInvalidUtf8(b);
        expect(at === -1).toBe(decodes(b));
        if (at >= 0) {
          expect(decodes(b.subarray(0, at))).toBe(true);
          expect(decodes(b.subarray(at))).toBe(false);
          expect(() => bytesToUtf8(b)).toThrow(expect.objectContaining({ code: 'ERR_BAD_UTF8', position: at }));
        }
      }),
      { numRuns: 1000 }
    );
  });
});

describe('latin1 strings (one char per byte)', () => {
  it('a 1 MiB input converts both ways, equal to Buffer latin1, without a RangeError', () => {
    // A spread of this many arguments into String.fromCharCode throws RangeError in V8.
    const big = new Uint8Array(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = (i * 131 + 7) & 255;
    const text = bytesToLatin1(big);
    expect(text.length).toBe(big.length);
    expect(text === Buffer.from(big).toString('latin1')).toBe(true);
    expect(Buffer.from(latin1ToBytes(text)).equals(Buffer.from(big))).toBe(true);
  });

  it('a range from..to, and 0x80-0x9f as U+0080-U+009F (ISO-8859-1, not windows-1252)', () => {
    const b = Uint8Array.from([0x41, 0x80, 0x9f, 0xff, 0x00]);
    expect(bytesToLatin1(b, 1, 4)).toBe('\u0080\u009f\u00ff');
    expect(bytesToLatin1(b, 2, 2)).toBe('');
    const out = new Uint8Array(4);
    latin1ToBytes('\u00ffZ', out, 1);
    expect([...out]).toEqual([0, 0xff, 0x5a, 0]);
  });

  it('hexLiteral writes 0x and two lower-case digits', () => {
    expect([0, 0x0a, 0xcb, 0xff].map(hexLiteral)).toEqual(['0x00', '0x0a', '0xcb', '0xff']);
  });
});
