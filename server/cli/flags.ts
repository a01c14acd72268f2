// A command's flags, declared once: `node:util` parseArgs reads the command line from the
// declaration, and the usage line and the options part of --help are written from it too.
// parseArgs runs non-strict and we walk its tokens ourselves, left to right, so that every mistake
// gets our own code and message (docs/errors.md, "Command line") instead of Node's wording.
import { parseArgs } from 'node:util';
import { CodedError } from '../../src/lib/errors/coded-error.ts';

export type UsageErrorCode =
  | 'ERR_UNKNOWN_COMMAND'
  | 'ERR_UNKNOWN_OPTION'
  | 'ERR_MISSING_VALUE'
  | 'ERR_MISSING_OPTION'
  | 'ERR_BAD_OPTION_VALUE'
  | 'ERR_REPEATED_OPTION'
  | 'ERR_EXTRA_ARGUMENT'
  /** a key file that reads as a key two ways (hex text and raw bytes): --key-format chooses */
  | 'ERR_AMBIGUOUS_KEY'
  /** flags that cannot go together (--key with --key-file, --key with --key-format raw) */
  | 'ERR_CONFLICTING_OPTIONS';

/** A mistake on the command line: reported with the usage and exit status 2. */
export class UsageError extends CodedError<UsageErrorCode> {}

export interface Flag {
  /** the long name, without the dashes */
  name: string;
  type: 'string' | 'boolean';
  /** the only values allowed (a string flag) */
  choices?: readonly string[];
  /** the value when the flag is not given */
  default?: string;
  /** the value's name in --help, e.g. `<hex>` (default: the choices joined by `|`) */
  valueName?: string;
  /** the value as the usage line shows it, e.g. the default `127.0.0.1` (default: valueName) */
  synopsis?: string;
  /** shown without brackets in the usage line (the command checks that it is there, in its own words) */
  required?: boolean;
  /** shares one bracket with the flag before it, as its alternative: `[--key <hex> | --key-file <path>]` */
  alternative?: boolean;
  /** the description in --help, one string per line */
  help: readonly string[];
}

export interface ParsedFlags {
  /** the string flags given, and the defaults of those not given */
  values: Record<string, string | undefined>;
  booleans: Record<string, boolean>;
  /** the flags that were on the command line */
  given: ReadonlySet<string>;
  help: boolean;
  positionals: string[];
}

/** ERR_EXTRA_ARGUMENT for the first operand of a command that takes none; `hint` says what to do instead. */
export function refuseOperands(f: ParsedFlags, hint?: string): void {
  if (f.positionals.length)
    throw new UsageError(
      'ERR_EXTRA_ARGUMENT',
      `unexpected argument ${JSON.stringify(f.positionals[0])}${hint ? `; ${hint}` : ''}`
    );
}

const HELP_FLAG: Flag = { name: 'help', type: 'boolean', help: ['this text'] };

function valueName(f: Flag): string {
  return f.valueName ?? f.choices?.join('|') ?? '<value>';
}

/**
 * Read `argv` against `flags`: `--flag value`, `--flag=value`, boolean `--flag`, `-h`/`--help`,
 * and `--` to end the options (so a TEXT may start with `-`). Every flag at most once. The first
 * mistake, reading left to right, throws a UsageError; --help does not stop the reading.
 */
export function parseFlags(argv: readonly string[], flags: readonly Flag[]): ParsedFlags {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' }
  };
  for (const f of flags) options[f.name] = { type: f.type };
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const byName = new Map(flags.map((f) => [f.name, f]));
  const out: ParsedFlags = { values: {}, booleans: {}, given: new Set(), help: false, positionals: [] };
  const given = out.given as Set<string>;
  for (const token of tokens) {
    if (token.kind === 'positional') {
      out.positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    // the argument as typed: parseArgs splits a short group such as -hh into one token per letter
    const raw = argv[token.index];
    if (raw === '-h' || raw === '--help') {
      out.help = true;
      continue;
    }
    const flag = raw.startsWith('--') ? byName.get(token.name) : undefined;
    if (!flag) {
      const eq = raw.indexOf('=');
      const known = [...flags, HELP_FLAG].map((f) => `--${f.name}`).join(', ');
      throw new UsageError(
        'ERR_UNKNOWN_OPTION',
        `unknown option ${raw.slice(0, eq >= 0 ? eq : undefined)}; the options are ${known}` +
          (/^-\d/.test(raw) ? ' (to pass text that starts with -, put -- before it)' : '')
      );
    }
    if (given.has(flag.name))
      throw new UsageError('ERR_REPEATED_OPTION', `--${flag.name} given more than once; give it once`);
    given.add(flag.name);
    if (flag.type === 'boolean') {
      if (token.inlineValue)
        throw new UsageError(
          'ERR_BAD_OPTION_VALUE',
          `--${flag.name} takes no value, got --${flag.name}=${token.value}`
        );
      out.booleans[flag.name] = true;
      continue;
    }
    const value = token.value;
    if (value === undefined) throw new UsageError('ERR_MISSING_VALUE', `--${flag.name} needs a value`);
    if (flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(
        'ERR_BAD_OPTION_VALUE',
        `--${flag.name}: expected ${flag.choices.join(' or ')}, got ${JSON.stringify(value)}`,
        {
          expected: flag.choices.join(' or '),
          actual: value
        }
      );
    }
    out.values[flag.name] = value;
  }
  for (const f of flags) {
    if (f.type === 'string' && out.values[f.name] === undefined && f.default !== undefined)
      out.values[f.name] = f.default;
  }
  return out;
}

/** `--key <hex> [--iv <hex>] [--json] [TEXT]`: the flags in declared order, then the operands. */
export function usageLine(flags: readonly Flag[], operands = ''): string {
  // one entry per bracket: a flag and the alternatives declared right after it
  const groups: { required: boolean; shown: string[] }[] = [];
  for (const f of flags) {
    const shown = f.type === 'boolean' ? `--${f.name}` : `--${f.name} ${f.synopsis ?? valueName(f)}`;
    if (f.alternative && groups.length > 0) groups[groups.length - 1].shown.push(shown);
    else groups.push({ required: f.required === true, shown: [shown] });
  }
  const parts = groups.map((g) => (g.required ? g.shown.join(' | ') : `[${g.shown.join(' | ')}]`));
  return [...parts, ...(operands ? [operands] : [])].join(' ');
}

/**
 * The options of --help, one flag per entry, its description from `column` on; a flag too wide for
 * the column puts its description on the next line. `-h, --help` comes last.
 */
export function optionsHelp(flags: readonly Flag[], column: number): string {
  const pad = ' '.repeat(column);
  const rows = [
    ...flags.map((f) => [f.type === 'boolean' ? `--${f.name}` : `--${f.name} ${valueName(f)}`, f.help] as const),
    ['-h, --help', HELP_FLAG.help] as const
  ];
  return rows
    .map(([head, lines]) => {
      const left = `  ${head}`;
      return (left.length > column - 1 ? `${left}\n${pad}` : left.padEnd(column)) + lines.join(`\n${pad}`);
    })
    .join('\n');
}
