// Real pages in real Chromium: build the app when the sources changed (server/start.ts), run
// `node build` on a free port on 127.0.0.1, and drive Debian's chromium with playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { buildIfNeeded } from '../../server/start';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run'
];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface App {
  url: string;
  stop(): Promise<void>;
}

/**
 * Build if needed, then start the built app and wait until it answers. The build is copied to
 * a private directory first: other people's tests rebuild `build/` whenever sources change, and
 * a page must never load half of one build and half of the next. The copy sits under
 * node_modules/.cache so the server's bare imports still resolve to the project's node_modules.
 */
export async function startApp(): Promise<App> {
  // A build someone else was still writing can be copied half-done: check that every asset /learn
  // names is served, and start over from a fresh copy when one is missing.
  for (let attempt = 1; ; attempt++) {
    const app = await startCopy();
    const missing = await missingAssets(app.url);
    if (missing.length === 0) return app;
    await app.stop();
    if (attempt === 3) throw new Error(`the build is incomplete, these assets are missing: ${missing.join(', ')}`);
    await new Promise((r) => setTimeout(r, 5000));
  }
}

async function missingAssets(url: string): Promise<string[]> {
  const html = await (await fetch(url + '/learn')).text();
  const assets = new Set(html.match(/\/_app\/immutable\/[^"'\s)]+/g) ?? []);
  const missing: string[] = [];
  for (const a of assets) if (!(await fetch(url + a)).ok) missing.push(a);
  return missing;
}

async function startCopy(): Promise<App> {
  buildIfNeeded();
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'cbc-lab-app-'));
  cpSync(join(root, 'build'), join(dir, 'build'), { recursive: true });
  // node stops looking for package.json at node_modules: say the copy is ESM, like the project
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(dir, 'build', 'index.js')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: `http://127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the app exited (${child.exitCode}):\n${log}`);
    }
    try {
      const res = await fetch(url + '/');
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the app did not answer on ${url} within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        };
        if (child.exitCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      })
  };
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface OpenOptions {
  /** a selector that is on the page once it is ready to test */
  ready: string;
  viewport?: { width: number; height: number };
  /** how long to wait for `ready`, in ms (playwright's default when left out) */
  timeout?: number;
}

/** A page with the uncaught errors it threw since it opened. */
export type OpenedPage = Page & { errors: string[] };

/** Open `url` in a new page at 1280×720 (unless told) and wait for `ready`. */
export async function openPage(browser: Browser, url: string, { ready, viewport = { width: 1280, height: 720 }, timeout }: OpenOptions): Promise<OpenedPage> {
  const page = (await browser.newPage({ viewport })) as OpenedPage;
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  await page.goto(url);
  await page.locator(ready).waitFor(timeout === undefined ? undefined : { timeout });
  return page;
}

export interface TestApp {
  readonly app: App;
  readonly browser: Browser;
  /** openPage on a path of the app */
  open(path: string, options: OpenOptions): Promise<OpenedPage>;
}

/**
 * One built app and one Chromium for a test file: started before its tests (within
 * `startTimeout` ms, vitest's hook timeout when left out) and stopped after them.
 */
export function useApp(startTimeout?: number): TestApp {
  let app: App | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    app = await startApp();
    browser = await launchBrowser();
  }, startTimeout);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  const t: TestApp = {
    get app() {
      if (!app) throw new Error('useApp: the app is not started yet (use it inside a test)');
      return app;
    },
    get browser() {
      if (!browser) throw new Error('useApp: the browser is not started yet (use it inside a test)');
      return browser;
    },
    open: (path, options) => openPage(t.browser, t.app.url + path, options)
  };
  return t;
}
