// Where the tap's frames live (docs/tap.md): the newest ones in memory, up to a bound
// (./memory-ring.ts), and every one of them in a JSON-lines spool on disk, written as it arrives
// (./spool.ts). Older frames are read back from the spool, so `frames(after, limit)` never has a
// gap however far back it reaches. Subscribers hear of new frames in batches (./batch-emitter.ts).
import type { CaptureFile, CapturedConnection, CapturedFrame, ConnectionWho } from '../../src/lib/protocol/capture.ts';
import { systemClock, type Clock } from '../clock.ts';
import { BatchEmitter, type ConnectionListener, type FramesListener } from './batch-emitter.ts';
import { MemoryRing } from './memory-ring.ts';
import { Spool, type SpoolError } from './spool.ts';

/** names waiting for their connection: the demo's own few, so a small bound */
const MAX_PENDING_NAMES = 64;

export { BATCH_MS, type ConnectionListener, type FramesListener } from './batch-emitter.ts';
export { SpoolError, spoolLine } from './spool.ts';

export const DEFAULT_MEMORY_FRAMES = 10_000;
/** Base64 of the frames kept in memory, counted in characters (≈ bytes of heap). */
export const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

export interface CaptureStoreOptions {
  /** the JSON-lines spool; default a file in a fresh os.tmpdir() folder, removed by close() */
  spoolPath?: string;
  /** frames kept in memory (newest); older ones are read back from the spool */
  memoryFrames?: number;
  /** and at most this many characters of base64 in memory */
  memoryBytes?: number;
  /** the pcapng written beside the spool, if any (for the API's download) */
  pcapngPath?: string | null;
  /** times the subscribers' batches (default systemClock) */
  clock?: Clock;
}

export class CaptureStore {
  readonly spoolPath: string;
  readonly pcapngPath: string | null;
  readonly memoryFrames: number;
  readonly memoryBytes: number;

  private readonly spool: Spool;
  private readonly ring: MemoryRing;
  private readonly emitter: BatchEmitter;
  private last = 0;
  private readonly conns = new Map<number, CapturedConnection>();
  /** names said before the tap accepted their connection, by client address */
  private readonly names = new Map<string, ConnectionWho>();

  constructor(o: CaptureStoreOptions = {}) {
    this.memoryFrames = Math.max(1, Math.floor(o.memoryFrames ?? DEFAULT_MEMORY_FRAMES));
    this.memoryBytes = Math.max(1, Math.floor(o.memoryBytes ?? DEFAULT_MEMORY_BYTES));
    this.pcapngPath = o.pcapngPath ?? null;
    this.spool = new Spool(o.spoolPath);
    this.spoolPath = this.spool.path;
    this.ring = new MemoryRing(this.memoryFrames, this.memoryBytes);
    this.emitter = new BatchEmitter(o.clock ?? systemClock);
  }

  /** set when the spool failed; frames evicted from memory since then cannot be read back */
  get spoolError(): SpoolError | null {
    return this.spool.error;
  }

  /** seq of the newest frame; 0 when there is none */
  get lastSeq(): number {
    return this.last;
  }

  /** every frame appended so far */
  get count(): number {
    return this.spool.count;
  }

  /** frame subscribers listening now */
  get subscribers(): number {
    return this.emitter.subscribers;
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
    this.spool.append(frames);
    for (let i = 0; i < frames.length; i++) this.ring.push(frames[i], raws?.[i]);
    this.last = prev;
    this.ring.evict();
    this.emitter.frames(frames);
  }

  /** Frames with seq > after, ascending, at most `limit`; from memory, or read back from the spool. */
  frames(after: number, limit: number): CapturedFrame[] {
    const n = Math.max(0, Math.floor(limit));
    if (n === 0 || !(after < this.last)) return [];
    const total = this.spool.count;
    const first = this.spool.indexAfter(Number.isFinite(after) ? after : -1);
    const end = Math.min(total, first + n);
    const inMemory = total - this.ring.size; // index of the oldest frame in memory
    const out: CapturedFrame[] = [];
    if (first < inMemory) out.push(...this.spool.read(first, Math.min(end, inMemory)));
    for (let i = Math.max(first, inMemory); i < end; i++) out.push(this.ring.at(i - inMemory));
    return out;
  }

  /** Every connection seen, in the order they opened. */
  connections(): CapturedConnection[] {
    return [...this.conns.values()].map((c) => ({ ...c }));
  }

  /**
   * Say who is on the connection from `client` (host:port as the tap sees it): the demo names the
   * connections it opens itself. The tap may accept the connection before or after this call.
   */
  nameConnection(client: string, who: ConnectionWho): void {
    for (const c of this.conns.values()) {
      if (c.client !== client || c.closed !== undefined) continue;
      c.who = { ...who };
      this.emitter.connection(c, 'name');
      return;
    }
    this.names.set(client, { ...who });
    if (this.names.size > MAX_PENDING_NAMES) this.names.delete(this.names.keys().next().value!);
  }

  /** Record a new connection (the tap calls this when it accepts one). */
  openConnection(c: CapturedConnection): void {
    const kept = { ...c };
    const who = this.names.get(c.client);
    if (who) {
      kept.who = who;
      this.names.delete(c.client);
    }
    this.conns.set(c.conn, kept);
    this.emitter.connection(kept, 'open');
  }

  /** Record that a connection ended; `error` when a socket failed (ECONNREFUSED, ECONNRESET …). */
  closeConnection(conn: number, closed: number, error?: { code: string; message: string }): void {
    const c = this.conns.get(conn);
    if (!c || c.closed !== undefined) return;
    c.closed = closed;
    if (error) c.error = error;
    this.emitter.connection(c, 'close');
  }

  /**
   * Hear about new frames, in batches: at once (next turn of the event loop) when none was sent
   * in the last BATCH_MS, otherwise together at most every BATCH_MS. Returns the unsubscribe.
   */
  subscribe(listener: FramesListener): () => void {
    return this.emitter.subscribe(listener);
  }

  /** Hear about connections opening and closing (one call each, not batched). */
  watchConnections(listener: ConnectionListener): () => void {
    return this.emitter.watchConnections(listener);
  }

  /** The whole capture as the JSON file of src/lib/protocol/capture.ts (frames read back from the spool). */
  toCaptureFile(): CaptureFile {
    return {
      format: 'cbc-lab-capture',
      version: 1,
      connections: this.connections(),
      frames: this.frames(0, Number.MAX_SAFE_INTEGER)
    };
  }

  /** Deliver pending batches now (the tap calls this when it closes). */
  flushListeners(): void {
    this.emitter.flush();
  }

  /**
   * Deliver what is pending and close the spool for writing; a temporary spool is removed, a kept
   * one can still be read by frames() and toCaptureFile(). Idempotent.
   */
  close(): void {
    this.flushListeners();
    this.spool.close();
  }
}
