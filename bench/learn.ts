// /learn in headless Chromium: time to first render of a 64 KiB and a 1 MiB trace, and the
// time of one step on the 1 MiB trace. Timed in the page with the Performance API: first
// contentful paint (the server-rendered page), `learn:ready` (hydrated, every picture drawn,
// keys live), and for a step the time from the click to the next frame after the update.
import os from 'node:os';
import type { Section } from './run.ts';
import { startApp, launchBrowser } from '../tests/e2e/harness.ts';

const KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const IV = '000102030405060708090a0b0c0d0e0f';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

export async function run(): Promise<Section> {
  const load = os.loadavg()[0];
  const app = await startApp();
  const browser = await launchBrowser();
  const rows: (string | number)[][] = [];
  const targets: string[] = [];
  try {
    const sizes = [
      { label: '64 KiB', bytes: 65536, runs: 7 },
      { label: '1 MiB', bytes: 1048576, runs: 5 }
    ];
    let oneMiBReady = 0;
    let step1 = 0;
    for (const s of sizes) {
      const fcp: number[] = [];
      const ready: number[] = [];
      for (let r = 0; r < s.runs; r++) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
        page.on('pageerror', (e) => console.error(`learn bench: page error: ${e.message}`));
        if (process.env.BENCH_DEBUG) console.error(`learn bench: ${s.label} run ${r}`);
        await page.goto(`${app.url}/learn?mode=encrypt&key=${KEY}&iv=${IV}&fill=${s.bytes}&step=5`);
        await page.locator('.learn[data-ready="true"]').waitFor({ timeout: 60_000 });
        const t = await page.evaluate(() => ({
          fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
          ready: performance.getEntriesByName('learn:ready')[0]?.startTime ?? NaN
        }));
        if (r > 0) {
          // the first load warms the server's code and caches; the rest are measured
          fcp.push(t.fcp);
          ready.push(t.ready);
        }
        await page.close();
      }
      rows.push([
        `first render, ${s.label} (${s.bytes / 16 + 1} blocks)`,
        ms(median(fcp)),
        ms(median(ready)),
        ready.length
      ]);
      if (s.bytes === 1048576) oneMiBReady = median(ready);
    }

    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${app.url}/learn?mode=encrypt&key=${KEY}&iv=${IV}&fill=1048576&step=30000`);
    await page.locator('.learn[data-ready="true"]').waitFor({ timeout: 60_000 });
    const steps = await page.evaluate(async () => {
      const next = document.querySelector<HTMLButtonElement>('button[title^="Next"]')!;
      const prev = document.querySelector<HTMLButtonElement>('button[title^="Previous"]')!;
      const status = document.querySelector('[data-testid="step-status"]')!;
      const work: number[] = [];
      const frame: number[] = [];
      for (let i = 0; i < 31; i++) {
        const before = status.textContent;
        const t0 = performance.now();
        (i % 2 ? prev : next).click();
        // Svelte applies the update in a microtask; then force style and layout
        for (let k = 0; k < 5 && status.textContent === before; k++) await Promise.resolve();
        if (status.textContent === before) await new Promise((r) => setTimeout(r, 0));
        document.body.getBoundingClientRect();
        const t1 = performance.now();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        if (i > 0) {
          work.push(t1 - t0);
          frame.push(performance.now() - t0);
        }
      }
      return { work, frame };
    });
    await page.close();
    step1 = median(steps.work);
    rows.push(['one step on the 1 MiB trace: update + style + layout', '', ms(step1), steps.work.length]);
    rows.push([
      'one step on the 1 MiB trace: click → next frame painted',
      '',
      ms(median(steps.frame)),
      steps.frame.length
    ]);
    targets.push(
      `first render of 1 MiB, hydrated and interactive, under 3 s: ${oneMiBReady < 3000 ? 'met' : 'not met'} (${ms(oneMiBReady)})`
    );
    targets.push(
      `one step on 1 MiB under 50 ms of main-thread work (never freezes): ${step1 < 50 ? 'met' : 'not met'} (${ms(step1)})`
    );
  } finally {
    await browser.close();
    await app.stop();
  }
  return {
    title: '/learn in headless Chromium',
    about:
      'Chromium (Debian, headless, 1280×720) loads /learn?fill=N, which encrypts N bytes of sample text on the server (SSR) and again in the page. ' +
      '"first paint" is first-contentful-paint of the server-rendered page; "ready" is the `learn:ready` performance mark set when the page is hydrated ' +
      'and every picture is drawn. Medians, the first (cold) load of each size left out. A step is timed twice: the main-thread work (Svelte update, ' +
      'style, layout) and the wall time to the next painted frame, which also waits for the frame clock and for other processes on this shared ' +
      `machine (load average ${load.toFixed(1)} on ${os.cpus().length} cores at the start of this section).`,
    header: ['what', 'first paint', 'ready / step', 'runs'],
    rows,
    targets
  };
}
