// Lesson 5, "What just happened", the counting half: what encrypting A and B (and the detector over
// every frame sent) showed, as numbers. Blocks are 16 bytes (FIPS-197 §3.1), so a common prefix of
// n bytes fills ⌊n/16⌋ whole blocks.
import { bytesToHex } from '../../crypto';

/** The parts of one encryption the summary reads (an EncryptTrace is one). */
export interface SentMessage {
  iv: Uint8Array;
  input: Uint8Array;
  ciphertext: Uint8Array;
  blocks: readonly unknown[];
}

/** The parts of the lesson's outcome the summary reads (IvOutcome is one). */
export interface IvPair {
  mode: 'reused' | 'fresh';
  a: SentMessage;
  b: SentMessage;
  /** equal leading plaintext bytes */
  commonBytes: number;
  /** equal leading ciphertext blocks */
  sharedBlocks: number;
  report: { frames: number; reusedIvs: readonly unknown[]; repeatedBlocks: readonly unknown[] };
  /** frames sent before A and B */
  sent: number;
}

export interface IvReuseFacts {
  mode: 'reused' | 'fresh';
  /** the first 4 bytes of A's IV, as hex */
  ivStart: string;
  commonBytes: number;
  /** whole blocks the common prefix fills */
  wholeBlocks: number;
  /** A and B are the same plaintext */
  plainIdentical: boolean;
  sharedBlocks: number;
  /** A and B are the same ciphertext: equal length, every block shared */
  cipherIdentical: boolean;
  detector: { frames: number; reusedIvs: number; repeatedBlocks: number; sentBefore: number };
}

export function ivReuseFacts(o: IvPair): IvReuseFacts {
  return {
    mode: o.mode,
    ivStart: bytesToHex(o.a.iv.subarray(0, 4)),
    commonBytes: o.commonBytes,
    wholeBlocks: Math.floor(o.commonBytes / 16),
    plainIdentical: o.a.input.length === o.b.input.length && o.commonBytes === o.a.input.length,
    sharedBlocks: o.sharedBlocks,
    cipherIdentical: o.a.ciphertext.length === o.b.ciphertext.length && o.sharedBlocks === o.a.blocks.length,
    detector: {
      frames: o.report.frames,
      reusedIvs: o.report.reusedIvs.length,
      repeatedBlocks: o.report.repeatedBlocks.length,
      sentBefore: o.sent
    }
  };
}
