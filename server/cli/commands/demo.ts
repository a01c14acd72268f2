// `cbc-lab demo` (what `npm start` runs): the web app, the chat server, the capture tap in front of
// it and two bots, in this one process, until a signal or the end of npm stops it (docs/api.md,
// "The demo"). The demo itself is server/demo/; this is its command line and its banner.
import { relative } from 'node:path';
import type { RunningDemo } from '../../demo/start-demo.ts';
import { DEFAULT_CHAT_PORT, DEFAULT_WEB_PORT, demoKey } from '../../demo/defaults.ts';
import { watchParent } from '../../demo/parent-watch.ts';
import { PortInUseError, checkPortFree } from '../../demo/ports.ts';
import { defineCommand, type Command } from '../command.ts';
import { UsageError, parseFlags, refuseOperands, type Flag } from '../flags.ts';
import { EXIT_DATA, EXIT_OK, stopSignals, type CliIo, type StopSignal } from '../io.ts';

const FLAGS: readonly Flag[] = [
  {
    name: 'web-port',
    type: 'string',
    valueName: '<n>',
    synopsis: String(DEFAULT_WEB_PORT),
    default: String(DEFAULT_WEB_PORT),
    help: [`the web app's port (default ${DEFAULT_WEB_PORT}; 0: any free port)`]
  },
  {
    name: 'chat-port',
    type: 'string',
    valueName: '<n>',
    synopsis: String(DEFAULT_CHAT_PORT),
    default: String(DEFAULT_CHAT_PORT),
    help: [
      `where chat clients connect: the tap (default ${DEFAULT_CHAT_PORT}; 0: any free port);`,
      'the chat server itself sits behind it on a free port of its own'
    ]
  },
  {
    name: 'key',
    type: 'string',
    valueName: '<hex>',
    help: ["the demo's pre-shared key, 32, 48 or 64 hex digits (default: a fresh random", 'AES-256 key for each run)']
  },
  { name: 'no-bots', type: 'boolean', help: ['no bot clients; only you and the page chat'] },
  {
    name: 'padding-oracle',
    type: 'boolean',
    help: [
      'the chat server answers bad padding apart from bad text (ERR_BAD_PADDING vs',
      'ERR_BAD_UTF8) for the cbc suite and line framing: a deliberate padding oracle',
      'for /lessons/padding-oracle. For teaching only; off by default'
    ]
  }
];

/**
 * a repeat of a signal that arrives sooner than this after the first is the same stop request:
 * npm's forwarded copy of Ctrl-C comes within milliseconds, but on a loaded machine it was seen
 * later than 0.5 s; a clean stop takes well under 2 s, so a person's second Ctrl-C rarely lands here
 */
const DUPLICATE_SIGNAL_MS = 2000;
/** a clean stop that takes longer than this is given up */
const STOP_DEADLINE_MS = 10_000;

function portValue(flag: string, v: string): number {
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535)
    throw new UsageError('ERR_BAD_OPTION_VALUE', `--${flag}: expected a port 0..65535, got ${JSON.stringify(v)}`);
  return Number(v);
}

function banner(demo: RunningDemo, capture: string, bots: boolean): string {
  return [
    '',
    'CBC Lab demo is running (everything on 127.0.0.1).',
    '',
    `  Open in a browser:  ${demo.webUrl}/live`,
    `  Learn CBC:          ${demo.webUrl}/learn  (step through every byte of AES-CBC)`,
    `  Lessons:            ${demo.webUrl}/lessons  (bit flipping, a padding oracle against this chat, ECB vs CBC, IV mistakes, …)`,
    `  Chat port:          ${demo.chatPort}  (the capture tap; the chat server sits behind it on ${demo.serverPort})`,
    `  Demo key:           ${demo.key}`,
    `                      a DEMO SECRET (AES-${demo.key.length * 4}, ${demo.key.length / 2} bytes): made for this run and shown on screen on purpose; never use it for anything real`,
    `  Join the chat:      npx cbc-lab client --port ${demo.chatPort} --key ${demo.key}`,
    `                      (add --framing native --suite cbc-hmac --name you for the native framing)`,
    `  Capture:            ${capture}`,
    bots
      ? `  Bots:               alice (line framing, cbc) and bob (native framing, cbc-hmac) chat every few seconds`
      : '  Bots:               off (--no-bots)',
    '',
    'Press Ctrl-C to stop.',
    ''
  ].join('\n');
}

const PADDING_ORACLE_WARNING =
  '\nWARNING: --padding-oracle makes this server answer differently for bad padding; for teaching only.\n' +
  '         Anyone who can reach the chat port can decrypt cbc and line traffic without the key (/lessons/padding-oracle).\n\n';

/**
 * Run until a stop request, then stop cleanly: 0 when the stop completed, 1 when it failed, took
 * over STOP_DEADLINE_MS, or a second signal (not npm's copy of the first) asked to give up.
 * `announce` prints the banner once the signal handlers are in place: "Press Ctrl-C to stop" is
 * true from the moment it can be read (a signal before its handler would kill the process at once,
 * without a clean stop).
 */
function runUntilStopped(demo: RunningDemo, capture: string, io: CliIo, announce: () => void): Promise<number> {
  const signals = stopSignals(io);
  const watched: StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP']; // SIGHUP: the terminal closed
  return new Promise((resolve) => {
    let state: 'running' | 'stopping' | 'done' = 'running';
    let firstSignalAt = 0;
    const finish = (code: number) => {
      if (state === 'done') return;
      state = 'done';
      for (const s of watched) signals.off(s, onSignal);
      resolve(code);
    };
    const stop = (why: string) => {
      state = 'stopping';
      io.stdout.write(`\n${why}Stopping: every client is told bye, then the capture is closed…\n`);
      const deadline = setTimeout(() => {
        io.stderr.write(`cbc-lab demo: the clean stop took over ${STOP_DEADLINE_MS / 1000} s; exiting\n`);
        finish(EXIT_DATA);
      }, STOP_DEADLINE_MS);
      deadline.unref();
      demo.stop().then(
        () => {
          clearTimeout(deadline);
          if (state !== 'stopping') return;
          io.stdout.write(`Stopped. The capture is in ${capture}\n`);
          finish(EXIT_OK);
        },
        (err) => {
          clearTimeout(deadline);
          if (state !== 'stopping') return;
          io.stderr.write(`cbc-lab demo: stopping failed: ${(err as Error).message}\n`);
          finish(EXIT_DATA);
        }
      );
    };
    const onSignal = (sig: StopSignal) => {
      if (state === 'running') {
        firstSignalAt = Date.now();
        return stop('');
      }
      // Ctrl-C reaches every process of the terminal's group, and npm forwards its own copy too:
      // the same signal again within a moment is that copy, not a person pressing Ctrl-C twice.
      if (state !== 'stopping' || Date.now() - firstSignalAt < DUPLICATE_SIGNAL_MS) return;
      io.stderr.write(`cbc-lab demo: ${sig} again: exiting without a clean stop\n`);
      finish(EXIT_DATA);
    };
    for (const s of watched) signals.on(s, onSignal);
    watchParent(io.env, () => {
      if (state === 'running') stop('The process that started this demo (npm start) has exited. ');
    });
    announce();
  });
}

export const command: Command = defineCommand(
  {
    name: 'demo',
    summary: 'the whole demo in one process: web app, chat server, capture tap, two bots (npm start)',
    flags: FLAGS,
    invocation: 'npm start --',
    alsoRunAs: ['npx cbc-lab demo [same options]', 'node --import tsx server/demo.ts [same options]'],
    helpColumn: 19,
    errorPrefix: 'cbc-lab demo',
    helpCommand: 'npm start -- --help',
    description: `The whole CBC Lab demo in one process: the web app, the chat server, the capture tap in front
of it (everything on the wire is recorded to captures/), and two bots that chat.`,
    epilog: `The capture (pcapng, and the frames as JSON lines) goes to captures/ in the repository, or to
$CBC_LAB_CAPTURE_DIR when set (os.tmpdir() when captures/ cannot be written). CBC_LAB_NO_BUILD=1
serves build/ as it is, without checking it against the sources (tests that built it already).

Everything binds 127.0.0.1. Ctrl-C, SIGTERM or SIGHUP (the terminal closed) stop it all cleanly;
under npm start, so does killing npm itself. Exit status: 0 stopped cleanly, 1 a port in use or a
failed start, 2 a usage error.
`
  },
  async (argv, io) => {
    const f = parseFlags(argv, FLAGS);
    refuseOperands(f);
    const webPort = portValue('web-port', f.values['web-port']!);
    const chatPort = portValue('chat-port', f.values['chat-port']!);
    if (webPort !== 0 && webPort === chatPort)
      throw new UsageError(
        'ERR_BAD_OPTION_VALUE',
        `--web-port and --chat-port: expected two different ports, got ${webPort} for both`
      );
    let key: Uint8Array | undefined;
    if (f.values.key !== undefined) {
      try {
        key = demoKey(f.values.key);
      } catch (err) {
        throw new UsageError('ERR_BAD_OPTION_VALUE', (err as Error).message);
      }
    }
    if (f.help) {
      io.stdout.write(command.help);
      return EXIT_OK;
    }
    const bots = f.booleans['no-bots'] !== true;
    const paddingOracle = f.booleans['padding-oracle'] === true;
    const host = '127.0.0.1';
    // loaded only now: `cbc-lab --help` need not load the chat server, the tap and the web app
    const { startDemo } = await import('../../demo/start-demo.ts');
    let demo: RunningDemo;
    try {
      await checkPortFree(webPort, host, '--web-port');
      await checkPortFree(chatPort, host, '--chat-port');
      demo = await startDemo({
        webPort,
        chatPort,
        key,
        bots,
        paddingOracle,
        host,
        captureDir: io.env.CBC_LAB_CAPTURE_DIR || undefined,
        build: io.env.CBC_LAB_NO_BUILD !== '1'
      });
    } catch (err) {
      io.stderr.write(
        `cbc-lab demo: ${err instanceof PortInUseError ? `${err.code}: ` : ''}${(err as Error).message}\n`
      );
      return EXIT_DATA;
    }
    const rel = relative(process.cwd(), demo.pcapngPath);
    const capture = rel.startsWith('..') ? demo.pcapngPath : rel;
    return runUntilStopped(demo, capture, io, () => {
      io.stdout.write(banner(demo, capture, bots));
      if (paddingOracle) io.stderr.write(PADDING_ORACLE_WARNING);
    });
  }
);
