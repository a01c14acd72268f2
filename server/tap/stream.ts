// One direction of a proxied connection, reassembled into frames with the pure decoder of
// src/lib/protocol (docs/tap.md, "What it records" and "Malformed traffic"). It keeps the bytes
// not yet wholly inside a frame, so that when the decoder rejects the stream the 'unknown' frame
// holds exactly the bytes from the start of the frame it was reading; from then on every chunk is
// one more 'unknown' frame (the stream cannot be resynchronised, docs/protocol.md §6.2).
import { FrameDecoder, FrameError, type LineFrame } from '../../src/lib/protocol/index.ts';
import type { CapturedFrame, Direction } from '../../src/lib/protocol/capture.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { frameRecord, unknownRecord } from './records.ts';

/** Where a stream's records go, and the counters they move. */
export interface StreamOutput {
  /** the next capture-wide seq */
  nextSeq(): number;
  /** frames completed outside a chunk (at a pause, at the end): recorded at once */
  late(frames: CapturedFrame[], raws?: Uint8Array[]): void;
  /** one more 'unknown' frame */
  countError(): void;
}

export interface StreamOptions {
  /** the decoder's limit (docs/protocol.md §3.4) */
  maxPayload?: number;
  /** §5.2: the pause that ends a line without a line end */
  linePauseMs: number;
  clock: Clock;
  /** wall time in ms (µs precision) for a record made outside a chunk */
  wallMs: () => number;
}

/** What one chunk gave: its frames, the bytes each encodes where known, and the code for the pcapng comment. */
export interface ChunkRecords {
  frames: CapturedFrame[];
  raws: Uint8Array[];
  note?: string;
}

export class DirectionStream {
  readonly decoder: FrameDecoder;
  ended = false;
  /** the stream ended inside a frame: no chunk carried that code, so the pcapng's closing packets do */
  endNote: string | null = null;
  /** received chunks not yet wholly inside frames; held[0] starts at stream offset heldStart */
  private held: Buffer[] = [];
  private heldStart = 0;
  /** once set, every later chunk becomes an 'unknown' frame with this code */
  private error: { code: string; message: string; at: number } | null = null;
  private pauseTimer: TimerHandle | null = null;
  /** monotonic ms at which the bytes pending form a line (§5.2): the pause after the last of them */
  private pauseDue = 0;
  /** wall ms of the last chunk: a line cut at a pause is stamped with it */
  private lastTime = 0;

  constructor(
    readonly conn: number,
    readonly dir: Direction,
    private readonly out: StreamOutput,
    private readonly o: StreamOptions
  ) {
    // raw bytes are recorded as a message (§5.6) so that /live shows what a seed program sent
    this.decoder = new FrameDecoder({ framing: 'auto', maxPayload: o.maxPayload, raw: 'accept' });
  }

  /** One chunk read from the socket, at wall time `time` (ms). The caller records what it returns, in order. */
  push(chunk: Buffer, time: number): ChunkRecords {
    const frames: CapturedFrame[] = [];
    const raws: Uint8Array[] = []; // what each frame's base64 encodes: the store keeps these in memory
    let note: string | undefined;
    if (this.error) {
      frames.push(unknownRecord(this.place(time), chunk, this.afterError()));
      raws.push(chunk);
      this.out.countError();
      note = this.error.code;
    } else {
      this.held.push(chunk);
      try {
        this.decoder.push(chunk, (f) => {
          frames.push(frameRecord(this.place(time), f));
          raws.push(f.raw);
        });
        this.trim();
        if (this.decoder.framing === 'line' && this.decoder.pending > 0) this.armPause();
      } catch (err) {
        frames.push(this.failed(err, time));
        note = this.error!.code;
      }
    }
    this.lastTime = time;
    return { frames, raws, note };
  }

  /** The sending side closed its stream (`fin`) or went away: a partial frame left over is truncated. */
  end(fin: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.o.clock.clearTimeout(this.pauseTimer ?? undefined);
    this.pauseTimer = null;
    if (this.error) return;
    try {
      this.decoder.end(fin ? this.recordLast : undefined); // after a FIN, a last line without its end is a message (§5.2)
    } catch (err) {
      const f = this.failed(err, this.o.wallMs());
      this.endNote = `${f.error!.code} (${this.dir})`;
      this.out.late([f]);
    }
  }

  private place(time: number) {
    return { seq: this.out.nextSeq(), time, conn: this.conn, dir: this.dir };
  }

  /** A line message taken at a pause or at the end (§5.2), stamped with the time of its last byte. */
  private readonly recordLast = (f: LineFrame): void => {
    this.out.late([frameRecord(this.place(this.lastTime), f)], [f.raw]);
    this.trim();
  };

  /**
   * §5.2: the tap cuts a line without a line end where the server does, after the same pause since
   * its last byte. One timer per stream: a chunk moves the deadline, and a timer that fires early
   * waits out the rest.
   */
  private armPause(): void {
    this.pauseDue = this.o.clock.monotonic() + this.o.linePauseMs;
    if (!this.pauseTimer) this.schedulePause(this.o.linePauseMs);
  }

  private schedulePause(ms: number): void {
    this.pauseTimer = this.o.clock
      .setTimeout(() => {
        this.pauseTimer = null;
        const left = this.pauseDue - this.o.clock.monotonic();
        if (left > 0) return this.schedulePause(left);
        if (this.error || this.ended) return;
        try {
          this.decoder.pause(this.recordLast);
        } catch (err) {
          this.out.late([this.failed(err, this.lastTime)]);
        }
      }, ms)
      .unref();
  }

  /** The decoder failed: the bytes from the start of the frame it was reading to the end of what it holds. */
  private failed(err: unknown, time: number): CapturedFrame {
    const e =
      err instanceof FrameError
        ? err
        : new FrameError('ERR_INTERNAL', `tap: the decoder failed unexpectedly: ${(err as Error)?.message ?? err}`);
    const at = this.decoder.offset;
    const parts: Buffer[] = [];
    let pos = this.heldStart;
    for (const c of this.held) {
      const from = Math.max(0, at - pos);
      if (from < c.length) parts.push(from === 0 ? c : c.subarray(from));
      pos += c.length;
    }
    this.held = [];
    this.error = { code: e.code, message: e.message, at };
    this.out.countError();
    return unknownRecord(this.place(time), parts.length === 1 ? parts[0] : Buffer.concat(parts), e);
  }

  private afterError(): { code: string; message: string } {
    return {
      code: this.error!.code,
      message: `not decoded: this stream lost its framing at byte ${this.error!.at} (${this.error!.code}); the bytes are shown as they were on the wire`
    };
  }

  /** Drop held chunks that lie wholly inside frames already handed out. */
  private trim(): void {
    const done = this.decoder.offset;
    let k = 0;
    let start = this.heldStart;
    while (k < this.held.length && start + this.held[k].length <= done) start += this.held[k++].length;
    if (k > 0) {
      this.held = k === this.held.length ? [] : this.held.slice(k);
      this.heldStart = start;
    }
  }
}
