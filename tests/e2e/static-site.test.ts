// The static site (issue 16): `npm run build:static` under a base path, served by Python's
// http.server (files only, no Node), opened in real Chromium. A /learn deep link gives the wire
// form OpenSSL gives; a lesson runs in the page; /live, with no demo behind it, says so and opens a
// pcapng that `cbc-lab tap` wrote of a real exchange; once visited, the site opens offline (the
// service worker); nothing is fetched from another origin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { freePort, launchBrowser } from './harness';
import { root, startInProcess } from '../helpers/spawn-cli';
import { KEY, KEY_HEX, startServer, waitFor } from '../helpers/net';

const BASE = '/cbc-lab';
const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-static-'));
let site = '';
let http: ChildProcess;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(join(dir, 'www'));
  // the README's command, with the base path a host at https://host/cbc-lab/ needs
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: root,
    env: { ...process.env, CBC_LAB_STATIC: '1', BASE_PATH: BASE, CBC_LAB_STATIC_OUT: join(dir, 'www', 'cbc-lab') },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  });
  if (built.status !== 0) throw new Error(`build:static failed:\n${built.stdout}${built.stderr}`);
  const port = await freePort();
  http = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1'], {
    cwd: join(dir, 'www'),
    stdio: 'ignore'
  });
  site = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ok = await fetch(`${site}${BASE}/`).then(
      (r) => r.ok,
      () => false
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('python3 -m http.server did not answer');
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  http?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** a fresh context (its own service worker and caches) and a page that notes every other origin */
async function open(): Promise<{ ctx: BrowserContext; page: Page; foreign: string[] }> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await ctx.newPage();
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(site + '/') && !r.url().startsWith('data:') && !r.url().startsWith('blob:'))
      foreign.push(r.url());
  });
  return { ctx, page, foreign };
}

function openssl(args: string[], input: Buffer): Buffer {
  const r = spawnSync('openssl', args, { input });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

const K = '2b7e151628aed2a6abf7158809cf4f3c';
const IV = '000102030405060708090a0b0c0d0e0f';
const TEXT = 'Café ☕ at dawn: attack!';

describe('the static site under /cbc-lab/', () => {
  it('a /learn deep link on first load: the wire form OpenSSL gives, no other origin asked', async () => {
    const { ctx, page, foreign } = await open();
    await page.goto(`${site}${BASE}/learn?mode=encrypt&key=${K}&iv=${IV}&text=${encodeURIComponent(TEXT)}`);
    await page.locator('.learn[data-ready="true"]').waitFor();
    const c = openssl(['enc', '-aes-128-cbc', '-K', K, '-iv', IV], Buffer.from(TEXT, 'utf8'));
    const wire = Buffer.concat([Buffer.from(IV, 'hex'), c]).toString('base64');
    expect((await page.locator('[data-testid="wire-out"]').textContent())?.trim()).toBe(wire);
    // the header's links stay under the base path
    expect(
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lessons' }).getAttribute('href')
    ).toBe(`${BASE}/lessons`);
    expect(foreign).toEqual([]);
    await ctx.close();
  });

  it('a lesson runs in the page, the worksheet prints the CLI sheet; lesson 2 says its oracle is a local stand-in, lesson 1 that replay needs npm start', async () => {
    const { ctx, page, foreign } = await open();
    await page.goto(`${site}${BASE}/lessons/`);
    await page.getByRole('link', { name: /ECB/ }).first().click();
    await page.locator('section.experiment[data-state="done"]').waitFor({ timeout: 30_000 });
    await page.goto(`${site}${BASE}/lessons/padding-oracle/`);
    // (the page asks for a demo first, "checking", then settles on its local oracle)
    await page.locator('.lesson[data-ready="true"][data-mode="local"]').waitFor();
    expect(await page.locator('main').innerText()).toMatch(
      /npm start -- --padding-oracle[\s\S]*local oracle in this page/
    );
    // the worksheet page: the same sheet cbc-lab worksheet prints for the seed, with no server
    await page.goto(`${site}${BASE}/learn/worksheet/?seed=class-7b&answers=1`);
    await expect.poll(() => page.locator('[data-testid="question"]').count()).toBe(6);
    const cli = spawnSync(
      process.execPath,
      [join(root, 'server', 'cli.js'), 'worksheet', '--seed', 'class-7b', '--json'],
      {
        encoding: 'utf8'
      }
    );
    const sheet = JSON.parse(cli.stdout) as { key: string; question: string }[];
    expect(await page.locator('[data-testid="key"]').innerText()).toBe(sheet[0].key);
    expect(await page.locator('[data-testid="answer"]').count()).toBe(6);
    // lesson 1's replay needs the real server, and says so; its local flips still run
    await page.goto(`${site}${BASE}/lessons/bit-flipping/`);
    await page.locator('.lesson[data-ready="true"]').waitFor();
    await expect
      .poll(() => page.locator('p.warn[role="note"]').innerText())
      .toContain('The demo is not running, so there is nothing to capture or replay to. Start it with npm start');
    expect(foreign).toEqual([]);
    await ctx.close();
  });

  it('/live with no demo behind it says so, offers no live controls, and opens a pcapng from cbc-lab tap', async () => {
    // a real exchange through the tap: one line client message (§5.1), sealed by node:crypto
    const { server, port } = await startServer();
    const pcap = join(dir, 'tap.pcapng');
    const tap = startInProcess(['tap', '--listen', '0', '--target', `127.0.0.1:${port}`, '--pcap', pcap]);
    try {
      await waitFor(() => /Tap listening on [\d.]+:\d+/.test(tap.out()), 'the tap', 15_000);
      const tapPort = Number(/Tap listening on [\d.]+:(\d+)/.exec(tap.out())![1]);
      const iv = Buffer.alloc(16, 7);
      const c = createCipheriv('aes-128-cbc', KEY, iv);
      const line = Buffer.concat([iv, c.update('seen offline', 'utf8'), c.final()]).toString('base64') + '\n';
      await new Promise<void>((resolve, reject) => {
        const s = connect(tapPort, '127.0.0.1', () => s.write(line));
        let got = '';
        s.on('data', (d) => {
          got += d;
          // the server's sealed ack (§8.2), through the tap: the exchange is on the wire both ways
          if (got.includes('\n')) s.end();
        });
        s.on('close', () => resolve());
        s.on('error', reject);
      });
      tap.signal('SIGTERM');
      expect(await tap.exited).toBe(0);
    } finally {
      await server.close();
    }

    const { ctx, page, foreign } = await open();
    await page.goto(`${site}${BASE}/live`);
    await expect.poll(() => page.locator('[data-testid="status"]').getAttribute('data-status')).toBe('no-demo');
    expect(await page.locator('.bar').first().innerText()).toContain(
      'No live demo here: this copy of CBC Lab is static files.'
    );
    expect(await page.locator('[data-testid="pause"]').count()).toBe(0);
    expect(await page.locator('[data-testid="download-pcapng"]').count()).toBe(0);
    expect(await page.getByPlaceholder('Say something to the room…').count()).toBe(0);
    await page.setInputFiles('[data-testid="load-file"]', pcap);
    await expect.poll(() => page.locator('.source').textContent()).toContain('pcapng');
    await page.locator('[data-testid="key"]').fill(KEY_HEX);
    await page.locator('[data-testid="filter-text"]').fill('seen offline');
    await page.locator('[role="option"]').first().click();
    await expect
      .poll(() => page.locator('[data-testid="frame-detail"] .plain').textContent())
      .toContain('seen offline');
    expect(foreign).toEqual([]);
    await ctx.close();
  });

  it('once visited, /learn opens with the network cut (the service worker), deep link and all', async () => {
    const { ctx, page } = await open();
    await page.goto(`${site}${BASE}/`);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await ctx.setOffline(true);
    await page.goto(`${site}${BASE}/learn/?mode=encrypt&key=${K}&iv=${IV}&text=${encodeURIComponent(TEXT)}`);
    await page.locator('.learn[data-ready="true"]').waitFor();
    const c = openssl(['enc', '-aes-128-cbc', '-K', K, '-iv', IV], Buffer.from(TEXT, 'utf8'));
    expect((await page.locator('[data-testid="wire-out"]').textContent())?.trim()).toBe(
      Buffer.concat([Buffer.from(IV, 'hex'), c]).toString('base64')
    );
    // and a page not opened before, from the cache the worker filled on install
    await page.goto(`${site}${BASE}/lessons/iv-mistakes/`);
    await page.locator('[data-testid="iv-rows"]').waitFor();
    await ctx.close();
  });
});
