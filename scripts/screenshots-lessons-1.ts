// Screenshots of lessons 1 and 2 for docs/screenshots/ (`npx tsx scripts/screenshots-lessons-1.ts`).
// Lesson 2 runs against a real `npm start -- --padding-oracle` on free ports, so the picture is
// of the attack on the live wire.
import type { Browser } from 'playwright-core';
import { startDemoChild } from '../tests/helpers/demo-child.ts';
import { run, save } from './shots.ts';

async function bitFlipping(browser: Browser, web: string, width: number, height: number, file: string, query = '') {
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(web + '/lessons/bit-flipping' + query);
  await page.locator('.lesson[data-ready="true"]').waitFor();
  await page.locator('[data-block="0"] button[data-byte="5"][data-bit="2"]').click();
  await page.locator('#exp').scrollIntoViewIfNeeded();
  await page.evaluate(() => document.querySelector('#exp')!.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(200);
  await save(page, file);
  await page.close();
}

async function forgery(browser: Browser, web: string, file: string) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(web + '/lessons/bit-flipping');
  await page.locator('.lesson[data-ready="true"]').waitFor();
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Next step →' }).click();
  await page.evaluate(() => document.querySelector('#forge')!.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(100);
  await save(page, file);
  await page.close();
}

async function paddingOracle(
  browser: Browser,
  web: string,
  width: number,
  height: number,
  file: string,
  macFile?: string
) {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(web + '/lessons/padding-oracle');
  await page
    .locator('.lesson[data-ready="true"][data-mode="live"]')
    .waitFor()
    .catch(async (err) => {
      console.error(
        'mode:',
        await page.locator('.lesson').getAttribute('data-mode'),
        'ready:',
        await page.locator('.lesson').getAttribute('data-ready')
      );
      throw err;
    });
  await page.locator('input[maxlength="64"]').fill('PIN 4071: meet at the north gate');
  await page.getByRole('button', { name: /Send it as the victim \(suite cbc\)/ }).click();
  await page.locator('[data-target="cbc"]').waitFor();
  await page.locator('#attack-cbc').getByRole('button', { name: 'Run the attack' }).click();
  // mid-attack: the first block done, the second under way
  await page.waitForFunction(
    () => Number(document.querySelector('#attack-cbc [data-recovered]')?.textContent ?? 0) >= 21,
    null,
    { timeout: 300_000 }
  );
  await page.evaluate(() => document.querySelector('#attack')!.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(100);
  await save(page, file);
  if (macFile) {
    await page.locator('#attack-cbc[data-done]').waitFor({ timeout: 300_000 });
    await page.getByRole('button', { name: /Send the message as cbc-hmac and capture it/ }).click();
    await page.locator('[data-target="cbc-hmac"]').waitFor();
    await page.locator('#attack-cbc-hmac').getByRole('button', { name: 'Run the attack' }).click();
    await page.locator('#attack-cbc-hmac[data-done]').waitFor({ timeout: 120_000 });
    await page.getByRole('button', { name: /Send the message as gcm and capture it/ }).click();
    await page.locator('[data-target="gcm"]').waitFor();
    await page.locator('#attack-gcm').getByRole('button', { name: 'Run the attack' }).click();
    await page.locator('#attack-gcm[data-done]').waitFor({ timeout: 120_000 });
    await page.evaluate(() => document.querySelector('#mac')!.scrollIntoView({ block: 'start' }));
    await page.waitForTimeout(100);
    await save(page, macFile);
  }
  await page.close();
}

run(
  () => startDemoChild(['--no-bots', '--padding-oracle']),
  async (browser, demo) => {
    await bitFlipping(browser, demo.webUrl, 1280, 720, 'lesson-bit-flipping.png');
    await bitFlipping(browser, demo.webUrl, 1920, 1080, 'lesson-bit-flipping-1080p.png');
    await forgery(browser, demo.webUrl, 'lesson-bit-flipping-forgery.png');
    await paddingOracle(browser, demo.webUrl, 1280, 720, 'lesson-padding-oracle.png', 'lesson-padding-oracle-mac.png');
    await paddingOracle(browser, demo.webUrl, 1920, 1080, 'lesson-padding-oracle-1080p.png');
    await bitFlipping(browser, demo.webUrl, 390, 844, 'lesson-bit-flipping-phone.png');
    await bitFlipping(browser, demo.webUrl, 1280, 720, 'lesson-bit-flipping-projector.png', '?projector=1');
    await paddingOracle(browser, demo.webUrl, 390, 844, 'lesson-padding-oracle-phone.png');
  }
);
