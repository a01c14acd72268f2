// /live in real Chromium against a real demo: a raw TCP client writes through the tap the ways
// students write (docs/protocol.md §5.5): hex, JSON, no line end, the IV on its own line. Each is
// one frame in the list, labelled with its form, and decrypts in the page to what was sent
// (node:crypto made the bytes with the demo key from /api/demo).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCipheriv, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './harness';
import { buildIfNeeded } from '../../server/start.ts';
import { spawnDemo, type FastDemo } from '../helpers/demo-child';
import type { CapturedFrame } from '../../src/lib/protocol/capture';

const KEY = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let demo: FastDemo;
let browser: Browser;
let page: Page;
let sock: Socket;
const pageErrors: string[] = [];

function seal(key: Buffer, text: string) {
  const iv = randomBytes(16);
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  return { iv, ct: Buffer.concat([c.update(text, 'utf8'), c.final()]) };
}

const SENT: { text: string; form: string; wire: (key: Buffer) => string }[] = [
  {
    text: 'written as hex by a student',
    form: 'hex line',
    wire: (k) => {
      const s = seal(k, 'written as hex by a student');
      return Buffer.concat([s.iv, s.ct]).toString('hex') + '\n';
    }
  },
  {
    text: 'written as a JSON object',
    form: 'json line (base64)',
    wire: (k) => {
      const s = seal(k, 'written as a JSON object');
      return JSON.stringify({ iv: s.iv.toString('base64'), ciphertext: s.ct.toString('base64') }) + '\n';
    }
  },
  {
    text: 'sent with no line end at all',
    form: 'line, no line end',
    wire: (k) => {
      const s = seal(k, 'sent with no line end at all');
      return Buffer.concat([s.iv, s.ct]).toString('base64');
    }
  },
  {
    text: 'the IV came on its own line',
    form: 'line, IV apart',
    wire: (k) => {
      const s = seal(k, 'the IV came on its own line');
      return `${s.iv.toString('base64')}\n${s.ct.toString('base64')}\n`;
    }
  }
];

async function frames(): Promise<CapturedFrame[]> {
  const r = (await (await fetch(`${demo.webUrl}/api/frames?after=0&limit=10000`)).json()) as {
    frames: CapturedFrame[];
  };
  return r.frames;
}

beforeAll(async () => {
  buildIfNeeded();
  demo = await spawnDemo(KEY);
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${demo.webUrl}/live`);
  await page.locator('[data-status="live"]').waitFor({ timeout: 15_000 });
  const key = Buffer.from(((await (await fetch(`${demo.webUrl}/api/demo`)).json()) as { key: string }).key, 'hex');
  sock = connect(demo.chatPort, '127.0.0.1');
  sock.on('data', () => {});
  await new Promise<void>((r) => sock.once('connect', () => r()));
  // one at a time, each answered before the next: a message with no line end ends at a pause
  for (const s of SENT) {
    const before = (await frames()).filter((f) => f.dir === 'c2s').length;
    sock.write(s.wire(key));
    for (
      let t = Date.now();
      (await frames()).filter((f) => f.dir === 'c2s' && f.form === s.form).length < 1;
      await new Promise((r) => setTimeout(r, 100))
    ) {
      if (Date.now() - t > 10_000) throw new Error(`no ${s.form} frame in the capture after 10 s`);
    }
    if ((await frames()).filter((f) => f.dir === 'c2s').length <= before) throw new Error('no new frame');
  }
}, 300_000);

afterAll(async () => {
  sock?.destroy();
  await browser?.close();
  await demo?.stop();
});

describe('/live labels every form a seed program writes', () => {
  for (const s of SENT) {
    it(`${s.form}: one row, the form in the detail, decrypted in the page`, async () => {
      await page.selectOption('[data-testid="filter-dir"]', 'c2s');
      await page.fill('[data-testid="filter-text"]', s.text);
      await expect.poll(() => page.locator('[role="option"]').count(), { timeout: 10_000 }).toBe(1);
      const row = page.locator('[role="option"]').first();
      expect(await row.textContent()).toContain(s.form);
      await row.click();
      await expect.poll(() => page.locator('[data-testid="frame-form"]').textContent()).toContain(s.form);
      await expect.poll(() => page.locator('[data-testid="plaintext"]').textContent()).toContain(s.text);
      if (process.env.CBC_LAB_SCREENSHOTS && s.form === 'json line (base64)') {
        for (const [w, h, name] of [
          [1280, 720, 'live-json-line'],
          [1920, 1080, 'live-json-line-1080p'],
          [390, 844, 'live-json-line-phone']
        ] as const) {
          await page.setViewportSize({ width: w, height: h });
          await page.waitForTimeout(300);
          await page.screenshot({ path: join(root, 'docs', 'screenshots', `${name}.png`), fullPage: w === 390 });
        }
        await page.setViewportSize({ width: 1280, height: 720 });
      }
    });
  }

  it('left no error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
