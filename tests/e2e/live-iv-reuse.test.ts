// /live flags reused IVs (lesson 5) in real Chromium against a real demo: a raw TCP client sends
// two hand-made line frames through the tap under the SAME IV (node:crypto, the demo key from
// /api/demo); the page flags the second, names the first (clickable), shows the counter, and
// leaves the bots' frames (fresh IVs, relayed copies) unflagged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCipheriv, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildIfNeeded } from '../../server/start.ts';
import { spawnDemo, type FastDemo } from '../helpers/demo-child';
import type { CapturedFrame } from '../../src/lib/protocol/capture';

const KEY = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// 16 equal leading bytes: under one IV, C₁ repeats too
const FIRST = 'meet me at the library at four';
const SECOND = 'meet me at the library at five';

let demo: FastDemo;
let browser: Browser;
let page: Page;
let sock: Socket;
const pageErrors: string[] = [];

/** base64(IV ‖ AES-CBC-PKCS7(key, IV, text)) + "\n" (docs/protocol.md §5.1) */
function line(key: Buffer, iv: Buffer, text: string): string {
  const algo = `aes-${key.length * 8}-cbc`;
  const c = createCipheriv(algo, key, iv);
  return Buffer.concat([iv, c.update(text, 'utf8'), c.final()]).toString('base64') + '\n';
}

async function frames(): Promise<CapturedFrame[]> {
  const r = (await (await fetch(`${demo.webUrl}/api/frames?after=0&limit=10000`)).json()) as {
    frames: CapturedFrame[];
  };
  return r.frames;
}

let seq1 = 0;
let seq2 = 0;

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
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${demo.webUrl}/live`);
  await page.locator('[data-status="live"]').waitFor({ timeout: 15_000 });

  const key = Buffer.from(((await (await fetch(`${demo.webUrl}/api/demo`)).json()) as { key: string }).key, 'hex');
  const iv = randomBytes(16);
  const l1 = line(key, iv, FIRST);
  const l2 = line(key, iv, SECOND);
  sock = connect(demo.chatPort, '127.0.0.1');
  sock.on('data', () => {});
  await new Promise<void>((r) => sock.once('connect', () => r()));
  sock.write(l1);
  await new Promise((r) => setTimeout(r, 300));
  sock.write(l2);
  const want = (l: string) => (f: CapturedFrame) =>
    f.dir === 'c2s' && Buffer.from(f.bytes, 'base64').toString('latin1') === l;
  let all: CapturedFrame[] = [];
  for (let t = Date.now(); Date.now() - t < 10_000; await new Promise((r) => setTimeout(r, 200))) {
    all = await frames();
    if (all.some(want(l1)) && all.some(want(l2))) break;
  }
  seq1 = all.find(want(l1))!.seq;
  seq2 = all.find(want(l2))!.seq;
}, 300_000);

afterAll(async () => {
  sock?.destroy();
  await browser?.close();
  await demo?.stop();
});

describe('/live flags a reused IV', () => {
  it("flags the second frame (icon and text) and counts it; the first and the bots' frames are not flagged", async () => {
    await expect
      .poll(() => page.locator('[data-testid="iv-count"]').textContent(), { timeout: 10_000 })
      .toMatch(/IV reused: 1, repeated blocks: 1\b/);
    // both of our frames in view, and nothing else flagged: bots use fresh IVs, and relayed
    // copies of one sealed message are not reuse
    await page.selectOption('[data-testid="filter-dir"]', 'c2s');
    await page.fill('[data-testid="filter-text"]', 'meet me at the library');
    await expect.poll(() => page.locator('[role="option"]').count(), { timeout: 10_000 }).toBe(2);
    const row2 = page.locator(`[role="option"][data-seq="${seq2}"]`);
    await expect.poll(() => row2.locator('[data-testid="iv-flag"]').textContent()).toBe('⚠ IV reused');
    expect(await page.locator(`[role="option"][data-seq="${seq1}"] [data-testid="iv-flag"]`).count()).toBe(0);
    await page.fill('[data-testid="filter-text"]', '');
    await page.selectOption('[data-testid="filter-dir"]', { label: 'both' });
    // the list renders rows in slices when the page is busy: wait for the flagged one to be drawn
    const flaggedSeqs = () =>
      page
        .locator('[data-testid="packet-list"] [role="option"]:has([data-testid="iv-flag"])')
        .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    // the bots keep talking and the list follows the newest, so seq2 may have scrolled out of the
    // virtualized rows by now (its flag was checked above): every flagged row drawn is seq2
    await expect.poll(async () => (await flaggedSeqs()).filter((s) => s !== seq2)).toEqual([]);
  });

  it('the detail names the first frame and the block, links to the lesson, and the name selects it', async () => {
    await page.selectOption('[data-testid="filter-dir"]', 'c2s');
    await page.fill('[data-testid="filter-text"]', 'library at five');
    await page.locator(`[role="option"][data-seq="${seq2}"]`).click();
    const box = page.locator('[data-testid="iv-reuse"]');
    await expect.poll(() => box.textContent()).toContain(`first sent in frame #${seq1}`);
    const text = (await box.textContent())!.replace(/\s+/g, ' ');
    expect(text).toContain('The first block matches: the two plaintexts start with the same 16 bytes.');
    expect(text).toContain(`C₁ of this frame equals C₁ of frame #${seq1}`);
    expect(await box.locator('a[href="/lessons/iv-mistakes"]').count()).toBe(1);
    if (process.env.CBC_LAB_SCREENSHOTS) {
      await page.fill('[data-testid="filter-text"]', '');
      await page.selectOption('[data-testid="filter-dir"]', { label: 'both' });
      await page.locator('[data-testid="pause"]').click();
      await page.waitForTimeout(300);
      await page.locator(`#frame-${seq2}`).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(root, 'docs', 'screenshots', 'live-iv-reuse.png') });
      await page.locator('[data-testid="pause"]').click();
      await page.selectOption('[data-testid="filter-dir"]', 'c2s');
      await page.fill('[data-testid="filter-text"]', 'library at');
    }
    // widen the filter so that the first frame has a row to be selected in
    await page.fill('[data-testid="filter-text"]', 'library at');
    await box.locator('[data-testid="iv-first"]').click();
    await expect
      .poll(() => page.locator('[role="option"][aria-selected="true"]').getAttribute('data-seq'))
      .toBe(String(seq1));
    expect(await page.locator('[data-testid="iv-reuse"]').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
