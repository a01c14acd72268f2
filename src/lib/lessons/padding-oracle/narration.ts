// Lesson 2's slow mode in words: at each recovered byte, the numbers of the query the receiver
// accepted. With X = Cᵢ₋₁′ the forged previous block and n = 16 − k the pad aimed for, an accepted
// query means (I ⊕ X)[k] = n, so I[k] = X[k] ⊕ n, and Pᵢ[k] = I[k] ⊕ Cᵢ₋₁[k] (SP 800-38A §6.2,
// RFC 5652 §6.3). Every number here comes from the events of the run (src/lib/crypto/padding-oracle.ts),
// none from the key. Pure: no DOM, no clock.
import type { ByteEvent, GuessEvent } from '../../crypto/padding-oracle';
import { BLOCK_SIZE } from '../../crypto/pkcs7';
import { byteToHex } from '../../crypto/bytes';
import { sub } from '../words';

/** What the narrator has seen of the byte being attacked. */
export interface NarratorState {
  block: number;
  byte: number;
  /** the queries the receiver accepted for this byte, in order (rechecks not included) */
  accepted: GuessEvent[];
  /** byte 15: guesses whose recheck (X[14] changed) was refused: a longer pad, not 01 */
  refuted: number[];
}

export const startNarrator = (): NarratorState => ({ block: -1, byte: -1, accepted: [], refuted: [] });

export function afterGuess(s: NarratorState, e: GuessEvent): NarratorState {
  const base =
    s.block === e.block && s.byte === e.byte ? s : { block: e.block, byte: e.byte, accepted: [], refuted: [] };
  if (e.recheck) return e.valid ? base : { ...base, refuted: [...base.refuted, e.guess] };
  return e.valid ? { ...base, accepted: [...base.accepted, e] } : base;
}

/** One recovered byte, with the numbers that gave it. */
export interface ByteStep {
  /** 0-based block and byte */
  block: number;
  byte: number;
  /** the pad value aimed for, n = 16 − byte */
  pad: number;
  /** Cᵢ₋₁′[byte]: X[byte] of the accepted query */
  forged: number;
  /** the accepted query's number in the run; null when the value was the last one left and not asked */
  query: number | null;
  /** Cᵢ₋₁[byte], the real previous block (the IV for block 0) */
  chain: number;
  /** I[byte] = forged ⊕ pad */
  intermediate: number;
  /** Pᵢ[byte] = I[byte] ⊕ chain */
  plaintext: number;
  byteQueries: number;
  queries: number;
}

/**
 * The byte just recovered, from the accepted query. Byte 15 may have had a false hit (a longer pad,
 * refused on its recheck); the accepted query is the first one not refuted. When none is left, the
 * attack took the last value without asking (every other value was ruled out).
 */
export function byteStep(s: NarratorState, e: ByteEvent, chainInput: Uint8Array): ByteStep {
  const pad = BLOCK_SIZE - e.byte;
  const mine = s.block === e.block && s.byte === e.byte;
  const hit = mine ? s.accepted.find((g) => !s.refuted.includes(g.guess)) : undefined;
  const forged = hit ? hit.forged[e.byte] : e.intermediate ^ pad;
  const intermediate = forged ^ pad;
  const chain = chainInput[e.byte];
  return {
    block: e.block,
    byte: e.byte,
    pad,
    forged,
    query: hit ? hit.queries : null,
    chain,
    intermediate,
    plaintext: intermediate ^ chain,
    byteQueries: e.byteQueries,
    queries: e.queries
  };
}

const hex = (b: number) => `0x${byteToHex(b)}`;
const printable = (b: number) =>
  b > 0x20 && b < 0x7f ? ` '${String.fromCharCode(b)}'` : b === 0x20 ? ' (a space)' : '';
/** the names the panel uses: block i is Cᵢ₊₁, its previous block Cᵢ (the IV for the first) */
const names = (block: number) => ({
  n: sub(block + 1),
  prev: block === 0 ? 'IV' : `C${sub(block)}`
});

function padBytes(pad: number): string {
  const b = byteToHex(pad);
  return pad <= 4 ? Array.from({ length: pad }, () => b).join(' ') : `${pad} × ${b}`;
}

/** The lines the slow mode shows for one recovered byte. */
export function narrateByte(step: ByteStep): string[] {
  const { n, prev } = names(step.block);
  const k = step.byte;
  const why =
    step.query === null
      ? `No other value of ${prev}′[${k}] was left, so ${prev}′[${k}] = ${hex(step.forged)} without asking: I${n} ⊕ ${prev}′ ends in ${padBytes(step.pad)}.`
      : `Query ${step.query} (X sent = ${prev}′, X[${k}] = ${hex(step.forged)}) was accepted: I${n} ⊕ ${prev}′ ends in ${padBytes(step.pad)}, a valid pad.`;
  return [
    why,
    `I${n}[${k}] = ${prev}′[${k}] ⊕ ${hex(step.pad)} = ${hex(step.forged)} ⊕ ${hex(step.pad)} = ${hex(step.intermediate)}`,
    `P${n}[${k}] = I${n}[${k}] ⊕ ${prev}[${k}] = ${hex(step.intermediate)} ⊕ ${hex(step.chain)} = ${hex(step.plaintext)}${printable(step.plaintext)}`,
    `${step.byteQueries} ${step.byteQueries === 1 ? 'query' : 'queries'} for this byte, of at most 256; ${step.queries} in all.`
  ];
}

/** What a screen reader hears for one recovered byte (never for a query). */
export function announceByte(step: ByteStep, blocks: number): string {
  const { n } = names(step.block);
  return `Block ${step.block + 1} of ${blocks}, byte ${step.byte}: P${n}[${step.byte}] = ${hex(step.plaintext)}${printable(step.plaintext)}, after ${step.byteQueries} ${step.byteQueries === 1 ? 'query' : 'queries'}.`;
}
