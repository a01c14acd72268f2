// /live's filters (src/lib/components/live/filter-index.ts), following (follow.svelte.ts) and the
// list positions they share (frame-list.ts): which frames pass, on hand-made captures whose
// expected positions are written out here; line frames sealed by node:crypto (AES-256-CBC, the
// line form of docs/protocol.md §5.1) and opened by the page's own opener.
import { describe, expect, it } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { FilterIndex, isServerCopy, type Filters } from '../../../src/lib/components/live/filter-index';
import { Follow } from '../../../src/lib/components/live/follow.svelte';
import { countAfter, positionOf } from '../../../src/lib/components/live/frame-list';
import { Opener } from '../../../src/lib/components/live/opener';
import type { CapturedFrame } from '../../../src/lib/protocol/capture';
import { encodeFrame } from '../../../src/lib/protocol/frame';

const KEY = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

const frame = (f: Partial<CapturedFrame>): CapturedFrame => ({
  seq: 1,
  time: 0,
  conn: 1,
  dir: 'c2s',
  framing: 'native',
  type: 'chat',
  suite: 'cbc-hmac',
  length: 0,
  bytes: '',
  ...f
});

/** A line frame carrying `text`, sealed with node:crypto: base64(IV ‖ C) "\n". */
function line(seq: number, dir: 'c2s' | 's2c', text: string): CapturedFrame {
  const c = createCipheriv('aes-256-cbc', Buffer.from(KEY, 'hex'), IV);
  const wire = Buffer.from(Buffer.concat([IV, c.update(text, 'utf8'), c.final()]).toString('base64') + '\n');
  return frame({
    seq,
    dir,
    framing: 'line',
    type: 'chat',
    suite: 'cbc',
    length: wire.length,
    bytes: wire.toString('base64')
  });
}

const opener = new Opener(KEY);
const none: Filters = { conn: null, dir: null, text: '' };
const noText = () => false;
const copyOf = (f: CapturedFrame) => isServerCopy(f, opener.open(f));

// One typed message in a room of three (§8.3): alice (line) says it, she gets the ack, bob (native)
// and carol (line) get a relay; plus the server's notices, which are not copies.
const capture: CapturedFrame[] = [
  line(1, 's2c', '* bob joined'), // 0: notice
  line(2, 'c2s', 'hello room'), // 1: alice sends
  line(3, 's2c', 'Hello Client, message received securely'), // 2: ack to alice
  frame({ seq: 4, conn: 2, dir: 's2c', type: 'chat' }), // 3: relay to bob
  line(5, 's2c', 'alice: hello room'), // 4: relay to carol
  frame({ seq: 6, conn: 2, dir: 's2c', type: 'ack' }), // 5: an ack to bob
  frame({ seq: 7, conn: 2, dir: 's2c', type: 'join' }), // 6: notice
  frame({ seq: 8, conn: 2, dir: 's2c', type: 'hello' }), // 7: the server's welcome
  frame({ seq: 9, conn: 2, dir: 'c2s', type: 'chat' }), // 8: bob sends
  line(10, 's2c', 'ERROR ERR_DECRYPT: the message could not be decrypted'), // 9: notice
  frame({ seq: 11, conn: 3, dir: 's2c', framing: 'unknown', error: { code: 'ERR_BAD_MAGIC', message: 'x' } }) // 10
];

describe('isServerCopy', () => {
  it("native frames: the server's ack and chat frames are copies; hello, join and what clients sent are not", () => {
    expect(capture.map((f) => (f.framing === 'native' ? copyOf(f) : null))).toEqual([
      null,
      null,
      null,
      true,
      null,
      true,
      false,
      false,
      false,
      null,
      null
    ]);
  });

  it('line frames: the ack and "name: text" relays are copies; "* …" and "ERROR …" notices are not', () => {
    expect(capture.map((f) => (f.framing === 'line' ? copyOf(f) : null))).toEqual([
      false,
      false,
      true,
      null,
      true,
      null,
      null,
      null,
      null,
      false,
      null
    ]);
  });

  it("a native server chat frame is a relay unless its plaintext is the server's rename notice (§8.2.5)", () => {
    // suite cbc (§4.2): payload IV ‖ AES-256-CBC(PSK, IV, PKCS#7(text)), sealed by node:crypto
    const native = (seq: number, text: string): CapturedFrame => {
      const c = createCipheriv('aes-256-cbc', Buffer.from(KEY, 'hex'), IV);
      const payload = Buffer.concat([IV, c.update(text, 'utf8'), c.final()]);
      const bytes = encodeFrame({ type: 'chat', suite: 'cbc', seq, payload });
      return frame({
        seq,
        conn: 2,
        dir: 's2c',
        suite: 'cbc',
        length: bytes.length,
        bytes: Buffer.from(bytes).toString('base64')
      });
    };
    const rename = native(20, '* guest-1 is now alice');
    const relay = native(21, 'alice: * not a notice');
    expect(opener.open(rename)?.ok).toBe(true);
    expect(copyOf(rename)).toBe(false);
    expect(copyOf(relay)).toBe(true);
    // without the key only the header speaks, and it says chat: a relay
    expect(isServerCopy(rename, new Opener(KEY.replace(/^60/, '61')).open(rename))).toBe(true);
    expect(isServerCopy(rename, null)).toBe(true);
  });

  it('a line the key cannot open is not called a copy', () => {
    const wrong = new Opener(KEY.replace(/^60/, '61'));
    expect(isServerCopy(capture[2], wrong.open(capture[2]))).toBe(false);
    expect(isServerCopy(capture[2], null)).toBe(false);
  });
});

describe('FilterIndex', () => {
  it('hideCopies keeps what clients sent and the notices, in order', () => {
    const idx = new FilterIndex();
    expect(idx.update(capture, { ...none, hideCopies: true }, noText, 0, Infinity, copyOf)).toEqual([
      0, 1, 6, 7, 8, 9, 10
    ]);
    expect(idx.update(capture, none, noText, 0, Infinity, copyOf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('hideCopies with a direction and a connection', () => {
    const idx = new FilterIndex();
    expect(idx.update(capture, { ...none, dir: 's2c', hideCopies: true }, noText, 0, Infinity, copyOf)).toEqual([
      0, 6, 7, 9, 10
    ]);
    expect(idx.update(capture, { ...none, conn: 2, hideCopies: true }, noText, 0, Infinity, copyOf)).toEqual([6, 7, 8]);
  });

  it('after: only frames past that seq ("Clear capture"), and frames appended later are tested too', () => {
    const idx = new FilterIndex();
    const frames = capture.slice(0, 6);
    expect(idx.update(frames, { ...none, after: 4 }, noText, 0)).toEqual([4, 5]);
    frames.push(...capture.slice(6));
    expect(idx.update(frames, { ...none, after: 4 }, noText, 0)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(idx.update(frames, { ...none, after: 4, hideCopies: true }, noText, 0, Infinity, copyOf)).toEqual([
      6, 7, 8, 9, 10
    ]);
    // shown again
    expect(idx.update(frames, { ...none, after: 0 }, noText, 0)).toHaveLength(11);
    // past the last frame: nothing
    expect(idx.update(frames, { ...none, after: 11 }, noText, 0)).toEqual([]);
  });
});

describe('list positions', () => {
  const indices = [0, 1, 6, 7, 8, 9, 10]; // seqs 1, 2, 7, 8, 9, 10, 11
  it('countAfter: the frames shown past a seq', () => {
    expect(countAfter(capture, indices, 0)).toBe(7);
    expect(countAfter(capture, indices, 2)).toBe(5);
    expect(countAfter(capture, indices, 4)).toBe(5);
    expect(countAfter(capture, indices, 11)).toBe(0);
    expect(countAfter(capture, [], 3)).toBe(0);
  });
  it('positionOf: where a seq is shown, -1 when it is not', () => {
    expect(positionOf(capture, indices, 7)).toBe(2);
    expect(positionOf(capture, indices, 1)).toBe(0);
    expect(positionOf(capture, indices, 11)).toBe(6);
    expect(positionOf(capture, indices, 3)).toBe(-1);
    expect(positionOf(capture, indices, null)).toBe(-1);
  });
});

describe('Follow', () => {
  it('a selection stops it; scrolling back to the bottom does not resume it, resume does', () => {
    const f = new Follow();
    expect(f.on).toBe(true);
    f.stop(40, true);
    expect([f.on, f.bySelection, f.sinceSeq]).toEqual([false, true, 40]);
    f.scrolled(true, 55);
    expect(f.on).toBe(false);
    // a second selection keeps the first stop's seq: the frames past it are still the new ones
    f.stop(60, true);
    expect(f.sinceSeq).toBe(40);
    f.resume();
    expect([f.on, f.bySelection]).toEqual([true, false]);
  });
  it('scrolling up stops it, back to the bottom resumes it (no selection)', () => {
    const f = new Follow();
    f.scrolled(false, 12);
    expect([f.on, f.bySelection, f.sinceSeq]).toEqual([false, false, 12]);
    f.scrolled(true, 20);
    expect(f.on).toBe(true);
  });
});
