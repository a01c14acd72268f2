// The `cbc-lab` dispatcher: finds the command and runs it with an io (./io.ts). Each command lives
// in its own file under ./commands/ and declares its flags once; add it to COMMANDS to make it
// appear in `cbc-lab --help` and be runnable. server/cli.js (the package bin) calls runMain().
import { pathToFileURL } from 'node:url';
import type { Command } from './command.ts';
import { UsageError } from './flags.ts';
import { EXIT_DATA, EXIT_OK, EXIT_USAGE, errorLine, processIo, type CliIo } from './io.ts';

// Loaded when asked for: `cbc-lab encrypt` need not load the chat server, the tap or the demo.
const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  encrypt: () => import('./commands/encrypt.ts'),
  decrypt: () => import('./commands/decrypt.ts'),
  server: () => import('./commands/server.ts'),
  client: () => import('./commands/client.ts'),
  tap: () => import('./commands/tap.ts'),
  demo: () => import('./commands/demo.ts'),
  worksheet: () => import('./commands/worksheet.ts')
};

export async function loadCommands(): Promise<Command[]> {
  return Promise.all(Object.values(COMMANDS).map(async (load) => (await load()).command));
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
    "Run `cbc-lab <command> --help` for a command's options.",
    'Exit status: 0 success, 1 the data could not be processed, 2 a usage error.',
    ''
  ].join('\n');
}

/** Run `cbc-lab ARGV…`; returns the exit status. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  let command: Command | undefined;
  try {
    if (name !== undefined && Object.hasOwn(COMMANDS, name)) command = (await COMMANDS[name]()).command;
    else if (name === 'help' && rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]))
      return runCommand((await COMMANDS[rest[0]]()).command, ['--help'], io);
    else if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
      const help = topHelp(await loadCommands());
      (name === undefined ? io.stderr : io.stdout).write(help);
      return name === undefined ? EXIT_USAGE : EXIT_OK;
    } else {
      const commands = await loadCommands();
      const err = new UsageError(
        'ERR_UNKNOWN_COMMAND',
        `unknown command ${JSON.stringify(name)}; the commands are ${commands.map((c) => c.name).join(', ')}`
      );
      io.stderr.write(errorLine(err) + '\n' + topHelp(commands));
      return EXIT_USAGE;
    }
  } catch (err) {
    io.stderr.write(errorLine(err));
    return EXIT_DATA;
  }
  return runCommand(command, rest, io);
}

async function runCommand(command: Command, argv: string[], io: CliIo): Promise<number> {
  try {
    return await command.run(argv, io);
  } catch (err) {
    // Commands report their own outcomes (a usage error included); this is the net under them.
    io.stderr.write(errorLine(err));
    return EXIT_DATA;
  }
}

/** Wire the CLI to this process (used by server/cli.js and server/demo.ts). */
export async function runMain(argv = process.argv.slice(2)): Promise<void> {
  // `cbc-lab … | head` closes the pipe early: stop quietly instead of throwing EPIPE.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      process.exit(EXIT_DATA);
    });
  }
  let code: number;
  try {
    code = await runCli(argv, processIo());
  } catch (err) {
    process.stderr.write(errorLine(err));
    code = EXIT_DATA;
  }
  // A command that has returned is done: what it printed is written out, then the process ends,
  // whatever handles a stopped server or the web app may still hold.
  process.exitCode = code;
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  await new Promise<void>((resolve) => process.stderr.write('', () => resolve()));
  process.exit(code);
}

// Also runnable directly: `node --import tsx server/cli/main.ts …`. Not awaited, so that this
// module finishes loading before the command modules that import its neighbours run.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void runMain();
}
