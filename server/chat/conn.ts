// One TCP connection to the chat server and where it is in its life (docs/protocol.md §8.1, §8.2).
import type { Socket } from 'node:net';
import { FrameDecoder, type SealedSuite } from '../../src/lib/protocol/index.ts';
import { CANONICAL_STYLE, styleKey, type LineStyle } from '../../src/lib/protocol/line-message.ts';
import { Outbox } from './broadcast.ts';

/**
 * - `pending`: no byte yet. Within the listener grace (§8.2) it may still say a native hello; it
 *   hears the room into `held`.
 * - `native-hello-wait`: the first byte chose native framing (§2); nothing is read or heard
 *   before its hello (§8.1).
 * - `in-room`: a member (room.ts): a native client after its hello, a line client from its first
 *   byte, or a silent connection taken for a line listener after the grace time.
 * - `closing`: our side is ending or destroyed (finish, slow reader, shutdown); nothing more is
 *   read, relayed or sent.
 * - `closed`: the socket's 'close' came; its seat is given back.
 */
export type ConnState = 'pending' | 'native-hello-wait' | 'in-room' | 'closing' | 'closed';

const NEXT: Record<ConnState, readonly ConnState[]> = {
  pending: ['native-hello-wait', 'in-room', 'closing', 'closed'],
  'native-hello-wait': ['in-room', 'closing', 'closed'],
  'in-room': ['closing', 'closed'],
  closing: ['closed'],
  closed: []
};

export type Notice = 'chat' | 'join' | 'leave';

/**
 * §8.2, §8.4: one notice as held for every connection that could not yet be told it: the same
 * object in each held list, sealed once per framing and style when first released, the same bytes
 * for all (as a broadcast is).
 */
export interface HeldNotice {
  type: Notice;
  text: string;
  sealed: Map<string, Buffer> | null;
}

export class Conn {
  private current: ConnState = 'pending';
  /**
   * The form the server answers in: set by the first byte (§2), by the grace time (a listener is
   * a line connection), or, for an error before either, by what the decoder saw.
   */
  framing: 'line' | 'native' | null = null;
  suite: SealedSuite | null = null;
  /** §5.5: how this line client writes its messages; replies go back the same way */
  style: LineStyle = CANONICAL_STYLE;
  /** §8.4: recipients with the same key get the same sealed bytes: the suite, or the line form */
  groupKey = `line:${styleKey(CANONICAL_STYLE)}`;
  name = '';
  /** §8.7: counted in maxClients (it has spoken) or in maxListeners (in the room, silent) */
  seat: 'none' | 'speaker' | 'listener' = 'none';
  /** monotonic ms: when it connected, when its last byte and its last complete frame came */
  readonly connectedAt: number;
  lastByteAt: number;
  lastFrameAt: number;
  /**
   * §8.2: what was relayed to this connection before it could be sent: while its framing is not
   * known, and for a line client until the ack of its first message (or the grace time) has gone
   * out. null once released.
   */
  held: HeldNotice[] | null = [];
  heldBytes = 0;
  /** §3.5: the lowest sequence number the next frame may carry */
  nextSeq = 0;
  readonly outbox = new Outbox();
  readonly decoder: FrameDecoder;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    readonly peer: string,
    maxPayload: number,
    now: number
  ) {
    this.decoder = new FrameDecoder({ maxPayload, raw: 'reject' });
    this.connectedAt = now;
    this.lastByteAt = now;
    this.lastFrameAt = now;
  }

  get state(): ConnState {
    return this.current;
  }

  /** Still read from and written to: neither closing nor closed. */
  get open(): boolean {
    return this.current !== 'closing' && this.current !== 'closed';
  }

  /** Move on in the life above; a step it does not allow is a bug in the server. */
  to(next: ConnState): void {
    if (next === this.current) return;
    if (!NEXT[this.current].includes(next))
      throw new Error(`connection ${this.id}: ${this.current} cannot become ${next}`);
    this.current = next;
  }
}
