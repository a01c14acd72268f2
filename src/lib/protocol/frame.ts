// Native framing (docs/protocol.md §3): a 13-byte header, then `length` bytes of payload.
//
//   offset  size  field
//   0       2     magic 0xCB 0xC1
//   2       1     version (1)
//   3       1     type
//   4       1     suite
//   5       4     seq, unsigned big-endian
//   9       4     length of the payload, unsigned big-endian
//
// The first magic byte is outside the base64 alphabet and above 0x7F, so the first byte of a
// connection tells native from line framing (§2).
import { hexLiteral } from '../crypto/bytes';
import { FrameError } from './errors';
import { OutOfRangeError } from '../errors/out-of-range';

export const MAGIC_0 = 0xcb;
export const MAGIC_1 = 0xc1;
export const VERSION = 1;
export const HEADER_LENGTH = 13;
/** §3.4: default largest payload a decoder accepts, configurable. */
export const DEFAULT_MAX_PAYLOAD = 64 * 1024;

export const FRAME_TYPES = ['hello', 'chat', 'ack', 'join', 'leave', 'error', 'bye'] as const;
export type FrameType = (typeof FRAME_TYPES)[number];
/** §3.2: type byte = index + 1. */
export const TYPE_CODE: Record<FrameType, number> = { hello: 1, chat: 2, ack: 3, join: 4, leave: 5, error: 6, bye: 7 };

export const SUITES = ['none', 'cbc', 'cbc-hmac', 'gcm'] as const;
export type Suite = (typeof SUITES)[number];
export type SealedSuite = Exclude<Suite, 'none'>;
/** §3.3: suite byte = index. */
export const SUITE_CODE: Record<Suite, number> = { none: 0, cbc: 1, 'cbc-hmac': 2, gcm: 3 };

export const TYPE_MEANING: Record<FrameType, string> = {
  hello: 'hello: the client names itself and picks the suite; the server answers with a hello',
  chat: 'chat message',
  ack: 'acknowledgement of a chat message',
  join: 'join notice: someone entered the room',
  leave: 'leave notice: someone left the room',
  error: 'error: a code and a message, in the clear',
  bye: 'bye: the sender is closing the connection'
};

export const SUITE_MEANING: Record<Suite, string> = {
  none: 'none: payload in the clear (error and bye only)',
  cbc: 'cbc: IV ‖ AES-CBC ciphertext, unauthenticated',
  'cbc-hmac': 'cbc-hmac: IV ‖ AES-CBC ciphertext ‖ HMAC-SHA256 tag (encrypt-then-MAC)',
  gcm: 'gcm: 12-byte nonce ‖ AES-GCM ciphertext ‖ 16-byte tag, header as associated data'
};

/** §3.3: error and bye travel in the clear; every other type is sealed. */
export function suiteAllowed(type: FrameType, suite: Suite): boolean {
  return type === 'error' || type === 'bye' ? suite === 'none' : suite !== 'none';
}

export interface FrameHeader {
  version: number;
  type: FrameType;
  suite: Suite;
  seq: number;
  length: number;
}

export interface NativeFrame extends FrameHeader {
  framing: 'native';
  /** the whole frame as on the wire: header ‖ payload */
  raw: Uint8Array;
  header: Uint8Array;
  payload: Uint8Array;
}

export function encodeHeader(h: { type: FrameType; suite: Suite; seq: number; length: number }): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH);
  writeHeader(out, 0, h);
  return out;
}

export function writeHeader(
  out: Uint8Array,
  offset: number,
  h: { type: FrameType; suite: Suite; seq: number; length: number }
): void {
  checkUint32('seq', h.seq);
  checkUint32('length', h.length);
  out[offset] = MAGIC_0;
  out[offset + 1] = MAGIC_1;
  out[offset + 2] = VERSION;
  out[offset + 3] = TYPE_CODE[h.type];
  out[offset + 4] = SUITE_CODE[h.suite];
  writeUint32(out, offset + 5, h.seq);
  writeUint32(out, offset + 9, h.length);
}

/** header ‖ payload, with the length field set from the payload. */
export function encodeFrame(f: { type: FrameType; suite: Suite; seq: number; payload: Uint8Array }): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH + f.payload.length);
  writeHeader(out, 0, { type: f.type, suite: f.suite, seq: f.seq, length: f.payload.length });
  out.set(f.payload, HEADER_LENGTH);
  return out;
}

function checkUint32(what: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
    throw new OutOfRangeError(what, 'an integer 0..2^32-1', v);
  }
}

function writeUint32(out: Uint8Array, o: number, v: number): void {
  out[o] = v >>> 24;
  out[o + 1] = (v >>> 16) & 255;
  out[o + 2] = (v >>> 8) & 255;
  out[o + 3] = v & 255;
}

export function readUint32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/**
 * Check one header byte as soon as it arrives (§3.1): the decoder calls this for every byte of
 * the first 9, so garbage is refused at its first wrong byte, not after 13.
 * `position` is the offset of the byte in the frame.
 */
export function checkHeaderByte(index: number, b: number, streamOffset = index): void {
  if (index === 0 && b !== MAGIC_0) {
    throw new FrameError(
      'ERR_BAD_MAGIC',
      `native frame: expected magic byte 0xcb at offset ${streamOffset}, got ${hexLiteral(b)}; is the peer speaking CBC Lab's native framing?`,
      { expected: '0xcb', actual: `${hexLiteral(b)}`, position: streamOffset }
    );
  }
  if (index === 1 && b !== MAGIC_1) {
    // at the very start, 0xcb then anything else is most likely raw bytes that began with 0xcb (§5.6)
    const start =
      streamOffset === 1
        ? '; at the start of a connection this is most likely raw bytes (iv + ciphertext), expected base64 text: send base64.b64encode(iv + ciphertext) + b"\\n"'
        : '';
    throw new FrameError(
      'ERR_BAD_MAGIC',
      `native frame: expected magic byte 0xc1 at offset ${streamOffset}, got ${hexLiteral(b)}; is the peer speaking CBC Lab's native framing?${start}`,
      { expected: '0xc1', actual: `${hexLiteral(b)}`, position: streamOffset }
    );
  }
  if (index === 2 && b !== VERSION) {
    throw new FrameError(
      'ERR_BAD_VERSION',
      `native frame: expected version ${VERSION}, got ${b}; upgrade the older side`,
      { expected: VERSION, actual: b, position: streamOffset }
    );
  }
  if (index === 3 && (b < 1 || b > FRAME_TYPES.length)) {
    throw new FrameError(
      'ERR_BAD_TYPE',
      `native frame: expected a type 1..${FRAME_TYPES.length} (hello, chat, ack, join, leave, error, bye), got ${b}`,
      { expected: `1..${FRAME_TYPES.length}`, actual: b, position: streamOffset }
    );
  }
  if (index === 4 && b >= SUITES.length) {
    throw new FrameError(
      'ERR_BAD_SUITE',
      `native frame: expected a suite 0..${SUITES.length - 1} (none, cbc, cbc-hmac, gcm), got ${b}`,
      { expected: `0..${SUITES.length - 1}`, actual: b, position: streamOffset }
    );
  }
}

/**
 * Parse and check a complete 13-byte header. `maxPayload` is the §3.4 limit; it is checked here,
 * before a single payload byte is buffered.
 */
export function decodeHeader(
  bytes: Uint8Array,
  offset = 0,
  maxPayload = DEFAULT_MAX_PAYLOAD,
  streamOffset = offset
): FrameHeader {
  if (bytes.length - offset < HEADER_LENGTH) {
    throw new FrameError(
      'ERR_TRUNCATED_FRAME',
      `native frame: expected a ${HEADER_LENGTH}-byte header, got ${bytes.length - offset} bytes`,
      { expected: HEADER_LENGTH, actual: bytes.length - offset, position: streamOffset }
    );
  }
  for (let i = 0; i < 5; i++) checkHeaderByte(i, bytes[offset + i], streamOffset + i);
  const type = FRAME_TYPES[bytes[offset + 3] - 1];
  const suite = SUITES[bytes[offset + 4]];
  if (!suiteAllowed(type, suite)) {
    throw new FrameError(
      'ERR_BAD_SUITE',
      type === 'error' || type === 'bye'
        ? `native frame: a ${type} frame travels in the clear (suite 0 none), got suite ${suite}`
        : `native frame: a ${type} frame must be sealed (suite cbc, cbc-hmac or gcm), got suite none`,
      {
        expected: type === 'error' || type === 'bye' ? 'none' : 'cbc, cbc-hmac or gcm',
        actual: suite,
        position: streamOffset + 4
      }
    );
  }
  const seq = readUint32(bytes, offset + 5);
  const length = readUint32(bytes, offset + 9);
  checkLength(length, maxPayload, streamOffset + 9);
  return { version: VERSION, type, suite, seq, length };
}

export function checkLength(length: number, maxPayload: number, position: number): void {
  if (length > maxPayload) {
    throw new FrameError(
      'ERR_FRAME_TOO_LARGE',
      `native frame: expected a payload of at most ${maxPayload} bytes, got a length field of ${length}; ` +
        'send shorter messages, or raise the limit on both sides',
      { expected: `at most ${maxPayload}`, actual: length, position }
    );
  }
}

export interface Range {
  start: number;
  end: number;
}

/** Where the parts of a sealed payload sit (§4), offsets relative to the payload. */
export interface PayloadLayout {
  suite: Suite;
  /** IV (cbc, cbc-hmac) or nonce (gcm); null for none */
  iv: Range | null;
  ciphertext: Range;
  /** HMAC-SHA256 tag (cbc-hmac) or GCM tag; null otherwise */
  tag: Range | null;
}

export const IV_LENGTH = 16;
export const BLOCK_LENGTH = 16;
export const HMAC_TAG_LENGTH = 32;
export const GCM_NONCE_LENGTH = 12;
export const GCM_TAG_LENGTH = 16;

/** The minimum payload length of each suite (§4). */
export const MIN_PAYLOAD: Record<Suite, number> = {
  none: 0,
  cbc: IV_LENGTH + BLOCK_LENGTH,
  'cbc-hmac': IV_LENGTH + BLOCK_LENGTH + HMAC_TAG_LENGTH,
  gcm: GCM_NONCE_LENGTH + GCM_TAG_LENGTH
};

export interface PayloadParts {
  /** IV (cbc, cbc-hmac) or nonce (gcm); null for none */
  iv: Uint8Array | null;
  ciphertext: Uint8Array;
  tag: Uint8Array | null;
}

/** The parts of `payload` where `layout` puts them (views, no copy): IV or nonce ‖ C ‖ tag (§4). */
export function payloadParts(payload: Uint8Array, layout: PayloadLayout): PayloadParts {
  const cut = (r: Range | null) => (r ? payload.subarray(r.start, r.end) : null);
  return {
    iv: cut(layout.iv),
    ciphertext: payload.subarray(layout.ciphertext.start, layout.ciphertext.end),
    tag: cut(layout.tag)
  };
}

/** §2: the first byte decides the framing; 0xCB starts a native frame, anything else a line. */
export function isNativeFrame(wire: Uint8Array): boolean {
  return wire.length > 0 && wire[0] === MAGIC_0;
}

/** Split a payload of `length` bytes by suite; ERR_PAYLOAD_LENGTH when it cannot be that suite. */
export function payloadLayout(suite: Suite, length: number): PayloadLayout {
  const min = MIN_PAYLOAD[suite];
  const bad = (expected: string) =>
    new FrameError(
      'ERR_PAYLOAD_LENGTH',
      `${suite} payload: expected ${expected}, got ${length} bytes; was the frame cut or padded by hand?`,
      { expected, actual: length, fatal: false }
    );
  if (suite === 'none') return { suite, iv: null, ciphertext: { start: 0, end: length }, tag: null };
  if (suite === 'gcm') {
    if (length < min) throw bad(`at least ${min} (12-byte nonce + 16-byte tag)`);
    return {
      suite,
      iv: { start: 0, end: GCM_NONCE_LENGTH },
      ciphertext: { start: GCM_NONCE_LENGTH, end: length - GCM_TAG_LENGTH },
      tag: { start: length - GCM_TAG_LENGTH, end: length }
    };
  }
  const tagLength = suite === 'cbc-hmac' ? HMAC_TAG_LENGTH : 0;
  const cLength = length - IV_LENGTH - tagLength;
  if (length < min || cLength % BLOCK_LENGTH !== 0) {
    throw bad(
      suite === 'cbc'
        ? `16-byte IV + a whole number of 16-byte blocks (at least ${min})`
        : `16-byte IV + a whole number of 16-byte blocks + 32-byte tag (at least ${min})`
    );
  }
  return {
    suite,
    iv: { start: 0, end: IV_LENGTH },
    ciphertext: { start: IV_LENGTH, end: IV_LENGTH + cLength },
    tag: tagLength ? { start: IV_LENGTH + cLength, end: length } : null
  };
}
