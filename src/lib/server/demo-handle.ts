// The handle server/demo.ts registers on globalThis[Symbol.for('cbc-lab.demo')] and the API routes
// read (./demo.ts). Types and constants only, with relative imports, so that server/ can import
// these types without the SvelteKit aliases.
import type { CaptureFile, CapturedConnection, CapturedFrame, ConnectionWho } from '../protocol/capture';

export const DEMO_SYMBOL = Symbol.for('cbc-lab.demo');

import type { SendSuite } from '../api/types';
export { SEND_SUITES, type SendSuite } from '../api/types';

/** What this bridge needs of the tap's capture store (server/capture/capture-store.ts); sync or async reads. */
export interface DemoCaptureStore {
  frames(after: number, limit: number): CapturedFrame[] | Promise<CapturedFrame[]>;
  readonly lastSeq: number;
  connections(): CapturedConnection[];
  /** called with each batch of new frames, in seq order; returns the unsubscribe function */
  subscribe(listener: (frames: CapturedFrame[]) => void): () => void;
  /** called once per connection opening or closing; returns the unwatch function (polled when absent) */
  watchConnections?(listener: (connection: CapturedConnection, event: 'open' | 'close' | 'name') => void): () => void;
  toCaptureFile(): CaptureFile | Promise<CaptureFile>;
  readonly pcapngPath: string | null;
}

/** A failure that the send endpoint reports as is (code, message, HTTP status). */
export interface SendFailure {
  status: number;
  code: string;
  message: string;
}

/** The running demo, as server/demo.ts registers it on globalThis[Symbol.for('cbc-lab.demo')]. */
export interface DemoHandle {
  /** the demo secret, hex */
  key: string;
  /** key length in bytes: 16, 24 or 32 */
  keySize: number;
  /** where clients connect: the tap */
  chatPort: number;
  webUrl: string;
  store: DemoCaptureStore;
  /** say who is on the connection from `client` (host:port as the tap sees it): the demo's own connections */
  nameConnection?(client: string, who: ConnectionWho): void;
  /** Send a chat message as a participant, over TCP through the tap; resolves when the server acked it. */
  send(o: { text: string; name: string; suite: SendSuite }): Promise<{ ok: true } | SendFailure>;
  /** aborted when the demo stops: open streams end */
  signal: AbortSignal;
  /** the chat server runs with --padding-oracle (lesson 2): bad padding is answered apart; absent = off */
  paddingOracle?: boolean;
}
