// Motion that explains on /learn (issue 12): stepping onto a block of the chain, Xᵢ comes down out
// of the XOR row, Cᵢ out of the AES box after it, and Cᵢ slides over into the next column's
// "⊕ Cᵢ" row (SP 800-38A §6.2: Xᵢ = Pᵢ ⊕ Cᵢ₋₁, Cᵢ = CIPH_K(Xᵢ), and Cᵢ masks Pᵢ₊₁); under
// prefers-reduced-motion nothing moves and the same bytes are drawn. The offsets are read off the
// picture's own rows, the order from the rule. Real Chromium, the built app.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';

const t = useApp();
const KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const IV = '000102030405060708090a0b0c0d0e0f';
const LINK = `/learn?mode=encrypt&key=${KEY}&iv=${IV}&text=${encodeURIComponent('two blocks of text, no more: ok')}&step=4`;

/** per row group of the chain picture: its block, kind, the y of its cells, and the running animation */
function rows(page: Page) {
  return page.locator('#pic-chain').evaluate((svg) =>
    Array.from(svg.querySelectorAll('g.row')).map((g) => {
      const cell = g.querySelector('g.cell')!.getAttribute('transform')!;
      const [x, y] = /translate\(([\d.-]+),([\d.-]+)\)/.exec(cell)!.slice(1).map(Number);
      const a = g.getAnimations()[0];
      const first = a ? (a.effect as KeyframeEffect).getKeyframes()[0] : null;
      return {
        block: Number(g.getAttribute('data-block')),
        kind: g.getAttribute('data-row')!,
        x,
        y,
        from: (first?.transform as string | undefined) ?? null,
        delay: a ? Number(a.effect!.getTiming().delay) : null
      };
    })
  );
}

describe('/learn, the chain in motion', () => {
  it('onto block 1: X₁ from the XOR, then C₁ from the AES box, then C₁ into block 2’s mask', async () => {
    const page = await t.open(LINK, { ready: '.learn[data-ready="true"]' });
    await page.keyboard.press('ArrowRight'); // step 5: the chain, block 1
    await expect.poll(() => page.locator('[data-testid="step-status"]').innerText()).toMatch(/^Step 5 of/);
    const rs = await rows(page);
    const at = (block: number, kind: string) => rs.find((r) => r.block === block && r.kind === kind)!;
    const aesY = await page
      .locator('#pic-chain rect.aes')
      .first()
      .evaluate((r) => Number(r.getAttribute('y')));
    const x1 = at(0, 'xored');
    const c1 = at(0, 'cipher');
    const mask2 = at(1, 'chain');
    expect(x1.from).toBe(`translate(0px, ${at(0, 'chain').y - x1.y}px)`);
    expect(c1.from).toBe(`translate(0px, ${aesY - c1.y}px)`);
    expect(mask2.from).toBe(`translate(${c1.x - mask2.x}px, ${c1.y - mask2.y}px)`);
    // in that order: X₁, then C₁, then the mask
    expect(x1.delay!).toBeLessThan(c1.delay!);
    expect(c1.delay!).toBeLessThan(mask2.delay!);
    // the plaintext and the IV stay where they are
    expect(at(0, 'plain').from).toBeNull();
    expect(at(0, 'chain').from).toBeNull();
    await page.close();
  });

  it('with prefers-reduced-motion nothing moves', async () => {
    const page = await t.open(LINK, { ready: '.learn[data-ready="true"]' });
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('[data-testid="step-status"]').innerText()).toMatch(/^Step 5 of/);
    expect((await rows(page)).every((r) => r.from === null)).toBe(true);
    await page.close();
  });
});
