// Who hears about a capture as it grows (docs/tap.md): frame subscribers in batches, at most one
// per BATCH_MS while frames flood in, and connection watchers once per open and close, with the
// frames still waiting for their batch delivered first so that a listener of both hears them in
// order. Time comes from a Clock (server/clock.ts) so that tests move it by hand.
import type { CapturedConnection, CapturedFrame } from '../../src/lib/protocol/capture.ts';
import { systemClock, type Clock } from '../clock.ts';

/** Subscribers hear at most one batch per this many ms while frames flood in. */
export const BATCH_MS = 20;

export type FramesListener = (frames: CapturedFrame[]) => void;
/** open, close, or name: the demo said who is on it (CapturedConnection.who) */
export type ConnectionEvent = 'open' | 'close' | 'name';
export type ConnectionListener = (connection: CapturedConnection, event: ConnectionEvent) => void;

export class BatchEmitter {
  private readonly listeners = new Set<FramesListener>();
  private readonly connListeners = new Set<ConnectionListener>();
  private pending: CapturedFrame[] = [];
  /** cancels the batch that is scheduled; null when none is */
  private cancelScheduled: (() => void) | null = null;
  /** monotonic ms of the last batch; none yet: the first one goes at once */
  private lastEmit = -Infinity;

  constructor(private readonly clock: Clock = systemClock) {}

  /** frame subscribers listening */
  get subscribers(): number {
    return this.listeners.size;
  }

  subscribe(listener: FramesListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  watchConnections(listener: ConnectionListener): () => void {
    this.connListeners.add(listener);
    return () => void this.connListeners.delete(listener);
  }

  /** New frames: delivered at the next turn of the event loop after a quiet spell, else in the next batch. */
  frames(frames: readonly CapturedFrame[]): void {
    for (const f of frames) this.pending.push(f);
    if (this.cancelScheduled || this.listeners.size === 0) {
      if (this.listeners.size === 0) this.pending = [];
      return;
    }
    const wait = this.lastEmit + BATCH_MS - this.clock.monotonic();
    if (wait <= 0) {
      const immediate = setImmediate(() => this.emit());
      this.cancelScheduled = () => clearImmediate(immediate);
    } else {
      const timer = this.clock.setTimeout(() => this.emit(), wait);
      this.cancelScheduled = () => this.clock.clearTimeout(timer);
    }
  }

  /** A connection opened or closed: pending frames first, then every watcher. */
  connection(c: CapturedConnection, event: ConnectionEvent): void {
    if (this.connListeners.size > 0 && this.pending.length > 0) this.flush();
    for (const l of [...this.connListeners]) {
      try {
        l({ ...c }, event);
      } catch (err) {
        process.emitWarning(`capture store: a connection listener threw: ${(err as Error)?.message ?? err}`);
      }
    }
  }

  /** Deliver the pending batch now. */
  flush(): void {
    this.cancelScheduled?.();
    this.emit();
  }

  private emit(): void {
    this.cancelScheduled = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.lastEmit = this.clock.monotonic();
    for (const l of [...this.listeners]) {
      try {
        l(batch);
      } catch (err) {
        // One broken subscriber must not stop the capture nor the others.
        process.emitWarning(`capture store: a frames listener threw: ${(err as Error)?.message ?? err}`);
      }
    }
  }
}
