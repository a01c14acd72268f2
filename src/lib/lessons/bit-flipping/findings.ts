// Lesson 1, "What just happened", the counting half: what the learner's flips, forgery and
// replays did, as numbers. Block indices are 0-based, with -1 for the IV (bit-flip.ts's IV_BLOCK).
import type { BitPosition, FlipExperiment } from '../../crypto/bit-flip';

export interface FlipRecord {
  position: BitPosition;
  garbled: number[];
  oneBit: number[];
  garbledBits: number[];
  ecbGarbled: number[];
  paddingOk: boolean;
}

export function record(x: FlipExperiment): FlipRecord {
  return {
    position: x.position,
    garbled: x.cbc.filter((d) => d.change === 'garbled').map((d) => d.index),
    oneBit: x.cbc.filter((d) => d.change === 'one-bit').map((d) => d.index),
    garbledBits: x.cbc.filter((d) => d.change === 'garbled').map((d) => d.changedBits),
    ecbGarbled: x.ecb.filter((d) => d.change !== 'same').map((d) => d.index),
    paddingOk: x.padding.ok
  };
}

/** What the flips in ciphertext blocks (not the IV) did. */
export interface CiphertextFlips {
  count: number;
  /** changed bits per garbled plaintext block, averaged over every garbled block */
  meanGarbledBits: number;
  /** flips that garbled only their own block and flipped exactly one bit of the next one */
  exactNext: number;
  /** flips in the last block, which has no next block */
  inLastBlock: number;
  /** under ECB, every flip garbled exactly its own block */
  ecbOwnBlockOnly: boolean;
}

export interface FlipTally {
  flips: number;
  ivFlips: number;
  ciphertext: CiphertextFlips | null;
  /** flips after which the PKCS#7 check (RFC 5652 §6.3) failed */
  brokePadding: number;
}

export interface Forged {
  /** bytes edited */
  bytes: number;
  /** the 0-based ciphertext block edited (its plaintext block is garbled), or null for the IV */
  garbled: number | null;
}

export interface FlipLessonFacts {
  flips: FlipTally | null;
  forged: Forged | null;
  /** the page's own sentence for each replay, shown as it is */
  replays: string[];
}

function ciphertextFlips(cFlips: FlipRecord[]): CiphertextFlips {
  const bits = cFlips.flatMap((f) => f.garbledBits);
  // SP 800-38A §6.2: Pᵢ = CIPH⁻¹(Cᵢ) ⊕ Cᵢ₋₁, so a flip in Cᵢ garbles Pᵢ and flips the same bit of Pᵢ₊₁.
  const exact = (f: FlipRecord) =>
    f.garbled.length === 1 &&
    f.garbled[0] === f.position.block &&
    (f.oneBit.length === 0 ? f.position.block === -1 : f.oneBit[0] === f.position.block + 1);
  return {
    count: cFlips.length,
    meanGarbledBits: bits.reduce((a, b) => a + b, 0) / Math.max(1, bits.length),
    exactNext: cFlips.filter(exact).length,
    inLastBlock: cFlips.filter((f) => f.oneBit.length === 0).length,
    ecbOwnBlockOnly: cFlips.every((f) => f.ecbGarbled.length === 1 && f.ecbGarbled[0] === f.position.block)
  };
}

export function tallyFlips(flips: FlipRecord[]): FlipTally | null {
  if (flips.length === 0) return null;
  const cFlips = flips.filter((f) => f.position.block >= 0);
  return {
    flips: flips.length,
    ivFlips: flips.length - cFlips.length,
    ciphertext: cFlips.length ? ciphertextFlips(cFlips) : null,
    brokePadding: flips.filter((f) => !f.paddingOk).length
  };
}

export function flipLessonFacts(
  flips: FlipRecord[],
  forged: Forged | null,
  replays: { verdict: string }[]
): FlipLessonFacts {
  return { flips: tallyFlips(flips), forged, replays: replays.map((r) => r.verdict) };
}
