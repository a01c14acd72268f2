// /lessons/aes-rounds in real Chromium: the FIPS-197 appendix C.1 example as a deep link, stepped
// with the keyboard to the end; a round state from the appendix; the avalanche count; a bad key.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';

const C1 = '/lessons/aes-rounds?key=000102030405060708090a0b0c0d0e0f&block=00112233445566778899aabbccddeeff';

const t = useApp(600_000);

const open = (path: string) => t.open(path, { ready: '.lesson[data-ready="true"]', timeout: 60_000 });

const status = (page: Page) => page.getByTestId('step-status').textContent();
const afterHex = (page: Page) => page.locator('[data-testid="state-after"]').getAttribute('data-hex');

describe('lesson: inside one AES block', { timeout: 90_000 }, () => {
  it('C.1 deep link: End reaches the output 69c4e0d8…, ← → and Home step', async () => {
    const page = await open(C1);
    expect(await status(page)).toMatch(/Step 1 of 53/);
    expect(await page.getByTestId('round-key').getAttribute('data-hex')).toBe('000102030405060708090a0b0c0d0e0f');
    await page.keyboard.press('End');
    expect(await status(page)).toMatch(/Step 53 of 53/);
    expect(await page.getByTestId('final-output').textContent()).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(await afterHex(page)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect((await page.getByTestId('aes-output').textContent())?.trim()).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    await page.keyboard.press('ArrowLeft');
    expect(await status(page)).toMatch(/Step 52 of 53 · Round 10 of 10 · AddRoundKey/);
    await page.keyboard.press('Home');
    expect(await status(page)).toMatch(/Step 1 of 53/);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('shows the appendix C.1 round 1 states, with the changed bytes marked', async () => {
    const page = await open(C1);
    // 11 round keys, then the input: step 12; round 0 AddRoundKey is step 13
    await page.keyboard.press('Home');
    for (let k = 0; k < 12; k++) await page.keyboard.press('ArrowRight');
    expect(await status(page)).toMatch(/Step 13 of 53 · Round 0 of 10 · AddRoundKey/);
    expect(await afterHex(page)).toBe('00102030405060708090a0b0c0d0e0f0'); // round[1].start
    await page.keyboard.press('ArrowRight');
    expect(await status(page)).toMatch(/Round 1 of 10 · SubBytes/);
    expect(await afterHex(page)).toBe('63cab7040953d051cd60e0e7ba70e18c'); // round[1].s_box
    await page.keyboard.press('ArrowRight');
    expect(await afterHex(page)).toBe('6353e08c0960e104cd70b751bacad0e7'); // round[1].s_row
    // ShiftRows leaves row 0 where it is: 12 of 16 bytes changed, each with a corner mark
    expect(await page.locator('[data-testid="state-after"] .cell.changed').count()).toBe(12);
    expect(await page.locator('[data-testid="state-after"] .cell.changed .mark').count()).toBe(12);
    await page.keyboard.press('ArrowRight');
    expect(await afterHex(page)).toBe('5f72641557f5bc92f7be3b291db9f91a'); // round[1].m_col
    // pointing at a byte explains it: s'[0,0] = 02•63 ⊕ 03•53 ⊕ e0 ⊕ 8c = 5f
    await page.locator('[data-testid="state-after"] .cell').first().hover();
    expect(await page.getByTestId('cell-line').textContent()).toContain("s'[0,0] = 02•63 ⊕ 03•53 ⊕ 01•e0 ⊕ 01•8c = 5f");
    // …and rings its four sources, the whole column 0 of the state before, with a dashed ring
    expect(await page.locator('.panel .ring.dashed').count()).toBe(4);
    // the address keeps the step, so the link can be shared
    await page.waitForFunction(() => new URL(location.href).searchParams.get('step') === '16');
    // the jump menu goes to round 10
    await page
      .locator('select', { has: page.locator('option', { hasText: 'Round 10' }) })
      .selectOption({ label: 'Round 10 (last, no MixColumns)' });
    expect(await status(page)).toMatch(/Round 10 of 10 · SubBytes/);
    expect(await afterHex(page)).toBe('7a9f102789d5f50b2beffd9f3dca4ea7'); // round[10].s_box
    await page.close();
  });

  it('the avalanche count is live: flipping bit 0 changes 4 bytes after round 1', async () => {
    const page = await open(C1);
    const bit = page.getByTestId('flip-bit');
    await bit.fill('0');
    await bit.press('Enter');
    await bit.blur();
    const summary = page.getByTestId('avalanche-summary');
    expect(await summary.textContent()).toMatch(
      /Flipping bit 0 changes 1 bit before round 1,\s+\d+ after round 1 \(4 bytes/
    );
    const n = Number(await page.getByTestId('avalanche-output').textContent());
    expect(n).toBeGreaterThan(30);
    expect(n).toBeLessThan(98);
    await bit.fill('77');
    await bit.blur();
    expect(await summary.textContent()).toContain('Flipping bit 77');
    // clicking a bit in the picker flips that one
    await page.locator('.bits .bit').nth(9).click();
    expect(await summary.textContent()).toContain('Flipping bit 9 ');
    expect(await bit.inputValue()).toBe('9');
    await page.close();
  });

  it('AES-256 and the inverse cipher: C.3 decrypts back to the plaintext', async () => {
    const page = await open(
      '/lessons/aes-rounds?key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f&block=8ea2b7ca516745bfeafc49904b496089&dir=decrypt'
    );
    // 15 round keys + input + 1 + 13·4 + 3 steps + output
    expect(await status(page)).toMatch(/Step 1 of 73/);
    await page.keyboard.press('End');
    expect(await page.getByTestId('final-output').textContent()).toBe('00112233445566778899aabbccddeeff');
    await page.close();
  });

  it('a block of a CBC trace: block 2 of the message, by ?iv=&text=&i=', async () => {
    const page = await open(
      '/lessons/aes-rounds?key=2b7e151628aed2a6abf7158809cf4f3c&iv=000102030405060708090a0b0c0d0e0f&text=Meet%20me%20at%20the%20old%20mill%20at%20six.&i=1'
    );
    expect(await page.locator('#result-h').textContent()).toContain('block 2 of 2');
    expect(await page.locator('#blockno').inputValue()).toBe('2');
    await page.close();
  });

  it('a bad key shows its error next to the key field, and the old block stays, marked stale', async () => {
    const page = await open(C1);
    await page.locator('#key').fill('000102030405');
    const err = page.locator('#key-error');
    await err.waitFor();
    expect(await err.getAttribute('data-code')).toBe('ERR_KEY_LENGTH');
    // one sentence, said once (the field error used to repeat itself: "… got zat position …")
    const text = (await err.textContent())!;
    expect(text.match(/expected 16, 24 or 32 bytes/gi)).toHaveLength(1);
    expect(await page.locator('#key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#key').getAttribute('aria-describedby')).toBe('key-error');
    expect(await page.locator('.stale-note').count()).toBe(1);
    // a key with a non-hex digit names the position
    await page.locator('#key').fill('00010203040506070809xa0b0c0d0e0f');
    expect(await page.locator('#key-error').getAttribute('data-code')).toBe('ERR_BAD_HEX');
    await page.locator('#key').fill('000102030405060708090a0b0c0d0e0f');
    expect(await page.locator('#key-error').count()).toBe(0);
    await page.close();
  });

  it('a bad deep-link key shows the error on load', async () => {
    const page = await open('/lessons/aes-rounds?key=00112233&block=00112233445566778899aabbccddeeff');
    expect(await page.locator('#key-error').getAttribute('data-code')).toBe('ERR_KEY_LENGTH');
    await page.close();
  });

  it('the round strip shows every round key and round at 1280×720, AES-128 and AES-256, and costs two Tab stops', async () => {
    // FIPS-197 C.1 (Nr = 10: K0…K10, r0…r10) and C.3 (Nr = 14: K0…K14)
    for (const [key, n] of [
      ['000102030405060708090a0b0c0d0e0f', 11],
      ['000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 15]
    ] as const) {
      const page = await open(`/lessons/aes-rounds?key=${key}&block=00112233445566778899aabbccddeeff`);
      const strip = page.locator('.strip');
      const box = (await strip.boundingBox())!;
      const rows = strip.locator('[role="toolbar"]');
      expect(await rows.count()).toBe(2);
      for (let row = 0; row < 2; row++) {
        const items = rows.nth(row).locator('button');
        expect(await items.count()).toBe(n);
        // nothing hangs past the strip's right edge: each item lies inside it
        for (let i = 0; i < n; i++) {
          const b = (await items.nth(i).boundingBox())!;
          expect(b.x + b.width).toBeLessThanOrEqual(box.x + box.width + 0.5);
        }
        // one Tab stop per row
        expect(await items.evaluateAll((els) => els.filter((e) => (e as HTMLElement).tabIndex === 0).length)).toBe(1);
      }
      // ← → along a row move the focus, not the stepper
      const keys = rows.nth(0).locator('button');
      await keys.first().focus();
      const before = await status(page);
      await page.keyboard.press('ArrowRight');
      expect(await keys.nth(1).evaluate((e) => e === document.activeElement)).toBe(true);
      await page.keyboard.press('End');
      expect(await keys.nth(n - 1).evaluate((e) => e === document.activeElement)).toBe(true);
      expect(await status(page)).toBe(before);
      await page.keyboard.press('Enter');
      expect(await status(page)).toMatch(new RegExp(`Key expansion: round key ${n - 1}`));
      await page.close();
    }
  });
});
