// Where a byte comes from and where it goes, for the linked highlighting. Bytes are named by
// the trace's own buffers: p = padded plaintext, iv, x = xored (Pᵢ ⊕ Cᵢ₋₁ = CIPH⁻¹_K(Cᵢ)),
// c = ciphertext, b = base64 characters of the wire form IV ‖ C. A wire byte w is iv[w] for
// w < 16 and c[w − 16] after. Position j of Cᵢ depends on all 16 bytes of Xᵢ through AES
// (FIPS-197 §5.1); we link byte j to byte j, and mark the rest of the block as `block`.
import { charsOfByte, bytesOfChar } from './base64-layout';

export type ByteSpace = 'p' | 'iv' | 'x' | 'c' | 'b';
export interface ByteRef {
  space: ByteSpace;
  index: number;
}
export type Relation = 'self' | 'source' | 'feeds' | 'block';
export type Lineage = Map<string, Relation>;

export const refKey = (space: ByteSpace, index: number) => `${space}:${index}`;

const RANK: Record<Relation, number> = { self: 4, source: 3, feeds: 2, block: 1 };

function put(m: Lineage, space: ByteSpace, index: number, rel: Relation) {
  const key = refKey(space, index);
  const had = m.get(key);
  if (!had || RANK[rel] > RANK[had]) m.set(key, rel);
}

function chainOf(i: number): ByteRef {
  return i < 16 ? { space: 'iv', index: i } : { space: 'c', index: i - 16 };
}

function wireIndex(r: ByteRef): number {
  return r.space === 'iv' ? r.index : 16 + r.index;
}

function putChars(m: Lineage, w: number, rel: Relation) {
  const [a, b] = charsOfByte(w);
  for (let ch = a; ch <= b; ch++) put(m, 'b', ch, rel);
}

function putBlock(m: Lineage, space: ByteSpace, i: number, total: number) {
  const start = i - (i % 16);
  for (let k = start; k < Math.min(start + 16, total); k++) put(m, space, k, 'block');
}

/**
 * The relations of every byte to `ref` in a trace of `total` padded bytes. In the encrypt
 * direction data flows p, chain → x → c → base64; decrypting, the same bytes flow backwards.
 */
export function lineage(ref: ByteRef, total: number, direction: 'encrypt' | 'decrypt'): Lineage {
  const m: Lineage = new Map();
  const fwd = direction === 'encrypt';
  const up: Relation = fwd ? 'source' : 'feeds';
  const down: Relation = fwd ? 'feeds' : 'source';
  const wireBytes = total + 16;
  if (ref.space === 'b') {
    put(m, 'b', ref.index, 'self');
    for (const w of bytesOfChar(ref.index, wireBytes)) {
      const r = w < 16 ? ({ space: 'iv', index: w } as const) : ({ space: 'c', index: w - 16 } as const);
      put(m, r.space, r.index, up === 'source' ? 'source' : 'feeds');
    }
    return m;
  }
  if (ref.space === 'p') {
    const i = ref.index;
    put(m, 'p', i, 'self');
    put(m, 'x', i, down);
    const ch = chainOf(i);
    if (fwd) {
      put(m, 'c', i, 'feeds');
      putBlock(m, 'c', i, total);
      putChars(m, 16 + i, 'feeds');
    } else {
      put(m, 'c', i, 'source');
      put(m, ch.space, ch.index, 'source');
    }
    return m;
  }
  if (ref.space === 'x') {
    const i = ref.index;
    put(m, 'x', i, 'self');
    put(m, 'p', i, up);
    const ch = chainOf(i);
    if (fwd) put(m, ch.space, ch.index, 'source');
    put(m, 'c', i, down);
    putBlock(m, 'c', i, total);
    if (fwd) putChars(m, 16 + i, 'feeds');
    return m;
  }
  // iv or c: both are wire bytes; each is the chain input of the block after it
  const w = wireIndex(ref);
  put(m, ref.space, ref.index, 'self');
  putChars(m, w, fwd ? 'feeds' : 'source');
  const next = w; // padded index of the byte this one is XORed into (block after it)
  if (next < total) {
    put(m, fwd ? 'x' : 'p', next, 'feeds');
    if (fwd) put(m, 'c', next, 'feeds');
  }
  if (ref.space === 'c') {
    const i = ref.index;
    put(m, 'x', i, up);
    putBlock(m, 'x', i, total);
    if (fwd) {
      put(m, 'p', i, 'source');
      const ch = chainOf(i);
      put(m, ch.space, ch.index, 'source');
    } else put(m, 'p', i, 'feeds');
  }
  return m;
}
