// One CapturedFrame (capture.ts) from what the decoder gave, written once for the tap
// (server/tap/records.ts) and the capture loader (capture-load.ts): line frames are chat/cbc
// (§5), native ones carry their header's type, suite and seq (§3); bytes the decoder rejected are
// 'unknown', with its code (docs/tap.md, "What it records").
import { bytesToBase64 } from '../crypto/bytes';
import type { CapturedFrame, Direction } from './capture';
import type { Frame } from './decoder';
import { lineForm } from './line-message';

/** Where a record sits: the time of its last byte, its connection and direction (and the tap's seq). */
export interface RecordTime {
  /** ms since the epoch, µs precision */
  time: number;
  conn: number;
  dir: Direction;
}

export type RecordFields = Omit<CapturedFrame, 'seq' | keyof RecordTime>;

/** ms since the epoch with µs precision (CapturedFrame.time) from a capture timestamp in ns. */
export function nsToMs(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}

/** A frame the decoder completed. `base64` lets Node pass its native encoder. */
export function frameRecord<P extends RecordTime>(
  at: P,
  f: Frame,
  base64: (b: Uint8Array) => string = bytesToBase64
): P & RecordFields {
  const length = f.raw.length;
  const bytes = base64(f.raw);
  if (f.framing === 'line') {
    const form = lineForm(f.raw);
    return { ...at, framing: 'line', type: 'chat', suite: 'cbc', length, bytes, ...(form ? { form } : {}) };
  }
  return { ...at, framing: 'native', type: f.type, suite: f.suite, frameSeq: f.seq, length, bytes };
}

/** Bytes not decoded (§6.2), forwarded untouched, with the decoder's code. */
export function unknownRecord<P extends RecordTime>(
  at: P,
  raw: Uint8Array,
  error: { code: string; message: string },
  base64: (b: Uint8Array) => string = bytesToBase64
): P & RecordFields {
  return {
    ...at,
    framing: 'unknown',
    length: raw.length,
    bytes: base64(raw),
    error: { code: error.code, message: error.message }
  };
}
