// `npm run screenshots`: headless Chromium pictures of /learn for docs/screenshots/ (and the
// README). Each shot is a deep link, so what the picture shows can be reproduced in a browser.
import { startApp } from '../tests/e2e/harness.ts';
import { run, shoot, type Shot as BaseShot } from './shots.ts';

const KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const IV = '000102030405060708090a0b0c0d0e0f';
const TEXT = encodeURIComponent('Café ☕ at dawn: attack!');
// the wire form of TEXT under KEY and IV, decrypted with another key
const WRONG_KEY = '000102030405060708090a0b0c0d0e0f';

interface Shot extends BaseShot {
  path: string;
  /** a byte to point at, as a CSS selector, for the linked highlighting */
  hover?: string;
  /** scroll the stage pane so this stage is on top */
  stage?: string;
}

run(startApp, async (browser, app) => {
  const page0 = await browser.newPage();
  await page0.goto(`${app.url}/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}`);
  const wire = (await page0.locator('[data-testid="wire-out"]').textContent())?.trim() ?? '';
  await page0.close();
  const w = encodeURIComponent(wire);
  const shots: Shot[] = [
    {
      file: 'learn-encrypt.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}&step=5`,
      width: 1280,
      height: 720,
      hover: 'chain'
    },
    { file: 'learn-decrypt.png', path: `/learn?mode=decrypt&key=${KEY}&wire=${w}&step=5`, width: 1280, height: 720 },
    {
      file: 'learn-padding-failure.png',
      path: `/learn?mode=decrypt&key=${WRONG_KEY}&wire=${w}&step=7`,
      width: 1280,
      height: 720
    },
    {
      file: 'learn-encrypt-1080p.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}&step=2`,
      width: 1920,
      height: 1080
    },
    {
      file: 'learn-phone.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}&step=2`,
      width: 390,
      height: 844
    },
    {
      file: 'learn-text.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}&step=1`,
      width: 1280,
      height: 720
    },
    {
      file: 'learn-base64.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}&step=9`,
      width: 1280,
      height: 720
    },
    {
      file: 'learn-1mib.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&fill=1048576&step=30000`,
      width: 1920,
      height: 1080
    },
    // projector mode (?projector=1): the stage of the step alone, as a room sees it
    {
      file: 'learn-projector.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}&step=5&projector=1`,
      width: 1280,
      height: 720
    },
    {
      file: 'learn-projector-1080p.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}&step=5&projector=1`,
      width: 1920,
      height: 1080
    },
    {
      file: 'learn-projector-base64.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}&step=9&projector=1`,
      width: 1280,
      height: 720
    },
    {
      file: 'learn-projector-phone.png',
      path: `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${TEXT}&step=5&projector=1`,
      width: 390,
      height: 844
    },
    {
      file: 'learn-bad-key.png',
      path: `/learn?mode=encrypt&key=2b7e1516&iv=${IV}&text=${TEXT}&step=5`,
      width: 1280,
      height: 720
    }
  ];
  for (const s of shots) {
    await shoot(
      browser,
      app.url + s.path,
      s,
      async (page) => {
        await page.locator('.stage.current').waitFor();
        await page.waitForTimeout(400);
        if (s.hover) {
          const cell = page.locator('#pic-chain .cell.cipher').nth(20);
          await cell.hover();
          await page.waitForTimeout(150);
        }
      },
      s.path.slice(0, 90)
    );
  }
});
