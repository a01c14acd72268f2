// The one registry of error codes: every `ERR_…` CBC Lab emits, anywhere (src/, server/), with
// the docs/errors.md table(s) it is listed in, what it means and what the user should do.
// tests/unit/errors/registry.test.ts holds this, the docs' tables and the source to each other.
// Codes never change meaning; a new one is added here and to its table.

/** One table of docs/errors.md each (its section's title is in DOC_SECTIONS). */
export type Area = 'crypto' | 'cli' | 'programs' | 'capture' | 'load' | 'api' | 'protocol' | 'browser';

export interface CodeInfo {
  /** the tables it is listed in: a code one layer raises and another passes on is in both */
  readonly areas: readonly Area[];
  readonly meaning: string;
  readonly fix: string;
}

/**
 * The title of the docs/errors.md section that holds each area's table: the heading is
 * `## <title>`, then the paths it covers in parentheses (those may change as files move).
 */
export const DOC_SECTIONS: Readonly<Record<Area, string>> = {
  crypto: 'Crypto',
  cli: 'Command line',
  programs: 'Programs',
  capture: 'Capture files',
  load: 'Loading a file on /live',
  api: 'HTTP API',
  protocol: 'Protocol and server',
  browser: 'In the browser'
};

export const CODES = {
  // ---- crypto: the engine's inputs (FIPS-197, SP 800-38A, RFC 5652, RFC 4648, RFC 3629)
  ERR_KEY_LENGTH: {
    areas: ['crypto', 'browser'],
    meaning: 'the key is not 16, 24 or 32 bytes (FIPS-197 §5)',
    fix: 'paste the whole key (32, 48 or 64 hex digits) or pick a key size'
  },
  ERR_IV_LENGTH: {
    areas: ['crypto'],
    meaning: 'the IV is not one 16-byte block (SP 800-38A §6.2)',
    fix: 'give exactly one AES block (32 hex digits)'
  },
  ERR_PLAINTEXT_LENGTH: {
    areas: ['crypto'],
    meaning: 'padding none and the message is not whole 16-byte blocks',
    fix: 'use PKCS#7 padding, or add the bytes the message names'
  },
  ERR_CIPHERTEXT_LENGTH: {
    areas: ['crypto'],
    meaning: 'ciphertext empty or not whole 16-byte blocks',
    fix: 'check that the ciphertext was not cut short and is AES-CBC'
  },
  ERR_WIRE_LENGTH: {
    areas: ['crypto'],
    meaning: 'a wire form IV ‖ C shorter than an IV and one block',
    fix: 'send the IV in front of the ciphertext'
  },
  ERR_BAD_PADDING: {
    areas: ['crypto', 'protocol', 'browser'],
    meaning: 'the decrypted PKCS#7 padding is invalid (RFC 5652 §6.3)',
    fix: 'check the key and the IV: both sides must use the same key'
  },
  ERR_BAD_HEX: {
    areas: ['crypto'],
    meaning: 'hex input with a character that is not a hex digit, or an odd number of digits',
    fix: 'fix the character at the position named; leave out a 0x prefix'
  },
  ERR_BAD_BASE64: {
    areas: ['crypto', 'protocol', 'browser'],
    meaning: 'not canonical base64 (RFC 4648 §4)',
    fix: 'use + and /, restore the = padding; nothing else on the line'
  },
  ERR_BAD_UTF8: {
    areas: ['crypto', 'protocol'],
    meaning: 'bytes to be shown as text are not UTF-8 (RFC 3629 §4)',
    fix: 'show the bytes as hex, or check the key and IV'
  },
  ERR_BLOCK_LENGTH: {
    areas: ['crypto'],
    meaning: 'one AES block for the teaching cipher is not 16 bytes (FIPS-197 §3.4)',
    fix: 'give exactly 32 hex digits'
  },
  ERR_OUT_OF_RANGE: {
    areas: ['crypto', 'protocol'],
    meaning: 'a number outside the range the function takes (a bit position, a header field)',
    fix: 'a bug in the caller: the message names the value and the range'
  },
  ERR_BAD_FORGERY: {
    areas: ['crypto'],
    meaning:
      'a CBC edit that cannot be made in place: lengths differ, nothing to edit, across a block, or past the end',
    fix: 'edit known text to text of the same length within one block'
  },

  // ---- the command line
  ERR_UNKNOWN_COMMAND: { areas: ['cli'], meaning: 'the first word is not a command', fix: 'cbc-lab --help lists them' },
  ERR_UNKNOWN_OPTION: {
    areas: ['cli'],
    meaning: 'a flag the command does not take',
    fix: 'see the usage that follows'
  },
  ERR_MISSING_VALUE: {
    areas: ['cli'],
    meaning: 'a flag that takes a value came last',
    fix: 'give the value after the flag'
  },
  ERR_MISSING_OPTION: { areas: ['cli'], meaning: 'a required flag is missing', fix: 'add the flag named' },
  ERR_BAD_OPTION_VALUE: {
    areas: ['cli'],
    meaning: "a value outside the flag's choices",
    fix: 'use one of the values listed'
  },
  ERR_REPEATED_OPTION: { areas: ['cli'], meaning: 'a flag given twice', fix: 'give it once' },
  ERR_EXTRA_ARGUMENT: {
    areas: ['cli'],
    meaning: 'more positional arguments than the command takes',
    fix: 'quote the text, or pipe it on stdin'
  },
  ERR_INPUT_TOO_LARGE: {
    areas: ['cli'],
    meaning: '--json with more than 1 MiB of input',
    fix: 'drop --json for large inputs'
  },
  ERR_AMBIGUOUS_KEY: {
    areas: ['cli'],
    meaning: 'a key file that reads as a different key as hex and as raw bytes',
    fix: 'add --key-format hex or --key-format raw'
  },
  ERR_CONFLICTING_OPTIONS: {
    areas: ['cli'],
    meaning: 'two options that exclude each other',
    fix: 'give one key source'
  },

  // ---- what the programs report that is not a frame
  ERR_LISTEN: {
    areas: ['programs'],
    meaning: 'a server or the tap cannot bind its port',
    fix: 'pick another --port or --host'
  },
  ERR_CONNECT: {
    areas: ['programs'],
    meaning: 'cbc-lab client cannot connect',
    fix: 'is cbc-lab server running there?'
  },
  ERR_NO_REPLY: {
    areas: ['programs'],
    meaning: 'cbc-lab client --message got no reply in time',
    fix: 'check the server'
  },
  ERR_SOCKET: {
    areas: ['programs'],
    meaning: 'the tap saw a socket error that carried no code of its own',
    fix: 'the message has the system text'
  },
  ERR_UNKNOWN: {
    areas: ['programs'],
    meaning: 'the peer sent an error frame without a code (not JSON, or no "code")',
    fix: 'the message shows what the peer sent'
  },

  // ---- capture files
  ERR_PCAP_FORMAT: {
    areas: ['capture', 'load'],
    meaning: 'not a pcapng/pcap file, or a block that contradicts itself',
    fix: 'is this a capture file?'
  },
  ERR_PCAP_TRUNCATED: {
    areas: ['capture', 'load'],
    meaning: 'the file ends inside a header, block or record',
    fix: 'the file was cut short'
  },
  ERR_PCAP_UNSUPPORTED: {
    areas: ['capture', 'load'],
    meaning: 'a pcapng or pcap version we do not read',
    fix: 'convert it with editcap'
  },
  ERR_PCAP_ARGUMENT: {
    areas: ['capture', 'load'],
    meaning: 'the capture writer was called with something it cannot write',
    fix: 'a bug in the caller'
  },

  // ---- loading a file on /live
  ERR_LOAD_EMPTY: { areas: ['load'], meaning: 'the file is empty', fix: 'pick a .pcapng, .json or server log file' },
  ERR_LOAD_FORMAT: {
    areas: ['load'],
    meaning: 'neither a capture, a CBC Lab capture nor a server log, or no frames in it',
    fix: 'is this the right file?'
  },
  ERR_LOAD_JSON: {
    areas: ['load'],
    meaning: 'a line of a server log is not a JSON object',
    fix: 'one JSON object per line'
  },
  ERR_LOAD_CAPTURE: {
    areas: ['load'],
    meaning: 'a CBC Lab capture of another version, or without a frames array',
    fix: 'download the capture again'
  },

  // ---- the HTTP API
  ERR_NO_CAPTURE: { areas: ['api'], meaning: 'the web app runs without the demo', fix: 'start it with npm start' },
  ERR_FORBIDDEN_HOST: {
    areas: ['api'],
    meaning: 'a Host other than 127.0.0.1, localhost or [::1]',
    fix: 'open the demo at http://127.0.0.1:…'
  },
  ERR_BAD_PARAM: {
    areas: ['api'],
    meaning: 'a query parameter not an allowed integer, or given twice',
    fix: 'the message names the range'
  },
  ERR_BAD_BODY: {
    areas: ['api'],
    meaning: 'a request body without the fields the endpoint needs',
    fix: 'the message names the field'
  },
  ERR_BAD_CONTENT_TYPE: { areas: ['api'], meaning: 'a POST body that is not application/json', fix: 'send JSON' },
  ERR_BODY_TOO_LARGE: { areas: ['api'], meaning: 'a POST body over 64 KiB', fix: 'send less' },
  ERR_SEND_TIMEOUT: {
    areas: ['api'],
    meaning: 'the chat server did not acknowledge a message within 5 s',
    fix: 'try again'
  },
  ERR_CHAT_CLOSED: {
    areas: ['api'],
    meaning: "the page's chat connection closed before the acknowledgement",
    fix: 'try again'
  },
  ERR_CHAT_UNREACHABLE: {
    areas: ['api'],
    meaning: "the page's chat client cannot reach the tap",
    fix: 'restart the demo'
  },
  ERR_CAPTURE_FILE: {
    areas: ['api'],
    meaning: 'the pcapng cannot be read for download',
    fix: 'the message names the file'
  },
  ERR_NO_PCAPNG: { areas: ['api'], meaning: 'the capture writes no pcapng', fix: 'use /api/capture.json' },
  ERR_PORT_IN_USE: {
    areas: ['api'],
    meaning: 'npm start: a port it needs is taken',
    fix: 'choose another port with the flag named'
  },
  ERR_NO_HELLO: {
    areas: ['api'],
    meaning: 'no hello of that suite captured yet to replay',
    fix: 'send a message in that suite first'
  },
  ERR_ORACLE_TIMEOUT: {
    areas: ['api'],
    meaning: 'the chat server did not answer an oracle query within 5 s',
    fix: 'try again'
  },
  ERR_ORACLE_FAILED: {
    areas: ['api'],
    meaning: 'the oracle session was refused or closed',
    fix: 'try again; is the demo still running?'
  },
  ERR_REPLAY_FAILED: { areas: ['api'], meaning: 'the tap refused the replay connection', fix: 'restart the demo' },
  ERR_SPOOL: { areas: ['api'], meaning: 'the capture spool could not be read back', fix: 'the message names the file' },
  ERR_NOT_FOUND: { areas: ['api'], meaning: 'no endpoint at that path', fix: 'the message lists the endpoints' },
  ERR_METHOD_NOT_ALLOWED: {
    areas: ['api'],
    meaning: 'a method the endpoint does not take',
    fix: 'use one of the methods allowed'
  },
  ERR_BAD_REQUEST: {
    areas: ['api'],
    meaning: 'a request SvelteKit refused before any endpoint',
    fix: 'the message says what'
  },
  ERR_INTERNAL: {
    areas: ['crypto', 'api', 'protocol'],
    meaning: 'a bug: an exception that carries no code of ours',
    fix: 'report it; only that request, field or connection is affected'
  },

  // ---- the wire (docs/protocol.md)
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
    meaning: "a hello's name breaks the name rule (§3.2)",
    fix: 'pick another --name'
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
  },

  // ---- outcomes shown in the browser
  ERR_UNDECODABLE: {
    areas: ['browser'],
    meaning: "a captured frame's header does not decode",
    fix: 'the message says which field'
  },
  ERR_CLEAR: {
    areas: ['browser'],
    meaning: 'lesson: a frame sent in the clear where an encrypted one is needed',
    fix: 'pick an encrypted chat frame'
  },
  ERR_NOT_CBC: {
    areas: ['browser'],
    meaning: 'lesson: a gcm frame where a CBC one is needed',
    fix: 'pick a cbc or line frame'
  }
} as const satisfies Record<`ERR_${string}`, CodeInfo>;

export type ErrorCode = keyof typeof CODES;

/** The codes listed under one area, as a type: the code types of the error classes derive from it. */
export type CodeIn<A extends Area> = {
  [C in ErrorCode]: A extends (typeof CODES)[C]['areas'][number] ? C : never;
}[ErrorCode];

/** A subset of the registry named by hand; any name not registered is a compile error. */
export type Registered<C extends ErrorCode> = C;

export function isErrorCode(s: string): s is ErrorCode {
  return Object.hasOwn(CODES, s);
}

export function codesIn(area: Area): ErrorCode[] {
  return (Object.keys(CODES) as ErrorCode[]).filter((c) => (CODES[c].areas as readonly Area[]).includes(area));
}
