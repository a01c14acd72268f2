// Every place that names a lesson by number names it by its place on the /lessons index, the list
// the learner sees. The numbers expected here are read off the rendered index page (svelte/server),
// not taken from lessonRef; the references are read off what their components render and what the
// prose says. A source scan makes sure no other text writes a lesson number by hand.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'svelte/server';
import LessonsIndex from '../../../src/routes/lessons/+page.svelte';
import IvReuseNote from '$lib/components/live/IvReuseNote.svelte';
import DecryptionPanel from '$lib/components/live/DecryptionPanel.svelte';
import { LESSONS, lessonRef, type LessonSlug } from '$lib/lessons';
import { flipLessonFacts } from '$lib/lessons/bit-flipping/findings';
import { flipLessonSummary } from '$lib/lessons/bit-flipping/prose';
import type { CapturedFrame } from '$lib/protocol/capture';

/** slug → the number the /lessons index shows beside it, in the order it shows them */
function indexNumbers(): Map<string, { n: number; title: string }> {
  const html = render(LessonsIndex).body;
  const out = new Map<string, { n: number; title: string }>();
  const item =
    /<a [^>]*?href="\/lessons\/([a-z-]+)"[^>]*><span class="n[^"]*">(\d+)<\/span>\s*<strong>([^<]*)<\/strong>/g;
  for (const m of html.matchAll(item)) out.set(m[1], { n: Number(m[2]), title: m[3] });
  return out;
}
const shown = indexNumbers();
const numberOf = (slug: string) => shown.get(slug)!.n;

/** the text of the first <a> whose href starts with `href`, and that href */
function link(html: string, href: string): { href: string; text: string } | null {
  // svelte/server marks its blocks with comments, which are no text
  const plain = html.replace(/<!--[\s\S]*?-->/g, '');
  const m = new RegExp(`<a [^>]*?href="(${href.replace(/[?]/g, '\\?')}[^"]*)"[^>]*>([^<]*)</a>`).exec(plain);
  return m ? { href: m[1], text: m[2] } : null;
}

describe('lessonRef agrees with the /lessons index', () => {
  it('the index shows every lesson, numbered 1, 2, 3 … in order, each with a page', () => {
    expect([...shown.values()].map((v) => v.n)).toEqual(LESSONS.map((_, i) => i + 1));
    for (const slug of shown.keys()) expect(existsSync(`src/routes/lessons/${slug}/+page.svelte`)).toBe(true);
  });

  it('every lesson: its number, title, link and label', () => {
    for (const [slug, { n, title }] of shown) {
      const ref = lessonRef(slug as LessonSlug);
      expect(ref).toEqual({
        slug,
        href: `/lessons/${slug}`,
        number: n,
        title,
        short: `lesson ${n}`,
        label: `lesson ${n}, ${title}`
      });
    }
  });
});

describe('each reference names the lesson by its place on the index', () => {
  it('lesson 1’s summary: a broken pad points to the padding oracle lesson', () => {
    const said = flipLessonSummary(
      flipLessonFacts(
        [
          {
            position: { block: 1, byte: 15, bit: 7 },
            garbled: [1],
            oneBit: [],
            garbledBits: [64],
            ecbGarbled: [1],
            paddingOk: false
          }
        ],
        null,
        []
      )
    ).join(' ');
    expect(said).toContain(
      `a receiver that says so out loud is a padding oracle (lesson ${numberOf('padding-oracle')}).`
    );
  });

  it('/live’s IV-reuse note links to the IV mistakes lesson by its number and title', () => {
    const html = render(IvReuseNote, {
      props: {
        frame: { seq: 2, suite: 'cbc', bytes: '' } as unknown as CapturedFrame,
        ivFinding: { ivFirstId: 1, blocks: [] },
        earlier: () => undefined,
        onselect: () => {}
      }
    }).body;
    const a = link(html, '/lessons/iv-mistakes');
    expect(a?.text).toBe(
      `Why a reused IV leaks: lesson ${numberOf('iv-mistakes')}, ${shown.get('iv-mistakes')!.title} →`
    );
  });

  it('/live’s decryption panel links a cbc frame to the bit-flipping lesson by its number', () => {
    const html = render(DecryptionPanel, {
      props: {
        frame: { seq: 3, suite: 'cbc', bytes: 'AAEC' } as unknown as CapturedFrame,
        opener: { keys: null, error: 'no key yet' } as never,
        opened: null
      }
    }).body;
    const a = link(html, '/lessons/bit-flipping?frame=');
    expect(a?.href).toBe('/lessons/bit-flipping?frame=AAEC');
    expect(a?.text).toBe(`Flip its bits and replay it (lesson ${numberOf('bit-flipping')}) ↗`);
  });

  it('the bit-flipping page names the ECB lesson through lessonRef (its text is checked in Chromium)', () => {
    const src = readFileSync('src/routes/lessons/bit-flipping/+page.svelte', 'utf8');
    expect(src).toContain("lessonRef('ecb-vs-cbc')");
    expect(src).toMatch(/<a href=\{href\(ecbLesson\.href\)\}\s*>\{ecbLesson\.label\}<\/a/);
  });
});

describe('no text under src writes a lesson number by hand', () => {
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? files(p) : /\.(ts|svelte)$/.test(name) ? [p] : [];
    });
  }
  // comments may say "lesson 2" (they are for the reader of the code); text a page shows may not
  const withoutComments = (src: string) =>
    src
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');

  it('every "lesson N" outside comments comes from lessonRef', () => {
    const found = files('src').flatMap((f) =>
      withoutComments(readFileSync(f, 'utf8'))
        .split('\n')
        .filter((l) => /\b[Ll]essons? \d/.test(l))
        .map((l) => `${f}: ${l.trim()}`)
    );
    expect(found).toEqual([]);
  });
});
