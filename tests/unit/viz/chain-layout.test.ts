import { describe, expect, it } from 'vitest';
import { chainLayout } from '../../../src/lib/viz/chain-layout';

const spec = { cell: 20, gap: 2, labelWidth: 60, columnGap: 40, top: 20, aesHeight: 26 };

describe('chainLayout, encrypt (Pᵢ ⊕ Cᵢ₋₁ → AES → Cᵢ)', () => {
  const L = chainLayout({ direction: 'encrypt', ...spec });
  it('stacks P, the chain input, the rule, X, AES and C top to bottom', () => {
    expect(L.rows).toEqual({ plain: 20, chain: 48, xored: 76, cipher: 146, rule: 72, aes: { y: 108, height: 26 } });
    expect(L.height).toBe(168);
  });
  it('sizes a column of 16 cells and two columns side by side', () => {
    expect(L.rowWidth).toBe(350);
    expect(L.width(1)).toBe(410);
    expect(L.width(2)).toBe(860);
    expect(L.columnX(1)).toBe(450);
    expect(L.cellsX(1)).toBe(510);
  });
  it('runs the chain arrow from the middle of C₁ down-right to the chain row of the next column', () => {
    expect(L.chainPath(0)).toBe('M412,156C459,156,459,58,506,58');
  });
  it('draws the arrows into and out of the AES box', () => {
    expect(L.arrows).toEqual([
      [97, 107],
      [135, 145]
    ]);
  });
  it('gives column k its own 16-cell grid', () => {
    expect(L.grid(1).colX(0)).toBe(510);
    expect(L.grid(1).colX(15)).toBe(840);
  });
});

describe('chainLayout, decrypt (Cᵢ → AES⁻¹ → Xᵢ ⊕ Cᵢ₋₁ → Pᵢ)', () => {
  const L = chainLayout({ direction: 'decrypt', ...spec });
  it('puts C on top and P at the bottom', () => {
    expect(L.rows).toEqual({ plain: 146, chain: 118, xored: 90, cipher: 20, rule: 142, aes: { y: 52, height: 26 } });
    expect(L.height).toBe(168);
  });
  it('runs the chain arrow from C₁ at the top to the next column’s chain row', () => {
    expect(L.chainPath(0)).toBe('M412,30C459,30,459,128,506,128');
  });
});
