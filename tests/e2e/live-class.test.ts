// /live in front of a class (issue 11): a selected frame stays put while frames arrive (as
// Wireshark's auto-scroll, which a selection stops) in both views, with a way back to following;
// a filter that hides the server's acks and relayed copies; "Clear capture" on this page only;
// previews wide enough to read at 1280×720; a new run of the demo (the stream's `reset`) clears
// the page and says so; no overlap at 768×1024 and 390×844. Real demos, real Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDecipheriv } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freePort, launchBrowser } from './harness';
import { spawnDemo, startDemoChild, type FastDemo } from '../helpers/demo-child';
import { buildIfNeeded } from '../../server/start.ts';
import type { CapturedFrame } from '../../src/lib/protocol/capture';

const KEY = '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4';
const ACK = 'Hello Client, message received securely'; // docs/protocol.md §3.2, §8.2

let demo: FastDemo;
let browser: Browser;

beforeAll(async () => {
  buildIfNeeded();
  demo = await spawnDemo(KEY);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
});

const pill = (p: Page, name: string) => p.locator('[data-testid="status"]').getAttribute(`data-${name}`);
const held = async (p: Page) => Number(await pill(p, 'frames'));
/** wait until the page holds at least `n` frames */
const holdAtLeast = (p: Page, n: number) =>
  p.waitForFunction(
    (k) => Number(document.querySelector('[data-testid="status"]')?.getAttribute('data-frames')) >= k,
    n,
    { timeout: 60_000 }
  );

async function openLive(viewport = { width: 1280, height: 720 }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.goto(`${demo.webUrl}/live`);
  await page.locator('[data-status="live"]').waitFor({ timeout: 30_000 });
  await holdAtLeast(page, 12);
  return page;
}

async function allFrames(upTo: number): Promise<CapturedFrame[]> {
  const out: CapturedFrame[] = [];
  let after = 0;
  while (after < upTo) {
    const r = (await (await fetch(`${demo.webUrl}/api/frames?after=${after}&limit=1000`)).json()) as {
      frames: CapturedFrame[];
    };
    if (r.frames.length === 0) break;
    out.push(...r.frames.filter((f) => f.seq <= upTo));
    after = r.frames[r.frames.length - 1].seq;
  }
  return out;
}

/** A line frame's plaintext by node:crypto: base64(IV ‖ C) and a line end, AES-256-CBC with the PSK (§5.1). */
function lineText(f: CapturedFrame): string {
  const raw = Buffer.from(Buffer.from(f.bytes, 'base64').toString('latin1').trim(), 'base64');
  const d = createDecipheriv('aes-256-cbc', Buffer.from(KEY, 'hex'), raw.subarray(0, 16));
  return Buffer.concat([d.update(raw.subarray(16)), d.final()]).toString('utf8');
}

/** is `inner`'s box wholly inside `outer`'s? */
async function inside(page: Page, inner: string, outer: string): Promise<boolean> {
  return page.evaluate(
    ([i, o]) => {
      const a = document.querySelector(i)?.getBoundingClientRect();
      const b = document.querySelector(o)?.getBoundingClientRect();
      return !!a && !!b && a.height > 0 && a.top >= b.top - 0.5 && a.bottom <= b.bottom + 0.5;
    },
    [inner, outer] as const
  );
}

describe('/live for a class', () => {
  it('a frame selected in the packet list stays put and in view while frames arrive; Follow newest and End resume', async () => {
    const page = await openLive();
    const list = '[data-testid="packet-list"]';
    // the newest row, clicked while the list follows the newest frame. The feed is paused for the
    // pick, so the row clicked is the newest when following stops ("new frames below" counts from
    // the newest frame held then); frames that arrive meanwhile wait and come in on resume.
    await page.locator('[data-testid="pause"]').click();
    const lastRow = () => page.locator('[role="option"]').last().getAttribute('data-seq').then(Number);
    // (a batch that came in with the pause is drawn on the next frame)
    await expect.poll(async () => (await lastRow()) === Number(await pill(page, 'end-seq'))).toBe(true);
    const seq = await lastRow();
    await page.locator(`#frame-${seq}`).click();
    await page.locator('[data-testid="pause"]').click();
    const top = await page.locator(list).evaluate((el) => el.scrollTop);
    const rowsInView = await page.locator(list).evaluate((el) => Math.ceil(el.clientHeight / 28));
    // more frames than the list shows at once: enough to push the row out if the list followed
    const from = await held(page);
    await holdAtLeast(page, from + rowsInView + 4);
    expect(await inside(page, `#frame-${seq}`, list)).toBe(true);
    expect(await page.locator('[role="option"][aria-selected="true"]').getAttribute('data-seq')).toBe(String(seq));
    expect(await page.locator(list).evaluate((el) => el.scrollTop)).toBe(top);
    expect(await page.locator('[data-testid="follow-bar"]').getAttribute('data-following')).toBe('false');
    // the foot of the list says how many arrived since, counted independently: the frames past seq
    const why = page.locator('[data-testid="follow-why"]');
    await page.locator('[data-testid="pause"]').click();
    const last = Number(await pill(page, 'end-seq'));
    await expect.poll(() => why.innerText()).toBe(`Held on the selected frame · ${last - seq} new frames below`);
    await page.locator('[data-testid="pause"]').click();
    // the button follows again: the newest row comes into view
    await page.locator('[data-testid="follow-newest"]').click();
    expect(await page.locator('[data-testid="follow-bar"]').getAttribute('data-following')).toBe('true');
    await holdAtLeast(page, (await held(page)) + 2);
    await page.waitForFunction(
      (l) => {
        const el = document.querySelector(l)!;
        return el.scrollTop + el.clientHeight >= el.scrollHeight - 28;
      },
      list,
      { timeout: 10_000 }
    );
    // so does End, from a selection: the newest frame selected, and the list following
    await page.locator('[role="option"]').nth(2).click();
    expect(await page.locator('[data-testid="follow-newest"]').count()).toBe(1);
    await page.keyboard.press('End');
    expect(await page.locator('[data-testid="follow-bar"]').getAttribute('data-following')).toBe('true');
    await page.close();
  }, 180_000);

  it('the same in the chat transcript: the selected message stays in view, Follow newest resumes', async () => {
    const page = await openLive();
    await page.locator('[data-testid="tab-transcript"]').click();
    const chat = '[data-testid="transcript"]';
    const msg = page.locator(`${chat} li.msg`).last();
    await msg.waitFor();
    // its seq, as the message's header shows it ("conn #1 alice → server · #123")
    const seq = Number(/· #(\d+)/.exec(await msg.locator('.who').innerText())![1]);
    await page.locator(`${chat} li.msg[data-seq="${seq}"] button`).click();
    const top = await page.locator(chat).evaluate((el) => el.scrollTop);
    const from = await held(page);
    // each message is taller than a packet row: 20 frames fill more than the transcript's height
    await holdAtLeast(page, from + 20);
    expect(await page.locator(`${chat} li.sel .who`).innerText()).toContain(`· #${seq}`);
    expect(await inside(page, `${chat} li.sel`, chat)).toBe(true);
    expect(await page.locator(chat).evaluate((el) => el.scrollTop)).toBe(top);
    expect(await page.locator('[data-testid="follow-why"]').innerText()).toMatch(
      /^Held on the selected frame · \d+ new frames below$/
    );
    await page.locator('[data-testid="follow-newest"]').click();
    await page.waitForFunction(
      (c) => {
        const el = document.querySelector(c)!;
        return el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
      },
      chat,
      { timeout: 10_000 }
    );
    expect(await inside(page, `${chat} li[data-seq="${seq}"]`, chat)).toBe(false);
    await page.close();
  }, 180_000);

  it('"hide acks and relayed copies" keeps what clients sent and the server\'s notices', async () => {
    const page = await openLive();
    await page.locator('[data-testid="pause"]').click();
    const last = Number(await pill(page, 'end-seq'));
    const total = await held(page);
    // expected from the capture API and node:crypto: an ack or a relay is a server frame whose
    // native type is ack or chat, or whose line text is the ack or "name: text" (§8.2, §8.3)
    const frames = await allFrames(last);
    expect(frames.length).toBe(total);
    const copies = frames.filter(
      (f) =>
        f.dir === 's2c' &&
        !f.error &&
        (f.framing === 'native' ? f.type === 'ack' || f.type === 'chat' : !/^(\* |ERROR )/.test(lineText(f)))
    );
    expect(copies.some((f) => f.framing === 'line' && lineText(f) === ACK)).toBe(true);
    expect(copies.some((f) => f.framing === 'native' && f.type === 'chat')).toBe(true);
    await page.locator('[data-testid="filter-copies"]').check();
    await expect
      .poll(() => page.locator('[data-testid="count"]').innerText())
      .toBe(`${total - copies.length} of ${total} frames`);
    const dirs = await page.locator('[role="option"] .dir').allInnerTexts();
    expect(dirs.filter((d) => d === 'C→S').length).toBeGreaterThan(0);
    const shownText = await page.locator('[data-testid="packet-list"]').innerText();
    expect(shownText).not.toContain(ACK);
    await page.locator('[data-testid="filter-copies"]').uncheck();
    await expect.poll(() => page.locator('[data-testid="count"]').innerText()).toBe(`${total} frames`);
    await page.close();
  }, 180_000);

  it('"Clear capture" hides the frames held so far on this page only, says how many, and shows them again', async () => {
    const page = await openLive();
    const other = await openLive();
    await page.locator('[data-testid="clear"]').click();
    const note = page.locator('[data-testid="cleared-note"]');
    const text = await note.innerText();
    const m =
      /^Capture cleared on this page: (\d+) frames \(up to #(\d+)\) hidden here\. Other viewers still see them, and the ⤓ downloads hold the whole capture\./.exec(
        text
      );
    expect(m, text).not.toBeNull();
    const [hidden, through] = [Number(m![1]), Number(m![2])];
    // the page held every frame from #1, so the frames up to #through are `through` frames
    expect(Number(await pill(page, 'first-seq'))).toBe(1);
    expect(hidden).toBe(through);
    // frames after the clear appear; none from before it
    await page.locator(`[role="option"]`).first().waitFor({ timeout: 30_000 });
    const seqs = await page
      .locator('[role="option"]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    expect(Math.min(...seqs)).toBeGreaterThan(through);
    // another viewer keeps all of them
    expect(await other.locator('[data-testid="cleared-note"]').count()).toBe(0);
    await other.locator('[data-testid="packet-list"]').focus();
    await other.keyboard.press('Home');
    await expect.poll(() => other.locator('[role="option"][aria-selected="true"]').getAttribute('data-seq')).toBe('1');
    // the downloads say, and hold, the whole capture
    expect(await page.locator('[data-testid="download-json"]').innerText()).toBe('⤓ JSON (whole capture)');
    const json = (await (await fetch(`${demo.webUrl}/api/capture.json`)).json()) as { frames: CapturedFrame[] };
    expect(json.frames[0].seq).toBe(1);
    // shown again
    await page.locator('[data-testid="show-cleared"]').click();
    expect(await note.count()).toBe(0);
    await page.locator('[data-testid="packet-list"]').focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('[role="option"][aria-selected="true"]').getAttribute('data-seq')).toBe('1');
    await page.close();
    await other.close();
  }, 180_000);

  it('at 1280×720 the preview column is at least 40% of the list, and a chat line reads whole', async () => {
    const page = await openLive();
    const ratio = await page.evaluate(() => {
      const list = document.querySelector('[data-testid="packet-list"]')!.getBoundingClientRect().width;
      const pv = document.querySelector('[role="option"] .pv')!.getBoundingClientRect().width;
      return pv / list;
    });
    expect(ratio).toBeGreaterThanOrEqual(0.4);
    // alice's line "Shall we meet at the library at four?" as she sent it: its preview is not cut
    await page.fill('[data-testid="filter-text"]', 'library at four');
    await page.selectOption('[data-testid="filter-dir"]', 'c2s');
    const pv = page.locator('[role="option"] .pv').first();
    await pv.waitFor({ timeout: 60_000 });
    expect(await pv.innerText()).toBe('Shall we meet at the library at four?');
    expect(await pv.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await page.close();
  }, 180_000);

  for (const viewport of [
    { width: 768, height: 1024 },
    { width: 390, height: 844 }
  ])
    it(`at ${viewport.width}×${viewport.height}, a frame selected: nothing wider than the screen, nothing overlapping`, async () => {
      const page = await openLive(viewport);
      await page.locator('[role="option"]').last().click();
      await page.locator('[data-testid="plaintext"]').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      const overlaps = await page.evaluate(() => {
        // the page's blocks, and the controls of its bars, pairwise
        const groups = [
          '.livepage > *',
          '.main > *',
          '.left > *',
          '.livepage > .bar > *',
          '.bar.second > *',
          '.tabs > *',
          '[data-testid="follow-bar"] > *'
        ];
        const out: string[] = [];
        for (const g of groups) {
          const els = Array.from(document.querySelectorAll(g)).filter((e) => (e as HTMLElement).offsetParent !== null);
          for (let i = 0; i < els.length; i++)
            for (let j = i + 1; j < els.length; j++) {
              const a = els[i].getBoundingClientRect();
              const b = els[j].getBoundingClientRect();
              if (a.width === 0 || b.width === 0) continue;
              const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
              const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
              if (x > 1 && y > 1)
                out.push(`${g}: ${els[i].className || els[i].tagName} × ${els[j].className || els[j].tagName}`);
            }
          for (const e of els) {
            const r = e.getBoundingClientRect();
            if (r.right > innerWidth + 0.5) out.push(`${g}: ${e.className || e.tagName} ends at ${r.right}`);
          }
        }
        // a row's cells side by side, the preview given room to read
        const row = document.querySelector('[role="option"]')!;
        const cells = Array.from(row.children).filter((c) => (c as HTMLElement).offsetParent !== null);
        for (let i = 1; i < cells.length; i++)
          if (cells[i].getBoundingClientRect().left < cells[i - 1].getBoundingClientRect().right - 0.5)
            out.push(`row cells ${i - 1} and ${i}`);
        const pv = row.querySelector('.pv')!.getBoundingClientRect();
        if (pv.width < 120 || pv.right > row.getBoundingClientRect().right + 0.5) out.push(`preview ${pv.width} px`);
        return out;
      });
      expect(overlaps).toEqual([]);
      await page.close();
    }, 180_000);
});

/**
 * `npm start --no-bots` on a given web port (startDemoChild picks its own): the new run a teacher
 * starts where the last one was. Its key is fresh, as every run's.
 */
async function demoOnPort(webPort: number): Promise<{ webUrl: string; key: string; stop(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'server/demo.ts',
      '--no-bots',
      '--web-port',
      String(webPort),
      '--chat-port',
      String(await freePort())
    ],
    {
      env: {
        ...process.env,
        CBC_LAB_NO_BUILD: '1',
        CBC_LAB_CAPTURE_DIR: mkdtempSync(join(tmpdir(), 'cbc-lab-class-'))
      },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (/Press Ctrl-C to stop/.test(out)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the second demo exited (${code}):\n${out}`)));
  });
  return {
    webUrl: `http://127.0.0.1:${webPort}`,
    key: /Demo key:\s+([0-9a-f]+)/.exec(out)?.[1] ?? '',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      })
  };
}

describe('/live when the demo starts over', () => {
  it("the stream's reset (a new run on the same address) clears the frames and the selection, and says so", async () => {
    const first = await startDemoChild(['--no-bots']);
    const send = (d: { webUrl: string }, text: string) =>
      fetch(`${d.webUrl}/api/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text })
      });
    for (const t of ['one', 'two', 'three']) expect((await send(first, t)).status).toBe(200);
    const { frames } = (await (await fetch(`${first.webUrl}/api/frames?after=0&limit=1000`)).json()) as {
      frames: CapturedFrame[];
    };
    const oldLast = frames[frames.length - 1].seq;
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(first.webUrl + '/live');
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-testid="status"]')?.getAttribute('data-last-seq')) >= n,
      oldLast,
      { timeout: 30_000 }
    );
    await page.locator('[role="option"]').last().click();
    const heldBefore = await held(page);
    first.kill();
    await page.locator('[data-status="unreachable"]').waitFor({ timeout: 30_000 });
    // a new run on the same web port, with an empty capture
    const second = await demoOnPort(Number(new URL(first.webUrl).port));
    try {
      const note = page.locator('[data-testid="reset-note"]');
      await note.waitFor({ timeout: 30_000 });
      expect(await note.innerText()).toMatch(
        new RegExp(
          `^The demo was started again: its capture now ends at #0, before the #${oldLast} this page had reached, so the ${heldBefore} frames held here came from the previous run\\. They were cleared here, with the selection; the list shows the new run's frames\\.`
        )
      );
      expect(await page.locator('[role="option"][aria-selected="true"]').count()).toBe(0);
      expect(await page.locator('.right').innerText()).toContain('Pick a frame');
      // the new run's frames, from #1
      expect((await send(second, 'after the restart')).status).toBe(200);
      await page.locator('[data-status="live"]').waitFor({ timeout: 30_000 });
      await expect.poll(() => pill(page, 'first-seq'), { timeout: 30_000 }).toBe('1');
      await expect
        .poll(() => page.locator('[data-testid="packet-list"]').innerText(), { timeout: 30_000 })
        .toContain('after the restart');
      expect(await page.locator('[data-testid="packet-list"]').innerText()).not.toContain('three');
      // the new run's key, put in the box that held the old run's
      expect(await page.inputValue('[data-testid="key"]')).toBe(second.key);
      expect(second.key).not.toBe(first.key);
      await expect.poll(() => note.innerText()).toContain("The key box now holds the new run's demo key.");
    } finally {
      await page.close();
      await second.stop();
    }
  }, 240_000);
});
