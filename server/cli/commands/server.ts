// `cbc-lab server`: the chat server of docs/protocol.md §8 on one TCP port, both framings.
import { DEFAULT_IDLE_TIMEOUT_S, DEFAULT_MAX_CLIENTS, DEFAULT_PORT, startChatServer } from '../../chat/server.ts';
import { defineCommand, flagsOrHelp, type Command } from '../command.ts';
import { UsageError, refuseOperands, type Flag } from '../flags.ts';
import { EXIT_DATA, EXIT_OK, untilStopped } from '../io.ts';
import { KEY_ENV_HELP, KEY_FLAGS, keyLine, resolveKey } from '../key-source.ts';
import { hostFlag, listenErrorLine, portFlag } from '../net-flags.ts';

const FLAGS: readonly Flag[] = [
  {
    name: 'host',
    type: 'string',
    valueName: '<addr>',
    synopsis: '127.0.0.1',
    default: '127.0.0.1',
    help: ['address to bind (default 127.0.0.1: this machine only)']
  },
  {
    name: 'port',
    type: 'string',
    valueName: '<n>',
    synopsis: String(DEFAULT_PORT),
    default: String(DEFAULT_PORT),
    help: [`TCP port (default ${DEFAULT_PORT}; 0 picks a free one)`]
  },
  ...KEY_FLAGS,
  {
    name: 'log',
    type: 'string',
    valueName: '<path>',
    synopsis: 'chat.log',
    default: 'chat.log',
    help: ["JSON-lines log of every frame's wire bytes, ciphertext only", '(default chat.log; `--log none` for no log)']
  },
  {
    name: 'max-clients',
    type: 'string',
    valueName: '<n>',
    synopsis: 'N',
    default: String(DEFAULT_MAX_CLIENTS),
    help: [`clients in the room at once (default ${DEFAULT_MAX_CLIENTS}); more are refused`, 'with ERR_SERVER_FULL']
  },
  {
    name: 'idle-timeout',
    type: 'string',
    valueName: '<s>',
    synopsis: 'S',
    default: String(DEFAULT_IDLE_TIMEOUT_S),
    help: [
      'close a connection that completes no frame for this many seconds',
      `(default ${DEFAULT_IDLE_TIMEOUT_S}; 0 = never; a trickle of bytes does not count)`
    ]
  },
  {
    name: 'padding-oracle',
    type: 'boolean',
    help: [
      'for teaching only (/lessons/padding-oracle): answer bad padding',
      '(ERR_BAD_PADDING) apart from text that is not UTF-8 (ERR_BAD_UTF8) for the',
      'cbc suite and line framing, which lets anyone decrypt that traffic without',
      'the key. Off by default: both get ERR_DECRYPT (docs/protocol.md §6.4)'
    ]
  }
];

function wholeNumber(name: string, v: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min)
    throw new UsageError(
      'ERR_BAD_OPTION_VALUE',
      `--${name}: expected a whole number ≥ ${min}, got ${JSON.stringify(v)}`
    );
  return Number(v);
}

function seconds(name: string, v: string): number {
  if (!/^\d+(\.\d+)?$/.test(v))
    throw new UsageError(
      'ERR_BAD_OPTION_VALUE',
      `--${name}: expected seconds (a number ≥ 0, 0 = never), got ${JSON.stringify(v)}`
    );
  return Number(v);
}

export const command: Command = defineCommand(
  {
    name: 'server',
    summary: 'run the encrypted chat server (line and native framing on one port)',
    flags: FLAGS,
    helpColumn: 23,
    description: `A multi-client encrypted chat room on one TCP port (docs/protocol.md §8). Line framing (the
seed projects' base64(IV ‖ AES-CBC) + "\\n") and native framing (binary frames, suites cbc,
cbc-hmac, gcm) share the room; the first byte of a connection tells which.`,
    epilog: `${KEY_ENV_HELP}

Ctrl-C or SIGTERM: every client gets a bye, the log is flushed, exit 0.
Exit status: 0 stopped by a signal, 1 could not listen, 2 a usage error.
`
  },
  async (argv, io) => {
    const f = flagsOrHelp(argv, command, io);
    if (!f) return EXIT_OK;
    refuseOperands(f, 'the server takes only options');
    const host = hostFlag(f.values.host!);
    const port = portFlag(f.values.port!);
    const resolved = resolveKey(f, io.env);
    const log = f.values.log!;
    const maxClients = wholeNumber('max-clients', f.values['max-clients']!, 1);
    const idleTimeout = seconds('idle-timeout', f.values['idle-timeout']!);
    const paddingOracle = f.booleans['padding-oracle'] === true;

    io.stderr.write(keyLine(resolved));
    let started;
    try {
      started = await startChatServer({
        host,
        port,
        key: resolved.key,
        logPath: log === 'none' || log === '' ? null : log,
        maxClients,
        idleTimeout,
        paddingOracle
      });
    } catch (err) {
      io.stderr.write(listenErrorLine(err as NodeJS.ErrnoException, host, port, '--port'));
      return EXIT_DATA;
    }
    const { server, address } = started;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    if (paddingOracle)
      io.stderr.write(
        'WARNING: --padding-oracle makes this server answer differently for bad padding; for teaching only.\n'
      );
    const stopped = untilStopped(io); // before the line that says so: a signal from then on stops cleanly
    io.stdout.write(`Server listening on ${shown}:${address.port}\n`);
    await stopped;
    await server.close();
    io.stdout.write('Server stopped: every client was told bye, the log is flushed\n');
    return EXIT_OK;
  }
);
