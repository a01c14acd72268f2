// Lesson 5 in real Chromium: a reused IV shows equal first blocks and equal ciphertext; fresh IVs
// show none; the detector flags across sent frames. Ciphertext on the page is checked against node:crypto.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';
import { textContrast } from './contrast';

const t = useApp();

const KEY = '8f0e5a3c1b2d4e6f7a8b9c0d1e2f3a4b';
const FIXED_IV = '00112233445566778899aabbccddeeff';

async function open(): Promise<Page> {
  const page = await t.open('/lessons/iv-mistakes', { ready: '[data-testid="iv-rows"]' });
  // hydrated once typing into B changes its blocks
  await expect
    .poll(
      async () => {
        await page.locator('#iv-msg-b').fill('x');
        return page.locator('[data-testid="row-b"] [data-block]').count();
      },
      { timeout: 30_000 }
    )
    .toBe(1);
  return page;
}
const sameBlocks = (page: Page, row: string) =>
  page
    .locator(`[data-testid="${row}"] [data-block][data-same="true"]`)
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-block'))));

/** WCAG 2 contrast of an element's text colour against the first opaque background behind it. */
async function setB(page: Page, text: string) {
  await page.locator('#iv-msg-b').fill(text);
}

describe('/lessons/iv-mistakes', { timeout: 90_000 }, () => {
  it('as it opens, the page shows the leak: equal C₁ and C₂ under the reused IV, as node:crypto computes them', async () => {
    // no typing: the server-rendered default state, read before anything is touched
    const page = await t.open('/lessons/iv-mistakes', { ready: '[data-testid="iv-rows"]' });
    const a = await page.locator('#iv-msg-a').inputValue();
    const b = await page.locator('#iv-msg-b').inputValue();
    expect(await page.locator('input[name="iv-mode"][value="reused"]').isChecked()).toBe(true);
    const enc = (text: string) => {
      const c = createCipheriv('aes-128-cbc', Buffer.from(KEY, 'hex'), Buffer.from(FIXED_IV, 'hex'));
      const ct = Buffer.concat([c.update(text), c.final()]).toString('hex');
      return ct.match(/.{32}/g)!;
    };
    const wantA = enc(a);
    const wantB = enc(b);
    const equal = wantA.flatMap((blk, i) => (blk === wantB[i] ? [i] : []));
    expect(equal.length).toBeGreaterThanOrEqual(1); // the default has a leak to show
    expect(await page.locator('[data-testid="row-a"] [data-block] code.hex').allInnerTexts()).toEqual(wantA);
    expect(await page.locator('[data-testid="row-b"] [data-block] code.hex').allInnerTexts()).toEqual(wantB);
    expect(await sameBlocks(page, 'row-a')).toEqual(equal);
    expect(await sameBlocks(page, 'row-b')).toEqual(equal);
    expect(await page.locator('[data-testid="detector-clean"]').count()).toBe(0);
    expect(await page.locator('[data-testid="reused-iv"]').innerText()).toContain('A, B');
    expect(await page.locator('[data-testid="summary-main"]').innerText()).toContain(
      `agree in exactly ${equal.length} blocks`
    );
    await page.close();
  });

  it('reused IV: a shared 32-byte prefix gives equal C₁ and C₂, matching node:crypto', async () => {
    const page = await open();
    const a = 'The meeting is moved to room 4B; bring the signed forms.';
    const b = 'The meeting is moved to room 4B; cancel the catering.';
    await page.locator('#iv-msg-a').fill(a);
    await setB(page, b);
    await expect.poll(() => sameBlocks(page, 'row-a')).toEqual([0, 1]);
    expect(await sameBlocks(page, 'row-b')).toEqual([0, 1]);
    const c = createCipheriv('aes-128-cbc', Buffer.from(KEY, 'hex'), Buffer.from(FIXED_IV, 'hex'));
    const want = Buffer.concat([c.update(a), c.final()]).toString('hex');
    const shown = await page.locator('[data-testid="row-a"] [data-block] code.hex').allInnerTexts();
    expect(shown.join('')).toBe(want);
    expect(await page.locator('[data-testid="reused-iv"]').innerText()).toContain('A, B');
    expect(await page.locator('[data-testid="shared-prefix"]').innerText()).toContain(
      'first 2 ciphertext blocks equal'
    );
    const summary = await page.locator('[data-testid="summary-main"]').innerText();
    expect(summary).toContain('first 33 bytes');
    expect(summary).toContain('exactly 2 blocks');
    await page.close();
  });

  it('reused IV: equal messages give identical ciphertexts; fresh IVs: nothing equal', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'Make B equal to A' }).click();
    const n = await page.locator('[data-testid="row-a"] [data-block]').count();
    await expect.poll(() => sameBlocks(page, 'row-b')).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(await page.locator('[data-testid="shared-prefix"]').innerText()).toContain('identical ciphertexts');
    expect(await page.locator('[data-testid="summary-main"]').innerText()).toContain('identical');

    await page.getByLabel('A fresh random IV per message').check();
    await expect.poll(() => sameBlocks(page, 'row-b')).toEqual([]);
    await page.locator('[data-testid="detector-clean"]').waitFor();
    const ivs = await page.locator('[data-testid="iv-rows"] .blk.iv code').allInnerTexts();
    expect(ivs[0]).not.toBe(ivs[1]);
    expect(await page.locator('[data-testid="summary-main"]').innerText()).toContain(
      'share 0 leading blocks, though the messages are identical'
    );
    await page.close();
  });

  it('the detector remembers sent frames: the fixed IV is flagged again on the next send (keyboard)', async () => {
    const page = await open();
    await setB(page, 'Completely different text here.');
    await page.getByRole('button', { name: 'Send A and B' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('[data-testid="reused-iv"]').innerText()).toContain('A, B, #1A, #1B');
    expect(await page.locator('[data-testid="summary-detector"]').innerText()).toContain('4 frames');
    // message A is the same as the one sent: identical to #1A under the fixed IV
    expect(await page.locator('[data-testid="shared-prefix"]').allInnerTexts()).toContain(
      '⚠ A and #1A: identical ciphertexts, so identical messages'
    );
    await page.close();
  });

  it('a bad key: its error said once, and the last rows and summary kept, marked stale with text ≥ 4.5:1', async () => {
    const page = await open();
    await setB(page, 'PAY 100 EUR TO ALICE; invoice 2026-11-26');
    await expect.poll(() => sameBlocks(page, 'row-b')).toEqual([0, 1]);
    const shown = await page.locator('[data-testid="row-a"] [data-block] code.hex').allInnerTexts();
    await page.locator('#iv-key').fill(KEY.slice(0, 31));
    await page.locator('#iv-key-err').waitFor();
    const sentence =
      'Key: expected an even number of hex digits (two per byte), got 31; the digit at position 30 has no partner: add the digit that is missing or delete the one too many.';
    expect(await page.locator('#iv-key-err [data-testid="field-error-text"]').innerText()).toBe(sentence);
    expect(await page.locator('#iv-key-err').innerText()).toBe(`${sentence} ERR_BAD_HEX`);
    expect((await page.locator('body').innerText()).split('has no partner').length - 1).toBe(1);
    await page.locator('[data-testid="stale"]').waitFor();
    expect(await page.locator('[data-testid="stale"]').innerText()).toMatch(/^STALE The key above has an error/);
    expect(await page.locator('[data-testid="row-a"] [data-block] code.hex').allInnerTexts()).toEqual(shown);
    expect(await page.locator('.result').getAttribute('data-stale')).toBe('true');
    expect(await page.getByRole('button', { name: 'Send A and B' }).isDisabled()).toBe(true);
    await page.locator('[data-testid="summary-stale"]').waitFor();
    for (const sel of ['[data-testid="summary-main"]', '[data-testid="stale"]', '[data-testid="detector"] h3'])
      expect(await textContrast(page, sel), sel).toBeGreaterThanOrEqual(4.5);
    await page.locator('#iv-key').fill(KEY);
    await page.locator('[data-testid="stale"]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="summary-stale"]').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Send A and B' }).isDisabled()).toBe(false);
    await page.close();
  });
});
