// Lesson 2 in real Chromium. Without a demo: the local oracle, clearly labelled, recovers the
// message and fails against cbc-hmac and gcm. With a demo started with the padding oracle on
// (free ports): the page captures a victim frame from the wire and recovers it through
// /api/oracle from the real server, and the same attack against cbc-hmac gets 256 × ERR_BAD_MAC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startApp, launchBrowser, type App } from './harness';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function run(page: Page, suite: string, button: RegExp): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  await page.locator(`[data-target="${suite}"]`).waitFor();
  await page.locator(`#attack-${suite}`).getByRole('button', { name: 'Run the attack' }).click();
  await page.locator(`#attack-${suite}[data-done]`).waitFor({ timeout: 120_000 });
}

describe('/lessons/padding-oracle without a demo: the local oracle', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('says how to start the live server, labels the local oracle, recovers the message, fails on cbc-hmac and gcm', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(app.url + '/lessons/padding-oracle');
    await page.locator('.lesson[data-ready="true"][data-mode="local"]').waitFor();
    expect(await page.locator('[data-local]').innerText()).toContain('npm start -- --padding-oracle');
    await page.locator('input[maxlength="64"]').fill('local secret: 42');
    await run(page, 'cbc', /Seal it locally \(suite cbc\)/);
    const attack = page.locator('#attack-cbc');
    expect(await attack.getAttribute('data-done')).toBe('recovered');
    expect(await attack.locator('h3').innerText()).toContain('LOCAL oracle');
    expect(await attack.locator('[data-plaintext]').getAttribute('data-plaintext')).toBe('local secret: 42');
    expect(Number(await attack.locator('[data-max-per-byte]').innerText())).toBeLessThanOrEqual(256);
    expect(await attack.locator('[data-recovered]').innerText()).toBe('32');
    for (const [suite, code] of [['cbc-hmac', 'ERR_BAD_MAC'], ['gcm', 'ERR_BAD_TAG']]) {
      await run(page, suite, new RegExp(`Seal it locally \\(${suite}\\)`));
      const a = page.locator(`#attack-${suite}`);
      expect(await a.getAttribute('data-done')).toBe('failed');
      expect(JSON.parse((await a.locator('[data-tally]').getAttribute('data-tally'))!)).toEqual({ [code]: 256 });
      expect(await a.locator('[data-recovered]').innerText()).toBe('0');
    }
    const summary = await page.locator('[data-summary]').innerText();
    expect(summary).toMatch(/You recovered all 32 bytes \(2 blocks\) of the victim's message from the local oracle/);
    expect(summary).toContain('Against cbc-hmac all 256 guesses for the very first byte got the same answer (256 × ERR_BAD_MAC)');
    await page.close();
  }, 180_000);
});
