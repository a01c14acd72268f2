// /learn in real Chromium against the built app (tests/e2e/harness.ts).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';
import { decryptTrace, encryptTrace, hexToBytes, utf8ToBytes } from '../../src/lib/crypto';

// NIST SP 800-38A appendix F.2.1, CBC-AES128.Encrypt
const F21 = {
  key: '2b7e151628aed2a6abf7158809cf4f3c',
  iv: '000102030405060708090a0b0c0d0e0f',
  plaintext:
    '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51' +
    '30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
  ciphertext:
    '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2' +
    '73bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7'
};
const F21_LINK = `/learn?mode=encrypt&enc=hex&padding=none&key=${F21.key}&iv=${F21.iv}&text=${F21.plaintext}`;

const t = useApp();

const open = (path: string, viewport?: { width: number; height: number }) =>
  t.open(path, { ready: '.learn[data-ready="true"]', viewport });
const status = (page: Page) => page.locator('[data-testid="step-status"]').innerText();

describe('/learn', () => {
  it('renders NIST F.2.1 from a link, on the server already, with the standard’s ciphertext', async () => {
    const html = await (await fetch(t.app.url + F21_LINK)).text();
    expect(html).toContain(F21.ciphertext);
    const page = await open(F21_LINK);
    expect((await page.locator('[data-testid="ciphertext"]').innerText()).trim()).toBe(F21.ciphertext);
    const wire = Buffer.concat([Buffer.from(F21.iv, 'hex'), Buffer.from(F21.ciphertext, 'hex')]).toString('base64');
    expect((await page.locator('[data-testid="wire-out"]').innerText()).trim()).toBe(wire);
    expect(await status(page)).toContain('Step 1 of 10');
    await page.close();
  });

  it('steps to the end and back with the keyboard alone', async () => {
    const page = await open(F21_LINK);
    for (let k = 2; k <= 5; k++) {
      await page.keyboard.press('ArrowRight');
      expect(await status(page)).toContain(`Step ${k} of 10`);
    }
    await page.keyboard.press('End');
    expect(await status(page)).toContain('Step 10 of 10');
    await expect.poll(() => page.locator('[data-stage="base64"]').getAttribute('aria-current')).toBe('step');
    await page.keyboard.press('ArrowLeft');
    expect(await status(page)).toMatch(/Step 9 of 10.*IV ‖ C/);
    await page.keyboard.press('Home');
    expect(await status(page)).toContain('Step 1 of 10');
    // space plays (1 step a second by default) and pauses
    await page.keyboard.press(' ');
    await expect.poll(() => status(page), { timeout: 5000 }).toContain('Step 2 of 10');
    await page.keyboard.press(' ');
    expect(await page.locator('button.play').getAttribute('aria-pressed')).toBe('false');
    // Tab into a picture: the arrow keys then pick bytes, and the pick lights up every stage
    await page.locator('#pic-text').focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('.inspect').innerText()).toContain('P₁[1] = 0xc1');
    await page.close();
  });

  it('shows a bad key’s error next to the key field and keeps the last trace, marked stale', async () => {
    const page = await open(F21_LINK);
    const key = page.locator('#key');
    await key.fill('2b7e1516');
    const err = page.locator('#key-error');
    await err.waitFor();
    const text = await err.innerText();
    expect(text).toContain('expected 16, 24 or 32');
    expect(text).toContain('got 4');
    expect(text).toContain('ERR_KEY_LENGTH');
    expect(await key.getAttribute('aria-invalid')).toBe('true');
    const kb = (await key.boundingBox())!;
    const eb = (await err.boundingBox())!;
    expect(eb.y).toBeGreaterThanOrEqual(kb.y + kb.height - 1);
    expect(eb.y - (kb.y + kb.height)).toBeLessThan(30);
    expect(Math.abs(eb.x - kb.x)).toBeLessThan(5);
    // the last valid trace stays, marked stale
    expect((await page.locator('[data-testid="ciphertext"]').innerText()).trim()).toBe(F21.ciphertext);
    await page.locator('[data-testid="stale"]').waitFor();
    // and a bad hex digit names its position
    await key.fill('2b7e151628aed2a6abf7158809cf4f3g');
    await expect.poll(() => err.innerText()).toContain('position 31');
    await key.fill(F21.key);
    await page.locator('#key-error').waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="stale"]').count()).toBe(0);
    await page.close();
  });

  it('explains the padding failure of a decrypt link with the wrong key', async () => {
    const key = hexToBytes(F21.key);
    const iv = hexToBytes(F21.iv);
    const t = encryptTrace({ key, iv, plaintext: utf8ToBytes('attack at dawn, bring coffee') });
    const wrong = '000102030405060708090a0b0c0d0e0f';
    const d = decryptTrace({ key: hexToBytes(wrong), iv, ciphertext: t.ciphertext });
    expect(d.padding.ok).toBe(false);
    const pos = d.padding.ok ? -1 : d.padding.check.position;
    const page = await open(`/learn?mode=decrypt&key=${wrong}&wire=${encodeURIComponent(t.wire.base64)}`);
    const summary = await page.locator('[data-testid="padding-summary"]').innerText();
    expect(summary).toContain('padding check failed');
    expect(summary).toContain(`Byte ${pos}`);
    expect(summary).toMatch(/wrong key/i);
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    expect(await status(page)).toContain('PKCS#7 padding check');
    const failure = await page.locator('[data-testid="padding-failure"]').innerText();
    expect(failure).toContain(`byte ${pos} of the decrypted data`);
    expect(failure).toMatch(/Wrong key/);
    expect(failure).toMatch(/Wrong IV/);
    expect(failure).toMatch(/Not CBC/);
    expect(await page.locator('#pic-pad .cell.bad').count()).toBe(1);
    await page.close();
  });

  it('restores the step from the link, and writes steps back into the address', async () => {
    const page = await open(F21_LINK + '&step=6');
    expect(await status(page)).toMatch(/Step 6 of 10.*block 2 of 4/);
    expect(await page.locator('[data-stage="chain"]').getAttribute('aria-current')).toBe('step');
    expect(await page.locator('#pic-chain').innerHTML()).toContain('Block 2 of 4');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => new URL(page.url()).searchParams.get('step'), { timeout: 5000 }).toBe('7');
    await page.close();
  });

  it('opens the AES box of the current block in the rounds lesson, which ends in that block’s Cᵢ', async () => {
    const page = await open(F21_LINK + '&step=6');
    const link = page.locator('#pic-chain ~ .explain a.inside, .explain a.inside').first();
    expect(await link.innerText()).toContain('block 2');
    await link.click();
    await page.waitForURL(/\/lessons\/aes-rounds/);
    await page.keyboard.press('End');
    // SP 800-38A F.2.1: block 2's cipher input X₂ = P₂ ⊕ C₁ encrypts to C₂
    await expect.poll(() => page.getByTestId('final-output').textContent()).toBe(F21.ciphertext.slice(32, 64));
    await page.close();
  });

  it('lights a cipher byte up in every stage: its XOR input, its plaintext byte, its base64 characters', async () => {
    const page = await open(F21_LINK + '&step=5');
    await page.locator('#pic-chain .cell.cipher').nth(2).hover(); // C₁[2] (row C₁ of the first column)
    const rel = (sel: string) => page.locator(sel).getAttribute('data-rel');
    expect(await page.locator('.inspect').innerText()).toContain('C₁[2] = 0xab');
    expect(await rel('#pic-wire .cell.cipher >> nth=2')).toBe('self');
    expect(await rel('#pic-blocks .cell >> nth=2')).toBe('source');
    expect(await page.locator('#pic-b64 .cell[data-rel="feeds"]').count()).toBe(2);
    await page.close();
  });

  it('gives every picture a title and a description, and says more than colour', async () => {
    const page = await open(F21_LINK);
    const pics = page.locator('svg.picture');
    expect(await pics.count()).toBe(7);
    for (let i = 0; i < 7; i++) {
      const svg = pics.nth(i);
      expect((await svg.locator('title').textContent())?.length).toBeGreaterThan(5);
      expect((await svg.locator('desc').textContent())?.length).toBeGreaterThan(20);
      expect(await svg.getAttribute('tabindex')).toBe('0');
    }
    // each stage is labelled by a heading; the current one says "now" in words
    expect(await page.locator('[aria-current="step"] .status').innerText()).toContain('now');
    await page.close();
  });

  it('keeps a 1 MiB message usable: it renders, and a step answers quickly', async () => {
    const page = await open(
      '/learn?mode=encrypt&key=2b7e151628aed2a6abf7158809cf4f3c&iv=000102030405060708090a0b0c0d0e0f&fill=1048576&step=30000'
    );
    expect(await status(page)).toMatch(/Step 30000 of 65543/);
    const ms = await page.evaluate(async () => {
      const t0 = performance.now();
      document.querySelector<HTMLButtonElement>('button[title^="Next"]')!.click();
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    });
    expect(await status(page)).toMatch(/Step 30001 of 65543/);
    expect(ms).toBeLessThan(1000);
    expect(await page.locator('.cell').count()).toBeLessThan(2000);
    await page.close();
  });
});
