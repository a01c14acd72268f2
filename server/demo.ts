// `npm start`: the whole demo in one process (docs/api.md, "The demo").
//
//   bots, web, you ── TCP ──▶ tap (--chat-port, default 5000) ── TCP ──▶ chat server (a free port)
//                              │ pcapng + JSON-lines spool in captures/
//                              ▼
//   browser ── HTTP/SSE ──▶ SvelteKit (build/handler.js on --web-port, default 3000)
//
// The web app runs in this same process and reaches the capture through one handle registered on
// globalThis[Symbol.for('cbc-lab.demo')] (read by src/lib/server/demo.ts). Everything binds 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdirSync, accessSync, readFileSync, rmSync, constants as fsConstants } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bytesToHex, hexToBytes } from '../src/lib/crypto/bytes.ts';
import type { SealedSuite } from '../src/lib/protocol/index.ts';
import type { DemoHandle, SendFailure, SendSuite } from '../src/lib/server/demo-handle.ts';
import { ChatClient, type Incoming } from './chat-client.ts';
import { ChatServer } from './chat-server.ts';
import { UsageError, parseFlags } from './cli.ts';
import { buildIfNeeded } from './start.ts';
import { startTap } from './tap.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_SYMBOL = Symbol.for('cbc-lab.demo');
export const DEFAULT_WEB_PORT = 3000;
export const DEFAULT_CHAT_PORT = 5000;
/** a bot speaks about this often (the two take turns, so the room hears one every half of it) */
export const DEFAULT_BOT_INTERVAL_MS = 4000;
/** AES-256, as the multi-client chat seed uses */
export const DEMO_KEY_BYTES = 32;
const SEND_TIMEOUT_MS = 5000;
const MAX_WEB_CLIENTS = 8;

export interface DemoOptions {
  /** 0: any free port */
  webPort?: number;
  /** where clients connect: the tap. 0: any free port */
  chatPort?: number;
  /** the pre-shared key (16, 24 or 32 bytes, or hex); default a random 32-byte demo key for this run */
  key?: Uint8Array | string;
  bots?: boolean;
  botIntervalMs?: number;
  host?: string;
  /** where the pcapng and the spool go; default captures/ in the repository, else os.tmpdir() */
  captureDir?: string;
  /** run buildIfNeeded() first (default true) */
  build?: boolean;
  /** frames the capture keeps in memory before it reads older ones back from the spool (the tap's default: 10,000) */
  memoryFrames?: number;
  /** lesson 2: the chat server answers bad padding apart (a padding oracle, for teaching only); default off */
  paddingOracle?: boolean;
}

export interface RunningDemo {
  webUrl: string;
  chatPort: number;
  /** the chat server's own port, behind the tap */
  serverPort: number;
  /** hex */
  key: string;
  pcapngPath: string;
  spoolPath: string;
  stop(): Promise<void>;
}

/** A port that is taken: says which flag moves us elsewhere. */
export class PortInUseError extends Error {
  readonly code = 'ERR_PORT_IN_USE';
  constructor(
    readonly flag: string,
    readonly port: number,
    readonly host: string
  ) {
    // macOS's AirPlay Receiver listens on port 5000, the default --chat-port: name the likely culprit.
    const who = process.platform === 'darwin' && port === 5000 ? 'on macOS, often the AirPlay Receiver' : 'another program, or another npm start, is listening there';
    super(`port ${port} on ${host} is in use (${who}); choose another with ${flag} <port>`);
    this.name = 'PortInUseError';
  }
}

function listenError(err: unknown, flag: string, port: number, host: string): Error {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'EADDRINUSE') return new PortInUseError(flag, port, host);
  if (code === 'EACCES') return new Error(`port ${port} on ${host}: permission denied; choose a port above 1023 with ${flag} <port>`);
  return err instanceof Error ? err : new Error(String(err));
}

// Pleasant sentences that also say what the class is looking at.
export const ALICE_LINES = [
  'Good morning, Bob! The sun is out and the coffee is on.',
  'Every message I send gets a fresh random IV.',
  'Same words twice, different ciphertext: that is the IV at work.',
  'I speak the line framing: base64 of IV and ciphertext, then a newline.',
  'Shall we meet at the library at four?',
  'My short notes are padded up to a whole 16-byte block.'
];
export const BOB_LINES = [
  'Morning, Alice! I saved you a cinnamon roll.',
  'My frames carry an HMAC tag, so a flipped bit is caught.',
  'Encrypt, then MAC: the receiver checks the tag before it decrypts.',
  'Four works for me. I will bring the notes on block ciphers.',
  'AES only ever sees 16 bytes at a time; CBC chains the blocks.',
  'Did you spot my header? Type, suite, sequence number, length.'
];

interface Bot {
  name: string;
  start(): void;
  sayBye(): Promise<void>;
}

/** A client that connects through the tap and speaks every `interval` ms; reconnects if dropped. */
function makeBot(o: {
  host: string;
  port: number;
  key: Uint8Array;
  name: string;
  framing: 'line' | 'native';
  suite: SealedSuite;
  lines: string[];
  goodbye: string;
  interval: number;
  delay: number;
}): Bot {
  let client: ChatClient | null = null;
  let timer: NodeJS.Timeout | null = null;
  let next = 0;
  let stopping = false;
  const connect = async (): Promise<void> => {
    if (stopping) return;
    const c = new ChatClient({ host: o.host, port: o.port, key: o.key, name: o.name, framing: o.framing, suite: o.suite });
    c.on('close', () => {
      if (client === c) client = null;
      if (!stopping) setTimeout(() => void connect().catch(() => {}), 1000).unref();
    });
    try {
      await c.connect();
      client = c;
    } catch {
      if (!stopping) setTimeout(() => void connect().catch(() => {}), 1000).unref();
    }
  };
  const speak = () => {
    if (stopping) return;
    if (client && !client.closed) client.send(o.lines[next++ % o.lines.length]);
    timer = setTimeout(speak, o.interval);
  };
  return {
    name: o.name,
    start() {
      void connect().then(() => {
        if (!stopping) timer = setTimeout(speak, o.delay);
      });
    },
    async sayBye() {
      stopping = true;
      if (timer) clearTimeout(timer);
      const c = client;
      if (!c || c.closed) return;
      // A goodbye the class can read, then (native) a bye frame; wait for the ack so both are on the wire.
      const acked = new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 1000);
        c.on('message', (m: Incoming) => {
          if (m.kind === 'ack') {
            clearTimeout(t);
            resolve();
          }
        });
        c.on('close', () => {
          clearTimeout(t);
          resolve();
        });
      });
      c.send(o.goodbye);
      await acked;
      await c.end();
    }
  };
}

/** The page's own participants: one chat client per name and suite, through the tap. */
class WebSenders {
  private clients = new Map<string, { client: ChatClient; ready: Promise<void>; waiting: ((r: { ok: true } | SendFailure) => void)[] }>();
  private closed = false;
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly key: Uint8Array
  ) {}

  async send(o: { text: string; name: string; suite: SendSuite }): Promise<{ ok: true } | SendFailure> {
    if (this.closed) return { status: 503, code: 'ERR_NO_CAPTURE', message: 'the demo is stopping' };
    const id = `${o.suite}\u0000${o.name}`;
    let entry = this.clients.get(id);
    if (entry && entry.client.closed) {
      this.clients.delete(id);
      entry = undefined;
    }
    if (!entry) {
      if (this.clients.size >= MAX_WEB_CLIENTS) {
        // least recently used goes (Map keeps insertion order; a use re-inserts)
        const [oldId, old] = this.clients.entries().next().value!;
        this.clients.delete(oldId);
        void old.client.end();
      }
      const client = new ChatClient({ host: this.host, port: this.port, key: this.key, name: o.name, framing: 'native', suite: o.suite });
      const waiting: ((r: { ok: true } | SendFailure) => void)[] = [];
      client.on('message', (m: Incoming) => {
        // §8.3: the server answers each of our chats with an ack, or an error frame, in order
        if (m.kind === 'ack') waiting.shift()?.({ ok: true });
        else if (m.kind === 'error') waiting.shift()?.({ status: 502, code: m.code, message: `chat server: ${m.message}` });
      });
      client.on('close', (err: { code?: string; message?: string } | null) => {
        for (const w of waiting.splice(0)) w({ status: 502, code: err?.code ?? 'ERR_CHAT_CLOSED', message: `chat server closed the connection${err?.message ? `: ${err.message}` : ''}` });
      });
      entry = { client, ready: client.connect(), waiting };
    } else {
      this.clients.delete(id);
    }
    this.clients.set(id, entry);
    try {
      await entry.ready;
    } catch (err) {
      this.clients.delete(id);
      return { status: 502, code: 'ERR_CHAT_UNREACHABLE', message: `cannot reach the chat port ${this.port}: ${(err as Error).message}` };
    }
    const e = entry;
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: { ok: true } | SendFailure) => {
        if (done) return;
        done = true;
        clearTimeout(t);
        resolve(r);
      };
      const t = setTimeout(() => finish({ status: 504, code: 'ERR_SEND_TIMEOUT', message: `no answer from the chat server within ${SEND_TIMEOUT_MS / 1000} s` }), SEND_TIMEOUT_MS);
      e.waiting.push(finish);
      e.client.send(o.text);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.clients.values()].map((e) => e.client.end()));
    this.clients.clear();
  }
}

function pickCaptureDir(preferred: string | undefined): string {
  const candidates = preferred ? [preferred] : [join(root, 'captures'), join(tmpdir(), 'cbc-lab-captures')];
  let lastErr: unknown;
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, fsConstants.W_OK);
      return dir;
    } catch (err) {
      lastErr = err;
    }
  }
  throw new Error(`capture folder: cannot write to ${candidates.join(' or ')}: ${(lastErr as Error).message}`);
}

function parseKey(key: Uint8Array | string | undefined): Uint8Array {
  if (key === undefined) return new Uint8Array(randomBytes(DEMO_KEY_BYTES));
  const bytes = typeof key === 'string' ? hexToBytes(key, '--key') : key;
  if (bytes.length !== 16 && bytes.length !== 24 && bytes.length !== 32) {
    throw new RangeError(`--key: expected 16, 24 or 32 bytes (32, 48 or 64 hex digits), got ${bytes.length} bytes`);
  }
  return bytes;
}

type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;

async function loadHandler(): Promise<NodeHandler> {
  const url = pathToFileURL(join(root, 'build', 'handler.js')).href;
  const mod = (await import(/* @vite-ignore */ url)) as { handler: NodeHandler };
  return mod.handler;
}

function listenHttp(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(listenError(err, '--web-port', port, host)));
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Start the chat server, the tap in front of it, the bots and the web app. */
export async function startDemo(o: DemoOptions = {}): Promise<RunningDemo> {
  const host = o.host ?? '127.0.0.1';
  const webPort = o.webPort ?? DEFAULT_WEB_PORT;
  const chatPortWanted = o.chatPort ?? DEFAULT_CHAT_PORT;
  const key = parseKey(o.key);
  const keyHex = bytesToHex(key);
  const g = globalThis as Record<symbol, unknown>;
  if (g[DEMO_SYMBOL]) throw new Error('a demo is already running in this process; stop it first');
  if (o.build !== false) buildIfNeeded();
  const handler = await loadHandler();

  const dir = pickCaptureDir(o.captureDir);
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  const base = join(dir, `demo-${stamp}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`);
  const pcapngPath = `${base}.pcapng`;
  const spoolPath = `${base}.frames.jsonl`;

  const undo: (() => Promise<void> | void)[] = [];
  const rollback = async () => {
    for (const u of undo.reverse()) await u();
  };
  try {
    // No log file: the capture is the record, and the demo writes no key and no plaintext anywhere.
    const chat = new ChatServer({ key, host, port: 0, logPath: null, paddingOracle: o.paddingOracle === true });
    const serverAddr = await chat.listen();
    undo.push(() => chat.close());

    let tap: Awaited<ReturnType<typeof startTap>>;
    try {
      tap = await startTap({ listenHost: host, listenPort: chatPortWanted, targetHost: host, targetPort: serverAddr.port, pcapPath: pcapngPath, spoolPath, memoryFrames: o.memoryFrames, onWarning: (m) => process.stderr.write(`${m}\n`) });
    } catch (err) {
      throw listenError(err, '--chat-port', chatPortWanted, host);
    }
    undo.push(() => tap.close());
    const chatPort = tap.port;

    const web = createServer((req, res) => handler(req, res, () => {
      res.statusCode = 404;
      res.end('not found');
    }));
    const webPortActual = await listenHttp(web, webPort, host);
    web.on('error', (err) => process.stderr.write(`cbc-lab demo: web server: ${err.message}\n`));
    const webUrl = `http://${host}:${webPortActual}`;
    undo.push(
      () =>
        new Promise<void>((resolve) => {
          web.close(() => resolve());
          web.closeAllConnections();
        })
    );

    const senders = new WebSenders(host, chatPort, key);
    undo.push(() => senders.close());
    const abort = new AbortController();
    const handle: DemoHandle = {
      key: keyHex,
      keySize: key.length,
      chatPort,
      webUrl,
      store: tap.store,
      send: (m) => senders.send(m),
      signal: abort.signal,
      paddingOracle: o.paddingOracle === true
    };
    g[DEMO_SYMBOL] = handle;
    undo.push(() => {
      abort.abort();
      if (g[DEMO_SYMBOL] === handle) delete g[DEMO_SYMBOL];
    });

    const bots: Bot[] = [];
    if (o.bots !== false) {
      const interval = o.botIntervalMs ?? DEFAULT_BOT_INTERVAL_MS;
      bots.push(
        makeBot({ host, port: chatPort, key, name: 'alice', framing: 'line', suite: 'cbc', lines: ALICE_LINES, goodbye: 'Class is over. Bye, everyone!', interval, delay: Math.min(500, interval / 4) }),
        makeBot({ host, port: chatPort, key, name: 'bob', framing: 'native', suite: 'cbc-hmac', lines: BOB_LINES, goodbye: 'See you tomorrow, Alice. Bye!', interval, delay: interval / 2 })
      );
      for (const b of bots) b.start();
    }

    let stopping: Promise<void> | null = null;
    const stop = () =>
      (stopping ??= (async () => {
        // Bots say goodbye and bye; the page's clients leave; the server says bye to everyone else;
        // then the tap writes the last packets and closes the capture; then the web app goes.
        await Promise.all(bots.map((b) => b.sayBye()));
        await senders.close();
        await chat.close('the demo is stopping');
        await tap.close();
        abort.abort();
        if (g[DEMO_SYMBOL] === handle) delete g[DEMO_SYMBOL];
        await new Promise<void>((resolve) => {
          web.close(() => resolve());
          web.closeIdleConnections();
          setTimeout(() => {
            web.closeAllConnections();
          }, 200).unref();
        });
      })());

    return { webUrl, chatPort, serverPort: serverAddr.port, key: keyHex, pcapngPath, spoolPath, stop };
  } catch (err) {
    await rollback().catch(() => {});
    // a demo that never ran leaves no empty capture behind
    for (const p of [pcapngPath, spoolPath]) rmSync(p, { force: true });
    throw err;
  }
}

const USAGE = 'npm start -- [--web-port 3000] [--chat-port 5000] [--key <hex>] [--no-bots] [--padding-oracle]';
const HELP = `usage: ${USAGE}
   or: node --import tsx server/demo.ts [same options]

The whole CBC Lab demo in one process: the web app, the chat server, the capture tap in front
of it (everything on the wire is recorded to captures/), and two bots that chat.

Options:
  --web-port <n>   the web app's port (default ${DEFAULT_WEB_PORT}; 0: any free port)
  --chat-port <n>  where chat clients connect: the tap (default ${DEFAULT_CHAT_PORT}; 0: any free port);
                   the chat server itself sits behind it on a free port of its own
  --key <hex>      the demo's pre-shared key, 32, 48 or 64 hex digits (default: a fresh random
                   AES-256 key for each run)
  --no-bots        no bot clients; only you and the page chat
  --padding-oracle the chat server answers bad padding apart from bad text (ERR_BAD_PADDING vs
                   ERR_BAD_UTF8) for the cbc suite and line framing: a deliberate padding oracle
                   for /lessons/padding-oracle. For teaching only; off by default
  -h, --help       this text

The capture (pcapng, and the frames as JSON lines) goes to captures/ in the repository, or to
$CBC_LAB_CAPTURE_DIR when set (os.tmpdir() when captures/ cannot be written). CBC_LAB_NO_BUILD=1
serves build/ as it is, without checking it against the sources (tests that built it already).

Everything binds 127.0.0.1. Ctrl-C, SIGTERM or SIGHUP (the terminal closed) stop it all cleanly;
under npm start, so does killing npm itself. Exit status: 0 stopped cleanly, 1 a port in use or a
failed start, 2 a usage error.
`;

function portValue(flag: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new UsageError('ERR_BAD_OPTION_VALUE', `--${flag}: expected a port 0..65535, got ${JSON.stringify(v)}`);
  return Number(v);
}

export interface DemoArgs {
  help: boolean;
  webPort: number;
  chatPort: number;
  key?: Uint8Array;
  bots: boolean;
  paddingOracle: boolean;
}

export function parseDemoArgs(argv: string[]): DemoArgs {
  const f = parseFlags(argv, { values: { 'web-port': null, 'chat-port': null, key: null }, booleans: ['no-bots', 'padding-oracle'] });
  if (f.positionals.length) throw new UsageError('ERR_EXTRA_ARGUMENT', `unexpected argument ${JSON.stringify(f.positionals[0])}`);
  const webPort = portValue('web-port', f.values['web-port'], DEFAULT_WEB_PORT);
  const chatPort = portValue('chat-port', f.values['chat-port'], DEFAULT_CHAT_PORT);
  if (webPort !== 0 && webPort === chatPort) throw new UsageError('ERR_BAD_OPTION_VALUE', `--web-port and --chat-port: expected two different ports, got ${webPort} for both`);
  let key: Uint8Array | undefined;
  if (f.values.key !== undefined) {
    try {
      key = parseKey(f.values.key);
    } catch (err) {
      throw new UsageError('ERR_BAD_OPTION_VALUE', (err as Error).message);
    }
  }
  return { help: f.help, webPort, chatPort, key, bots: !f.booleans['no-bots'], paddingOracle: f.booleans['padding-oracle'] === true };
}

/** Fail before the (slow) build when a port is taken. */
function checkPortFree(port: number, host: string, flag: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', (err) => reject(listenError(err, flag, port, host)));
    s.listen(port, host, () => s.close(() => resolve()));
  });
}

async function main(): Promise<void> {
  let args: DemoArgs;
  try {
    args = parseDemoArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`cbc-lab demo: ${err.code}: ${err.message}\n\nusage: ${USAGE}\nRun \`npm start -- --help\` for details.\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(HELP);
    return;
  }
  const host = '127.0.0.1';
  let demo: RunningDemo;
  try {
    await checkPortFree(args.webPort, host, '--web-port');
    await checkPortFree(args.chatPort, host, '--chat-port');
    demo = await startDemo({ webPort: args.webPort, chatPort: args.chatPort, key: args.key, bots: args.bots, paddingOracle: args.paddingOracle, host, captureDir: process.env.CBC_LAB_CAPTURE_DIR || undefined, build: process.env.CBC_LAB_NO_BUILD !== '1' });
  } catch (err) {
    process.stderr.write(`cbc-lab demo: ${err instanceof PortInUseError ? `${err.code}: ` : ''}${(err as Error).message}\n`);
    process.exit(1);
  }
  const rel = relative(process.cwd(), demo.pcapngPath);
  const lines = [
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
    `  Capture:            ${rel.startsWith('..') ? demo.pcapngPath : rel}`,
    args.bots ? `  Bots:               alice (line framing, cbc) and bob (native framing, cbc-hmac) chat every few seconds` : '  Bots:               off (--no-bots)',
    '',
    'Press Ctrl-C to stop.',
    ''
  ];
  process.stdout.write(lines.join('\n'));
  if (args.paddingOracle) {
    process.stderr.write(
      '\nWARNING: --padding-oracle makes this server answer differently for bad padding; for teaching only.\n' +
        '         Anyone who can reach the chat port can decrypt cbc and line traffic without the key (/lessons/padding-oracle).\n\n'
    );
  }

  let stopping = false;
  let firstSignalAt = 0;
  const stopAll = (why: string) => {
    stopping = true;
    process.stdout.write(`\n${why}Stopping: every client is told bye, then the capture is closed…\n`);
    const force = setTimeout(() => {
      process.stderr.write('cbc-lab demo: the clean stop took over 10 s; exiting\n');
      process.exit(1);
    }, 10_000);
    force.unref();
    demo.stop().then(
      () => {
        process.stdout.write(`Stopped. The capture is in ${rel.startsWith('..') ? demo.pcapngPath : rel}\n`);
        process.exit(0);
      },
      (err) => {
        process.stderr.write(`cbc-lab demo: stopping failed: ${(err as Error).message}\n`);
        process.exit(1);
      }
    );
  };
  const onSignal = (sig: NodeJS.Signals) => {
    if (stopping) {
      // Ctrl-C reaches every process of the terminal's group, and npm forwards its own copy too:
      // the same signal again within a moment is that copy, not a person pressing Ctrl-C twice.
      if (Date.now() - firstSignalAt < DUPLICATE_SIGNAL_MS) return;
      process.stderr.write(`cbc-lab demo: ${sig} again: exiting without a clean stop\n`);
      process.exit(1);
    }
    firstSignalAt = Date.now();
    stopAll('');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // the terminal closed (or `kill -HUP`): stop as cleanly as for Ctrl-C
  process.on('SIGHUP', onSignal);
  watchParent(() => {
    if (!stopping) stopAll('The process that started this demo (npm start) has exited. ');
  });
}

/**
 * a repeat of a signal that arrives sooner than this after the first is the same stop request:
 * npm's forwarded copy of Ctrl-C comes within milliseconds, but on a loaded machine it was seen
 * later than 0.5 s; a clean stop takes well under 2 s, so a person's second Ctrl-C rarely lands here
 */
const DUPLICATE_SIGNAL_MS = 2000;

/**
 * Under `npm start`, stop when the process that started us is gone. `kill <pid of npm>` sends
 * SIGTERM to npm, npm passes it to the shell that runs the script, and a shell that does not exec
 * its last command (dash, Debian's and Ubuntu's /bin/sh) dies of it without passing it on: we
 * would run on, orphaned, holding both ports. Node cannot ask the kernel for a signal when the
 * parent dies (prctl PR_SET_PDEATHSIG), so poll: a parent that has exited is no longer there.
 * When the parent is that shell, npm above it is watched too (where /proc tells us who it is), so
 * that `kill -9` of npm, which leaves the shell waiting, stops the demo as well.
 * Run directly (`node --import tsx server/demo.ts &`), the demo outlives its shell as any program.
 */
function watchParent(onGone: () => void): void {
  if (!process.env.npm_lifecycle_event || process.ppid <= 1) return;
  const watched = [process.ppid];
  const shell = procStat(process.ppid);
  if (shell && /^(sh|dash|bash|zsh|ksh|mksh|busybox)$/.test(shell.comm) && shell.ppid > 1) watched.push(shell.ppid);
  const timer = setInterval(() => {
    for (const pid of watched) {
      try {
        process.kill(pid, 0);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') continue;
        clearInterval(timer);
        onGone();
        return;
      }
    }
  }, 250);
  timer.unref();
}

/** A process's name and parent from /proc (Linux); null elsewhere. */
function procStat(pid: number): { comm: string; ppid: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const ppid = Number(stat.slice(close + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? { comm, ppid } : null;
  } catch {
    return null;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => {
    process.stderr.write(`cbc-lab demo: ${(err as Error)?.message ?? err}\n`);
    process.exit(1);
  });
}
