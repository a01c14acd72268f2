// What `cbc-lab encrypt` and `cbc-lab decrypt` share: reading TEXT or WIRE, the --json limit, the
// trace as JSON, and how a crypto error becomes its report and exit status. The output is the wire
// form of docs/protocol.md, IV ‖ ciphertext, and the ciphertext part equals
// `openssl enc -aes-N-cbc -K … -iv …` byte for byte (tests/integration/cli/openssl.test.ts proves it).
import {
  CryptoError,
  base64Groups,
  bytesToHex,
  hexToBytes,
  type DecryptTrace,
  type EncryptTrace
} from '../../src/lib/crypto/index.ts';
import { CodedError } from '../../src/lib/errors/coded-error.ts';
import { usageReport } from './command.ts';
import { UsageError, type Flag } from './flags.ts';
import { EXIT_DATA, EXIT_USAGE, errorLine, readStdin, type CliIo } from './io.ts';

// Codes that mean "what you typed is malformed" (exit 2) rather than "this data does not
// decrypt" (exit 1): a key or IV of the wrong size, text that is not hex or base64.
const USAGE_CODES = new Set(['ERR_KEY_LENGTH', 'ERR_IV_LENGTH', 'ERR_BAD_HEX', 'ERR_BAD_BASE64']);

/**
 * --json prints every block's four values, the padding and every 3-byte base64 group: about 110
 * bytes of JSON per byte of input, all built in memory (1 MiB gives ~115 MB in ~4 s; 4 MiB ~470 MB
 * and 2.3 GB of memory; past ~4.5 MiB the text is longer than a JavaScript string can be, and
 * 30 MB ran out of heap). So the trace takes at most this much input; without --json any size.
 */
export const MAX_JSON_INPUT_BYTES = 1024 * 1024;

/** The input is larger than --json can trace: exit 1, one line. `actual` is unknown for stdin (read only to the limit). */
export class InputTooLargeError extends CodedError<'ERR_INPUT_TOO_LARGE'> {
  constructor(actual: number | undefined, max: number, command: string) {
    super(
      'ERR_INPUT_TOO_LARGE',
      `--json: expected at most ${max} bytes (${max / (1024 * 1024)} MiB) of input, got ${actual ?? `more than ${max} on standard input`}; the trace would be ${actual ? `about ${formatBytes(actual * 110)}` : `over ${formatBytes(max * 110)}`} of JSON. Drop --json to ${command} large inputs (any size)`,
      { expected: max, actual }
    );
  }
}

function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.round(n / 1e6)} MB`;
}

export interface Input {
  /** the argument, as typed */
  text?: string;
  /** standard input, as read */
  bytes?: Uint8Array;
}

/** TEXT or WIRE: the one argument, else standard input (with --json, read only to one byte past the limit). */
export async function readInput(positionals: string[], io: CliIo, what: string, json: boolean): Promise<Input> {
  if (positionals.length > 1) {
    throw new UsageError(
      'ERR_EXTRA_ARGUMENT',
      `expected one ${what} argument, got ${positionals.length}; quote text that contains spaces`
    );
  }
  if (positionals.length === 1) return { text: positionals[0] };
  if (io.stdin.isTTY) io.stderr.write(`(reading ${what} from standard input; end it with Ctrl-D)\n`);
  return { bytes: await readStdin(io, json ? MAX_JSON_INPUT_BYTES : undefined) };
}

/** The input as text: the argument, or standard input one char per byte (hex and base64 are ASCII). */
export function inputText(input: Input): string {
  return input.text ?? Buffer.from(input.bytes!).toString('latin1');
}

/** Refuse a --json input over the limit before any decoding or tracing. */
export function checkJsonInput(input: Input, json: boolean, command: string): void {
  if (!json) return;
  const size = input.bytes ? input.bytes.length : Buffer.byteLength(input.text ?? '');
  if (size > MAX_JSON_INPUT_BYTES)
    throw new InputTooLargeError(input.bytes ? undefined : size, MAX_JSON_INPUT_BYTES, command);
}

/** encrypt's and decrypt's --key: the AES key as hex. */
export const KEY_HEX_FLAG: Flag = {
  name: 'key',
  type: 'string',
  valueName: '<hex>',
  required: true,
  help: ['16, 24 or 32 bytes as hex (AES-128, -192, -256); spaces allowed']
};

export function keyFrom(hex: string | undefined): Uint8Array {
  if (hex === undefined) throw new UsageError('ERR_MISSING_OPTION', '--key is required: 32, 48 or 64 hex digits');
  return hexToBytes(hex, 'key');
}

/** A key, IV, hex or base64 mistake is the command line's (exit 2, with the usage); the rest is the data's (exit 1). */
export function reportFailure(err: unknown, io: CliIo, command: { name: string; usage: string }): number {
  if (err instanceof UsageError || (err instanceof CryptoError && USAGE_CODES.has(err.code))) {
    io.stderr.write(usageReport(command, err));
    return EXIT_USAGE;
  }
  io.stderr.write(errorLine(err));
  return EXIT_DATA;
}

// --- trace → JSON: bytes as lower-case hex, everything else as is --------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function toJson(value: unknown): Json {
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (Array.isArray(value)) return value.map(toJson);
  // as JSON.stringify does: a trace's blocks are views made when read, listed by their toJSON
  if (typeof (value as { toJSON?: unknown } | null)?.toJSON === 'function')
    return toJson((value as { toJSON(): unknown }).toJSON());
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  return value as Json;
}

export function traceToJson(trace: EncryptTrace | DecryptTrace): Json {
  const json = toJson(trace) as { [k: string]: Json };
  // The 3-byte ↔ 4-character groups of base64(IV ‖ C) (RFC 4648 §4), which the trace computes on demand.
  json.wire = { ...(json.wire as { [k: string]: Json }), groups: toJson(base64Groups(trace.wire.bytes)) };
  return json;
}

export function printJson(io: CliIo, trace: EncryptTrace | DecryptTrace): void {
  io.stdout.write(JSON.stringify(traceToJson(trace), null, 2) + '\n');
}

/** The end of both commands' --help. */
export const EXIT_HELP = `
Exit status:
  0  success
  1  the data cannot be processed: bad padding, ciphertext not whole blocks, a wire form
     shorter than IV + one block, plaintext that is not UTF-8, unpadded input not whole blocks,
     input over 1 MiB with --json
  2  a usage error: unknown option, missing --key, bad hex or base64, a key that is not
     16, 24 or 32 bytes, an IV that is not 16 bytes
Errors are one line on stderr: cbc-lab: CODE: what went wrong; what to check.
`;

/** The --json lines of both commands' --help: the limit is documented where the flag is. */
export function jsonHelp(what: string, first: readonly string[]): string[] {
  return [
    ...first,
    `(for ${what} up to 1 MiB, 1048576 bytes as given: the JSON is ~110 times`,
    'larger; above that ERR_INPUT_TOO_LARGE, exit 1)'
  ];
}
