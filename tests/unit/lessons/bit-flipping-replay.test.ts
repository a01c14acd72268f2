// Lesson 1, part 3: what a replay showed, and the sentences the summary says of it. The server's
// replies are lines sealed here with node:crypto as docs/protocol.md §5.1/§5.4 says the server
// writes them (an ack, or "ERROR <CODE>: message"); the flips are checked against node:crypto's
// decryption of the tampered bytes and a UTF-8 check written in the test (RFC 3629 §4).
import { describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { flipExperiment, type BitPosition } from '$lib/crypto/bit-flip';
import { deriveOpenKeys, openCaptured } from '$lib/protocol/open';
import {
  relayedText,
  replayedFlip,
  serverReply,
  type ReplayFacts,
  type ReplayedFlip
} from '$lib/lessons/bit-flipping/findings';
import { REPLAY_RULES, replaySentences } from '$lib/lessons/bit-flipping/prose';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const keys = deriveOpenKeys(KEY);
const ACK = 'Hello Client, message received securely';
const DECRYPT_ERROR = 'cannot decrypt the message: bad padding or not UTF-8 text; do both sides use the same key?';

/** a line as the server sends it: base64(IV ‖ AES-CBC(psk, IV, text)) and "\n" (§5.1) */
function sealedLine(text: string): Uint8Array {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-128-cbc', KEY, iv);
  const wire = Buffer.concat([iv, c.update(text, 'utf8'), c.final()]);
  return Buffer.from(wire.toString('base64') + '\n', 'latin1');
}
const opened = (text: string) => openCaptured(sealedLine(text), keys);

/** RFC 3629 §4, by hand: index of the first byte that does not start a well-formed sequence, or -1 */
function firstBadUtf8(b: Uint8Array): number {
  const ok = (i: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, i));
      return true;
    } catch {
      return false;
    }
  };
  if (ok(b.length)) return -1;
  // the longest prefix that decodes ends where the first ill-formed sequence starts (a prefix that
  // ends inside a well-formed sequence does not decode either)
  let i = b.length;
  while (i > 0 && !ok(i)) i--;
  return i;
}

describe('serverReply: the reply line as the page opened it', () => {
  it('the ack, an ERROR line with its code and message, a reply that does not open, none', () => {
    expect(serverReply(opened(ACK))).toEqual({ kind: 'ack', text: ACK });
    expect(serverReply(opened(`ERROR ERR_DECRYPT: ${DECRYPT_ERROR}`))).toEqual({
      kind: 'error',
      code: 'ERR_DECRYPT',
      message: DECRYPT_ERROR
    });
    const wrongKey = openCaptured(sealedLine(ACK), deriveOpenKeys(Buffer.alloc(16, 0x55)));
    expect(wrongKey.ok).toBe(false);
    expect(serverReply(wrongKey).kind).toBe('unreadable');
    expect(serverReply(null)).toEqual({ kind: 'none' });
  });

  it('relayedText keeps the relay that names a guest, not other chatter', () => {
    expect(relayedText([opened('alice: hi'), opened('guest-7: hello world')])).toBe('guest-7: hello world');
    expect(relayedText([opened('alice: hi')])).toBeNull();
  });
});

describe('replayedFlip: what the flip did, as node:crypto decrypts the tampered bytes', () => {
  const iv = Buffer.from('f0e1d2c3b4a5968778695a4b3c2d1e0f', 'hex');
  const text = 'memo=hello world;role=user ;uid=7'; // 33 bytes: 3 blocks, the last with 15 bytes of pad
  const c = createCipheriv('aes-128-cbc', KEY, iv);
  const ct = Buffer.concat([c.update(text), c.final()]);
  const nodeDecrypt = (p: BitPosition) => {
    const iv2 = Buffer.from(iv);
    const ct2 = Buffer.from(ct);
    if (p.block < 0) iv2[p.byte] ^= 0x80 >> p.bit;
    else ct2[p.block * 16 + p.byte] ^= 0x80 >> p.bit;
    const d = createDecipheriv('aes-128-cbc', KEY, iv2);
    d.setAutoPadding(false);
    return Buffer.concat([d.update(ct2), d.final()]);
  };
  const flip = (p: BitPosition) => replayedFlip(flipExperiment(KEY, iv, ct, p));

  it('an IV flip of bit 2 (0x20): one bit of P₁, valid padding, still text', () => {
    expect(flip({ block: -1, byte: 0, bit: 2 })).toEqual({
      position: { block: -1, byte: 0, bit: 2 },
      garbled: null,
      oneBit: 0,
      paddingOk: true,
      badUtf8At: null
    });
  });

  it('an IV flip of bit 0 (0x80) of an ASCII byte: a lone continuation byte, not UTF-8 (RFC 3629 §4)', () => {
    const padded = nodeDecrypt({ block: -1, byte: 3, bit: 0 });
    expect(padded[3]).toBe(text.charCodeAt(3) ^ 0x80);
    expect(flip({ block: -1, byte: 3, bit: 0 }).badUtf8At).toBe(3);
  });

  it('a C₁ flip: P₁ garbled, P₂ one bit; the UTF-8 verdict is the one node:crypto’s bytes give', () => {
    for (let bit = 0; bit < 8; bit++) {
      const p = { block: 0, byte: 5, bit };
      const padded = nodeDecrypt(p);
      expect(padded[padded.length - 1]).toBe(15); // the last block is untouched: the pad holds
      const f = flip(p);
      expect(f.garbled).toBe(0);
      expect(f.oneBit).toBe(1);
      expect(f.paddingOk).toBe(true);
      const bad = firstBadUtf8(padded.subarray(0, padded.length - 15));
      expect(f.badUtf8At).toBe(bad < 0 ? null : bad);
    }
  });

  it('a flip in the last block: garbled, no next block, and (here) the padding broken', () => {
    const p = { block: 2, byte: 15, bit: 7 };
    const padded = nodeDecrypt(p);
    const last = padded[padded.length - 1];
    const padOk = last >= 1 && last <= 16 && padded.subarray(padded.length - last).every((b) => b === last);
    const f = flip(p);
    expect(f).toMatchObject({ garbled: 2, oneBit: null, paddingOk: padOk });
    if (!padOk) expect(f.badUtf8At).toBeNull();
  });
});

describe('replaySentences: each sentence follows from what the server answered', () => {
  const ivFlip: ReplayedFlip = {
    position: { block: -1, byte: 0, bit: 2 },
    garbled: null,
    oneBit: 0,
    paddingOk: true,
    badUtf8At: null
  };
  const c1NotText: ReplayedFlip = {
    position: { block: 0, byte: 5, bit: 2 },
    garbled: 0,
    oneBit: 1,
    paddingOk: true,
    badUtf8At: 4
  };
  const say = (r: ReplayFacts) => replaySentences(r);

  it('a C₁ flip answered ERR_DECRYPT: refused, not relayed, and why (never "could not tell")', () => {
    const lines = say({
      flip: c1NotText,
      reply: { kind: 'error', code: 'ERR_DECRYPT', message: DECRYPT_ERROR },
      relayed: null
    });
    expect(lines).toEqual([
      'You replayed the captured frame with C₁, byte 5, bit 2 flipped. The server answered ERROR ERR_DECRYPT and did not relay your line to the room: it could not decrypt your edit into a message (bad padding or text that is not UTF-8: it does not say which).',
      'A flip in C₁ garbles all 16 bytes of P₁ and flips the same bit of P₂; decrypted here with the key, byte 4 of P₁ is no longer UTF-8 text, so the server refused it. A ciphertext flip gets through only when the garbled block happens to be valid text; a flip in the IV changes one bit of P₁ and garbles nothing.'
    ]);
    expect(lines.join(' ')).not.toContain('could not tell');
  });

  it('an IV flip acked and relayed: it could not tell, and why', () => {
    expect(say({ flip: ivFlip, reply: { kind: 'ack', text: ACK }, relayed: 'guest-4: Memo=hello world' })).toEqual([
      `You replayed the captured frame with the IV, byte 0, bit 2 flipped. The server answered "${ACK}" and relayed "guest-4: Memo=hello world" to the room: it took your edit for a message and could not tell it had been changed.`,
      'A flip in the IV changes only bit 2 of byte 0 of P₁ and garbles nothing, so the padding and the text stayed valid: nothing in CBC tells such an edit apart.'
    ]);
  });

  it('an IV flip that broke the text, answered by a --padding-oracle server with ERR_BAD_UTF8', () => {
    expect(
      say({
        flip: { ...ivFlip, position: { block: -1, byte: 3, bit: 0 }, badUtf8At: 3 },
        reply: { kind: 'error', code: 'ERR_BAD_UTF8', message: 'plaintext: byte 3 (0xef) is not valid UTF-8' },
        relayed: null
      })
    ).toEqual([
      'You replayed the captured frame with the IV, byte 3, bit 0 flipped. The server answered ERROR ERR_BAD_UTF8 and did not relay your line to the room: the padding held, but your edit is not UTF-8 text.',
      'A flip in the IV changes only bit 0 of byte 3 of P₁ and garbles nothing; decrypted here with the key, byte 3 of P₁ is no longer UTF-8 text, so the server refused it. Any other bit of an ASCII character (bit 2 changes a letter’s case) keeps the text valid and gets through.'
    ]);
  });

  it('a flip in the last block that broke the padding, answered ERR_BAD_PADDING', () => {
    const lines = say({
      flip: { position: { block: 2, byte: 15, bit: 7 }, garbled: 2, oneBit: null, paddingOk: false, badUtf8At: null },
      reply: { kind: 'error', code: 'ERR_BAD_PADDING', message: 'padding: …' },
      relayed: null
    });
    expect(lines[0]).toContain(
      'The server answered ERROR ERR_BAD_PADDING and did not relay your line to the room: the padding of your edit was broken.'
    );
    expect(lines[1]).toBe(
      'A flip in C₃ garbles all 16 bytes of P₃, the last block, and its padding with it; decrypted here with the key, the padding broke, so the server refused it. A ciphertext flip gets through only when the garbled block happens to be valid text; a flip in the IV changes one bit of P₁ and garbles nothing.'
    );
  });

  it('a ciphertext flip the server acked: the garbled block happened to be text', () => {
    expect(say({ flip: { ...c1NotText, badUtf8At: null }, reply: { kind: 'ack', text: ACK }, relayed: null })[1]).toBe(
      'A flip in C₁ garbles all 16 bytes of P₁ and flips the same bit of P₂; the server took it because the garbled P₁ still decoded as UTF-8 text and the padding held, which 16 scrambled bytes seldom do.'
    );
  });

  it('no reply, or one that does not open: only that is said, no why', () => {
    expect(say({ flip: ivFlip, reply: { kind: 'none' }, relayed: null })).toEqual([
      'You replayed the captured frame with the IV, byte 0, bit 2 flipped. No reply came from the server.'
    ]);
    expect(say({ flip: null, reply: { kind: 'unreadable', code: 'ERR_BAD_PADDING' }, relayed: null })).toEqual([
      "You replayed the captured frame unchanged; the server's reply did not decrypt with this key (ERR_BAD_PADDING)."
    ]);
  });

  it('the rules name both cases: the IV flip and the Cᵢ flip', () => {
    const rules = REPLAY_RULES.join(' ');
    expect(rules).toContain('a flip in the IV, which changes only that bit of P₁');
    expect(rules).toContain(
      'A flip in Cᵢ garbles all of Pᵢ, which passes only if the 16 garbled bytes still decode as UTF-8 text'
    );
    expect(rules).toContain('flips the same bit of Pᵢ₊₁');
  });
});
