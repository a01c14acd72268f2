// docs/errors.md lists every CryptoErrorCode, and docs/trace.md every trace field.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { codesIn } from '$lib/errors/codes';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

it('docs/errors.md has a row for every CryptoErrorCode', () => {
  // CryptoErrorCode is CodeIn<'crypto'>: the registry's codes of that area
  const codes: string[] = codesIn('crypto');
  expect(codes.length).toBeGreaterThan(0);
  const doc = read('docs/errors.md');
  const start = doc.indexOf('## Crypto (src/lib/crypto)');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  for (const code of codes) expect(section).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
});

it('docs/trace.md names every field of the trace types', () => {
  const doc = read('docs/trace.md');
  const sources = read('src/lib/crypto/cbc.ts') + read('src/lib/crypto/wire.ts') + read('src/lib/crypto/pkcs7.ts');
  for (const type of ['BlockStep', 'PaddingInfo', 'EncryptTrace', 'DecryptTrace', 'WireForm', 'Base64Group']) {
    const at = sources.indexOf(`export interface ${type} `);
    expect(at).toBeGreaterThanOrEqual(0);
    const body = sources.slice(at, sources.indexOf('\n}', at));
    const fields = [...body.matchAll(/^\s+(?:readonly\s+)?(\w+)\??:/gm)].map((m) => m[1]);
    for (const f of fields) expect(doc, `${type}.${f}`).toContain(`\`${f}\``);
  }
});
