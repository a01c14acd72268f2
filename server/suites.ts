// The suites' crypto (docs/protocol.md §4) with node:crypto (OpenSSL); the pure codec in
// src/lib/protocol only lays out bytes. Keys: the cbc suite and line framing use the pre-shared
// key as is (the seeds do); cbc-hmac and gcm use keys derived from it with HKDF-SHA256 (RFC 5869),
// so one key never serves two algorithms (§4.1).
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomFillSync,
  timingSafeEqual,
  type Decipher
} from 'node:crypto';
import { checkPkcs7 } from '../src/lib/crypto/pkcs7.ts';
import { bytesToUtf8 } from '../src/lib/crypto/bytes.ts';
import { checkKeyLength } from './key-length.ts';
import {
  FrameError,
  encodeLine,
  encodeLineMessage,
  parseLine,
  readLineMessage,
  isMessageLength,
  CANONICAL_STYLE,
  type LineMessage,
  type LineStyle,
  payloadLayout,
  payloadParts,
  suiteKeySchedule,
  type Hkdf,
  writeHeader,
  GCM_NONCE_LENGTH,
  GCM_TAG_LENGTH,
  HEADER_LENGTH,
  HMAC_TAG_LENGTH,
  IV_LENGTH,
  type FrameType,
  type NativeFrame,
  type SealedSuite
} from '../src/lib/protocol/index.ts';

export interface SuiteKeys {
  /** the pre-shared key: cbc suite and line framing (§4.2) */
  psk: Buffer;
  cbcHmacEnc: Buffer;
  cbcHmacMac: Buffer;
  gcm: Buffer;
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const nodeHkdf: Hkdf = (ikm, info, length) => new Uint8Array(hkdfSync('sha256', ikm, Buffer.alloc(0), info, length));

/** §4.1's schedule (protocol/suite-keys.ts) on node:crypto's HKDF-SHA256. */
export function deriveKeys(psk: Uint8Array): SuiteKeys {
  checkKeyLength(psk, 'key');
  const k = suiteKeySchedule(psk, nodeHkdf);
  return {
    psk: asBuffer(k.psk),
    cbcHmacEnc: asBuffer(k.cbcHmacEnc),
    cbcHmacMac: asBuffer(k.cbcHmacMac),
    gcm: asBuffer(k.gcm)
  };
}

// IVs and nonces come from the CSPRNG in 4 KiB draws, handed out in slices: one call to
// OpenSSL's RNG per 256 IVs instead of one per frame (it was a tenth of the server's time).
const pool = Buffer.alloc(4096);
let poolAt = pool.length;
export function freshRandom(n: number): Buffer {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const out = Buffer.from(pool.subarray(poolAt, poolAt + n)); // a copy: the pool is refilled in place
  poolAt += n;
  return out;
}

const cbcName = (key: Uint8Array) => `aes-${key.length * 8}-cbc`;
const gcmName = (key: Uint8Array) => `aes-${key.length * 8}-gcm` as 'aes-128-gcm';

export function cbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Buffer {
  const c = createCipheriv(cbcName(key), key, iv);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

// One AES-ECB decipher per key, kept: CBC decryption is Pᵢ = AES⁻¹(Cᵢ) ⊕ Cᵢ₋₁ (SP 800-38A §6.2),
// so all blocks go through one ECB call and the chain is a XOR; making a CBC decipher per message
// cost the server more than the AES itself. ECB with padding off keeps no state between whole blocks.
const ecbDecipher = new WeakMap<Uint8Array, Decipher>();

/** AES-CBC decryption with the strict PKCS#7 check of the engine (RFC 5652 §6.3). */
export function cbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Buffer {
  if (ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new FrameError('ERR_PAYLOAD_LENGTH', `cbc: expected whole 16-byte blocks, got ${ciphertext.length} bytes`, {
      expected: 'a multiple of 16',
      actual: ciphertext.length,
      fatal: false
    });
  }
  let d = ecbDecipher.get(key);
  if (!d) {
    d = createDecipheriv(`aes-${key.length * 8}-ecb`, key, null);
    d.setAutoPadding(false);
    ecbDecipher.set(key, d);
  }
  const padded = d.update(ciphertext);
  for (let i = padded.length - 1; i >= 16; i--) padded[i] ^= ciphertext[i - 16];
  for (let i = 0; i < 16; i++) padded[i] ^= iv[i];
  const check = checkPkcs7(padded);
  if (!check.ok)
    throw new FrameError('ERR_BAD_PADDING', `${check.message}; do both sides use the same key?`, {
      expected: check.expected,
      actual: check.actual,
      position: check.position,
      fatal: false
    });
  return padded.subarray(0, padded.length - check.padLength);
}

export function utf8(plaintext: Uint8Array): string {
  try {
    return bytesToUtf8(plaintext, 'plaintext');
  } catch (err) {
    throw new FrameError('ERR_BAD_UTF8', `${(err as Error).message}`, { fatal: false });
  }
}

export interface SealOptions {
  type: FrameType;
  suite: SealedSuite;
  seq: number;
  plaintext: Uint8Array;
  /** IV (16 bytes) or nonce (12); random when absent. Tests pass it to reproduce golden frames. */
  iv?: Uint8Array;
}

/** A whole native frame: header ‖ sealed payload (§4). */
export function sealFrame(keys: SuiteKeys, o: SealOptions): Buffer {
  if (o.suite === 'gcm') {
    const nonce = o.iv ?? freshRandom(GCM_NONCE_LENGTH);
    const length = GCM_NONCE_LENGTH + o.plaintext.length + GCM_TAG_LENGTH;
    const out = Buffer.allocUnsafe(HEADER_LENGTH + length);
    writeHeader(out, 0, { type: o.type, suite: o.suite, seq: o.seq, length });
    const c = createCipheriv(gcmName(keys.gcm), keys.gcm, nonce, { authTagLength: GCM_TAG_LENGTH });
    c.setAAD(out.subarray(0, HEADER_LENGTH)); // §4.4: the header is the associated data
    out.set(nonce, HEADER_LENGTH);
    let o2 = HEADER_LENGTH + GCM_NONCE_LENGTH;
    const a = c.update(o.plaintext);
    out.set(a, o2);
    o2 += a.length;
    const b = c.final();
    out.set(b, o2);
    o2 += b.length;
    out.set(c.getAuthTag(), o2);
    return out;
  }
  const iv = o.iv ?? freshRandom(IV_LENGTH);
  const key = o.suite === 'cbc' ? keys.psk : keys.cbcHmacEnc;
  const ciphertext = cbcEncrypt(key, iv, o.plaintext);
  const tagLength = o.suite === 'cbc-hmac' ? HMAC_TAG_LENGTH : 0;
  const length = IV_LENGTH + ciphertext.length + tagLength;
  const out = Buffer.allocUnsafe(HEADER_LENGTH + length);
  writeHeader(out, 0, { type: o.type, suite: o.suite, seq: o.seq, length });
  out.set(iv, HEADER_LENGTH);
  out.set(ciphertext, HEADER_LENGTH + IV_LENGTH);
  if (tagLength) {
    // §4.3 encrypt-then-MAC: the tag covers header ‖ IV ‖ C, everything before it.
    const end = HEADER_LENGTH + IV_LENGTH + ciphertext.length;
    out.set(createHmac('sha256', keys.cbcHmacMac).update(out.subarray(0, end)).digest(), end);
  }
  return out;
}

/** The plaintext of a sealed native frame, or a (non-fatal) FrameError saying why not (§4). */
export function openFrame(keys: SuiteKeys, frame: NativeFrame): Buffer {
  if (frame.suite === 'none') return Buffer.from(frame.payload);
  const layout = payloadLayout(frame.suite, frame.payload.length);
  const { iv: ivOrNonce, ciphertext, tag } = payloadParts(frame.payload, layout);
  const iv = ivOrNonce!;
  if (frame.suite === 'gcm') {
    const d = createDecipheriv(gcmName(keys.gcm), keys.gcm, iv, { authTagLength: GCM_TAG_LENGTH });
    d.setAAD(frame.header);
    d.setAuthTag(tag!);
    const head = d.update(ciphertext);
    try {
      return Buffer.concat([head, d.final()]);
    } catch {
      throw new FrameError(
        'ERR_BAD_TAG',
        'gcm: the tag does not match header, nonce and ciphertext: the frame was altered, or the keys differ; nothing was decrypted',
        { fatal: false }
      );
    }
  }
  if (frame.suite === 'cbc-hmac') {
    // §4.3: verify before decrypting, in constant time, so bad padding is never observable.
    const macEnd = HEADER_LENGTH + layout.tag!.start;
    const expected = createHmac('sha256', keys.cbcHmacMac).update(frame.raw.subarray(0, macEnd)).digest();
    if (!timingSafeEqual(expected, tag!)) {
      throw new FrameError(
        'ERR_BAD_MAC',
        'cbc-hmac: the HMAC-SHA256 tag does not match header ‖ IV ‖ ciphertext: the frame was altered, or the keys differ; nothing was decrypted',
        { fatal: false }
      );
    }
    return cbcDecrypt(keys.cbcHmacEnc, iv, ciphertext);
  }
  return cbcDecrypt(keys.psk, iv, ciphertext);
}

/** §5: a line for `plaintext`, "\n" included. */
export function sealLine(psk: Uint8Array, plaintext: Uint8Array, iv: Uint8Array = freshRandom(IV_LENGTH)): Uint8Array {
  return encodeLine(Buffer.concat([iv, cbcEncrypt(psk, iv, plaintext)]));
}

export function openLine(psk: Uint8Array, text: string): Buffer {
  const { iv, ciphertext } = parseLine(text);
  return cbcDecrypt(psk, iv, ciphertext);
}

/**
 * §5.5 in the shell: a line message in any form, read as readLineMessage reads it. The seeds'
 * own form (base64 and "\n", nearly every line a server sees) takes Node's native base64 instead
 * of the pure codec's JS loop, and is held to the same rule: canonical base64 only, checked by
 * encoding the bytes back (RFC 4648 §3.5). Anything else, errors included, goes to the codec.
 */
export function readLineMessageFast(raw: Uint8Array): LineMessage {
  const n = raw.length;
  if (n >= 45 && raw[n - 1] === 10 && raw[n - 2] !== 13 && raw[0] !== 0x7b && raw.indexOf(10) === n - 1) {
    const b = Buffer.from(raw.buffer, raw.byteOffset, n);
    const text = b.toString('latin1', 0, n - 1);
    const bytes = Buffer.from(text, 'base64');
    if (isMessageLength(bytes.length) && bytes.toString('base64') === text && !/^[0-9a-fA-F]+$/.test(text)) {
      return {
        style: CANONICAL_STYLE,
        iv: bytes.subarray(0, IV_LENGTH),
        ciphertext: bytes.subarray(IV_LENGTH),
        bytes,
        ivText: { start: 0, end: 22 },
        ciphertextText: { start: 21, end: n - 1 }
      };
    }
  }
  return readLineMessage(raw);
}

/** §5.5: a line message in any of its forms, read and decrypted; the form comes back too. */
export function openLineMessage(psk: Uint8Array, raw: Uint8Array): { plaintext: Buffer; message: LineMessage } {
  const message = readLineMessageFast(raw);
  return { plaintext: cbcDecrypt(psk, message.iv, message.ciphertext), message };
}

/** §5.5: `plaintext` sealed and written the way a peer wrote to us (the seeds' form natively). */
export function sealLineStyled(
  psk: Uint8Array,
  plaintext: Uint8Array,
  style: LineStyle,
  iv: Uint8Array = freshRandom(IV_LENGTH)
): Uint8Array {
  const wire = Buffer.concat([iv, cbcEncrypt(psk, iv, plaintext)]);
  if (style.encoding === 'base64' && !style.ivApart && style.ending !== 'crlf')
    return Buffer.from(wire.toString('base64') + '\n', 'latin1');
  return encodeLineMessage(wire, style);
}
