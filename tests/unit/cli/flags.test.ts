// server/cli/flags.ts: one declaration gives the parsing, the usage line and the options of --help.
// Expected values are written by hand from the rules in the file's comments (and the old hand
// parser's messages, which the CLI tests also hold).
import { describe, expect, it } from 'vitest';
import { UsageError, optionsHelp, parseFlags, usageLine, type Flag } from '../../../server/cli/flags.ts';
import { CodedError } from '../../../src/lib/errors/coded-error.ts';

const FLAGS: readonly Flag[] = [
  { name: 'key', type: 'string', valueName: '<hex>', required: true, help: ['the key'] },
  { name: 'key-file', type: 'string', valueName: '<path>', alternative: true, help: ['a file'] },
  {
    name: 'in',
    type: 'string',
    choices: ['utf8', 'hex'],
    default: 'utf8',
    help: ['how TEXT is written', 'second line']
  },
  { name: 'host', type: 'string', valueName: '<addr>', synopsis: '127.0.0.1', help: ['where'] },
  { name: 'json', type: 'boolean', help: ['as JSON'] }
];

function usageError(argv: string[]): UsageError {
  try {
    parseFlags(argv, FLAGS);
  } catch (err) {
    return err as UsageError;
  }
  throw new Error(`no error for ${JSON.stringify(argv)}`);
}

describe('parseFlags', () => {
  it('values, booleans, defaults, what was given, positionals', () => {
    const f = parseFlags(['--key', 'ab', '--json', 'TEXT', '--host=h'], FLAGS);
    expect(f.values).toEqual({ key: 'ab', host: 'h', in: 'utf8' });
    expect(f.booleans).toEqual({ json: true });
    expect([...f.given].sort()).toEqual(['host', 'json', 'key']);
    expect(f.positionals).toEqual(['TEXT']);
    expect(f.help).toBe(false);
  });

  it('-- ends the options; a value may start with a dash; - alone is an operand', () => {
    expect(parseFlags(['--', '-5', '--json'], FLAGS).positionals).toEqual(['-5', '--json']);
    expect(parseFlags(['--key', '-h'], FLAGS)).toMatchObject({ values: { key: '-h' }, help: false });
    expect(parseFlags(['-'], FLAGS).positionals).toEqual(['-']);
  });

  it('-h and --help anywhere; reading goes on after them, left to right', () => {
    expect(parseFlags(['--key', 'zz', '-h'], FLAGS).help).toBe(true);
    expect(usageError(['--help', '--bogus']).code).toBe('ERR_UNKNOWN_OPTION');
  });

  it('each mistake has its code and message, and is a CodedError', () => {
    const known = 'the options are --key, --key-file, --in, --host, --json, --help';
    const cases: [string[], string, string][] = [
      [['--bogus=1'], 'ERR_UNKNOWN_OPTION', `unknown option --bogus; ${known}`],
      [['-5'], 'ERR_UNKNOWN_OPTION', `unknown option -5; ${known} (to pass text that starts with -, put -- before it)`],
      [['-hh'], 'ERR_UNKNOWN_OPTION', `unknown option -hh; ${known}`],
      [['-k'], 'ERR_UNKNOWN_OPTION', `unknown option -k; ${known}`],
      [['--key', 'a', '--key=b'], 'ERR_REPEATED_OPTION', '--key given more than once; give it once'],
      [['--json=yes'], 'ERR_BAD_OPTION_VALUE', '--json takes no value, got --json=yes'],
      [['--key'], 'ERR_MISSING_VALUE', '--key needs a value'],
      [['--in', 'latin1'], 'ERR_BAD_OPTION_VALUE', '--in: expected utf8 or hex, got "latin1"']
    ];
    for (const [argv, code, message] of cases) {
      const err = usageError(argv);
      expect(err, JSON.stringify(argv)).toBeInstanceOf(CodedError);
      expect({ code: err.code, message: err.message }).toEqual({ code, message });
    }
  });
});

describe('usageLine and optionsHelp', () => {
  it('the usage line: required flags bare, alternatives in one bracket, the synopsis value, the operands', () => {
    expect(usageLine(FLAGS, '[TEXT]')).toBe(
      '--key <hex> | --key-file <path> [--in utf8|hex] [--host 127.0.0.1] [--json] [TEXT]'
    );
  });

  it('the options: descriptions from the column on, a head too wide on a line of its own, -h last', () => {
    expect(optionsHelp(FLAGS, 18)).toBe(
      [
        '  --key <hex>     the key',
        '  --key-file <path>',
        '                  a file',
        '  --in utf8|hex   how TEXT is written',
        '                  second line',
        '  --host <addr>   where',
        '  --json          as JSON',
        '  -h, --help      this text'
      ].join('\n')
    );
  });
});
