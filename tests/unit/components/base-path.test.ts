// The static site is hosted under a base path (https://host/some/path/, issue 16): a link or a
// request written from the root (`href="/live"`, `fetch('/api/…')`) would leave the site. Every
// one goes through src/lib/href.ts (or SvelteKit's resolve/asset); this reads the sources for any
// that does not.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { href } from '../../../src/lib/href';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return p.includes(join('src', 'routes', 'api')) ? [] : files(p);
    return /\.(svelte|ts)$/.test(name) && !p.includes(join('src', 'lib', 'server')) ? [p] : [];
  });
}

const ROOTED = [
  /\bhref="\/(?!\/)/, // href="/live"
  /\bsrc="\/(?!\/)/,
  /\bfetch\(\s*['`]\/(?!\/)/, // fetch('/api/…')
  /\bEventSource\(\s*['`]\/(?!\/)/,
  /\bgoto\(\s*['`]\/(?!\/)/
];

describe('links and requests under the base path', () => {
  it('no page or component writes a link or a request from the root', () => {
    const found: string[] = [];
    for (const f of files('src')) {
      readFileSync(f, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (ROOTED.some((r) => r.test(line))) found.push(`${f}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });

  it('href() leaves what is not rooted alone (with no base path, as npm start runs, rooted paths too)', () => {
    for (const p of ['#stage-pad', '?mode=decrypt', 'https://example.org/', '//cdn.example/x', '/learn?mode=decrypt'])
      expect(href(p)).toBe(p);
  });
});
