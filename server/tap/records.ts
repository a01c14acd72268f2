// What the tap records of a direction's bytes (docs/tap.md, "What it records"): a decoded frame,
// or bytes the decoder rejected, as the CapturedFrame of src/lib/protocol/capture.ts.
import { lineForm, type Frame } from '../../src/lib/protocol/index.ts';
import type { CapturedFrame, Direction } from '../../src/lib/protocol/capture.ts';

/** Where a record sits in the capture: its capture-wide seq, the time of its last byte, connection and direction. */
export interface RecordPlace {
  seq: number;
  /** ms since the epoch, µs precision */
  time: number;
  conn: number;
  dir: Direction;
}

/** ms since the epoch with µs precision (CapturedFrame.time) from a capture timestamp in ns. */
export function nsToMs(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}

export function toBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A frame the decoder completed: line frames are chat/cbc (§5), native ones carry their header's fields (§3). */
export function frameRecord(at: RecordPlace, f: Frame): CapturedFrame {
  const raw = toBuffer(f.raw);
  const { seq, time, conn, dir } = at;
  if (f.framing === 'line') {
    const form = lineForm(raw);
    return { seq, time, conn, dir, framing: 'line', type: 'chat', suite: 'cbc', length: raw.length, bytes: raw.toString('base64'), ...(form ? { form } : {}) };
  }
  return { seq, time, conn, dir, framing: 'native', type: f.type, suite: f.suite, frameSeq: f.seq, length: raw.length, bytes: raw.toString('base64') };
}

/** Bytes not decoded (§6.2), with the decoder's code. */
export function unknownRecord(at: RecordPlace, bytes: Buffer, error: { code: string; message: string }): CapturedFrame {
  return {
    seq: at.seq,
    time: at.time,
    conn: at.conn,
    dir: at.dir,
    framing: 'unknown',
    length: bytes.length,
    bytes: bytes.toString('base64'),
    error: { code: error.code, message: error.message }
  };
}
