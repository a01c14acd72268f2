// Build the web app when the build is missing or older than the sources: `npm start`
// (server/demo.ts), the end-to-end tests and the benchmarks all call buildIfNeeded().
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Several processes may ask at once (parallel test files, `npm start` during a test run): one
 * builds while the others wait on a lock directory, then find the build fresh.
 */
function withBuildLock(fn: () => void): void {
  const lock = join(root, '.build-lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = 0;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* the owner has not written its pid yet */
      }
      if (owner && !pidAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another build holds ${lock}; remove it if no build is running`);
      else sleepSync(250);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildIsFresh(): { fresh: boolean; built: number } {
  const marker = join(root, 'build', 'handler.js');
  const built = existsSync(marker) ? statSync(marker).mtimeMs : 0;
  const sources = Math.max(
    ...['src', 'static', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) => newestMtime(join(root, p)))
  );
  return { fresh: built >= sources, built };
}

/**
 * Run a slow step with its output held back: one line says what is happening, and the output is
 * shown (on stderr) only when the step fails. Returns whether it succeeded.
 */
export function runQuietly(
  note: string,
  argv: string[],
  o: { cwd?: string; out?: (text: string) => void; err?: (text: string) => void } = {}
): boolean {
  const out = o.out ?? ((t: string) => void process.stdout.write(t));
  const err = o.err ?? ((t: string) => void process.stderr.write(t));
  out(`${note}\n`);
  const res = spawnSync(argv[0], argv.slice(1), {
    cwd: o.cwd ?? root,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024
  });
  if (res.status === 0) return true;
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`.trimEnd();
  if (output) err(`${output}\n`);
  if (res.error) err(`${res.error.message}\n`);
  else if (res.signal) err(`(stopped by ${res.signal})\n`);
  return false;
}

export function buildIfNeeded(): void {
  if (buildIsFresh().fresh) return;
  withBuildLock(() => {
    const { fresh, built } = buildIsFresh();
    if (fresh) return;
    // vite's own output (the adapter's "Run npm run preview", the bundle sizes) is for `npm run
    // build`; here it would bury the demo's banner, so it is shown only when the build fails.
    const note = built
      ? 'Sources changed since the last build: rebuilding the web app…'
      : 'Building the web app (first run, about a minute)…';
    const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
    if (!runQuietly(note, [process.execPath, vite, 'build', '--logLevel', 'warn'])) {
      throw new Error('the build failed (its output is above); run `npm install` first, then try again');
    }
  });
}
