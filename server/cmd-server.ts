// `cbc-lab server`: the chat server of docs/protocol.md §8 on one TCP port, both framings.
import { EXIT_DATA, EXIT_OK, UsageError, parseFlags, type CliIo, type Command } from './cli.ts';
import { KEY_ENV_HELP, KEY_FLAGS, keyHelp, keyLine, resolveKey } from './key-source.ts';
import { DEFAULT_IDLE_TIMEOUT_S, DEFAULT_MAX_CLIENTS, DEFAULT_PORT, startChatServer } from './chat-server.ts';

const USAGE =
  'cbc-lab server [--host 127.0.0.1] [--port 5000] [--key <hex> | --key-file <path>] [--key-format hex|raw] [--log chat.log] [--max-clients N] [--idle-timeout S] [--padding-oracle]';

const HELP = `usage: ${USAGE}

A multi-client encrypted chat room on one TCP port (docs/protocol.md §8). Line framing (the
seed projects' base64(IV ‖ AES-CBC) + "\\n") and native framing (binary frames, suites cbc,
cbc-hmac, gcm) share the room; the first byte of a connection tells which.

Options:
  --host <addr>        address to bind (default 127.0.0.1: this machine only)
  --port <n>           TCP port (default ${DEFAULT_PORT}; 0 picks a free one)
${keyHelp(23)}
  --log <path>         JSON-lines log of every frame's wire bytes, ciphertext only
                       (default chat.log; \`--log none\` for no log)
  --max-clients <n>    clients in the room at once (default ${DEFAULT_MAX_CLIENTS}); more are refused
                       with ERR_SERVER_FULL
  --idle-timeout <s>   close a connection that completes no frame for this many seconds
                       (default ${DEFAULT_IDLE_TIMEOUT_S}; 0 = never; a trickle of bytes does not count)
  --padding-oracle     for teaching only (/lessons/padding-oracle): answer bad padding
                       (ERR_BAD_PADDING) apart from text that is not UTF-8 (ERR_BAD_UTF8) for the
                       cbc suite and line framing, which lets anyone decrypt that traffic without
                       the key. Off by default: both get ERR_DECRYPT (docs/protocol.md §6.4)
  -h, --help           this text

${KEY_ENV_HELP}

Ctrl-C or SIGTERM: every client gets a bye, the log is flushed, exit 0.
Exit status: 0 stopped by a signal, 1 could not listen, 2 a usage error.
`;

// One key reading for both commands; re-exported here, where cmd-client.ts and others found it.
export { KEY_FLAGS, readKeyFlags } from './key-source.ts';

export function portFlag(v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError('ERR_BAD_OPTION_VALUE', `--port: expected a number 0..65535, got ${JSON.stringify(v)}`);
  return Number(v);
}

export function hostFlag(v: string | undefined): string {
  if (v === undefined) return '127.0.0.1';
  if (v === '' || /\s/.test(v)) throw new UsageError('ERR_BAD_OPTION_VALUE', `--host: expected an address such as 127.0.0.1, got ${JSON.stringify(v)}`);
  return v;
}

function intFlag(name: string, v: string | undefined, fallback: number, min: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError('ERR_BAD_OPTION_VALUE', `--${name}: expected a whole number ≥ ${min}, got ${JSON.stringify(v)}`);
  return Number(v);
}

function secondsFlag(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError('ERR_BAD_OPTION_VALUE', `--${name}: expected seconds (a number ≥ 0, 0 = never), got ${JSON.stringify(v)}`);
  return Number(v);
}

export const serverCommand: Command = {
  name: 'server',
  summary: 'run the encrypted chat server (line and native framing on one port)',
  usage: USAGE,
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const f = parseFlags(argv, {
      values: { host: null, port: null, ...KEY_FLAGS, log: null, 'max-clients': null, 'idle-timeout': null },
      booleans: ['padding-oracle']
    });
    if (f.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (f.positionals.length) throw new UsageError('ERR_EXTRA_ARGUMENT', `unexpected argument ${JSON.stringify(f.positionals[0])}; the server takes only options`);
    const host = hostFlag(f.values.host);
    const port = portFlag(f.values.port, DEFAULT_PORT);
    const resolved = resolveKey(f);
    const key = resolved.key;
    const log = f.values.log ?? 'chat.log';
    const maxClients = intFlag('max-clients', f.values['max-clients'], DEFAULT_MAX_CLIENTS, 1);
    const idleTimeout = secondsFlag('idle-timeout', f.values['idle-timeout'], DEFAULT_IDLE_TIMEOUT_S);
    const paddingOracle = f.booleans['padding-oracle'] === true;

    io.stderr(keyLine(resolved));
    let started;
    try {
      started = await startChatServer({ host, port, key, logPath: log === 'none' || log === '' ? null : log, maxClients, idleTimeout, paddingOracle });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why = e.code === 'EADDRINUSE' ? 'the port is in use: is another server running? pick another --port' : e.code === 'EADDRNOTAVAIL' ? 'no such address on this machine' : e.code === 'EACCES' ? 'permission denied: ports below 1024 need privileges' : e.message;
      io.stderr(`cbc-lab: ERR_LISTEN: cannot listen on ${host}:${port}: ${why}\n`);
      return EXIT_DATA;
    }
    const { server, address } = started;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    if (paddingOracle) {
      io.stderr('WARNING: --padding-oracle makes this server answer differently for bad padding; for teaching only.\n');
    }
    io.stdout(`Server listening on ${shown}:${address.port}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        void server.close().then(resolve);
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    io.stdout('Server stopped: every client was told bye, the log is flushed\n');
    return EXIT_OK;
  }
};

export const commands: Command[] = [serverCommand];
