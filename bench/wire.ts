// `npm run bench -- wire`: the chat server on 127.0.0.1 under load. The server runs in a child
// process (this file, started with --wire-child) so that the clients, in this process, do not
// share its event loop; on a two-core machine that is one core each. Clients are lean: they count
// frames by their header (native) or line length (line), and one observer client per run
// decrypts every relay it receives to time it. Each message carries its send time.
import { fork, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import type { Section } from './run.ts';
import { ChatServer } from '../server/chat/server.ts';
import { deriveKeys, openFrame, openLine, sealFrame, sealLine } from '../server/suites.ts';
import { FrameDecoder, type NativeFrame } from '../src/lib/protocol/index.ts';

const KEY = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const keys = deriveKeys(KEY);
const MESSAGE_BYTES = 64;
const WINDOW = 64; // a flooding client keeps this many messages unacknowledged
const WARMUP_MS = 400;
const MEASURE_MS = 1600;
const PACED_RATE = 1000; // messages per second into the server, all clients together

type Framing = 'line' | 'native';

// ---------------------------------------------------------------- the server, in a child process

interface ChildStats {
  stats: ChatServer['stats'];
  clients: number;
  rss: number;
  /** user + system CPU time of the server process, µs */
  cpu: number;
}

if (process.argv.includes('--wire-child')) {
  const opts = JSON.parse(process.argv[process.argv.indexOf('--wire-child') + 1]) as {
    log: string | null;
    batch: boolean;
  };
  const server = new ChatServer({
    key: KEY,
    host: '127.0.0.1',
    port: 0,
    logPath: opts.log,
    idleTimeout: 0,
    maxClients: 1000,
    ...(opts.batch ? {} : { scheduleFlush: (flush: () => void) => flush() })
  });
  const addr = await server.listen();
  process.send!({ port: addr.port });
  process.on('message', (m: string) => {
    if (m === 'stats') {
      const cpu = process.cpuUsage();
      process.send!({
        stats: server.stats,
        clients: server.clientCount,
        rss: process.memoryUsage().rss,
        cpu: cpu.user + cpu.system
      } satisfies ChildStats);
    }
    if (m === 'close') void server.close().then(() => process.exit(0));
  });
}

class ServerChild {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number
  ) {}
  static start(opts: { log: string | null; batch: boolean }): Promise<ServerChild> {
    return new Promise((resolve, reject) => {
      const child = fork(fileURLToPath(import.meta.url), ['--wire-child', JSON.stringify(opts)], {
        execArgv: [
          '--import',
          'tsx',
          ...(process.env.WIRE_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.WIRE_PROFILE] : [])
        ],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc']
      });
      child.once('message', (m: { port: number }) => resolve(new ServerChild(child, m.port)));
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the server child exited with ${code}`)));
    });
  }
  stats(): Promise<ChildStats> {
    return new Promise((resolve) => {
      this.child.once('message', (m: ChildStats) => resolve(m));
      this.child.send('stats');
    });
  }
  async close(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.send('close');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    this.child.kill('SIGKILL');
  }
}

// ---------------------------------------------------------------- lean clients

// Line framing carries no type; with 64-byte messages the kinds have fixed line lengths:
// the ack (39 bytes of text) is 88 characters, a relay ("name: " + 64 bytes) 128.
const ACK_LINE = 88;
const RELAY_LINE = 128;

class BenchClient {
  relays = 0;
  acks = 0;
  sent = 0;
  latencies: number[] = [];
  measuring = false;
  messageBytes = MESSAGE_BYTES;
  onAck: (() => void) | null = null;
  private seq = 1;
  private sendTimes: number[] = [];
  private sendHead = 0;
  private pending: Buffer | null = null;
  private constructor(
    readonly socket: Socket,
    readonly framing: Framing,
    readonly name: string,
    readonly observer: boolean
  ) {}

  static open(port: number, framing: Framing, name: string, observer: boolean): Promise<BenchClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, noDelay: true }, () => {
        const c = new BenchClient(s, framing, name, observer);
        s.on('data', (d: Buffer) => c.onData(d));
        s.on('error', () => {});
        if (framing === 'native') {
          s.write(sealFrame(keys, { type: 'hello', suite: 'cbc', seq: 0, plaintext: Buffer.from(name) }));
          c.onHello = () => resolve(c);
        } else {
          // a line client enters the room with its first message (docs/protocol.md §8.2)
          c.sendOne();
          c.onAckOnce = () => resolve(c);
        }
      });
      s.once('error', reject);
    });
  }
  private onHello: (() => void) | null = null;
  private onAckOnce: (() => void) | null = null;

  sendOne(): void {
    const now = performance.now();
    const text = Buffer.alloc(this.messageBytes, 0x78);
    text.write(now.toFixed(3).padStart(14, '0') + '|');
    this.sendTimes.push(now);
    this.sent++;
    if (this.framing === 'line') this.socket.write(sealLine(KEY, text));
    else this.socket.write(sealFrame(keys, { type: 'chat', suite: 'cbc', seq: this.seq++, plaintext: text }));
  }

  private ack(): void {
    const sentAt = this.sendTimes[this.sendHead++];
    if (this.sendHead > 4096) {
      this.sendTimes = this.sendTimes.slice(this.sendHead);
      this.sendHead = 0;
    }
    this.acks++;
    // one client alone has nobody to relay to: its latency is the ack's round trip
    if (this.observer && this.measuring && sentAt !== undefined && !this.relayTiming)
      this.latencies.push(performance.now() - sentAt);
    if (this.onAckOnce) {
      const f = this.onAckOnce;
      this.onAckOnce = null;
      f();
    }
    this.onAck?.();
  }
  relayTiming = true;

  private relay(text: string): void {
    this.relays++;
    if (!this.observer || !this.measuring || !this.relayTiming) return;
    const at = text.indexOf(': ');
    this.latencies.push(performance.now() - Number(text.slice(at + 2, at + 16)));
  }

  private onData(d: Buffer): void {
    this.socket.cork();
    if (this.framing === 'line') {
      let start = 0;
      let buf = d;
      if (this.pending) {
        buf = Buffer.concat([this.pending, d]);
        this.pending = null;
      }
      for (;;) {
        const nl = buf.indexOf(10, start);
        if (nl < 0) break;
        const len = nl - start;
        if (len === ACK_LINE) this.ack();
        else if (len === RELAY_LINE) {
          if (this.observer && this.measuring && this.relayTiming)
            this.relay(openLine(KEY, buf.toString('latin1', start, nl)).toString());
          else this.relays++;
        }
        start = nl + 1;
      }
      if (start < buf.length) this.pending = buf.subarray(start);
    } else {
      let buf = d;
      if (this.pending) {
        buf = Buffer.concat([this.pending, d]);
        this.pending = null;
      }
      let at = 0;
      while (buf.length - at >= 13) {
        const total = 13 + buf.readUInt32BE(at + 9);
        if (buf.length - at < total) break;
        const type = buf[at + 3];
        if (type === 3) this.ack();
        else if (type === 2) {
          if (this.observer && this.measuring && this.relayTiming) {
            const f = new FrameDecoder({ framing: 'native' }).pushAll(buf.subarray(at, at + total))[0] as NativeFrame;
            this.relay(openFrame(keys, f).toString());
          } else this.relays++;
        } else if (type === 1 && this.onHello) {
          const f = this.onHello;
          this.onHello = null;
          f();
        }
        at += total;
      }
      if (at < buf.length) this.pending = buf.subarray(at);
    }
    this.socket.uncork();
  }

  close(): void {
    this.socket.destroy();
  }
}

// ---------------------------------------------------------------- scenarios

interface Result {
  /** share of one core the server used while measured */
  serverCpu: number;
  deliveries: number;
  acks: number;
  messagesIn: number;
  p50: number;
  p99: number;
  samples: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function openClients(port: number, n: number, framing: Framing): Promise<BenchClient[]> {
  const clients: BenchClient[] = [];
  for (let i = 0; i < n; i++) clients.push(await BenchClient.open(port, framing, `c${i}`, i === 0));
  if (n === 1) clients[0].relayTiming = false;
  await new Promise((r) => setTimeout(r, 50)); // let the join notices settle
  return clients;
}

async function waitEmpty(server: ServerChild): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await server.stats()).clients === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function measure(
  server: ServerChild,
  clients: BenchClient[],
  drive: (stop: () => boolean) => void
): Promise<Result> {
  let stopped = false;
  drive(() => stopped);
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const cpu0 = (await server.stats()).cpu;
  const r0 = clients.reduce((s, c) => s + c.relays, 0);
  const a0 = clients.reduce((s, c) => s + c.acks, 0);
  for (const c of clients) c.measuring = true;
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, MEASURE_MS));
  const secs = (performance.now() - t0) / 1000;
  for (const c of clients) c.measuring = false;
  const r1 = clients.reduce((s, c) => s + c.relays, 0);
  const a1 = clients.reduce((s, c) => s + c.acks, 0);
  const cpu1 = (await server.stats()).cpu;
  stopped = true;
  const lat = clients.flatMap((c) => c.latencies).sort((a, b) => a - b);
  return {
    serverCpu: (cpu1 - cpu0) / 1e6 / secs,
    deliveries: (r1 - r0) / secs,
    acks: (a1 - a0) / secs,
    messagesIn: (a1 - a0) / secs,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    samples: lat.length
  };
}

async function flood(server: ServerChild, n: number, framing: Framing): Promise<Result> {
  const clients = await openClients(server.port, n, framing);
  const result = await measure(server, clients, (stop) => {
    for (const c of clients) {
      c.onAck = () => {
        if (!stop()) c.sendOne();
      };
      c.socket.cork();
      for (let i = 0; i < WINDOW; i++) c.sendOne();
      c.socket.uncork();
    }
  });
  for (const c of clients) c.close();
  await waitEmpty(server);
  return result;
}

async function paced(server: ServerChild, n: number, framing: Framing): Promise<Result> {
  const clients = await openClients(server.port, n, framing);
  const result = await measure(server, clients, (stop) => {
    const t0 = performance.now();
    let sent = 0;
    const tick = () => {
      if (stop()) return;
      const due = Math.floor(((performance.now() - t0) / 1000) * PACED_RATE);
      for (; sent < due; sent++) clients[sent % n].sendOne();
      setTimeout(tick, 1);
    };
    tick();
  });
  for (const c of clients) c.close();
  await waitEmpty(server);
  return result;
}

/**
 * A never-reading client next to 10 flooding ones: what does it cost the server? The flood uses
 * 1 KiB messages so that the kernel's socket buffers for the sloth fill within a second.
 */
async function sloth(
  withSloth: boolean
): Promise<{ peakRss: number; peakQueued: number; dropped: number; droppedAfter: number; deliveries: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-bench-'));
  const server = await ServerChild.start({ log: join(dir, 'chat.log'), batch: true });
  let slothSocket: Socket | null = null;
  try {
    const clients = await openClients(server.port, 10, 'native');
    if (withSloth) {
      slothSocket = await new Promise<Socket>((resolve) => {
        const s = connect({ host: '127.0.0.1', port: server.port }, () => {
          s.pause(); // never reads
          s.write(sealFrame(keys, { type: 'hello', suite: 'cbc', seq: 0, plaintext: Buffer.from('sloth') }));
          resolve(s);
        });
        s.on('error', () => {});
      });
    }
    let peakRss = 0;
    const sampler = setInterval(async () => {
      peakRss = Math.max(peakRss, (await server.stats()).rss);
    }, 100);
    let stopped = false;
    for (const c of clients) {
      c.messageBytes = 1024;
      c.onAck = () => {
        if (!stopped) c.sendOne();
      };
      for (let i = 0; i < WINDOW; i++) c.sendOne();
    }
    const r0 = clients.reduce((s, c) => s + c.relays, 0);
    const t0 = performance.now();
    // without the sloth: 3 s; with it: until the server drops it (at most 12 s)
    let droppedAfter = NaN;
    while (performance.now() - t0 < (withSloth ? 12_000 : 3000)) {
      await new Promise((r) => setTimeout(r, 100));
      if (withSloth && (await server.stats()).stats.dropped > 0) {
        droppedAfter = (performance.now() - t0) / 1000;
        await new Promise((r) => setTimeout(r, 500)); // and the room carries on
        break;
      }
    }
    const deliveries = (clients.reduce((s, c) => s + c.relays, 0) - r0) / ((performance.now() - t0) / 1000);
    stopped = true;
    clearInterval(sampler);
    const st = await server.stats();
    for (const c of clients) c.close();
    return {
      peakRss: Math.max(peakRss, st.rss),
      peakQueued: st.stats.peakQueuedBytes,
      dropped: st.stats.dropped,
      droppedAfter,
      deliveries
    };
  } finally {
    slothSocket?.destroy();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- the section

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '—');
const MiB = (n: number) => (n / 2 ** 20).toFixed(1);

function row(load: string, framing: string, n: number, r: Result): (string | number)[] {
  const d = n === 1 ? r.acks : r.deliveries;
  return [
    load,
    framing,
    n,
    fmt(r.messagesIn),
    fmt(d),
    ms(r.p50),
    ms(r.p99),
    r.samples,
    `${Math.round(r.serverCpu * 100)}%`,
    fmt(d / Math.max(r.serverCpu, 0.01))
  ];
}

export async function run(): Promise<Section[]> {
  const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-bench-'));
  const rows: (string | number)[][] = [];
  const found = new Map<string, Result>();
  const server = await ServerChild.start({ log: join(dir, 'chat.log'), batch: true });
  try {
    await flood(server, 10, 'native'); // warm up the JIT on both sides
    for (const mode of ['flood', 'paced'] as const) {
      for (const framing of ['native', 'line'] as const) {
        for (const n of [1, 10, 50]) {
          const r = mode === 'flood' ? await flood(server, n, framing) : await paced(server, n, framing);
          found.set(`${mode}/${framing}/${n}`, r);
          rows.push(
            row(
              mode === 'flood' ? `flood (window ${WINDOW})` : `paced ${PACED_RATE}/s in`,
              framing === 'native' ? 'native cbc' : 'line',
              n,
              r
            )
          );
        }
      }
    }
  } finally {
    await server.close();
  }
  // what batching is worth: the same flood with one write per frame
  const unbatched = await ServerChild.start({ log: join(dir, 'chat2.log'), batch: false });
  let noBatch: Result;
  try {
    await flood(unbatched, 10, 'native');
    noBatch = await flood(unbatched, 50, 'native');
  } finally {
    await unbatched.close();
  }
  rows.push(row('flood, one write per frame', 'native cbc', 50, noBatch));
  rmSync(dir, { recursive: true, force: true });

  const without = await sloth(false);
  const withS = await sloth(true);

  const nat50 = found.get('flood/native/50')!.deliveries;
  const line50 = found.get('flood/line/50')!.deliveries;
  const p99n = found.get('paced/native/50')!.p99;
  const p99l = found.get('paced/line/50')!.p99;
  const rssCost = withS.peakRss - without.peakRss;
  const slothCost = Math.max(withS.peakQueued, rssCost);
  const batchGain = nat50 / noBatch.deliveries;
  const mark = (ok: boolean) => (ok ? 'met' : 'not met');

  return [
    {
      title: 'Wire: chat server throughput and latency',
      about:
        `The chat server (server/chat/server.ts, log on, default limits) in a child process on 127.0.0.1; the clients in the bench process. ` +
        `Messages are ${MESSAGE_BYTES} bytes of text, each sealed with a fresh IV. A delivery is a relayed message arriving at another client ` +
        `(with 1 client: an ack, since nobody else is there). Flooding clients keep ${WINDOW} messages unacknowledged; paced clients send ${PACED_RATE} messages/s in total. ` +
        `Latency is send → arrival at another client, timed by one observer client that decrypts every relay it gets (1 client: the ack's round trip). ` +
        `Each row: ${WARMUP_MS} ms warm-up, ${MEASURE_MS} ms measured. "server CPU" is the server process's CPU time over the wall time (100% = one core); ` +
        `deliveries per server CPU-second is the figure least disturbed by other load on a shared machine. The last row turns write batching off to show what it is worth.`,
      header: [
        'load',
        'framing',
        'clients',
        'messages in/s',
        'deliveries/s',
        'p50 ms',
        'p99 ms',
        'latency samples',
        'server CPU',
        'deliveries per server CPU-s'
      ],
      rows,
      targets: [
        `≥ 500,000 deliveries/s at 50 clients flooding 64-byte messages: native ${mark(nat50 >= 500_000)} (${fmt(nat50)}/s), line ${mark(line50 >= 500_000)} (${fmt(line50)}/s) ` +
          `(per server CPU-second: native ${fmt(nat50 / Math.max(found.get('flood/native/50')!.serverCpu, 0.01))}, line ${fmt(line50 / Math.max(found.get('flood/line/50')!.serverCpu, 0.01))}; load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores at the end)`,
        `p99 ≤ 10 ms at 1,000 messages/s in with 50 clients: native ${mark(p99n <= 10)} (${ms(p99n)} ms), line ${mark(p99l <= 10)} (${ms(p99l)} ms)`,
        `a client that never reads costs ≤ 16 MiB of server memory: ${mark(slothCost <= 16 * 2 ** 20)} — at most ${MiB(withS.peakQueued)} MiB queued for one connection; server RSS peak ${MiB(withS.peakRss)} MiB with it vs ${MiB(without.peakRss)} MiB without (${rssCost >= 0 ? '+' : ''}${MiB(rssCost)} MiB); ${withS.dropped ? `dropped (ERR_SLOW_READER) ${withS.droppedAfter.toFixed(1)} s into the flood, once the kernel's socket buffers (outside the server process) were full and it took nothing for 10 s` : 'not dropped within 12 s (the kernel still absorbed its share)'}; the 10 others kept ${fmt(withS.deliveries)} deliveries/s of 1 KiB (${fmt(without.deliveries)} without it)`,
        `batched writes vs one write per frame at 50 clients flooding: ${batchGain.toFixed(1)}× the deliveries/s`
      ]
    }
  ];
}
