// The one base of every error CBC Lab reports on purpose: a stable `code` (each listed once in
// ./codes.ts and in docs/errors.md) and the structured fields a shell needs to explain it.
// Messages read "what: expected X, got Y; what to do".

export interface ErrorDetails {
  expected?: string | number;
  actual?: string | number;
  /** offset of the first offending character or byte in the input the message is about */
  position?: number;
}

export class CodedError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly expected?: string | number;
  readonly actual?: string | number;
  readonly position?: number;

  constructor(code: Code, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.expected = details.expected;
    this.actual = details.actual;
    this.position = details.position;
  }

  // A CodedRangeError (below) is one of ours too: `e instanceof CodedError` holds for it, so a
  // shell needs one test. Subclasses keep the ordinary prototype check.
  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      Function.prototype[Symbol.hasInstance].call(this, value) ||
      (this === CodedError && value instanceof CodedRangeError)
    );
  }
}

/**
 * A coded error that is also a `RangeError`, as Node's own ERR_OUT_OF_RANGE is: for a number
 * outside the range a function takes, where callers may test for the built-in class.
 */
export class CodedRangeError<Code extends string = string> extends RangeError {
  readonly code: Code;
  readonly expected?: string | number;
  readonly actual?: string | number;
  readonly position?: number;

  constructor(code: Code, message: string, details: ErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.expected = details.expected;
    this.actual = details.actual;
    this.position = details.position;
  }
}

/** Whether `e` is one of ours, with a code to show and to act on. */
export function isCodedError(e: unknown): e is CodedError {
  return e instanceof CodedError;
}
