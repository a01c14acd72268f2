// The streaming decoder (docs/protocol.md §6): any chunking, limits before buffering, a chunk
// list, stable codes, silence after an error.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FrameDecoder,
  FrameError,
  encodeFrame,
  encodeLine,
  maxLineLength,
  HEADER_LENGTH,
  type Frame,
  type NativeFrame
} from '../../../src/lib/protocol/index.ts';
import { GOLDEN, GOLDEN_LINE } from './golden-frames.ts';

const hex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
const golden = GOLDEN.map((g) => hex(g.hex));

function feed(d: FrameDecoder, bytes: Uint8Array, cuts: number[]): Frame[] {
  const out: Frame[] = [];
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  let at = 0;
  for (const p of [...points, bytes.length]) {
    d.push(bytes.subarray(at, p), (f) => out.push(f));
    at = p;
  }
  return out;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FrameError);
    return (err as FrameError).code;
  }
  return 'no error';
}

describe('chunking', () => {
  it('any split of a stream of golden frames gives the same frames (property)', () => {
    const stream = Buffer.concat(golden);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        const frames = feed(new FrameDecoder(), stream, cuts) as NativeFrame[];
        expect(frames.map((f) => Buffer.from(f.raw).toString('hex'))).toEqual(GOLDEN.map((g) => g.hex));
      }),
      { numRuns: 300 }
    );
  });

  it('any split of a stream of lines gives the same lines (property)', () => {
    const lines = Array.from({ length: 8 }, (_, i) => encodeLine(new Uint8Array(32 + 16 * i).fill(i)));
    const stream = Buffer.concat([Buffer.from(GOLDEN_LINE), ...lines]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (cuts) => {
        const frames = feed(new FrameDecoder(), stream, cuts);
        expect(frames).toHaveLength(9);
        expect(Buffer.concat(frames.map((f) => f.raw)).equals(stream)).toBe(true);
      }),
      { numRuns: 300 }
    );
  });

  it('a frame inside one chunk is a view of it, not a copy (chunk list, no re-concatenation)', () => {
    const chunk = Buffer.concat([golden[0], golden[1]]);
    const frames = new FrameDecoder().pushAll(chunk);
    expect(frames[0].raw.buffer).toBe(chunk.buffer);
    expect(frames[1].raw.buffer).toBe(chunk.buffer);
    const line = Buffer.from(GOLDEN_LINE);
    expect(new FrameDecoder().pushAll(line)[0].raw.buffer).toBe(line.buffer);
  });

  it('a frame spanning many chunks is copied once, whole', () => {
    const big = encodeFrame({ type: 'bye', suite: 'none', seq: 1, payload: new Uint8Array(5000).fill(7) });
    const d = new FrameDecoder();
    const out: Frame[] = [];
    for (let i = 0; i < big.length; i += 100) d.push(big.subarray(i, i + 100), (f) => out.push(f));
    expect(out).toHaveLength(1);
    expect(Buffer.from(out[0].raw).equals(Buffer.from(big))).toBe(true);
    expect(d.pending).toBe(0);
  });

  it('stays linear one byte at a time: a 64 KiB frame and an 87,000-character line in well under a second each', () => {
    const big = encodeFrame({ type: 'bye', suite: 'none', seq: 1, payload: new Uint8Array(65536).fill(1) });
    const line = encodeLine(new Uint8Array(65536 - 16 * 5).fill(2));
    for (const bytes of [big, line]) {
      const d = new FrameDecoder();
      const out: Frame[] = [];
      const t0 = performance.now();
      for (let i = 0; i < bytes.length; i++) d.push(bytes.subarray(i, i + 1), (f) => out.push(f));
      expect(performance.now() - t0).toBeLessThan(1000);
      expect(out).toHaveLength(1);
      expect(Buffer.from(out[0].raw).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('reports bytes pending and the stream offset', () => {
    const d = new FrameDecoder();
    d.push(golden[0].subarray(0, 20), () => {});
    expect(d.pending).toBe(20);
    d.push(golden[0].subarray(20), () => {});
    expect(d.pending).toBe(0);
    expect(d.offset).toBe(golden[0].length);
  });
});

describe('framing by the first byte (§2)', () => {
  it('0xcb is native, a base64 character or "{" (a JSON line, §5.5) is line, anything else ERR_UNKNOWN_FRAMING', () => {
    expect(new FrameDecoder().pushAll(golden[0])[0].framing).toBe('native');
    expect(new FrameDecoder().pushAll(Buffer.from(GOLDEN_LINE))[0].framing).toBe('line');
    expect(new FrameDecoder().pushAll(Buffer.from('{"iv": "", "ciphertext": ""}\n'))[0].framing).toBe('line');
    for (const b of [0x00, 0x0a, 0x20, 0x3d, 0x80, 0xff]) {
      expect(codeOf(() => new FrameDecoder().pushAll(Uint8Array.of(b)))).toBe('ERR_UNKNOWN_FRAMING');
    }
  });
  it('a framing fixed by the caller is not guessed', () => {
    expect(codeOf(() => new FrameDecoder({ framing: 'native' }).pushAll(Buffer.from(GOLDEN_LINE)))).toBe(
      'ERR_BAD_MAGIC'
    );
  });
});

describe('limits before buffering', () => {
  it('an oversize length fails as soon as the 13th header byte arrives (default 64 KiB)', () => {
    const header = encodeFrame({ type: 'bye', suite: 'none', seq: 0, payload: new Uint8Array(0) });
    header.set([0, 1, 0, 1], 9); // length 65537
    const d = new FrameDecoder();
    for (let i = 0; i < HEADER_LENGTH - 1; i++) d.push(header.subarray(i, i + 1), () => {});
    let err: FrameError | null = null;
    try {
      d.push(header.subarray(12, 13), () => {});
    } catch (e) {
      err = e as FrameError;
    }
    expect(err?.code).toBe('ERR_FRAME_TOO_LARGE');
    expect(err?.actual).toBe(65537);
    expect(err?.position).toBe(9);
    expect(err?.fatal).toBe(true);
  });

  it('exactly the limit is accepted; the limit is configurable', () => {
    const f = encodeFrame({ type: 'bye', suite: 'none', seq: 0, payload: new Uint8Array(65536) });
    expect(new FrameDecoder().pushAll(f)).toHaveLength(1);
    expect(
      codeOf(() =>
        new FrameDecoder({ maxPayload: 100 }).pushAll(
          encodeFrame({ type: 'bye', suite: 'none', seq: 0, payload: new Uint8Array(101) })
        )
      )
    ).toBe('ERR_FRAME_TOO_LARGE');
    expect(
      new FrameDecoder({ maxPayload: 100 }).pushAll(
        encodeFrame({ type: 'bye', suite: 'none', seq: 0, payload: new Uint8Array(100) })
      )
    ).toHaveLength(1);
  });

  it('a line with no end fails once it is longer than any allowed line, before the "\\n"', () => {
    const d = new FrameDecoder({ maxPayload: 96 });
    const max = maxLineLength(96) + 1;
    const chunk = Buffer.alloc(max, 'A');
    d.push(chunk, () => {});
    expect(codeOf(() => d.push(Buffer.from('A'), () => {}))).toBe('ERR_LINE_TOO_LONG');
  });

  it('each of the first header bytes is checked the moment it arrives', () => {
    expect(codeOf(() => new FrameDecoder().pushAll(Uint8Array.of(0xcb, 0x00)))).toBe('ERR_BAD_MAGIC');
    expect(codeOf(() => new FrameDecoder().pushAll(Uint8Array.of(0xcb, 0xc1, 2)))).toBe('ERR_BAD_VERSION');
    expect(codeOf(() => new FrameDecoder().pushAll(Uint8Array.of(0xcb, 0xc1, 1, 0)))).toBe('ERR_BAD_TYPE');
    expect(codeOf(() => new FrameDecoder().pushAll(Uint8Array.of(0xcb, 0xc1, 1, 8)))).toBe('ERR_BAD_TYPE');
    expect(codeOf(() => new FrameDecoder().pushAll(Uint8Array.of(0xcb, 0xc1, 1, 2, 4)))).toBe('ERR_BAD_SUITE');
  });

  it('a sealed type in the clear, or error/bye sealed, is ERR_BAD_SUITE', () => {
    const chatNone = hex('cbc1010200' + '00000000' + '00000000');
    const byeCbc = hex('cbc1010701' + '00000000' + '00000000');
    expect(codeOf(() => new FrameDecoder().pushAll(chatNone))).toBe('ERR_BAD_SUITE');
    expect(codeOf(() => new FrameDecoder().pushAll(byeCbc))).toBe('ERR_BAD_SUITE');
  });
});

describe('errors', () => {
  it('frames before the fault are delivered, then a FrameError, then nothing more (§6.3)', () => {
    const d = new FrameDecoder();
    const out: Frame[] = [];
    const stream = Buffer.concat([golden[0], golden[1], Buffer.from([0xcb, 0x00]), golden[2]]);
    expect(codeOf(() => d.push(stream, (f) => out.push(f)))).toBe('ERR_BAD_MAGIC');
    expect(out).toHaveLength(2);
    expect(d.error?.code).toBe('ERR_BAD_MAGIC');
    d.push(golden[3], (f) => out.push(f));
    d.end();
    expect(out).toHaveLength(2);
  });

  it('end() inside a frame is ERR_TRUNCATED_FRAME; at a boundary it is fine', () => {
    const d = new FrameDecoder();
    d.push(golden[0].subarray(0, 20), () => {});
    expect(codeOf(() => d.end())).toBe('ERR_TRUNCATED_FRAME');
    const ok = new FrameDecoder();
    ok.push(golden[0], () => {});
    expect(codeOf(() => ok.end())).toBe('no error');
    const line = new FrameDecoder();
    line.push(Buffer.from('QUJD'), () => {});
    expect(codeOf(() => line.end())).toBe('ERR_TRUNCATED_FRAME');
  });

  it('every error names what was expected and what came', () => {
    try {
      new FrameDecoder().pushAll(Uint8Array.of(0xcb, 0xc1, 9));
    } catch (e) {
      const err = e as FrameError;
      expect(err.message).toMatch(/expected version 1, got 9/);
      expect(err.expected).toBe(1);
      expect(err.actual).toBe(9);
      expect(err.position).toBe(2);
    }
  });
});

describe('end(lastLine)', () => {
  it('hands out an unterminated last line when asked, and only for line framing', () => {
    const d = new FrameDecoder();
    d.push(Buffer.from('QUJD\nREVG'), () => {});
    const last: string[] = [];
    d.end((f) => last.push(f.text));
    expect(last).toEqual(['REVG']);
    const n = new FrameDecoder();
    n.push(Uint8Array.of(0xcb, 0xc1, 1), () => {});
    expect(() => n.end(() => {})).toThrow(FrameError);
  });
});
