// `npm run bench -- seed`: the chat server next to the seed project's design, driven by the same
// load client in the same run. The seed's design is /work/shared/anchors/seed-python/py_server.py
// (one thread per client, AES-256-CBC, base64 lines, decrypt and re-encrypt once per message);
// the load client is that folder's node_load_text.js (N senders + 1 reader that never sends,
// UTF-8 text messages, every socket read as fast as it can). Both are run from the shared folder
// as child processes, never copied here. SEED_DIR=<dir> points elsewhere.
//
// Every server runs in its own process, started fresh for each row: the load client must not
// share the server's event loop (on this 2-core machine that is one core each, as for the seed),
// and no row inherits another's queues. cbc-lab is the ChatServer of server/chat/server.ts built
// exactly as `cbc-lab server --key <bytes 0..31> --log none` builds it (defaults for every other
// option), in a child of this file so that it can report its counters (readers dropped) too.
// BENCH_SEED_CANDIDATE=[label=]<path of another chat/server.ts>[,…] adds rows for those files in
// the same run (a patch under test); BENCH_SEED_ONLY=flood|paced runs one half; BENCH_DEBUG=1
// prints each run.
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import os from 'node:os';
import type { Section } from './run.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SEED_DIR = resolve(process.env.SEED_DIR ?? join(root, '..', 'shared', 'anchors', 'seed-python'));
/** the seed's pre-shared key (py_server.py, node_load_text.js): bytes 0..31, AES-256 */
const KEY = Buffer.from([...Array(32).keys()]);
const CLIENTS = [1, 10, 50];
const MESSAGE_BYTES = 64;
/** open loop: each sender writes as fast as TCP takes it for this long; then 2 s for the rest to arrive */
const FLOOD_S = 3;
const FLOOD_MAX_PER_SENDER = 1_000_000;
const PACED_RATE = 1000; // messages per second into the server, all senders together
const PACED_S = 5; // long enough that a listener's first second (held, §8.2) is under 1% of the samples
const TARGET_RATIO = 5;
const TARGET_P99_MS = 10;

// ---------------------------------------------------------------- cbc-lab, in a child process

if (process.argv.includes('--seed-child')) {
  const path = process.argv[process.argv.indexOf('--seed-child') + 1];
  const { ChatServer } = (await import(pathToFileURL(path).href)) as typeof import('../server/chat/server.ts');
  // as server/cmd-server.ts does for `cbc-lab server --port 0 --key … --log none`
  const server = new ChatServer({ key: KEY, host: '127.0.0.1', port: 0, logPath: null });
  const addr = await server.listen();
  process.send!({ port: addr.port });
  process.on('message', (m: string) => {
    if (m === 'stats') process.send!({ stats: server.stats });
    if (m === 'close') void server.close().then(() => process.exit(0));
  });
  process.on('disconnect', () => process.exit(0));
}

// ---------------------------------------------------------------- the servers

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
  } catch {
    return 100;
  }
})();

/** user + system CPU seconds of a process, from /proc (Linux); NaN elsewhere or once it has exited */
function cpuSeconds(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return NaN;
  }
}

interface Running {
  child: ChildProcess;
  port: number;
  /** the server's own counters, where it has them: readers dropped, frames read */
  counters(): Promise<{ dropped: number; framesIn: number; errors: number } | null>;
}

interface ServerKind {
  name: string;
  start(): Promise<Running>;
}

function waitPort(child: ChildProcess, what: string): Promise<number> {
  return new Promise((resolvePort, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} printed no port within 10 s`)), 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolvePort(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code} before listening: ${out.trim()}`)));
  });
}

function seedServer(lifetimeS: number): ServerKind {
  return {
    name: 'seed (py_server.py)',
    async start() {
      const child = spawn(
        'python3',
        [join(SEED_DIR, 'py_server.py'), '--port', '0', '--lifetime', String(lifetimeS), '--mode', 'reencrypt'],
        { stdio: ['ignore', 'pipe', 'ignore'] }
      );
      return { child, port: await waitPort(child, 'py_server.py'), counters: async () => null };
    }
  };
}

function plainRelay(lifetimeS: number): ServerKind {
  return {
    name: 'plain Node relay (node_server.js cork=1)',
    async start() {
      const child = spawn(
        process.execPath,
        [join(SEED_DIR, 'node_server.js'), 'framing=b64line', 'mode=reencrypt', 'cork=1', `lifetime=${lifetimeS}`],
        { stdio: ['ignore', 'pipe', 'ignore'] }
      );
      return { child, port: await waitPort(child, 'node_server.js'), counters: async () => null };
    }
  };
}

function cbcLab(name: string, modulePath: string): ServerKind {
  return {
    name,
    start() {
      return new Promise((resolveStart, reject) => {
        const child = fork(fileURLToPath(import.meta.url), ['--seed-child', modulePath], {
          execArgv: ['--import', 'tsx'],
          stdio: ['ignore', 'ignore', 'inherit', 'ipc']
        });
        child.once('error', reject);
        child.once('exit', (code) => reject(new Error(`the cbc-lab child exited with ${code}`)));
        child.once('message', (m: { port: number }) =>
          resolveStart({
            child,
            port: m.port,
            counters: () =>
              new Promise((r) => {
                const t = setTimeout(() => r(null), 10_000); // a saturated server answers late
                child.once('message', (s: { stats: { dropped: number; framesIn: number; errors: number } }) => {
                  clearTimeout(t);
                  r({ dropped: s.stats.dropped, framesIn: s.stats.framesIn, errors: s.stats.errors });
                });
                child.send('stats');
              })
          })
        );
      });
    }
  };
}

async function stop(r: Running): Promise<void> {
  if (r.child.exitCode !== null || r.child.signalCode !== null) return;
  const exited = new Promise((res) => r.child.once('exit', res));
  if (r.child.connected) r.child.send('close');
  else r.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((res) => setTimeout(res, 3000))]);
  if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
}

// ---------------------------------------------------------------- a checking reader

/**
 * One more reader beside the load client's, in this process: it decrypts every line and follows
 * each sender's sequence numbers ("<sender> <seq> <ns> xxx…"), so a message lost, repeated or
 * reordered on the way to a reader that keeps reading is seen, which a count of lines cannot
 * tell. It speaks once before the load client connects (a line client is in the room once it
 * has spoken, §8.2; nobody else is there to hear it), then only reads, as fast as it can.
 */
class Probe {
  received = 0;
  /** seq numbers skipped, and seen again or out of order */
  gaps = 0;
  repeats = 0;
  /**
   * send → receipt in ms of every message it gets: the sender stamps process.hrtime (CLOCK_MONOTONIC,
   * one clock for every process on the machine), so this reader, which does little else, measures
   * the server's latency with less of the load client's own queueing in it
   */
  readonly latencies: number[] = [];
  lastAt = performance.now();
  private next = new Map<number, number>();
  private pending: Buffer | null = null;
  private constructor(readonly socket: Socket) {}

  static open(port: number): Promise<Probe> {
    return new Promise((resolveOpen, reject) => {
      const s = connect({ host: '127.0.0.1', port, noDelay: true }, () => {
        const p = new Probe(s);
        s.on('data', (d: Buffer) => p.onData(d));
        const iv = randomBytes(16);
        const c = createCipheriv('aes-256-cbc', KEY, iv);
        s.write(Buffer.concat([iv, c.update('probe'), c.final()]).toString('base64') + '\n');
        setTimeout(() => resolveOpen(p), 300); // its ack (cbc-lab) or nothing (the seed)
      });
      s.on('error', () => {});
      s.once('error', reject);
    });
  }

  private onData(d: Buffer): void {
    this.lastAt = performance.now();
    const buf = this.pending ? Buffer.concat([this.pending, d]) : d;
    this.pending = null;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
      const blob = Buffer.from(buf.toString('latin1', start, nl), 'base64');
      start = nl + 1;
      let text: string;
      try {
        const dec = createDecipheriv('aes-256-cbc', KEY, blob.subarray(0, 16));
        text = Buffer.concat([dec.update(blob.subarray(16)), dec.final()]).toString();
      } catch {
        continue;
      }
      const m = /(\d+) (\d+) (\d{10,}) /.exec(text); // acks, join and leave notices do not match
      if (!m) continue;
      this.received++;
      this.latencies.push(Number(process.hrtime.bigint() - BigInt(m[3])) / 1e6);
      const sender = Number(m[1]);
      const seq = Number(m[2]);
      const next = this.next.get(sender) ?? 0;
      if (seq >= next) {
        this.gaps += seq - next;
        this.next.set(sender, seq + 1);
      } else this.repeats++;
    }
    if (start < buf.length) this.pending = buf.subarray(start);
  }

  /**
   * After the load client is done: until it has what it is owed (which grows while the server
   * works through what it had read) and nothing came for 0.3 s, or nothing came for 1 s; at most 10 s.
   */
  async drain(owed: () => Promise<number>): Promise<void> {
    const t0 = performance.now();
    for (;;) {
      const quiet = performance.now() - this.lastAt;
      if (
        (this.received - this.repeats >= (await owed()) && quiet > 300) ||
        quiet > 1000 ||
        performance.now() - t0 > 10_000
      )
        return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

// ---------------------------------------------------------------- one run of the load client

interface LoadResult {
  clients: number;
  sent: number;
  delivered: number;
  expected: number;
  elapsed_s: number;
  sent_per_s: number;
  delivered_per_s: number;
  lat_p50_ms: number | null;
  lat_p99_ms: number | null;
  lat_samples: number;
}

interface Measured {
  load: LoadResult;
  /** share of one core used over the load client's run: by the server, by the load client */
  serverCpu: number;
  clientCpu: number;
  /** server CPU µs per line delivered: the figure least disturbed by other load on the machine */
  serverUsPerDelivery: number;
  /** load client CPU µs per line delivered (its sending included) */
  clientUsPerDelivery: number;
  /** readers the server dropped (ERR_SLOW_READER), where it counts them */
  dropped: number | null;
  /** what the checking reader saw: messages missing (skipped, or never came), repeated or out of order */
  lost: number;
  repeats: number;
  /** messages the checking reader should have had */
  probeExpected: number;
  /** the checking reader's p99 send → receipt, ms */
  probeP99: number | null;
}

/** node_load_text.js args: port= n= k= size= duration= rate= framing= (see its source) */
function runLoad(
  port: number,
  n: number,
  k: number,
  durationS: number,
  rate: number
): Promise<{ load: LoadResult; cpu: number; wall: number }> {
  return new Promise((resolveRun, reject) => {
    const args = [
      join(SEED_DIR, 'node_load_text.js'),
      `port=${port}`,
      `n=${n}`,
      `k=${k}`,
      `size=${MESSAGE_BYTES}`,
      `duration=${durationS}`,
      'framing=b64line',
      ...(rate ? [`rate=${rate}`] : [])
    ];
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let cpu = 0;
    // it exits by itself: once it has every line it expects, or duration + 2 s; a hard bound here too
    const sampler = setInterval(() => {
      const c = cpuSeconds(child.pid);
      if (Number.isFinite(c)) cpu = c;
    }, 50);
    const killer = setTimeout(() => child.kill('SIGKILL'), (durationS + 15) * 1000);
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', () => {
      clearInterval(sampler);
      clearTimeout(killer);
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return reject(new Error(`node_load_text.js printed no result: ${out.trim()}`));
      resolveRun({ load: JSON.parse(line) as LoadResult, cpu, wall: (performance.now() - t0) / 1000 });
    });
  });
}

async function measure(kind: ServerKind, n: number, mode: 'flood' | 'paced'): Promise<Measured> {
  const server = await kind.start();
  let probe: Probe | null = null;
  try {
    probe = await Probe.open(server.port);
    const cpu0 = cpuSeconds(server.child.pid);
    const rate = mode === 'paced' ? PACED_RATE / n : 0;
    const r =
      mode === 'flood'
        ? await runLoad(server.port, n, FLOOD_MAX_PER_SENDER, FLOOD_S, 0)
        : await runLoad(server.port, n, Math.round(rate * PACED_S), PACED_S + 2, rate);
    const cpu1 = cpuSeconds(server.child.pid);
    // The load client quits once it has the count it expects, and cbc-lab sends more lines than
    // it counts (acks, notices), so what it wrote last may never have been read by the server:
    // the probe is owed what the server read and relayed (cbc-lab counts it: frames in, less
    // errors, such as a line cut short when the load client quit, less the probe's own), or
    // everything sent (the seed).
    const owed = async () => {
      const c = await server.counters();
      return c ? c.framesIn - c.errors - 1 : r.load.sent;
    };
    await probe.drain(owed);
    const expected = await owed();
    const counters = await server.counters();
    const m: Measured = {
      load: r.load,
      serverCpu: (cpu1 - cpu0) / r.wall,
      clientCpu: r.cpu / r.wall,
      serverUsPerDelivery: ((cpu1 - cpu0) / Math.max(1, r.load.delivered)) * 1e6,
      clientUsPerDelivery: (r.cpu / Math.max(1, r.load.delivered)) * 1e6,
      dropped: counters ? counters.dropped : null,
      lost: Math.max(0, expected - probe.received + probe.repeats),
      repeats: probe.repeats,
      probeExpected: expected,
      probeP99: percentile(probe.latencies, 0.99)
    };
    if (process.env.BENCH_DEBUG)
      console.error(kind.name, mode, n, JSON.stringify({ ...m, gaps: probe.gaps, probeReceived: probe.received }));
    return m;
  } finally {
    probe?.close();
    await stop(server);
  }
}

// ---------------------------------------------------------------- the section

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');
const ms = (n: number | null) => (n === null || !Number.isFinite(n) ? '—' : n.toFixed(2));
const pct = (n: number) => (Number.isFinite(n) ? `${Math.round(n * 100)}%` : '—');
const TITLE = 'Seed: cbc-lab server vs the seed design, one load client';

function skipped(why: string): Section {
  return { title: TITLE, about: `Skipped: ${why}.`, header: ['status'], rows: [['skipped']] };
}

/** the load client's own verdict: lines short of sent × n (it stops once it has that many) */
const short = (m: Measured) => Math.max(0, m.load.expected - m.load.delivered);

export async function run(): Promise<Section> {
  for (const f of ['py_server.py', 'node_load_text.js', 'node_server.js'])
    if (!existsSync(join(SEED_DIR, f)))
      return skipped(`${join(SEED_DIR, f)} is not there (SEED_DIR=<dir> to point elsewhere)`);
  try {
    execFileSync('python3', ['-c', 'import cryptography']);
  } catch {
    return skipped('python3 with the `cryptography` package is needed for py_server.py');
  }
  const lifetime = FLOOD_S + PACED_S + 30; // py_server.py and node_server.js exit by themselves after this
  const kinds: ServerKind[] = [
    seedServer(lifetime),
    cbcLab('cbc-lab server', join(root, 'server', 'chat', 'server.ts'))
  ];
  // BENCH_SEED_CANDIDATE=[label=]path[,…]: other chat/server.ts files, measured in the same run
  for (const entry of (process.env.BENCH_SEED_CANDIDATE ?? '').split(',').filter(Boolean)) {
    const at = entry.indexOf('=');
    kinds.push(
      cbcLab(`cbc-lab (${at > 0 ? entry.slice(0, at) : entry})`, resolve(at > 0 ? entry.slice(at + 1) : entry))
    );
  }
  const relay = plainRelay(lifetime);
  const only = process.env.BENCH_SEED_ONLY;

  const rows: (string | number)[][] = [];
  const found = new Map<string, Measured>();
  for (const mode of ['flood', 'paced'] as const) {
    if (only && only !== mode) continue;
    for (const n of CLIENTS) {
      // server after server within each client count, so the shared machine's noise falls on all
      const here = [...kinds, relay];
      let seedRate = NaN;
      for (const kind of here) {
        const m = await measure(kind, n, mode);
        found.set(`${mode}/${kind.name}/${n}`, m);
        if (kind === kinds[0]) seedRate = m.load.delivered_per_s;
        rows.push([
          mode === 'flood' ? `flood ${FLOOD_S} s` : `paced ${fmt(PACED_RATE)}/s in`,
          kind.name,
          n,
          fmt(m.load.sent_per_s),
          fmt(m.load.delivered_per_s),
          kind === kinds[0] ? '1.00×' : `${(m.load.delivered_per_s / seedRate).toFixed(2)}×`,
          fmt(short(m)),
          `${fmt(m.lost)} / ${fmt(m.repeats)} of ${fmt(m.probeExpected)}`,
          m.dropped === null ? '—' : m.dropped,
          ms(m.load.lat_p50_ms),
          ms(m.load.lat_p99_ms),
          ms(m.probeP99),
          pct(m.serverCpu),
          m.serverUsPerDelivery.toFixed(1),
          pct(m.clientCpu)
        ]);
      }
    }
  }

  const mark = (ok: boolean) => (ok ? 'met' : 'not met');
  const targets: string[] = [];
  for (const lab of kinds.slice(1)) {
    const f50 = found.get(`flood/${lab.name}/50`);
    const s50 = found.get(`flood/${kinds[0].name}/50`);
    if (f50 && s50) {
      const ratio = f50.load.delivered_per_s / s50.load.delivered_per_s;
      targets.push(
        `${lab.name}: ≥ ${TARGET_RATIO}× the seed's deliveries/s at 50 clients flooding: ${mark(ratio >= TARGET_RATIO)} (${ratio.toFixed(2)}×: ${fmt(f50.load.delivered_per_s)} vs ${fmt(s50.load.delivered_per_s)}/s)`
      );
    }
    const floods = CLIENTS.map((n) => ({ n, m: found.get(`flood/${lab.name}/${n}`)! })).filter((x) => x.m);
    if (floods.length) {
      // lost to a reader that keeps reading: the checking reader's count, and readers dropped; lines
      // "short" were still on their way (in the kernel's buffers) when the load client stopped
      const bad = floods.filter(({ m }) => m.lost || m.repeats || m.dropped !== 0);
      targets.push(
        `${lab.name}: 0 messages lost or duplicated to a reader that keeps reading, no reader dropped, flooding with ${CLIENTS.join(', ')} clients: ${mark(bad.length === 0)}` +
          (bad.length
            ? ` (${bad.map(({ n, m }) => `${n} clients: the checking reader missed ${fmt(m.lost)} and had ${fmt(m.repeats)} twice, ${m.dropped ?? '?'} readers dropped`).join('; ')})`
            : '')
      );
    }
    const p50 = found.get(`paced/${lab.name}/50`);
    if (p50) {
      targets.push(
        `${lab.name}: p99 ≤ ${TARGET_P99_MS} ms at ${fmt(PACED_RATE)} messages/s in with 50 clients, as the load client measures it: ${mark((p50.load.lat_p99_ms ?? Infinity) <= TARGET_P99_MS)} (${ms(p50.load.lat_p99_ms)} ms)`
      );
      targets.push(
        `${lab.name}: the same, as the checking reader measures it (every message, one socket, little else to do): ${mark((p50.probeP99 ?? Infinity) <= TARGET_P99_MS)} (${ms(p50.probeP99)} ms)`
      );
    }
  }
  const relay50 = found.get(`flood/${relay.name}/50`);
  const seed50 = found.get(`flood/${kinds[0].name}/50`);
  if (relay50 && seed50) {
    const need = TARGET_RATIO * seed50.load.delivered_per_s * relay50.clientUsPerDelivery * 1e-6;
    targets.push(
      `(the ceiling) the plain Node relay reaches ${(relay50.load.delivered_per_s / seed50.load.delivered_per_s).toFixed(2)}× the seed at 50 clients flooding; ` +
        `the load client spends ${relay50.clientUsPerDelivery.toFixed(1)} µs of CPU per line it receives, so ${TARGET_RATIO}× the seed (${fmt(TARGET_RATIO * seed50.load.delivered_per_s)} lines/s) needs ${need.toFixed(2)} cores for the load client alone`
    );
  }
  const relayPaced = found.get(`paced/${relay.name}/50`);
  if (relayPaced)
    targets.push(
      `(the ceiling) the plain Node relay's p99 at ${fmt(PACED_RATE)} messages/s in with 50 clients: ${ms(relayPaced.load.lat_p99_ms)} ms (p50 ${ms(relayPaced.load.lat_p50_ms)} ms)`
    );
  targets.push(`load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores at the end`);

  return {
    title: TITLE,
    about:
      `The seed project's design (py_server.py: a thread per client, AES-256-CBC, base64 lines, each message decrypted and re-encrypted once for everyone) ` +
      `and the cbc-lab chat server (server/chat/server.ts, as \`cbc-lab server --log none\`), each in its own process, started fresh for each row, ` +
      `driven in the same run by the same load client (node_load_text.js, its own process): n senders and one reader that never sends, ${MESSAGE_BYTES}-byte UTF-8 text messages, ` +
      `key bytes 0..31, all on 127.0.0.1. Flood: open loop, each sender writes as fast as TCP takes it for ${FLOOD_S} s and every socket reads as fast as it can, ` +
      `then up to 2 s for the rest to arrive. Paced: ${fmt(PACED_RATE)} messages/s in, all senders together, for ${PACED_S} s. ` +
      `Deliveries are the lines the load client's sockets received per second, as it counts them (cbc-lab's include its acks and join notices, about one line per message more than relays alone). ` +
      `"Short" is the load client's verdict: lines fewer than sent × n when it gave up. A checking reader beside it (this process) decrypts every line, times it (send → receipt by the sender's monotonic clock: "checking reader p99"; it spoke first, so none of its messages are held as a listener's, §8.2) and follows each sender's sequence numbers: ` +
      `missing / twice or out of order, of the messages it was owed (those the server read: cbc-lab counts them; the seed: every one sent). "Readers dropped" is cbc-lab's count of ERR_SLOW_READER. ` +
      `Latency: send → receipt, every 8th line a load-client socket gets; for cbc-lab it includes the first second of the reader that never sends, which the server holds until it takes it for a listener (§8.2). CPU: of one core, over the load client's wall time; server CPU per delivery is the figure least disturbed by other load on this shared machine. ` +
      `The plain Node relay (node_server.js: no backpressure, unbounded queues) shows what this load client on this machine reaches with next to no server work, in throughput and in latency.`,
    header: [
      'load',
      'server',
      'clients',
      'messages in/s',
      'deliveries/s',
      'vs seed',
      'short',
      'checking reader: missing / twice',
      'readers dropped',
      'p50 ms',
      'p99 ms',
      'checking reader p99 ms',
      'server CPU',
      'server CPU µs / delivery',
      'load client CPU'
    ],
    rows,
    targets
  };
}

/** the q-quantile (0..1) of `xs`, nearest rank; null when empty */
function percentile(xs: number[], q: number): number | null {
  if (xs.length === 0) return null;
  const sorted = Float64Array.from(xs).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}
