// "Check yourself" at the end of lesson 1 (issue 12): after the learner's first flip, three
// questions about their own message, answered wrong and right in Chromium. The expected answers
// are worked out here with node:crypto and the rules by hand (SP 800-38A §6.2, RFC 5652 §6.3),
// not with the quiz code: flip the bit and decrypt, XOR the bytes, check the padding from the end.
import { describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { Locator } from 'playwright-core';
import { useApp } from './harness';
import { stripesPng } from '../helpers/png';

const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const IV = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const MESSAGE = 'memo=hello world;role=user ;uid=7'; // the lesson's default (3 blocks padded)

const t = useApp();

function sealed() {
  const c = createCipheriv('aes-128-cbc', KEY, IV);
  const ct = Buffer.concat([c.update(MESSAGE, 'utf8'), c.final()]);
  const n = ct.length / 16;
  const padded = Buffer.concat([
    Buffer.from(MESSAGE, 'utf8'),
    Buffer.alloc(16 * n - Buffer.byteLength(MESSAGE), 16 * n - Buffer.byteLength(MESSAGE))
  ]);
  return { ct, n, padded };
}

/** IV ‖ C with block `block` (0 = the IV, numbered as the pages do) XORed with `mask` at `byte`, decrypted raw */
function tamperedPlain(block: number, byte: number, mask: number): Buffer {
  const { ct } = sealed();
  const wire = Buffer.concat([IV, ct]);
  wire[block * 16 + byte] ^= mask;
  const d = createDecipheriv('aes-128-cbc', KEY, wire.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([d.update(wire.subarray(16)), d.final()]);
}

/** the answer to one question, by its kind and parameters: as typed, and as the page words it */
async function expected(li: Locator): Promise<{ typed: string; shown: string; wrong: string }> {
  const kind = await li.getAttribute('data-kind');
  const block = Number(await li.getAttribute('data-block'));
  const byte = Number(await li.getAttribute('data-byte'));
  const { ct, n, padded } = sealed();
  if (kind === 'xor-byte') {
    const prev = block === 1 ? IV : ct.subarray((block - 2) * 16, (block - 1) * 16);
    const x = (padded[(block - 1) * 16 + byte] ^ prev[byte]).toString(16).padStart(2, '0');
    return { typed: `0x${x.toUpperCase()}`, shown: x, wrong: x === '00' ? 'ff' : '00' };
  }
  if (kind === 'flip-effect') {
    const bit = Number(await li.getAttribute('data-bit'));
    const plain = tamperedPlain(block, byte, 0x80 >> bit);
    const garbled: number[] = [];
    for (let i = 0; i < n; i++) {
      let diff = 0;
      for (let k = 0; k < 16; k++) diff += popcount(plain[i * 16 + k] ^ padded[i * 16 + k]);
      if (diff > 1) garbled.push(i + 1);
    }
    return garbled.length
      ? { typed: garbled.join(' '), shown: garbled.map((b) => `P${b}`).join(', '), wrong: 'none' }
      : { typed: 'none', shown: 'none', wrong: '1' };
  }
  if (kind === 'padding-verdict') {
    const plain = tamperedPlain(block, byte, Number(await li.getAttribute('data-mask')));
    const last = plain.subarray(plain.length - 16);
    const pad = last[15];
    const bad = (k: number) => ({ typed: `byte ${k}`, shown: `invalid at byte ${k}`, wrong: 'valid' });
    if (pad < 1 || pad > 16) return bad(15);
    for (let k = 15; k >= 16 - pad; k--) if (last[k] !== pad) return bad(k);
    return { typed: 'valid', shown: 'valid', wrong: '3' };
  }
  throw new Error(`no rule here for ${kind}`);
}

/** type `a` into a check's field, press Check, and wait for its verdict */
async function answer(li: Locator, a: string, verdict: 'right' | 'wrong' = 'right'): Promise<void> {
  // (a server-rendered page answers only once hydrated: before, Check would submit and reload it)
  await li.page().locator('[data-testid="lesson-checks"][data-ready="true"]').waitFor();
  await li.getByLabel(/Your answer/).fill(a);
  await li.getByRole('button', { name: 'Check' }).click();
  await expect.poll(() => li.locator('[role="status"]').getAttribute('data-result')).toBe(verdict);
}

function popcount(x: number): number {
  let c = 0;
  for (; x; x &= x - 1) c++;
  return c;
}

describe('lesson 1 ends with checks on what the learner did', () => {
  it('none before a flip; after one, three questions: a wrong answer is told the right one, right answers count', async () => {
    const page = await t.open('/lessons/bit-flipping', { ready: '.lesson[data-ready="true"]' });
    expect(await page.locator('[data-testid="lesson-checks"]').count()).toBe(0);
    await page.locator('[data-block="0"] button[data-byte="5"][data-bit="2"]').first().click();
    const items = page.locator('[data-testid="lesson-checks"] li');
    await expect.poll(() => items.count()).toBe(3);
    const kinds = await items.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-kind')).sort());
    expect(kinds).toEqual(['flip-effect', 'padding-verdict', 'xor-byte']);

    // the first answered wrong on purpose: the page names the answer worked out here
    const first = items.nth(0);
    const want0 = await expected(first);
    await answer(first, want0.wrong, 'wrong');
    expect(await first.locator('[role="status"]').innerText()).toContain(`Not quite: the answer is ${want0.shown}.`);

    for (const i of [1, 2]) {
      await answer(items.nth(i), (await expected(items.nth(i))).typed);
    }
    expect(await page.locator('[data-testid="checks-score"]').innerText()).toBe('2 of 3 right so far.');
    // the questions stay put while the learner flips on
    const before = await items.evaluateAll((lis) => lis.map((li) => li.querySelector('.q')!.textContent));
    await page.locator('[data-block="1"] button[data-byte="0"][data-bit="0"]').first().click();
    expect(await items.evaluateAll((lis) => lis.map((li) => li.querySelector('.q')!.textContent))).toEqual(before);
    await page.close();
  });
});

describe('lesson 2 ends with checks on the bytes the attack found', () => {
  it("after the attack on cbc: P from I and the captured block is the victim's byte; the forged bytes are I ⊕ pad", async () => {
    const secret = 'local secret: 42'; // 16 bytes: P₁ is the text, P₂ a whole block of 0x10
    const padded = Buffer.concat([Buffer.from(secret), Buffer.alloc(16, 16)]);
    const page = await t.open('/lessons/padding-oracle', { ready: '.lesson[data-ready="true"][data-mode="local"]' });
    expect(await page.locator('[data-testid="lesson-checks"]').count()).toBe(0);
    await page.locator('input[maxlength="64"]').fill(secret);
    await page.getByRole('button', { name: /Seal it locally \(suite cbc\)/ }).click();
    await page.locator('[data-target="cbc"]').waitFor();
    await page.locator('#attack-cbc').getByRole('button', { name: 'Run the attack' }).click();
    await page.locator('#attack-cbc[data-done="recovered"]').waitFor({ timeout: 120_000 });
    const items = page.locator('[data-testid="lesson-checks"] li');
    await expect.poll(() => items.count()).toBe(3);
    const hexes = (text: string) => [...text.matchAll(/0x([0-9a-f]{2})/g)].map((m) => parseInt(m[1], 16));
    const h2 = (b: number) => b.toString(16).padStart(2, '0');

    // 1: Pᵢ[k] = Iᵢ[k] ⊕ Cᵢ₋₁[k] from the two numbers the question gives, and it is the victim's byte
    const q0 = await items.nth(0).locator('.q').innerText();
    const [I, prev] = hexes(q0);
    const i = Number(await items.nth(0).getAttribute('data-block'));
    const k = Number(await items.nth(0).getAttribute('data-byte'));
    expect(I ^ prev).toBe(padded[(i - 1) * 16 + k]);
    // 2 and 3: the forged bytes for the pads 01 and 02 02 (RFC 5652 §6.3)
    const [I15] = hexes(await items.nth(1).locator('.q').innerText());
    const [J14, J15] = hexes(await items.nth(2).locator('.q').innerText());
    const answers = [h2(I ^ prev), h2(I15 ^ 1), `${h2(J14 ^ 2)} ${h2(J15 ^ 2)}`];
    for (const [n, a] of answers.entries()) {
      await answer(items.nth(n), a);
    }
    expect(await page.locator('[data-testid="checks-score"]').innerText()).toBe('3 of 3 right so far.');
    await page.close();
  });
});

describe('lesson 5 ends with checks on the learner’s two messages', () => {
  it('the equal leading blocks under one IV are what node:crypto gives, and follow an edit', async () => {
    const key = Buffer.from('8f0e5a3c1b2d4e6f7a8b9c0d1e2f3a4b', 'hex'); // the lesson's default key
    const iv = Buffer.from('00112233445566778899aabbccddeeff', 'hex'); // its reused IV
    const seal = (m: string) => {
      const c = createCipheriv('aes-128-cbc', key, iv);
      return Buffer.concat([c.update(m, 'utf8'), c.final()]);
    };
    const leading = (a: string, b: string) => {
      const [ca, cb] = [seal(a), seal(b)];
      let n = 0;
      while (
        n * 16 < Math.min(ca.length, cb.length) &&
        ca.subarray(n * 16, n * 16 + 16).equals(cb.subarray(n * 16, n * 16 + 16))
      )
        n++;
      return n;
    };
    const page = await t.open('/lessons/iv-mistakes', { ready: '[data-testid="iv-rows"]' });
    const first = page.locator('[data-testid="lesson-checks"] li').first();
    const a = await page.locator('#iv-msg-a').inputValue();
    expect(leading(a, await page.locator('#iv-msg-b').inputValue())).toBe(2); // the lesson opens on its leak
    await answer(first, '2');
    await page.locator('#iv-msg-b').fill('pay 100 EUR TO ALICE; invoice 2026-11-26');
    await expect.poll(() => first.locator('[role="status"]').getAttribute('data-result')).toBe(null);
    await answer(first, String(leading(a, 'pay 100 EUR TO ALICE; invoice 2026-11-26')));
    await page.close();
  });
});

describe('lesson 3 ends with checks on the learner’s key and block', () => {
  it('FIPS-197 appendix C.1: 10 rounds, round 1 AddRoundKey gives round[2].start, ShiftRows by the rule', async () => {
    // appendix C.1: round[2].start = round[1].m_col ⊕ round[1].k_sch
    const start2 = Buffer.from('89d810e8855ace682d1843d8cb128fe4', 'hex');
    const page = await t.open(
      '/lessons/aes-rounds?key=000102030405060708090a0b0c0d0e0f&block=00112233445566778899aabbccddeeff',
      { ready: '.lesson[data-ready="true"]' }
    );
    const items = page.locator('[data-testid="lesson-checks"] li');
    await expect.poll(() => items.count()).toBe(3);
    const j = Number(await items.nth(1).getAttribute('data-byte'));
    const s = Number(await items.nth(2).getAttribute('data-byte'));
    const answers = ['10', start2[j].toString(16).padStart(2, '0'), String((s & 3) + 4 * (((s >> 2) + (s & 3)) % 4))];
    for (const [n, a] of answers.entries()) {
      await answer(items.nth(n), a);
    }
    expect(await page.locator('[data-testid="checks-score"]').innerText()).toBe('3 of 3 right so far.');
    await page.close();
  });
});

describe('lesson 4 ends with checks on the learner’s picture', () => {
  it('a 512 × 256 picture of three colour bands: 32768 blocks, 3 distinct under ECB, no repeat under CBC', async () => {
    const page = await t.open('/lessons/ecb-vs-cbc', { ready: 'section.experiment[data-state="done"]' });
    await page
      .locator('#ecb-file')
      .setInputFiles({ name: 'bands.png', mimeType: 'image/png', buffer: stripesPng(512, 256) });
    await expect
      .poll(() => page.locator('[data-testid="ecb-status"]').innerText(), { timeout: 20_000 })
      .toContain('bands.png');
    await page.locator('section.experiment[data-state="done"]').waitFor();
    const items = page.locator('[data-testid="lesson-checks"] li');
    await expect.poll(() => items.first().locator('.q').innerText()).toContain('512 × 256 pixels');
    // 512 × 256 pixels × 4 bytes ÷ 16; three band colours, each a run of identical blocks
    for (const [n, a] of ['32768', '3', '0'].entries()) {
      await answer(items.nth(n), a);
    }
    await page.close();
  });
});

describe('lesson 6 ends with checks on the ciphertext in its fields', () => {
  it('the block count is the decoded field ÷ 16; a wrong key garbles all, a wrong IV only P₁', async () => {
    const page = await t.open('/lessons/why-decryption-failed', { ready: '[data-testid="verdict"]' });
    const ct = Buffer.from(await page.locator('#dg-ct').inputValue(), 'base64'); // the field's default encoding
    const n = ct.length / 16;
    expect(Number.isInteger(n)).toBe(true);
    const items = page.locator('[data-testid="lesson-checks"] li');
    await expect.poll(() => items.count()).toBe(3);
    const answers = [String(n), Array.from({ length: n }, (_, i) => i + 1).join(', '), 'P1'];
    for (const [k, a] of answers.entries()) {
      await answer(items.nth(k), a);
    }
    await page.close();
  });
});
