// What the screenshot scripts share: where the pictures go, saving one, opening a page for one,
// and running a script against a server and one headless Chromium.
import { mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../tests/e2e/harness.ts';

export const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'screenshots');

/** Save the page as docs/screenshots/`file` and say so, with its size and `note`. */
export async function save(page: Page, file: string, note?: string): Promise<void> {
  await page.screenshot({ path: join(OUT, file) });
  const v = page.viewportSize();
  console.log(`docs/screenshots/${file}  ${v?.width}×${v?.height}${note ? `  ${note}` : ''}`);
}

export interface Shot {
  file: string;
  width: number;
  height: number;
}

/** Open `url` at the shot's size once the network is idle, `act` on it, then save it. */
export async function shoot(
  browser: Browser,
  url: string,
  shot: Shot,
  act: (page: Page) => Promise<void>,
  note?: string
): Promise<void> {
  const page = await browser.newPage({ viewport: { width: shot.width, height: shot.height } });
  await page.goto(url, { waitUntil: 'networkidle' });
  await act(page);
  await save(page, shot.file, note);
  await page.close();
}

/** Start the server, then `shots` with one Chromium; stop both; exit 1 on any error. */
export function run<S extends { stop(): Promise<void> }>(
  start: () => Promise<S>,
  shots: (browser: Browser, server: S) => Promise<void>
): void {
  (async () => {
    mkdirSync(OUT, { recursive: true });
    const server = await start();
    const browser = await launchBrowser();
    // the pictures show where each step ends, no step's motion caught half-way: every page the
    // scripts open prefers reduced motion (Chromium's --force-prefers-reduced-motion is ignored headless)
    const newPage = browser.newPage.bind(browser);
    browser.newPage = (o = {}) => newPage({ reducedMotion: 'reduce', ...o });
    try {
      await shots(browser, server);
    } finally {
      await browser.close();
      await server.stop();
    }
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
