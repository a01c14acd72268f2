// open.ts (the browser's side of §4) against server/suites.ts, i.e. node:crypto: frames sealed
// by OpenSSL open to the same plaintext, and every way of failing has its code.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { deriveKeys, sealFrame, sealLine } from '../../../server/suites.ts';
import {
  constantTimeEqual,
  deriveOpenKeys,
  hkdfSha256,
  openCaptured,
  stepThroughLink,
  type Opened
} from '../../../src/lib/protocol/open';
import { encodeFrame, type SealedSuite } from '../../../src/lib/protocol';

const SUITES: SealedSuite[] = ['cbc', 'cbc-hmac', 'gcm'];
const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
const wrong = Buffer.from('ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');

function ok(o: Opened): Extract<Opened, { ok: true }> {
  if (!o.ok) throw new Error(`expected the frame to open, got ${o.code}: ${o.message}`);
  return o;
}

describe('key derivation (RFC 5869) matches node:crypto', () => {
  it('hkdfSha256 equals hkdfSync for many lengths and inputs', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.string({ maxLength: 40 }),
        fc.integer({ min: 1, max: 100 }),
        (ikm, info, n) => {
          const ours = hkdfSha256(ikm, info, n);
          const theirs = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), Buffer.from(info, 'latin1'), n));
          return Buffer.from(ours).equals(theirs);
        }
      ),
      { numRuns: 60 }
    );
  });

  it.each([16, 24, 32])('deriveOpenKeys equals server deriveKeys for %i-byte keys', (n) => {
    const psk = randomBytes(n);
    const a = deriveOpenKeys(psk);
    const b = deriveKeys(psk);
    expect(Buffer.from(a.psk).equals(b.psk)).toBe(true);
    expect(Buffer.from(a.cbcHmacEnc).equals(b.cbcHmacEnc)).toBe(true);
    expect(Buffer.from(a.cbcHmacMac).equals(b.cbcHmacMac)).toBe(true);
    expect(Buffer.from(a.gcm).equals(b.gcm)).toBe(true);
  });

  // Both sides now share suite-keys.ts, so the schedule is checked here against §4.1's text
  // written out with node:crypto alone.
  it.each([16, 24, 32])('both follow §4.1 as written, by hkdfSync, for %i-byte keys', (n) => {
    const psk = randomBytes(n);
    const okm = Buffer.from(hkdfSync('sha256', psk, Buffer.alloc(0), 'cbc-lab/1 cbc-hmac', n + 32));
    const gcm = Buffer.from(hkdfSync('sha256', psk, Buffer.alloc(0), 'cbc-lab/1 gcm', n));
    for (const k of [deriveOpenKeys(psk), deriveKeys(psk)]) {
      expect(Buffer.from(k.cbcHmacEnc).equals(okm.subarray(0, n))).toBe(true);
      expect(Buffer.from(k.cbcHmacMac).equals(okm.subarray(n))).toBe(true);
      expect(Buffer.from(k.gcm).equals(gcm)).toBe(true);
      expect(Buffer.from(k.psk).equals(psk)).toBe(true);
    }
  });

  it('refuses a key of the wrong length with ERR_KEY_LENGTH', () => {
    expect(() => deriveOpenKeys(new Uint8Array(15))).toThrow(expect.objectContaining({ code: 'ERR_KEY_LENGTH' }));
  });

  it('constantTimeEqual', () => {
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1]), new Uint8Array([1, 2]))).toBe(false);
  });
});

describe('frames sealed by node:crypto open in the browser code', () => {
  const keys = deriveOpenKeys(key);
  const server = deriveKeys(key);

  it.each(SUITES)('%s: random plaintexts of 0..100 bytes and all key sizes', (suite) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.constantFrom(16, 24, 32),
        fc.integer({ min: 0, max: 0xffffffff }),
        (plaintext, n, seq) => {
          const psk = key.subarray(0, n);
          const frame = sealFrame(deriveKeys(psk), { type: 'chat', suite, seq, plaintext });
          const o = ok(openCaptured(frame, deriveOpenKeys(psk)));
          expect(o.suite).toBe(suite);
          expect(o.type).toBe('chat');
          expect(Buffer.from(o.plaintext).equals(Buffer.from(plaintext))).toBe(true);
          expect(o.clear).toBe(false);
        }
      ),
      { numRuns: 40 }
    );
  });

  it('line frames (seed format), with and without the line end', () => {
    const line = sealLine(key, Buffer.from('hello, bob 👋'));
    expect(ok(openCaptured(line, keys)).text).toBe('hello, bob 👋');
    expect(ok(openCaptured(line.subarray(0, line.length - 1), keys)).text).toBe('hello, bob 👋');
    const o = openCaptured(line, keys);
    expect(o.framing).toBe('line');
    expect(o.trace?.padding.ok).toBe(true);
  });

  it('clear frames (bye, error) report their payload as clear', () => {
    const bye = encodeFrame({ type: 'bye', suite: 'none', seq: 3, payload: Buffer.from('server shutting down') });
    const o = ok(openCaptured(bye, keys));
    expect(o.clear).toBe(true);
    expect(o.text).toBe('server shutting down');
  });

  it('non-UTF-8 plaintext opens with text null', () => {
    const frame = sealFrame(server, { type: 'chat', suite: 'gcm', seq: 1, plaintext: Buffer.from([0xff, 0xfe]) });
    const o = ok(openCaptured(frame, keys));
    expect(o.text).toBeNull();
  });
});

describe('why a frame cannot be opened', () => {
  const keys = deriveOpenKeys(key);
  const wrongKeys = deriveOpenKeys(wrong);
  const server = deriveKeys(key);
  const iv = Buffer.alloc(16, 7);

  it('cbc, wrong key: ERR_BAD_PADDING with the byte at fault and the trace', () => {
    // fixed IV and text: this ciphertext decrypts under the wrong key to a last byte that is no pad length
    let found = 0;
    for (let i = 0; i < 20; i++) {
      const frame = sealFrame(server, {
        type: 'chat',
        suite: 'cbc',
        seq: i,
        plaintext: Buffer.from(`message ${i}`),
        iv
      });
      const o = openCaptured(frame, wrongKeys);
      if (o.ok) continue; // 1 in ~256 garbled plaintexts ends in a valid pad by chance
      found++;
      expect(o.code).toBe('ERR_BAD_PADDING');
      expect(o.message).toMatch(/bad padding/);
      expect(o.position).toBeTypeOf('number');
      expect(o.trace?.padding.ok).toBe(false);
    }
    expect(found).toBeGreaterThan(15);
  });

  it('line, wrong key: ERR_BAD_PADDING', () => {
    const line = sealLine(key, Buffer.from('Hello Client, message received securely'), iv);
    const o = openCaptured(line, wrongKeys);
    expect(o.ok ? 'ok' : o.code).toBe('ERR_BAD_PADDING');
  });

  it('cbc-hmac, wrong key: ERR_BAD_MAC and nothing decrypted', () => {
    const frame = sealFrame(server, { type: 'chat', suite: 'cbc-hmac', seq: 1, plaintext: Buffer.from('hi') });
    const o = openCaptured(frame, wrongKeys);
    expect(o.ok ? 'ok' : o.code).toBe('ERR_BAD_MAC');
    expect(o.trace).toBeNull();
  });

  it('cbc-hmac, one flipped bit anywhere before the tag: ERR_BAD_MAC, never a padding verdict', () => {
    const frame = sealFrame(server, {
      type: 'chat',
      suite: 'cbc-hmac',
      seq: 1,
      plaintext: Buffer.from('attack at dawn')
    });
    for (let at = 5; at < frame.length; at++) {
      if (at >= 9 && at < 13) continue; // the length field: a different frame length altogether
      const t = Buffer.from(frame);
      t[at] ^= 0x01;
      const o = openCaptured(t, keys);
      expect(o.ok ? 'ok' : o.code, `bit flipped at ${at}`).toBe('ERR_BAD_MAC');
    }
  });

  it('gcm, wrong key or a flipped bit: ERR_BAD_TAG', () => {
    const frame = sealFrame(server, { type: 'chat', suite: 'gcm', seq: 1, plaintext: Buffer.from('hi') });
    const o = openCaptured(frame, wrongKeys);
    expect(o.ok ? 'ok' : o.code).toBe('ERR_BAD_TAG');
    const t = Buffer.from(frame);
    t[6] ^= 1; // the header is associated data
    expect((openCaptured(t, keys) as { code?: string }).code).toBe('ERR_BAD_TAG');
  });

  it('a payload that cannot be its suite: ERR_PAYLOAD_LENGTH', () => {
    const bad = encodeFrame({ type: 'chat', suite: 'cbc', seq: 1, payload: new Uint8Array(40) });
    expect((openCaptured(bad, keys) as { code?: string }).code).toBe('ERR_PAYLOAD_LENGTH');
    const cut = sealFrame(server, { type: 'chat', suite: 'cbc', seq: 1, plaintext: Buffer.from('hi') }).subarray(0, 30);
    expect((openCaptured(cut, keys) as { code?: string }).code).toBe('ERR_PAYLOAD_LENGTH');
    const shortLine = Buffer.from(Buffer.alloc(20).toString('base64') + '\n');
    expect((openCaptured(shortLine, keys) as { code?: string }).code).toBe('ERR_PAYLOAD_LENGTH');
  });

  it('not base64: ERR_BAD_BASE64; a broken header: ERR_UNDECODABLE', () => {
    expect((openCaptured(Buffer.from('not base64!\n'), keys) as { code?: string }).code).toBe('ERR_BAD_BASE64');
    expect((openCaptured(Buffer.from([0xcb, 0xc1, 9, 1, 1]), keys) as { code?: string }).code).toBe('ERR_UNDECODABLE');
  });
});

describe('the step-through link', () => {
  const keys = deriveOpenKeys(key);
  const server = deriveKeys(key);

  it.each(['cbc', 'cbc-hmac'] as const)(
    '%s: key and base64(IV ‖ C) that OpenSSL decrypts to the plaintext',
    (suite) => {
      const frame = sealFrame(server, { type: 'chat', suite, seq: 1, plaintext: Buffer.from('bob: hello there') });
      const o = openCaptured(frame, keys);
      const link = stepThroughLink(o, keys)!;
      expect(link.href).toMatch(/^\/learn\?mode=decrypt&key=[0-9a-f]{64}&wire=/);
      const wire = Buffer.from(link.wire, 'base64');
      const d = createDecipheriv('aes-256-cbc', Buffer.from(link.key, 'hex'), wire.subarray(0, 16));
      expect(Buffer.concat([d.update(wire.subarray(16)), d.final()]).toString()).toBe('bob: hello there');
    }
  );

  it('line frames link with the pre-shared key; gcm has no CBC to step through', () => {
    const line = sealLine(key, Buffer.from('x'));
    expect(stepThroughLink(openCaptured(line, keys), keys)?.key).toBe(key.toString('hex'));
    const g = sealFrame(server, { type: 'chat', suite: 'gcm', seq: 1, plaintext: Buffer.from('x') });
    expect(stepThroughLink(openCaptured(g, keys), keys)).toBeNull();
  });
});
