// Where the tap's frames live (docs/tap.md): the newest ones in memory, up to a bound, and every
// one of them in a JSON-lines spool on disk, written as it arrives. Older frames are read back
// from the spool through an index of seq → byte offset, so `frames(after, limit)` never has a gap
// however far back it reaches. One CapturedFrame per spool line, in seq order: the spool is also
// the `--json` output of `cbc-lab tap`, readable with any JSON-lines tool.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CaptureFile, CapturedConnection, CapturedFrame } from '../src/lib/protocol/capture.ts';

export const DEFAULT_MEMORY_FRAMES = 10_000;
/** Base64 of the frames kept in memory, counted in characters (≈ bytes of heap). */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;
/** Subscribers hear at most one batch per this many ms while frames flood in. */
export const BATCH_MS = 20;

export interface CaptureStoreOptions {
  /** the JSON-lines spool; default a file in a fresh os.tmpdir() folder, removed by close() */
  spoolPath?: string;
  /** frames kept in memory (newest); older ones are read back from the spool */
  memoryFrames?: number;
  /** and at most this many characters of base64 in memory */
  memoryBytes?: number;
  /** the pcapng written beside the spool, if any (for the API's download) */
  pcapngPath?: string | null;
}

export type FramesListener = (frames: CapturedFrame[]) => void;
export type ConnectionListener = (connection: CapturedConnection, event: 'open' | 'close') => void;

/** The spool could not be written or read back: frames() cannot answer without a gap. */
export class SpoolError extends Error {
  readonly code = 'ERR_SPOOL';
  constructor(message: string) {
    super(message);
    this.name = 'SpoolError';
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

export class CaptureStore {
  readonly spoolPath: string;
  readonly pcapngPath: string | null;
  readonly memoryFrames: number;
  readonly memoryBytes: number;
  /** set when the spool failed; frames evicted from memory since then cannot be read back */
  spoolError: SpoolError | null = null;

  private fd: number | null;
  private readonly tempDir: string | null;
  private spoolLength = 0;
  // The index: i-th frame ever appended has seq seqs[i] and starts at offsets[i] in the spool.
  private readonly seqs = new NumberList();
  private readonly offsets = new NumberList();
  // The memory ring: ring[ringStart..] are the newest frames, ascending. Where ringRaw[i] is set,
  // ring[i] is the frame without its base64 (bytes: '') and ringRaw[i] the bytes it encodes: the
  // frame's base64 string then dies young instead of being promoted and copied by the GC while it
  // waits in memory (that was a fifth of the tap's CPU on bulk traffic), and it is remade on read.
  private ring: CapturedFrame[] = [];
  private ringRaw: (Uint8Array | null)[] = [];
  private ringStart = 0;
  private ringChars = 0;
  private last = 0;
  private readonly conns = new Map<number, CapturedConnection>();
  private readonly listeners = new Set<FramesListener>();
  private readonly connListeners = new Set<ConnectionListener>();
  private pending: CapturedFrame[] = [];
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private lastEmit = 0;

  constructor(o: CaptureStoreOptions = {}) {
    this.memoryFrames = Math.max(1, Math.floor(o.memoryFrames ?? DEFAULT_MEMORY_FRAMES));
    this.memoryBytes = Math.max(1, Math.floor(o.memoryBytes ?? DEFAULT_MEMORY_BYTES));
    this.pcapngPath = o.pcapngPath ?? null;
    if (o.spoolPath) {
      this.tempDir = null;
      this.spoolPath = o.spoolPath;
    } else {
      this.tempDir = mkdtempSync(join(tmpdir(), 'cbc-lab-spool-'));
      this.spoolPath = join(this.tempDir, 'frames.jsonl');
    }
    // 'w+': a new capture starts empty, and the same descriptor reads older frames back.
    this.fd = openSync(this.spoolPath, 'w+');
  }

  /** seq of the newest frame; 0 when there is none */
  get lastSeq(): number {
    return this.last;
  }

  /** every frame appended so far */
  get count(): number {
    return this.seqs.length;
  }

  /** Append one frame; its seq must be above lastSeq. */
  append(frame: CapturedFrame): void {
    this.appendMany([frame]);
  }

  /**
   * Append frames (ascending seq, each above lastSeq) with one write to the spool: the tap hands
   * over all frames of one received chunk at once. Written before this returns. `raws[i]`, when
   * given, are the bytes whose base64 is frames[i].bytes: memory then holds those instead.
   */
  appendMany(frames: CapturedFrame[], raws?: readonly (Uint8Array | null | undefined)[]): void {
    if (frames.length === 0) return;
    let prev = this.last;
    for (const f of frames) {
      if (!Number.isSafeInteger(f.seq) || f.seq <= prev) {
        throw new RangeError(`capture store: expected frames with seq above ${prev}, in order, got seq ${f.seq}`);
      }
      prev = f.seq;
    }
    const lines = frames.map(spoolLine);
    // base64, numbers and the names are ASCII; only an error message may hold other characters
    const sizes = lines.map((l, i) => (frames[i].error ? Buffer.byteLength(l) : l.length));
    const text = lines.length === 1 ? lines[0] : lines.join('');
    let at = this.spoolLength;
    this.writeSpool(text, sizes.reduce((a, b) => a + b, 0));
    for (let i = 0; i < frames.length; i++) {
      this.seqs.push(frames[i].seq);
      this.offsets.push(at);
      at += sizes[i];
      const raw = raws?.[i];
      this.ring.push(raw ? { ...frames[i], bytes: '' } : frames[i]);
      this.ringRaw.push(raw ?? null);
      this.ringChars += frames[i].bytes.length;
    }
    this.last = prev;
    this.evict();
    for (const f of frames) this.pending.push(f);
    this.schedule();
  }

  /** Frames with seq > after, ascending, at most `limit`; from memory, or read back from the spool. */
  frames(after: number, limit: number): CapturedFrame[] {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0 || !(after < this.last)) return [];
    const first = this.seqs.upperBound(Number.isFinite(after) ? after : -1);
    const end = Math.min(this.seqs.length, first + n);
    const inMemory = this.seqs.length - (this.ring.length - this.ringStart); // index of ring[ringStart]
    const out: CapturedFrame[] = [];
    if (first < inMemory) out.push(...this.readSpool(first, Math.min(end, inMemory)));
    for (let i = Math.max(first, inMemory); i < end; i++) out.push(this.ringFrame(this.ringStart + (i - inMemory)));
    return out;
  }

  /** Every connection seen, in the order they opened. */
  connections(): CapturedConnection[] {
    return [...this.conns.values()].map((c) => ({ ...c }));
  }

  /** Record a new connection (the tap calls this when it accepts one). */
  openConnection(c: CapturedConnection): void {
    this.conns.set(c.conn, { ...c });
    this.emitConnection(c.conn, 'open');
  }

  /** Record that a connection ended; `error` when a socket failed (ECONNREFUSED, ECONNRESET …). */
  closeConnection(conn: number, closed: number, error?: { code: string; message: string }): void {
    const c = this.conns.get(conn);
    if (!c || c.closed !== undefined) return;
    c.closed = closed;
    if (error) c.error = error;
    this.emitConnection(conn, 'close');
  }

  /**
   * Hear about new frames, in batches: at once (next turn of the event loop) when none was sent
   * in the last BATCH_MS, otherwise together at most every BATCH_MS. Returns the unsubscribe.
   */
  subscribe(listener: FramesListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Hear about connections opening and closing (one call each, not batched). */
  watchConnections(listener: ConnectionListener): () => void {
    this.connListeners.add(listener);
    return () => void this.connListeners.delete(listener);
  }

  /** The whole capture as the JSON file of src/lib/protocol/capture.ts (frames read back from the spool). */
  toCaptureFile(): CaptureFile {
    return { format: 'cbc-lab-capture', version: 1, connections: this.connections(), frames: this.frames(0, Number.MAX_SAFE_INTEGER) };
  }

  /** Deliver pending batches now (the tap calls this when it closes). */
  flushListeners(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = null;
    }
    this.emit();
  }

  /**
   * Deliver what is pending and close the spool for writing; a temporary spool is removed, a kept
   * one can still be read by frames() and toCaptureFile(). Idempotent.
   */
  close(): void {
    this.flushListeners();
    if (this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true });
  }

  private writeSpool(text: string, length: number): void {
    if (this.fd === null || this.spoolError) {
      if (!this.spoolError) this.spoolError = new SpoolError(`capture spool ${this.spoolPath}: closed; frames from now on are kept in memory only (up to the bound)`);
      return;
    }
    try {
      // A string goes to the kernel without a JS Buffer in between; a short write (rare on a file) finishes from a Buffer.
      let at = writeSync(this.fd, text, this.spoolLength, 'utf8');
      if (at < length) {
        const buf = Buffer.from(text);
        while (at < length) at += writeSync(this.fd, buf, at, length - at, this.spoolLength + at);
      }
      this.spoolLength += length;
    } catch (err) {
      this.spoolError = new SpoolError(`capture spool ${this.spoolPath}: cannot write (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); frames from now on are kept in memory only (up to the bound)`);
    }
  }

  /** Index range [from, to) of the spool, parsed. */
  private readSpool(from: number, to: number): CapturedFrame[] {
    if (this.spoolError) throw this.spoolError;
    if (this.fd === null && this.tempDir) throw new SpoolError(`capture spool ${this.spoolPath}: closed and removed; older frames cannot be read back`);
    const start = this.offsets.data[from];
    const end = to < this.offsets.length ? this.offsets.data[to] : this.spoolLength;
    const buf = Buffer.allocUnsafe(end - start);
    let got = 0;
    // After close() a kept spool is still read, from a descriptor opened for this read only.
    let fd: number;
    try {
      fd = this.fd ?? openSync(this.spoolPath, 'r');
    } catch (err) {
      throw new SpoolError(`capture spool ${this.spoolPath}: cannot be read back (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, start + got);
        if (n === 0) throw new SpoolError(`capture spool ${this.spoolPath}: ends at byte ${start + got}, expected ${end}; was it truncated?`);
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

  private ringFrame(i: number): CapturedFrame {
    const raw = this.ringRaw[i];
    if (!raw) return this.ring[i];
    return { ...this.ring[i], bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  }

  /** characters of base64 ring[i] stands for */
  private ringCharsAt(i: number): number {
    const raw = this.ringRaw[i];
    return raw ? 4 * Math.ceil(raw.byteLength / 3) : this.ring[i].bytes.length;
  }

  private evict(): void {
    let live = this.ring.length - this.ringStart;
    // Frames that could not be spooled stay in memory only within the bound; keep at least one.
    while (live > 1 && (live > this.memoryFrames || this.ringChars > this.memoryBytes)) {
      this.ringChars -= this.ringCharsAt(this.ringStart);
      this.ring[this.ringStart] = undefined as unknown as CapturedFrame;
      this.ringRaw[this.ringStart] = null;
      this.ringStart++;
      live--;
    }
    if (this.ringStart > 1024 && this.ringStart * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.ringStart);
      this.ringRaw = this.ringRaw.slice(this.ringStart);
      this.ringStart = 0;
    }
  }

  private schedule(): void {
    if (this.timer || this.listeners.size === 0) {
      if (this.listeners.size === 0) this.pending = [];
      return;
    }
    const wait = this.lastEmit + BATCH_MS - performance.now();
    if (wait <= 0) this.timer = setImmediate(() => this.emit());
    else this.timer = setTimeout(() => this.emit(), wait);
  }

  private emit(): void {
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.lastEmit = performance.now();
    for (const l of [...this.listeners]) {
      try {
        l(batch);
      } catch (err) {
        // One broken subscriber must not stop the capture nor the others.
        process.emitWarning(`capture store: a frames listener threw: ${(err as Error)?.message ?? err}`);
      }
    }
  }

  private emitConnection(conn: number, event: 'open' | 'close'): void {
    const c = this.conns.get(conn);
    if (!c) return;
    // Frames still waiting for their batch go first, so a listener of both hears them in order.
    if (this.connListeners.size > 0 && this.pending.length > 0) this.flushListeners();
    for (const l of [...this.connListeners]) {
      try {
        l({ ...c }, event);
      } catch (err) {
        process.emitWarning(`capture store: a connection listener threw: ${(err as Error)?.message ?? err}`);
      }
    }
  }
}
