// IV reuse across frames (lesson 5, and the /live inspector's flags). CBC needs an unpredictable
// IV per message (SP 800-38A appendix C). With one key, C₁ = CIPH_K(P₁ ⊕ IV), and each later
// block depends only on its own plaintext and the block before it, so under an equal IV:
//   equal messages give equal ciphertexts, and
//   plaintexts that agree in their first n blocks give ciphertexts that agree in their first n blocks.
// An eavesdropper sees that without the key. Pure: takes frames, returns findings; no clock, no DOM.
import { bytesToHex, bytesToLatin1 } from './bytes';
import { BLOCK_SIZE } from './pkcs7';

export interface IvFrame {
  id: string;
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

export interface ReusedIv {
  ivHex: string;
  /** ids of the frames that carry this IV, in input order */
  frames: string[];
}

export interface BlockPosition {
  id: string;
  /** 0-based block index in that frame's ciphertext */
  block: number;
}

export interface RepeatedBlock {
  blockHex: string;
  /** every place the block occurs, in input order */
  at: BlockPosition[];
}

export interface SharedPrefix {
  a: string;
  b: string;
  ivHex: string;
  /** how many leading ciphertext blocks are equal */
  blocks: number;
  /** the two ciphertexts are identical: the two messages were identical */
  identical: boolean;
}

export interface IvReuseReport {
  frames: number;
  reusedIvs: ReusedIv[];
  repeatedBlocks: RepeatedBlock[];
  /** pairs of frames under an equal IV whose ciphertexts start with ≥ 1 equal block */
  sharedPrefixes: SharedPrefix[];
  /** id → true when the frame's IV or one of its blocks occurs elsewhere */
  flagged: Set<string>;
}

function hexOf(bytes: Uint8Array, from = 0, to = bytes.length): string {
  return bytesToHex(bytes.subarray(from, to));
}

/** Number of leading whole 16-byte blocks on which `a` and `b` agree. */
export function equalLeadingBlocks(a: Uint8Array, b: Uint8Array): number {
  const n = Math.floor(Math.min(a.length, b.length) / BLOCK_SIZE);
  for (let k = 0; k < n; k++) {
    for (let j = k * BLOCK_SIZE; j < (k + 1) * BLOCK_SIZE; j++) if (a[j] !== b[j]) return k;
  }
  return n;
}

/**
 * Find reused IVs, ciphertext blocks that occur more than once (anywhere across the frames,
 * with their positions), and, for each pair under an equal IV, how many leading blocks match.
 */
export function findIvReuse(frames: readonly IvFrame[]): IvReuseReport {
  const byIv = new Map<string, number[]>();
  frames.forEach((f, i) => {
    const k = hexOf(f.iv);
    const list = byIv.get(k);
    if (list) list.push(i);
    else byIv.set(k, [i]);
  });

  const byBlock = new Map<string, BlockPosition[]>();
  for (const f of frames) {
    const n = Math.floor(f.ciphertext.length / BLOCK_SIZE);
    for (let b = 0; b < n; b++) {
      const k = hexOf(f.ciphertext, b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE);
      const list = byBlock.get(k);
      if (list) list.push({ id: f.id, block: b });
      else byBlock.set(k, [{ id: f.id, block: b }]);
    }
  }

  const flagged = new Set<string>();
  const reusedIvs: ReusedIv[] = [];
  const sharedPrefixes: SharedPrefix[] = [];
  for (const [ivHex, idx] of byIv) {
    if (idx.length < 2) continue;
    reusedIvs.push({ ivHex, frames: idx.map((i) => frames[i].id) });
    for (const i of idx) flagged.add(frames[i].id);
    for (let x = 0; x < idx.length; x++) {
      for (let y = x + 1; y < idx.length; y++) {
        const fa = frames[idx[x]];
        const fb = frames[idx[y]];
        const blocks = equalLeadingBlocks(fa.ciphertext, fb.ciphertext);
        if (blocks === 0) continue;
        const identical = fa.ciphertext.length === fb.ciphertext.length && blocks * BLOCK_SIZE === fa.ciphertext.length;
        sharedPrefixes.push({ a: fa.id, b: fb.id, ivHex, blocks, identical });
      }
    }
  }

  const repeatedBlocks: RepeatedBlock[] = [];
  for (const [blockHex, at] of byBlock) {
    if (at.length < 2) continue;
    repeatedBlocks.push({ blockHex, at });
    for (const p of at) flagged.add(p.id);
  }

  return { frames: frames.length, reusedIvs, repeatedBlocks, sharedPrefixes, flagged };
}

/** Where a repeated block was first seen. */
export interface FirstBlock {
  /** 0-based block index in this frame */
  block: number;
  firstId: number;
  firstBlock: number;
}

export interface IvFinding {
  /** the first earlier frame that carried this IV (or GCM nonce), when it is a reuse */
  ivFirstId?: number;
  /** this frame's blocks that occurred earlier, with where they were first seen */
  blocks: FirstBlock[];
  /** set for a delivered copy of one sealed message (see `isCopy`): not a reuse of its own */
  copyOf?: number;
}

function keyOf(bytes: Uint8Array, from: number, to: number): string {
  // a latin1 key: half the memory of hex, for 100,000 frames of blocks
  return bytesToLatin1(bytes, from, to);
}

/**
 * findIvReuse, one frame at a time, for a capture that grows: two Maps (IV → first frame id;
 * block → first (id, block)), so each frame costs its own blocks. `domain` keeps IVs under
 * different keys apart (an IV repeats only under the same key). `isCopy(firstId, id)` is asked
 * when a frame carries an IV and a whole ciphertext both equal to an earlier frame's: return true
 * when the new frame is a delivery of that same sealed message, not a second encryption; the copy
 * then inherits the first frame's finding and adds nothing to the counts.
 */
export class IvReuseTracker {
  /** IV → its first frame, and the latest distinct message under it (copies follow the one they copy) */
  private ivs = new Map<string, { id: number; ct: string; lastId: number; lastCt: string }>();
  private blocks = new Map<string, number>();
  private findings = new Map<number, IvFinding>();
  /** frames whose IV was seen before (copies excluded) */
  reusedIvs = 0;
  /** block occurrences that repeat an earlier block (copies excluded) */
  repeatedBlocks = 0;
  private blockIds: number[] = [];

  constructor(private isCopy: (firstId: number, id: number) => boolean = () => false) {}

  get(id: number): IvFinding | undefined {
    return this.findings.get(id);
  }

  add(id: number, iv: Uint8Array, ciphertext: Uint8Array, domain = ''): IvFinding | undefined {
    const ivKey = domain + '\u0000' + keyOf(iv, 0, iv.length);
    const ct = keyOf(ciphertext, 0, ciphertext.length);
    const first = this.ivs.get(ivKey);
    const original = !first ? undefined : first.lastCt === ct ? first.lastId : first.ct === ct ? first.id : undefined;
    if (original !== undefined && this.isCopy(original, id)) {
      const inherited = this.findings.get(original);
      const f: IvFinding = { ...(inherited ?? { blocks: [] }), copyOf: original };
      this.findings.set(id, f);
      return inherited ? f : undefined;
    }
    const found: IvFinding = { blocks: [] };
    if (first) {
      found.ivFirstId = first.id;
      first.lastId = id;
      first.lastCt = ct;
      this.reusedIvs++;
    } else this.ivs.set(ivKey, { id, ct, lastId: id, lastCt: ct });
    const n = Math.floor(ciphertext.length / BLOCK_SIZE);
    for (let b = 0; b < n; b++) {
      const k = keyOf(ciphertext, b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE);
      const at = this.blocks.get(k);
      if (at === undefined) {
        this.blocks.set(k, this.blockIds.length);
        this.blockIds.push(id, b);
      } else {
        found.blocks.push({ block: b, firstId: this.blockIds[at], firstBlock: this.blockIds[at + 1] });
        this.repeatedBlocks++;
      }
    }
    if (found.ivFirstId === undefined && found.blocks.length === 0) return undefined;
    this.findings.set(id, found);
    return found;
  }
}
