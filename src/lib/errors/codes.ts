// The one registry of error codes: every `ERR_…` CBC Lab emits, anywhere (src/, server/), with
// the docs/errors.md table(s) it is listed in, what it means and what the user should do.
// The entries live by area in ./codes/<area>.ts; this file joins them and derives the types.
// tests/unit/errors/registry.test.ts holds this, the docs' tables and the source to each other.
// Codes never change meaning; a new one is added to its area's file and to its table.

import type { Area, CodeInfo } from './codes/areas';
import { API_CODES } from './codes/api';
import { BROWSER_CODES } from './codes/browser';
import { CAPTURE_CODES } from './codes/capture';
import { CLI_CODES } from './codes/cli';
import { CRYPTO_CODES } from './codes/crypto';
import { LOAD_CODES } from './codes/load';
import { PROGRAM_CODES } from './codes/programs';
import { PROTOCOL_CODES } from './codes/protocol';

export { DOC_SECTIONS, type Area, type CodeInfo } from './codes/areas';

/** In the order of docs/errors.md's sections. */
export const CODES = {
  ...CRYPTO_CODES,
  ...CLI_CODES,
  ...PROGRAM_CODES,
  ...CAPTURE_CODES,
  ...LOAD_CODES,
  ...API_CODES,
  ...PROTOCOL_CODES,
  ...BROWSER_CODES
} as const satisfies Record<`ERR_${string}`, CodeInfo>;

export type ErrorCode = keyof typeof CODES;

type Parts = [
  typeof CRYPTO_CODES,
  typeof CLI_CODES,
  typeof PROGRAM_CODES,
  typeof CAPTURE_CODES,
  typeof LOAD_CODES,
  typeof API_CODES,
  typeof PROTOCOL_CODES,
  typeof BROWSER_CODES
];
/** Codes defined in more than one part; the spread above would keep only the last of each. */
type Repeated<P extends unknown[]> = P extends [infer H, ...infer T]
  ? (keyof H & { [K in keyof T]: keyof T[K] }[number]) | Repeated<T>
  : never;
/** A compile error names any code defined twice. */
type Unrepeated = [Repeated<Parts>] extends [never] ? true : Repeated<Parts>;
true satisfies Unrepeated;

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
