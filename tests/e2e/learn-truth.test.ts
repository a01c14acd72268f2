// /learn says only what happened: one numbering of its stages in both directions (and links for
// every reference to one), step keys that never change the form, a plaintext byte that feeds
// every byte of its ciphertext block (AES is not byte by byte), an IV called random only when it
// was made randomly, and the current stage in view after a change of direction. Real Chromium
// against the built app (tests/e2e/harness.ts).
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';

// NIST SP 800-38A appendix F.2.1, CBC-AES128.Encrypt
const KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const IV = '000102030405060708090a0b0c0d0e0f';
const P =
  '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710';
const C1 = '7649abac8119b246cee98e9b12e9197d';
const F21 = `/learn?mode=encrypt&enc=hex&padding=none&key=${KEY}&iv=${IV}&text=${P}`;

// a 2-block message (28 bytes + 4 pad) encrypted by node:crypto, decrypted with another key
const WRONG = '000102030405060708090a0b0c0d0e0f';
function wireOf(text: string): string {
  const c = createCipheriv('aes-128-cbc', Buffer.from(KEY, 'hex'), Buffer.from(IV, 'hex'));
  return Buffer.concat([Buffer.from(IV, 'hex'), c.update(text, 'utf8'), c.final()]).toString('base64');
}
const WRONG_KEY_LINK = `/learn?mode=decrypt&key=${WRONG}&wire=${encodeURIComponent(wireOf('attack at dawn, bring coffee'))}`;

const t = useApp();
const open = (path: string) =>
  t.open(path, { ready: '.learn[data-ready="true"]', viewport: { width: 1280, height: 720 } });
const status = (page: Page) => page.locator('[data-testid="step-status"]').innerText();
// each badge reads "Step 7" to a screen reader ("Step" is visually hidden); textContent, since
// stages off screen are not rendered (content-visibility) and have no innerText
const badges = async (page: Page) =>
  (await page.locator('[data-stage] .num').allTextContents()).map((b) => b.replace(/\s+/g, ' ').trim());
const stepOfStatus = async (page: Page) => Number(/Step (\d+) of/.exec(await status(page))![1]);

describe('/learn: one numbering, and every reference to a stage is a link', () => {
  it('decrypting, a stage has one number: its badge, the status line and the failure box agree', async () => {
    const page = await open(WRONG_KEY_LINK);
    // decryption walks base64, wire, IV, the chain (one step per block: 2), blocks, pad, text = 8 steps
    expect((await badges(page)).map((b) => b.replace(/^Steps? /, ''))).toEqual(['1', '2', '3', '4–5', '6', '7', '8']);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    const s = await status(page);
    expect(s).toMatch(/^Step 7 of 8 · PKCS#7 padding check$/);
    expect((await badges(page))[5]).toBe('Step 7'); // the pad stage's badge
    // the failure box points at that stage by the same number, as a link that goes there
    await page.keyboard.press('Home');
    expect(await status(page)).toContain('Step 1 of 8');
    const link = page.locator('[data-testid="padding-summary"] a');
    expect(await link.innerText()).toBe('Step 7 (PKCS#7 padding check)');
    expect(await link.getAttribute('href')).toBe('#stage-pad');
    await link.click();
    await expect.poll(() => status(page)).toContain('Step 7 of 8');
    expect(await page.locator('[data-stage="pad"]').getAttribute('aria-current')).toBe('step');
    // and so does the text stage's "says why"
    await page.locator('[data-stage="text"] a[href="#stage-pad"]').waitFor();
    await page.close();
  });

  it('encrypting, the badges count the same steps upwards: the chain of 4 blocks is 5–8', async () => {
    const page = await open(F21);
    expect((await badges(page)).map((b) => b.replace(/^Steps? /, ''))).toEqual(['1', '2', '3', '4', '5–8', '9', '10']);
    await page.close();
  });
});

describe('/learn: the step keys never change the form', () => {
  it('after a click on Decrypt, → steps and the direction stays Decrypt', async () => {
    const page = await open(F21);
    await page.getByRole('button', { name: 'Decrypt', exact: true }).click();
    await expect.poll(() => status(page)).toContain('Step 1 of 10 · Base64 → bytes');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => status(page)).toContain('Step 2 of 10 · Split IV ‖ C');
    expect(await page.getByRole('button', { name: 'Decrypt', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#wire').count()).toBe(1);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => status(page)).toContain('Step 1 of 10');
    expect(await page.getByRole('button', { name: 'Encrypt', exact: true }).getAttribute('aria-pressed')).toBe('false');
    await page.close();
  });

  it('after a click on a padding choice, → steps and the padding stays', async () => {
    const page = await open(`/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=hi`);
    await page.getByRole('button', { name: 'none', exact: true }).click();
    await page.locator('#text-error').waitFor(); // 2 bytes with no padding: not whole blocks
    await page.getByRole('button', { name: 'PKCS#7', exact: true }).click();
    await page.locator('#text-error').waitFor({ state: 'detached' });
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => status(page)).toContain('Step 2 of 7');
    expect(await page.getByRole('button', { name: 'PKCS#7', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.close();
  });

  it('in a field the arrow keys edit it and do not step; Esc leaves the field, and → steps again', async () => {
    const page = await open(F21);
    const key = page.locator('#key');
    await key.click();
    await key.press('Home');
    await key.press('ArrowRight');
    await key.press('ArrowRight');
    expect(await key.evaluate((el: HTMLInputElement) => el.selectionStart)).toBe(2);
    expect(await status(page)).toContain('Step 1 of 10');
    expect(await key.inputValue()).toBe(KEY);
    await key.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.id ?? '')).not.toBe('key');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => status(page)).toContain('Step 2 of 10');
    // the page says so, next to the keys it names
    expect(await page.locator('[data-testid="inspect"]').innerText()).toMatch(/when the focus is not in a field/);
    await page.close();
  });
});

describe('/learn: a plaintext byte, as AES really uses it', () => {
  it('Pᵢ[j] feeds Xᵢ[j] and every byte of Cᵢ, comes from its character, and links the rounds of Xᵢ', async () => {
    const page = await open(F21 + '&step=5');
    await page.locator('#pic-chain .cell.plain').nth(2).hover(); // P₁[2], first column
    const line = page.locator('[data-testid="inspect"]');
    await expect.poll(() => line.innerText()).toContain('P₁[2] = 0xbe');
    const text = await line.innerText();
    // X₁[2] = P₁[2] ⊕ IV[2] = 0xbe ⊕ 0x02 (SP 800-38A §6.2)
    expect(text).toContain('X₁[2] = 0xbc');
    expect(text).toContain('all 16 bytes of C₁');
    expect(text).not.toContain('nothing on this page');
    // typed as hex: the byte comes from the pair “be” in step 1, linked
    const from = page.locator('[data-part="from"]');
    expect(await from.innerText()).toContain('the hex pair “be” in Step 1 (Text → bytes)');
    expect(await from.locator('a').getAttribute('href')).toBe('#stage-text');
    // the picture: all 16 bytes of C₁ on the wire are fed (FIPS-197: every output byte depends on all 16 input bytes)
    const fedWire = page.locator('#pic-wire .cell[data-rel="feeds"]');
    expect(await fedWire.count()).toBe(16);
    expect(await page.locator('#pic-wire .cell.cipher[data-rel="feeds"]').count()).toBe(16);
    expect(await page.locator('#pic-chain .cell.cipher[data-rel="feeds"]').count()).toBeGreaterThanOrEqual(16);
    // the rounds lesson opens on X₁ = P₁ ⊕ IV, flipping a bit of byte 2, and ends in the standard's C₁
    const x1 = Buffer.from(P.slice(0, 32), 'hex').map((b, j) => b ^ Buffer.from(IV, 'hex')[j]);
    const aes = page.locator('[data-part="aes"]');
    expect(await aes.getAttribute('href')).toBe(
      `/lessons/aes-rounds?key=${KEY}&block=${Buffer.from(x1).toString('hex')}&bit=16`
    );
    await aes.click();
    await page.waitForURL(/\/lessons\/aes-rounds/);
    await page.keyboard.press('End');
    await expect.poll(() => page.getByTestId('final-output').textContent()).toBe(C1);
    await page.close();
  });

  it('a UTF-8 byte names its character and which of its bytes it is', async () => {
    const page = await open(`/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${encodeURIComponent('Café ☕')}`);
    await page.locator('#pic-text .cell').nth(4).hover(); // é is c3 a9: bytes 3 and 4
    const from = page.locator('[data-part="from"]');
    await expect.poll(() => from.innerText()).toContain('the character “é” (byte 2 of its 2) in Step 1 (Text → bytes)');
    await page.close();
  });
});

describe('/learn: the IV is called what it is', () => {
  it('the default IV is the fixed example of SP 800-38A F.2; random only after “random IV”', async () => {
    const page = await open(`/learn?mode=encrypt&key=${KEY}&text=hi`);
    expect(await page.locator('#iv').inputValue()).toBe(IV);
    const explain = page.locator('[data-testid="iv-explain"]');
    const note = page.locator('#pic-iv text.lbl.mono').first();
    expect(await note.textContent()).toBe('fixed example');
    expect(await explain.innerText()).toContain('fixed example');
    expect(await explain.innerText()).toContain('SP 800-38A appendix F.2');
    expect(await explain.innerText()).toContain('fresh, unpredictable one for every message');
    expect(await explain.innerText()).not.toMatch(/random bytes/);
    expect(await page.locator('[data-testid="iv-note"]').innerText()).toContain('fixed example IV');

    await page.getByRole('button', { name: 'random IV' }).click();
    await expect.poll(() => page.locator('#iv').inputValue()).not.toBe(IV);
    expect(await page.locator('#iv').inputValue()).toMatch(/^[0-9a-f]{32}$/);
    await expect.poll(() => note.textContent()).toBe('random');
    expect(await explain.innerText()).toContain('16 random bytes');
    expect(await page.locator('[data-testid="iv-note"]').innerText()).toMatch(/^Random/);

    // edited by hand, it is no longer the random one
    await page.locator('#iv').fill('00112233445566778899aabbccddeeff');
    await expect.poll(() => note.textContent()).toBe('as typed');
    expect(await explain.innerText()).not.toMatch(/random bytes/);
    await page.close();
  });
});

describe('/learn: a change of direction brings the current stage into view', () => {
  it('from the last step of an encryption, Decrypt shows its first stage on screen', async () => {
    const page = await open(F21 + '&step=10');
    await page.getByRole('button', { name: 'Decrypt', exact: true }).click();
    await expect.poll(() => stepOfStatus(page)).toBe(1);
    const current = page.locator('[aria-current="step"]');
    expect(await current.getAttribute('data-stage')).toBe('base64');
    const inView = () =>
      current.evaluate((el) => {
        const controls = document.querySelector('[aria-label="Step controls"]')!.getBoundingClientRect();
        const h = el.querySelector('header')!.getBoundingClientRect();
        return h.top >= controls.bottom - 2 && h.bottom <= window.innerHeight;
      });
    await expect.poll(inView, { timeout: 5000 }).toBe(true);
    await page.close();
  });
});

describe('/learn on a phone (390×844) and a tablet on end (768×1024)', () => {
  for (const viewport of [
    { width: 390, height: 844 },
    { width: 768, height: 1024 }
  ]) {
    it(`${viewport.width} px: one column, the stages under the inputs and as wide as them, nothing wider than the screen`, async () => {
      const page = await t.open('/learn', { ready: '.learn[data-ready="true"]', viewport });
      const inputs = (await page.locator('aside.inputs').boundingBox())!;
      const stages = (await page.locator('.stagecol').boundingBox())!;
      // the picture column was 0 px wide at 390 (two grid columns, no breakpoint)
      expect(stages.width).toBeGreaterThanOrEqual(inputs.width - 1);
      expect(stages.y).toBeGreaterThanOrEqual(inputs.y + inputs.height - 1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      const chain = (await page.locator('[data-stage="chain"]').boundingBox())!;
      expect(chain.width).toBeGreaterThan(viewport.width * 0.8);
      await page.close();
    });
  }
});
