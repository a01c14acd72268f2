// Lesson 2's targets, taken apart: what the attack works on (an IV and whole ciphertext blocks)
// out of a sealed payload or a captured line, and which captured frame is the victim's. Pure.
import { HEADER_LENGTH } from '$lib/protocol/frame';
import { lineText, parseLine } from '$lib/protocol/line';
import { base64ToBytes } from '$lib/crypto';
import type { CapturedFrame } from '$lib/protocol/capture';
import type { Suite } from './local-server';

export interface Target {
  suite: Suite;
  /** what the attack works on */
  iv: Uint8Array;
  ciphertext: Uint8Array;
  tag?: Uint8Array;
  /** where it came from */
  source: string;
}

export type AttackBytes = Pick<Target, 'iv' | 'ciphertext' | 'tag'>;

/** A sealed payload (the bytes after the native header) as IV, ciphertext and tag (docs/protocol.md §4). */
export function splitPayload(suite: Suite, payload: Uint8Array): AttackBytes {
  if (suite === 'cbc') return { iv: payload.subarray(0, 16), ciphertext: payload.subarray(16) };
  if (suite === 'cbc-hmac')
    return {
      iv: payload.subarray(0, 16),
      ciphertext: payload.subarray(16, payload.length - 32),
      tag: payload.subarray(payload.length - 32)
    };
  // gcm has no IV block: the nonce, padded out, stands where the attack expects one, and the
  // ciphertext is padded to whole blocks; every such frame fails the tag, which is the point
  const body = payload.subarray(12, payload.length - 16);
  const iv = new Uint8Array(16);
  iv.set(payload.subarray(0, 12));
  const ct = new Uint8Array(Math.ceil(body.length / 16) * 16 || 16);
  ct.set(body);
  return { iv, ciphertext: ct, tag: payload.subarray(payload.length - 16) };
}

/** A whole native frame, header included, as the attack's bytes. */
export function splitFrame(suite: Suite, frame: Uint8Array): AttackBytes {
  return splitPayload(suite, frame.subarray(HEADER_LENGTH));
}

/** The victim's chat frame of that suite among captured frames: client to server, native framing. */
export function victimFrame(frames: readonly CapturedFrame[], suite: Suite): CapturedFrame | undefined {
  return frames.find((f) => f.dir === 'c2s' && f.framing === 'native' && f.type === 'chat' && f.suite === suite);
}

/** What a scan of the capture keeps: the latest good line a client sent, and whether a cbc hello went by. */
export interface LineScan {
  last: CapturedFrame | null;
  cbcHello: boolean;
}

export function scanLines(scan: LineScan, frames: readonly CapturedFrame[]): LineScan {
  let { last, cbcHello } = scan;
  for (const f of frames) {
    if (f.dir === 'c2s' && f.framing === 'line' && !f.error) last = f;
    if (f.dir === 'c2s' && f.type === 'hello' && f.suite === 'cbc') cbcHello = true;
  }
  return { last, cbcHello };
}

/** A captured line's IV ‖ C (docs/protocol.md §5.1) as a cbc target. */
export function lineTarget(f: CapturedFrame): Target {
  const { iv, ciphertext } = parseLine(lineText(base64ToBytes(f.bytes)));
  return {
    suite: 'cbc',
    iv,
    ciphertext,
    source: `captured line #${f.seq} (connection ${f.conn} → server, line framing, cbc): a message nobody here typed`
  };
}
