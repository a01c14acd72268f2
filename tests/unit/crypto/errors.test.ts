// Every CryptoError code with its class and structured fields (docs/errors.md). Expected
// positions are derived by hand from the input strings.
import { describe, expect, it } from 'vitest';
import {
  Base64Error,
  CiphertextLengthError,
  CryptoError,
  HexError,
  IvLengthError,
  KeyLengthError,
  PlaintextLengthError,
  Utf8Error,
  WireLengthError,
  base64ToBytes,
  bytesToUtf8,
  createBlockCipher,
  decryptTrace,
  encodeBytes,
  encryptTrace,
  hexToBytes,
  parseWireBase64,
  splitWire
} from '$lib/crypto';
import { asFieldError, BlockLengthError, ForgeryError } from '$lib/crypto/errors';
import { flipBit, planForgery } from '$lib/crypto/bit-flip';
import { encryptRounds } from '$lib/crypto/teaching-aes';
import { paddingOracleAttack } from '$lib/crypto/padding-oracle';
import { encodeFrame } from '$lib/protocol/frame';
import { isCodedError } from '$lib/errors/coded-error';
import { OutOfRangeError } from '$lib/errors/out-of-range';

function caught(fn: () => unknown): CryptoError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CryptoError);
    expect(e).toBeInstanceOf(Error);
    return e as CryptoError;
  }
  throw new Error('expected a CryptoError, nothing was thrown');
}

const bytes = (n: number) => new Uint8Array(n);

describe('ERR_KEY_LENGTH (FIPS-197 §5: 128, 192 or 256 bits)', () => {
  for (const n of [0, 1, 15, 17, 23, 25, 31, 33, 64]) {
    it(`${n}-byte key`, () => {
      for (const fn of [
        () => encryptTrace({ key: bytes(n), iv: bytes(16), plaintext: bytes(3) }),
        () => decryptTrace({ key: bytes(n), iv: bytes(16), ciphertext: bytes(16) }),
        () => createBlockCipher(bytes(n))
      ]) {
        const e = caught(fn);
        expect(e).toBeInstanceOf(KeyLengthError);
        expect(e).toMatchObject({
          name: 'KeyLengthError',
          code: 'ERR_KEY_LENGTH',
          expected: '16, 24 or 32',
          actual: n
        });
        expect(e.message).toMatch(/^key: expected 16, 24 or 32 bytes/);
      }
    });
  }
});

describe('ERR_IV_LENGTH (SP 800-38A §6.2: one block)', () => {
  for (const n of [0, 8, 15, 17, 32]) {
    it(`${n}-byte IV`, () => {
      for (const fn of [
        () => encryptTrace({ key: bytes(16), iv: bytes(n), plaintext: bytes(3) }),
        () => decryptTrace({ key: bytes(32), iv: bytes(n), ciphertext: bytes(16) })
      ]) {
        const e = caught(fn);
        expect(e).toBeInstanceOf(IvLengthError);
        expect(e).toMatchObject({ code: 'ERR_IV_LENGTH', expected: 16, actual: n });
      }
    });
  }
});

describe('ERR_CIPHERTEXT_LENGTH', () => {
  it('empty ciphertext', () => {
    const e = caught(() => decryptTrace({ key: bytes(16), iv: bytes(16), ciphertext: bytes(0) }));
    expect(e).toBeInstanceOf(CiphertextLengthError);
    expect(e).toMatchObject({ code: 'ERR_CIPHERTEXT_LENGTH', expected: 'at least 16', actual: 0 });
    expect(e.message).toMatch(/nothing to decrypt/);
  });

  for (const n of [1, 15, 17, 31, 33, 1000]) {
    it(`${n} bytes is not whole blocks`, () => {
      for (const padding of ['pkcs7', 'none'] as const) {
        const e = caught(() => decryptTrace({ key: bytes(24), iv: bytes(16), ciphertext: bytes(n), padding }));
        expect(e).toBeInstanceOf(CiphertextLengthError);
        expect(e).toMatchObject({ code: 'ERR_CIPHERTEXT_LENGTH', expected: 'a multiple of 16', actual: n });
        expect(e.message).toContain(`${n % 16} bytes past the last whole block`);
      }
    });
  }
});

describe('ERR_PLAINTEXT_LENGTH (padding none needs whole blocks)', () => {
  for (const [n, add] of [
    [1, 15],
    [15, 1],
    [17, 15],
    [40, 8]
  ]) {
    it(`${n} bytes`, () => {
      const e = caught(() => encryptTrace({ key: bytes(16), iv: bytes(16), plaintext: bytes(n), padding: 'none' }));
      expect(e).toBeInstanceOf(PlaintextLengthError);
      expect(e).toMatchObject({ code: 'ERR_PLAINTEXT_LENGTH', expected: 'a multiple of 16', actual: n });
      expect(e.message).toContain(`add ${add} bytes`);
    });
  }
});

describe('ERR_WIRE_LENGTH', () => {
  for (const n of [0, 15, 16, 31]) {
    it(`${n} wire bytes cannot hold an IV and a block`, () => {
      const e = caught(() => splitWire(bytes(n)));
      expect(e).toBeInstanceOf(WireLengthError);
      expect(e).toMatchObject({ code: 'ERR_WIRE_LENGTH', expected: 'at least 32', actual: n });
    });
  }

  it('through parseWireBase64: the IV alone', () => {
    const e = caught(() => parseWireBase64(Buffer.alloc(16).toString('base64')));
    expect(e).toMatchObject({ code: 'ERR_WIRE_LENGTH', actual: 16 });
  });

  it('a wire whose ciphertext part is not whole blocks is ERR_CIPHERTEXT_LENGTH', () => {
    const e = caught(() => parseWireBase64(Buffer.alloc(16 + 17).toString('base64')));
    expect(e).toBeInstanceOf(CiphertextLengthError);
    expect(e).toMatchObject({ code: 'ERR_CIPHERTEXT_LENGTH', actual: 17 });
  });
});

describe('ERR_BAD_HEX', () => {
  it('odd number of digits names the digit without a partner', () => {
    expect(caught(() => hexToBytes('abc'))).toMatchObject({ code: 'ERR_BAD_HEX', actual: 3, position: 2 });
    // a0 b1 _2 c3 d4 _5 e6
    const e = caught(() => hexToBytes('ab cd e'));
    expect(e).toBeInstanceOf(HexError);
    expect(e).toMatchObject({ code: 'ERR_BAD_HEX', expected: 'an even number of digits', actual: 5, position: 6 });
  });

  it('a bad character, with its position', () => {
    const e = caught(() => hexToBytes('12g4', 'key'));
    expect(e).toBeInstanceOf(HexError);
    expect(e).toMatchObject({ code: 'ERR_BAD_HEX', actual: 'g', position: 2 });
    expect(e.message).toMatch(/^key: expected a hex digit .* at position 2, got 'g'/);
    expect(caught(() => hexToBytes('00 11 2-'))).toMatchObject({ actual: '-', position: 7 });
    expect(caught(() => hexToBytes('abé'))).toMatchObject({ actual: 'é', position: 2 });
    expect(caught(() => hexToBytes('ab😀'))).toMatchObject({ actual: '😀', position: 2 });
  });

  it('a 0x prefix gets a hint', () => {
    const e = caught(() => hexToBytes('0x1234'));
    expect(e).toMatchObject({ code: 'ERR_BAD_HEX', actual: 'x', position: 1 });
    expect(e.message).toContain('leave out the 0x prefix');
  });

  it('accepts upper and lower case with spaces, tabs and line breaks', () => {
    expect(Buffer.from(hexToBytes('DE ad\tBE\nef\r\n00')).toString('hex')).toBe('deadbeef00');
  });
});

describe('ERR_BAD_BASE64 (RFC 4648 §4, standard alphabet, padded)', () => {
  it('a character outside the alphabet', () => {
    const e = caught(() => base64ToBytes('QUJD@UJD'));
    expect(e).toBeInstanceOf(Base64Error);
    expect(e).toMatchObject({ code: 'ERR_BAD_BASE64', actual: '@', position: 4 });
    expect(caught(() => base64ToBytes('QUJ€'))).toMatchObject({ actual: '€', position: 3 });
  });

  it('URL-safe characters (RFC 4648 §5) get a hint', () => {
    for (const ch of ['-', '_']) {
      const e = caught(() => base64ToBytes(`QU${ch}D`));
      expect(e).toMatchObject({ code: 'ERR_BAD_BASE64', actual: ch, position: 2 });
      expect(e.message).toContain('URL-safe');
    }
  });

  it('= before the end', () => {
    const e = caught(() => base64ToBytes('QU=D'));
    expect(e).toMatchObject({ code: 'ERR_BAD_BASE64', actual: '=', position: 2 });
    expect(e.message).toContain('= may only pad the end');
  });

  it('a length that is not a multiple of 4', () => {
    for (const text of ['Q', 'QUJDRA', 'QUJDRA=', 'QUJDR']) {
      expect(caught(() => base64ToBytes(text))).toMatchObject({
        code: 'ERR_BAD_BASE64',
        expected: 'a multiple of 4',
        actual: text.length
      });
    }
  });

  it('a non-canonical last character (RFC 4648 §3.5): Buffer accepts it, we do not', () => {
    // 'R' = 17 = 0b010001: its low 4 bits would be dropped by 'QR=='; 'J' = 9 = 0b001001 in 'QUJ='
    expect(Buffer.from('QR==', 'base64').toString('hex')).toBe('41');
    expect(caught(() => base64ToBytes('QR=='))).toMatchObject({ code: 'ERR_BAD_BASE64', actual: 'R', position: 1 });
    expect(caught(() => base64ToBytes('QUJ='))).toMatchObject({ code: 'ERR_BAD_BASE64', actual: 'J', position: 2 });
    expect(Buffer.from(base64ToBytes('QQ==')).toString('hex')).toBe('41');
    expect(Buffer.from(base64ToBytes('QUI=')).toString('hex')).toBe('4142');
  });

  it('positions count characters of the original text across line breaks', () => {
    // Q0 U1 J2 D3 \n4 @5
    expect(caught(() => base64ToBytes('QUJD\n@UJD'))).toMatchObject({ actual: '@', position: 5 });
    expect(Buffer.from(base64ToBytes('QUJD\r\nRA==\n')).toString()).toBe('ABCD');
  });

  it('parseWireBase64 reports positions in the text as given, leading white space included', () => {
    // _0 _1 Q2 U3 J4 D5 @6
    expect(caught(() => parseWireBase64('  QUJD@UJD'))).toMatchObject({
      code: 'ERR_BAD_BASE64',
      actual: '@',
      position: 6
    });
    const wire = Buffer.alloc(32, 1).toString('base64');
    expect(parseWireBase64(`\n  ${wire}\n`).ciphertext.length).toBe(16);
  });
});

describe('ERR_BAD_UTF8 (RFC 3629 §4)', () => {
  const cases: [string, number[], number][] = [
    ['a byte that never occurs (0xff)', [0x61, 0xff], 1],
    ['a lone continuation byte', [0x80], 0],
    ['a sequence cut short', [0x61, 0x62, 0xc3], 2],
    ['a bad continuation byte', [0x41, 0xe2, 0x28, 0xa1], 1],
    ['an overlong 2-byte form (0xc0 0x80)', [0xc0, 0x80], 0],
    ['an overlong 3-byte form', [0x41, 0xe0, 0x80, 0x80], 1],
    ['a UTF-16 surrogate (U+D800)', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0x20, 0x20, 0xf4, 0x90, 0x80, 0x80], 2]
  ];
  for (const [what, input, position] of cases) {
    it(what, () => {
      const data = new Uint8Array(input);
      expect(() => new TextDecoder('utf-8', { fatal: true }).decode(data)).toThrow();
      const e = caught(() => bytesToUtf8(data, 'plaintext'));
      expect(e).toBeInstanceOf(Utf8Error);
      const b = '0x' + input[position].toString(16).padStart(2, '0');
      expect(e).toMatchObject({ name: 'Utf8Error', code: 'ERR_BAD_UTF8', expected: 'UTF-8', actual: b, position });
      expect(e.message).toMatch(/^plaintext: byte \d+ \(0x[0-9a-f]{2}\) is not valid UTF-8/);
      expect(caught(() => encodeBytes(data, 'utf8'))).toMatchObject({ code: 'ERR_BAD_UTF8', position });
    });
  }
});

describe('the core throws only coded errors (src/lib/errors/codes.ts)', () => {
  const iv = bytes(16);
  const c = bytes(32);
  const ascii = (s: string) => new TextEncoder().encode(s);

  it('ERR_OUT_OF_RANGE: a bit position outside the message (a CodedError and a RangeError)', () => {
    for (const p of [
      { block: 2, byte: 0, bit: 0 },
      { block: 0, byte: -1, bit: 0 },
      { block: 0, byte: 0, bit: 8 },
      { block: 0.5, byte: 0, bit: 0 }
    ]) {
      let e: unknown;
      try {
        flipBit(iv, c, p);
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(RangeError);
      expect(isCodedError(e)).toBe(true);
      expect(e).toMatchObject({ name: 'OutOfRangeError', code: 'ERR_OUT_OF_RANGE' });
    }
    expect(() => flipBit(iv, c, { block: 0, byte: 0, bit: 9 })).toThrow('bit: expected 0 to 7, got 9');
  });

  it('ERR_OUT_OF_RANGE: a header field outside 0..2^32-1 (§3.5)', () => {
    for (const seq of [-1, 2 ** 32, 1.5]) {
      expect(() => encodeFrame({ type: 'chat', suite: 'none', seq, payload: bytes(0) })).toThrow(
        expect.objectContaining({ code: 'ERR_OUT_OF_RANGE', actual: seq })
      );
    }
  });

  it('ERR_BAD_FORGERY: an edit that cannot be made in place', () => {
    const cases: [number, string, string, RegExp][] = [
      [0, 'user', 'admin', /cannot insert or delete/],
      [0, '', '', /at least one byte/],
      [14, 'abcd', 'wxyz', /within one block/],
      [20, 'abcd', 'wxyz', /offset: expected 0\.\.12, got 20/]
    ];
    for (const [offset, known, target, message] of cases) {
      const e = caught(() => planForgery(iv, bytes(16), offset, ascii(known), ascii(target)));
      expect(e).toBeInstanceOf(ForgeryError);
      expect(e).toMatchObject({ code: 'ERR_BAD_FORGERY' });
      expect(e.message).toMatch(message);
    }
  });

  it('ERR_BLOCK_LENGTH: the teaching AES takes one 16-byte block (FIPS-197 §3.4)', () => {
    for (const n of [0, 15, 17, 32]) {
      const e = caught(() => encryptRounds(bytes(16), bytes(n)));
      expect(e).toBeInstanceOf(BlockLengthError);
      expect(e).toMatchObject({
        code: 'ERR_BLOCK_LENGTH',
        expected: 16,
        actual: n,
        message: `block: expected 16 bytes, got ${n}`
      });
    }
  });

  it('the padding oracle attack: ERR_CIPHERTEXT_LENGTH and ERR_IV_LENGTH', async () => {
    const oracle = async () => true;
    await expect(paddingOracleAttack({ iv, ciphertext: bytes(20), oracle })).rejects.toMatchObject({
      code: 'ERR_CIPHERTEXT_LENGTH',
      actual: 20
    });
    await expect(paddingOracleAttack({ iv, ciphertext: bytes(0), oracle })).rejects.toMatchObject({
      code: 'ERR_CIPHERTEXT_LENGTH',
      actual: 0
    });
    await expect(paddingOracleAttack({ iv: bytes(8), ciphertext: bytes(16), oracle })).rejects.toMatchObject({
      code: 'ERR_IV_LENGTH',
      actual: 8
    });
  });

  it('asFieldError: a CryptoError keeps its code; anything else is ERR_INTERNAL, never ERR_BAD_HEX', () => {
    const hexError = caught(() => hexToBytes('zz', 'key'));
    expect(asFieldError(hexError, 'key')).toBe(hexError);
    for (const thrown of [
      new TypeError("Cannot read properties of undefined (reading 'length')"),
      'a string',
      new RangeError('x')
    ]) {
      const e = asFieldError(thrown, 'iv');
      expect(e).toBeInstanceOf(CryptoError);
      expect(e.code).toBe('ERR_INTERNAL');
      expect(e.message).toMatch(/^iv: .*a bug in CBC Lab/);
    }
    expect(asFieldError(new OutOfRangeError('bit', '0 to 7', 9), 'text').message).toMatch(
      /^text: ERR_OUT_OF_RANGE: bit: expected 0 to 7, got 9/
    );
  });
});
