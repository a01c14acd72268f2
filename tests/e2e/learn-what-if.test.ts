// /learn's "What if?" panel in Chromium: each of the five experiments, one click on a fixed
// key/IV/text link, shows per block what node:crypto (OpenSSL) computes for the same change, and
// a sentence that names those very numbers; its fields never step the page; at 390 px nothing is
// wider than the screen; axe finds nothing; and an open quiz question hides it.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';
import { axeViolations } from './axe';

// NIST SP 800-38A F.2.1's key and IV; a message whose first two blocks are equal (for ECB)
const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const TEXT = 'YELLOW SUBMARINEYELLOW SUBMARINE and the rest'; // 45 bytes: 3 blocks, 3 pad bytes
const LINK = `/learn?mode=encrypt&key=${KEY.toString('hex')}&iv=${IV.toString('hex')}&text=${encodeURIComponent(TEXT)}`;
const SUB = '₀₁₂₃₄₅₆₇₈₉';
const sub = (n: number) => [...String(n)].map((d) => SUB[Number(d)]).join('');

const cbc = (key: Buffer, iv: Buffer, p: Buffer) => {
  const c = createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([c.update(p), c.final()]);
};
const cbcRaw = (key: Buffer, iv: Buffer, c: Buffer) => {
  const d = createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
  return Buffer.concat([d.update(c), d.final()]);
};
const ecbRaw = (key: Buffer, p: Buffer) => {
  const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
  return Buffer.concat([c.update(p), c.final()]);
};
const pad = (p: Buffer) => Buffer.concat([p, Buffer.alloc(16 - (p.length % 16), 16 - (p.length % 16))]);
const bitDiff = (a: Buffer, b: Buffer) =>
  Array.from({ length: Math.min(a.length, b.length) / 16 }, (_, i) => {
    let n = 0;
    for (let j = 0; j < 16; j++) n += (a[i * 16 + j] ^ b[i * 16 + j]).toString(2).replace(/0/g, '').length;
    return n;
  });
const range = (xs: number[]) =>
  Math.min(...xs) === Math.max(...xs) ? `${xs[0]}` : `${Math.min(...xs)}–${Math.max(...xs)}`;

const P = pad(Buffer.from(TEXT));
const C = cbc(KEY, IV, Buffer.from(TEXT));

const t = useApp();
const open = (path = LINK, viewport = { width: 1280, height: 720 }) =>
  t.open(path, { ready: '.learn[data-ready="true"]', viewport });

async function run(page: Page, kind: string) {
  await page.locator(`[data-testid="what-if"] button[data-kind="${kind}"]`).click();
  await page.locator(`[data-testid="what-if-result"][data-kind="${kind}"]`).waitFor();
}
/** per row: [state, bits] of each cell */
async function rows(page: Page): Promise<[string, number][][]> {
  return page
    .locator('[data-testid="what-if-row"]')
    .evaluateAll((ols) =>
      ols.map((ol) =>
        Array.from(ol.querySelectorAll('li')).map(
          (li) => [li.dataset.state!, Number(li.dataset.bits)] as [string, number]
        )
      )
    );
}
const sentence = (page: Page) => page.locator('[data-testid="what-if-sentence"]').innerText();
const lessonHref = (page: Page) => page.locator('[data-testid="what-if-lesson"]').getAttribute('href');
const status = (page: Page) => page.locator('[data-testid="step-status"]').innerText();

describe('/learn What if?: five experiments, each checked against node:crypto', () => {
  it('flip a bit: bit 0 of C₁[0] by default, then bit 5 of C₂[3] picked in the menus', async () => {
    const page = await open();
    await run(page, 'flip');
    const c = Buffer.from(C);
    c[0] ^= 0x80;
    let bits = bitDiff(P, cbcRaw(KEY, IV, c));
    expect(bits.slice(1)).toEqual([1, 0]);
    expect(await rows(page)).toEqual([
      [
        ['changed', bits[0]],
        ['changed', 1],
        ['same', 0]
      ]
    ]);
    expect(await sentence(page)).toBe(
      `Flipping bit 0 (0x80) of C₁[0] garbled P₁ (${bits[0]} of 128 bits changed), since C₁ goes through AES decryption for P₁ alone, and flipped exactly bit 0 (0x80) of byte 0 of P₂, since it is only XORed into P₂; the other block came out the same.`
    );
    expect(await lessonHref(page)).toMatch(/\/lessons\/bit-flipping$/);

    await page.locator('[data-testid="flip-block"]').selectOption('1');
    await page.locator('[data-testid="flip-byte"]').selectOption('3');
    await page.locator('[data-testid="flip-bit"]').selectOption('5');
    const c2 = Buffer.from(C);
    c2[16 + 3] ^= 0x04;
    const p2 = cbcRaw(KEY, IV, c2);
    bits = bitDiff(P, p2);
    expect(bits[0]).toBe(0);
    expect(bits[2]).toBe(1);
    await expect.poll(() => sentence(page)).toContain('of C₂[3]');
    expect(await rows(page)).toEqual([
      [
        ['same', 0],
        ['changed', bits[1]],
        ['changed', 1]
      ]
    ]);
    expect(await sentence(page)).toBe(
      `Flipping bit 5 (0x04) of C₂[3] garbled P₂ (${bits[1]} of 128 bits changed), since C₂ goes through AES decryption for P₂ alone, and flipped exactly bit 5 (0x04) of byte 3 of P₃, since it is only XORed into P₃; the other block came out the same.`
    );
    // the flipped pad byte (P₃[3] is the message's) leaves the padding as it was
    expect(await page.locator('[data-testid="what-if-padding"]').innerText()).toBe(
      'Padding check: passes (3 pad bytes)'
    );
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('reuse this IV: the leading blocks node:crypto gives equal for the second message, as typed', async () => {
    const page = await open();
    await run(page, 'reuse-iv');
    const field = page.locator('[data-testid="second-message"]');
    expect(await field.inputValue()).toBe('YELLOW SUBMARINE and then a different ending');
    const second = 'YELLOW SUBMARINEYELLOW SUBMARINE but not the rest';
    // the step keys stay out of the field: typing, ←, →, Home, End and space edit the text only
    const before = await status(page);
    await field.fill('');
    await field.pressSequentially(second.slice(0, -4));
    for (const k of ['ArrowLeft', 'ArrowRight', 'Home', 'End', 'Space']) await field.press(k);
    await field.press('Backspace');
    await field.pressSequentially(second.slice(-4));
    expect(await field.inputValue()).toBe(second);
    expect(await status(page)).toBe(before);

    const theirs = cbc(KEY, IV, Buffer.from(second));
    const bits = bitDiff(C, theirs);
    expect(bits.slice(0, 2)).toEqual([0, 0]);
    await expect
      .poll(() => rows(page))
      .toEqual([
        [
          ['same', 0],
          ['same', 0],
          ['changed', bits[2]],
          ['extra', 0]
        ]
      ]);
    expect(await page.locator('[data-testid="what-if-row"] .what').allInnerTexts()).toEqual([
      'same',
      'same',
      `${bits[2]} bits`,
      'new'
    ]);
    expect(await sentence(page)).toBe(
      'The first 2 ciphertext blocks (C₁ and C₂) came out equal, because the two messages agree on their first 32 bytes and share the key and the IV, so an eavesdropper learns that much of the two plaintexts is equal; from byte 33 (in P₃) on they differ, and so does every ciphertext block from C₃ on.'
    );
    expect(await lessonHref(page)).toMatch(/\/lessons\/iv-mistakes$/);
    await page.close();
  });

  it('switch to ECB: C₂ = C₁ under ECB (node:crypto aes-128-ecb), no repeat under CBC', async () => {
    const page = await open();
    await run(page, 'ecb');
    const e = ecbRaw(KEY, P);
    expect(e.subarray(0, 16).equals(e.subarray(16, 32))).toBe(true);
    const vsCbc = bitDiff(C, e);
    expect(await rows(page)).toEqual([
      [
        ['unique', 0],
        ['repeat', 0],
        ['unique', 0]
      ],
      [
        ['unique', vsCbc[0]],
        ['repeat', vsCbc[1]],
        ['unique', vsCbc[2]]
      ],
      [
        ['unique', 0],
        ['unique', 0],
        ['unique', 0]
      ]
    ]);
    expect(await sentence(page)).toBe(
      'Under ECB 1 ciphertext block repeats (C₂ = C₁) and none under CBC, because ECB encrypts each block on its own and these plaintext blocks are equal, while CBC XORs every block with the previous ciphertext block first.'
    );
    expect(await lessonHref(page)).toMatch(/\/lessons\/ecb-vs-cbc$/);
    await page.close();
  });

  it('a wrong key (byte 0 XOR 0x01): every block garbled as node:crypto decrypts it, the padding fails where it does', async () => {
    const page = await open();
    await run(page, 'wrong-key');
    const wrong = Buffer.from(KEY);
    wrong[0] ^= 0x01;
    const p = cbcRaw(wrong, IV, C);
    const bits = bitDiff(P, p);
    expect(await rows(page)).toEqual([bits.map((b) => ['changed', b])]);
    // PKCS#7 by hand, from the last byte backwards
    const k = p[47];
    let bad = k === 0 || k > 16 ? 47 : -1;
    for (let i = 46; bad < 0 && i >= 48 - k; i--) if (p[i] !== k) bad = i;
    expect(bad).toBeGreaterThanOrEqual(0);
    const expected = bad === 47 ? '0x01..0x10' : `0x${k.toString(16).padStart(2, '0')}`;
    const hex = `0x${p[bad].toString(16).padStart(2, '0')}`;
    expect(await sentence(page)).toBe(
      `With key byte 0 changed from 0x2b to 0x2a, all 3 blocks came out garbled (${range(bits)} of 128 bits changed), because every block passes through AES decryption under the key, and the padding check fails at byte ${bad} (P${sub(Math.floor(bad / 16) + 1)}[${bad % 16}] = ${hex}, expected ${expected}).`
    );
    expect(await page.locator('[data-testid="what-if-padding"]').innerText()).toBe(
      `Padding check: fails at byte ${bad}, ${hex} where ${expected} was expected`
    );
    expect(await lessonHref(page)).toMatch(/\/lessons\/why-decryption-failed$/);
    await page.close();
  });

  it('drop the IV: node:crypto with C₁ as the IV gives P₂ and P₃, one place earlier', async () => {
    const page = await open();
    await run(page, 'drop-iv');
    const d = createDecipheriv('aes-128-cbc', KEY, C.subarray(0, 16));
    expect(Buffer.concat([d.update(C.subarray(16)), d.final()]).toString()).toBe(TEXT.slice(16));
    const aligned = bitDiff(P, cbcRaw(KEY, C.subarray(0, 16), C.subarray(16)));
    // P₂ = P₁ in this message, so place by place P₁′ (= P₂) is the same as P₁
    expect(await rows(page)).toEqual([
      [
        ['lost', 0],
        ['same', 0],
        ['same', 0]
      ],
      aligned.map((b) => [b ? 'changed' : 'same', b])
    ]);
    // each block of the trace says where it came back
    expect(await page.locator('[data-testid="what-if-row"]').first().locator('.what').allInnerTexts()).toEqual([
      'lost',
      'now P₁',
      'now P₂'
    ]);
    expect(await sentence(page)).toBe(
      'Taking C₁ as the IV, the receiver gets 2 blocks back: P₁ is lost and every later block comes out intact but one place earlier (P₂ is now P₁), because Pⱼ = CIPH⁻¹_K(Cⱼ) ⊕ Cⱼ₋₁ needs only Cⱼ and the block before it, so only P₁ needed the IV; the padding check still passes, so nothing warns the receiver that the message is short.'
    );
    await page.close();
  });
});

describe('/learn What if?: the page around it', () => {
  it('at 390×844 nothing is wider than the screen, and axe finds nothing, with each experiment open', async () => {
    const page = await open(LINK, { width: 390, height: 844 });
    for (const kind of ['flip', 'reuse-iv', 'ecb', 'wrong-key', 'drop-iv']) {
      await run(page, kind);
      const wide = await page.evaluate(() =>
        Array.from(document.querySelectorAll('[data-testid="what-if"] *'))
          .filter((el) => el.getBoundingClientRect().right > 390.5)
          .map((el) => el.outerHTML.slice(0, 80))
      );
      expect(wide, kind).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), kind).toBeLessThanOrEqual(390);
      expect(await axeViolations(page), kind).toEqual([]);
    }
    await page.close();
  });

  it('a quiz with a question open hides the panel (an experiment would give the answer away)', async () => {
    const page = await open(`${LINK}&quiz=1`);
    await page.locator('[data-testid="quiz-wait"]').first().waitFor();
    expect(await page.locator('[data-testid="what-if"]').count()).toBe(0);
    await page.close();
  });
});
