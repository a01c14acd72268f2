// `npm start`: the whole demo in one process (docs/api.md, "The demo").
//
//   bots, web, you ── TCP ──▶ tap (--chat-port, default 5000) ── TCP ──▶ chat server (a free port)
//                              │ pcapng + JSON-lines spool in captures/
//                              ▼
//   browser ── HTTP/SSE ──▶ SvelteKit (build/handler.js on --web-port, default 3000)
//
// The web app runs in this same process and reaches the capture through one handle registered on
// globalThis[DEMO_SYMBOL] (read by src/lib/server/demo.ts). Everything binds 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionWho } from '../../src/lib/protocol/capture.ts';
import { accessSync, constants as fsConstants, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bytesToHex } from '../../src/lib/crypto/bytes.ts';
import { DEMO_SYMBOL, type DemoHandle } from '../../src/lib/server/demo-handle.ts';
import { ChatServer } from '../chat/server.ts';
import { buildIfNeeded } from '../start.ts';
import { startTap } from '../tap/tap.ts';
import { demoBots } from './bots.ts';
import { DEFAULT_BOT_INTERVAL_MS, DEFAULT_CHAT_PORT, DEFAULT_WEB_PORT, demoKey } from './defaults.ts';
import { listenError } from './ports.ts';
import { stopParts, type DemoParts } from './teardown.ts';
import { WebSenders } from './web-senders.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

/** Start the chat server, the tap in front of it, the web app and the bots. */
export async function startDemo(o: DemoOptions = {}): Promise<RunningDemo> {
  const host = o.host ?? '127.0.0.1';
  const key = demoKey(o.key);
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

  const parts: DemoParts = { bots: [] };
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= stopParts(parts));
  try {
    // No log file: the capture is the record, and the demo writes no key and no plaintext anywhere.
    const chat = new ChatServer({ key, host, port: 0, logPath: null, paddingOracle: o.paddingOracle === true });
    const serverAddr = await chat.listen();
    parts.chat = chat;

    const chatPortWanted = o.chatPort ?? DEFAULT_CHAT_PORT;
    const tap = await startTap({
      listenHost: host,
      listenPort: chatPortWanted,
      targetHost: host,
      targetPort: serverAddr.port,
      pcapPath: pcapngPath,
      spoolPath,
      memoryFrames: o.memoryFrames,
      onWarning: (m) => process.stderr.write(`${m}\n`)
    }).catch((err: unknown) => {
      throw listenError(err, '--chat-port', chatPortWanted, host);
    });
    parts.tap = tap;
    const chatPort = tap.port;

    const web = createServer((req, res) =>
      handler(req, res, () => {
        res.statusCode = 404;
        res.end('not found');
      })
    );
    const webUrl = `http://${host}:${await listenHttp(web, o.webPort ?? DEFAULT_WEB_PORT, host)}`;
    web.on('error', (err) => process.stderr.write(`cbc-lab demo: web server: ${err.message}\n`));
    parts.web = web;

    // the demo's own connections, named in the capture: /live shows who spoke, not guest-N and a port
    const name = (client: string, who: ConnectionWho) => tap.store.nameConnection(client, who);
    const senders = new WebSenders(host, chatPort, key, (n, address) =>
      name(address, { name: `${n} (sent from a web page)`, kind: 'web' })
    );
    parts.senders = senders;
    const abort = new AbortController();
    const handle: DemoHandle = {
      key: keyHex,
      keySize: key.length,
      chatPort,
      webUrl,
      store: tap.store,
      nameConnection: name,
      send: (m) => senders.send(m),
      signal: abort.signal,
      paddingOracle: o.paddingOracle === true
    };
    g[DEMO_SYMBOL] = handle;
    parts.unregister = () => {
      abort.abort();
      if (g[DEMO_SYMBOL] === handle) delete g[DEMO_SYMBOL];
    };

    if (o.bots !== false) {
      parts.bots = demoBots({
        host,
        port: chatPort,
        key,
        interval: o.botIntervalMs ?? DEFAULT_BOT_INTERVAL_MS,
        onConnect: (n, address) => name(address, { name: `${n} (bot)`, kind: 'bot' })
      });
      for (const b of parts.bots) b.start();
    }
    return { webUrl, chatPort, serverPort: serverAddr.port, key: keyHex, pcapngPath, spoolPath, stop };
  } catch (err) {
    await stop().catch(() => {});
    // a demo that never ran leaves no empty capture behind
    for (const p of [pcapngPath, spoolPath]) rmSync(p, { force: true });
    throw err;
  }
}
