// /live when the demo goes away: a clean stop (SIGTERM, as Ctrl-C) says "demo stopped" with the
// last frame, and the frames stay; a demo killed with SIGKILL cannot say anything, and the page
// says nothing answers instead of "reconnecting…" forever. Real demo children, real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness';
import { startDemoChild } from '../helpers/demo-child';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function liveWithOneMessage() {
  const demo = await startDemoChild(['--no-bots']);
  const sent = await fetch(`${demo.webUrl}/api/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'before the stop' })
  });
  expect(sent.status).toBe(200);
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(demo.webUrl + '/live');
  await page.locator('[data-status="live"]').waitFor({ timeout: 30_000 });
  await page.locator('[role="option"]').first().waitFor({ timeout: 30_000 });
  const frames = (await (await fetch(`${demo.webUrl}/api/frames?after=0&limit=1000`)).json()) as {
    frames: { seq: number }[];
  };
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="status"]')?.getAttribute('data-last-seq')) >= n,
    frames.frames[frames.frames.length - 1].seq
  );
  return { demo, page };
}

describe('/live when the demo goes away', () => {
  it('a clean stop: "demo stopped", the last frame named, the frames still there', async () => {
    const { demo, page } = await liveWithOneMessage();
    const held = Number(await page.locator('[data-testid="status"]').getAttribute('data-frames'));
    await demo.stop(); // SIGTERM: the demo's clean stop
    await page.locator('[data-status="stopped"]').waitFor({ timeout: 15_000 });
    const pill = page.locator('[data-testid="status"]');
    expect(await pill.innerText()).toContain('demo stopped');
    expect(await page.getByText(/^The demo stopped \(Ctrl-C, or npm start ended\) after frame #\d+\./).count()).toBe(1);
    expect(Number(await pill.getAttribute('data-frames'))).toBeGreaterThanOrEqual(held);
    expect(await page.locator('[role="option"]').count()).toBeGreaterThan(0);
    await page.close();
  }, 120_000);

  it('killed (SIGKILL): "demo not answering", not "reconnecting…" forever', async () => {
    const { demo, page } = await liveWithOneMessage();
    demo.kill();
    await page.locator('[data-status="unreachable"]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-testid="status"]').innerText()).toContain('demo not answering');
    expect(
      await page.getByText(/^Nothing answers at 127\.0\.0\.1:\d+: the demo has stopped or crashed\./).count()
    ).toBe(1);
    await page.close();
  }, 120_000);
});
