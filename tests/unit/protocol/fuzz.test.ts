// 100,000 random and mutated inputs through the decoder, the dissector and the suites' opener:
// a frame, or a FrameError with a stable code: never anything else (docs/protocol.md §6).
import { describe, expect, it } from 'vitest';
import {
  FrameDecoder,
  FrameError,
  dissect,
  parseLine,
  type Frame,
  type FrameErrorCode
} from '../../../src/lib/protocol/index.ts';
import { deriveKeys, openFrame, openLineMessage } from '../../../server/suites.ts';
import { GOLDEN, GOLDEN_KEY, GOLDEN_LINE } from './golden-frames.ts';

const CODES: FrameErrorCode[] = [
  'ERR_UNKNOWN_FRAMING',
  'ERR_BAD_MAGIC',
  'ERR_BAD_VERSION',
  'ERR_BAD_TYPE',
  'ERR_BAD_SUITE',
  'ERR_FRAME_TOO_LARGE',
  'ERR_LINE_TOO_LONG',
  'ERR_TRUNCATED_FRAME',
  'ERR_BAD_BASE64',
  'ERR_PAYLOAD_LENGTH',
  'ERR_BAD_MAC',
  'ERR_BAD_TAG',
  'ERR_BAD_PADDING',
  'ERR_BAD_UTF8',
  'ERR_NO_LINE_END',
  'ERR_BAD_JSON',
  'ERR_RAW_BYTES'
];

// xorshift32: reproducible without a dependency; the seed is printed on failure
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

const seeds = [...GOLDEN.map((g) => Buffer.from(g.hex, 'hex')), Buffer.from(GOLDEN_LINE)];
const keys = deriveKeys(Buffer.from(GOLDEN_KEY, 'hex'));

function mutate(r: () => number): Uint8Array {
  const kind = Math.floor(r() * 8);
  const n = (k: number) => Math.floor(r() * k);
  if (kind === 0) return Uint8Array.from({ length: n(80) }, () => n(256)); // random bytes
  if (kind === 1) {
    // random bytes after a valid magic, so the header checks are reached
    const b = Uint8Array.from({ length: 2 + n(60) }, () => n(256));
    b[0] = 0xcb;
    b[1] = 0xc1;
    if (r() < 0.7) b[2] = 1;
    return b;
  }
  // start from one or more valid frames, then break them
  let buf = Buffer.concat(Array.from({ length: 1 + n(3) }, () => seeds[n(seeds.length)]));
  const edits = 1 + n(4);
  for (let e = 0; e < edits; e++) {
    const op = n(6);
    const at = n(buf.length + 1);
    if (op === 0 && buf.length)
      buf[at % buf.length] ^= 1 << n(8); // bit flip
    else if (op === 1 && buf.length)
      buf[at % buf.length] = n(256); // byte set
    else if (op === 2)
      buf = buf.subarray(0, at); // truncate
    else if (op === 3)
      buf = Buffer.concat([
        buf.subarray(0, at),
        Buffer.from(Uint8Array.from({ length: 1 + n(8) }, () => n(256))),
        buf.subarray(at)
      ]); // insert
    else if (op === 4 && buf.length > 12)
      buf.writeUInt32BE(r() < 0.5 ? n(200) : Math.floor(r() * 0xffffffff), 9); // length field
    else if (buf.length) buf = Buffer.concat([buf.subarray(0, at), buf.subarray(Math.min(buf.length, at + 1 + n(8)))]); // delete
  }
  return buf;
}

function expectFrameError(err: unknown, seed: number, input: Uint8Array): void {
  if (!(err instanceof FrameError) || !CODES.includes(err.code)) {
    throw new Error(
      `seed ${seed}: input ${Buffer.from(input).toString('hex')} threw ${String(err)}${err instanceof Error ? `\n${err.stack}` : ''}`
    );
  }
}

describe('fuzz: 100,000 random and mutated inputs', () => {
  it('only frames or FrameErrors, from the decoder, the opener, the dissector and the line parser', () => {
    const seed = Number(process.env.FUZZ_SEED ?? 20261125);
    const r = rng(seed);
    const seen = new Map<string, number>();
    let frames = 0;
    for (let i = 0; i < 100_000; i++) {
      const input = mutate(r);
      const d = new FrameDecoder({ maxPayload: r() < 0.5 ? 64 * 1024 : 64 });
      const out: Frame[] = [];
      try {
        // random chunking, down to one byte at a time
        let at = 0;
        while (at < input.length) {
          const step = 1 + Math.floor(r() * (r() < 0.3 ? 2 : 40));
          d.push(input.subarray(at, at + step), (f) => out.push(f));
          at += step;
        }
        if (r() < 0.5) d.pause((f) => out.push(f)); // §5.2: the sender paused
        d.end(r() < 0.5 ? (f) => out.push(f) : undefined);
      } catch (err) {
        expectFrameError(err, seed, input);
        seen.set((err as FrameError).code, (seen.get((err as FrameError).code) ?? 0) + 1);
      }
      // after an error the decoder is silent
      if (d.error) d.push(seeds[0], () => out.push(null as never));
      frames += out.length;
      for (const f of out) {
        try {
          if (f.framing === 'native') openFrame(keys, f);
          else openLineMessage(keys.psk, f.raw);
        } catch (err) {
          expectFrameError(err, seed, input);
          seen.set((err as FrameError).code, (seen.get((err as FrameError).code) ?? 0) + 1);
        }
      }
      if (i % 4 === 0) {
        const dis = dissect(input);
        if (dis.error) expectFrameError(dis.error, seed, input);
        try {
          parseLine(Buffer.from(input).toString('latin1'));
        } catch (err) {
          expectFrameError(err, seed, input);
        }
      }
    }
    // the mutations reach deep: every header check and every opener check fired
    for (const code of [
      'ERR_UNKNOWN_FRAMING',
      'ERR_BAD_MAGIC',
      'ERR_BAD_VERSION',
      'ERR_BAD_TYPE',
      'ERR_BAD_SUITE',
      'ERR_FRAME_TOO_LARGE',
      'ERR_TRUNCATED_FRAME',
      'ERR_BAD_MAC',
      'ERR_BAD_TAG',
      'ERR_BAD_PADDING',
      'ERR_PAYLOAD_LENGTH',
      'ERR_BAD_BASE64'
    ]) {
      expect(seen.get(code) ?? 0, code).toBeGreaterThan(0);
    }
    expect(frames).toBeGreaterThan(10_000);
  }, 120_000);
});
