// The e2e tier builds the app once, before any file runs, and hands every file the same private
// copy of it (`inject('appBuild')`): a page never loads half of one build and half of the next,
// and no file waits on another's build lock.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildIfNeeded } from '../../server/start';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

declare module 'vitest' {
  export interface ProvidedContext {
    appBuild: string;
  }
}

export default function setup(project: TestProject): () => void {
  buildIfNeeded();
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'cbc-lab-app-'));
  cpSync(join(root, 'build'), join(dir, 'build'), { recursive: true });
  // node stops looking for package.json at node_modules: say the copy is ESM, like the project
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  project.provide('appBuild', join(dir, 'build'));
  return () => rmSync(dir, { recursive: true, force: true });
}
