// The way out (docs/protocol.md §8.2–§8.6): what each connection is sent, batched into one write
// per socket per turn; the room's notices sealed once per group (§8.4) or held for those who
// cannot be told yet (§8.2); and backpressure with slow readers (§8.6).
import type { Socket } from 'node:net';
import type { Conn, HeldNotice, Notice } from './conn.ts';
import type { Frames } from './frames.ts';
import type { JsonLog } from './log.ts';
import type { ChatLimits, ChatStats } from './options.ts';
import type { Room } from './room.ts';

/** One connection's frames on their way to its socket. */
export class Outbox {
  queue: Buffer[] = [];
  queuedBytes = 0;
  /** listed for the next flush */
  listed = false;
  /** monotonic ms when this reader went over the high-water mark; null while it is not backlogged */
  backlogSince: number | null = null;
  /**
   * §8.6 progress: what the kernel took, seen as writes completed and as the bytes of the write
   * in flight still to go (writableLength does not move until a whole write is done); while
   * backlogged, when that last moved.
   */
  writesDone = 0;
  lastWritesDone = 0;
  lastInFlight = 0;
  progressAt = 0;
  /** the callback of every write to this socket, made once */
  onWritten: (() => void) | null = null;

  /** Everything queued, plus `last`, as one buffer (null if nothing), and the queue emptied. */
  take(last: Buffer | null = null): Buffer | null {
    if (last) {
      this.queue.push(last);
      this.queuedBytes += last.length;
    }
    const data =
      this.queue.length === 0
        ? null
        : this.queue.length === 1
          ? this.queue[0]
          : Buffer.concat(this.queue, this.queuedBytes);
    this.queue = [];
    this.queuedBytes = 0;
    return data;
  }
}

export class Broadcaster {
  private listed: Conn[] = [];
  private flushScheduled = false;
  private readonly backlogged = new Set<Conn>();
  private paused = false;
  private resumeFrom = 0;
  /** true while the server shuts down: those who leave are not announced (§8.8 says bye to all) */
  quiet = false;

  constructor(
    private readonly limits: ChatLimits,
    private readonly room: Room,
    private readonly frames: Frames,
    private readonly log: JsonLog,
    private readonly stats: ChatStats
  ) {}

  /** §8.6: no input is read while some reader is backlogged. */
  get inputPaused(): boolean {
    return this.paused;
  }

  /** §8.4: seal once per framing and suite, not once per recipient; the same seq for all. */
  relay(type: Notice, from: Conn, text: string): void {
    const seq = this.frames.nextSeq();
    const groups = new Map<string, { frame: Buffer; to: number[] }>();
    const logged = this.log.enabled;
    let held: HeldNotice | null = null;
    for (const r of this.room.conns) {
      if (r === from) continue;
      // §8.2: a connection whose framing is not known yet, or a line client not yet acked, hears later
      if (r.state === 'pending' || (r.state === 'in-room' && r.held)) {
        this.hold(r, (held ??= { type, text, sealed: null }));
        continue;
      }
      if (r.state !== 'in-room') continue;
      let g = groups.get(r.groupKey);
      if (!g) {
        g = { frame: this.frames.seal(r, type, text, seq), to: [] };
        groups.set(r.groupKey, g);
      }
      if (logged) g.to.push(r.id);
      this.send(r, g.frame);
    }
    if (logged) for (const [k, g] of groups) this.frames.logRelay(g.to, k, type, seq, g.frame);
  }

  /** §8.2: what the room said while this connection could not yet be told, in order. */
  release(c: Conn): void {
    const held = c.held;
    if (!held) return;
    c.held = null;
    c.heldBytes = 0;
    const k = c.groupKey;
    for (const h of held) {
      let frame = h.sealed?.get(k);
      if (!frame) {
        frame = this.frames.seal(c, h.type, h.text);
        (h.sealed ??= new Map()).set(k, frame);
      }
      this.send(c, this.frames.logOut(c, h.type, frame));
    }
  }

  /** A native connection hears nothing before its hello (§8.1): what was held for it goes. */
  discardHeld(c: Conn): void {
    c.held = null;
    c.heldBytes = 0;
  }

  private hold(c: Conn, h: HeldNotice): void {
    c.held!.push(h);
    c.heldBytes += h.text.length;
    if (c.heldBytes > this.limits.maxQueued) this.dropSlow(c); // §8.6: the same bound as a queue
  }

  send(c: Conn, frame: Buffer): void {
    if (!c.open) return;
    const o = c.outbox;
    o.queue.push(frame);
    o.queuedBytes += frame.length;
    this.stats.deliveries++;
    const queued = o.queuedBytes + c.socket.writableLength;
    if (queued > this.stats.peakQueuedBytes) this.stats.peakQueuedBytes = queued;
    if (queued > this.limits.maxQueued) {
      // §8.6: a reader this far behind is dropped at once, so its queue cannot grow the server's memory
      this.dropSlow(c);
      return;
    }
    if (o.backlogSince === null && queued > this.limits.highWater) this.backlog(c);
    if (!o.listed) {
      o.listed = true;
      this.listed.push(c);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.limits.scheduleFlush(this.flush);
      }
    }
  }

  /** Batch writes: everything queued for a socket since the last flush goes out as one write. */
  private flush = (): void => {
    this.flushScheduled = false;
    const list = this.listed;
    this.listed = [];
    for (const c of list) {
      c.outbox.listed = false;
      if (!c.open) continue;
      const data = c.outbox.take();
      if (!data) continue;
      c.socket.write(data, (c.outbox.onWritten ??= () => this.written(c)));
      if (c.socket.writableLength > this.limits.highWater) {
        if (c.outbox.backlogSince === null) this.backlog(c);
      } else if (c.outbox.backlogSince !== null) this.unbacklog(c); // the kernel took it all: no 'drain' will come
    }
  };

  /** A write to this socket completed: progress (§8.6). */
  private written(c: Conn): void {
    c.outbox.writesDone++;
    if (
      c.outbox.backlogSince !== null &&
      c.open &&
      c.outbox.queuedBytes + c.socket.writableLength <= this.limits.highWater
    )
      this.unbacklog(c);
  }

  /** The socket's 'drain'. */
  drained(c: Conn): void {
    if (c.outbox.backlogSince !== null && c.socket.writableLength <= this.limits.highWater) this.unbacklog(c);
  }

  /**
   * §8.6 backpressure: while any reader has more than the high-water mark unsent, the server
   * reads no input, so fast senders slow to the pace of the slowest reader instead of growing
   * queues. Only a reader that the kernel takes nothing from for slowReaderMs is dropped (sweep).
   */
  private backlog(c: Conn): void {
    const o = c.outbox;
    o.backlogSince = this.limits.clock.monotonic();
    o.progressAt = o.backlogSince;
    o.lastWritesDone = o.writesDone;
    o.lastInFlight = inFlight(c.socket);
    this.backlogged.add(c);
    if (!this.paused) {
      this.paused = true;
      for (const x of this.room.conns) x.socket.pause();
    }
  }

  /** Not backlogged (any more): when no reader is, input resumes. Also for a connection that is gone. */
  unbacklog(c: Conn): void {
    c.outbox.backlogSince = null;
    if (!this.backlogged.delete(c)) return;
    if (this.backlogged.size === 0 && this.paused) {
      this.paused = false;
      const now = this.limits.clock.monotonic();
      // Round robin: the first socket resumed is read first, and what it brings can pause the
      // room again before the others are read; starting one further each time, none starves.
      const all = [...this.room.conns];
      const start = this.resumeFrom++ % Math.max(1, all.length);
      for (let i = 0; i < all.length; i++) {
        const x = all[(start + i) % all.length];
        if (!x.open) continue;
        x.lastFrameAt = Math.max(x.lastFrameAt, now - this.limits.idleMs / 2); // time spent paused is not the peer's idleness
        x.socket.resume();
      }
    }
  }

  /** §8.6, from the sweep: a backlogged reader the kernel has taken nothing from for slowReaderMs goes. */
  dropStalled(now: number): void {
    for (const c of this.backlogged) {
      const o = c.outbox;
      // progress is bytes the kernel took: a write completed, or the one in flight went down
      const left = inFlight(c.socket);
      if (o.writesDone !== o.lastWritesDone || left < o.lastInFlight) o.progressAt = now;
      o.lastWritesDone = o.writesDone;
      o.lastInFlight = left;
      // not reading at all: the room stops waiting; a reader that reads, however slowly, stays
      if (now - o.progressAt > this.limits.slowMs) this.dropSlow(c);
    }
  }

  private dropSlow(c: Conn): void {
    this.stats.dropped++;
    this.log.write({
      event: 'error',
      conn: c.id,
      peer: c.peer,
      code: 'ERR_SLOW_READER',
      fatal: true,
      queued: c.outbox.queuedBytes + c.socket.writableLength
    });
    c.outbox.take();
    this.drop(c);
    c.socket.destroy();
    this.unbacklog(c);
  }

  /** Out of the room (the others hear a leave notice, §8.2) and closing. */
  drop(c: Conn): void {
    if (!c.open) return;
    if (this.room.leave(c) && !this.quiet) this.relay('leave', c, c.name);
  }
}

/**
 * Bytes of the write in flight that the kernel has not taken yet: libuv's write queue, which Node
 * keeps on the handle (net.Socket's own timeout reads it the same way); 0 without a handle.
 */
function inFlight(s: Socket): number {
  return (s as unknown as { _handle?: { writeQueueSize?: number } })._handle?.writeQueueSize ?? 0;
}
