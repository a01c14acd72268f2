// `npm start` as a child process on free ports, for the lesson pages that need the live demo.
// In a child rather than in the test process: the pages' server-side rendering loads node-forge
// through Node's own loader there, exactly as `npm start` does.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from '../../server/start.ts';
import { freePort } from '../e2e/harness';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DemoChild {
  webUrl: string;
  chatPort: number;
  key: string;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, the demo's clean stop (SIGKILL after 5 s) */
  stop(): Promise<void>;
  /** SIGKILL at once: a demo that dies without a word */
  kill(): void;
}

export async function startDemoChild(flags: string[] = []): Promise<DemoChild> {
  buildIfNeeded();
  const webPort = await freePort();
  const chatPort = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'server', 'demo.ts'),
      '--web-port',
      String(webPort),
      '--chat-port',
      String(chatPort),
      ...flags
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        CBC_LAB_NO_BUILD: '1',
        CBC_LAB_CAPTURE_DIR: mkdtempSync(join(tmpdir(), 'cbc-lab-lesson-demo-'))
      },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      settle();
      child.kill('SIGKILL');
      reject(new Error(`the demo did not start within 60 s:\n${out}\n${err}`));
    }, 60_000);
    const onData = () => {
      if (!/Press Ctrl-C to stop/.test(out)) return;
      settle();
      resolve();
    };
    const onExit = (code: number | null) => {
      settle();
      reject(new Error(`the demo exited (${code}):\n${out}\n${err}`));
    };
    const settle = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    // registered after the listener that appends to `out`, so it sees the chunk that completed the banner
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
  const key = /Demo key:\s+([0-9a-f]+)/.exec(out)?.[1] ?? '';
  return {
    webUrl: `http://127.0.0.1:${webPort}`,
    chatPort,
    key,
    stdout: () => out,
    stderr: () => err,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
    kill: () => void child.kill('SIGKILL')
  };
}

export interface FastDemo {
  webUrl: string;
  chatPort: number;
  stop(): Promise<void>;
}

/**
 * startDemo in a child process (node + tsx), as `npm start` runs it, with a known key and bots
 * that speak every 500 ms: inside vitest's module runner the app's server-rendered pages do not
 * load, and the child keeps the demo's work off the test worker's event loop. The caller builds.
 */
export async function spawnDemo(key: string): Promise<FastDemo> {
  const code = [
    "import { startDemo } from './server/demo.ts';",
    `const d = await startDemo({ webPort: 0, chatPort: 0, key: '${key}', bots: true, botIntervalMs: 500, build: false });`,
    'process.stdout.write(JSON.stringify({ webUrl: d.webUrl, chatPort: d.chatPort }) + "\\n");',
    'process.stdin.on("end", () => d.stop().then(() => process.exit(0)));',
    'process.stdin.resume();'
  ].join('\n');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit']
  });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (c) => reject(new Error(`the demo exited with ${c} before it started`)));
  });
  return {
    ...(JSON.parse(first) as { webUrl: string; chatPort: number }),
    stop: () =>
      new Promise<void>((resolve) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.stdin!.end();
      })
  };
}
