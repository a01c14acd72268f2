// Motion that explains (issue 12), lesson 3: at ShiftRows each byte of the new state slides in
// from the column it left (FIPS-197 §5.1.2: s'[r,c] = s[r,(c + r) mod 4], so row r moves left by
// r), at MixColumns the columns appear one after another (§5.1.3 works column by column); with
// prefers-reduced-motion nothing moves and the same bytes are drawn. Expected offsets from the rule
// by hand, the bytes checked against the grid before. Real Chromium, the built app.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';

const t = useApp();
const AFTER = '[data-current-panel] [data-testid="state-after"]';

async function stepTo(page: Page, op: RegExp): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const line = (await page.locator('[data-testid="op-line"]').count())
      ? await page.locator('[data-testid="op-line"]').innerText()
      : '';
    if (op.test(line)) return;
    await page.keyboard.press('ArrowRight');
  }
  throw new Error(`no step matched ${op}`);
}

/** every cell of the grid after the step: its position, the running animation's first frame and delay */
function cells(page: Page) {
  return page.locator(AFTER).evaluate((fig) =>
    Array.from(fig.querySelectorAll('g.mover')).map((g) => {
      const outer = g.parentElement!.getAttribute('transform')!;
      const [x, y] = /translate\(([\d.-]+),([\d.-]+)\)/.exec(outer)!.slice(1).map(Number);
      const a = g.getAnimations()[0];
      const first = a ? (a.effect as KeyframeEffect).getKeyframes()[0] : null;
      return {
        j: Number(g.getAttribute('data-j')),
        x,
        y,
        transform: (first?.transform as string | undefined) ?? null,
        opacity: first?.opacity === undefined ? null : Number(first.opacity),
        delay: a ? Number(a.effect!.getTiming().delay) : null
      };
    })
  );
}

describe('lesson 3, motion', () => {
  it('ShiftRows: each byte slides from its old column; MixColumns: column by column', async () => {
    const page = await t.open('/lessons/aes-rounds', { ready: '.lesson[data-ready="true"]' });
    await stepTo(page, /^Row r turns left by r places/);
    const before = await page.locator('[data-current-panel] figure').first().getAttribute('data-hex');
    const after = await page.locator(AFTER).getAttribute('data-hex');
    // the bytes: s'[r,c] = s[r,(c + r) mod 4], byte j = r + 4c (§3.4)
    const b = before!.match(/../g)!;
    const shifted = Array.from({ length: 16 }, (_, j) => b[(j & 3) + 4 * (((j >> 2) + (j & 3)) % 4)]).join('');
    expect(after).toBe(shifted);
    const cs = await cells(page);
    const pitch = cs.find((c) => c.j === 4)!.x - cs.find((c) => c.j === 0)!.x;
    expect(pitch).toBeGreaterThan(0);
    for (const c of cs) {
      const r = c.j & 3;
      const col = c.j >> 2;
      const dx = (((col + r) % 4) - col) * pitch;
      if (r === 0) expect(c.transform, `row 0 stays (byte ${c.j})`).toBeNull();
      else expect(c.transform, `byte ${c.j}`).toBe(`translate(${dx}px, 0px)`);
    }

    // pointing at a byte once the bytes have arrived does not play the motion again
    const timeOf = () =>
      page.locator(`${AFTER} g.mover[data-j="5"]`).evaluate((g) => Number(g.getAnimations()[0]?.currentTime ?? -1));
    await expect.poll(timeOf).toBeGreaterThanOrEqual(700);
    await page.locator(`${AFTER} g.mover[data-j="5"]`).hover();
    expect(await timeOf()).toBeGreaterThanOrEqual(700);

    await stepTo(page, /^Each column is multiplied by the fixed matrix/);
    const mc = await cells(page);
    for (const c of mc) expect(c.opacity, `byte ${c.j} fades in`).toBe(0);
    const delays = [0, 1, 2, 3].map((col) => mc.filter((c) => c.j >> 2 === col).map((c) => c.delay));
    for (const d of delays) expect(new Set(d).size, 'one delay per column').toBe(1);
    expect(delays.map((d) => d[0]!)).toEqual([...delays.map((d) => d[0]!)].sort((x, y) => x - y));
    expect(delays[3][0]!).toBeGreaterThan(delays[0][0]!);
    await page.close();
  });

  it('with prefers-reduced-motion the same steps draw the same bytes and nothing moves', async () => {
    const page = await t.open('/lessons/aes-rounds', { ready: '.lesson[data-ready="true"]' });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await stepTo(page, /^Row r turns left by r places/);
    expect((await cells(page)).every((c) => c.transform === null && c.opacity === null)).toBe(true);
    const before = await page.locator('[data-current-panel] figure').first().getAttribute('data-hex');
    const b = before!.match(/../g)!;
    expect(await page.locator(AFTER).getAttribute('data-hex')).toBe(
      Array.from({ length: 16 }, (_, j) => b[(j & 3) + 4 * (((j >> 2) + (j & 3)) % 4)]).join('')
    );
    await stepTo(page, /^Each column is multiplied by the fixed matrix/);
    expect((await cells(page)).every((c) => c.transform === null && c.opacity === null)).toBe(true);
    await page.close();
  });
});
