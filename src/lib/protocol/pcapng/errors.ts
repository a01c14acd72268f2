// Every failure of the capture reader and encoder is a PcapError with a stable `code` (listed in
// docs/errors.md, "Capture files") and the byte `offset` of the offending field in the file.

import { CodedError } from '../../errors/coded-error';

export type PcapErrorCode =
  | 'ERR_PCAP_FORMAT' // not a capture, or a block/record that contradicts itself
  | 'ERR_PCAP_TRUNCATED' // the file ends inside a header, block or record
  | 'ERR_PCAP_UNSUPPORTED' // a well-formed file in a version we do not read
  | 'ERR_PCAP_ARGUMENT'; // the encoder was called with something it cannot write

export interface PcapErrorDetails {
  /** Byte offset in the file of the offending field (reader errors). */
  offset?: number;
  expected?: string | number;
  actual?: string | number;
}

export class PcapError extends CodedError<PcapErrorCode> {
  /** The same byte offset as CodedError's `position`, under the name the capture docs use. */
  readonly offset?: number;

  constructor(code: PcapErrorCode, message: string, details: PcapErrorDetails = {}) {
    super(code, message, { expected: details.expected, actual: details.actual, position: details.offset });
    this.offset = details.offset;
  }
}

/** The capture file is malformed: says what is wrong and at which byte offset. */
export class PcapFormatError extends PcapError {
  constructor(message: string, details: PcapErrorDetails) {
    super('ERR_PCAP_FORMAT', message, details);
  }
}

export class PcapTruncatedError extends PcapError {
  constructor(what: string, offset: number, needed: number, available: number) {
    super(
      'ERR_PCAP_TRUNCATED',
      `${what} at offset ${offset}: expected ${needed} bytes, got ${available}; ` +
        'the file was cut short (was the capture still being written, or the download incomplete?)',
      { offset, expected: needed, actual: available }
    );
  }
}

export class PcapUnsupportedError extends PcapError {
  constructor(message: string, details: PcapErrorDetails) {
    super('ERR_PCAP_UNSUPPORTED', message, details);
  }
}

export class PcapArgumentError extends PcapError {
  constructor(message: string, details: PcapErrorDetails = {}) {
    super('ERR_PCAP_ARGUMENT', message, details);
  }
}
