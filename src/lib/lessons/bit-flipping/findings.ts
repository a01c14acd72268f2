// Lesson 1, "What just happened", the counting half: what the learner's flips, forgery and
// replays did, as numbers. Block indices are 0-based, with -1 for the IV (bit-flip.ts's IV_BLOCK).
import type { BitPosition, FlipExperiment } from '../../crypto/bit-flip';
import { firstInvalidUtf8 } from '../../crypto/bytes';
import type { Opened } from '../../protocol/open';

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

/**
 * What the chat server said to a replayed line (docs/protocol.md §5.4, §8.3): the ack, or the
 * encrypted line "ERROR <CODE>: message"; or a reply that did not open with the page's key; or none.
 */
export type ServerReply =
  | { kind: 'ack'; text: string }
  | { kind: 'error'; code: string; message: string }
  | { kind: 'unreadable'; code: string }
  | { kind: 'none' };

/** The flip a replay carried, as the page decrypts it with the key (before the server answers). */
export interface ReplayedFlip {
  position: BitPosition;
  /** the plaintext block the flip garbled; null for a flip in the IV */
  garbled: number | null;
  /** the plaintext block in which just the flipped bit changed; null after a flip in the last block */
  oneBit: number | null;
  /** the PKCS#7 check (RFC 5652 §6.3) of the edited plaintext passed */
  paddingOk: boolean;
  /** with the padding valid: the first byte of the edited message that is not UTF-8, or null when it is all text */
  badUtf8At: number | null;
}

export interface ReplayFacts {
  flip: ReplayedFlip | null;
  reply: ServerReply;
  /** what the server relayed to the room for this line ("guest-N: …"), as opened here */
  relayed: string | null;
}

export interface FlipLessonFacts {
  flips: FlipTally | null;
  forged: Forged | null;
  replays: ReplayFacts[];
}

export function replayedFlip(x: FlipExperiment): ReplayedFlip {
  const garbled = x.cbc.find((d) => d.change === 'garbled')?.index ?? null;
  const oneBit = x.cbc.find((d) => d.change === 'one-bit')?.index ?? null;
  const at = x.padding.ok
    ? firstInvalidUtf8(x.after.padded.subarray(0, x.after.padded.length - x.padding.padLength))
    : -1;
  return { position: x.position, garbled, oneBit, paddingOk: x.padding.ok, badUtf8At: at < 0 ? null : at };
}

// §5.4: a line client hears of an error as the encrypted text "ERROR <CODE>: <message>"
const ERROR_LINE = /^ERROR (ERR_[A-Z0-9_]+): ([\s\S]*)$/;

/** The server's reply line as the page opened it (null: none came). */
export function serverReply(reply: Opened | null): ServerReply {
  if (!reply) return { kind: 'none' };
  if (!reply.ok) return { kind: 'unreadable', code: reply.code };
  const text = reply.text ?? '';
  const m = ERROR_LINE.exec(text);
  return m ? { kind: 'error', code: m[1], message: m[2] } : { kind: 'ack', text };
}

/** The relay the server made of this line: the first one that opened as "guest-N: …". */
export function relayedText(relays: Opened[]): string | null {
  for (const o of relays) if (o.ok && o.text !== null && /^guest-\d+: /.test(o.text)) return o.text;
  return null;
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

export function flipLessonFacts(flips: FlipRecord[], forged: Forged | null, replays: ReplayFacts[]): FlipLessonFacts {
  return { flips: tallyFlips(flips), forged, replays };
}
