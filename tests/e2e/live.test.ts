// /live in real Chromium against a real demo (startDemo: chat server, tap, bots, web app on free
// ports): frames appear as the bots chat, the key opens them in the browser, a wrong key shows
// why not, a frame opens in /learn's step-through, and a message sent from the page is captured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildIfNeeded } from '../../server/start.ts';
import { spawnDemo, type FastDemo } from '../helpers/demo-child';
import { ALICE_LINES, BOB_LINES } from '../../server/demo.ts';
import { deriveKeys, sealFrame, sealLine } from '../../server/suites.ts';
import type { CapturedFrame } from '../../src/lib/protocol/capture';
import { addLiveProbe, type LiveProbe } from './live-probe';

const KEY = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
const WRONG = '703deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
const SENTENCES = [...ALICE_LINES, ...BOB_LINES];

let demo: FastDemo;

let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

type Hook = LiveProbe;
const hook = <T>(p: Page, fn: (h: Hook) => T) => p.evaluate(`(${fn.toString()})(window.__liveProbe)`) as Promise<T>;

async function allFrames(): Promise<CapturedFrame[]> {
  const out: CapturedFrame[] = [];
  let after = 0;
  for (;;) {
    const r = (await (await fetch(`${demo.webUrl}/api/frames?after=${after}&limit=10000`)).json()) as {
      frames: CapturedFrame[];
      more: boolean;
    };
    out.push(...r.frames);
    if (!r.more || r.frames.length === 0) return out;
    after = r.frames[r.frames.length - 1].seq;
  }
}

async function selectBy(p: Page, opts: { dir?: 'c2s' | 's2c'; text: string }) {
  if (opts.dir) await p.selectOption('[data-testid="filter-dir"]', opts.dir);
  await p.fill('[data-testid="filter-text"]', opts.text);
  await p.locator('[role="option"]').last().click();
  const seq = Number(await p.locator('[role="option"][aria-selected="true"]').getAttribute('data-seq'));
  await p.fill('[data-testid="filter-text"]', '');
  if (opts.dir) await p.selectOption('[data-testid="filter-dir"]', { label: 'both' });
  return seq;
}

beforeAll(async () => {
  buildIfNeeded();
  demo = await spawnDemo(KEY);
  browser = await chromium.launch({
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
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await addLiveProbe(page);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // startDemo serves build/ in place, and other work in this checkout may rebuild it while we run:
  // load /learn once now so its chunks are loaded (server) and cached (browser) from this build.
  await page.goto(`${demo.webUrl}/learn?mode=decrypt`);
  await page.goto(`${demo.webUrl}/live`);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

describe('/live against a running demo', () => {
  it('shows frames as the bots chat, live', async () => {
    await page.locator('[data-status="live"]').waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => (window as unknown as { __liveProbe: Hook }).__liveProbe.count() >= 4, undefined, {
      timeout: 15_000
    });
    const before = await hook(page, (h) => h.count());
    await page.waitForFunction((n) => (window as unknown as { __liveProbe: Hook }).__liveProbe.count() > n, before, {
      timeout: 10_000
    });
    expect(await page.locator('[role="option"]').count()).toBeGreaterThan(0);
  });

  it('prefills the demo key, marked as a demo secret, and decrypts: a bot sentence appears', async () => {
    expect(await page.inputValue('[data-testid="key"]')).toBe(KEY);
    await expect.poll(() => page.locator('.secret').textContent()).toBe('demo secret');
    await page.waitForFunction(
      (s) => s.some((x) => document.querySelector('[data-testid="packet-list"]')!.textContent!.includes(x)),
      SENTENCES,
      { timeout: 10_000 }
    );
    const seq = await selectBy(page, { dir: 'c2s', text: 'hmac tag' });
    await expect
      .poll(() => page.locator('[data-testid="plaintext"] .plain').textContent())
      .toBe('My frames carry an HMAC tag, so a flipped bit is caught.');
    expect(seq).toBeGreaterThan(0);
  });

  it('the field tree and the hex pane light each other up', async () => {
    await selectBy(page, { dir: 'c2s', text: 'cinnamon' }); // bob: native cbc-hmac
    await page.locator('[data-field-name="iv"]').hover();
    expect(await page.locator('.grid .b.hot').count()).toBe(16);
    await page.locator('[data-field-name="mac"]').hover();
    expect(await page.locator('.grid .b.hot').count()).toBe(32);
    // a byte lights up its field
    await page.locator('.grid .b.header').first().hover();
    await expect.poll(() => page.locator('.field.hot').getAttribute('data-field-name')).toBe('magic');
    // a line frame has a base64 view whose characters follow the same fields
    await selectBy(page, { dir: 'c2s', text: 'good morning' }); // alice: line
    await page.locator('[data-field-name="iv"]').hover();
    expect(await page.locator('.chars .ch.hot').count()).toBe(22); // 16 bytes = 21⅓ characters
    expect(await page.locator('.prow .b.pad').count()).toBeGreaterThan(0);
  });

  it('a wrong key shows the padding failure (cbc, line) and the MAC failure (cbc-hmac)', async () => {
    await page.fill('[data-testid="key"]', WRONG);
    const list = page.locator('[data-testid="packet-list"]');
    await expect.poll(() => list.textContent(), { timeout: 5000 }).toContain('bad MAC (ERR_BAD_MAC)');
    expect(await list.textContent()).toContain('bad padding (ERR_BAD_PADDING)');
    expect(await list.textContent()).not.toContain('Hello Client, message received securely');
    await selectBy(page, { dir: 's2c', text: 'bad mac' });
    expect(await page.locator('[data-testid="plaintext"] .fail').getAttribute('data-code')).toBe('ERR_BAD_MAC');
    await page.fill('[data-testid="key"]', 'abc');
    await expect.poll(() => page.locator('.keynote .bad').textContent()).toMatch(/even number of hex digits/);
    await page.fill('[data-testid="key"]', KEY);
  });

  it('"Open in step-through" lands on /learn with that frame\'s IV ‖ ciphertext', async () => {
    const seq = await selectBy(page, { dir: 'c2s', text: 'library' }); // alice, line framing
    const frame = (await allFrames()).find((f) => f.seq === seq)!;
    const line = Buffer.from(frame.bytes, 'base64').toString('latin1').replace(/\n$/, '');
    const href = await page.locator('[data-testid="step-through"]').getAttribute('href');
    const learn = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await learn.goto(demo.webUrl + href);
    const url = new URL(learn.url());
    expect(url.pathname).toBe('/learn');
    expect(url.searchParams.get('mode')).toBe('decrypt');
    expect(url.searchParams.get('key')).toBe(KEY);
    expect(url.searchParams.get('wire')).toBe(line);
    // /learn decrypts it to the sentence alice sent
    await expect
      .poll(() => learn.locator('body').textContent(), { timeout: 10_000 })
      .toContain('Shall we meet at the library at four?');
    await learn.close();
    // clicking it navigates there too
    await page.locator('[data-testid="step-through"]').click();
    await page.waitForURL(/\/learn\?mode=decrypt/);
    expect(new URL(page.url()).searchParams.get('wire')).toBe(line);
    await page.goBack();
    await page.locator('[data-status="live"]').waitFor({ timeout: 15_000 });
  });

  it('"Flip its bits" opens lesson 1 on that captured frame, which it opens with the demo key', async () => {
    const seq = await selectBy(page, { dir: 'c2s', text: 'library' }); // alice, line framing
    const frame = (await allFrames()).find((f) => f.seq === seq)!;
    const href = await page.locator('[data-testid="tamper"]').getAttribute('href');
    expect(new URL(href!, demo.webUrl).searchParams.get('frame')).toBe(frame.bytes);
    const lesson = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await lesson.goto(demo.webUrl + href);
    await expect
      .poll(() => lesson.locator('body').textContent(), { timeout: 10_000 })
      .toContain('Shall we meet at the library at four?');
    await lesson.close();
  });

  it('sending from the page shows up in the list, decrypted', async () => {
    const text = `hello from the page ${Date.now()}`;
    await page.fill('[data-testid="send-text"]', text);
    await page.locator('[data-testid="send"] button').click();
    await expect
      .poll(() => page.locator('[data-testid="send"] .ok').textContent(), { timeout: 10_000 })
      .toMatch(/sent as web/);
    await page.fill('[data-testid="filter-text"]', text);
    await expect.poll(() => page.locator('[role="option"]').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="packet-list"]').textContent()).toContain(text);
    await page.fill('[data-testid="filter-text"]', '');
  });

  it('pause holds new frames back; resume shows them all', async () => {
    await page.locator('[data-testid="pause"]').click();
    const held = await hook(page, (h) => h.count());
    await expect
      .poll(() => page.locator('[data-testid="status"]').textContent(), { timeout: 10_000 })
      .toMatch(/paused, \d+ new/);
    expect(await hook(page, (h) => h.count())).toBe(held);
    await page.locator('[data-testid="pause"]').click();
    expect(await hook(page, (h) => h.count())).toBeGreaterThan(held);
  });

  it('arrow keys move the selection', async () => {
    const list = page.locator('[data-testid="packet-list"]');
    await list.focus();
    await page.keyboard.press('End');
    const last = Number(await page.locator('[role="option"][aria-selected="true"]').getAttribute('data-seq'));
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    const now = Number(await page.locator('[role="option"][aria-selected="true"]').getAttribute('data-seq'));
    expect(now).toBe(last - 2);
    expect(await page.locator('[data-testid="frame-detail"] h2').textContent()).toBe(`Frame #${now}`);
  });

  it('after the stream drops, it resumes from the last seq: no gap, no duplicate', async () => {
    await hook(page, (h) => h.drop());
    await page.locator('[data-status="reconnecting"]').waitFor({ timeout: 5000 });
    await page.locator('[data-status="live"]').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1500);
    const frames = await allFrames();
    const last = frames[frames.length - 1].seq;
    await page.waitForFunction((n) => (window as unknown as { __liveProbe: Hook }).__liveProbe.last() >= n, last, {
      timeout: 10_000
    });
    expect(await hook(page, (h) => h.gaps())).toBe(0);
    expect(await hook(page, (h) => h.duplicates())).toBe(0);
    // the page holds every frame the capture holds, once and in order: seqs 1..n with no hole
    expect(frames.map((f) => f.seq)).toEqual(frames.map((_, i) => i + 1));
    expect(await hook(page, (h) => h.contiguous())).toBe(true);
    expect(
      await page.evaluate(() => (window as unknown as { __liveProbe: Hook }).__liveProbe.count())
    ).toBeGreaterThanOrEqual(last);
  });

  it('the chat transcript shows the same frames as a conversation', async () => {
    await page.locator('[data-testid="tab-transcript"]').click();
    const t = page.locator('[data-testid="transcript"]');
    await expect.poll(() => t.textContent()).toContain('Hello Client, message received securely');
    const text = (await t.textContent()) ?? '';
    expect(SENTENCES.some((s) => text.includes(s))).toBe(true);
    await page.locator('[role="tab"]', { hasText: 'Packets' }).click();
  });

  it('loads a JSON capture and a pcapng for offline inspection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cbc-live-e2e-'));
    try {
      // the page's download links hand over the capture as the API serves it
      for (const [label, ext] of [
        ['⤓ pcapng', 'pcapng'],
        ['⤓ JSON', 'json']
      ]) {
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.locator('a.btn', { hasText: label }).click()
        ]);
        expect(download.suggestedFilename()).toMatch(new RegExp(`\\.${ext}$`));
        const saved = join(dir, `dl.${ext}`);
        await download.saveAs(saved);
        expect(readFileSync(saved).length).toBeGreaterThan(100);
      }
      const json = Buffer.from(await (await fetch(`${demo.webUrl}/api/capture.json`)).arrayBuffer());
      const nFrames = (JSON.parse(json.toString()) as { frames: unknown[] }).frames.length;
      writeFileSync(join(dir, 'capture.json'), json);
      await page.setInputFiles('[data-testid="load-file"]', join(dir, 'capture.json'));
      await page.locator('[data-status="file"]').waitFor();
      expect(await hook(page, (h) => h.count())).toBe(nFrames);
      await expect.poll(() => page.locator('[data-testid="frame-detail"] .plain').textContent()).toBeTruthy();

      const pcap = Buffer.from(await (await fetch(`${demo.webUrl}/api/capture.pcapng`)).arrayBuffer());
      writeFileSync(join(dir, 'capture.pcapng'), pcap);
      await page.setInputFiles('[data-testid="load-file"]', join(dir, 'capture.pcapng'));
      await expect.poll(() => page.locator('.source').textContent()).toContain('pcapng');
      expect(await hook(page, (h) => h.count())).toBeGreaterThanOrEqual(nFrames);
      const text = await page.locator('[data-testid="packet-list"]').textContent();
      expect(SENTENCES.some((s) => text!.includes(s)) || text!.includes('Hello Client')).toBe(true);

      writeFileSync(join(dir, 'junk.txt'), 'not a capture');
      await page.setInputFiles('[data-testid="load-file"]', join(dir, 'junk.txt'));
      await expect.poll(() => page.locator('.loaderr').textContent()).toMatch(/^ERR_LOAD_FORMAT/);

      await page.locator('button', { hasText: 'Back to live' }).click();
      await page.locator('[data-status="live"]').waitFor({ timeout: 15_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('100,000 frames: only the rows in view exist, and moving through them stays quick', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cbc-live-100k-'));
    try {
      const keys = deriveKeys(Buffer.from(KEY, 'hex'));
      const frames: CapturedFrame[] = [];
      const t0 = Date.now();
      for (let i = 0; i < 100_000; i++) {
        const wire =
          i % 2
            ? sealFrame(keys, { type: 'chat', suite: 'cbc', seq: i, plaintext: Buffer.from(`message number ${i}`) })
            : sealLine(Buffer.from(KEY, 'hex'), Buffer.from(`line number ${i}`));
        frames.push({
          seq: i + 1,
          time: t0 + i,
          conn: 1 + (i % 3),
          dir: i % 4 < 2 ? 'c2s' : 's2c',
          framing: i % 2 ? 'native' : 'line',
          type: 'chat',
          suite: 'cbc',
          length: wire.length,
          bytes: Buffer.from(wire).toString('base64')
        });
      }
      writeFileSync(
        join(dir, 'big.json'),
        JSON.stringify({ format: 'cbc-lab-capture', version: 1, connections: [], frames })
      );
      const started = Date.now();
      await page.setInputFiles('[data-testid="load-file"]', join(dir, 'big.json'));
      await page.locator('[data-status="file"]').waitFor({ timeout: 30_000 });
      await expect
        .poll(() => page.locator('[data-testid="count"]').textContent(), { timeout: 30_000 })
        .toBe('100000 frames');
      const loadMs = Date.now() - started;
      expect(await page.locator('[role="option"]').count()).toBeLessThan(80);
      const list = page.locator('[data-testid="packet-list"]');
      await list.focus();
      const t1 = Date.now();
      await page.keyboard.press('End');
      await expect.poll(() => page.locator('[data-testid="frame-detail"] h2').textContent()).toBe('Frame #100000');
      for (let i = 0; i < 20; i++) await page.keyboard.press('PageUp');
      const moved = Number(await page.locator('[role="option"][aria-selected="true"]').getAttribute('data-seq'));
      expect(moved).toBeLessThan(100_000 - 200);
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight / 2));
      await expect
        .poll(() => page.locator('[role="option"]').first().getAttribute('data-seq').then(Number))
        .toBeGreaterThan(40_000);
      const navMs = Date.now() - t1;
      expect(await page.locator('[role="option"]').count()).toBeLessThan(80);
      // a text filter over every frame (each is decrypted in the browser to match its plaintext)
      const t2 = Date.now();
      await page.fill('[data-testid="filter-text"]', 'number 77777');
      await expect
        .poll(() => page.locator('[data-testid="count"]').textContent(), { timeout: 30_000 })
        .toBe('1 of 100000 frames');
      const filterMs = Date.now() - t2;
      await page.fill('[data-testid="filter-text"]', '');
      console.log(
        `100k frames: load ${loadMs} ms, End + 20 × PageUp + scroll ${navMs} ms, text filter over all ${filterMs} ms`
      );
      expect(navMs).toBeLessThan(10_000); // a loose bound: the machine is shared
      await page.locator('button', { hasText: 'Back to live' }).click();
      await page.locator('[data-status="live"]').waitFor({ timeout: 15_000 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('raised no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
