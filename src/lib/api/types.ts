// The request and response shapes of every /api route (docs/api.md), shared by the +server.ts
// that answers and the page or module that asks. Types and constants only, with relative imports:
// src/lib/server/demo-handle.ts re-exports from here, and server/ imports that file without the
// SvelteKit aliases.
import type { CaptureFile, CapturedConnection, CapturedFrame } from '../protocol/capture';

/** The suites a participant can send in (docs/protocol.md §3). */
export type SendSuite = 'cbc' | 'cbc-hmac' | 'gcm';
export const SEND_SUITES: readonly SendSuite[] = ['cbc', 'cbc-hmac', 'gcm'];

/** Every error answer: 4xx and 5xx alike (docs/errors.md, "HTTP API"). */
export interface ApiErrorBody {
  code: string;
  message: string;
}

/** GET /api/demo */
export interface DemoInfo {
  running: true;
  /** the demo secret, hex: shown to the class on purpose */
  key: string;
  keySize: number;
  chatPort: number;
  webUrl: string;
}

/** The highest `after` a capture route takes: asking past it gives no frames, only `last`. */
export const MAX_SEQ = Number.MAX_SAFE_INTEGER;

/** GET /api/frames?after=&limit= */
export interface FramesPage {
  frames: CapturedFrame[];
  connections: CapturedConnection[];
  /** the highest seq the capture holds */
  last: number;
  /** more frames past this page */
  more: boolean;
}

/** GET /api/capture.json */
export type CaptureJson = CaptureFile;

/** GET /api/stream: the data of a `frames` event (src/routes/api/stream/sse.ts) */
export interface FramesEvent {
  frames: CapturedFrame[];
  last?: number;
}
/** GET /api/stream: the data of a `reset` event: `after` is past this capture's last seq */
export interface ResetEvent {
  last: number;
  after: number;
}
/** GET /api/stream: the data of a `stopped` event, the last one when the demo stops cleanly */
export interface StoppedEvent {
  /** the capture's last seq: every frame up to it was sent before this event */
  last: number;
}
/** GET /api/stream: the data of a `conn` event */
export type ConnEvent = CapturedConnection;

/** POST /api/send */
export interface SendRequest {
  text: string;
  /** default "web" */
  name?: string;
  /** default "cbc" */
  suite?: SendSuite;
}
export interface SendResponse {
  ok: true;
}

/** GET /api/oracle */
export interface OracleStatus {
  running: true;
  paddingOracle: boolean;
}

/** POST /api/oracle: byte fields are base64 */
export interface OracleRequest {
  iv: string;
  ciphertext: string;
  /** default "cbc" */
  suite?: SendSuite;
  /** the captured tag, for cbc-hmac (32 bytes) and gcm (16 bytes) */
  tag?: string;
}
export interface OracleResponse {
  valid: boolean;
  answer: string;
  paddingOracle: boolean;
}

/** POST /api/oracle/batch: several guesses X for one ciphertext block, answered in order */
export interface OracleBatchRequest {
  /** base64 of X₁ ‖ X₂ ‖ … ‖ Xₙ: n 16-byte blocks, 1 ≤ n ≤ 256, each one guess */
  ivs: string;
  ciphertext: string;
  /** default "cbc" */
  suite?: SendSuite;
  tag?: string;
}
export interface OracleBatchResponse {
  /** one per block of `ivs`, in that order */
  answers: { valid: boolean; answer: string }[];
  paddingOracle: boolean;
}

/** POST /api/replay: base64 of IV ‖ C */
export interface ReplayRequest {
  wire: string;
}
export interface ReplayResponse {
  /** the server's reply line (base64 of its bytes, "\n" included), or null if none came */
  reply: string | null;
  /** what the server sent to the others in the room right after, as captured (at most 8) */
  relays: Pick<CapturedFrame, 'seq' | 'conn' | 'framing' | 'type' | 'suite' | 'bytes'>[];
}
