// Run the CLI: in this process through runCli(argv, io) with streams of our own (fast: no tsx
// start-up per run, ~0.3 s), or the way a user does, `node server/cli.js …` in a child process with
// real pipes (for the few smoke tests that prove the bin itself, its signals and its pipes).
import { spawn, spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { join, dirname } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../server/cli/main.ts';
import type { CliIo, StopSignal } from '../../server/cli/io.ts';

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

export interface InProcessOptions {
  /** piped in and closed (an empty stdin when omitted) */
  stdin?: string | Uint8Array;
  /** default: this process's environment as it is at the call */
  env?: Record<string, string | undefined>;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
}

/** startInProcess's options: also a look at every stdout write as it happens (what was printed so far, and the signals' listeners then) */
export interface StartInProcessOptions extends Omit<InProcessOptions, 'stdin'> {
  onStdout?: (printed: string, signals: EventEmitter) => void;
}

/** A command running in this process: type into its stdin, read what it printed, signal it. */
export interface InProcessCli {
  stdin: PassThrough;
  /** stdout so far, as bytes and as UTF-8 */
  stdoutBytes(): Buffer;
  out(): string;
  err(): string;
  lines(): string[];
  /** what `kill -SIG` would be to a spawned run */
  signal(sig: StopSignal): void;
  /** its exit status */
  exited: Promise<number>;
}

function collector(
  isTTY: boolean,
  onWrite?: (all: Buffer) => void
): { stream: Writable & { isTTY?: boolean }; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(Buffer.from(chunk));
      onWrite?.(Buffer.concat(chunks));
      done();
    }
  }) as Writable & { isTTY?: boolean };
  if (isTTY) stream.isTTY = true;
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** `cbc-lab ARGS…` started in this process, its stdin left open (end it with `stdin.end()`). */
export function startInProcess(args: string[], o: StartInProcessOptions = {}): InProcessCli {
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  if (o.stdinIsTTY) stdin.isTTY = true;
  const signals = new EventEmitter();
  const stdout = collector(o.stdoutIsTTY === true, o.onStdout && ((all) => o.onStdout!(all.toString('utf8'), signals)));
  const stderr = collector(false);
  const io: CliIo = { stdin, stdout: stdout.stream, stderr: stderr.stream, env: o.env ?? { ...process.env }, signals };
  return {
    stdin,
    stdoutBytes: stdout.bytes,
    out: () => stdout.bytes().toString('utf8'),
    err: () => stderr.bytes().toString('utf8'),
    lines: () => stdout.bytes().toString('utf8').split('\n'),
    signal: (sig) => void signals.emit(sig, sig),
    exited: runCli(args, io)
  };
}

/** `cbc-lab ARGS…` in this process, run to its end: the same result as cli() gives for a spawned run. */
export async function inProcessCli(
  args: string[],
  stdin?: string | Uint8Array,
  o: Omit<InProcessOptions, 'stdin'> = {}
): Promise<CliResult> {
  const stdinStream = Readable.from(stdin === undefined ? [] : [Buffer.from(stdin)]) as Readable & { isTTY?: boolean };
  if (o.stdinIsTTY) stdinStream.isTTY = true;
  const stdout = collector(o.stdoutIsTTY === true);
  const stderr = collector(false);
  const io: CliIo = {
    stdin: stdinStream,
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: o.env ?? { ...process.env },
    signals: new EventEmitter()
  };
  const code = await runCli(args, io);
  const bytes = stdout.bytes();
  return { code, stdout: bytes, out: bytes.toString('utf8'), stderr: stderr.bytes().toString('utf8') };
}

/** `cbc-lab ARGS…` in this process: its exit status and what it printed (stdout as text). */
export async function inProcess(
  args: string[],
  o: InProcessOptions = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await inProcessCli(args, o.stdin, o);
  return { code: r.code!, stdout: r.out, stderr: r.stderr };
}

/** `openssl enc -aes-N-cbc -K key -iv iv [-d] [-nopad]` on raw bytes; returns raw bytes. */
export function openssl(
  opts: { keyHex: string; ivHex: string; decrypt?: boolean; nopad?: boolean },
  input: Uint8Array
): Buffer {
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
