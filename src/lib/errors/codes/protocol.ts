// The codes of the wire (docs/protocol.md).
// One part of CODES (../codes.ts); a code's `areas` name every docs/errors.md table it is in.
import type { CodeInfo } from './areas';

export const PROTOCOL_CODES = {
  ERR_UNKNOWN_FRAMING: {
    areas: ['protocol'],
    meaning: 'the first byte is neither 0xCB, base64 nor { (§2)',
    fix: 'is this a CBC Lab client?'
  },
  ERR_RAW_BYTES: {
    areas: ['protocol'],
    meaning: 'raw IV ‖ C on a line stream instead of base64 (§5.6)',
    fix: 'send base64(iv + ct) and a line end'
  },
  ERR_LATE_HELLO: {
    areas: ['protocol'],
    meaning: 'a native hello after the connection was taken for a line listener (§8.2)',
    fix: 'send the hello at once'
  },
  ERR_BAD_MAGIC: {
    areas: ['protocol'],
    meaning: 'a native frame does not start 0xCB 0xC1 (§3.1)',
    fix: "is the peer speaking CBC Lab's native framing?"
  },
  ERR_BAD_VERSION: { areas: ['protocol'], meaning: 'a version byte other than 1', fix: 'upgrade the older side' },
  ERR_BAD_TYPE: { areas: ['protocol'], meaning: 'a type byte outside 1..7 (§3.2)', fix: 'the message lists the types' },
  ERR_BAD_SUITE: {
    areas: ['protocol'],
    meaning: 'a suite byte outside 0..3, or one the type may not use (§3.3)',
    fix: 'the message names the suite needed'
  },
  ERR_FRAME_TOO_LARGE: {
    areas: ['protocol'],
    meaning: 'a length over the limit (§3.4), or a message too long to relay (§8.3)',
    fix: 'send shorter messages'
  },
  ERR_LINE_TOO_LONG: {
    areas: ['protocol'],
    meaning: 'more than 4⌈limit/3⌉ characters with no line end (§5.3)',
    fix: 'end each message with a line end'
  },
  ERR_TRUNCATED_FRAME: {
    areas: ['protocol'],
    meaning: 'the stream ended inside a frame or a line',
    fix: 'the sender was cut off'
  },
  ERR_NO_LINE_END: {
    areas: ['protocol'],
    meaning: 'a pause with bytes that are no whole message and no line end (§5.2)',
    fix: 'end each message with \\n'
  },
  ERR_BAD_JSON: {
    areas: ['protocol'],
    meaning: 'a JSON line that is not {"iv": …, "ciphertext": …} (§5.5)',
    fix: 'send both members on one line'
  },
  ERR_PAYLOAD_LENGTH: {
    areas: ['protocol', 'browser'],
    meaning: 'a payload too short for its suite, or not whole blocks (§4, §5.1)',
    fix: 'was the frame cut?'
  },
  ERR_BAD_MAC: {
    areas: ['protocol', 'browser'],
    meaning: 'cbc-hmac: the HMAC-SHA256 tag does not match (§4.3)',
    fix: 'the frame was altered, or the keys differ'
  },
  ERR_BAD_TAG: {
    areas: ['protocol', 'browser'],
    meaning: 'gcm: the tag does not verify (§4.4)',
    fix: 'the frame was altered, or the keys differ'
  },
  ERR_DECRYPT: {
    areas: ['protocol'],
    meaning: "the server's one answer for bad padding or bad UTF-8 (§6.4)",
    fix: 'do both sides use the same key?'
  },
  ERR_BAD_NAME: {
    areas: ['protocol'],
    meaning: "a hello's or a /name's name breaks the name rule (§3.2, §8.2.5)",
    fix: 'pick another --name'
  },
  ERR_NATIVE_RENAME: {
    areas: ['protocol'],
    meaning: 'a native client sent /name, which renames line clients only (§8.2.5)',
    fix: 'connect again with the name in the hello'
  },
  ERR_SEQUENCE: {
    areas: ['protocol'],
    meaning: "a frame's seq not above the last accepted one (§3.5)",
    fix: 'a replayed or reordered frame'
  },
  ERR_SUITE_MISMATCH: {
    areas: ['protocol'],
    meaning: 'a frame in another suite than the hello chose (§8.1)',
    fix: 'keep one suite per connection'
  },
  ERR_UNEXPECTED_TYPE: {
    areas: ['protocol'],
    meaning: 'a frame type the connection may not send now (§8.1)',
    fix: 'hello first, then chat, bye or error'
  },
  ERR_IDLE_TIMEOUT: {
    areas: ['protocol'],
    meaning: 'no complete frame for --idle-timeout seconds (§8.7)',
    fix: 'reconnect'
  },
  ERR_SLOW_READER: {
    areas: ['protocol'],
    meaning: 'a connection that reads nothing it is sent (§8.6)',
    fix: 'the client must read what it is sent'
  },
  ERR_SERVER_FULL: {
    areas: ['protocol'],
    meaning: '--max-clients connections already in the room (§8.7)',
    fix: 'try again later'
  }
} as const satisfies Record<`ERR_${string}`, CodeInfo>;
