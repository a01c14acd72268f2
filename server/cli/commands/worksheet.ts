// `cbc-lab worksheet`: questions about one key, IV and message for a class, and their answer key
// (issue 12; docs/quiz.md). A thin shell over src/lib/quiz: the one random thing, the seed when
// none is given, is drawn here; the key, IV and message not given come from the seed.
import {
  IvLengthError,
  bytesToHex,
  checkKey,
  encryptTrace,
  hexToBytes,
  utf8ToBytes
} from '../../../src/lib/crypto/index.ts';
import {
  WORKSHEET_DEFAULT_COUNT,
  WORKSHEET_MAX_TEXT_BYTES,
  MAX_QUESTIONS,
  QUESTION_KINDS,
  formatAnswer,
  questions,
  worksheetInput,
  type Question,
  type QuestionKind
} from '../../../src/lib/quiz/index.ts';
import { defineCommand, flagsOrHelp, type Command } from '../command.ts';
import { UsageError, refuseOperands, type Flag } from '../flags.ts';
import { EXIT_OK } from '../io.ts';
import { escapeTerminalText } from '../terminal-text.ts';
import { reportFailure } from '../trace-io.ts';

/** --text's limit: a worksheet's message, not a file; every flip-effect question decrypts it whole. */
export const MAX_TEXT_BYTES = WORKSHEET_MAX_TEXT_BYTES;
const DEFAULT_COUNT = WORKSHEET_DEFAULT_COUNT;

const FLAGS: readonly Flag[] = [
  {
    name: 'seed',
    type: 'string',
    valueName: 'S',
    help: [
      'any text; the same seed (and key, IV, text) prints the same sheet',
      '(default: a random one, printed on the sheet)'
    ]
  },
  {
    name: 'count',
    type: 'string',
    valueName: 'N',
    help: [`how many questions, 1 to ${MAX_QUESTIONS} (default ${DEFAULT_COUNT}: one of each kind)`]
  },
  {
    name: 'key',
    type: 'string',
    valueName: '<hex>',
    help: ['16, 24 or 32 bytes as hex (default: drawn from the seed, 16 bytes)']
  },
  { name: 'iv', type: 'string', valueName: '<hex>', help: ['16 bytes as hex (default: drawn from the seed)'] },
  {
    name: 'text',
    type: 'string',
    valueName: 'TEXT',
    help: [`the message, UTF-8, at most ${MAX_TEXT_BYTES} bytes (default: one drawn from the seed)`]
  },
  {
    name: 'kinds',
    type: 'string',
    valueName: 'K,K',
    help: ['the kinds to ask, comma-separated (default all):', QUESTION_KINDS.join(', ')]
  },
  {
    name: 'json',
    type: 'boolean',
    help: ['print a JSON array instead, one object per question, answers included']
  },
  { name: 'answers', type: 'boolean', help: ['print the answer key after the questions'] }
];

export const command: Command = defineCommand(
  {
    name: 'worksheet',
    summary: 'print questions about one key, IV and message, with an answer key',
    flags: FLAGS,
    helpColumn: 21,
    description: `Print a worksheet of "predict, then check" questions about AES-CBC (SP 800-38A §6.2) with
PKCS#7 padding (RFC 5652 §6.3): pad length, one XOR byte, a cipher block, the effect of a flipped
bit, the base64 characters of a byte, and a padding verdict. Blocks count from 1 (P₁ is the first
plaintext block, C₀ is the IV), bytes from 0, bit 0 is 0x80. docs/quiz.md explains each kind.`,
    epilog: `The answer key is printed only with --answers, after a line "--- answer key (seed S) ---", so
that the students' copy and the teacher's come from the same command. --json always includes the answers.

A seed gives the same key, IV and message when they are not given, and the same questions:
  cbc-lab worksheet --seed class-7b --count 10 > sheet.txt
  cbc-lab worksheet --seed class-7b --count 10 --answers > key.txt

Exit status: 0 success, 2 a usage error (unknown option, bad --count or --kinds, bad hex,
a key that is not 16, 24 or 32 bytes, an IV that is not 16 bytes, --text too long).
`
  },
  async (argv, io) => {
    try {
      const flags = flagsOrHelp(argv, command, io);
      if (!flags) return EXIT_OK;
      refuseOperands(flags, 'give the message with --text');
      const count = countFrom(flags.values.count);
      const kinds = kindsFrom(flags.values.kinds);
      const key = flags.values.key !== undefined ? hexToBytes(flags.values.key, 'key') : undefined;
      if (key) checkKey(key);
      const iv = flags.values.iv !== undefined ? hexToBytes(flags.values.iv, 'iv') : undefined;
      if (iv && iv.length !== 16) throw new IvLengthError(iv.length);
      const plaintext = flags.values.text !== undefined ? utf8ToBytes(flags.values.text) : undefined;
      if (plaintext && plaintext.length > MAX_TEXT_BYTES)
        throw new UsageError(
          'ERR_BAD_OPTION_VALUE',
          `--text: expected at most ${MAX_TEXT_BYTES} bytes, got ${plaintext.length}; a worksheet asks about a short message`,
          { expected: `at most ${MAX_TEXT_BYTES}`, actual: plaintext.length }
        );
      // The shell's one random draw (the core reads no randomness): 8 hex digits a teacher can copy.
      const seed = flags.values.seed ?? bytesToHex(crypto.getRandomValues(new Uint8Array(4)));
      const input = worksheetInput(seed, { key, iv, plaintext });
      const trace = encryptTrace(input);
      const sheet = questions(trace, { seed, count, kinds });
      if (flags.booleans.json) {
        const common = {
          seed,
          key: bytesToHex(input.key),
          iv: bytesToHex(input.iv),
          plaintext: bytesToHex(input.plaintext)
        };
        io.stdout.write(
          JSON.stringify(
            sheet.map((q, n) => ({ number: n + 1, ...q, ...common })),
            null,
            2
          ) + '\n'
        );
      } else {
        io.stdout.write(printed(seed, flags.given, input, trace.keySize, sheet, flags.booleans.answers === true));
      }
      return EXIT_OK;
    } catch (err) {
      return reportFailure(err, io, command);
    }
  }
);

function countFrom(value: string | undefined): number {
  if (value === undefined) return DEFAULT_COUNT;
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n >= 1 && n <= MAX_QUESTIONS))
    throw new UsageError(
      'ERR_BAD_OPTION_VALUE',
      `--count: expected a whole number from 1 to ${MAX_QUESTIONS}, got ${JSON.stringify(value)}`,
      { expected: `1 to ${MAX_QUESTIONS}`, actual: value }
    );
  return n;
}

function kindsFrom(value: string | undefined): QuestionKind[] {
  if (value === undefined) return [...QUESTION_KINDS];
  const kinds = value.split(',').map((k) => k.trim());
  for (const k of kinds) {
    if (!(QUESTION_KINDS as readonly string[]).includes(k))
      throw new UsageError(
        'ERR_BAD_OPTION_VALUE',
        `--kinds: expected kinds from ${QUESTION_KINDS.join(', ')}, got ${JSON.stringify(k)}`,
        { expected: QUESTION_KINDS.join(', '), actual: k }
      );
  }
  return kinds as QuestionKind[];
}

/**
 * A shell word that prints safely: plain, in single quotes (a quote inside written '\''), or, when
 * it holds characters a terminal acts on, bash's $'…' with escapeTerminalText's \n, \xHH, \uHHHH.
 */
function shellWord(text: string): string {
  if (/^[\w.,:=/@%+-]+$/.test(text)) return text;
  const backslashless = text.replace(/\\/g, '');
  if (escapeTerminalText(backslashless) === backslashless) return `'${text.replace(/'/g, `'\\''`)}'`;
  return `$'${escapeTerminalText(text).replace(/'/g, "\\'")}'`;
}

function printed(
  seed: string,
  given: ReadonlySet<string>,
  input: { key: Uint8Array; iv: Uint8Array; plaintext: Uint8Array },
  keySize: number,
  sheet: Question[],
  answers: boolean
): string {
  // what repeats this sheet: the seed, and whatever did not come from it
  const again = ['cbc-lab worksheet', '--seed', shellWord(seed)];
  if (given.has('count')) again.push('--count', String(sheet.length));
  if (given.has('key')) again.push('--key', bytesToHex(input.key));
  if (given.has('iv')) again.push('--iv', bytesToHex(input.iv));
  if (given.has('text')) again.push('--text', shellWord(new TextDecoder().decode(input.plaintext)));
  if (given.has('kinds')) again.push('--kinds', [...new Set(sheet.map((q) => q.kind))].join(','));
  const text = new TextDecoder().decode(input.plaintext);
  const lines = [
    `CBC Lab worksheet, seed ${escapeTerminalText(seed)}`,
    `(the same sheet again: ${again.join(' ')})`,
    '',
    `AES-${keySize}-CBC with PKCS#7 padding`,
    `  key         ${bytesToHex(input.key)}`,
    `  IV (C₀)     ${bytesToHex(input.iv)}`,
    `  plaintext   "${escapeTerminalText(text)}" (${input.plaintext.length} bytes)`,
    `              ${bytesToHex(input.plaintext)}`,
    'Blocks count from 1 (P₁ is the first plaintext block, C₀ is the IV); bytes count from 0; bit 0 is 0x80.',
    ''
  ];
  sheet.forEach((q, n) => lines.push(`${n + 1}. ${q.question}`, ''));
  if (answers) {
    lines.push(`--- answer key (seed ${escapeTerminalText(seed)}) ---`, '');
    sheet.forEach((q, n) => lines.push(`${n + 1}. [${q.kind}] ${formatAnswer(q)}`, `   ${q.explanation}`, ''));
  }
  return lines.join('\n');
}
