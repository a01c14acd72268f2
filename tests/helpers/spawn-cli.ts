// Run the CLI the way a user does: `node server/cli.js …` in a child process, with real pipes.
import { spawn, spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cliJs = join(root, 'server', 'cli.js');

export interface CliResult {
  code: number | null;
  stdout: Buffer;
  /** stdout as UTF-8 text */
  out: string;
  stderr: string;
}

/** `cbc-lab ARGS…`; `stdin` is piped in and closed (an empty stdin when omitted). */
export function cli(args: string[], stdin?: string | Uint8Array): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliJs, ...args], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = Buffer.concat(out);
      resolve({ code, stdout, out: stdout.toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {}); // the CLI may exit (usage error) before reading stdin
    child.stdin.end(stdin === undefined ? undefined : Buffer.from(stdin));
  });
}

/** `openssl enc -aes-N-cbc -K key -iv iv [-d] [-nopad]` on raw bytes; returns raw bytes. */
export function openssl(opts: { keyHex: string; ivHex: string; decrypt?: boolean; nopad?: boolean }, input: Uint8Array): Buffer {
  const bits = (opts.keyHex.length / 2) * 8;
  const args = ['enc', `-aes-${bits}-cbc`, '-K', opts.keyHex, '-iv', opts.ivHex];
  if (opts.decrypt) args.push('-d');
  if (opts.nopad) args.push('-nopad');
  const res = spawnSync('openssl', args, { input });
  if (res.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${res.stderr.toString()}`);
  return res.stdout;
}

/** Run async jobs with at most `limit` at a time (the machine has two cores). */
export async function pool<T>(jobs: (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const results = new Array<T>(jobs.length);
  let next = 0;
  async function worker() {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

/** A one-line error report and nothing that looks like a stack trace. */
export function oneLine(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.length > 0);
}
