// The static site (issue 16): what the first load of a /learn deep link costs, built by
// `npm run build:static` and served by Python's http.server (files only). The compressed
// JavaScript is every script the page loads, gzipped (level 9) as a static host would send it
// (http.server itself sends them raw). Time to interactive is `learn:ready` (hydrated, pictures
// drawn, keys live), first visit in a fresh browser context, and again once the service worker
// serves the files; the baseline is the same deep link on the Node build (`npm start`'s pages,
// rendered on the server) in the same run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import type { Section } from './run.ts';
import { freePort, launchBrowser, startApp } from '../tests/e2e/harness.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const IV = '000102030405060708090a0b0c0d0e0f';
const DEEP = `?mode=encrypt&key=${KEY}&iv=${IV}&text=${encodeURIComponent('Café ☕ at dawn: attack!')}&step=5`;
const RUNS = 5;
const BUDGET_KIB = 300;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** learn:ready of `url` in a fresh context; with `warm`, a first visit installs the service worker */
async function ready(
  browser: Browser,
  url: string,
  warm: boolean
): Promise<{ ms: number; jsGzip: number; js: number }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  if (warm) {
    await page.goto(url);
    await page.locator('.learn[data-ready="true"]').waitFor({ timeout: 60_000 });
    await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  }
  const scripts: Promise<Buffer>[] = [];
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script' || /\.js(\?|$)/.test(r.url()))
      scripts.push(
        r.body().then(
          (b) => Buffer.from(b),
          () => Buffer.alloc(0)
        )
      );
  });
  await page.goto(url);
  await page.locator('.learn[data-ready="true"]').waitFor({ timeout: 60_000 });
  const ms = await page.evaluate(() => performance.getEntriesByName('learn:ready')[0]?.startTime ?? NaN);
  const bodies = await Promise.all(scripts);
  await ctx.close();
  return {
    ms,
    js: bodies.reduce((n, b) => n + b.length, 0),
    jsGzip: bodies.reduce((n, b) => n + gzipSync(b, { level: 9 }).length, 0)
  };
}

export async function run(): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-bench-static-'));
  mkdirSync(join(dir, 'www'));
  const built = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: root,
      env: { ...process.env, CBC_LAB_STATIC: '1', CBC_LAB_STATIC_OUT: join(dir, 'www') },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024
    }
  );
  if (built.status !== 0) throw new Error(`build:static failed:\n${built.stdout}${built.stderr}`);
  const port = await freePort();
  const http = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1'], {
    cwd: join(dir, 'www'),
    stdio: 'ignore'
  });
  const site = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (
      await fetch(`${site}/`).then(
        (r) => r.ok,
        () => false
      )
    )
      break;
    if (i > 200) throw new Error('python3 -m http.server did not answer');
    await new Promise((r) => setTimeout(r, 100));
  }
  const app = await startApp();
  const browser = await launchBrowser();
  try {
    const cold: Awaited<ReturnType<typeof ready>>[] = [];
    const warm: number[] = [];
    const node: Awaited<ReturnType<typeof ready>>[] = [];
    // interleaved, so the machine's load falls on all three alike; the first of each warms up
    for (let r = 0; r <= RUNS; r++) {
      const c = await ready(browser, `${site}/learn/${DEEP}`, false);
      const w = await ready(browser, `${site}/learn/${DEEP}`, true);
      const n = await ready(browser, `${app.url}/learn${DEEP}`, false);
      if (r === 0) continue;
      cold.push(c);
      warm.push(w.ms);
      node.push(n);
    }
    const base = median(node.map((x) => x.ms));
    const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
    const row = (what: string, ms: number, js: string, gz: string) => [
      what,
      `${ms.toFixed(0)} ms`,
      `${(ms / base).toFixed(2)}×`,
      js,
      gz
    ];
    const coldMs = median(cold.map((x) => x.ms));
    const gz = cold[0].jsGzip;
    return {
      title: 'Static site: the first load of a /learn deep link',
      about:
        `\`npm run build:static\` served by \`python3 -m http.server\`; the deep link of /learn at step 5, ${RUNS} runs each ` +
        '(after one warm-up), interleaved, median. Time to interactive is `learn:ready` from navigation start; JavaScript is every ' +
        'script the page loads, raw and gzipped (level 9, as a static host compresses it). Baseline: the same link on the Node build.',
      header: ['page', 'time to interactive', 'vs Node build', 'JavaScript', 'gzipped'],
      rows: [
        row(
          'Node build (baseline, server-rendered)',
          base,
          kib(median(node.map((x) => x.js))),
          kib(median(node.map((x) => x.jsGzip)))
        ),
        row('static, first visit', coldMs, kib(cold[0].js), kib(gz)),
        row('static, service worker installed', median(warm), '(from the cache)', '')
      ],
      targets: [
        `first load of /learn ≤ ${BUDGET_KIB} KiB of compressed JavaScript: ${gz <= BUDGET_KIB * 1024 ? 'met' : 'NOT met'} (${kib(gz)})`
      ]
    };
  } finally {
    await browser.close();
    await app.stop();
    http.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
