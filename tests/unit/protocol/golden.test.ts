// Golden frames for every type and suite (tests/unit/protocol/golden-frames.ts, made by
// make-golden.sh from docs/protocol.md with openssl and node:crypto, never with our encoder):
// decoded whole and one byte at a time, re-encoded byte for byte, opened, dissected.
import { describe, expect, it } from 'vitest';
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';
import {
  FrameDecoder,
  dissect,
  encodeFrame,
  type Frame,
  type FrameType,
  type NativeFrame,
  type SealedSuite
} from '../../../src/lib/protocol/index.ts';
import { deriveKeys, openFrame, openLine, sealFrame, sealLine } from '../../../server/suites.ts';
import { GOLDEN, GOLDEN_IV, GOLDEN_KEY, GOLDEN_LINE, GOLDEN_NONCE } from './golden-frames.ts';

const hex = (s: string) => Buffer.from(s, 'hex');
const keys = deriveKeys(hex(GOLDEN_KEY));

function decodeWhole(bytes: Uint8Array): Frame[] {
  return new FrameDecoder().pushAll(bytes);
}
function decodeByteByByte(bytes: Uint8Array): Frame[] {
  const d = new FrameDecoder();
  const out: Frame[] = [];
  for (let i = 0; i < bytes.length; i++) d.push(bytes.subarray(i, i + 1), (f) => out.push(f));
  return out;
}

describe('golden frames', () => {
  it('cover every type and every suite', () => {
    expect(new Set(GOLDEN.map((g) => g.type))).toEqual(
      new Set(['hello', 'chat', 'ack', 'join', 'leave', 'error', 'bye'])
    );
    expect(new Set(GOLDEN.map((g) => g.suite))).toEqual(new Set(['none', 'cbc', 'cbc-hmac', 'gcm']));
  });

  it('the HKDF keys in the file header are RFC 5869 HKDF-SHA256 of the key (node:crypto agrees with openssl)', () => {
    const okm = Buffer.from(hkdfSync('sha256', hex(GOLDEN_KEY), Buffer.alloc(0), 'cbc-lab/1 cbc-hmac', 48));
    expect(keys.cbcHmacEnc.toString('hex')).toBe(okm.subarray(0, 16).toString('hex'));
    expect(keys.cbcHmacMac.toString('hex')).toBe(okm.subarray(16).toString('hex'));
    expect(keys.gcm.toString('hex')).toBe(
      Buffer.from(hkdfSync('sha256', hex(GOLDEN_KEY), Buffer.alloc(0), 'cbc-lab/1 gcm', 16)).toString('hex')
    );
  });

  for (const g of GOLDEN) {
    describe(g.name, () => {
      const bytes = hex(g.hex);

      it('header bytes are as the spec lays them out (§3)', () => {
        expect(g.hex.slice(0, 4)).toBe('cbc1');
        expect(bytes[2]).toBe(1);
        expect(bytes.readUInt32BE(5)).toBe(g.seq);
        expect(bytes.readUInt32BE(9)).toBe(bytes.length - 13);
      });

      it('decodes whole and one byte at a time to the same frame', () => {
        for (const frames of [decodeWhole(bytes), decodeByteByByte(bytes)]) {
          expect(frames).toHaveLength(1);
          const f = frames[0] as NativeFrame;
          expect(f.framing).toBe('native');
          expect(f.type).toBe(g.type);
          expect(f.suite).toBe(g.suite);
          expect(f.seq).toBe(g.seq);
          expect(f.length).toBe(bytes.length - 13);
          expect(Buffer.from(f.raw).toString('hex')).toBe(g.hex);
          expect(Buffer.from(f.payload).toString('hex')).toBe(g.hex.slice(26));
        }
      });

      it('opens to its plaintext', () => {
        const f = decodeWhole(bytes)[0] as NativeFrame;
        expect(openFrame(keys, f).toString('utf8')).toBe(g.plaintext);
      });

      it('encodes byte for byte (same IV or nonce)', () => {
        const enc =
          g.suite === 'none'
            ? encodeFrame({ type: g.type as FrameType, suite: 'none', seq: g.seq, payload: Buffer.from(g.plaintext) })
            : sealFrame(keys, {
                type: g.type as FrameType,
                suite: g.suite as SealedSuite,
                seq: g.seq,
                plaintext: Buffer.from(g.plaintext),
                iv: hex(g.suite === 'gcm' ? GOLDEN_NONCE : GOLDEN_IV)
              });
        expect(Buffer.from(enc).toString('hex')).toBe(g.hex);
      });

      it('dissects into contiguous fields covering every byte', () => {
        const d = dissect(bytes);
        expect(d.error).toBeUndefined();
        let at = 0;
        for (const field of d.fields) {
          expect(field.start).toBe(at);
          at = field.end;
        }
        expect(at).toBe(bytes.length);
        const names = d.fields.map((f) => f.name);
        expect(names.slice(0, 6)).toEqual(['magic', 'version', 'type', 'suite', 'seq', 'length']);
        if (g.suite === 'cbc-hmac') expect(names.at(-1)).toBe('mac');
        if (g.suite === 'gcm') expect(names.slice(6)).toEqual(['nonce', 'ciphertext', 'tag']);
        if (g.suite === 'cbc')
          expect(names.slice(6).every((n, i) => (i === 0 ? n === 'iv' : n === 'ciphertext-block'))).toBe(true);
      });
    });
  }

  it('the cbc-hmac tag is HMAC-SHA256(mac key, header ‖ IV ‖ C) and the gcm AAD is the header', () => {
    const g = hex(GOLDEN.find((x) => x.name === 'chat/cbc-hmac')!.hex);
    const tag = createHmac('sha256', keys.cbcHmacMac)
      .update(g.subarray(0, g.length - 32))
      .digest();
    expect(tag.equals(g.subarray(g.length - 32))).toBe(true);
    const gg = hex(GOLDEN.find((x) => x.name === 'chat/gcm')!.hex);
    const c = createCipheriv('aes-128-gcm', keys.gcm, hex(GOLDEN_NONCE));
    c.setAAD(gg.subarray(0, 13));
    const ct = Buffer.concat([c.update('hi'), c.final()]);
    expect(Buffer.concat([gg.subarray(0, 13), hex(GOLDEN_NONCE), ct, c.getAuthTag()]).equals(gg)).toBe(true);
  });

  it('all golden frames back to back, one byte at a time, come out in order', () => {
    const all = Buffer.concat(GOLDEN.map((g) => hex(g.hex)));
    expect(decodeByteByByte(all).map((f) => (f as NativeFrame).seq)).toEqual(GOLDEN.map((g) => g.seq));
  });
});

describe("golden line (openssl enc -a, the seeds' wire form)", () => {
  const bytes = Buffer.from(GOLDEN_LINE, 'latin1');
  it('decodes whole and one byte at a time', () => {
    for (const frames of [decodeWhole(bytes), decodeByteByByte(bytes)]) {
      expect(frames).toHaveLength(1);
      expect(frames[0].framing).toBe('line');
      expect((frames[0] as { text: string }).text).toBe(GOLDEN_LINE.trimEnd());
    }
  });
  it('opens to its text, and encodes byte for byte with the same IV', () => {
    expect(openLine(keys.psk, GOLDEN_LINE.trimEnd()).toString()).toBe('hello from python');
    expect(Buffer.from(sealLine(keys.psk, Buffer.from('hello from python'), hex(GOLDEN_IV))).toString('latin1')).toBe(
      GOLDEN_LINE
    );
  });
  it('dissects into IV and block character ranges, and the line end', () => {
    const d = dissect(GOLDEN_LINE);
    expect(d.error).toBeUndefined();
    expect(d.fields.map((f) => f.name)).toEqual(['iv', 'ciphertext-block', 'ciphertext-block', 'line-end']);
    // 16 IV bytes = 128 bits: characters 0..21 (the 22nd also carries 4 bits of block 1)
    expect(d.fields[0]).toMatchObject({ start: 0, end: 22, decoded: { start: 0, end: 16 } });
    expect(d.fields[1]).toMatchObject({ start: 21, end: 43, decoded: { start: 16, end: 32 } });
    expect(d.fields[3]).toMatchObject({ start: 64, end: 65 });
  });
  it('a CRLF line end is tolerated (§5.2)', () => {
    const f = decodeWhole(Buffer.from(GOLDEN_LINE.replace('\n', '\r\n')));
    expect((f[0] as { text: string }).text).toBe(GOLDEN_LINE.trimEnd());
  });
});
