// What /learn's result box shows of a trace: the wire form, the ciphertext and the recovered
// plaintext, each cut to what a box can lay out cheaply, with how much more there is; and the
// example links under it. Pure.
import { bytesToHex, bytesToUtf8, firstInvalidUtf8, type Trace } from '$lib/crypto';
import { NIST_IV, NIST_KEY, readLink } from './compute';

/** characters of any output shown; the rest is counted, not laid out */
export const SHOW = 6000;

export interface Clipped {
  text: string;
  /** characters (wire) or bytes (ciphertext, plaintext) left out */
  more: number;
}

function clip(s: string): Clipped {
  return s.length > SHOW ? { text: s.slice(0, SHOW), more: s.length - SHOW } : { text: s, more: 0 };
}

/** Cut before a UTF-8 sequence that the cut would split (RFC 3629 §3: continuation bytes are 10xxxxxx). */
export function trimUtf8(b: Uint8Array): Uint8Array {
  let e = b.length;
  while (e > 0 && (b[e - 1] & 0xc0) === 0x80) e--;
  return e > 0 && b[e - 1] >= 0xc0 ? b.subarray(0, e - 1) : b.subarray(0, e);
}

export const wireOutput = (trace: Trace): Clipped => clip(trace.wire.base64);

export function cipherOutput(trace: Trace): Clipped {
  const c = trace.ciphertext;
  return { text: bytesToHex(c.subarray(0, SHOW / 2)), more: c.length * 2 > SHOW ? c.length - SHOW / 2 : 0 };
}

export interface PlainOutput extends Clipped {
  bytes: number;
  /** text when the plaintext is valid UTF-8, else hex */
  as: 'text' | 'hex';
}

export function plainOutput(trace: Trace): PlainOutput | null {
  if (trace.direction !== 'decrypt' || !trace.plaintext) return null;
  const all = trace.plaintext;
  const p = all.subarray(0, SHOW);
  const bytes = all.length;
  return firstInvalidUtf8(all) === -1
    ? {
        bytes,
        as: 'text',
        text: clip(bytesToUtf8(p.length < all.length ? trimUtf8(p) : p)).text,
        more: Math.max(0, all.length - SHOW)
      }
    : { bytes, as: 'hex', text: bytesToHex(p.subarray(0, SHOW / 2)), more: Math.max(0, all.length - SHOW / 2) };
}

const wrongKeyWire = readLink(new URLSearchParams('mode=decrypt')).form.wire;

export const EXAMPLES = [
  {
    label: 'NIST F.2.1',
    href: `?mode=encrypt&enc=hex&padding=none&key=${NIST_KEY}&iv=${NIST_IV}&text=6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710`
  },
  {
    label: 'aligned: a whole pad block',
    href: `?mode=encrypt&key=${NIST_KEY}&iv=${NIST_IV}&text=${encodeURIComponent('sixteen bytes!!!')}`
  },
  {
    label: 'decrypt with a wrong key',
    href: `?mode=decrypt&key=000102030405060708090a0b0c0d0e0f&wire=${encodeURIComponent(wrongKeyWire)}&step=7`
  },
  { label: '64 KiB', href: `?mode=encrypt&key=${NIST_KEY}&iv=${NIST_IV}&fill=65536` },
  { label: '1 MiB', href: `?mode=encrypt&key=${NIST_KEY}&iv=${NIST_IV}&fill=1048576` }
];
