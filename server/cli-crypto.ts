// `cbc-lab encrypt` and `cbc-lab decrypt`: a thin shell over the trace engine. The output is
// the wire form of docs/protocol.md, IV ‖ ciphertext, and the ciphertext part equals
// `openssl enc -aes-N-cbc -K … -iv …` byte for byte (tests/integration/cli/openssl.test.ts proves it).
import {
  CryptoError,
  IvLengthError,
  base64Groups,
  bytesToHex,
  bytesToUtf8,
  decodeText,
  checkKey,
  decryptTrace,
  encryptTrace,
  hexToBytes,
  paddingError,
  splitWire,
  type DecryptTrace,
  type EncryptTrace,
  type Padding
} from '../src/lib/crypto/index.ts';
import { EXIT_DATA, EXIT_OK, EXIT_USAGE, UsageError, errorLine, parseFlags, type CliIo, type Command } from './cli.ts';

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

/** The input is larger than --json can trace: exit 1, one line. */
export class InputTooLargeError extends Error {
  readonly code = 'ERR_INPUT_TOO_LARGE';
  constructor(
    readonly actual: number | null,
    readonly max: number,
    command: string
  ) {
    super(
      `--json: expected at most ${max} bytes (${max / (1024 * 1024)} MiB) of input, got ${actual ?? `more than ${max} on standard input`}; the trace would be ${actual ? `about ${formatBytes(actual * 110)}` : `over ${formatBytes(max * 110)}`} of JSON. Drop --json to ${command} large inputs (any size)`
    );
    this.name = 'InputTooLargeError';
  }
}

function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : `${Math.round(n / 1e6)} MB`;
}

/** Refuse a --json input over the limit before any decoding or tracing. */
function checkJsonInput(input: { text?: string; bytes?: Uint8Array }, json: boolean, command: string): void {
  if (!json) return;
  const size = input.bytes ? input.bytes.length : Buffer.byteLength(input.text ?? '');
  // stdin is read only to one byte past the limit: its size is then "more than" the limit
  if (size > MAX_JSON_INPUT_BYTES) throw new InputTooLargeError(input.bytes ? null : size, MAX_JSON_INPUT_BYTES, command);
}

const ENCRYPT_USAGE =
  'cbc-lab encrypt --key <hex> [--iv <hex>] [--in utf8|hex|base64] [--out base64|hex] [--padding pkcs7|none] [--json] [TEXT]';
const DECRYPT_USAGE =
  'cbc-lab decrypt --key <hex> [--in base64|hex] [--out utf8|hex] [--padding pkcs7|none] [--json] [WIRE]';

const COMMON_HELP = `
Exit status:
  0  success
  1  the data cannot be processed: bad padding, ciphertext not whole blocks, a wire form
     shorter than IV + one block, plaintext that is not UTF-8, unpadded input not whole blocks,
     input over 1 MiB with --json
  2  a usage error: unknown option, missing --key, bad hex or base64, a key that is not
     16, 24 or 32 bytes, an IV that is not 16 bytes
Errors are one line on stderr: cbc-lab: CODE: what went wrong; what to check.
`;

const ENCRYPT_HELP = `usage: ${ENCRYPT_USAGE}

Encrypt with AES-128/192/256-CBC (SP 800-38A §6.2); the key size follows the key's length.
Prints the wire form IV ‖ ciphertext on one line: base64 (default) or hex.

Options:
  --key <hex>          16, 24 or 32 bytes as hex (AES-128, -192, -256); spaces allowed
  --iv <hex>           16 bytes as hex; without it a random IV from crypto.getRandomValues
                       (it is the first 16 bytes of the output, so the receiver has it)
  --in utf8|hex|base64 how TEXT is written (default utf8)
  --out base64|hex     how the wire form is printed (default base64)
  --padding pkcs7|none PKCS#7, RFC 5652 §6.3 (default), or none: the input must then be
                       a multiple of 16 bytes (like openssl -nopad)
  --json               print the whole trace as JSON instead: every block's plaintext,
                       chain input, XOR and cipher block, the padding and the base64 groups
                       (for TEXT up to 1 MiB, 1048576 bytes as given: the JSON is ~110 times
                       larger; above that ERR_INPUT_TOO_LARGE, exit 1)
  -h, --help           this text

TEXT comes from the argument or, when there is none, from standard input. Standard input is
taken as-is, like \`openssl enc\` does: with --in utf8 its raw bytes are encrypted, a trailing
newline included (use \`printf\` or \`echo -n\` to leave it out); with --in hex or base64 white
space is skipped. Put -- before a TEXT that starts with -.

Same bytes as OpenSSL (the ciphertext is the output after its first 16 bytes):
  cbc-lab encrypt --key 000102030405060708090a0b0c0d0e0f --iv 00112233445566778899aabbccddeeff hello
  printf hello | openssl enc -aes-128-cbc -K 000102030405060708090a0b0c0d0e0f -iv 00112233445566778899aabbccddeeff -a -A
${COMMON_HELP}`;

const DECRYPT_HELP = `usage: ${DECRYPT_USAGE}

Decrypt the wire form IV ‖ ciphertext (what \`cbc-lab encrypt\` prints) with AES-CBC
(SP 800-38A §6.2) and check the padding strictly (every PKCS#7 pad byte, RFC 5652 §6.3).

Options:
  --key <hex>          16, 24 or 32 bytes as hex (AES-128, -192, -256); spaces allowed
  --in base64|hex      how WIRE is written (default base64; line breaks and spaces are skipped)
  --out utf8|hex       how the plaintext is printed (default utf8)
  --padding pkcs7|none PKCS#7 (default) or none: print every decrypted byte, pad included
  --json               print the whole trace as JSON instead, including the padding check's
                       outcome; with bad padding the trace is still printed and the status is 1
                       (for WIRE up to 1 MiB, 1048576 bytes as given: the JSON is ~110 times
                       larger; above that ERR_INPUT_TOO_LARGE, exit 1)
  -h, --help           this text

WIRE comes from the argument or, when there is none, from standard input (white space around
it is trimmed). The first 16 bytes are the IV. With --out utf8 the plaintext bytes are written
exactly as decrypted, like \`openssl enc -d\` (a newline is added only on a terminal); bytes that
are not UTF-8 are an error (ERR_BAD_UTF8): use --out hex to see them.
${COMMON_HELP}`;

// --- trace → JSON: bytes as lower-case hex, everything else as is --------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function toJson(value: unknown): Json {
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (Array.isArray(value)) return value.map(toJson);
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

// --- shared -------------------------------------------------------------------------------

async function readInput(positionals: string[], io: CliIo, what: string, maxBytes?: number): Promise<{ text?: string; bytes?: Uint8Array }> {
  if (positionals.length > 1) {
    throw new UsageError(
      'ERR_EXTRA_ARGUMENT',
      `expected one ${what} argument, got ${positionals.length}; quote text that contains spaces`
    );
  }
  if (positionals.length === 1) return { text: positionals[0] };
  if (io.stdinIsTTY) io.stderr(`(reading ${what} from standard input; end it with Ctrl-D)\n`);
  return { bytes: await io.readStdin(maxBytes) };
}

function keyFrom(hex: string | undefined): Uint8Array {
  if (hex === undefined) throw new UsageError('ERR_MISSING_OPTION', '--key is required: 32, 48 or 64 hex digits');
  return hexToBytes(hex, 'key');
}

/** Translate a CryptoError into the one-line report and its exit status. */
function fail(err: unknown, io: CliIo, usage: string, name: string): number {
  if (err instanceof InputTooLargeError) {
    io.stderr(`cbc-lab: ${err.code}: ${err.message}\n`);
    return EXIT_DATA;
  }
  if (err instanceof UsageError || (err instanceof CryptoError && USAGE_CODES.has(err.code))) {
    io.stderr(errorLine(err));
    io.stderr(`\nusage: ${usage}\nRun \`cbc-lab ${name} --help\` for details.\n`);
    return EXIT_USAGE;
  }
  io.stderr(errorLine(err));
  return EXIT_DATA;
}

function printJson(io: CliIo, trace: EncryptTrace | DecryptTrace): void {
  io.stdout(JSON.stringify(traceToJson(trace), null, 2) + '\n');
}

// --- encrypt ------------------------------------------------------------------------------

export const encryptCommand: Command = {
  name: 'encrypt',
  summary: 'encrypt TEXT (or stdin) with AES-CBC; prints base64(IV ‖ ciphertext)',
  usage: ENCRYPT_USAGE,
  help: ENCRYPT_HELP,
  async run(argv, io) {
    try {
      const flags = parseFlags(argv, {
        values: { key: null, iv: null, in: ['utf8', 'hex', 'base64'], out: ['base64', 'hex'], padding: ['pkcs7', 'none'] },
        booleans: ['json']
      });
      if (flags.help) {
        io.stdout(ENCRYPT_HELP);
        return EXIT_OK;
      }
      const key = keyFrom(flags.values.key);
      // A random IV is the caller's job (the engine reads no randomness): Web Crypto, not forge.
      const iv = flags.values.iv !== undefined ? hexToBytes(flags.values.iv, 'iv') : crypto.getRandomValues(new Uint8Array(16));
      const inEnc = (flags.values.in ?? 'utf8') as 'utf8' | 'hex' | 'base64';
      const padding = (flags.values.padding ?? 'pkcs7') as Padding;
      // Check the key and IV before waiting on stdin, so a typo fails at once.
      checkKey(key);
      if (iv.length !== 16) throw new IvLengthError(iv.length);
      const input = await readInput(flags.positionals, io, 'TEXT', flags.booleans.json === true ? MAX_JSON_INPUT_BYTES : undefined);
      checkJsonInput(input, flags.booleans.json === true, 'encrypt');
      let plaintext: Uint8Array;
      if (input.text !== undefined) plaintext = decodeText(input.text, inEnc, 'TEXT');
      else if (inEnc === 'utf8') plaintext = input.bytes!; // as-is, like openssl enc
      else plaintext = decodeText(Buffer.from(input.bytes!).toString('latin1'), inEnc, 'stdin');

      const trace = encryptTrace({ key, iv, plaintext, padding });
      if (flags.booleans.json) printJson(io, trace);
      else io.stdout((flags.values.out === 'hex' ? bytesToHex(trace.wire.bytes) : trace.wire.base64) + '\n');
      return EXIT_OK;
    } catch (err) {
      return fail(err, io, ENCRYPT_USAGE, 'encrypt');
    }
  }
};

// --- decrypt ------------------------------------------------------------------------------

export const decryptCommand: Command = {
  name: 'decrypt',
  summary: 'decrypt base64(IV ‖ ciphertext) (or stdin) with AES-CBC; prints the plaintext',
  usage: DECRYPT_USAGE,
  help: DECRYPT_HELP,
  async run(argv, io) {
    try {
      const flags = parseFlags(argv, {
        values: { key: null, in: ['base64', 'hex'], out: ['utf8', 'hex'], padding: ['pkcs7', 'none'] },
        booleans: ['json']
      });
      if (flags.help) {
        io.stdout(DECRYPT_HELP);
        return EXIT_OK;
      }
      const key = keyFrom(flags.values.key);
      const inEnc = (flags.values.in ?? 'base64') as 'base64' | 'hex';
      const padding = (flags.values.padding ?? 'pkcs7') as Padding;
      checkKey(key);
      const input = await readInput(flags.positionals, io, 'WIRE', flags.booleans.json === true ? MAX_JSON_INPUT_BYTES : undefined);
      checkJsonInput(input, flags.booleans.json === true, 'decrypt');
      const text = (input.text ?? Buffer.from(input.bytes!).toString('latin1')).trim();
      const { iv, ciphertext } = splitWire(decodeText(text, inEnc, 'WIRE'));

      const trace = decryptTrace({ key, iv, ciphertext, padding });
      if (flags.booleans.json) {
        printJson(io, trace);
        if (!trace.padding.ok) {
          io.stderr(errorLine(paddingError(trace.padding.check)));
          return EXIT_DATA;
        }
        return EXIT_OK;
      }
      if (!trace.padding.ok) throw paddingError(trace.padding.check);
      const plaintext = trace.plaintext!;
      if (flags.values.out === 'hex') {
        io.stdout(bytesToHex(plaintext) + '\n');
      } else {
        bytesToUtf8(plaintext, 'plaintext'); // throws ERR_BAD_UTF8 naming the byte
        io.stdout(plaintext);
        if (io.stdoutIsTTY && plaintext.length > 0 && plaintext[plaintext.length - 1] !== 10) io.stdout('\n');
      }
      return EXIT_OK;
    } catch (err) {
      if (err instanceof CryptoError && err.code === 'ERR_BAD_UTF8') {
        // The engine's hint ("show the bytes as hex") becomes the flag that does it here.
        const line = errorLine(err);
        const hint = 'run again with --out hex to see the bytes';
        io.stderr(line.includes('show the bytes as hex instead') ? line.replace('show the bytes as hex instead', hint) : line.replace(/\n$/, `; ${hint}\n`));
        return EXIT_DATA;
      }
      return fail(err, io, DECRYPT_USAGE, 'decrypt');
    }
  }
};

export const commands: Command[] = [encryptCommand, decryptCommand];
