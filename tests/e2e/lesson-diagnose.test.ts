// Lesson 6 in real Chromium: every planted fault gets its verdict, a hand-typed fault too, and
// the /learn link opens the working decryption.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';
import { FAULTS } from '../../src/lib/lessons/diagnose';

const t = useApp();

async function open(): Promise<Page> {
  const page = await t.open('/lessons/why-decryption-failed', { ready: '[data-testid="verdict"]' });
  // hydrated: the plant buttons respond
  await expect
    .poll(
      async () => {
        await page.locator('button[data-fault="none"]').click();
        return page.locator('[data-testid="verdict"]').getAttribute('data-cause');
      },
      { timeout: 30_000 }
    )
    .toBe('ok');
  expect(page.errors).toEqual([]);
  return page;
}
const verdict = (page: Page) => page.locator('[data-testid="verdict"]').getAttribute('data-cause');

describe('/lessons/why-decryption-failed', { timeout: 90_000 }, () => {
  it('each planted fault gets the right verdict, with and without the expected plaintext', async () => {
    const page = await open();
    for (const { fault, cause } of FAULTS) {
      await page.locator(`button[data-fault="${fault}"]`).click();
      await expect.poll(() => verdict(page)).toBe(cause);
      expect(await page.locator(`button[data-fault="${fault}"]`).getAttribute('aria-pressed')).toBe('true');
    }
    await page.locator('#dg-expected').locator('xpath=..').locator('..').getByLabel('use it').uncheck();
    for (const { fault, cause } of FAULTS) {
      await page.locator(`button[data-fault="${fault}"]`).click();
      await expect.poll(() => verdict(page)).toBe(cause);
    }
    await page.close();
  });

  it('a hand-typed wrong IV: only block 1 is garbage, and the summary counts the blocks', async () => {
    const page = await open();
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const iv = Buffer.from('9f3c71d0e85a2b64c7f1089e3da5b216', 'hex');
    const text = 'This message is exactly long enough for three blocks.';
    const c = createCipheriv('aes-128-cbc', key, iv);
    const ct = Buffer.concat([c.update(text), c.final()]);
    await page.locator('#dg-key').fill(key.toString('hex'));
    await page.locator('#dg-iv').fill('00'.repeat(16));
    await page.locator('[data-testid="dg-ct-enc"]').selectOption('hex');
    await page.locator('#dg-ct').fill(ct.toString('hex'));
    await page.locator('#dg-expected').fill('');
    await expect.poll(() => verdict(page)).toBe('wrong-iv');
    const looks = await page
      .locator('[data-testid="reading-as-typed"] li')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-text')));
    expect(looks).toEqual(['false', 'true', 'true', 'true']);
    expect(await page.locator('[data-testid="summary-main"]').innerText()).toContain(
      '3 of 4 blocks read as text and the padding check passed'
    );
    expect(await page.locator('[data-testid="summary-planted"]').count()).toBe(0); // edited by hand: no planted claim
    await page.close();
  });

  it('IV left on the front: the fix links into /learn, which decrypts it', async () => {
    const page = await open();
    await page.locator('button[data-fault="iv-not-stripped"]').click();
    await expect.poll(() => verdict(page)).toBe('iv-not-stripped');
    const good = await page.locator('.good q').innerText();
    const href = await page.locator('[data-testid="learn-fixed"]').getAttribute('href');
    expect(href).toMatch(/^\/learn\?mode=decrypt&key=[0-9a-f]{32}&wire=/);
    const html = await (await fetch(t.app.url + href)).text();
    expect(html).toContain(good.replace(/&/g, '&amp;').slice(0, 20));
    expect(await page.locator('[data-testid="summary-planted"]').innerText()).toContain('named it');
    await page.close();
  });

  it('hex pasted into the base64 field: the wrong encoding fits, the length is ruled out, and the counts add up', async () => {
    const page = await open();
    const key = Buffer.from('603deb1015ca71be2b73aef0857d7781', 'hex');
    const iv = Buffer.from('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff', 'hex');
    const text = 'Hello Client, message received securely';
    const c = createCipheriv('aes-128-cbc', key, iv);
    const ct = Buffer.concat([c.update(text), c.final()]); // 48 bytes, 96 hex digits; as base64 they read as 72 bytes
    await page.locator('#dg-key').fill(key.toString('hex'));
    await page.locator('#dg-iv').fill(iv.toString('hex'));
    await page.locator('[data-testid="dg-ct-enc"]').selectOption('base64');
    await page.locator('#dg-ct').fill(ct.toString('hex'));
    await page.locator('#dg-expected').fill('');
    await expect.poll(() => verdict(page)).toBe('ciphertext-encoding');
    const item = page.locator('[data-testid="checklist"] li[data-cause="length"]');
    expect(await item.getAttribute('data-fit')).toBe('ruled-out');
    expect(await item.innerText()).toContain('The length is fine once the ciphertext is read as hex.');
    const fits = await page
      .locator('[data-testid="checklist"] li:not([data-cause="ok"])')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-fit')));
    const n = (fit: string) => fits.filter((f) => f === fit).length;
    expect(fits.length).toBe(8);
    expect(n('fits')).toBe(1);
    // the key and IV are the ones node:crypto encrypted with, so once the hex is read as hex the
    // key, IV and padding are right. Only "IV left on the front" stays possible: C[16:] decrypted
    // with IV = C[0:16] always gives P₂… (SP 800-38A §6.2), so the bytes cannot rule it out.
    const possible = await page
      .locator('[data-testid="checklist"] li[data-fit="possible"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-cause')));
    expect(possible).toEqual(['iv-not-stripped']);
    for (const cause of ['wrong-key', 'wrong-iv', 'bad-padding'])
      expect(await page.locator(`[data-testid="checklist"] li[data-cause="${cause}"]`).getAttribute('data-fit')).toBe(
        'ruled-out'
      );
    const main = await page.locator('[data-testid="summary-main"]').innerText();
    expect(main).toMatch(
      /Of 8 causes tested, 1 fits \(ciphertext in the wrong encoding\), 1 is possible \(.+\) and 6 are ruled out\./
    );
    await page.close();
  });
});
