// /learn/worksheet (issue 12): the page prints the questions `cbc-lab worksheet --json` prints for
// the same seed, key, IV and text (the bin spawned), its cipher-block answer is what `openssl enc`
// computes; the answer key only with answers=1; print media hides the controls and the site's
// header; a bad key is refused beside its field with its code; a phone's width; axe finds nothing.
// Real Chromium against the built app (tests/e2e/harness.ts).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { useApp } from './harness';
import { axeViolations, describeViolations } from './axe';
import { cli } from '../helpers/spawn-cli';

interface Item {
  number: number;
  kind: string;
  question: string;
  block: number | null;
  answer: string | number | number[];
  key: string;
  iv: string;
  plaintext: string;
}

const SEED = 'class-7b';
// NIST SP 800-38A F.2.1's key and IV, a two-block message
const KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const IV = '000102030405060708090a0b0c0d0e0f';
const TEXT = 'attack at dawn, then lunch at noon';
const COUNT = 12;
const FLAGS = { seed: SEED, count: String(COUNT), key: KEY, iv: IV, text: TEXT };
const LINK = `/learn/worksheet?${new URLSearchParams(FLAGS).toString()}`;

const t = useApp();
const READY = '.worksheet-page[data-ready="true"]';
const open = (path: string, viewport = { width: 1280, height: 720 }) => t.open(path, { ready: READY, viewport });

/** CIPH_K(block): one AES block, as the question kind's text says to compute it */
function aesBlock(keyHex: string, blockHex: string): string {
  const r = spawnSync('openssl', ['enc', `-aes-${keyHex.length * 4}-ecb`, '-K', keyHex, '-nopad'], {
    input: Buffer.from(blockHex, 'hex')
  });
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr.toString()}`);
  return r.stdout.toString('hex');
}

describe('/learn/worksheet: the same sheet as the CLI', () => {
  it('shows the questions cbc-lab worksheet --json prints for the same flags, and openssl agrees', async () => {
    const args = ['worksheet', '--json', ...Object.entries(FLAGS).flatMap(([k, v]) => [`--${k}`, v])];
    const r = await cli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const items = JSON.parse(r.out) as Item[];
    expect(items).toHaveLength(COUNT);

    const page = await open(`${LINK}&answers=1`);
    expect(await page.locator('[data-testid="key"]').innerText()).toBe(KEY);
    expect(await page.locator('[data-testid="iv"]').innerText()).toBe(IV);
    expect(await page.locator('[data-testid="plaintext"]').innerText()).toBe(Buffer.from(TEXT).toString('hex'));
    expect(await page.locator('[data-testid="text"]').innerText()).toBe(TEXT);
    expect(items[0].plaintext).toBe(Buffer.from(TEXT).toString('hex'));

    const asked = await page.locator('[data-testid="question"] .q').allInnerTexts();
    expect(asked).toEqual(items.map((q) => q.question));
    const kinds = await page.locator('[data-testid="question"]').evaluateAll((els) => els.map((e) => e.dataset.kind));
    expect(kinds).toEqual(items.map((q) => q.kind));

    // the answer key says what the CLI's --json says, and the cipher-block answers are OpenSSL's
    const answers = await page.locator('[data-testid="answer-value"]').allInnerTexts();
    expect(answers).toHaveLength(COUNT);
    const blocks = items.filter((q) => q.kind === 'cipher-block');
    expect(blocks.length).toBeGreaterThan(0);
    for (const q of blocks) {
      const x = /= ([0-9a-f]{32})\./.exec(q.question)![1]; // Xᵢ, given in the question
      expect(q.answer).toBe(aesBlock(KEY, x));
      expect(answers[q.number - 1]).toBe(q.answer);
    }
    for (const q of items.filter((q) => q.kind === 'xor-byte' || q.kind === 'pad-length'))
      expect(answers[q.number - 1]).toBe(String(q.answer));

    expect(await page.locator('[data-testid="command"]').innerText()).toBe(
      `npx cbc-lab worksheet --seed ${SEED} --count ${COUNT} --key ${KEY} --iv ${IV} --text '${TEXT}'`
    );
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('a seed alone gives the key, IV and message the CLI draws from it', async () => {
    const r = await cli(['worksheet', '--json', '--seed', SEED]);
    const items = JSON.parse(r.out) as Item[];
    const page = await open(`/learn/worksheet?seed=${SEED}`);
    expect(await page.locator('[data-testid="key"]').innerText()).toBe(items[0].key);
    expect(await page.locator('[data-testid="iv"]').innerText()).toBe(items[0].iv);
    expect(await page.locator('[data-testid="question"] .q').allInnerTexts()).toEqual(items.map((q) => q.question));
    await page.close();
  });
});

describe('/learn/worksheet: the answer key, the controls and print', () => {
  it('hides the answer key without answers=1, and the toggle shows it and keeps it in the link', async () => {
    const page = await open(LINK);
    await page.locator('[data-testid="question"]').first().waitFor();
    expect(await page.locator('[data-testid="answer-key"]').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('Answer key');
    await page.getByLabel('Show answer key').check();
    await page.locator('[data-testid="answer-key"]').waitFor();
    expect(await page.locator('[data-testid="answer"]').count()).toBe(COUNT);
    await expect.poll(() => new URL(page.url()).searchParams.get('answers')).toBe('1');
    // on its own printed page
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('[data-testid="answer-key"]').evaluate((el) => getComputedStyle(el).breakBefore)).toBe(
      'page'
    );
    await page.close();
  });

  it('"New seed" draws another seed into the field and the link; no seed in the link draws one', async () => {
    const page = await open(LINK);
    const before = await page.locator('[data-testid="question"] .q').allInnerTexts();
    await page.getByRole('button', { name: 'New seed' }).click();
    const seed = await page.locator('#seed').inputValue();
    expect(seed).toMatch(/^[0-9a-f]{8}$/);
    await expect.poll(() => new URL(page.url()).searchParams.get('seed')).toBe(seed);
    expect(await page.locator('[data-testid="sheet"]').getAttribute('data-seed')).toBe(seed);
    expect(await page.locator('[data-testid="question"] .q').allInnerTexts()).not.toEqual(before);
    await page.close();

    const fresh = await open('/learn/worksheet');
    await fresh.locator('[data-testid="sheet"]').waitFor();
    expect(await fresh.locator('#seed').inputValue()).toMatch(/^[0-9a-f]{8}$/);
    await fresh.close();
  });

  it('print media hides the controls and the site header, and prints black on white', async () => {
    const page = await open(`${LINK}&answers=1`);
    expect(await page.locator('header.top').isVisible()).toBe(true);
    expect(await page.locator('.controls').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('.controls').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    expect(await page.locator('[data-testid="sheet"]').isVisible()).toBe(true);
    const colours = await page.evaluate(() => ({
      body: getComputedStyle(document.body).backgroundColor,
      text: getComputedStyle(document.querySelector('[data-testid="sheet"] .q')!).color
    }));
    expect(colours).toEqual({ body: 'rgb(255, 255, 255)', text: 'rgb(0, 0, 0)' });
    await page.close();
  });
});

describe('/learn/worksheet: bad fields', () => {
  it('a key of the wrong length or bad hex is refused beside the key field, with its code', async () => {
    for (const [key, code] of [
      ['2b7e1516', 'ERR_KEY_LENGTH'],
      ['2b7e15zz28aed2a6abf7158809cf4f3c', 'ERR_BAD_HEX']
    ]) {
      const page = await open(`/learn/worksheet?seed=${SEED}&key=${key}`);
      const error = page.locator('#key-error');
      await error.waitFor();
      expect(await error.getAttribute('data-code')).toBe(code);
      expect(await error.innerText()).toContain(code);
      expect(await page.locator('#key').getAttribute('aria-describedby')).toBe('key-error');
      expect(await page.locator('[data-testid="sheet"]').count()).toBe(0);
      expect(page.errors).toEqual([]);
      await page.close();
    }
  });

  it('a count out of range gives the CLI message beside the field, and typing a good one brings the sheet', async () => {
    const page = await open(`/learn/worksheet?seed=${SEED}&count=500`);
    const error = page.locator('#count-error');
    expect(await error.getAttribute('data-code')).toBe('ERR_BAD_OPTION_VALUE');
    expect(await error.innerText()).toContain('expected a whole number from 1 to 100, got "500"');
    await page.locator('#count').fill('3');
    await page.locator('[data-testid="sheet"]').waitFor();
    expect(await page.locator('[data-testid="question"]').count()).toBe(3);
    expect(await error.count()).toBe(0);
    expect(page.errors).toEqual([]);
    await page.close();
  });
});

describe('/learn/worksheet: a phone, and axe', () => {
  it('nothing is wider than 390 px at 390×844, even with an AES-256 key', async () => {
    const key = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
    const page = await open(`/learn/worksheet?seed=${SEED}&key=${key}&answers=1`, { width: 390, height: 844 });
    await page.locator('[data-testid="answer-key"]').waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });

  it('axe-core finds nothing, with the answer key and with a bad field', async () => {
    for (const path of [`${LINK}&answers=1`, `/learn/worksheet?seed=${SEED}&key=abc&count=0`]) {
      const page = await open(path);
      const vs = await axeViolations(page);
      expect(vs, `${path}:\n${describeViolations(vs)}`).toEqual([]);
      await page.close();
    }
  });
});
