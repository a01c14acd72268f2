// What a command may touch, handed to it: standard input and output, the environment, and where
// stop requests come from. server/cli/main.ts passes this process's; tests pass their own streams
// and run a command in process, seeing exactly what a spawned run would print and return.
// The shell's contract, for every command: exit 0 on success; 1 when the data cannot be processed
// (one `cbc-lab: CODE: …` line on stderr); 2 for usage errors (the error line, then the usage).
import { isCodedError } from '../../src/lib/errors/coded-error.ts';

export const EXIT_OK = 0;
/** the data cannot be encrypted or decrypted as given */
export const EXIT_DATA = 1;
/** the command line is wrong */
export const EXIT_USAGE = 2;

export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/** Where a long-running command hears "stop": this process's signals, or a test's emitter. */
export interface StopSignals {
  on(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
  off(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
}

export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** raw bytes or text */
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  /** default: this process */
  signals?: StopSignals;
}

export function stopSignals(io: CliIo): StopSignals {
  return io.signals ?? (process as unknown as StopSignals);
}

/** Resolves at the first of `signals` (default SIGINT and SIGTERM), with its listeners removed. */
export function untilStopped(io: CliIo, signals: readonly StopSignal[] = ['SIGINT', 'SIGTERM']): Promise<StopSignal> {
  const source = stopSignals(io);
  return new Promise((resolve) => {
    const stop = (signal: StopSignal) => {
      for (const s of signals) source.off(s, stop);
      resolve(signal);
    };
    for (const s of signals) source.on(s, stop);
  });
}

/**
 * All of standard input as bytes; with `maxBytes`, it stops reading one byte past that (the caller
 * refuses), so a 1 GB pipe is never held.
 */
export async function readStdin(io: CliIo, maxBytes = Infinity): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of io.stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    chunks.push(bytes);
    n += bytes.length;
    if (n > maxBytes) break;
  }
  const all = Buffer.concat(chunks);
  return new Uint8Array(all.buffer, all.byteOffset, all.length);
}

/** One line, never a stack: `cbc-lab: CODE: message`. */
export function errorLine(err: unknown): string {
  if (isCodedError(err)) return `cbc-lab: ${err.code}: ${err.message}\n`;
  const msg = err instanceof Error ? err.message : String(err);
  return `cbc-lab: unexpected error: ${msg.split('\n')[0]}\n`;
}

/** This process's streams, environment and signals. */
export function processIo(): CliIo {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signals: process as unknown as StopSignals
  };
}
