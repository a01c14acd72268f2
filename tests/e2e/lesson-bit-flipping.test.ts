// Lesson 1 in real Chromium: flips by mouse and keyboard, the decryption checked against
// node:crypto, the heat map's numbers, the ECB contrast, the forgery, the summary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { startApp, launchBrowser, type App } from './harness';
import { startDemoChild, type DemoChild } from '../helpers/demo-child';

const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const MESSAGE = 'memo=hello world;role=user ;uid=7';

let app: App;
let browser: Browser;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function open(path = '/lessons/bit-flipping', viewport = { width: 1280, height: 720 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(app.url + path);
  await page.locator('.lesson[data-ready="true"]').waitFor();
  return page;
}

function nodeFlipDecrypt(block: number, byte: number, bit: number): Buffer {
  const c = createCipheriv('aes-128-cbc', KEY, IV);
  const ct = Buffer.concat([c.update(MESSAGE), c.final()]);
  const iv = Buffer.from(IV);
  if (block < 0) iv[byte] ^= 0x80 >> bit;
  else ct[block * 16 + byte] ^= 0x80 >> bit;
  const d = createDecipheriv('aes-128-cbc', KEY, iv);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(ct), d.final()]);
}

describe('/lessons/bit-flipping', () => {
  it('is listed on /lessons and in the nav', async () => {
    const page = await browser.newPage();
    await page.goto(app.url + '/lessons');
    await expect(page.locator('a[href="/lessons/bit-flipping"]').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('nav a[href="/lessons"]').count()).resolves.toBe(1);
    await page.close();
  });

  it('a click on bit 2 of byte 5 of C₁: P₁ garbled, the same bit in P₂, P₃ unchanged, as OpenSSL decrypts it', async () => {
    const page = await open();
    await page.locator('[data-block="0"] button[data-byte="5"][data-bit="2"]').click();
    await expect(page.locator('.status[data-flip="0.5.2"]').count()).resolves.toBe(1);
    // blocks are named as SP 800-38A and /learn name them: C₁…Cₙ, P₁…Pₙ, the IV apart
    expect(await page.locator('.grid[data-block="-1"] .label').innerText()).toBe('IV');
    expect(await page.locator('.grid[data-block="0"] .label').first().innerText()).toBe('C₁');
    expect(
      await page.locator('.grid[data-block="0"] button[data-byte="5"][data-bit="2"]').first().getAttribute('aria-label')
    ).toMatch(/^[01]: C₁, byte 5, bit 2, flipped$/); // the name starts with what the button shows (WCAG 2.5.3)
    expect(await page.locator('.status').innerText()).toContain(
      'Flipped C₁, byte 5, bit 2. P₁ is garbled; bit 2 of byte 5 flips in P₂.'
    );
    const rows = page.locator('table.rows').first().locator('tbody tr');
    expect(await rows.locator('th').allInnerTexts()).toEqual(['P₁', 'P₂', 'P₃']);
    expect(await rows.nth(0).getAttribute('data-change')).toBe('garbled');
    expect(await rows.nth(1).getAttribute('data-change')).toBe('one-bit');
    expect(await rows.nth(2).getAttribute('data-change')).toBe('same');
    // the bytes on screen are OpenSSL's decryption of the tampered ciphertext
    const want = nodeFlipDecrypt(0, 5, 2);
    const shown = await rows.nth(0).locator('.b .new').allInnerTexts();
    expect(shown.join('')).toBe(want.subarray(0, 16).toString('hex'));
    expect((await rows.nth(1).locator('.b .new').allInnerTexts()).join('')).toBe(want.subarray(16, 32).toString('hex'));
    // the heat map prints its numbers: 1 in P₂ byte 5, 0 elsewhere in P₂, and the ECB map has nothing in P₂
    const cbcHeat = page.locator('figure.heat').nth(0);
    expect(await cbcHeat.locator('text.row').allTextContents()).toEqual(['P₁', 'P₂', 'P₃']);
    expect(await cbcHeat.locator('[data-heat="1.5"]').getAttribute('data-bits')).toBe('1');
    expect(await cbcHeat.locator('[data-heat="1.5"] text').textContent()).toBe('1');
    const garbledBits = Buffer.from(want.subarray(0, 16)).reduce(
      (n, b, j) => n + (b ^ Buffer.from(MESSAGE).subarray(0, 16)[j]).toString(2).replace(/0/g, '').length,
      0
    );
    const p1 = await cbcHeat
      .locator('[data-heat^="0."]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bits'))));
    expect(p1.reduce((a, b) => a + b, 0)).toBe(garbledBits);
    // the ECB note names lesson 4 by the number and title the /lessons index shows it with
    const index = await browser.newPage();
    await index.goto(app.url + '/lessons');
    const ecbItem = index.locator('.lessons a[href="/lessons/ecb-vs-cbc"]');
    const ecbLabel = `lesson ${await ecbItem.locator('.n').innerText()}, ${await ecbItem.locator('strong').innerText()}`;
    await index.close();
    expect(await page.locator('p.note a[href="/lessons/ecb-vs-cbc"]').innerText()).toBe(ecbLabel);
    const ecbHeat = page.locator('figure.heat').nth(1);
    const ecbP2 = await ecbHeat
      .locator('[data-heat^="1."]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-bits'))));
    expect(ecbP2.every((v) => v === 0)).toBe(true);
    await page.close();
  });

  it('keyboard: tab to the IV grid, arrows, Enter flips; an IV flip changes one bit of P₁ and garbles nothing', async () => {
    const page = await open();
    await page.locator('[data-block="-1"] button[tabindex="0"]').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect(page.locator('.status[data-flip="-1.2.1"]').count()).resolves.toBe(1);
    expect(await page.locator('.status').innerText()).toContain(
      'Flipped the IV, byte 2, bit 1. The IV is only XORed into P₁: one bit of P₁ flips, nothing is garbled.'
    );
    const rows = page.locator('table.rows').first().locator('tbody tr');
    expect(await rows.nth(0).getAttribute('data-change')).toBe('one-bit');
    expect(await rows.nth(1).getAttribute('data-change')).toBe('same');
    const want = nodeFlipDecrypt(-1, 2, 1);
    expect((await rows.nth(0).locator('.b .new').allInnerTexts()).join('')).toBe(want.subarray(0, 16).toString('hex'));
    const summary = await page.locator('[data-summary]').innerText();
    expect(summary).toContain('You flipped 1 bit (1 in the IV, 0 in ciphertext blocks)');
    expect(summary).toContain('Your 1 IV flip changed exactly one bit of P₁ and garbled nothing');
    await page.close();
  });

  it('the forgery, step by step, ends with role=admin in block 2 (P₂) and the summary says what it cost', async () => {
    const page = await open();
    expect(await page.locator('.forgery .blk strong').allInnerTexts()).toEqual(['P₁', 'P₂', 'P₃']);
    expect(await page.locator('.forgery').innerText()).toContain('sits wholly inside block 2 (P₂, bytes 1–11)');
    for (let i = 0; i < 2; i++) await page.getByRole('button', { name: 'Next step →' }).click();
    expect(await page.locator('.forgery').innerText()).toContain(
      'Block 2 decrypts as P₂ = AES⁻¹(C₂) ⊕ C₁. XOR the mask into C₁'
    );
    await page.getByRole('button', { name: 'Next step →' }).click();
    expect(await page.locator('.forgery .result').innerText()).toContain('Block 2 reads');
    const forged = await page.locator('[data-forged]').getAttribute('data-forged');
    expect(forged).toContain('role=admin;');
    // the same edit, made by hand with node:crypto, decrypts the same way
    const c = createCipheriv('aes-128-cbc', KEY, IV);
    const ct = Buffer.concat([c.update(MESSAGE), c.final()]);
    const known = Buffer.from('role=user ;');
    const target = Buffer.from('role=admin;');
    for (let k = 0; k < known.length; k++) ct[1 + k] ^= known[k] ^ target[k];
    const d = createDecipheriv('aes-128-cbc', KEY, IV);
    expect(
      Buffer.concat([d.update(ct), d.final()])
        .subarray(16, 32)
        .toString('latin1')
    ).toBe(forged);
    expect(await page.locator('[data-summary]').innerText()).toContain(
      'You forged role=admin by editing 5 bytes of C₁, at the cost of a garbage block 1 (P₁), without the key'
    );
    await page.close();
  });

  it('a frame by deep link (the wire form IV ‖ C) with a typed key, when no demo runs: decrypted here, flips work, replay is off', async () => {
    const key = Buffer.alloc(16, 0x42);
    const iv = Buffer.alloc(16, 0x07);
    const c = createCipheriv('aes-128-cbc', key, iv);
    const wire = Buffer.concat([iv, c.update('a captured line: hello'), c.final()]).toString('base64');
    const page = await open(`/lessons/bit-flipping?frame=${encodeURIComponent(wire)}`);
    await page.locator('.warn', { hasText: 'The demo is not running' }).waitFor();
    await page.getByLabel('Key (hex)').fill(key.toString('hex'));
    await expect
      .poll(() => page.locator('#cap ~ p.note').first().innerText())
      .toContain('A line frame, suite cbc: "a captured line: hello"');
    const sec = page.locator('#cap').locator('..');
    await sec.locator('[data-block="0"] button[data-byte="1"][data-bit="2"]').click();
    const rows = sec.locator('table.rows tbody tr');
    expect(await rows.nth(0).getAttribute('data-change')).toBe('garbled');
    expect(await rows.nth(1).getAttribute('data-change')).toBe('one-bit');
    expect(await page.getByRole('button', { name: 'Replay the edited frame to the server' }).isDisabled()).toBe(true);
    // a key of the wrong length is shown next to its field
    await page.getByLabel('Key (hex)').fill('abcd');
    await expect.poll(() => sec.locator('#key-err').getAttribute('data-code')).toBe('ERR_KEY_LENGTH');
    await page.close();
  });

  it('fits 1920×1080 and 1280×720 without horizontal scrolling', async () => {
    for (const viewport of [
      { width: 1280, height: 720 },
      { width: 1920, height: 1080 }
    ]) {
      const page = await open('/lessons/bit-flipping', viewport);
      const over = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
      expect(over).toBeLessThanOrEqual(0);
      await page.close();
    }
  });
});

describe('/lessons/bit-flipping on the real wire (npm start, bots on, free ports)', () => {
  let demo: DemoChild;
  beforeAll(async () => {
    demo = await startDemoChild([]);
  }, 300_000);
  afterAll(async () => {
    await demo?.stop();
  });

  /** alice's first chat line (line framing, cbc), as captured, and its IV ‖ C: not her "/name alice" (docs/protocol.md §8.2.5) */
  async function alicesLine(): Promise<{ bytes: string; wire: Buffer }> {
    const key = Buffer.from(demo.key, 'hex');
    const isNameLine = (bytes: string) => {
      const w = Buffer.from(Buffer.from(bytes, 'base64').toString('latin1').trim(), 'base64');
      const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, w.subarray(0, 16));
      return Buffer.concat([d.update(w.subarray(16)), d.final()])
        .toString()
        .startsWith('/name ');
    };
    let line: { bytes: string } | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      const page = (await (await fetch(`${demo.webUrl}/api/frames?after=0&limit=1000`)).json()) as {
        frames: { dir: string; framing: string; bytes: string }[];
      };
      line = page.frames.find((f) => f.dir === 'c2s' && f.framing === 'line' && !isNameLine(f.bytes));
      if (!line) await new Promise((r) => setTimeout(r, 200));
    }
    expect(line).toBeDefined();
    return {
      bytes: line!.bytes,
      wire: Buffer.from(Buffer.from(line!.bytes, 'base64').toString('latin1').trim(), 'base64')
    };
  }

  it('a captured line from alice, opened by deep link, one IV bit flipped and replayed: the server acks and relays the edited text', async () => {
    const line = await alicesLine();
    const key = Buffer.from(demo.key, 'hex');
    const wire = line.wire;
    const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, wire.subarray(0, 16));
    const text = Buffer.concat([d.update(wire.subarray(16)), d.final()]);
    const edited = Buffer.from(text);
    edited[0] ^= 0x20; // IV byte 0, bit 2: an ASCII letter changes case, and stays valid UTF-8

    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${demo.webUrl}/lessons/bit-flipping?frame=${encodeURIComponent(line.bytes)}`);
    await page.locator('.lesson[data-ready="true"]').waitFor();
    const grids = page.locator('#cap').locator('..');
    await expect.poll(() => grids.locator('[data-block="-1"]').count()).toBe(1);
    await grids.locator('[data-block="-1"] button[data-byte="0"][data-bit="2"]').click();
    await page.getByRole('button', { name: 'Replay the edited frame to the server' }).click();
    await page.locator('[data-replayed]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-reply]').innerText()).toBe('Hello Client, message received securely');
    const relays = await page.locator('[data-relay]').allInnerTexts();
    expect(
      relays.some((r) =>
        new RegExp(`^guest-\\d+: ${edited.toString().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).test(r)
      )
    ).toBe(true);
    expect(await page.locator('[data-summary]').innerText()).toContain(
      'You replayed the captured frame with the IV, byte 0, bit 2 flipped. The server answered "Hello Client, message received securely" and relayed "guest-'
    );
    expect(await page.locator('[data-summary]').innerText()).toContain(
      'A flip in the IV changes only bit 2 of byte 0 of P₁ and garbles nothing, so the padding and the text stayed valid'
    );
    await page.close();
  }, 120_000);

  it('a bit of C₁ flipped so that P₁ is not text: the server answers ERROR ERR_DECRYPT, and the summary says so and why', async () => {
    const line = await alicesLine();
    const key = Buffer.from(demo.key, 'hex');
    const iv = line.wire.subarray(0, 16);
    const ct = line.wire.subarray(16);
    // node:crypto decrypts each candidate edit; keep the first bit of C₁ byte 0 whose edit has a
    // valid pad but is not UTF-8 text (RFC 3629), as a garbled block nearly always is
    const decode = (b: Buffer) => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b);
        return true;
      } catch {
        return false;
      }
    };
    let chosen: { bit: number; badAt: number } | null = null;
    for (let bit = 0; bit < 8 && !chosen; bit++) {
      const edited = Buffer.from(ct);
      edited[0] ^= 0x80 >> bit;
      const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
      d.setAutoPadding(false);
      const padded = Buffer.concat([d.update(edited), d.final()]);
      const n = padded[padded.length - 1];
      if (n < 1 || n > 16 || !padded.subarray(padded.length - n).every((b) => b === n)) continue;
      const text = padded.subarray(0, padded.length - n);
      if (decode(text)) continue;
      let at = text.length;
      while (at > 0 && !decode(text.subarray(0, at))) at--;
      chosen = { bit, badAt: at };
    }
    expect(chosen).not.toBeNull();
    const { bit, badAt } = chosen!;
    const sub = (n: number) => String(n).replace(/\d/g, (d) => '₀₁₂₃₄₅₆₇₈₉'[Number(d)]);

    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(`${demo.webUrl}/lessons/bit-flipping?frame=${encodeURIComponent(line.bytes)}`);
    await page.locator('.lesson[data-ready="true"]').waitFor();
    const sec = page.locator('#cap').locator('..');
    await expect.poll(() => sec.locator('[data-block="0"]').count()).toBe(1);
    expect(await sec.locator('[data-rule]').allInnerTexts()).toEqual([
      expect.stringContaining('anything else gets ERROR ERR_DECRYPT'),
      expect.stringContaining(
        'A flip in Cᵢ garbles all of Pᵢ, which passes only if the 16 garbled bytes still decode as UTF-8 text'
      )
    ]);
    await sec.locator(`[data-block="0"] button[data-byte="0"][data-bit="${bit}"]`).click();
    await page.getByRole('button', { name: 'Replay the edited frame to the server' }).click();
    await page.locator('[data-replayed]').waitFor({ timeout: 15_000 });
    expect(await page.locator('[data-reply]').innerText()).toMatch(/^ERROR ERR_DECRYPT: /);
    // the room may hear that the replayer joined (* guest-N joined), never the refused line itself
    const relays = await page.locator('[data-relay]').allInnerTexts();
    expect(relays.filter((r) => /^guest-\d+: /.test(r))).toEqual([]);
    const verdict = await page.locator('[data-verdict]').innerText();
    const summary = await page.locator('[data-summary]').innerText();
    for (const said of [verdict, summary]) {
      expect(said).toContain(
        `You replayed the captured frame with C₁, byte 0, bit ${bit} flipped. The server answered ERROR ERR_DECRYPT and did not relay your line to the room: it could not decrypt your edit into a message`
      );
      expect(said).toContain(
        `decrypted here with the key, byte ${badAt % 16} of P${sub(Math.floor(badAt / 16) + 1)} is no longer UTF-8 text, so the server refused it`
      );
      expect(said).not.toContain('could not tell');
    }
    await page.close();
  }, 120_000);
});
