// The capture's JSON-lines spool (docs/tap.md, "The spool and the memory bound"): every frame,
// one CapturedFrame per line in seq order, written as it arrives, and an index of seq → byte
// offset so that any run of frames is read back with one read of its byte range. The spool is
// also the `--json` output of `cbc-lab tap`, readable with any JSON-lines tool.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '../../src/lib/errors/coded-error.ts';
import type { CapturedFrame } from '../../src/lib/protocol/capture.ts';

/** The spool could not be written or read back: frames() cannot answer without a gap (docs/errors.md). */
export class SpoolError extends CodedError<'ERR_SPOOL'> {
  constructor(message: string) {
    super('ERR_SPOOL', message);
  }
}

/** A growable Float64Array (seq numbers and offsets stay exact up to 2^53). */
class NumberList {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** index of the first element > v (the list is ascending) */
  upperBound(v: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.data[mid] > v) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

const PLAIN = /^[\w.+/=-]*$/; // needs no JSON escaping

/**
 * JSON.stringify(frame) + "\n", without scanning and copying the (large) base64 text once more:
 * the base64 string is only concatenated. Anything unusual goes through JSON.stringify.
 */
export function spoolLine(f: CapturedFrame): string {
  const plain =
    PLAIN.test(f.dir) &&
    PLAIN.test(f.framing) &&
    (f.type === undefined || PLAIN.test(f.type)) &&
    (f.suite === undefined || PLAIN.test(f.suite)) &&
    Number.isFinite(f.seq) &&
    Number.isFinite(f.time) &&
    Number.isFinite(f.conn) &&
    Number.isFinite(f.length) &&
    (f.frameSeq === undefined || Number.isFinite(f.frameSeq)) &&
    Object.keys(f).length <= 10;
  if (!plain) {
    return JSON.stringify(f) + '\n';
  }
  let s = `{"seq":${f.seq},"time":${f.time},"conn":${f.conn},"dir":"${f.dir}","framing":"${f.framing}"`;
  if (f.type !== undefined) s += `,"type":"${f.type}"`;
  if (f.suite !== undefined) s += `,"suite":"${f.suite}"`;
  if (f.frameSeq !== undefined) s += `,"frameSeq":${f.frameSeq}`;
  s += `,"length":${f.length},"bytes":"` + f.bytes + '"';
  if (f.error !== undefined) s += `,"error":${JSON.stringify({ code: f.error.code, message: f.error.message })}`;
  return s + '}\n';
}

export class Spool {
  readonly path: string;
  /** set when a write failed; frames from then on are not on disk */
  error: SpoolError | null = null;

  private fd: number | null;
  private readonly tempDir: string | null;
  private length = 0;
  // The index: i-th frame ever appended has seq seqs[i] and starts at offsets[i] in the spool.
  private readonly seqs = new NumberList();
  private readonly offsets = new NumberList();

  /** `path` undefined: a file in a fresh os.tmpdir() folder, removed by close(). */
  constructor(path?: string) {
    if (path) {
      this.tempDir = null;
      this.path = path;
    } else {
      this.tempDir = mkdtempSync(join(tmpdir(), 'cbc-lab-spool-'));
      this.path = join(this.tempDir, 'frames.jsonl');
    }
    // 'w+': a new capture starts empty, and the same descriptor reads older frames back.
    this.fd = openSync(this.path, 'w+');
  }

  /** frames indexed so far (written, or lost to a write error) */
  get count(): number {
    return this.seqs.length;
  }

  /** index of the first frame with seq > after */
  indexAfter(after: number): number {
    return this.seqs.upperBound(after);
  }

  /** Write frames (ascending seq, checked by the caller) with one write, and index them. */
  append(frames: readonly CapturedFrame[]): void {
    const lines = frames.map(spoolLine);
    // base64, numbers and the names are ASCII; only an error message may hold other characters
    const sizes = lines.map((l, i) => (frames[i].error ? Buffer.byteLength(l) : l.length));
    const text = lines.length === 1 ? lines[0] : lines.join('');
    let at = this.length;
    this.write(
      text,
      sizes.reduce((a, b) => a + b, 0)
    );
    for (let i = 0; i < frames.length; i++) {
      this.seqs.push(frames[i].seq);
      this.offsets.push(at);
      at += sizes[i];
    }
  }

  /** Index range [from, to) of the spool, parsed. */
  read(from: number, to: number): CapturedFrame[] {
    if (this.error) throw this.error;
    if (this.fd === null && this.tempDir)
      throw new SpoolError(`capture spool ${this.path}: closed and removed; older frames cannot be read back`);
    const start = this.offsets.data[from];
    const end = to < this.offsets.length ? this.offsets.data[to] : this.length;
    const buf = Buffer.allocUnsafe(end - start);
    let got = 0;
    // After close() a kept spool is still read, from a descriptor opened for this read only.
    let fd: number;
    try {
      fd = this.fd ?? openSync(this.path, 'r');
    } catch (err) {
      throw new SpoolError(
        `capture spool ${this.path}: cannot be read back (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`
      );
    }
    try {
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, start + got);
        if (n === 0)
          throw new SpoolError(
            `capture spool ${this.path}: ends at byte ${start + got}, expected ${end}; was it truncated?`
          );
        got += n;
      }
    } finally {
      if (fd !== this.fd) closeSync(fd);
    }
    const out: CapturedFrame[] = [];
    let at = 0;
    while (at < buf.length) {
      const nl = buf.indexOf(10, at);
      const lineEnd = nl < 0 ? buf.length : nl;
      out.push(JSON.parse(buf.toString('utf8', at, lineEnd)) as CapturedFrame);
      at = lineEnd + 1;
    }
    return out;
  }

  /** Close for writing; a temporary spool is removed, a kept one can still be read. Idempotent. */
  close(): void {
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }

  private write(text: string, length: number): void {
    if (this.fd === null || this.error) {
      if (!this.error)
        this.error = new SpoolError(
          `capture spool ${this.path}: closed; frames from now on are kept in memory only (up to the bound)`
        );
      return;
    }
    try {
      // A string goes to the kernel without a JS Buffer in between; a short write (rare on a file) finishes from a Buffer.
      let at = writeSync(this.fd, text, this.length, 'utf8');
      if (at < length) {
        const buf = Buffer.from(text);
        while (at < length) at += writeSync(this.fd, buf, at, length - at, this.length + at);
      }
      this.length += length;
    } catch (err) {
      this.error = new SpoolError(
        `capture spool ${this.path}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); frames from now on are kept in memory only (up to the bound)`
      );
    }
  }
}
