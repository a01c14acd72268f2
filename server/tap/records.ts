// What the tap records of a direction's bytes (docs/tap.md, "What it records"): a decoded frame,
// or bytes the decoder rejected, as the CapturedFrame of src/lib/protocol/capture.ts.
import type { Frame } from '../../src/lib/protocol/index.ts';
import type { CapturedFrame, Direction } from '../../src/lib/protocol/capture.ts';
import { frameRecord as recordOf, unknownRecord as unknownOf } from '../../src/lib/protocol/capture-record.ts';

export { nsToMs } from '../../src/lib/protocol/capture-record.ts';

/** Where a record sits in the capture: its capture-wide seq, the time of its last byte, connection and direction. */
export interface RecordPlace {
  seq: number;
  /** ms since the epoch, µs precision */
  time: number;
  conn: number;
  dir: Direction;
}

export function toBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

/** A frame the decoder completed: line frames are chat/cbc (§5), native ones carry their header's fields (§3). */
export function frameRecord(at: RecordPlace, f: Frame): CapturedFrame {
  return recordOf(placeOf(at), f, nodeBase64);
}

/** Bytes not decoded (§6.2), with the decoder's code. */
export function unknownRecord(at: RecordPlace, bytes: Buffer, error: { code: string; message: string }): CapturedFrame {
  return unknownOf(placeOf(at), bytes, error, nodeBase64);
}

// Node's own base64: the tap records every frame, and Buffer's encoder is native code.
const nodeBase64 = (b: Uint8Array) => toBuffer(b).toString('base64');

// only the four fields, in CapturedFrame's order, whatever else the caller's object carries
const placeOf = ({ seq, time, conn, dir }: RecordPlace): RecordPlace => ({ seq, time, conn, dir });
