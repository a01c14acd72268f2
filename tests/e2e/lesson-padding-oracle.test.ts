// Lesson 2 in real Chromium. Without a demo: the local oracle, clearly labelled, recovers the
// message and fails against cbc-hmac and gcm. With a demo started with the padding oracle on
// (free ports): the page captures a victim frame from the wire and recovers it through
// /api/oracle from the real server, and the same attack against cbc-hmac gets 256 × ERR_BAD_MAC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createDecipheriv } from 'node:crypto';
import { startApp, launchBrowser, type App } from './harness';
import { startDemoChild, type DemoChild } from '../helpers/demo-child';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function run(page: Page, suite: string, button: RegExp): Promise<void> {
  await page.getByRole('button', { name: button }).click();
  await page.locator(`[data-target="${suite}"]`).waitFor();
  await page.locator(`#attack-${suite}`).getByRole('button', { name: 'Run the attack' }).click();
  await page.locator(`#attack-${suite}[data-done]`).waitFor({ timeout: 120_000 });
}

describe('/lessons/padding-oracle without a demo: the local oracle', () => {
  let app: App;
  beforeAll(async () => {
    app = await startApp();
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('says how to start the live server, labels the local oracle, recovers the message, fails on cbc-hmac and gcm', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(app.url + '/lessons/padding-oracle');
    await page.locator('.lesson[data-ready="true"][data-mode="local"]').waitFor();
    expect(await page.locator('[data-local]').innerText()).toContain('npm start -- --padding-oracle');
    await page.locator('input[maxlength="64"]').fill('local secret: 42');
    await run(page, 'cbc', /Seal it locally \(suite cbc\)/);
    const attack = page.locator('#attack-cbc');
    expect(await attack.getAttribute('data-done')).toBe('recovered');
    expect(await attack.locator('h3').innerText()).toContain('LOCAL oracle');
    expect(await attack.locator('[data-plaintext]').getAttribute('data-plaintext')).toBe('local secret: 42');
    expect(Number(await attack.locator('[data-max-per-byte]').innerText())).toBeLessThanOrEqual(256);
    expect(await attack.locator('[data-recovered]').innerText()).toBe('32');
    // a screen reader hears the end (and each block), not each of the ~4000 guesses
    expect(await attack.locator('[aria-live]').count()).toBe(1);
    expect(await attack.locator('[data-announce]').innerText()).toBe(
      `Done: all 32 bytes recovered with ${await attack.locator('[data-queries]').innerText()} queries.`
    );
    // blocks are named as SP 800-38A and /learn name them: C₁…Cₙ, with the IV as C₀
    expect(await attack.locator('.blk').nth(0).locator('.lab').allInnerTexts()).toEqual([
      'C₀ = IV',
      'I₁ = AES⁻¹(C₁)',
      'P₁ = I₁ ⊕ C₀',
      'queries / byte'
    ]);
    expect(await attack.locator('.blk').nth(1).locator('.lab').allInnerTexts()).toEqual([
      'C₁',
      'I₂ = AES⁻¹(C₂)',
      'P₂ = I₂ ⊕ C₁',
      'queries / byte'
    ]);
    expect(await attack.locator('p.now').innerText()).toMatch(/^Block 2 of 2 \(C₂\), byte 0: sent X\[0\] = /);
    for (const [suite, code] of [
      ['cbc-hmac', 'ERR_BAD_MAC'],
      ['gcm', 'ERR_BAD_TAG']
    ]) {
      await run(page, suite, new RegExp(`Seal it locally \\(${suite}\\)`));
      const a = page.locator(`#attack-${suite}`);
      expect(await a.getAttribute('data-done')).toBe('failed');
      expect(JSON.parse((await a.locator('[data-tally]').getAttribute('data-tally'))!)).toEqual({ [code]: 256 });
      expect(await a.locator('[data-recovered]').innerText()).toBe('0');
      const fail = await a.locator('.fail').innerText();
      expect(fail).toMatch(/^Failed: block 1 of \d+, byte 15: none of the 256 values was accepted/);
      // the answers do not depend on the padding: the MAC or tag comes first, the same refusal every time
      expect(fail).toContain(
        `The answers do not depend on the padding: ${suite === 'gcm' ? 'the tag' : 'the MAC'} is checked first, so every query gets the same refusal (${code}) and there is nothing to learn`
      );
      expect(fail).not.toMatch(/padding (was|is) (checked|rejected)/);
      // the MAC or the tag failed: the padding was never checked, and nothing says it was rejected
      const now = await a.locator('p.now').innerText();
      expect(now).not.toMatch(/padding was (rejected|accepted)/);
      expect(now).toContain(
        suite === 'cbc-hmac'
          ? 'the server answered ERR_BAD_MAC: the MAC did not verify, so nothing was decrypted and the padding was never checked.'
          : 'the server answered ERR_BAD_TAG: the tag did not verify, so nothing was decrypted (and GCM has no padding to check).'
      );
    }
    // cbc-hmac is CBC: its labels are CBC's. gcm is not: a nonce, the ciphertext block, counter mode
    // (SP 800-38D §7.1: the first block's counter is 2), and no AES⁻¹, no IV
    expect(await page.locator('#attack-cbc-hmac .blk').nth(0).locator('.lab').allInnerTexts()).toEqual([
      'C₀ = IV',
      'I₁ = AES⁻¹(C₁)',
      'P₁ = I₁ ⊕ C₀',
      'queries / byte'
    ]);
    const gcm = page.locator('#attack-gcm');
    expect(await gcm.locator('.blk').nth(0).locator('.lab').allInnerTexts()).toEqual([
      'N (nonce)',
      'C₁',
      'P₁ = C₁ ⊕ AES_K(N ‖ 2)',
      'queries / byte'
    ]);
    expect(await gcm.locator('.xrow .lab').innerText()).toBe('X (N′ = X[0–11])');
    // the nonce row shows the frame's 12 nonce bytes and nothing where a 16-byte IV would be
    const nonce = await gcm.locator('.blk').nth(0).locator('.c.chain').allInnerTexts();
    expect(nonce.slice(0, 12).every((t) => /^[0-9a-f]{2}$/.test(t))).toBe(true);
    expect(nonce.slice(12)).toEqual(['', '', '', '']);
    expect(await gcm.locator('p.now').innerText()).toMatch(
      /^Block 1 of \d+ \(C₁\), byte 15: guessed X\[15\] = [0-9a-f]{2}, which a gcm frame does not carry \(its nonce N′ is X\[0–11\]\)/
    );
    expect(await gcm.innerText()).not.toMatch(/AES⁻¹|C₀ = IV|I₁|padding (was|is) (checked|rejected)/);
    const summary = await page.locator('[data-summary]').innerText();
    expect(summary).toMatch(/You recovered all 32 bytes \(2 blocks\) of the victim's message from the local oracle/);
    expect(summary).toContain(
      'Against cbc-hmac all 256 guesses for the very first byte got the same answer (256 × ERR_BAD_MAC): the MAC is checked first, in constant time, and it failed, so nothing was decrypted and the padding was never looked at'
    );
    expect(summary).toContain('(and GCM, a counter mode, has no padding to look at)');
    await page.close();
  }, 180_000);

  it('narrated slow mode: one query, then byte by byte; the numbers shown are the real ones', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(app.url + '/lessons/padding-oracle');
    await page.locator('.lesson[data-ready="true"][data-mode="local"]').waitFor();
    const secret = 'slow, by byte: 7'; // one block of text, then a block of 16 × 10
    await page.locator('input[maxlength="64"]').fill(secret);
    await page.getByRole('button', { name: /Seal it locally \(suite cbc\)/ }).click();
    await page.locator('[data-target="cbc"]').waitFor();
    const attack = page.locator('#attack-cbc');
    await attack.getByLabel('Narrated, step by step').check();
    const queries = () => attack.locator('[data-queries]').innerText();
    const announced = () => attack.locator('[data-announce]').innerText();

    // one query at a time: the counter moves by one, the screen reader hears nothing per query
    await attack.getByRole('button', { name: 'Step one query' }).click();
    await expect.poll(queries).toBe('1');
    await page.locator('#attack-cbc[data-paused="true"]').waitFor();
    await attack.getByRole('button', { name: 'Step one query' }).click();
    await expect.poll(queries).toBe('2');
    expect(await attack.locator('[data-byte-queries]').getAttribute('data-byte-queries')).toBe('2');
    expect(await announced()).toBe('Attack started on 2 blocks.');

    const ivShown = await attack.locator('.blk').first().locator('.c.chain').allInnerTexts();
    const h = (b: number) => '0x' + b.toString(16).padStart(2, '0');
    for (const byte of [15, 14, 13]) {
      await attack.getByRole('button', { name: 'Step one byte' }).click();
      const n = attack.locator(`.narration[data-block="0"][data-byte="${byte}"]`);
      await n.waitFor();
      const [i, p, x] = await Promise.all(['data-i', 'data-p', 'data-forged'].map((a) => n.getAttribute(a)));
      const I = parseInt(i!, 16);
      const P = parseInt(p!, 16);
      const X = parseInt(x!, 16);
      const iv = parseInt(ivShown[byte], 16);
      const pad = 16 - byte;
      // the plaintext's own byte, and the chain of numbers that gave it
      expect(P).toBe(secret.charCodeAt(byte));
      expect(X ^ pad).toBe(I);
      expect(I ^ iv).toBe(P);
      expect(await n.locator('[data-eq="i"]').innerText()).toBe(
        `I₁[${byte}] = IV′[${byte}] ⊕ ${h(pad)} = ${h(X)} ⊕ ${h(pad)} = ${h(I)}`
      );
      expect(await n.locator('[data-eq="p"]').innerText()).toBe(
        `P₁[${byte}] = I₁[${byte}] ⊕ IV[${byte}] = ${h(I)} ⊕ ${h(iv)} = ${h(P)}${P === 0x20 ? ' (a space)' : ` '${secret[byte]}'`}`
      );
      // the I row of the panel holds the same byte; the count is within the bound
      expect((await attack.locator('.blk').first().locator('.c.inter').allInnerTexts())[byte]).toBe(i);
      const perByte = Number(await attack.locator('[data-byte-queries]').getAttribute('data-byte-queries'));
      expect(perByte).toBeGreaterThan(0);
      expect(perByte).toBeLessThanOrEqual(256);
      expect(await n.innerText()).toContain(
        `${perByte} ${perByte === 1 ? 'query' : 'queries'} for this byte, of at most 256`
      );
      // the live region says the byte, not the queries
      expect(await announced()).toBe(
        `Block 1 of 2, byte ${byte}: P₁[${byte}] = ${h(P)}${P === 0x20 ? ' (a space)' : ` '${secret[byte]}'`}, after ${perByte} ${perByte === 1 ? 'query' : 'queries'}.`
      );
    }
    // a new byte's numbers fade in, unless the reader asked for reduced motion
    expect(await attack.locator('.narration').evaluate((e) => getComputedStyle(e).animationName)).not.toBe('none');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await attack.locator('.narration').evaluate((e) => getComputedStyle(e).animationName)).toBe('none');

    await attack.getByRole('button', { name: 'Skip to the end' }).click();
    await page.locator('#attack-cbc[data-done="recovered"]').waitFor({ timeout: 60_000 });
    expect(await attack.locator('[data-plaintext]').getAttribute('data-plaintext')).toBe(secret);
    expect(await announced()).toMatch(/^Done: all 32 bytes recovered with \d+ queries\.$/);
    await page.close();
  }, 120_000);

  it('narrated slow mode: Run goes at a pace one can follow and says each byte; Stop ends a paused run', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(app.url + '/lessons/padding-oracle');
    await page.locator('.lesson[data-ready="true"][data-mode="local"]').waitFor();
    await page.locator('input[maxlength="64"]').fill('run, then stop!!');
    await page.getByRole('button', { name: /Seal it locally \(suite cbc\)/ }).click();
    await page.locator('[data-target="cbc"]').waitFor();
    const attack = page.locator('#attack-cbc');
    await attack.getByLabel('Narrated, step by step').check();
    // reduced motion: the run draws the guesses a byte at a time, so the guess shown is the accepted one
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await attack.getByRole('button', { name: 'Run', exact: true }).click();
    await attack.locator('.narration[data-block="0"][data-byte="14"]').waitFor({ timeout: 30_000 });
    const [narrated, shown] = await attack.evaluate((a) => [
      a.querySelector('.narration')?.getAttribute('data-byte'),
      a.querySelector('p.now')?.textContent ?? ''
    ]);
    expect(shown).toMatch(new RegExp(`^Block 1 of 2 \\(C₁\\), byte ${narrated}: sent X\\[${narrated}\\] = `));
    expect(await attack.locator('[data-announce]').innerText()).toMatch(/^Block 1 of 2, byte 1[34]: P₁\[1[34]\] = 0x/);
    // no page wider than the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Step one byte while it runs: it waits at the next byte; then Stop while paused: the run ends, and says so
    await attack.getByRole('button', { name: 'Step one byte' }).click();
    await page.locator('#attack-cbc[data-paused="true"]').waitFor({ timeout: 30_000 });
    await attack.getByRole('button', { name: 'Stop' }).click();
    await page.locator('#attack-cbc[data-done="failed"]').waitFor();
    expect(await attack.locator('.fail').innerText()).toMatch(/^Stopped\. \d+ queries, \d+ bytes recovered\.$/);
    await page.close();
  }, 120_000);
});

describe('/lessons/padding-oracle against a real server (npm start -- --padding-oracle, free ports)', () => {
  let demo: DemoChild;
  beforeAll(async () => {
    demo = await startDemoChild(['--padding-oracle']); // bots on: alice's lines are on the wire
  }, 300_000);
  afterAll(async () => {
    await demo?.stop();
  });

  it('the demo says so loudly on startup', async () => {
    // stderr is its own pipe: the warning, written just after the banner, may be read after it
    await expect
      .poll(() => demo.stderr(), { timeout: 5000 })
      .toContain('WARNING: --padding-oracle makes this server answer differently for bad padding; for teaching only');
  });

  it('captures a victim frame from the wire and recovers it through the live server; cbc-hmac gets 256 × ERR_BAD_MAC', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(demo.webUrl + '/lessons/padding-oracle');
    await page.locator('.lesson[data-ready="true"][data-mode="live"]').waitFor();
    expect(await page.locator('[data-live]').innerText()).toContain('The page sends its guesses 16 at a time');
    await page.locator('input[maxlength="64"]').fill('wire secret #9');
    await run(page, 'cbc', /Send it as the victim \(suite cbc\)/);
    expect(await page.locator('[data-target="cbc"]').innerText()).toMatch(
      /captured frame #\d+ \(victim → server, cbc\)/
    );
    const attack = page.locator('#attack-cbc');
    expect(await attack.locator('h3').innerText()).toContain('the live server');
    expect(await attack.getAttribute('data-done')).toBe('recovered');
    expect(await attack.locator('[data-plaintext]').getAttribute('data-plaintext')).toBe('wire secret #9');
    const tally = JSON.parse((await attack.locator('[data-tally]').getAttribute('data-tally'))!) as Record<
      string,
      number
    >;
    expect(tally.ERR_BAD_PADDING).toBeGreaterThan(16 * 10);
    expect(Number(await attack.locator('[data-max-per-byte]').innerText())).toBeLessThanOrEqual(256);
    // every query was a real frame on the wire: the capture holds them
    const frames = (await (await fetch(`${demo.webUrl}/api/frames?after=0&limit=10000`)).json()) as {
      frames: { dir: string; type?: string }[];
    };
    const queries = Number(await attack.locator('[data-queries]').innerText());
    expect(frames.frames.filter((f) => f.dir === 's2c' && f.type === 'error').length).toBeGreaterThanOrEqual(
      tally.ERR_BAD_PADDING
    );
    expect(frames.frames.filter((f) => f.dir === 'c2s' && f.type === 'chat').length).toBeGreaterThan(queries);

    await run(page, 'cbc-hmac', /Send the message as cbc-hmac and capture it/);
    const mac = page.locator('#attack-cbc-hmac');
    expect(await mac.getAttribute('data-done')).toBe('failed');
    expect(JSON.parse((await mac.locator('[data-tally]').getAttribute('data-tally'))!)).toEqual({ ERR_BAD_MAC: 256 });
    expect(await mac.locator('[data-recovered]').innerText()).toBe('0');
    expect(await mac.locator('p.now').innerText()).toContain(
      'the server answered ERR_BAD_MAC: the MAC did not verify, so nothing was decrypted and the padding was never checked.'
    );
    expect(await page.locator('[data-summary]').innerText()).toMatch(/from the live server with \d+ queries/);
    await page.close();
  }, 240_000);
});

describe('/lessons/padding-oracle: a line someone else sent', () => {
  let demo: DemoChild;
  beforeAll(async () => {
    demo = await startDemoChild(['--padding-oracle']);
  }, 300_000);
  afterAll(async () => {
    await demo?.stop();
  });

  it("takes alice's latest line from the capture, and the first bytes recovered match what she said", async () => {
    let line: { bytes: string } | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      const p = (await (await fetch(`${demo.webUrl}/api/frames?after=0&limit=1000`)).json()) as {
        frames: { dir: string; framing: string; bytes: string }[];
      };
      line = p.frames.find((f) => f.dir === 'c2s' && f.framing === 'line');
      if (!line) await new Promise((r) => setTimeout(r, 200));
    }
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(demo.webUrl + '/lessons/padding-oracle');
    await page.locator('.lesson[data-ready="true"][data-mode="live"]').waitFor();
    await page.getByRole('button', { name: 'Or take the latest line someone else sent' }).click();
    await page.locator('[data-target="cbc"]').waitFor();
    expect(await page.locator('[data-target="cbc"]').innerText()).toMatch(
      /captured line #\d+ \(connection \d+ → server, line framing, cbc\): a message nobody here typed/
    );
    // which line it took: the page shows its IV as C₀; decrypt that line here to know the answer
    const attack = page.locator('#attack-cbc');
    await attack.getByRole('button', { name: 'Run the attack' }).click();
    await page.waitForFunction(
      () => Number(document.querySelector('#attack-cbc [data-recovered]')?.textContent ?? 0) >= 2,
      null,
      { timeout: 60_000 }
    );
    await attack.getByRole('button', { name: 'Stop' }).click();
    await page.locator('#attack-cbc[data-done="failed"]').waitFor();
    const ivShown = (await attack.locator('.blk').first().locator('.c.chain').allInnerTexts()).join('');
    const frames = (await (await fetch(`${demo.webUrl}/api/frames?after=0&limit=10000`)).json()) as {
      frames: { dir: string; framing: string; bytes: string }[];
    };
    const key = Buffer.from(demo.key, 'hex');
    const taken = frames.frames
      .filter((f) => f.dir === 'c2s' && f.framing === 'line')
      .map((f) => Buffer.from(Buffer.from(f.bytes, 'base64').toString('latin1').trim(), 'base64'))
      .find((w) => w.subarray(0, 16).toString('hex') === ivShown)!;
    expect(taken).toBeDefined();
    const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, taken.subarray(0, 16));
    d.setAutoPadding(false);
    const padded = Buffer.concat([d.update(taken.subarray(16)), d.final()]);
    const shown = await attack
      .locator('.blk')
      .first()
      .locator('.c.plain')
      .evaluateAll((els) => els.map((e) => e.firstChild?.textContent ?? ''));
    expect(shown[15]).toBe(padded.subarray(15, 16).toString('hex'));
    expect(shown[14]).toBe(padded.subarray(14, 15).toString('hex'));
    await page.close();
  }, 120_000);
});

describe('/lessons/padding-oracle against the default server (npm start, no --padding-oracle)', () => {
  let demo: DemoChild;
  beforeAll(async () => {
    demo = await startDemoChild(['--no-bots']);
  }, 300_000);
  afterAll(async () => {
    await demo?.stop();
  });

  it('says the server is not an oracle, and the cbc attack fails at the first byte: 256 × ERR_DECRYPT', async () => {
    expect(demo.stderr()).not.toContain('WARNING');
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(demo.webUrl + '/lessons/padding-oracle');
    await page.locator('.lesson[data-ready="true"][data-mode="live-safe"]').waitFor();
    expect(await page.locator('[data-live-safe]').innerText()).toContain('npm start -- --padding-oracle');
    await run(page, 'cbc', /Send it as the victim \(suite cbc\)/);
    const attack = page.locator('#attack-cbc');
    expect(await attack.getAttribute('data-done')).toBe('failed');
    expect(JSON.parse((await attack.locator('[data-tally]').getAttribute('data-tally'))!)).toEqual({
      ERR_DECRYPT: 256
    });
    expect(await page.locator('[data-summary]').innerText()).toContain('this server does not tell bad padding apart');
    // ERR_DECRYPT does not say the padding was bad, so the panel does not either
    const now = await attack.locator('p.now').innerText();
    expect(now).toContain(
      'the server answered ERR_DECRYPT, which this server gives for bad padding and for bad text alike'
    );
    expect(now).not.toMatch(/padding was rejected/);
    await page.close();
  }, 120_000);
});
