// docs/errors.md lists every FrameErrorCode in its protocol section, and every §N.M the protocol
// code cites is a clause of docs/protocol.md.
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { codesIn } from '$lib/errors/codes';

const read = (p: string) => readFileSync(new URL(`../../../${p}`, import.meta.url), 'utf8');

it('docs/errors.md has a row for every FrameErrorCode', () => {
  // FrameErrorCode is CodeIn<'protocol'>: the registry's codes of that area
  const codes: string[] = codesIn('protocol');
  expect(codes.length).toBeGreaterThan(15);
  const doc = read('docs/errors.md');
  const at = doc.indexOf('## Protocol and server');
  expect(at).toBeGreaterThanOrEqual(0);
  const end = doc.indexOf('\n## ', at + 1);
  const section = doc.slice(at, end < 0 ? undefined : end);
  for (const code of codes) expect(section).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
});

it('every clause the protocol code cites exists in docs/protocol.md', () => {
  const doc = read('docs/protocol.md');
  const clauses = new Set([...doc.matchAll(/^#{2,3} (\d+(?:\.\d+)?)\. /gm)].map((m) => m[1]));
  for (const n of doc.matchAll(/^(\d+\.\d+)\. /gm)) clauses.add(n[1]);
  const files = [
    'src/lib/protocol/frame.ts',
    'src/lib/protocol/line.ts',
    'src/lib/protocol/decoder.ts',
    'src/lib/protocol/dissect.ts',
    'src/lib/protocol/errors.ts',
    'server/chat/broadcast.ts',
    'server/chat/conn.ts',
    'server/chat/frames.ts',
    'server/chat/log.ts',
    'server/chat/options.ts',
    'server/chat/protocol.ts',
    'server/chat/room.ts',
    'server/chat/server.ts',
    'server/chat-client.ts',
    'server/suites.ts'
  ];
  for (const f of files) {
    for (const line of read(f).split('\n')) {
      if (/RFC|SP 800|FIPS/.test(line)) continue; // a standard's section, not ours
      for (const m of line.matchAll(/§(\d+(?:\.\d+)?)/g)) expect(clauses.has(m[1]), `${f}: §${m[1]}`).toBe(true);
    }
  }
});
