// A request body schema of our own: each field's rule, checked in the order the schema declares
// them; the first failure is the answer, as a message that reads "field: expected X, got Y"
// (docs/api.md; routes answer it as 400 ERR_BAD_BODY). Pure: no Response, no I/O.
import { base64ToBytes } from '../crypto/bytes';

/** A rule's refusal: the message the client reads. */
export class Invalid {
  constructor(readonly message: string) {}
}

/** `earlier`: the fields already checked, for a rule that depends on one (a tag's length on the suite). */
export type Check<T> = (value: unknown, name: string, earlier: Readonly<Record<string, unknown>>) => T | Invalid;

export interface Field<T> {
  check: Check<T>;
  /** absent: skip the rule and take this (undefined for an optional field) */
  absent?: { value: T };
}

export type Schema = Record<string, Field<unknown>>;
export type Parsed<S extends Schema> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };
export type Validated<T> = { ok: true; value: T } | { ok: false; message: string };

/** A field that must be present: its rule sees `undefined` and says so. */
export const required = <T>(check: Check<T>): Field<T> => ({ check });
/** A field that may be absent; then it is `fallback`. */
export const optional = <T, F extends T | undefined = undefined>(check: Check<T>, fallback?: F): Field<T | F> => ({
  check,
  absent: { value: fallback as F }
});

export function validate<S extends Schema>(schema: S, body: Readonly<Record<string, unknown>>): Validated<Parsed<S>> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(schema)) {
    const value = body[name];
    if (value === undefined && field.absent) {
      out[name] = field.absent.value;
      continue;
    }
    const r = field.check(value, name, out);
    if (r instanceof Invalid) return { ok: false, message: r.message };
    out[name] = r;
  }
  return { ok: true, value: out as Parsed<S> };
}

const got = (v: unknown) => (v === undefined ? 'nothing' : typeof v);

/** One of a fixed list of strings. */
export const oneOf =
  <T extends string>(values: readonly T[]): Check<T> =>
  (v, name) =>
    typeof v === 'string' && values.includes(v as T)
      ? (v as T)
      : new Invalid(`${name}: expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);

export interface BytesRule {
  /** an exact length; a function of the fields before it when it depends on one */
  exact?: number | ((earlier: Readonly<Record<string, unknown>>) => number);
  min?: number;
  max?: number;
  /** whole 16-byte blocks (SP 800-38A: CBC works on whole blocks) */
  blocks?: boolean;
}

/** Base64 text of an exact length, or of whole blocks within [min, max] bytes. */
export const base64Bytes =
  (rule: BytesRule): Check<Uint8Array> =>
  (v, name, earlier) => {
    if (typeof v !== 'string') return new Invalid(`${name}: expected base64 text, got ${got(v)}`);
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(v, name);
    } catch (err) {
      return new Invalid((err as Error).message);
    }
    const exact = typeof rule.exact === 'function' ? rule.exact(earlier) : rule.exact;
    if (exact !== undefined && bytes.length !== exact)
      return new Invalid(`${name}: expected ${exact} bytes, got ${bytes.length}`);
    if (rule.min !== undefined && bytes.length < rule.min)
      return new Invalid(`${name}: expected at least ${rule.min} bytes, got ${bytes.length}`);
    if (rule.max !== undefined && bytes.length > rule.max)
      return new Invalid(`${name}: expected at most ${rule.max} bytes, got ${bytes.length}`);
    if (rule.blocks && bytes.length % 16 !== 0)
      return new Invalid(`${name}: expected whole 16-byte blocks, got ${bytes.length} bytes`);
    return bytes;
  };

/** A string, then the string's own checks in order (each returns a message or null). */
export const text =
  (...checks: ((s: string, name: string) => string | null)[]): Check<string> =>
  (v, name) => {
    if (typeof v !== 'string') return new Invalid(`${name}: expected a string, got ${got(v)}`);
    for (const c of checks) {
      const m = c(v, name);
      if (m !== null) return new Invalid(m);
    }
    return v;
  };
