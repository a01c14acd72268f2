// Screenshots of lesson 3, "Inside one AES block", for docs/screenshots/. Each shot is a deep
// link (FIPS-197 appendix C), so what the picture shows can be reproduced in a browser.
//   node --experimental-strip-types scripts/screenshots-lessons-aes.ts   (or: npx tsx …)
import { startApp } from '../tests/e2e/harness.ts';
import { run, shoot, type Shot as BaseShot } from './shots.ts';

const C1 = 'key=000102030405060708090a0b0c0d0e0f&block=00112233445566778899aabbccddeeff';
const C3 =
  'key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f&block=00112233445566778899aabbccddeeff';

interface Shot extends BaseShot {
  path: string;
  /** point at this byte of the "after" grid, to show its one-line explanation */
  hoverCell?: number;
  /** scroll this element of the right column into view */
  scroll?: string;
}

const shots: Shot[] = [
  // round 1 MixColumns of appendix C.1, byte s'[1,0] explained
  {
    file: 'lesson-aes-rounds.png',
    path: `/lessons/aes-rounds?${C1}&step=16&bit=5`,
    width: 1280,
    height: 720,
    hoverCell: 1
  },
  {
    file: 'lesson-aes-rounds-1080p.png',
    path: `/lessons/aes-rounds?${C1}&step=15`,
    width: 1920,
    height: 1080,
    hoverCell: 5
  },
  { file: 'lesson-aes-rounds-phone.png', path: `/lessons/aes-rounds?${C1}&step=15`, width: 390, height: 844 },
  {
    file: 'lesson-aes-rounds-projector.png',
    path: `/lessons/aes-rounds?${C1}&step=16&projector=1`,
    width: 1280,
    height: 720
  },
  {
    file: 'lesson-aes-rounds-projector-strip.png',
    path: `/lessons/aes-rounds?${C1}&step=16&projector=1`,
    width: 1280,
    height: 720,
    scroll: '.strip'
  },
  { file: 'lesson-aes-rounds-key-256.png', path: `/lessons/aes-rounds?${C3}&step=4`, width: 1280, height: 720 },
  {
    file: 'lesson-aes-rounds-avalanche.png',
    path: `/lessons/aes-rounds?${C1}&step=53&bit=77`,
    width: 1280,
    height: 720,
    scroll: '.happened'
  },
  {
    file: 'lesson-aes-rounds-decrypt.png',
    path: `/lessons/aes-rounds?key=000102030405060708090a0b0c0d0e0f&block=69c4e0d86a7b0430d8cdb78070b4c55a&dir=decrypt&step=18`,
    width: 1280,
    height: 720,
    hoverCell: 2
  },
  { file: 'lesson-aes-rounds-cbc-block.png', path: `/lessons/aes-rounds?step=1`, width: 1280, height: 720 },
  {
    file: 'lesson-aes-rounds-bad-key.png',
    path: `/lessons/aes-rounds?key=00010203&block=00112233445566778899aabbccddeeff&step=20`,
    width: 1280,
    height: 720
  }
];

run(startApp, async (browser, app) => {
  for (const s of shots) {
    await shoot(
      browser,
      app.url + s.path,
      s,
      async (page) => {
        await page.locator('.lesson[data-ready="true"]').waitFor({ timeout: 60_000 });
        if (s.hoverCell !== undefined) await page.locator('[data-testid="state-after"] .cell').nth(s.hoverCell).hover();
        if (s.scroll) await page.locator(s.scroll).evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
        await page.waitForTimeout(300);
      },
      s.path
    );
  }
});
