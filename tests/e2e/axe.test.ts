// axe-core (WCAG 2.0/2.1/2.2 A and AA, tests/e2e/axe.ts) finds nothing on any page, at a laptop's
// 1280×720 and a phone's 390×844 (where no page is wider than the screen either), nor in the
// states a learner reaches: /learn decrypting with a wrong key, lesson 1 after a flip, lesson 2
// while the attack runs, /live with a frame selected.
// Against the demo as `npm start` runs it (free ports), so /live and the lessons are live.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createCipheriv } from 'node:crypto';
import { launchBrowser } from './harness';
import { startDemoChild, type DemoChild } from '../helpers/demo-child';
import { axeViolations, describeViolations } from './axe';

const PAGES: [path: string, ready: string][] = [
  ['/', 'h1'],
  ['/learn', '.learn[data-ready="true"]'],
  ['/learn?mode=decrypt', '.learn[data-ready="true"]'],
  ['/learn/worksheet?seed=axe&answers=1', '[data-testid="answer-key"]'],
  ['/lessons', 'h1'],
  ['/lessons/bit-flipping', '.lesson[data-ready="true"]'],
  ['/lessons/padding-oracle', '.lesson[data-ready="true"]'],
  ['/lessons/aes-rounds', '.lesson[data-ready="true"]'],
  ['/lessons/ecb-vs-cbc', 'section.experiment[data-state="done"]'],
  ['/lessons/iv-mistakes', '[data-testid="iv-rows"]'],
  ['/lessons/why-decryption-failed', '[data-testid="verdict"]'],
  ['/live', '[data-status="live"]']
];

let browser: Browser;
let demo: DemoChild;
beforeAll(async () => {
  [browser, demo] = await Promise.all([launchBrowser(), startDemoChild(['--padding-oracle'])]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

async function expectClean(page: Page, what: string): Promise<void> {
  const vs = await axeViolations(page);
  expect(vs, `${what}:\n${describeViolations(vs)}`).toEqual([]);
}

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 390, height: 844 }
]) {
  describe(`every page at ${viewport.width}×${viewport.height}`, () => {
    let page: Page;
    beforeAll(async () => {
      page = await browser.newPage({ viewport });
    });
    afterAll(async () => {
      await page?.close();
    });
    for (const [path, ready] of PAGES) {
      it(
        path,
        async () => {
          await page.goto(demo.webUrl + path);
          await page.locator(ready).first().waitFor({ timeout: 60_000 });
          await expectClean(page, `${path} at ${viewport.width}×${viewport.height}`);
          // a grid column's min-content (an input's size, a 30rem track) pushed lessons 1, 3 and 6
          // past a phone's edge; the header's projector toggle pushed /learn
          const wide = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(wide, `${path} is ${wide} px wide at ${viewport.width}`).toBeLessThanOrEqual(viewport.width);
        },
        90_000
      );
    }
  });
}

describe('the states a learner reaches (1280×720)', () => {
  let page: Page;
  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  });
  afterAll(async () => {
    await page?.close();
  });

  it('/learn decrypting with a wrong key: the padding failure shown', async () => {
    // sealed with SP 800-38A F.2.1's key, opened with another: the padding check fails
    const iv = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const c = createCipheriv('aes-128-cbc', Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex'), iv);
    const wire = Buffer.concat([iv, c.update('attack at dawn'), c.final()]).toString('base64');
    await page.goto(
      `${demo.webUrl}/learn?mode=decrypt&key=000102030405060708090a0b0c0d0e0f&wire=${encodeURIComponent(wire)}`
    );
    await page.locator('.learn[data-ready="true"]').waitFor();
    await page.keyboard.press('End');
    await expectClean(page, '/learn, decrypt, wrong key');
  });

  it('lesson 1 after a flip', async () => {
    await page.goto(demo.webUrl + '/lessons/bit-flipping');
    await page.locator('.lesson[data-ready="true"]').waitFor();
    await page.locator('[data-block="0"] button[data-byte="5"][data-bit="2"]').first().click();
    await page.locator('.status[data-flip="0.5.2"]').waitFor();
    await expectClean(page, 'lesson 1 after flipping C₁ byte 5 bit 2');
  });

  it('lesson 2 while the attack runs against the live server', async () => {
    await page.goto(demo.webUrl + '/lessons/padding-oracle');
    await page.locator('.lesson[data-ready="true"][data-mode="live"]').waitFor();
    await page.locator('input[maxlength="64"]').fill('axe checks me');
    await page.getByRole('button', { name: /Send it as the victim \(suite cbc\)/ }).click();
    await page.locator('[data-target="cbc"]').waitFor();
    await page.locator('#attack-cbc').getByRole('button', { name: 'Run the attack' }).click();
    await page.locator('#attack-cbc[data-running="true"] p.now').waitFor();
    await expectClean(page, 'lesson 2, attack running');
    await page.locator('#attack-cbc').getByRole('button', { name: 'Stop' }).click();
  });

  it('/live with a frame selected', async () => {
    await page.goto(demo.webUrl + '/live');
    await page.locator('[data-status="live"]').waitFor();
    await page.locator('[role="option"]').first().waitFor({ timeout: 30_000 });
    await page.locator('[role="option"]').first().click();
    await page.locator('[data-testid="frame-detail"] h2').waitFor();
    await expectClean(page, '/live, a frame selected');
  });
});
