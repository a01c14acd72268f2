// The registry (src/lib/errors/codes.ts), the docs' tables (docs/errors.md) and the source agree:
// every registered code is in the table of each of its areas and in no other table, every code in
// a table is registered, and every `ERR_…` written in src/ or server/ is registered.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODES, DOC_SECTIONS, codesIn, isErrorCode, type Area, type ErrorCode } from '$lib/errors/codes';
import { CodedError, CodedRangeError, isCodedError } from '$lib/errors/coded-error';
import { OutOfRangeError } from '$lib/errors/out-of-range';

const ROOT = new URL('../../../', import.meta.url).pathname;
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

/** The code column of each `## ` section's table, keyed by its title (the heading less its paths). */
function docTables(doc: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  let heading: string | null = null;
  for (const line of doc.split('\n')) {
    if (line.startsWith('## ')) {
      heading = line.slice(3).replace(/ \(.*\)$/, '');
      tables.set(heading, []);
      continue;
    }
    const m = /^\| `(ERR_[A-Z0-9_]+)` \|/.exec(line);
    if (m) {
      expect(heading, `${m[1]} is in a table under a ## heading`).not.toBeNull();
      tables.get(heading!)!.push(m[1]);
    }
  }
  return tables;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') out.push(...sourceFiles(p));
    } else if (/\.(ts|js|svelte)$/.test(e.name)) out.push(p);
  }
  return out;
}

const tables = docTables(read('docs/errors.md'));
const areas = Object.keys(DOC_SECTIONS) as Area[];

describe('docs/errors.md and the registry', () => {
  it('has one table for every area, under the title the registry names', () => {
    for (const a of areas) expect([...tables.keys()], a).toContain(DOC_SECTIONS[a]);
  });

  it('no code is listed twice in one table', () => {
    for (const [heading, codes] of tables) expect(new Set(codes).size, heading).toBe(codes.length);
  });

  for (const a of areas) {
    it(`${a}: the table lists exactly the registry's codes of that area`, () => {
      const listed = tables.get(DOC_SECTIONS[a]) ?? [];
      expect([...listed].sort()).toEqual(codesIn(a).sort());
    });
  }

  it('every code in any table is registered', () => {
    for (const [heading, codes] of tables) for (const c of codes) expect(isErrorCode(c), `${heading}: ${c}`).toBe(true);
  });

  it('every registered code says what it means and what to do', () => {
    for (const [code, info] of Object.entries(CODES)) {
      expect(info.areas.length, code).toBeGreaterThan(0);
      expect(info.meaning.length, code).toBeGreaterThan(10);
      expect(info.fix.length, code).toBeGreaterThan(5);
    }
  });
});

describe('the source and the registry', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('server')];

  it('scans the source (src/ and server/)', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain('src/lib/crypto/errors.ts');
  });

  it('every ERR_… written in src/ or server/ is registered', () => {
    const unregistered: string[] = [];
    for (const f of files) {
      for (const m of read(f).matchAll(/\bERR_[A-Z0-9_]*[A-Z0-9]\b/g)) {
        if (!isErrorCode(m[0])) unregistered.push(`${f}: ${m[0]}`);
      }
    }
    expect(unregistered).toEqual([]);
  });

  it('every registered code is emitted somewhere outside the registry', () => {
    const outside = files
      .filter((f) => f !== 'src/lib/errors/codes.ts' && !f.startsWith('src/lib/errors/codes/'))
      .map(read)
      .join('\n');
    expect((Object.keys(CODES) as ErrorCode[]).filter((c) => !new RegExp(`\\b${c}\\b`).test(outside))).toEqual([]);
  });
});

describe('CodedError', () => {
  it('a CodedRangeError is a RangeError and counts as a CodedError', () => {
    const e = new OutOfRangeError('bit', '0 to 7', 8);
    expect(e).toBeInstanceOf(RangeError);
    expect(e).toBeInstanceOf(CodedRangeError);
    expect(e).toBeInstanceOf(CodedError);
    expect(isCodedError(e)).toBe(true);
    expect(e).toMatchObject({
      name: 'OutOfRangeError',
      code: 'ERR_OUT_OF_RANGE',
      expected: '0 to 7',
      actual: 8,
      message: 'bit: expected 0 to 7, got 8'
    });
  });

  it('subclasses keep the ordinary instanceof; other errors are not coded', () => {
    class A extends CodedError<'ERR_INTERNAL'> {}
    expect(new A('ERR_INTERNAL', 'x')).toBeInstanceOf(A);
    expect(new OutOfRangeError('bit', '0 to 7', 8)).not.toBeInstanceOf(A);
    expect(isCodedError(new RangeError('x'))).toBe(false);
    expect(isCodedError(new Error('x'))).toBe(false);
  });
});
