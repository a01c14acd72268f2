// A Clock whose time moves only when a test says so (server/clock.ts). Timers due at or before
// the new time run in order of their due time, then of their creation, as Node's own do.
import type { Clock, TimerHandle } from '../../server/clock';

interface Timer extends TimerHandle {
  id: number;
  due: number;
  every: number | null;
  fn: () => void;
}

export class FakeClock implements Clock {
  private time: number;
  private readonly startWall: number;
  private nextId = 1;
  private readonly timers = new Map<number, Timer>();

  constructor(wallStart = Date.UTC(2026, 11, 2, 9, 0, 0)) {
    this.startWall = wallStart;
    this.time = 0;
  }

  now(): number {
    return this.startWall + this.time;
  }

  monotonic(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, null);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, ms, Math.max(1, ms));
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete((handle as Timer).id);
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  /** How many timers are waiting. */
  get pending(): number {
    return this.timers.size;
  }

  /** Move time on by `ms`, running every timer that falls due on the way. */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: Timer | undefined;
      for (const t of this.timers.values()) if (t.due <= end && (!next || t.due < next.due)) next = t;
      if (!next) break;
      this.time = next.due;
      if (next.every === null) this.timers.delete(next.id);
      else next.due += next.every;
      next.fn();
    }
    this.time = end;
  }

  private add(fn: () => void, ms: number, every: number | null): TimerHandle {
    const timer: Timer = {
      id: this.nextId++,
      due: this.time + Math.max(0, ms),
      every,
      fn,
      unref: () => timer
    };
    this.timers.set(timer.id, timer);
    return timer;
  }
}
