// docs/quiz.md names every kind, every field of a Question and every answer format.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { QUESTION_KINDS } from '$lib/quiz';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

it('docs/quiz.md has a row for every kind and names every Question field and answer format', () => {
  const doc = read('docs/quiz.md');
  for (const kind of QUESTION_KINDS) expect(doc).toMatch(new RegExp(`^\\| \`${kind}\` \\|`, 'm'));
  const source = read('src/lib/quiz/questions.ts');
  const at = source.indexOf('export interface Question ');
  const body = source.slice(at, source.indexOf('\n}', at));
  const fields = [...body.matchAll(/^\s+(\w+)\??:/gm)].map((m) => m[1]);
  expect(fields).toContain('answer');
  for (const f of fields) expect(doc, f).toContain(`\`${f}\``);
  const formats = /export type AnswerFormat = ([^;]+);/.exec(source)![1].match(/'[a-z]+'/g)!;
  for (const f of formats) expect(doc, f).toContain(`\`${f.slice(1, -1)}\``);
});
