// /live for a class: who spoke, by name, where the demo knows (its bots, a page's sender, a
// lesson's probes), and a lesson's probes kept out of the IV-reuse alarm. A real demo started with
// --padding-oracle, 256 real oracle queries through POST /api/oracle/batch, real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './harness';
import { startDemoChild, type DemoChild } from '../helpers/demo-child';

let browser: Browser;
let demo: DemoChild;
beforeAll(async () => {
  [browser, demo] = await Promise.all([launchBrowser(), startDemoChild(['--padding-oracle'])]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const post = (path: string, body: unknown) =>
  fetch(demo.webUrl + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  });

describe('/live names the demo’s own connections and leaves lesson probes out of the IV alarm', () => {
  it('alice and bob are named as bots, the web sender as such, lesson 2’s queries as probes; the IV count stays 0', async () => {
    expect((await post('/api/send', { text: 'a victim line', name: 'victim', suite: 'cbc' })).status).toBe(200);
    // 256 guesses for the last byte of one block: what lesson 2 sends for one byte
    const ivs = Buffer.alloc(256 * 16);
    for (let g = 0; g < 256; g++) ivs[g * 16 + 15] = g;
    const r = await post('/api/oracle/batch', {
      ivs: ivs.toString('base64'),
      ciphertext: Buffer.alloc(16, 7).toString('base64')
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { answers: unknown[] }).answers).toHaveLength(256);

    const conns = (await (await fetch(`${demo.webUrl}/api/capture.json`)).json()) as {
      connections: { conn: number; who?: { name: string; kind: string } }[];
    };
    const names = conns.connections.map((c) => c.who?.name).filter(Boolean);
    expect(names).toEqual(
      expect.arrayContaining([
        'alice (bot)',
        'bob (bot)',
        'victim (sent from a web page)',
        'lesson 2 probes (padding oracle, cbc)'
      ])
    );

    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(demo.webUrl + '/live');
    await page.locator('[data-status="live"]').waitFor({ timeout: 30_000 });
    await expect
      .poll(() => page.getByTestId('probe-count').textContent(), { timeout: 15_000 })
      .toMatch(/^\d+ lesson probe frames not counted$/);
    const probes = Number((await page.getByTestId('probe-count').textContent())!.split(' ')[0]);
    expect(probes).toBeGreaterThanOrEqual(256); // every query is a frame on the wire
    expect(await page.getByTestId('iv-count').textContent()).toMatch(/IV reused: 0, repeated blocks: 0/);
    // the list says who in short, and the title says it in full with the address
    const cells = page.locator('[role="option"] span[title*="(bot), 127.0.0.1:"]');
    await cells.first().waitFor();
    const [text, title] = [await cells.first().innerText(), await cells.first().getAttribute('title')];
    expect(text).toMatch(/^#\d+ (alice|bob)$/);
    expect(title).toMatch(new RegExp(`^${text.split(' ')[1]} \\(bot\\), 127\\.0\\.0\\.1:\\d+$`));
    await page.close();
  }, 120_000);
});
