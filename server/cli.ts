// The `cbc-lab` dispatcher. Each subcommand lives in its own file and exports command objects
// ({ name, summary, usage, run }); add a file to COMMAND_MODULES to make its commands appear in
// `cbc-lab --help` and be runnable. The shell's contract, for every command:
//   exit 0 on success; 1 when the data cannot be processed (one `cbc-lab: CODE: …` line on
//   stderr); 2 for usage errors (the error line, then the usage). Never a stack trace.
import { pathToFileURL } from 'node:url';
import { CryptoError } from '../src/lib/crypto/errors.ts';

/** What a command may touch: injected so that tests and other shells can run commands in process. */
export interface CliIo {
  /** raw bytes or text for standard output */
  stdout(chunk: string | Uint8Array): void;
  stderr(text: string): void;
  /** all of standard input as bytes (read only when a command needs it) */
  /** all of standard input; with `maxBytes`, it stops reading one byte past that (the caller refuses) */
  readStdin(maxBytes?: number): Promise<Uint8Array>;
  /** whether standard input/output are terminals (hints and a final newline for humans) */
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
}

export interface Command {
  name: string;
  /** one line for `cbc-lab --help` */
  summary: string;
  /** the synopsis line(s), printed after a usage error */
  usage: string;
  /** full text for `cbc-lab NAME --help` (defaults to the usage) */
  help?: string;
  /** returns the exit status */
  run(argv: string[], io: CliIo): Promise<number>;
}

export const EXIT_OK = 0;
/** the data cannot be encrypted or decrypted as given */
export const EXIT_DATA = 1;
/** the command line is wrong */
export const EXIT_USAGE = 2;

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
export class UsageError extends Error {
  readonly code: UsageErrorCode;
  constructor(code: UsageErrorCode, message: string) {
    super(message);
    this.name = 'UsageError';
    this.code = code;
  }
}

export interface FlagSpec {
  /** flags that take a value, with the values allowed (null: any) */
  values: Record<string, readonly string[] | null>;
  /** flags without a value */
  booleans: readonly string[];
}

export interface ParsedFlags {
  values: Record<string, string | undefined>;
  booleans: Record<string, boolean>;
  help: boolean;
  positionals: string[];
}

/**
 * A small strict parser: `--flag value`, `--flag=value`, boolean `--flag`, `-h`/`--help`, and
 * `--` to end the options (so a TEXT may start with `-`). Every flag at most once.
 */
export function parseFlags(argv: string[], spec: FlagSpec): ParsedFlags {
  const out: ParsedFlags = { values: {}, booleans: {}, help: false, positionals: [] };
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = (eq >= 0 ? arg.slice(0, eq) : arg).replace(/^--?/, '');
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const isValue = Object.hasOwn(spec.values, name);
    const isBoolean = spec.booleans.includes(name);
    if (!arg.startsWith('--') || (!isValue && !isBoolean)) {
      const known = [...Object.keys(spec.values), ...spec.booleans].map((f) => `--${f}`).join(', ');
      throw new UsageError(
        'ERR_UNKNOWN_OPTION',
        `unknown option ${arg.slice(0, eq >= 0 ? eq : undefined)}; the options are ${known}, --help` +
          (/^-\d/.test(arg) ? ' (to pass text that starts with -, put -- before it)' : '')
      );
    }
    if (seen.has(name)) throw new UsageError('ERR_REPEATED_OPTION', `--${name} given more than once; give it once`);
    seen.add(name);
    if (isBoolean) {
      if (inline !== undefined) throw new UsageError('ERR_BAD_OPTION_VALUE', `--${name} takes no value, got --${name}=${inline}`);
      out.booleans[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError('ERR_MISSING_VALUE', `--${name} needs a value`);
      value = argv[++i];
    }
    const allowed = spec.values[name];
    if (allowed && !allowed.includes(value)) {
      throw new UsageError(
        'ERR_BAD_OPTION_VALUE',
        `--${name}: expected ${allowed.join(' or ')}, got ${JSON.stringify(value)}`
      );
    }
    out.values[name] = value;
  }
  return out;
}

// One line per module; each module exports `commands: Command[]`.
const COMMAND_MODULES: (() => Promise<{ commands: Command[] }>)[] = [() => import('./cli-crypto.ts'), () => import('./cmd-server.ts'), () => import('./cmd-client.ts'), () => import('./cmd-tap.ts')];

export async function loadCommands(): Promise<Command[]> {
  const mods = await Promise.all(COMMAND_MODULES.map((load) => load()));
  return mods.flatMap((m) => m.commands);
}

function topHelp(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'cbc-lab: AES-CBC from the terminal, byte for byte the same as `openssl enc`.',
    '',
    'usage: cbc-lab <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `cbc-lab <command> --help` for a command\'s options.',
    'Exit status: 0 success, 1 the data could not be processed, 2 a usage error.',
    ''
  ].join('\n');
}

/** One line, never a stack: `cbc-lab: CODE: message`. */
export function errorLine(err: unknown): string {
  if (err instanceof CryptoError || err instanceof UsageError) return `cbc-lab: ${err.code}: ${err.message}\n`;
  const msg = err instanceof Error ? err.message : String(err);
  return `cbc-lab: unexpected error: ${msg.split('\n')[0]}\n`;
}

/** Run `cbc-lab ARGV…`; returns the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let commands: Command[];
  try {
    commands = await loadCommands();
  } catch (err) {
    io.stderr(errorLine(err));
    return EXIT_DATA;
  }
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    const target = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    if (target) return runCommand(target, ['--help'], io);
    if (name === undefined) {
      io.stderr(topHelp(commands));
      return EXIT_USAGE;
    }
    io.stdout(topHelp(commands));
    return EXIT_OK;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(
      errorLine(new UsageError('ERR_UNKNOWN_COMMAND', `unknown command ${JSON.stringify(name)}; the commands are ${commands.map((c) => c.name).join(', ')}`)) +
        '\n' +
        topHelp(commands)
    );
    return EXIT_USAGE;
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: Command, argv: string[], io: CliIo): Promise<number> {
  try {
    return await command.run(argv, io);
  } catch (err) {
    // Commands report their own outcomes; this is the net under them.
    io.stderr(errorLine(err));
    if (err instanceof UsageError) {
      io.stderr(`\nusage: ${command.usage}\nRun \`cbc-lab ${command.name} --help\` for details.\n`);
      return EXIT_USAGE;
    }
    return EXIT_DATA;
  }
}

/** Wire the CLI to this process (used by server/cli.js). */
export async function runMain(): Promise<void> {
  // `cbc-lab … | head` closes the pipe early: stop quietly instead of throwing EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      process.exit(EXIT_DATA);
    });
  }
  const io: CliIo = {
    stdout: (chunk) => void process.stdout.write(chunk),
    stderr: (text) => void process.stderr.write(text),
    readStdin: async (maxBytes = Infinity) => {
      const chunks: Buffer[] = [];
      let n = 0;
      for await (const chunk of process.stdin) {
        chunks.push(chunk as Buffer);
        n += (chunk as Buffer).length;
        if (n > maxBytes) break; // enough to know it is too large: a 1 GB pipe is never held
      }
      const all = Buffer.concat(chunks);
      return new Uint8Array(all.buffer, all.byteOffset, all.length);
    },
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY: Boolean(process.stdout.isTTY)
  };
  try {
    process.exitCode = await runCli(process.argv.slice(2), io);
  } catch (err) {
    process.stderr.write(errorLine(err));
    process.exitCode = EXIT_DATA;
  }
}

// Also runnable directly: `tsx server/cli.ts …`. Not awaited: command modules import this one,
// and a top-level await here would leave this module unfinished while they wait for it.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runMain();
}
