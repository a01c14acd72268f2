// The server's log (docs/protocol.md §8.5): JSON lines of wire bytes and codes only. No key, no
// plaintext, no names: what a line holds is chosen by the callers, who log ciphertext as it went
// on the wire; this file only stamps and writes.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Clock } from '../clock.ts';

export type LogEntry = Record<string, unknown>;

/** Entries are buffered and written once per turn of the event loop (or every 4096 entries). */
export class JsonLog {
  private stream: WriteStream | null;
  private buf: string[] = [];
  private flushScheduled = false;
  private lastMs = NaN;
  private lastIso = '';

  constructor(
    path: string | null,
    private readonly clock: Clock
  ) {
    this.stream = path ? createWriteStream(path, { flags: 'a' }) : null;
    this.stream?.on('error', (err) => {
      process.stderr.write(`cbc-lab server: cannot write the log ${path}: ${err.message}; logging stops\n`);
      this.stream = null;
    });
  }

  /** false with no log (`--log none`): callers skip building entries nobody writes */
  get enabled(): boolean {
    return this.stream !== null;
  }

  write(entry: LogEntry): void {
    if (!this.stream) return;
    // one ISO time string per millisecond, and no object spread: this runs once per frame
    const now = this.clock.now();
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.lastIso = new Date(now).toISOString();
    }
    this.buf.push(`{"time":"${this.lastIso}",${JSON.stringify(entry).slice(1)}`);
    if (this.buf.length >= 4096) this.flush();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  flush = (): void => {
    this.flushScheduled = false;
    if (!this.stream || this.buf.length === 0) return;
    this.stream.write(this.buf.join('\n') + '\n');
    this.buf = [];
  };

  close(): Promise<void> {
    this.flush();
    const s = this.stream;
    this.stream = null;
    return new Promise((resolve) => (s ? s.end(resolve) : resolve()));
  }
}
