// The chat server's limits and defaults (docs/protocol.md §8), apart from the code that applies
// them, so the client, the tap and the CLI can share them without loading the server.
import { DEFAULT_LINE_PAUSE_MS, DEFAULT_MAX_PAYLOAD } from '../../src/lib/protocol/index.ts';
import { systemClock, type Clock } from '../clock.ts';

/** §8.2: the seed server's answer, so a seed client works unchanged. */
export const ACK_TEXT = 'Hello Client, message received securely';
export const DEFAULT_PORT = 5000;
export { DEFAULT_LINE_PAUSE_MS };
export const DEFAULT_MAX_CLIENTS = 100;
export const DEFAULT_IDLE_TIMEOUT_S = 300;
/** §8.6: what may wait for one reader before the server drops it at once. */
export const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;
/** §8.6: above this many unsent bytes a reader is backlogged: the server stops reading input. */
export const DEFAULT_HIGH_WATER_BYTES = 256 * 1024;
/**
 * §8.6: a backlogged reader that the kernel takes no byte from for this long is not reading: it is
 * dropped. A reader that reads is never dropped, however slow. Long, because the kernel's socket
 * buffers (MiBs on loopback) let the server see a reader's progress only in steps of up to half
 * of them: a reader taking 400 KB/s can look still for 3 s.
 */
export const DEFAULT_SLOW_READER_MS = 10_000;
/** §8.2: a connection that sends nothing for this long is a line listener; a native client says hello at once. */
export const DEFAULT_LISTENER_GRACE_MS = 1000;
/** §8.7: listeners that have never spoken, counted apart from the clients who speak. */
export const DEFAULT_MAX_LISTENERS = 1000;
/** §8.8, §6.2: how long a closing connection may take to send its last bytes before it is destroyed. */
export const CLOSE_DEADLINE_MS = 2000;

export interface ChatServerOptions {
  key: Uint8Array;
  host?: string;
  port?: number;
  /** JSON-lines log file; null for none */
  logPath?: string | null;
  /** clients who speak (§8.7) */
  maxClients?: number;
  /** silent line listeners, apart from maxClients (§8.7) */
  maxListeners?: number;
  /** §8.2: how long a silent connection waits before it is a line listener */
  listenerGraceMs?: number;
  /** §5.2: the pause that ends a line without a line end */
  linePauseMs?: number;
  /** seconds without a complete frame before a connection is closed; 0 = never */
  idleTimeout?: number;
  maxPayload?: number;
  maxQueuedBytes?: number;
  highWaterBytes?: number;
  /** §8.6: how long a backlogged reader may take nothing before it is dropped */
  slowReaderMs?: number;
  /**
   * true: tell the peer ERR_BAD_PADDING apart from ERR_BAD_UTF8, which makes cbc and line framing
   * a padding oracle (the lesson). Default false: both are answered as ERR_DECRYPT (§6.4).
   */
  paddingOracle?: boolean;
  /** where time comes from: log stamps, grace, pause, idle and slow-reader times, close deadlines */
  clock?: Clock;
  /**
   * When what was queued for the sockets is written: by default once per turn of the event loop
   * (setImmediate), so a burst goes out as one write per socket. `(flush) => flush()` writes each
   * frame as it is queued.
   */
  scheduleFlush?: (flush: () => void) => void;
}

/** The options with every default filled in, times in ms. */
export interface ChatLimits {
  host: string;
  port: number;
  logPath: string | null;
  maxClients: number;
  maxListeners: number;
  graceMs: number;
  pauseMs: number;
  /** 0: never */
  idleMs: number;
  maxPayload: number;
  maxQueued: number;
  highWater: number;
  slowMs: number;
  paddingOracle: boolean;
  clock: Clock;
  scheduleFlush: (flush: () => void) => void;
}

export function resolveOptions(o: ChatServerOptions): ChatLimits {
  const maxQueued = o.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  return {
    host: o.host ?? '127.0.0.1',
    port: o.port ?? DEFAULT_PORT,
    logPath: o.logPath ?? null,
    maxClients: o.maxClients ?? DEFAULT_MAX_CLIENTS,
    maxListeners: o.maxListeners ?? DEFAULT_MAX_LISTENERS,
    graceMs: o.listenerGraceMs ?? DEFAULT_LISTENER_GRACE_MS,
    pauseMs: o.linePauseMs ?? DEFAULT_LINE_PAUSE_MS,
    idleMs: (o.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_S) * 1000,
    maxPayload: o.maxPayload ?? DEFAULT_MAX_PAYLOAD,
    maxQueued,
    highWater: Math.min(o.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES, maxQueued),
    slowMs: o.slowReaderMs ?? DEFAULT_SLOW_READER_MS,
    paddingOracle: o.paddingOracle ?? false,
    clock: o.clock ?? systemClock,
    scheduleFlush: o.scheduleFlush ?? ((flush) => void setImmediate(flush))
  };
}

/** Counters for tests and the bench. */
export interface ChatStats {
  framesIn: number;
  deliveries: number;
  errors: number;
  dropped: number;
  peakQueuedBytes: number;
}
