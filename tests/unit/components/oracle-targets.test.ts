// Lesson 2's targets (src/lib/components/lessons/oracle/targets.ts): sealed payloads taken apart by
// the layouts of docs/protocol.md §4, on payloads whose byte i is i (so every slice is known by
// hand), and the openssl-made golden line.
import { describe, expect, it } from 'vitest';
import { lineTarget, scanLines, splitPayload, victimFrame } from '../../../src/lib/components/lessons/oracle/targets';
import type { CapturedFrame } from '../../../src/lib/protocol/capture';
import { GOLDEN_IV, GOLDEN_LINE } from '../protocol/golden-frames';

const counting = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const frame = (f: Partial<CapturedFrame>): CapturedFrame => ({
  seq: 1,
  time: 0,
  conn: 1,
  dir: 'c2s',
  framing: 'native',
  length: 0,
  bytes: '',
  ...f
});

describe('splitPayload', () => {
  it('cbc: IV then ciphertext', () => {
    const s = splitPayload('cbc', counting(48));
    expect([[...s.iv], [...s.ciphertext], s.tag]).toEqual([range(0, 16), range(16, 48), undefined]);
  });
  it('cbc-hmac: IV, ciphertext, then a 32-byte tag', () => {
    const s = splitPayload('cbc-hmac', counting(80));
    expect([[...s.iv], [...s.ciphertext], [...s.tag!]]).toEqual([range(0, 16), range(16, 48), range(48, 80)]);
  });
  it('gcm: the 12-byte nonce zero-padded to an IV, the body zero-padded to whole blocks, a 16-byte tag', () => {
    const s = splitPayload('gcm', counting(12 + 5 + 16));
    expect([...s.iv]).toEqual([...range(0, 12), 0, 0, 0, 0]);
    expect([...s.ciphertext]).toEqual([...range(12, 17), ...new Array(11).fill(0)]);
    expect([...s.tag!]).toEqual(range(17, 33));
  });
});

describe('finding frames in the capture', () => {
  it("the victim's frame is the client's native chat frame of that suite", () => {
    const frames = [
      frame({ seq: 1, type: 'hello', suite: 'cbc' }),
      frame({ seq: 2, dir: 's2c', type: 'chat', suite: 'cbc' }),
      frame({ seq: 3, type: 'chat', suite: 'gcm' }),
      frame({ seq: 4, type: 'chat', suite: 'cbc' })
    ];
    expect(victimFrame(frames, 'cbc')?.seq).toBe(4);
    expect(victimFrame(frames, 'cbc-hmac')).toBeUndefined();
  });
  it('a scan over pages keeps the latest good line and whether a cbc hello went by', () => {
    let scan = scanLines({ last: null, cbcHello: false }, [
      frame({ seq: 1, framing: 'line' }),
      frame({ seq: 2, framing: 'line', error: { code: 'E', message: '' } })
    ]);
    expect([scan.last?.seq, scan.cbcHello]).toEqual([1, false]);
    scan = scanLines(scan, [
      frame({ seq: 3, type: 'hello', suite: 'cbc' }),
      frame({ seq: 4, framing: 'line', dir: 's2c' })
    ]);
    expect([scan.last?.seq, scan.cbcHello]).toEqual([1, true]);
  });
  it("a captured line's IV and ciphertext", () => {
    const t = lineTarget(
      frame({ seq: 7, conn: 2, framing: 'line', bytes: Buffer.from(GOLDEN_LINE).toString('base64') })
    );
    expect(Buffer.from(t.iv).toString('hex')).toBe(GOLDEN_IV);
    expect(t.ciphertext.length).toBe(32);
    expect(t.source).toBe('captured line #7 (connection 2 → server, line framing, cbc): a message nobody here typed');
  });
});
