// Every failure of the wire has a stable `code` (src/lib/errors/codes.ts; docs/errors.md, "Protocol and server")
// and the structured fields a shell needs to explain it. `fatal` says whether the byte stream can
// be resynchronised after it (docs/protocol.md §6): a fatal error closes that one connection.

import { CodedError, type ErrorDetails } from '../errors/coded-error';
import type { CodeIn } from '../errors/codes';

/** src/lib/errors/codes.ts, area protocol: which are fatal is FATAL below (§6.2). */
export type FrameErrorCode = CodeIn<'protocol'>;

export interface FrameErrorDetails extends ErrorDetails {
  /** `position`: byte offset in the stream (decoder) or in the frame/line (codecs) of the offending byte */
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

export class FrameError extends CodedError<FrameErrorCode> {
  /** true when the connection cannot continue (docs/protocol.md §6.2) */
  readonly fatal: boolean;

  constructor(code: FrameErrorCode, message: string, details: FrameErrorDetails = {}) {
    super(code, message, details);
    this.name = 'FrameError';
    this.fatal = details.fatal ?? FATAL.has(code);
  }
}

export function isFatalCode(code: string): boolean {
  return FATAL.has(code as FrameErrorCode);
}
