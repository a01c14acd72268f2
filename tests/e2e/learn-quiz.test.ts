// /learn's "Quiz me" mode (issue 12): a stage that asks first, answers checked against values this
// file computes itself (PKCS#7 by hand, Xᵢ = Pᵢ ⊕ Cᵢ₋₁ from node:crypto's AES-CBC with padding
// off), feedback in a status region, the score and the stages to review kept over a reload
// (localStorage), step keys that never type into the quiz field, and no quiz without quiz=1.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';
import { axeViolations, describeViolations } from './axe';

const KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const IV = '000102030405060708090a0b0c0d0e0f';
const TEXT = 'attack at dawn, bring coffee'; // 28 bytes: two blocks
const QUIZ = `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${encodeURIComponent(TEXT)}&quiz=1&seed=fixed`;

// PKCS#7 (RFC 5652 §6.3), by hand
const n = Buffer.byteLength(TEXT);
const PAD = 16 - (n % 16);
const padded = Buffer.concat([Buffer.from(TEXT), Buffer.alloc(PAD, PAD)]);
// C₁ … Cₙ from node:crypto, padding off (the message is padded above)
const cipher = createCipheriv('aes-128-cbc', Buffer.from(KEY, 'hex'), Buffer.from(IV, 'hex')).setAutoPadding(false);
const C = Buffer.concat([cipher.update(padded), cipher.final()]);
/** Xᵢ[j] = Pᵢ[j] ⊕ Cᵢ₋₁[j], C₀ = the IV; i from 1 */
function xorByte(i: number, j: number): number {
  const chain = i === 1 ? Buffer.from(IV, 'hex') : C.subarray((i - 2) * 16, (i - 1) * 16);
  return padded[(i - 1) * 16 + j] ^ chain[j];
}
const DIGITS: Record<string, string> = { '₀': '0', '₁': '1', '₂': '2', '₃': '3', '₄': '4', '₅': '5' };

const t = useApp();
const open = (path: string, viewport = { width: 1280, height: 720 }) =>
  t.open(path, { ready: '.learn[data-ready="true"]', viewport });
const status = (page: Page) => page.locator('[data-testid="step-status"]').innerText();

describe('/learn?quiz=1: predict, then check', () => {
  it('asks at the padding stage and at the chain, checks, and keeps the score over a reload', async () => {
    const page = await open(QUIZ);
    const pad = page.locator('[data-stage="pad"]');
    // the stages that ask hide their picture until asked; the pad stage says a question waits
    expect(await pad.locator('[data-testid="quiz-wait"]').textContent()).toMatch(/step onto this stage/);
    expect(await pad.locator('svg, .cell').count()).toBe(0);
    // and so does a later stage that would give the answer away (the blocks show the pad bytes)
    const blocks = page.locator('[data-stage="blocks"]');
    expect(await blocks.locator('[data-testid="quiz-wait"] a').textContent()).toBe('Step 2 (PKCS#7 padding)');
    expect(await blocks.locator('.cell').count()).toBe(0);

    await page.keyboard.press('ArrowRight');
    await expect.poll(() => status(page)).toContain('Step 2 of 8 · PKCS#7 padding');
    const card = pad.locator('[data-testid="quiz-card"]');
    expect(await card.locator('.question').innerText()).toContain(`The message is ${n} bytes`);
    const field = card.getByLabel(/Your answer/);
    // the learner stepped onto it: the field has the focus, and the step keys now edit it
    await expect.poll(() => field.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('12');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Home');
    expect(await status(page)).toContain('Step 2 of 8');
    expect(await field.inputValue()).toBe('12');

    // wrong on purpose: the expected value is 16 − (28 mod 16) = 4
    const wrong = PAD === 1 ? 2 : PAD - 1;
    await field.fill(String(wrong));
    await field.press('Enter');
    const feedback = card.locator('[role="status"]');
    await expect.poll(() => feedback.innerText()).toContain('✗ Wrong');
    expect(await feedback.innerText()).toContain(`you said ${wrong}; the answer is ${PAD}`);
    expect(await feedback.innerText()).toContain(`16 − ${n % 16} = ${PAD}`);
    // the stage shows now, its first pad byte lit up by the inspector
    await pad.locator('[data-testid="quiz-wait"]').waitFor({ state: 'detached' });
    await blocks.locator('[data-testid="quiz-wait"]').waitFor({ state: 'detached' });
    await expect.poll(() => page.locator('[data-testid="inspect"]').innerText()).toContain(`0x0${PAD}`);

    // to the chain: text, pad, blocks, IV, then block 1
    await page.locator('body').press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => status(page)).toContain('Step 5 of 8');
    const chain = page.locator('[data-stage="chain"] [data-testid="quiz-card"][data-kind="xor-byte"]');
    const q = await chain.locator('.question').innerText();
    const [, i, j] = /X([₁₂])\[(\d+)\]/.exec(q)!;
    const x = xorByte(Number(DIGITS[i]), Number(j));
    await chain.getByLabel(/Your answer/).fill(`0x${x.toString(16).padStart(2, '0').toUpperCase()}`);
    await chain.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => chain.locator('[role="status"]').innerText()).toContain('✓ Right');
    expect(await chain.locator('[role="status"]').innerText()).toContain(x.toString(16).padStart(2, '0'));
    // the chain asks a second question before its picture: Skip reveals it without an answer
    const second = page.locator('[data-stage="chain"] [data-testid="quiz-card"][data-kind="cipher-block"]');
    await second.getByRole('button', { name: 'Skip' }).click();
    await expect.poll(() => second.locator('[role="status"]').innerText()).toContain('Skipped');
    // with the answer node:crypto gives for that block
    const ci = Number(DIGITS[/^C([₁₂]) = /.exec(await second.locator('.question').innerText())![1]]);
    expect(await second.locator('[role="status"]').innerText()).toContain(
      C.subarray((ci - 1) * 16, ci * 16).toString('hex')
    );

    // the score, and the stage to review by its link
    const panel = page.locator('[data-testid="quiz-panel"]');
    expect(await panel.locator('[data-testid="quiz-score"]').innerText()).toContain('1 of 3 right');
    const review = panel.locator('[data-testid="quiz-review"] a');
    expect(await review.allInnerTexts()).toEqual(['Step 2 (PKCS#7 padding)']);
    expect(await review.getAttribute('href')).toBe('#stage-pad');

    // the link carries the quiz
    await expect.poll(() => page.url()).toContain('quiz=1&seed=fixed');
    await page.reload();
    await page.locator('.learn[data-ready="true"]').waitFor();
    await expect.poll(() => panel.locator('[data-testid="quiz-score"]').innerText()).toContain('1 of 3 right');
    expect(await panel.locator('[data-testid="quiz-review"] a').allInnerTexts()).toEqual(['Step 2 (PKCS#7 padding)']);
    // answered stages stay shown with their feedback
    expect(await pad.locator('[data-testid="quiz-card"] [role="status"]').innerText()).toContain('✗ Wrong');
    await review.click();
    await expect.poll(() => status(page)).toContain('Step 2 of 8');
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('a question and its feedback are axe-clean, at 1280×720 and 390×844', async () => {
    for (const viewport of [
      { width: 1280, height: 720 },
      { width: 390, height: 844 }
    ]) {
      const page = await open(QUIZ + '&step=2', viewport);
      const card = page.locator('[data-stage="pad"] [data-testid="quiz-card"]');
      await card.waitFor();
      let vs = await axeViolations(page);
      expect(vs, describeViolations(vs)).toEqual([]);
      await card.getByLabel(/Your answer/).fill('nonsense');
      await card.getByRole('button', { name: 'Check' }).click();
      // unreadable: said next to the field, not counted
      await expect.poll(() => card.locator('.unreadable').innerText()).toContain('expected a number');
      await card.getByLabel(/Your answer/).fill(String(PAD));
      await card.getByRole('button', { name: 'Check' }).click();
      await expect.poll(() => card.locator('[role="status"]').innerText()).toContain('✓ Right');
      vs = await axeViolations(page);
      expect(vs, describeViolations(vs)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.close();
    }
  });

  it('quiz=1 without a seed draws one into the link; without quiz=1 nothing of the quiz appears', async () => {
    const drawn = await open(QUIZ.replace('&seed=fixed', ''));
    await expect.poll(() => new URL(drawn.url()).searchParams.get('seed') ?? '').toMatch(/^[0-9a-f]{8}$/);
    await drawn.close();

    const page = await open(QUIZ.replace('&quiz=1&seed=fixed', '') + '&step=2');
    expect(await page.locator('[data-testid^="quiz-"]:not([data-testid="quiz-start"])').count()).toBe(0);
    expect(await page.locator('[data-stage="pad"] .cell').count()).toBeGreaterThan(0);
    // the one way in is the button; it starts a quiz with a fresh seed
    await page.locator('[data-testid="quiz-start"]').click();
    await page.locator('[data-stage="pad"] [data-testid="quiz-card"]').waitFor();
    await expect.poll(() => page.url()).toMatch(/quiz=1&seed=[0-9a-f]{8}/);
    await page.close();
  });
});

describe('/learn?quiz=1: the result box gives nothing away', () => {
  it('while questions are open the wire form and ciphertext are hidden, and say why; without the quiz they show', async () => {
    const page = await open(QUIZ);
    const held = page.locator('[data-testid="result-held"]');
    await held.waitFor();
    // encrypting asks five: pad-length, xor-byte and cipher-block, flip-effect, base64-chars
    expect(await held.innerText()).toMatch(/5 questions left; answer or skip them to see it\.$/);
    expect(await page.locator('[data-testid="wire-out"]').count()).toBe(0);
    expect(await page.locator('main').innerText()).not.toContain(C.toString('hex').slice(0, 32));
    await page.close();
    const plain = await open(QUIZ.replace('&quiz=1&seed=fixed', ''));
    const wire = Buffer.concat([Buffer.from(IV, 'hex'), C]).toString('base64');
    expect((await plain.locator('[data-testid="wire-out"]').textContent())?.trim()).toBe(wire);
    expect(await plain.locator('[data-testid="result-held"]').count()).toBe(0);
    await plain.close();
  });
});
