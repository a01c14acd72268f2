// Lesson 4 in real Chromium: the bundled picture encrypted with ECB and CBC on canvases; from the
// canvas pixels, equal plaintext blocks are equal under ECB and not under CBC; a dropped file works.
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { useApp } from './harness';
import { textContrast } from './contrast';
import { stripesPng } from '../helpers/png';

const t = useApp();

async function open(): Promise<Page> {
  const page = await t.open('/lessons/ecb-vs-cbc', { ready: 'section.experiment[data-state="done"]', timeout: 60_000 });
  expect(page.errors).toEqual([]);
  return page;
}

/** WCAG 2 contrast of an element's text colour against the first opaque background behind it. */
/** Group the 4-pixel blocks by original content; count how ECB and CBC treat each group. */
function blockCheck(page: Page) {
  return page.evaluate(() => {
    const grab = (id: string) => {
      const c = document.querySelector<HTMLCanvasElement>(`[data-testid="${id}"]`)!;
      return { w: c.width, h: c.height, d: c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data };
    };
    const o = grab('canvas-original');
    const e = grab('canvas-ecb');
    const c = grab('canvas-cbc');
    // a block is 16 bytes = 4 RGBA pixels; the displayed ciphertext has alpha forced to 255, so compare RGB
    const key = (d: Uint8ClampedArray, b: number) => {
      let s = '';
      for (let p = 0; p < 4; p++) for (let k = 0; k < 3; k++) s += d[b * 16 + p * 4 + k] + ',';
      return s;
    };
    const blocks = (o.w * o.h) / 4;
    const groups = new Map<string, { ecb: Set<string>; cbc: Set<string>; n: number }>();
    for (let b = 0; b < blocks; b++) {
      const k = key(o.d, b);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { ecb: new Set(), cbc: new Set(), n: 0 }));
      g.n++;
      g.ecb.add(key(e.d, b));
      g.cbc.add(key(c.d, b));
    }
    let repeatedGroups = 0;
    let ecbConsistent = 0;
    let cbcDistinctInBig = 0;
    let bigN = 0;
    for (const g of groups.values()) {
      if (g.n < 2) continue;
      repeatedGroups++;
      if (g.ecb.size === 1) ecbConsistent++;
      if (g.n > bigN) {
        bigN = g.n;
        cbcDistinctInBig = g.cbc.size;
      }
    }
    const ecbDistinct = new Set(Array.from({ length: blocks }, (_, b) => key(e.d, b))).size;
    return {
      w: o.w,
      h: o.h,
      sizes: [e.w, e.h, c.w, c.h],
      blocks,
      groups: groups.size,
      repeatedGroups,
      ecbConsistent,
      bigN,
      cbcDistinctInBig,
      ecbDistinct
    };
  });
}

describe('/lessons/ecb-vs-cbc', { timeout: 90_000 }, () => {
  it('the /lessons index links lessons 4, 5 and 6, and each page answers on the server', async () => {
    const html = await (await fetch(t.app.url + '/lessons')).text();
    for (const slug of ['ecb-vs-cbc', 'iv-mistakes', 'why-decryption-failed']) {
      expect(html).toContain(`href="/lessons/${slug}"`);
      expect((await fetch(`${t.app.url}/lessons/${slug}`)).status).toBe(200);
    }
  });

  it('the bundled picture: equal plaintext blocks are equal under ECB, never under CBC', async () => {
    const page = await open();
    const r = await blockCheck(page);
    expect(r.w % 4).toBe(0);
    expect(r.sizes).toEqual([r.w, r.h, r.w, r.h]);
    expect(r.repeatedGroups).toBeGreaterThan(3);
    expect(r.ecbConsistent).toBe(r.repeatedGroups); // every repeated plaintext block → one ECB block
    expect(r.ecbDistinct).toBe(r.groups); // and different plaintext blocks → different ECB blocks
    expect(r.bigN).toBeGreaterThan(r.blocks / 4); // the background is one block repeated many times
    expect(r.cbcDistinctInBig).toBe(r.bigN); // CBC: every copy of it differs
    const summary = await page.locator('[data-testid="summary"]').innerText();
    expect(summary).toContain(`${r.blocks} blocks`);
    expect(summary).toContain(`exactly ${r.groups} different ciphertext blocks`);
    expect(summary).toContain(`${r.blocks} different blocks out of ${r.blocks}`);
    await page.close();
  });

  it('a new key re-encrypts (keyboard only), a bad key says what is wrong and keeps the old pictures', async () => {
    const page = await open();
    const before = await page.locator('[data-testid="canvas-ecb"]').evaluate((c: HTMLCanvasElement) => c.toDataURL());
    await page.locator('#ecb-key').focus();
    await page.keyboard.press('Tab'); // → Random key
    await page.keyboard.press('Enter');
    await page.locator('section.experiment[data-state="done"]').waitFor();
    await expect
      .poll(() => page.locator('[data-testid="canvas-ecb"]').evaluate((c: HTMLCanvasElement) => c.toDataURL()))
      .not.toBe(before);
    expect((await blockCheck(page)).ecbConsistent).toBeGreaterThan(0);
    await page.locator('#ecb-key').fill('abcd');
    await expect(page.locator('#ecb-key-err').getAttribute('data-code')).resolves.toBe('ERR_KEY_LENGTH');
    expect(await page.locator('#ecb-key').getAttribute('aria-invalid')).toBe('true');
    await page.close();
  });

  it('a bad key: the kept pictures and the summary are marked stale (label, greyed images, text still ≥ 4.5:1)', async () => {
    const page = await open();
    await page.locator('[data-testid="summary"][data-ready="true"]').waitFor();
    const canvasStyle = () =>
      page
        .locator('[data-testid="canvas-ecb"]')
        .evaluate((c) => ({ filter: getComputedStyle(c).filter, opacity: Number(getComputedStyle(c).opacity) }));
    expect(await canvasStyle()).toEqual({ filter: 'none', opacity: 1 });
    expect(await page.locator('[data-testid="stale"]').count()).toBe(0);
    const before = await page.locator('[data-testid="canvas-ecb"]').evaluate((c: HTMLCanvasElement) => c.toDataURL());
    // hydrated once typing a bad digit shows its error
    await expect
      .poll(
        async () => {
          await page.locator('#ecb-key').fill('2b7e151628aed2a6abf7158809cf4fz3');
          return page.locator('#ecb-key-err').count();
        },
        { timeout: 30_000 }
      )
      .toBe(1);
    // the field error: one sentence, said once on the page
    const sentence =
      "Key: expected a hex digit (0-9, a-f) at position 30, got 'z'; delete it, or pick the encoding the text is in.";
    expect(await page.locator('#ecb-key-err [data-testid="field-error-text"]').innerText()).toBe(sentence);
    expect(await page.locator('#ecb-key-err').innerText()).toBe(`${sentence} ERR_BAD_HEX`);
    const body = await page.locator('body').innerText();
    expect(body.split('expected a hex digit').length - 1).toBe(1);
    expect(body).not.toMatch(/\Sat position/);
    // stale, everywhere the old run is shown
    await page.locator('[data-testid="stale"]').waitFor();
    expect(await page.locator('[data-testid="stale"]').innerText()).toMatch(/^STALE The key above has an error/);
    expect(await page.locator('.pics').getAttribute('data-stale')).toBe('true');
    expect(await page.locator('.pics figcaption .tag').allInnerTexts()).toEqual(['STALE', 'STALE']);
    const st = await canvasStyle();
    expect(st.filter).toBe('grayscale(1)');
    expect(st.opacity).toBeLessThan(0.6);
    expect(await page.locator('[data-testid="canvas-ecb"]').evaluate((c: HTMLCanvasElement) => c.toDataURL())).toBe(
      before
    ); // the last valid pictures are kept
    await page.locator('[data-testid="summary-stale"]').waitFor();
    expect(await page.locator('[data-testid="summary"] .runs').getAttribute('data-stale')).toBe('true');
    expect(await textContrast(page, '[data-testid="summary-ecb"]')).toBeGreaterThanOrEqual(4.5);
    expect(await textContrast(page, '[data-testid="stale"]')).toBeGreaterThanOrEqual(4.5);
    expect(await textContrast(page, '.pics figcaption .tag')).toBeGreaterThanOrEqual(4.5);
    // fixed: encrypted again, nothing stale
    await page.locator('#ecb-key').fill('2b7e151628aed2a6abf7158809cf4f3c');
    await page.locator('[data-testid="stale"]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="summary-stale"]').count()).toBe(0);
    expect(await canvasStyle()).toEqual({ filter: 'none', opacity: 1 });
    await page.close();
  });

  it('a dropped-in picture (a PNG of stripes, 600 px wide) is scaled to fit and keeps its stripes under ECB', async () => {
    const page = await open();
    const png = stripesPng(600, 300);
    await page.locator('#ecb-file').setInputFiles({ name: 'stripes.png', mimeType: 'image/png', buffer: png });
    await expect
      .poll(() => page.locator('[data-testid="ecb-status"]').innerText(), { timeout: 20_000 })
      .toContain('stripes.png');
    await page.locator('section.experiment[data-state="done"]').waitFor();
    const r = await blockCheck(page);
    expect([r.w, r.h]).toEqual([512, 256]);
    expect(r.ecbConsistent).toBe(r.repeatedGroups);
    expect(await page.locator('[data-testid="ecb-status"]').innerText()).toContain('scaled from 600×300 to 512×256');
    await page
      .locator('#ecb-file')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hi') });
    await expect.poll(() => page.locator('.load-error').innerText()).toContain('“notes.txt” is not an image');
    await page.close();
  });
});
