// A seeded pseudo-random stream for quizzes and worksheets: the same seed gives the same questions,
// on the page and in `cbc-lab worksheet`, so a teacher can hand out one seed and check the answers.
// Not for keys that protect anything: the core reads no randomness (DESIGN.md), and this is only a
// deterministic shuffle. The seed string is hashed with FNV-1a (32-bit) and drives splitmix32.
import { OutOfRangeError } from '../errors/out-of-range';

export interface Prng {
  /** the next 32-bit unsigned integer */
  uint32(): number;
  /** an integer in [0, n), uniform (rejection sampling, no modulo bias) */
  int(n: number): number;
  /** an element of a non-empty list */
  pick<T>(items: readonly T[]): T;
  /** `length` bytes */
  bytes(length: number): Uint8Array;
}

/** FNV-1a over the seed's UTF-16 code units. */
function fnv1a(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function prng(seed: string): Prng {
  let state = fnv1a(seed);
  const uint32 = (): number => {
    // splitmix32: a Weyl sequence through a 32-bit finaliser (murmur3's constants)
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new OutOfRangeError('int', 'an integer from 1 to 2^32', n);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = uint32();
      if (x < limit) return x % n;
    }
  };
  return {
    uint32,
    int,
    pick: (items) => items[int(items.length)],
    bytes(length) {
      const out = new Uint8Array(length);
      for (let i = 0; i < length; i++) out[i] = uint32() & 0xff;
      return out;
    }
  };
}
