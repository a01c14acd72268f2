// Pictures of /live for docs/screenshots/: a running demo (started here, on free ports, bots
// chatting fast), headless Chromium at 1280×720, 1920×1080 and 390×844.
//   live.png         the packet list with the bots' frames decrypted, a frame selected
//   live-frame.png   a cbc-hmac frame's field tree and hex pane, a MAC byte pointed at
//   live-line.png    a line frame: the base64 view, padding marked
//   live-1080p.png   the whole page at 1920×1080
//   live-bad-key.png a wrong key: bad MAC and bad padding verdicts
//   live-phone.png   the whole page at 390×844 (a phone), a frame selected
//   live-tablet.png  the whole page at 768×1024 (a tablet), a frame selected
//   live-held.png    1280×720: a frame selected while frames go on arriving (the list holds still)
// Run: npx tsx scripts/screenshots-live.ts (SHOTS_OUT=<dir> writes elsewhere, to compare)
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startDemo } from '../server/demo.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = process.env.SHOTS_OUT ?? join(root, 'docs', 'screenshots');
const KEY = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';

async function main() {
  mkdirSync(out, { recursive: true });
  const demo = await startDemo({ webPort: 0, chatPort: 0, key: KEY, bots: true, botIntervalMs: 700 });
  const browser = await chromium.launch({
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
  try {
    await new Promise((r) => setTimeout(r, 6000));
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${demo.webUrl}/live`);
    await page.locator('[data-status="live"]').waitFor({ timeout: 15000 });
    await page.waitForFunction(
      () => Number((document.querySelector('[data-testid="status"]') as HTMLElement | null)?.dataset.frames ?? 0) >= 12
    );
    // a chat frame bob sent (native cbc-hmac, client → server)
    await page.selectOption('[data-testid="filter-dir"]', 'c2s');
    await page.fill('[data-testid="filter-text"]', 'hmac tag');
    await page.locator('[role="option"]').last().click();
    await page.fill('[data-testid="filter-text"]', '');
    await page.selectOption('[data-testid="filter-dir"]', { label: 'both' });
    await page.locator('[data-testid="pause"]').click();
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, 'live.png') });

    // point at a MAC byte in the hex pane: its field lights up in the tree above
    await page.locator('.right').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForTimeout(200);
    await page.locator('.grid .b.mac').nth(5).hover();
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, 'live-frame.png') });

    // a line frame alice sent: the base64 view
    await page.selectOption('[data-testid="filter-dir"]', 'c2s');
    await page.fill('[data-testid="filter-text"]', 'padded up');
    await page.locator('[role="option"]').last().click();
    await page.fill('[data-testid="filter-text"]', '');
    await page.locator('[data-field-name="iv"]').hover();
    await page.locator('.right').evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(out, 'live-line.png') });

    await page.fill('[data-testid="key"]', KEY.replace(/^60/, '61'));
    await page.selectOption('[data-testid="filter-dir"]', { label: 'both' });
    await page.locator('.right').evaluate((el) => (el.scrollTop = 0));
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(out, 'live-bad-key.png') });
    await page.close();

    const big = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await big.goto(`${demo.webUrl}/live`);
    await big.locator('[data-status="live"]').waitFor({ timeout: 15000 });
    await big.fill('[data-testid="filter-text"]', 'cinnamon');
    await big.locator('[role="option"]').last().click();
    await big.fill('[data-testid="filter-text"]', '');
    await big.locator('[data-testid="pause"]').click();
    await big.waitForTimeout(300);
    await big.screenshot({ path: join(out, 'live-1080p.png') });
    await big.close();

    // the selection holds the list while the bots go on: the "Follow newest" bar counts them
    const held = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await held.goto(`${demo.webUrl}/live`);
    await held.locator('[data-status="live"]').waitFor({ timeout: 15000 });
    await held.locator('[role="option"]').last().click();
    const at = Number(await held.locator('[data-testid="status"]').getAttribute('data-frames'));
    await held.waitForFunction(
      (n) => Number((document.querySelector('[data-testid="status"]') as HTMLElement).dataset.frames) >= n + 6,
      at
    );
    await held.screenshot({ path: join(out, 'live-held.png') });
    await held.close();

    const tablet = await browser.newPage({ viewport: { width: 768, height: 1024 } });
    await tablet.goto(`${demo.webUrl}/live`);
    await tablet.locator('[data-status="live"]').waitFor({ timeout: 15000 });
    await tablet.fill('[data-testid="filter-text"]', 'cinnamon');
    await tablet.locator('[role="option"]').last().click();
    await tablet.fill('[data-testid="filter-text"]', '');
    await tablet.locator('[data-testid="pause"]').click();
    await tablet.waitForTimeout(300);
    await tablet.screenshot({ path: join(out, 'live-tablet.png'), fullPage: true });
    await tablet.close();

    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${demo.webUrl}/live`);
    await phone.locator('[data-status="live"]').waitFor({ timeout: 15000 });
    await phone.fill('[data-testid="filter-text"]', 'cinnamon');
    await phone.locator('[role="option"]').last().click();
    await phone.fill('[data-testid="filter-text"]', '');
    await phone.locator('[data-testid="pause"]').click();
    await phone.waitForTimeout(300);
    await phone.screenshot({ path: join(out, 'live-phone.png'), fullPage: true });
    console.log(`screenshots written to ${out}`);
  } finally {
    await browser.close();
    await demo.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
