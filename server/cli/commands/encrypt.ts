// `cbc-lab encrypt`: a thin shell over the trace engine (SP 800-38A §6.2, PKCS#7 RFC 5652 §6.3).
import {
  IvLengthError,
  bytesToHex,
  checkKey,
  decodeText,
  encryptTrace,
  hexToBytes,
  type Padding
} from '../../../src/lib/crypto/index.ts';
import { defineCommand, flagsOrHelp, type Command } from '../command.ts';
import type { Flag } from '../flags.ts';
import { EXIT_OK } from '../io.ts';
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
    name: 'iv',
    type: 'string',
    valueName: '<hex>',
    help: [
      '16 bytes as hex; without it a random IV from crypto.getRandomValues',
      '(it is the first 16 bytes of the output, so the receiver has it)'
    ]
  },
  {
    name: 'in',
    type: 'string',
    choices: ['utf8', 'hex', 'base64'],
    default: 'utf8',
    help: ['how TEXT is written (default utf8)']
  },
  {
    name: 'out',
    type: 'string',
    choices: ['base64', 'hex'],
    default: 'base64',
    help: ['how the wire form is printed (default base64)']
  },
  {
    name: 'padding',
    type: 'string',
    choices: ['pkcs7', 'none'],
    default: 'pkcs7',
    help: [
      'PKCS#7, RFC 5652 §6.3 (default), or none: the input must then be',
      'a multiple of 16 bytes (like openssl -nopad)'
    ]
  },
  {
    name: 'json',
    type: 'boolean',
    help: jsonHelp('TEXT', [
      "print the whole trace as JSON instead: every block's plaintext,",
      'chain input, XOR and cipher block, the padding and the base64 groups'
    ])
  }
];

export const command: Command = defineCommand(
  {
    name: 'encrypt',
    summary: 'encrypt TEXT (or stdin) with AES-CBC; prints base64(IV ‖ ciphertext)',
    flags: FLAGS,
    operands: '[TEXT]',
    helpColumn: 23,
    description: `Encrypt with AES-128/192/256-CBC (SP 800-38A §6.2); the key size follows the key's length.
Prints the wire form IV ‖ ciphertext on one line: base64 (default) or hex.`,
    epilog: `TEXT comes from the argument or, when there is none, from standard input. Standard input is
taken as-is, like \`openssl enc\` does: with --in utf8 its raw bytes are encrypted, a trailing
newline included (use \`printf\` or \`echo -n\` to leave it out); with --in hex or base64 white
space is skipped. Put -- before a TEXT that starts with -.

Same bytes as OpenSSL (the ciphertext is the output after its first 16 bytes):
  cbc-lab encrypt --key 000102030405060708090a0b0c0d0e0f --iv 00112233445566778899aabbccddeeff hello
  printf hello | openssl enc -aes-128-cbc -K 000102030405060708090a0b0c0d0e0f -iv 00112233445566778899aabbccddeeff -a -A
${EXIT_HELP}`
  },
  async (argv, io) => {
    try {
      const flags = flagsOrHelp(argv, command, io);
      if (!flags) return EXIT_OK;
      const json = flags.booleans.json === true;
      const key = keyFrom(flags.values.key);
      // A random IV is the caller's job (the engine reads no randomness): Web Crypto, not forge.
      const iv =
        flags.values.iv !== undefined ? hexToBytes(flags.values.iv, 'iv') : crypto.getRandomValues(new Uint8Array(16));
      const inEnc = flags.values.in as 'utf8' | 'hex' | 'base64';
      // Check the key and IV before waiting on stdin, so a typo fails at once.
      checkKey(key);
      if (iv.length !== 16) throw new IvLengthError(iv.length);
      const input = await readInput(flags.positionals, io, 'TEXT', json);
      checkJsonInput(input, json, 'encrypt');
      let plaintext: Uint8Array;
      if (input.text !== undefined) plaintext = decodeText(input.text, inEnc, 'TEXT');
      else if (inEnc === 'utf8')
        plaintext = input.bytes!; // as-is, like openssl enc
      else plaintext = decodeText(inputText(input), inEnc, 'stdin');

      const trace = encryptTrace({ key, iv, plaintext, padding: flags.values.padding as Padding });
      if (json) printJson(io, trace);
      else io.stdout.write((flags.values.out === 'hex' ? bytesToHex(trace.wire.bytes) : trace.wire.base64) + '\n');
      return EXIT_OK;
    } catch (err) {
      return reportFailure(err, io, command);
    }
  }
);
