// Projector mode (issue 11, "A class in front of one screen"): a toggle kept in the URL; /learn
// shows one stage at a time at full width and full contrast, byte cells of at least 32 px and body
// text of at least 20 px at 1280×720, the chain the largest picture; lesson 1's bit buttons and
// lesson 3's round strip as large. Real Chromium against the built app (tests/e2e/harness.ts).
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';

const t = useApp();
const VIEW = { width: 1280, height: 720 };

/** What a class sees of the current stage: how many stages are drawn, the smallest byte cell and
 * the smallest paragraph text in it, and the lowest opacity on its way up to the page. */
function currentStage(page: Page) {
  return page.evaluate(() => {
    const shown = Array.from(document.querySelectorAll('[data-stage]')).filter(
      (e) => (e as HTMLElement).offsetHeight > 0
    );
    const cur = document.querySelector('[aria-current="step"][data-stage]')!;
    const cells = Array.from(cur.querySelectorAll('.cell rect.bg')).map((r) => r.getBoundingClientRect());
    const sizes = cells.map((r) => Math.min(r.width, r.height)).filter((s) => s > 0);
    const texts = Array.from(cur.querySelectorAll('p')).map((p) => parseFloat(getComputedStyle(p).fontSize));
    let opacity = 1;
    for (let e: Element | null = cur; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
    return {
      stage: cur.getAttribute('data-stage')!,
      shown: shown.map((e) => e.getAttribute('data-stage')),
      cell: Math.min(...sizes),
      cells: sizes.length,
      text: Math.min(...texts),
      opacity,
      wide: document.documentElement.scrollWidth
    };
  });
}

describe('projector mode', () => {
  it('the header toggle puts it in the URL (aria-pressed), a link keeps it, and a second press takes it out', async () => {
    const page = await t.open('/learn', { ready: '.learn[data-ready="true"]', viewport: VIEW });
    const toggle = page.getByRole('button', { name: 'Projector mode' });
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('projector')).toBe('1');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('main.projector').count()).toBe(1);
    // a step is kept in the link beside it (the address bar follows the page)
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => new URL(page.url()).searchParams.get('step')).not.toBeNull();
    expect(new URL(page.url()).searchParams.get('projector')).toBe('1');
    // the class moves on to a lesson: still in projector mode there
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Lessons' }).click();
    await page.waitForURL(/\/lessons\?/);
    expect(new URL(page.url()).searchParams.get('projector')).toBe('1');
    await page
      .getByRole('link', { name: /Bit flipping/ })
      .first()
      .click();
    await page.locator('.lesson[data-ready="true"]').waitFor();
    expect(new URL(page.url()).searchParams.get('projector')).toBe('1');
    await page.getByRole('button', { name: 'Projector mode' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('projector')).toBeNull();
    expect(await page.locator('main.projector').count()).toBe(0);
    await page.close();
  });

  it('/learn at 1280×720: one stage at a time, cells ≥ 32 px, text ≥ 20 px, full contrast, the chain the largest', async () => {
    const page = await t.open('/learn?projector=1', { ready: '.learn[data-ready="true"]', viewport: VIEW });
    const seen = new Map<string, number>();
    for (let step = 1; step <= 8; step++) {
      if (step > 1) {
        await page.keyboard.press('ArrowRight');
        await expect.poll(() => page.locator('[data-testid="step-status"]').innerText()).toMatch(`Step ${step} of 8`);
      }
      const s = await currentStage(page);
      expect(s.shown, `step ${step}`).toEqual([s.stage]);
      expect(s.cells, `step ${step}: ${s.stage} draws bytes`).toBeGreaterThan(0);
      expect(s.cell, `step ${step}: ${s.stage}'s smallest byte cell`).toBeGreaterThanOrEqual(32);
      expect(s.text, `step ${step}: ${s.stage}'s smallest paragraph`).toBeGreaterThanOrEqual(20);
      expect(s.opacity, `step ${step}: ${s.stage}`).toBe(1);
      expect(s.wide).toBeLessThanOrEqual(VIEW.width);
      seen.set(s.stage, Math.min(seen.get(s.stage) ?? Infinity, s.cell));
    }
    // every stage was shown, and no stage draws its bytes larger than the chain (18.5 px before)
    expect([...seen.keys()].sort()).toEqual(['base64', 'blocks', 'chain', 'iv', 'pad', 'text', 'wire']);
    const chain = seen.get('chain')!;
    for (const [stage, cell] of seen) expect(chain, `chain vs ${stage}`).toBeGreaterThanOrEqual(cell);
    await page.close();
  });

  it('a projector link opened on a phone keeps the phone layout (every stage, body text as usual, nothing wider)', async () => {
    const page = await t.open('/learn?projector=1', {
      ready: '.learn[data-ready="true"]',
      viewport: { width: 390, height: 844 }
    });
    await expect.poll(() => page.locator('main.projector').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Projector mode' }).getAttribute('aria-pressed')).toBe('true');
    const s = await currentStage(page);
    expect(s.shown.length).toBe(7);
    expect(s.text).toBeLessThan(20);
    expect(s.wide).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('without it, the same page draws every stage (the mode is the URL, nothing else)', async () => {
    const page = await t.open('/learn', { ready: '.learn[data-ready="true"]', viewport: VIEW });
    const s = await currentStage(page);
    expect(s.shown.length).toBe(7);
    await page.close();
  });

  it("lesson 1's bit buttons and lesson 3's round strip are drawn for the back of the room", async () => {
    const one = await t.open('/lessons/bit-flipping?projector=1', {
      ready: '.lesson[data-ready="true"]',
      viewport: VIEW
    });
    const bits = await one.locator('button[data-bit]').evaluateAll((bs) =>
      bs.map((b) => {
        const r = b.getBoundingClientRect();
        return { w: r.width, h: r.height, font: parseFloat(getComputedStyle(b).fontSize) };
      })
    );
    expect(bits.length).toBeGreaterThanOrEqual(128 * 3); // the IV and two ciphertext blocks, 128 bits each
    expect(Math.min(...bits.map((b) => b.w))).toBeGreaterThanOrEqual(32);
    expect(Math.min(...bits.map((b) => b.h))).toBeGreaterThanOrEqual(32);
    expect(Math.min(...bits.map((b) => b.font))).toBeGreaterThanOrEqual(20);
    expect(await one.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEW.width);
    await one.close();

    const three = await t.open('/lessons/aes-rounds?projector=1', {
      ready: '.lesson[data-ready="true"]',
      viewport: VIEW
    });
    const strip = await three.locator('.strip').evaluate((el) => {
      const cells = Array.from(el.querySelectorAll('.cell rect.bg')).map((r) => r.getBoundingClientRect());
      const words = Array.from(el.querySelectorAll('figcaption, .lab')).map((c) =>
        parseFloat(getComputedStyle(c).fontSize)
      );
      return {
        grids: el.querySelectorAll('button.mini').length,
        cell: Math.min(...cells.map((r) => Math.min(r.width, r.height))),
        words: Math.min(...words)
      };
    });
    expect(strip.grids).toBe(22); // AES-128: round keys K0–K10 and the state after rounds 0–10
    expect(strip.cell).toBeGreaterThanOrEqual(32);
    expect(strip.words).toBeGreaterThanOrEqual(20);
    expect(await three.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(VIEW.width);
    await three.close();
  });
});
