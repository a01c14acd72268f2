// Where `cbc-lab server` and `cbc-lab client` get the pre-shared key (docs/protocol.md §4.1–4.2):
// --key <hex>, --key-file <path> or the environment variable CBC_LAB_KEY, in that order of
// precedence, read one way for both commands. A key file can hold hex text or the raw key bytes;
// when its content is a key both ways (32 hex digits are a 16-byte key as hex and a 32-byte key as
// raw bytes, as a seed's KEY = b"0123456789abcdef0123456789abcdef" saved to a file is) the user
// says which with --key-format, instead of CBC Lab guessing a key size the peer does not use.
import { readFileSync } from 'node:fs';
import { hexToBytes } from '../../src/lib/crypto/bytes.ts';
import { isAesKeyLength } from '../../src/lib/crypto/key-length.ts';
import { UsageError, type Flag, type ParsedFlags, type UsageErrorCode } from './flags.ts';

/** Hex by default, --key-format raw for the raw characters; unlike --key, not shown by `ps`. */
export const KEY_ENV = 'CBC_LAB_KEY';

/** The key flags of both commands, declared once. */
export const KEY_FLAGS: readonly Flag[] = [
  {
    name: 'key',
    type: 'string',
    valueName: '<hex>',
    help: [
      'the pre-shared key, the same on the server and every client: 16, 24 or',
      '32 bytes as hex (AES-128/192/256); `ps` shows it: prefer the two below'
    ]
  },
  {
    name: 'key-file',
    type: 'string',
    valueName: '<path>',
    alternative: true,
    help: [
      'read the key from a file: hex text, or the 16, 24 or 32 raw bytes (a text',
      'file is read without one final line end, as `echo` writes); 16, 24 or 32',
      'hex digits are refused (ERR_AMBIGUOUS_KEY) until --key-format says which:',
      '32 hex digits are AES-128 as hex, AES-256 as raw characters; 64 hex',
      'digits (`openssl rand -hex 32 > key.txt`) are only AES-256: never refused'
    ]
  },
  {
    name: 'key-format',
    type: 'string',
    choices: ['hex', 'raw'],
    help: [`how to read --key-file and ${KEY_ENV}: hex digits, or the raw bytes`]
  }
];

export type KeyFormat = 'hex' | 'raw';

export interface ResolvedKey {
  key: Uint8Array;
  /** where it came from and how it was read: `--key-file key.txt read as raw bytes` */
  source: string;
}

const SIZES_TEXT = '16, 24 or 32 bytes (32, 48 or 64 hex digits)';
const MAKE_ONE = 'make one with `openssl rand -hex 32`';

function usage(code: UsageErrorCode, message: string): UsageError {
  return new UsageError(code, message);
}

const aes = (n: number) => `AES-${n * 8}`;

/** `key: AES-256 (32 bytes, from --key-file key.txt read as raw bytes)`, for stderr at start-up. */
export function keyLine(r: ResolvedKey): string {
  return `key: ${aes(r.key.length)} (${r.key.length} bytes, from ${r.source})\n`;
}

type Reading = { ok: true; key: Uint8Array; note: string } | { ok: false; problem: string };

/**
 * The hex reading: hex digits, white space anywhere ignored. `problem` says what it is instead of a
 * key; `looksHex` whether every other character was a hex digit (then it is hex text, whatever size).
 */
function hexReading(text: string, what: string): Reading & { looksHex: boolean } {
  const digits = text.replace(/[\t\n\v\f\r ]/g, '');
  if (digits.length === 0) return { ok: false, problem: 'no hex digits', looksHex: false };
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(text, what);
  } catch (err) {
    const looksHex = /^[0-9a-fA-F]+$/.test(digits); // an odd number of digits: hex text, cut short
    return { ok: false, problem: (err as Error).message.replace(`${what}: `, ''), looksHex };
  }
  if (!isAesKeyLength(bytes.length))
    return { ok: false, problem: `${digits.length} hex digits are ${bytes.length} bytes, not a key`, looksHex: true };
  return { ok: true, key: bytes, note: '', looksHex: true };
}

/**
 * The raw reading: the bytes themselves. A text file (printable ASCII and tabs) is read without
 * one final line end, `\n` or `\r\n`, because `echo KEY > key.txt` writes one; a binary file (any
 * other byte) is taken byte for byte, so a random key that happens to end in 0x0a stays whole.
 */
function rawReading(bytes: Uint8Array): Reading & { dropped: boolean } {
  let end = bytes.length;
  let dropped = false;
  if (end > 0 && bytes[end - 1] === 0x0a) {
    const body = end - (end > 1 && bytes[end - 2] === 0x0d ? 2 : 1);
    let text = true;
    for (let i = 0; i < body && text; i++) text = bytes[i] === 0x09 || (bytes[i] >= 0x20 && bytes[i] <= 0x7e);
    if (text) {
      end = body;
      dropped = true;
    }
  }
  const key = bytes.slice(0, end);
  if (!isAesKeyLength(key.length))
    return {
      ok: false,
      problem: `${key.length} bytes${dropped ? ' without the final line end' : ''}, not a key`,
      dropped
    };
  return { ok: true, key, note: dropped ? ', the final line end left out' : '', dropped };
}

/** How a key file's bytes make a key (exported for tests); throws a UsageError that says why not. */
export function keyFromFileBytes(bytes: Uint8Array, file: string, format?: KeyFormat): ResolvedKey {
  const from = `--key-file ${file}`;
  if (bytes.length === 0)
    throw usage(
      'ERR_BAD_OPTION_VALUE',
      `--key-file: ${file} is empty; put a key in it, e.g. \`openssl rand -hex 32 > ${file}\``
    );
  const text = Buffer.from(bytes).toString('latin1');
  const hex = hexReading(text, file);
  const raw = rawReading(bytes);
  if (format === 'hex') {
    if (!hex.ok)
      throw usage(
        'ERR_BAD_OPTION_VALUE',
        `--key-file: expected ${SIZES_TEXT} with --key-format hex, got ${file}: ${hex.problem}`
      );
    return { key: hex.key, source: `${from} read as hex` };
  }
  if (format === 'raw') {
    if (!raw.ok)
      throw usage(
        'ERR_BAD_OPTION_VALUE',
        `--key-file: expected 16, 24 or 32 raw bytes with --key-format raw, got ${file}: ${raw.problem}`
      );
    return { key: raw.key, source: `${from} read as raw bytes${raw.note}` };
  }
  // No --key-format: hex text that is also a key as raw characters reads two ways.
  if (hex.looksHex && raw.ok) {
    const chars = `its ${raw.key.length} characters${raw.dropped ? ' (without the final line end)' : ''}`;
    const asHex = hex.ok
      ? `as hex, ${chars} are a ${hex.key.length}-byte ${aes(hex.key.length)} key`
      : `as hex, ${chars} are ${raw.key.length / 2} bytes, too short for AES`;
    throw usage(
      'ERR_AMBIGUOUS_KEY',
      `--key-file ${file} reads two ways: ${asHex}; as raw bytes, they are a ${raw.key.length}-byte ${aes(raw.key.length)} key ` +
        `(as a seed's KEY = b"…" saved to a file is). Add --key-format hex or --key-format raw, whichever the other side uses`
    );
  }
  if (hex.ok) return { key: hex.key, source: `${from} read as hex` };
  if (raw.ok) return { key: raw.key, source: `${from} read as raw bytes${raw.note}` };
  const got = hex.looksHex ? hex.problem : `${raw.problem} as raw bytes, and not hex (${hex.problem})`;
  throw usage(
    'ERR_BAD_OPTION_VALUE',
    `--key-file: expected ${SIZES_TEXT} or 16, 24 or 32 raw bytes, got ${file}: ${got}; ${MAKE_ONE}`
  );
}

function keyFromHex(value: string, what: string): Uint8Array {
  let key: Uint8Array;
  try {
    key = hexToBytes(value, what);
  } catch (err) {
    throw usage('ERR_BAD_OPTION_VALUE', (err as Error).message);
  }
  if (!isAesKeyLength(key.length))
    throw usage('ERR_BAD_OPTION_VALUE', `${what}: expected ${SIZES_TEXT}, got ${key.length} bytes; ${MAKE_ONE}`);
  return key;
}

/**
 * The key of `cbc-lab server` and `cbc-lab client`: --key <hex>, else --key-file <path>, else the
 * environment variable CBC_LAB_KEY (hex, or the raw characters with --key-format raw). Both flags
 * at once is a usage error; the environment variable only counts when neither flag is given.
 */
export function resolveKey(f: ParsedFlags, env: Record<string, string | undefined>): ResolvedKey {
  const hex = f.values.key;
  const file = f.values['key-file'];
  const format = f.values['key-format'] as KeyFormat | undefined;
  const envValue = env[KEY_ENV];
  if (hex !== undefined && file !== undefined)
    throw usage('ERR_CONFLICTING_OPTIONS', 'give either --key or --key-file, not both');
  const unused =
    envValue !== undefined && envValue !== '' && (hex !== undefined || file !== undefined)
      ? `; ${KEY_ENV} is set too and not used`
      : '';
  if (hex !== undefined) {
    if (format === 'raw') {
      throw usage(
        'ERR_CONFLICTING_OPTIONS',
        `--key-format raw applies to --key-file and ${KEY_ENV}; --key is always hex. Put the raw characters in a file (--key-file) or in ${KEY_ENV}`
      );
    }
    return { key: keyFromHex(hex, '--key'), source: `--key read as hex${unused}` };
  }
  if (file !== undefined) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why =
        e.code === 'ENOENT'
          ? 'ENOENT (no such file)'
          : e.code === 'EACCES'
            ? 'EACCES (permission denied)'
            : e.code === 'EISDIR'
              ? 'EISDIR (a directory)'
              : (e.code ?? e.message);
      throw usage('ERR_BAD_OPTION_VALUE', `--key-file: cannot read ${file}: ${why}`);
    }
    const r = keyFromFileBytes(new Uint8Array(bytes), file, format);
    return { key: r.key, source: r.source + unused };
  }
  if (envValue === undefined || envValue === '') {
    throw usage(
      'ERR_MISSING_OPTION',
      `a key is needed: --key <hex>, --key-file <path> or the environment variable ${KEY_ENV} (hex)${envValue === '' ? ` (${KEY_ENV} is set but empty)` : ''}; ` +
        `${MAKE_ONE} and give the same key to the server and every client`
    );
  }
  if (format === 'raw') {
    const key = new Uint8Array(Buffer.from(envValue, 'utf8'));
    if (!isAesKeyLength(key.length))
      throw usage(
        'ERR_BAD_OPTION_VALUE',
        `${KEY_ENV}: expected 16, 24 or 32 raw bytes with --key-format raw, got ${key.length} bytes`
      );
    return { key, source: `${KEY_ENV} read as raw bytes` };
  }
  return { key: keyFromHex(envValue, KEY_ENV), source: `${KEY_ENV} read as hex` };
}

/** The environment paragraph of both commands' --help. */
export const KEY_ENV_HELP = `There is no default key: make one with \`openssl rand -hex 32\`.
Environment: ${KEY_ENV} holds the key when neither --key nor --key-file is given: hex,
or with --key-format raw its characters as bytes. Start-up says on stderr which key size is in
use and where it came from, e.g. \`key: AES-128 (16 bytes, from ${KEY_ENV} read as hex)\`.`;
