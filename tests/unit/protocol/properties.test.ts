// Round trips (fast-check): encode then decode gives back what went in, for every type, suite,
// sequence number and payload; seal then open gives back the plaintext.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  FRAME_TYPES,
  FrameDecoder,
  decodeHeader,
  encodeFrame,
  encodeHeader,
  encodeLine,
  parseLine,
  suiteAllowed,
  SUITES,
  type NativeFrame,
  type SealedSuite
} from '../../../src/lib/protocol/index.ts';
import { deriveKeys, freshRandom, openFrame, openLine, sealFrame, sealLine } from '../../../server/suites.ts';

const typeSuite = fc
  .tuple(fc.constantFrom(...FRAME_TYPES), fc.constantFrom(...SUITES))
  .filter(([t, s]) => suiteAllowed(t, s));

describe('round trips', () => {
  it('header: decode(encode(h)) = h (property)', () => {
    fc.assert(
      fc.property(typeSuite, fc.nat({ max: 0xffffffff }), fc.nat({ max: 65536 }), ([type, suite], seq, length) => {
        expect(decodeHeader(encodeHeader({ type, suite, seq, length }))).toEqual({
          version: 1,
          type,
          suite,
          seq,
          length
        });
      })
    );
  });

  it('frames: decoding a stream of encoded frames in random chunks gives them back (property)', () => {
    const frame = fc.record({
      ts: typeSuite,
      seq: fc.nat({ max: 0xffffffff }),
      payload: fc.uint8Array({ maxLength: 300 })
    });
    fc.assert(
      fc.property(
        fc.array(frame, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (frames, cuts) => {
          const bytes = Buffer.concat(
            frames.map((f) => encodeFrame({ type: f.ts[0], suite: f.ts[1], seq: f.seq, payload: f.payload }))
          );
          const d = new FrameDecoder();
          const out: NativeFrame[] = [];
          let at = 0;
          for (const c of [...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length]) {
            d.push(bytes.subarray(at, Math.max(at, c)), (f) => out.push(f as NativeFrame));
            at = Math.max(at, c);
          }
          expect(out.map((f) => [f.type, f.suite, f.seq, Buffer.from(f.payload).toString('hex')])).toEqual(
            frames.map((f) => [f.ts[0], f.ts[1], f.seq, Buffer.from(f.payload).toString('hex')])
          );
        }
      )
    );
  });

  it('lines: parseLine(encodeLine(IV ‖ C)) = IV ‖ C (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 20 }),
        fc.uint8Array({ minLength: 320, maxLength: 320 }),
        (blocks, data) => {
          const wire = data.subarray(0, 16 * blocks);
          const line = encodeLine(wire);
          expect(line.at(-1)).toBe(10);
          const { bytes } = parseLine(Buffer.from(line.subarray(0, -1)).toString('latin1'));
          expect(Buffer.from(bytes).equals(Buffer.from(wire))).toBe(true);
        }
      )
    );
  });

  it('suites: open(seal(p)) = p for any plaintext, key size and suite (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(16, 24, 32),
        fc.constantFrom<SealedSuite>('cbc', 'cbc-hmac', 'gcm'),
        fc.constantFrom('hello', 'chat', 'ack', 'join', 'leave' as const),
        fc.uint8Array({ maxLength: 200 }),
        fc.nat({ max: 0xffffffff }),
        (keyLength, suite, type, plaintext, seq) => {
          const keys = deriveKeys(new Uint8Array(keyLength).fill(keyLength));
          const frame = sealFrame(keys, { type, suite, seq, plaintext });
          const [f] = new FrameDecoder().pushAll(frame) as NativeFrame[];
          expect(f.seq).toBe(seq);
          expect(Buffer.from(openFrame(keys, f)).equals(Buffer.from(plaintext))).toBe(true);
          const line = sealLine(keys.psk, plaintext);
          expect(
            Buffer.from(openLine(keys.psk, Buffer.from(line.subarray(0, -1)).toString('latin1'))).equals(
              Buffer.from(plaintext)
            )
          ).toBe(true);
        }
      ),
      { numRuns: 300 }
    );
  });

  it('a fresh IV or nonce per frame: sealing the same plaintext twice gives different frames', () => {
    const keys = deriveKeys(new Uint8Array(16));
    for (const suite of ['cbc', 'cbc-hmac', 'gcm'] as const) {
      const a = sealFrame(keys, { type: 'chat', suite, seq: 1, plaintext: Buffer.from('same') });
      const b = sealFrame(keys, { type: 'chat', suite, seq: 1, plaintext: Buffer.from('same') });
      expect(a.equals(b)).toBe(false);
    }
  });
});

describe('fresh IVs', () => {
  it('20,000 IVs across several pool refills are all distinct, and a handed-out IV never changes', () => {
    const first = freshRandom(16);
    const copy = Buffer.from(first);
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(freshRandom(16).toString('hex'));
    expect(seen.size).toBe(20_000);
    expect(first.equals(copy)).toBe(true);
  });
});
