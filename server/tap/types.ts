// The capture tap's public shape (docs/tap.md, "API"): what startTap takes and what it returns.
import type { Direction } from '../../src/lib/protocol/capture.ts';
import type { CaptureStore } from '../capture/capture-store.ts';
import type { Clock } from '../clock.ts';

export interface TapOptions {
  /** address to listen on (default 127.0.0.1) */
  listenHost?: string;
  /** port to listen on; 0 picks a free one (see Tap.port) */
  listenPort: number;
  targetHost: string;
  targetPort: number;
  /** pcapng written as packets happen; default a temporary file removed by close(); null for none */
  pcapPath?: string | null;
  /** JSON-lines spool of every frame; default a temporary file removed by close() */
  spoolPath?: string;
  /** frames kept in memory; older ones are read back from the spool (default 10,000) */
  memoryFrames?: number;
  /** characters of base64 kept in memory (default 64 MiB) */
  memoryBytes?: number;
  /** the decoder's limit (docs/protocol.md §3.4); default 64 KiB */
  maxPayload?: number;
  /** §5.2: the pause that ends a line without a line end; the server's default */
  linePauseMs?: number;
  /** give up connecting to the target after this many ms (default 10,000) */
  connectTimeoutMs?: number;
  /** a socket that does not close within this many ms after the pair was told to is destroyed (default 2,000) */
  graceMs?: number;
  /** capture times and the connect, grace, line-pause and batch timers (default systemClock) */
  clock?: Clock;
  /** things an operator should know that stop nothing (a pcapng that cannot be written …) */
  onWarning?: (message: string) => void;
}

export interface TapStats {
  connections: number;
  open: number;
  frames: number;
  /** frames recorded as 'unknown' */
  errors: number;
  bytes: Record<Direction, number>;
  /** chunks read from the sockets (each one recorded as it came) */
  chunks: Record<Direction, number>;
  /** TCP packets with payload written to the pcapng (a chunk over 65495 bytes takes two) */
  payloadPackets: number;
}

export interface Tap {
  readonly host: string;
  readonly port: number;
  /** host:port of the server the tap forwards to */
  readonly target: string;
  readonly store: CaptureStore;
  readonly pcapPath: string | null;
  /** set when the pcapng could not be written; recording goes on without it */
  readonly pcapError: Error | null;
  readonly stats: TapStats;
  /** Stop listening, end every connection (FIN both ways), finish the pcapng and the spool. Idempotent. */
  close(): Promise<void>;
}
