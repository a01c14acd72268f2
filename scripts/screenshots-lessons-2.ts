// Headless Chromium pictures of lessons 4, 5 and 6 for docs/screenshots/, each after a small
// experiment so the picture shows the lesson doing its job. `npx tsx scripts/screenshots-lessons-2.ts`
import type { Page } from 'playwright-core';
import { startApp } from '../tests/e2e/harness.ts';
import { run, shoot, type Shot as BaseShot } from './shots.ts';

interface Shot extends BaseShot {
  path: string;
  /** drive the experiment, then scroll to what matters */
  act: (page: Page) => Promise<void>;
}

const shots: Shot[] = [];
for (const [w, h, suffix] of [
  [1280, 720, ''],
  [1920, 1080, '-1080p'],
  [390, 844, '-phone']
] as const) {
  shots.push(
    {
      file: `lesson-ecb-vs-cbc${suffix}.png`,
      path: '/lessons/ecb-vs-cbc',
      width: w,
      height: h,
      act: async (page) => {
        await page.locator('section.experiment[data-state="done"]').waitFor({ timeout: 60_000 });
        await page.evaluate(() => {
          document.querySelector('#ecb-exp-h')?.closest('section')?.scrollIntoView({ block: 'start' });
          window.scrollBy(0, -12);
        });
      }
    },
    {
      file: `lesson-iv-mistakes${suffix}.png`,
      path: '/lessons/iv-mistakes',
      width: w,
      height: h,
      act: async (page) => {
        await page.locator('[data-testid="iv-rows"]').waitFor();
        for (;;) {
          await page.locator('#iv-msg-b').fill('PAY 100 EUR TO ALICE; invoice 2026-12-01');
          if ((await page.locator('[data-testid="row-b"] [data-same="true"]').count()) > 0) break;
          await page.waitForTimeout(100);
        }
        await page.getByRole('button', { name: 'Send A and B' }).click();
        await page.evaluate(() => {
          document.querySelector('#iv-exp-h')?.closest('section')?.scrollIntoView({ block: 'start' });
          window.scrollBy(0, -12);
        });
      }
    },
    {
      file: `lesson-why-decryption-failed${suffix}.png`,
      path: '/lessons/why-decryption-failed',
      width: w,
      height: h,
      act: async (page) => {
        await page.locator('[data-testid="verdict"]').waitFor();
        for (;;) {
          await page.locator('button[data-fault="iv-not-stripped"]').click();
          if ((await page.locator('[data-testid="verdict"]').getAttribute('data-cause')) === 'iv-not-stripped') break;
          await page.waitForTimeout(100);
        }
        await page.evaluate(() => {
          document.querySelector('#dg-exp-h')?.closest('section')?.scrollIntoView({ block: 'start' });
          window.scrollBy(0, -12);
        });
      }
    }
  );
}

run(startApp, async (browser, app) => {
  for (const s of shots) {
    await shoot(
      browser,
      app.url + s.path,
      s,
      async (page) => {
        await s.act(page);
        await page.waitForTimeout(300);
      },
      s.path
    );
  }
});
