// Lesson 1, part 3 (src/lib/components/lessons/bitflip/captured.ts, replay.ts): a pasted frame
// opened with the key, and a replay's answer opened. Inputs are the openssl-made golden frames
// (tests/unit/protocol/make-golden.sh); expected plaintexts are the ones openssl encrypted.
import { describe, expect, it } from 'vitest';
import { openPasted } from '../../../src/lib/components/lessons/bitflip/captured';
import { openReplay, replayVerdict, wireOf } from '../../../src/lib/components/lessons/bitflip/replay';
import { deriveOpenKeys } from '../../../src/lib/protocol/open';
import { GOLDEN, GOLDEN_IV, GOLDEN_KEY, GOLDEN_LINE } from '../protocol/golden-frames';

const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const golden = (name: string) => GOLDEN.find((g) => g.name === name)!;
const LINE_WIRE = Buffer.from(GOLDEN_LINE.trim(), 'base64');

describe('openPasted', () => {
  it('is empty until a frame is pasted', () => {
    expect(openPasted('  ', GOLDEN_KEY)).toEqual({ state: 'empty' });
  });

  it('opens a native cbc frame: its IV, its one ciphertext block, its text', () => {
    const r = openPasted(b64(golden('chat/cbc').hex), GOLDEN_KEY);
    expect(r.state).toBe('opened');
    if (r.state !== 'opened') return;
    expect(Buffer.from(r.iv).toString('hex')).toBe(GOLDEN_IV);
    expect(r.ciphertext.length).toBe(16);
    expect(r.opened.ok && r.opened.text).toBe('hi');
  });

  it('takes the wire form IV ‖ C itself, as a line carries it (docs/protocol.md §5.1)', () => {
    const r = openPasted(LINE_WIRE.toString('base64'), GOLDEN_KEY);
    expect(r.state === 'opened' && r.opened.framing).toBe('line');
    expect(r.state === 'opened' && r.opened.ok && r.opened.text).toBe('hello from python');
  });

  it('says which field is wrong: the key, a frame in the clear, a gcm frame', () => {
    const badKey = openPasted(b64(golden('chat/cbc').hex), 'zz');
    expect(badKey.state === 'refused' && badKey.field).toBe('key');
    const clear = openPasted(b64(golden('bye/none').hex), GOLDEN_KEY);
    expect(clear.state === 'refused' && [clear.field, clear.error.code]).toEqual(['frame', 'ERR_CLEAR']);
    const gcm = openPasted(b64(golden('chat/gcm').hex), GOLDEN_KEY);
    expect(gcm.state === 'refused' && [gcm.field, gcm.error.code]).toEqual(['frame', 'ERR_NOT_CBC']);
  });
});

describe('replay', () => {
  it('puts the IV in front of the ciphertext', () => {
    expect([...wireOf(Uint8Array.of(1, 2), Uint8Array.of(3))]).toEqual([1, 2, 3]);
  });

  it("opens the reply and keeps only the relays that name a guest (the replayed line's sender)", () => {
    const keys = deriveOpenKeys(Buffer.from(GOLDEN_KEY, 'hex'));
    const out = openReplay(
      {
        reply: b64(golden('ack/cbc').hex),
        relays: [
          { seq: 2, conn: 3, framing: 'native', type: 'chat', suite: 'cbc', bytes: b64(golden('chat/cbc').hex) },
          { seq: 3, conn: 3, framing: 'line', type: 'chat', suite: 'cbc', bytes: GOLDEN_LINE }
        ]
      },
      keys
    );
    expect(out.reply?.ok && out.reply.text).toBe('Hello Client, message received securely');
    // "hi" and "hello from python" name no guest: both are other chatter
    expect(out.relays).toEqual([]);
    expect(replayVerdict(null, out, () => '')).toBe(
      'You replayed the captured frame unchanged; the server answered "Hello Client, message received securely": a replay it cannot detect either.'
    );
  });
});
