// Real pages in real Chromium: build the app when the sources changed (server/start.ts), run
// `node build` on a free port on 127.0.0.1, and drive Debian's chromium with playwright-core.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildIfNeeded } from '../../server/start';
import { afterAll, beforeAll, inject } from 'vitest';

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
 * Start the app the e2e global setup built (tests/e2e/global-setup.ts) on a free port and wait
 * until it answers. Every file shares that one private copy of the build.
 */
export async function startApp(): Promise<App> {
  const build = appBuild();
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(build, 'index.js')], {
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
      throw new Error(`the app did not answer on ${url} within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      })
  };
}

/** The e2e tier's one build; outside vitest (scripts, benchmarks) the project's own build/. */
function appBuild(): string {
  let provided: string | undefined;
  try {
    provided = inject('appBuild');
  } catch {
    /* not inside a vitest worker */
  }
  if (provided) return provided;
  buildIfNeeded();
  return join(root, 'build');
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
export async function openPage(
  browser: Browser,
  url: string,
  { ready, viewport = { width: 1280, height: 720 }, timeout }: OpenOptions
): Promise<OpenedPage> {
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
