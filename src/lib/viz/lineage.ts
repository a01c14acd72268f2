// Where a byte comes from and where it goes, for the linked highlighting. Bytes are named by
// the trace's own buffers: p = padded plaintext, iv, x = xored (Pᵢ ⊕ Cᵢ₋₁ = CIPH⁻¹_K(Cᵢ)),
// c = ciphertext, b = base64 characters of the wire form IV ‖ C. A wire byte w is iv[w] for
// w < 16 and c[w − 16] after.
//
// The XOR works byte by byte, AES does not: every output byte of CIPH_K depends on all 16
// input bytes (FIPS-197 §5.1: MixColumns mixes a column, ShiftRows moves bytes across columns),
// and so does CIPH⁻¹_K. So a byte that goes into Xᵢ feeds every byte of Cᵢ, and a byte of Cᵢ
// comes from every byte of Xᵢ (and of Pᵢ and Cᵢ₋₁, which make Xᵢ). The relations go one AES deep:
// the chain carries a change on into every later block, which the sentence says in words.
import { charsOfByte, bytesOfChar } from './base64-layout';

export type ByteSpace = 'p' | 'iv' | 'x' | 'c' | 'b';
export interface ByteRef {
  space: ByteSpace;
  index: number;
}
export type Relation = 'self' | 'source' | 'feeds';
export type Lineage = Map<string, Relation>;

export const refKey = (space: ByteSpace, index: number) => `${space}:${index}`;

const RANK: Record<Relation, number> = { self: 3, source: 2, feeds: 1 };

function put(m: Lineage, space: ByteSpace, index: number, rel: Relation) {
  const key = refKey(space, index);
  const had = m.get(key);
  if (!had || RANK[rel] > RANK[had]) m.set(key, rel);
}

/** The chain input of padded byte i: IV[i] for the first block, else Cᵢ₋₁ at the same position. */
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

/** All 16 bytes of the block that holds padded index i. */
function blockOf(i: number): number[] {
  const start = i - (i % 16);
  return Array.from({ length: 16 }, (_, k) => start + k);
}

/** Encrypting: the AES of block i's X makes every byte of Cᵢ, and each of them its base64 chars. */
function putCipherBlock(m: Lineage, i: number, rel: Relation) {
  for (const k of blockOf(i)) {
    put(m, 'c', k, rel);
    putChars(m, 16 + k, rel);
  }
}

/**
 * The relations of every byte to `ref` in a trace of `total` padded bytes. In the encrypt
 * direction data flows p, chain → x → (AES) → c → base64; decrypting, the same bytes flow
 * backwards: base64 → c → (AES⁻¹) → x, then x ⊕ chain → p.
 */
export function lineage(ref: ByteRef, total: number, direction: 'encrypt' | 'decrypt'): Lineage {
  const m: Lineage = new Map();
  const fwd = direction === 'encrypt';
  const wireBytes = total + 16;
  put(m, ref.space, ref.index, 'self');
  if (ref.space === 'b') {
    for (const w of bytesOfChar(ref.index, wireBytes)) {
      const r = chainOf(w);
      put(m, r.space, r.index, fwd ? 'source' : 'feeds');
    }
    return m;
  }
  if (ref.space === 'p' || ref.space === 'x') {
    const i = ref.index;
    const ch = chainOf(i);
    if (fwd) {
      if (ref.space === 'p') put(m, 'x', i, 'feeds');
      else {
        put(m, 'p', i, 'source');
        put(m, ch.space, ch.index, 'source');
      }
      putCipherBlock(m, i, 'feeds');
    } else {
      for (const k of blockOf(i)) put(m, 'c', k, 'source');
      if (ref.space === 'p') {
        put(m, 'x', i, 'source');
        put(m, ch.space, ch.index, 'source');
      } else put(m, 'p', i, 'feeds');
    }
    return m;
  }
  // iv or c: a wire byte (carried by its base64 chars), and the chain input of the block after it
  const w = wireIndex(ref);
  putChars(m, w, fwd ? 'feeds' : 'source');
  if (ref.space === 'c') {
    const block = blockOf(ref.index);
    if (fwd) {
      for (const k of block) {
        put(m, 'x', k, 'source');
        put(m, 'p', k, 'source');
        const ch = chainOf(k);
        put(m, ch.space, ch.index, 'source');
      }
    } else {
      for (const k of block) {
        put(m, 'x', k, 'feeds');
        put(m, 'p', k, 'feeds');
      }
    }
  }
  const next = w; // the padded index this byte is XORed into: the same position, one block on
  if (next < total) {
    if (fwd) {
      put(m, 'x', next, 'feeds');
      putCipherBlock(m, next, 'feeds');
    } else put(m, 'p', next, 'feeds');
  }
  return m;
}
