// Wycheproof's AES-CBC-PKCS5 vectors (tests/vectors/README.md), every test group through our
// engine and through node:crypto (OpenSSL). "valid" cases must give Wycheproof's ct and msg both
// ways; "invalid" ones (bad paddings, an empty ciphertext) must be refused by both, ours with the
// error code their flag calls for. PKCS#5 padding on a 16-byte block is PKCS#7 (RFC 5652 §6.3).
import { describe, expect, it } from 'vitest';
import { decryptTrace, encryptTrace, paddingError } from '$lib/crypto';
import { fromHex, hex, nodeDecrypt, nodeEncrypt } from '../helpers/oracles';
import wycheproof from './wycheproof/aes_cbc_pkcs5_test.json';

interface IndCpaTest {
  tcId: number;
  comment: string;
  flags: string[];
  key: string;
  iv: string;
  msg: string;
  ct: string;
  result: string;
}

interface IndCpaTestGroup {
  type: string;
  keySize: number;
  ivSize: number;
  tests: IndCpaTest[];
}

const file: {
  algorithm: string;
  numberOfTests: number;
  notes: Record<string, unknown>;
  testGroups: IndCpaTestGroup[];
} = wycheproof;

// The flags as this file version spells them (its `notes`); a flag we do not know fails the
// file check below rather than being skipped.
const CODE_FOR_FLAG: Record<string, string> = {
  // whole blocks that decrypt to something other than k bytes of value k
  BadPadding: 'ERR_BAD_PADDING',
  // an empty ciphertext holds no block, so not even a pad byte (SP 800-38A §6.2 needs n ≥ 1 blocks)
  NoPadding: 'ERR_CIPHERTEXT_LENGTH'
};

const all = file.testGroups.flatMap((g) => g.tests);
const valid = all.filter((t) => t.result === 'valid').length;
const invalid = all.filter((t) => t.result === 'invalid').length;

/** Our decryption as a shell uses it: the trace, and a failed padding check raised as its coded error. */
function ourDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const trace = decryptTrace({ key, iv, ciphertext });
  if (!trace.padding.ok) throw paddingError(trace.padding.check);
  return trace.plaintext!;
}

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw, got a result');
}

/**
 * Which rule of RFC 5652 §6.3 the recovered `padded` bytes break, read from the last byte back
 * as a decryptor reads them: the pad length k = the last byte must be 1..16, and the k bytes
 * before the end must all equal k. Derived here from the standard, not from src/lib/crypto.
 */
function paddingFault(padded: Uint8Array): { fault: string; position: number } {
  const last = padded.length - 1;
  const k = padded[last];
  if (k === 0) return { fault: 'zero', position: last };
  if (k > 16) return { fault: 'too-large', position: last };
  for (let i = last - 1; i >= padded.length - k; i--) {
    if (padded[i] !== k) return { fault: 'mismatch', position: i };
  }
  throw new Error(`the padding of ${hex(padded)} is valid PKCS#7`);
}

describe(`Wycheproof aes_cbc_pkcs5_test.json: ${all.length} cases (${valid} valid, ${invalid} invalid)`, () => {
  it('is the file the README describes, with only flags and results we handle', () => {
    expect(file.algorithm).toBe('AES-CBC-PKCS5');
    expect(all.length).toBe(file.numberOfTests);
    expect(file.testGroups.map((g) => [g.type, g.keySize, g.ivSize])).toEqual([
      ['IndCpaTest', 128, 128],
      ['IndCpaTest', 192, 128],
      ['IndCpaTest', 256, 128]
    ]);
    expect(new Set(all.map((t) => t.result))).toEqual(new Set(['valid', 'invalid']));
    const flags = new Set(all.flatMap((t) => t.flags));
    expect(flags).toEqual(new Set(Object.keys(file.notes)));
    expect(flags).toEqual(new Set(['Pseudorandom', ...Object.keys(CODE_FOR_FLAG)]));
    for (const t of all) {
      if (t.result === 'valid') expect(t.flags).toEqual(['Pseudorandom']);
      else expect(t.flags.filter((f) => f in CODE_FOR_FLAG)).toHaveLength(1);
    }
  });

  for (const group of file.testGroups) {
    const n = (result: string) => group.tests.filter((t) => t.result === result).length;
    describe(`AES-${group.keySize}-CBC: ${group.tests.length} cases (${n('valid')} valid, ${n('invalid')} invalid)`, () => {
      for (const t of group.tests) {
        const key = fromHex(t.key);
        const iv = fromHex(t.iv);
        const msg = fromHex(t.msg);
        const ct = fromHex(t.ct);

        if (t.result === 'valid') {
          it(`tcId ${t.tcId} valid: ${t.comment} (${msg.length} bytes)`, () => {
            expect(key.length * 8).toBe(group.keySize);
            expect(hex(nodeEncrypt(key, iv, msg))).toBe(t.ct);
            expect(hex(nodeDecrypt(key, iv, ct))).toBe(t.msg);

            expect(hex(encryptTrace({ key, iv, plaintext: msg }).ciphertext)).toBe(t.ct);
            const trace = decryptTrace({ key, iv, ciphertext: ct });
            expect(trace.padding.ok).toBe(true);
            expect(hex(trace.plaintext!)).toBe(t.msg);
          });
          continue;
        }

        const flag = t.flags.find((f) => f in CODE_FOR_FLAG)!;
        it(`tcId ${t.tcId} invalid (${flag}): ${t.comment}, ${ct.length}-byte ciphertext`, () => {
          expect(() => nodeDecrypt(key, iv, ct)).toThrow();
          const error = thrown(() => ourDecrypt(key, iv, ct));
          expect(error).toBeInstanceOf(Error);
          expect(error).toMatchObject({ code: CODE_FOR_FLAG[flag] });

          if (flag === 'BadPadding') {
            // Whole blocks decrypt fine without the padding check; Wycheproof's msg is what comes
            // before the bad pad bytes, and the error points at the byte that breaks §6.3.
            const padded = nodeDecrypt(key, iv, ct, false);
            expect(hex(padded.subarray(0, msg.length))).toBe(t.msg);
            expect(error).toMatchObject(paddingFault(padded));
            expect(hex(decryptTrace({ key, iv, ciphertext: ct }).padded)).toBe(hex(padded));
          } else {
            expect(ct.length).toBe(0);
          }
        });
      }
    });
  }
});
