// The one place the shells read time. The chat server, the tap and the capture store take a
// Clock; production passes `systemClock`, tests pass tests/helpers/fake-clock.ts and move time
// on by hand, so no test has to wait to prove that something did not happen.

/** What a timer call returns: enough to cancel it, and to keep it from holding the process open. */
export interface TimerHandle {
  unref(): TimerHandle;
}

export interface Clock {
  /** Wall time in ms since the epoch: log stamps and capture times. */
  now(): number;
  /** Monotonic ms, never going back: intervals and deadlines. */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout | undefined)
};

/** Wall clock in ns for capture timestamps: `now()` once, advanced by `monotonic()` (never goes back). */
export function nanoClock(clock: Clock = systemClock): () => bigint {
  const epochNs = BigInt(Math.round(clock.now())) * 1_000_000n;
  const start = clock.monotonic();
  return () => epochNs + BigInt(Math.round((clock.monotonic() - start) * 1e6));
}
