// `cbc-lab decrypt`: the wire form IV ‖ ciphertext back to the plaintext, the padding checked
// strictly (every PKCS#7 pad byte, RFC 5652 §6.3), written exactly as `openssl enc -d` does.
import {
  CryptoError,
  bytesToHex,
  bytesToUtf8,
  checkKey,
  decodeText,
  decryptTrace,
  paddingError,
  splitWire,
  type Padding
} from '../../../src/lib/crypto/index.ts';
import { defineCommand, flagsOrHelp, type Command } from '../command.ts';
import type { Flag } from '../flags.ts';
import { EXIT_DATA, EXIT_OK, errorLine } from '../io.ts';
import {
  EXIT_HELP,
  KEY_HEX_FLAG,
  checkJsonInput,
  inputText,
  jsonHelp,
  keyFrom,
  printJson,
  readInput,
  reportFailure
} from '../trace-io.ts';

const FLAGS: readonly Flag[] = [
  KEY_HEX_FLAG,
  {
    name: 'in',
    type: 'string',
    choices: ['base64', 'hex'],
    default: 'base64',
    help: ['how WIRE is written (default base64; line breaks and spaces are skipped)']
  },
  {
    name: 'out',
    type: 'string',
    choices: ['utf8', 'hex'],
    default: 'utf8',
    help: ['how the plaintext is printed (default utf8)']
  },
  {
    name: 'padding',
    type: 'string',
    choices: ['pkcs7', 'none'],
    default: 'pkcs7',
    help: ['PKCS#7 (default) or none: print every decrypted byte, pad included']
  },
  {
    name: 'json',
    type: 'boolean',
    help: jsonHelp('WIRE', [
      "print the whole trace as JSON instead, including the padding check's",
      'outcome; with bad padding the trace is still printed and the status is 1'
    ])
  }
];

export const command: Command = defineCommand(
  {
    name: 'decrypt',
    summary: 'decrypt base64(IV ‖ ciphertext) (or stdin) with AES-CBC; prints the plaintext',
    flags: FLAGS,
    operands: '[WIRE]',
    helpColumn: 23,
    description: `Decrypt the wire form IV ‖ ciphertext (what \`cbc-lab encrypt\` prints) with AES-CBC
(SP 800-38A §6.2) and check the padding strictly (every PKCS#7 pad byte, RFC 5652 §6.3).`,
    epilog: `WIRE comes from the argument or, when there is none, from standard input (white space around
it is trimmed). The first 16 bytes are the IV. With --out utf8 the plaintext bytes are written
exactly as decrypted, like \`openssl enc -d\` (a newline is added only on a terminal); bytes that
are not UTF-8 are an error (ERR_BAD_UTF8): use --out hex to see them.
${EXIT_HELP}`
  },
  async (argv, io) => {
    try {
      const flags = flagsOrHelp(argv, command, io);
      if (!flags) return EXIT_OK;
      const json = flags.booleans.json === true;
      const key = keyFrom(flags.values.key);
      checkKey(key);
      const input = await readInput(flags.positionals, io, 'WIRE', json);
      checkJsonInput(input, json, 'decrypt');
      const text = inputText(input).trim();
      const { iv, ciphertext } = splitWire(decodeText(text, flags.values.in as 'base64' | 'hex', 'WIRE'));

      const trace = decryptTrace({ key, iv, ciphertext, padding: flags.values.padding as Padding });
      if (json) {
        printJson(io, trace);
        if (!trace.padding.ok) {
          io.stderr.write(errorLine(paddingError(trace.padding.check)));
          return EXIT_DATA;
        }
        return EXIT_OK;
      }
      if (!trace.padding.ok) throw paddingError(trace.padding.check);
      const plaintext = trace.plaintext!;
      if (flags.values.out === 'hex') {
        io.stdout.write(bytesToHex(plaintext) + '\n');
      } else {
        bytesToUtf8(plaintext, 'plaintext'); // throws ERR_BAD_UTF8 naming the byte
        io.stdout.write(plaintext);
        if (io.stdout.isTTY && plaintext.length > 0 && plaintext[plaintext.length - 1] !== 10) io.stdout.write('\n');
      }
      return EXIT_OK;
    } catch (err) {
      if (err instanceof CryptoError && err.code === 'ERR_BAD_UTF8') {
        // The engine's hint ("show the bytes as hex") becomes the flag that does it here.
        const line = errorLine(err);
        const hint = 'run again with --out hex to see the bytes';
        io.stderr.write(
          line.includes('show the bytes as hex instead')
            ? line.replace('show the bytes as hex instead', hint)
            : line.replace(/\n$/, `; ${hint}\n`)
        );
        return EXIT_DATA;
      }
      return reportFailure(err, io, command);
    }
  }
);
