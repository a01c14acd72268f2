// Capture-to-page latency of /live (issue: p99 ≤ 100 ms at 100 and 1,000 frames/s, zero lost).
// A demo without bots (startDemo on free ports), headless Chromium on /live with the key box
// filled, and one chat client sending at a fixed rate through the tap. Each message is stamped
// in Node the moment it is written to the socket; the page records, for every frame, the moment
// it appended it to its list (tests/e2e/live-probe.ts, added to the bench's page: the page ships no
// hook; performance.timeOrigin + performance.now(), both wall-clock based on the same machine). Latency = page time − send time, per chat frame.
// Lost = messages sent that the page never showed; the page's seqs are also checked to be
// contiguous with no duplicate.
import { performance } from 'node:perf_hooks';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildIfNeeded } from '../server/start.ts';
import { startDemo } from '../server/demo.ts';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ChatClient } from '../server/chat-client.ts';
import type { Section } from './run.ts';
import { addLiveProbe, type LiveProbe } from '../tests/e2e/live-probe.ts';

type Probe = { __liveProbe: LiveProbe };

export const KEY = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
const RATES = [100, 1000];
const SECONDS = 5;
/** messages at the same rate before the measured ones, not counted: the page's code warms up */
const WARMUP_SECONDS = 1;
const TICK_MS = 10;
const TARGET_P99_MS = 100;

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * The sender runs in a child process, as a real chat client would: in this process it would share
 * one event loop with the tap, the chat server and the web app it is measuring.
 */
export function runSender(port: number, rate: number, warmup: number, total: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = fork(
      fileURLToPath(import.meta.url),
      ['--sender', String(port), String(rate), String(warmup), String(total)],
      { execArgv: ['--import', 'tsx'] }
    );
    child.on('message', (m: { sentAt?: number[] }) => {
      if (m.sentAt) resolve(m.sentAt);
    });
    child.on('error', reject);
    child.on('exit', (code) => code !== 0 && reject(new Error(`bench sender exited with ${code}`)));
  });
}

async function sender(port: number, rate: number, warmup: number, total: number): Promise<void> {
  const client = new ChatClient({
    port,
    key: Buffer.from(KEY, 'hex'),
    name: `bench${rate}`,
    framing: 'native',
    suite: 'cbc-hmac'
  });
  await client.connect();
  await new Promise((r) => setTimeout(r, 300));
  const all = warmup + total;
  const sentAt: number[] = [];
  let n = 0;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      // a fixed rate, not a fixed gap: catch up to where the schedule says we should be
      const due = Math.min(all, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (n < due) {
        n++;
        if (n > warmup) sentAt.push(performance.timeOrigin + performance.now());
        client.send(`bench message ${n} at ${rate}/s`);
      }
      if (n >= all) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await new Promise((r) => setTimeout(r, 500));
  await client.end();
  process.send!({ sentAt }, () => process.exit(0));
}

if (process.argv[2] === '--sender') {
  const [port, rate, warmup, total] = process.argv.slice(3).map(Number);
  sender(port, rate, warmup, total).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run'
    ]
  });
}

/** /live at 1280×720 with the probe, once its stream is live; every batch timed from then on */
export async function openLivePage(browser: Browser, webUrl: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await addLiveProbe(page);
  await page.goto(`${webUrl}/live`);
  await page.locator('[data-status="live"]').waitFor({ timeout: 30_000 });
  await page.evaluate(() => ((window as unknown as Probe).__liveProbe.record = true));
  return page;
}

/** Wait (up to 30 s) until the page holds everything the capture holds; the capture's last seq. */
export async function waitForPage(page: Page, webUrl: string): Promise<number> {
  const deadline = Date.now() + 30_000;
  let storeLast = 0;
  for (;;) {
    const r = (await (await fetch(`${webUrl}/api/frames?after=0&limit=1`)).json()) as { last: number };
    storeLast = r.last;
    const pageLast = await page.evaluate(() => (window as unknown as Probe).__liveProbe.count());
    if (pageLast >= storeLast || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await new Promise((r) => setTimeout(r, 300));
  return storeLast;
}

/**
 * The sender's chat frames among the page's arrivals (LiveProbe.takeArrivals), in order, without
 * its hello and warm-up: [seq, page time in the list, the tap's time, page time of the event].
 * Its connection is the one with the most c2s frames (the server's acks are s2c).
 */
export function chatArrivals(
  arrivals: [number, number, number, string, number, number][],
  warmup: number,
  total: number
): [number, number, number, number][] {
  const byConn = new Map<number, [number, number, number, number][]>();
  for (const [seq, t, conn, dir, tap, recv] of arrivals) {
    if (dir !== 'c2s') continue;
    if (!byConn.has(conn)) byConn.set(conn, []);
    byConn.get(conn)!.push([seq, t, tap, recv]);
  }
  const mine = [...byConn.values()].sort((a, b) => b.length - a.length)[0] ?? [];
  return mine.slice(1 + warmup, 1 + warmup + total); // drop the hello and the warm-up
}

export async function run(): Promise<Section> {
  buildIfNeeded();
  const demo = await startDemo({ webPort: 0, chatPort: 0, key: KEY, bots: false, build: false });
  const browser = await launchChromium();
  const rows: (string | number)[][] = [];
  const targets: string[] = [];
  try {
    const page = await openLivePage(browser, demo.webUrl);

    for (const rate of RATES) {
      const total = rate * SECONDS;
      const warmup = rate * WARMUP_SECONDS;
      const sentAt = await runSender(demo.chatPort, rate, warmup, total);
      const storeLast = await waitForPage(page, demo.webUrl);
      const arrivals = await page.evaluate(() => (window as unknown as Probe).__liveProbe.takeArrivals());
      const renders = (await page.evaluate(() => (window as unknown as Probe).__liveProbe.takeRenders())).sort(
        (x, y) => x - y
      );
      const health = await page.evaluate(() => {
        const h = (window as unknown as Probe).__liveProbe;
        return { gaps: h.gaps(), dups: h.duplicates(), contiguous: h.contiguous(), count: h.count() };
      });
      const chat = chatArrivals(arrivals, warmup, total);
      const lat = chat.map(([, t], i) => t - sentAt[i]).sort((a, b) => a - b);
      const toTap = chat.map(([, , tap], i) => tap - sentAt[i]).sort((a, b) => a - b);
      const tapToEvent = chat.map(([, , tap, recv]) => recv - tap).sort((a, b) => a - b);
      const eventToList = chat.map(([, t, , recv]) => t - recv).sort((a, b) => a - b);
      const span = chat.length > 1 ? (chat[chat.length - 1][1] - chat[0][1]) / 1000 : 1;
      const lost = total - chat.length;
      const p50 = quantile(lat, 0.5);
      const p99 = quantile(lat, 0.99);
      const wire = chat.length / span;
      rows.push([
        rate,
        total,
        Math.round(wire),
        p50.toFixed(1),
        p99.toFixed(1),
        `${quantile(toTap, 0.99).toFixed(1)} / ${quantile(tapToEvent, 0.99).toFixed(1)} / ${quantile(eventToList, 0.99).toFixed(1)}`,
        `${renders.length} × p50 ${quantile(renders, 0.5).toFixed(1)}, p99 ${quantile(renders, 0.99).toFixed(1)}`,
        lat.length ? lat[lat.length - 1].toFixed(1) : '-',
        lost,
        health.gaps + health.dups,
        health.contiguous && health.count >= storeLast ? 'yes' : 'NO'
      ]);
      targets.push(
        `at ${rate} frames/s: p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'met' : 'NOT met'} (p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms); ` +
          `frames lost = 0: ${lost === 0 && health.contiguous && health.gaps + health.dups === 0 ? 'met' : 'NOT met'} (${lost} lost)`
      );
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await browser.close();
    await demo.stop();
  }
  return {
    title: '/live: capture-to-page latency in headless Chromium',
    about:
      `One native cbc-hmac chat client (a child process) sends R messages/s for ${WARMUP_SECONDS} s of warm-up, not counted, then ${SECONDS} s through the tap of a demo started with startDemo (no bots); ` +
      'the server acks each one, so the wire carries about 2R frames/s. Each message is stamped in Node as it is written; the page ' +
      '(/live, key filled, list following the newest frame) stamps each frame when it appends it to its list (one batch per stream ' +
      'event). Latency is the difference, per message; lost = messages the page never showed. "seqs whole" checks that ' +
      'the page holds every captured frame, each once, in order.',
    header: [
      'R (frames/s sent)',
      'messages',
      'chat frames/s reaching the page',
      'p50 ms',
      'p99 ms',
      'p99 of send→tap / tap→page event / event→list, ms',
      'list updates: count × main-thread ms',
      'max ms',
      'lost',
      'gaps + dups',
      'seqs whole'
    ],
    rows,
    targets
  };
}
