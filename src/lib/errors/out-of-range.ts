// A number outside the range a function takes: a bit position, a block index, a header field.
// A caller's bug rather than bad input, so it stays a RangeError (as Node's ERR_OUT_OF_RANGE is)
// while carrying our code and fields.
import { CodedRangeError } from './coded-error';
import type { Registered } from './codes';

export class OutOfRangeError extends CodedRangeError<Registered<'ERR_OUT_OF_RANGE'>> {
  /** `what: expected <range>, got <actual>` */
  constructor(what: string, expected: string, actual: number) {
    super('ERR_OUT_OF_RANGE', `${what}: expected ${expected}, got ${actual}`, { expected, actual });
  }
}
