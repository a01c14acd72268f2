// The home page in Chromium: it links every part and every lesson, and every link it shows answers.
import { describe, expect, it } from 'vitest';
import { useApp } from './harness';

const t = useApp();

describe('/', () => {
  it('links /learn, /live, /lessons and each of the six lessons, and none of its links is dead', async () => {
    const page = await t.open('/', { ready: 'h1' });
    const hrefs = await page
      .locator('main a[href^="/"]')
      .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    for (const part of ['/learn', '/live', '/lessons']) expect(hrefs).toContain(part);
    const lessons = hrefs.filter((h) => h.startsWith('/lessons/'));
    expect(new Set(lessons)).toEqual(
      new Set(
        ['bit-flipping', 'padding-oracle', 'ecb-vs-cbc', 'iv-mistakes', 'aes-rounds', 'why-decryption-failed'].map(
          (s) => `/lessons/${s}`
        )
      )
    );
    for (const href of new Set(hrefs)) {
      const res = await fetch(t.app.url + href);
      expect(res.status, href).toBe(200);
    }
    expect(page.errors).toEqual([]);
    await page.close();
  });
});
