// Every failure of the wire has a stable `code` (listed in docs/errors.md, "Protocol and server")
// and the structured fields a shell needs to explain it. `fatal` says whether the byte stream can
// be resynchronised after it (docs/protocol.md §6): a fatal error closes that one connection.

export type FrameErrorCode =
  // the stream: fatal, the next frame boundary cannot be trusted
  | 'ERR_UNKNOWN_FRAMING'
  | 'ERR_BAD_MAGIC'
  | 'ERR_BAD_VERSION'
  | 'ERR_BAD_TYPE'
  | 'ERR_BAD_SUITE'
  | 'ERR_FRAME_TOO_LARGE'
  | 'ERR_LINE_TOO_LONG'
  | 'ERR_TRUNCATED_FRAME'
  /** line framing: raw binary bytes where base64 text was expected (§5.6) */
  | 'ERR_RAW_BYTES'
  /** a native hello after the connection was taken for a line listener (§8.2) */
  | 'ERR_LATE_HELLO'
  // one frame: the stream stays in step, only this frame is rejected
  | 'ERR_BAD_BASE64'
  | 'ERR_PAYLOAD_LENGTH'
  /** a line without its line end that is not a whole message when the sender pauses (§5.2) */
  | 'ERR_NO_LINE_END'
  /** a JSON line that is not {"iv": …, "ciphertext": …} (§5.5) */
  | 'ERR_BAD_JSON'
  | 'ERR_BAD_MAC'
  | 'ERR_BAD_TAG'
  | 'ERR_BAD_PADDING'
  | 'ERR_BAD_UTF8'
  /** the server's one answer for bad padding or bad UTF-8 unless it runs as a padding oracle */
  | 'ERR_DECRYPT'
  | 'ERR_BAD_NAME'
  | 'ERR_SEQUENCE'
  | 'ERR_SUITE_MISMATCH'
  | 'ERR_UNEXPECTED_TYPE'
  // the connection: what the server did to it
  | 'ERR_IDLE_TIMEOUT'
  | 'ERR_SLOW_READER'
  | 'ERR_SERVER_FULL'
  | 'ERR_INTERNAL';

export interface FrameErrorDetails {
  expected?: string | number;
  actual?: string | number;
  /** byte offset in the stream (decoder) or in the frame/line (codecs) of the offending byte */
  position?: number;
  fatal?: boolean;
}

const FATAL: ReadonlySet<FrameErrorCode> = new Set<FrameErrorCode>([
  'ERR_UNKNOWN_FRAMING',
  'ERR_BAD_MAGIC',
  'ERR_BAD_VERSION',
  'ERR_BAD_TYPE',
  'ERR_BAD_SUITE',
  'ERR_FRAME_TOO_LARGE',
  'ERR_LINE_TOO_LONG',
  'ERR_TRUNCATED_FRAME',
  'ERR_RAW_BYTES',
  'ERR_LATE_HELLO',
  'ERR_IDLE_TIMEOUT',
  'ERR_SLOW_READER',
  'ERR_SERVER_FULL',
  'ERR_INTERNAL'
]);

export class FrameError extends Error {
  readonly code: FrameErrorCode;
  readonly expected?: string | number;
  readonly actual?: string | number;
  readonly position?: number;
  /** true when the connection cannot continue (docs/protocol.md §6.2) */
  readonly fatal: boolean;

  constructor(code: FrameErrorCode, message: string, details: FrameErrorDetails = {}) {
    super(message);
    this.name = 'FrameError';
    this.code = code;
    this.expected = details.expected;
    this.actual = details.actual;
    this.position = details.position;
    this.fatal = details.fatal ?? FATAL.has(code);
  }
}

export function isFatalCode(code: string): boolean {
  return FATAL.has(code as FrameErrorCode);
}
