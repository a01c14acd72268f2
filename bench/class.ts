// A class watching /live (issue 11: 30 browsers at once, capture→page p99 ≤ 100 ms, the demo's CPU
// bounded). The demo runs in a child process of its own (startDemo, no bots), so that its CPU time
// (process.cpuUsage, asked for on stdin) is the tap's, the chat server's and the web app's with its
// streams, and nothing of this process's. One headless Chromium page on /live is timed as
// bench/live.ts times it (the same probe and helpers); the class is 30 more readers of
// /api/stream in this process, plain HTTP, each checked to have every frame once, in order.
// Baseline: the same page alone, in the same run, at the same rate. The capture already holds
// PAST_CONNECTIONS closed connections (a class after lesson 1's replays): each stream knows them all,
// and a stream that walked them for every batch made the class cost 8× the demo's CPU per frame.
// BENCH_CLASS_PROF=<dir> writes a CPU profile of the demo process.
import { spawn, type ChildProcess } from 'node:child_process';
import { request, type ClientRequest } from 'node:http';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { buildIfNeeded } from '../server/start.ts';
import type { LiveProbe } from '../tests/e2e/live-probe.ts';
import { KEY, chatArrivals, launchChromium, openLivePage, quantile, runSender, waitForPage } from './live.ts';
import type { Section } from './run.ts';

type Probe = { __liveProbe: LiveProbe };

/** stream readers besides the timed page */
const CLASS_SIZE = 30;
/** messages/s: a class's chat, and a flood */
const RATES = [10, 100];
/** measured seconds per rate: enough messages for a p99 at 10/s without a long run */
const SECONDS: Record<number, number> = { 10: 12, 100: 5 };
const WARMUP_SECONDS = 1;
const TARGET_P99_MS = 100;
/** connections in the capture before the run: 30 students who each replayed 10 flips in lesson 1 */
const PAST_CONNECTIONS = Number(process.env.BENCH_CLASS_CONNS ?? 300);
/** the bound on the demo's CPU: per captured frame, with the class at most this many times the page alone */
const CPU_RATIO_BOUND = 2;

const now = () => performance.timeOrigin + performance.now();

interface DemoProcess {
  webUrl: string;
  chatPort: number;
  /** CPU time (user + system, µs) the demo process has used so far */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

/** The demo as a child process (./class-demo.ts); it stops when its stdin ends. */
function spawnDemo(): Promise<DemoProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CLASS_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_CLASS_PROF] : []),
      '--import',
      'tsx',
      fileURLToPath(new URL('./class-demo.ts', import.meta.url)),
      KEY
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] }
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin!.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let buffered = '';
    const waiting: ((us: number) => void)[] = [];
    const failed = (code: number | null) => reject(new Error(`the bench demo exited (${code}) before it was ready`));
    child.once('exit', failed);
    child.on('error', reject);
    child.stdout!.on('data', (d) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const ready = /^ready (\S+) (\d+)$/.exec(line);
        const cpu = /^cpu (\d+)$/.exec(line);
        if (cpu) waiting.shift()?.(Number(cpu[1]));
        else if (ready) {
          child.off('exit', failed);
          resolve({
            webUrl: ready[1],
            chatPort: Number(ready[2]),
            cpu: () =>
              new Promise((r) => {
                waiting.push(r);
                child.stdin!.write('cpu\n');
              }),
            stop
          });
        }
      }
    });
  });
}

/** One reader of /api/stream: keeps each frames event's arrival time and data, read after the run. */
class StreamReader {
  readonly events: [number, string][] = [];
  private readonly req: ClientRequest;
  private buffered = '';
  readonly open: Promise<void>;

  constructor(webUrl: string, after: number) {
    this.req = request(`${webUrl}/api/stream?after=${after}`);
    this.open = new Promise((resolve, reject) => {
      this.req.on('error', reject);
      this.req.on('response', (res) => {
        if (res.statusCode !== 200) reject(new Error(`/api/stream answered ${res.statusCode}`));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => this.push(chunk));
        res.on('error', () => {});
        resolve();
      });
    });
    this.req.end();
  }

  private push(chunk: string): void {
    const t = now();
    this.buffered += chunk;
    let end: number;
    while ((end = this.buffered.indexOf('\n\n')) >= 0) {
      const event = this.buffered.slice(0, end);
      this.buffered = this.buffered.slice(end + 2);
      if (!event.startsWith('event: frames\n')) continue;
      const data = event.split('\n').find((l) => l.startsWith('data: '));
      if (data) this.events.push([t, data.slice(6)]);
    }
  }

  /** every frame received: [seq, arrival time, the tap's time, conn, dir] */
  frames(): [number, number, number, number, string][] {
    const out: [number, number, number, number, string][] = [];
    for (const [t, data] of this.events)
      for (const f of (JSON.parse(data) as { frames: { seq: number; time: number; conn: number; dir: string }[] })
        .frames)
        out.push([f.seq, t, f.time, f.conn, f.dir]);
    return out;
  }

  close(): void {
    this.req.destroy();
  }
}

/**
 * Open and close `n` connections through the tap, as lesson 1's replays do (one connection each):
 * a class that has used the lessons leaves hundreds in the capture, and every stream knows them all.
 */
async function pastConnections(chatPort: number, n: number): Promise<void> {
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port: chatPort }, () => s.end());
      s.on('error', reject);
      s.on('close', () => resolve());
      s.resume();
    });
  for (let i = 0; i < n; i += 20) await Promise.all(Array.from({ length: Math.min(20, n - i) }, one));
}

async function lastSeq(webUrl: string): Promise<number> {
  return ((await (await fetch(`${webUrl}/api/frames?after=0&limit=1`)).json()) as { last: number }).last;
}

interface Measured {
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** p99 of the page's list updates, main-thread ms */
  renderP99: number;
  lost: number;
  /** readers besides the page whose frames were not the capture's, each once, in order */
  readersBad: number;
  /** p50 and p99 over every reader's chat frames of tap → event at the reader, ms */
  readersP50: number;
  readersP99: number;
  /** demo CPU: % of one core over the run, and µs per captured frame */
  cpuPercent: number;
  cpuPerFrame: number;
  frames: number;
}

async function measure(browser: Browser, demo: DemoProcess, rate: number, readers: number): Promise<Measured> {
  const page = await openLivePage(browser, demo.webUrl);
  const class_: StreamReader[] = [];
  try {
    const from = await lastSeq(demo.webUrl);
    for (let i = 0; i < readers; i++) class_.push(new StreamReader(demo.webUrl, from));
    await Promise.all(class_.map((r) => r.open));
    const total = rate * SECONDS[rate];
    const warmup = rate * WARMUP_SECONDS;
    const cpu0 = await demo.cpu();
    const t0 = performance.now();
    const sentAt = await runSender(demo.chatPort, rate, warmup, total);
    const storeLast = await waitForPage(page, demo.webUrl);
    // the page has it all; the class read the same stream (if one lags, its frames are lost below)
    const cpu1 = await demo.cpu();
    const seconds = (performance.now() - t0) / 1000;
    const arrivals = await page.evaluate(() => (window as unknown as Probe).__liveProbe.takeArrivals());
    const renders = (await page.evaluate(() => (window as unknown as Probe).__liveProbe.takeRenders())).sort(
      (x, y) => x - y
    );
    const chat = chatArrivals(arrivals, warmup, total);
    const lat = chat.map(([, t], i) => t - sentAt[i]).sort((a, b) => a - b);
    const chatConn = arrivals.find(([seq]) => seq === chat[0]?.[0])?.[2];
    const firstChat = chat[0]?.[0] ?? Infinity;
    let readersBad = 0;
    const readerLat: number[] = [];
    for (const r of class_) {
      const got = r.frames();
      const whole = got.length === storeLast - from && got.every(([seq], i) => seq === from + 1 + i);
      if (!whole) readersBad++;
      for (const [seq, t, tap, conn, dir] of got)
        if (conn === chatConn && dir === 'c2s' && seq >= firstChat) readerLat.push(t - tap);
    }
    readerLat.sort((a, b) => a - b);
    const frames = storeLast - from;
    return {
      p50: quantile(lat, 0.5),
      p95: quantile(lat, 0.95),
      p99: quantile(lat, 0.99),
      max: lat.length ? lat[lat.length - 1] : NaN,
      renderP99: quantile(renders, 0.99),
      lost: total - chat.length,
      readersBad,
      readersP50: quantile(readerLat, 0.5),
      readersP99: quantile(readerLat, 0.99),
      cpuPercent: ((cpu1 - cpu0) / 1e6 / seconds) * 100,
      cpuPerFrame: (cpu1 - cpu0) / frames,
      frames
    };
  } finally {
    for (const r of class_) r.close();
    await page.close();
  }
}

export async function run(): Promise<Section> {
  buildIfNeeded();
  const demo = await spawnDemo();
  let browser: Browser | null = null;
  const rows: (string | number)[][] = [];
  const targets: string[] = [];
  try {
    await pastConnections(demo.chatPort, PAST_CONNECTIONS);
    browser = await launchChromium();
    await measure(browser, demo, 100, 0); // warm up the demo, the page's code and the sender's path
    for (const rate of RATES) {
      const alone = await measure(browser, demo, rate, 0);
      const cls = await measure(browser, demo, rate, CLASS_SIZE);
      for (const [viewers, m] of [
        [1, alone],
        [1 + CLASS_SIZE, cls]
      ] as const) {
        rows.push([
          rate,
          `${viewers}${viewers > 1 ? ` (the page + ${CLASS_SIZE} readers)` : ' (the page)'}`,
          `${m.p50.toFixed(1)} / ${m.p95.toFixed(1)} / ${m.p99.toFixed(1)}`,
          m.max.toFixed(1),
          m.renderP99.toFixed(1),
          viewers > 1
            ? `${m.readersP50.toFixed(1)} / ${m.readersP99.toFixed(1)} (${m.readersBad} of ${CLASS_SIZE} not whole)`
            : '-',
          m.lost,
          `${m.cpuPercent.toFixed(1)}%`,
          `${m.cpuPerFrame.toFixed(0)} µs`,
          viewers > 1
            ? `${(cls.p99 / alone.p99).toFixed(2)} / ${(cls.cpuPerFrame / alone.cpuPerFrame).toFixed(2)}`
            : '1'
        ]);
      }
      const cpuRatio = cls.cpuPerFrame / alone.cpuPerFrame;
      targets.push(
        `at ${rate} messages/s with ${1 + CLASS_SIZE} viewers: page p99 ≤ ${TARGET_P99_MS} ms: ${cls.p99 <= TARGET_P99_MS ? 'met' : 'NOT met'} ` +
          `(${cls.p99.toFixed(1)} ms; alone ${alone.p99.toFixed(1)} ms); every reader whole, nothing lost: ` +
          `${cls.readersBad === 0 && cls.lost === 0 ? 'met' : 'NOT met'}; demo CPU per frame ≤ ${CPU_RATIO_BOUND} × the page alone: ` +
          `${cpuRatio <= CPU_RATIO_BOUND ? 'met' : 'NOT met'} (${cpuRatio.toFixed(2)} ×: ${cls.cpuPerFrame.toFixed(0)} vs ${alone.cpuPerFrame.toFixed(0)} µs)`
      );
    }
  } finally {
    await browser?.close();
    await demo.stop();
  }
  return {
    title: '/live for a class: 31 viewers vs 1',
    about:
      `The demo (no bots) runs in a child process; one native cbc-hmac chat client (another child) sends R messages/s, each acked, ` +
      `for ${WARMUP_SECONDS} s of warm-up and then ${SECONDS[RATES[0]]} s at ${RATES[0]}/s, ${SECONDS[RATES[1]]} s at ${RATES[1]}/s. ` +
      `Viewers: one headless Chromium page on /live, timed as in the /live section (send in Node → the frame in the page's list), alone, ` +
      `then with ${CLASS_SIZE} more readers of /api/stream (plain HTTP in the bench process, each checked to get every frame once, in order), ` +
      `in the same run. Before it, ${PAST_CONNECTIONS} connections were opened and closed through the tap, as lesson 1's replays leave them ` +
      "(every stream announces them all). The demo's CPU (process.cpuUsage of the process running the tap, the chat server, the web app " +
      'and its streams) is taken from just before the sender starts (its start-up, about a second, and its hello included) to the moment ' +
      'the page holds the last frame, as % of one core and per captured frame (messages and acks; at 10/s that idle second weighs most). ' +
      `Bound: per frame, with the class, at most ${CPU_RATIO_BOUND} × the page alone.`,
    header: [
      'R (messages/s)',
      'viewers',
      'page p50 / p95 / p99 ms',
      'page max ms',
      'page list update p99, main-thread ms',
      'readers: tap → event p50 / p99 ms',
      'lost',
      'demo CPU, % of one core',
      'demo CPU per frame',
      'class / alone: p99 / CPU per frame'
    ],
    rows,
    targets
  };
}
