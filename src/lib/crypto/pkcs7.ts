// PKCS#7 padding, RFC 5652 §6.3: append k bytes of value k, 1 ≤ k ≤ 16, so that the length is a
// multiple of the block size; an aligned input gets a whole extra block of 0x10. The check is
// strict: every pad byte is compared (node-forge only reads the last byte).
import { hexLiteral } from './bytes';
import { PaddingError, type PaddingFault } from './errors';

export const BLOCK_SIZE = 16;

/** Pad length RFC 5652 §6.3 prescribes for an input of `length` bytes: always 1..16. */
export function padLengthFor(length: number): number {
  return BLOCK_SIZE - (length % BLOCK_SIZE);
}

/** `data ‖ k×k`, a new array. */
export function pkcs7Pad(data: Uint8Array): Uint8Array {
  const k = padLengthFor(data.length);
  const out = new Uint8Array(data.length + k);
  out.set(data);
  out.fill(k, data.length);
  return out;
}

export type PaddingCheck =
  | { ok: true; padLength: number }
  | {
      ok: false;
      fault: PaddingFault;
      /** index in the padded plaintext of the byte that broke the rule */
      position: number;
      expected: string;
      actual: number;
      message: string;
    };

/**
 * Check the PKCS#7 padding at the end of `padded` (whole blocks). Reports the first failing
 * rule, reading from the last byte backwards as a decryptor does, so a page can point at the
 * exact byte.
 */
export function checkPkcs7(padded: Uint8Array): PaddingCheck {
  const n = padded.length;
  const last = n - 1;
  const k = padded[last];
  if (k === 0) {
    return {
      ok: false,
      fault: 'zero',
      position: last,
      expected: '0x01..0x10',
      actual: k,
      message: `bad padding: the last byte (position ${last}) is 0x00, but a PKCS#7 pad length is 1 to 16`
    };
  }
  if (k > BLOCK_SIZE) {
    return {
      ok: false,
      fault: 'too-large',
      position: last,
      expected: '0x01..0x10',
      actual: k,
      message: `bad padding: the last byte (position ${last}) is ${hexLiteral(k)} = ${k}, but a PKCS#7 pad length is 1 to 16`
    };
  }
  if (k > n) {
    return {
      ok: false,
      fault: 'longer-than-data',
      position: last,
      expected: `at most ${n}`,
      actual: k,
      message: `bad padding: the last byte says ${k} pad bytes, but there are only ${n} bytes`
    };
  }
  for (let i = last - 1; i >= n - k; i--) {
    if (padded[i] !== k) {
      return {
        ok: false,
        fault: 'mismatch',
        position: i,
        expected: hexLiteral(k),
        actual: padded[i],
        message:
          `bad padding: the last byte says ${k} pad bytes of ${hexLiteral(k)}, ` +
          `but byte ${i} is ${hexLiteral(padded[i])}`
      };
    }
  }
  return { ok: true, padLength: k };
}

/** The unpadded view of `padded`, or a PaddingError naming the byte at fault. */
export function pkcs7Unpad(padded: Uint8Array): Uint8Array {
  const check = checkPkcs7(padded);
  if (!check.ok) throw paddingError(check);
  return padded.subarray(0, padded.length - check.padLength);
}

export function paddingError(check: Extract<PaddingCheck, { ok: false }>): PaddingError {
  return new PaddingError(
    `${check.message}; check the key and the IV: a wrong key garbles every block, a wrong IV only the first`,
    check.fault,
    { expected: check.expected, actual: check.actual, position: check.position }
  );
}
