// A `cbc-lab` command: its declaration (name, flags, the prose of its --help) and `run`. The usage
// line and the options of --help are written from the flags (./flags.ts), never by hand.
import { EXIT_USAGE, errorLine, type CliIo } from './io.ts';
import { UsageError, optionsHelp, parseFlags, usageLine, type Flag, type ParsedFlags } from './flags.ts';

export interface CommandSpec {
  name: string;
  /** one line for `cbc-lab --help` */
  summary: string;
  flags: readonly Flag[];
  /** what follows the flags in the usage line, e.g. `[TEXT]` */
  operands?: string;
  /** how a person types it, before the flags (default `cbc-lab NAME`) */
  invocation?: string;
  /** more ways to run it, shown under the usage line as `   or: …` */
  alsoRunAs?: readonly string[];
  /** --help between the usage line and the options */
  description: string;
  /** --help after the options */
  epilog: string;
  /** where the options' descriptions start in --help */
  helpColumn: number;
  /** what prefixes its error lines and names its --help (default `cbc-lab` and `cbc-lab NAME --help`) */
  errorPrefix?: string;
  helpCommand?: string;
}

export interface Command extends CommandSpec {
  /** the synopsis, printed after a usage error */
  usage: string;
  /** the whole of `NAME --help` */
  help: string;
  /** returns the exit status */
  run(argv: string[], io: CliIo): Promise<number>;
}

export function usageOf(spec: CommandSpec): string {
  return `${spec.invocation ?? `cbc-lab ${spec.name}`} ${usageLine(spec.flags, spec.operands)}`;
}

export function helpOf(spec: CommandSpec): string {
  const also = (spec.alsoRunAs ?? []).map((line) => `\n   or: ${line}`).join('');
  return `usage: ${usageOf(spec)}${also}\n\n${spec.description}\n\nOptions:\n${optionsHelp(spec.flags, spec.helpColumn)}\n\n${spec.epilog}`;
}

/** The report of a usage error: the error line, then the usage and where the details are. */
export function usageReport(
  command: Pick<Command, 'name' | 'usage' | 'helpCommand' | 'errorPrefix'>,
  err: unknown
): string {
  const line = command.errorPrefix ? errorLine(err).replace(/^cbc-lab: /, `${command.errorPrefix}: `) : errorLine(err);
  return `${line}\nusage: ${command.usage}\nRun \`${command.helpCommand ?? `cbc-lab ${command.name} --help`}\` for details.\n`;
}

/** `argv` read against the command's flags; with --help, its help printed and null (the caller exits 0). */
export function flagsOrHelp(
  argv: readonly string[],
  command: Pick<Command, 'flags' | 'help'>,
  io: Pick<CliIo, 'stdout'>
): ParsedFlags | null {
  const f = parseFlags(argv, command.flags);
  if (!f.help) return f;
  io.stdout.write(command.help);
  return null;
}

/** A command from its declaration and its work; a UsageError thrown by `run` reports the usage, exit 2. */
export function defineCommand(spec: CommandSpec, run: (argv: string[], io: CliIo) => Promise<number>): Command {
  const command: Command = {
    ...spec,
    usage: usageOf(spec),
    help: helpOf(spec),
    async run(argv, io) {
      try {
        return await run(argv, io);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        io.stderr.write(usageReport(command, err));
        return EXIT_USAGE;
      }
    }
  };
  return command;
}
