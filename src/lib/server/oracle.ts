// The attacker's side of lessons 1 and 2, on the real wire (docs/api.md "Lessons"): crafted frames
// sent to the chat server through the tap, and the server's answers read back. Nothing here uses
// the key: what an attacker on the network can do, this does, and no more.
//
//   padding oracle  a native session opened by replaying a hello captured from the wire (the
//                   attacker cannot make one), then one chat frame per guess, X ‖ Cᵢ as its
//                   payload; the answer is the server's ack or its error frame's code, which
//                   travel in the clear (docs/protocol.md §3.2)
//   replay          a captured IV ‖ C sent as a line (§5.1: the cbc suite and line framing carry
//                   the same bytes under the same key); the server's reply line and what it
//                   relayed to the room come back as captured bytes, for the page to decrypt
import { connect, type Socket } from 'node:net';
import { FrameDecoder, type Frame } from '../protocol/decoder';
import { encodeFrame, type SealedSuite } from '../protocol/frame';
import { encodeLine } from '../protocol/line';
import { bytesToBase64, base64ToBytes } from '../crypto/bytes';
import type { CapturedFrame } from '../protocol/capture';
import type { DemoHandle } from './demo-handle';
import type { ReplayResponse } from '../api/types';
import { CodedError } from '../errors/coded-error';
import { apiError } from './demo';
import { lessonRef } from '../lessons/index';
import { REJECTIONS, guessPayload } from '../crypto/padding-oracle';

export { REJECTIONS, guessPayload };

export interface OracleAnswer {
  /** the padding was accepted: the answer was not one of REJECTIONS */
  valid: boolean;
  /** 'ack', or the code of the server's error frame */
  answer: string;
}

/** An oracle query that could not be asked: answered with this code and HTTP status. */
export class OracleError extends CodedError {
  constructor(
    code: string,
    message: string,
    readonly status = 502
  ) {
    super(code, message);
  }
}

/**
 * One attacker connection: a replayed hello, then guesses, one at a time. Relayed chat, join and
 * leave frames that arrive meanwhile are skipped; the answer to a guess is the next ack or error.
 */
export class OracleSession {
  private socket: Socket | null = null;
  private decoder = new FrameDecoder({ framing: 'native' });
  private waiting: ((f: Frame | Error) => void) | null = null;
  /** answers that came while nobody waited (a batch's answers arrive together) */
  private inbox: Frame[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private seq = 0;
  closed = false;

  constructor(
    readonly o: {
      host: string;
      port: number;
      suite: SealedSuite;
      hello: Uint8Array;
      timeoutMs?: number;
      /** told our end's host:port when the session connects (the demo names its probes in the capture) */
      onConnect?: (localAddress: string) => void;
    }
  ) {}

  private async open(): Promise<void> {
    const s = connect({ host: this.o.host, port: this.o.port, noDelay: true });
    this.socket = s;
    this.decoder = new FrameDecoder({ framing: 'native' });
    this.inbox = [];
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    if (s.localAddress && s.localPort) this.o.onConnect?.(`${s.localAddress}:${s.localPort}`);
    s.on('data', (chunk: Buffer) => {
      try {
        this.decoder.push(chunk, (f) => this.deliver(f));
      } catch (err) {
        this.fail(err as Error);
      }
    });
    s.on('error', () => {});
    s.on('close', () => {
      if (this.socket !== s) return;
      this.closed = true;
      this.fail(
        new OracleError(
          'ERR_ORACLE_FAILED',
          'the chat server closed the attacker connection; the next query opens a new one'
        )
      );
    });
    // The hello as captured: its seq is the session's first; ours continue from there (§3.5).
    const helloSeq = new DataView(this.o.hello.buffer, this.o.hello.byteOffset).getUint32(5);
    this.seq = helloSeq + 1;
    s.write(this.o.hello);
    const reply = await this.next((f) => f.framing === 'native' && (f.type === 'hello' || f.type === 'error'));
    if (reply.framing === 'native' && reply.type === 'error') {
      throw new OracleError(
        'ERR_ORACLE_FAILED',
        `the chat server refused the replayed hello with ${errorCode(reply)}; send a new message in that suite and try again`
      );
    }
  }

  private deliver(f: Frame): void {
    const w = this.waiting;
    if (w) w(f);
    // relayed chat, join and leave frames are nobody's answer; keep the rest for the next waiter
    else if (f.framing === 'native' && (f.type === 'ack' || f.type === 'error' || f.type === 'hello')) {
      this.inbox.push(f);
      if (this.inbox.length > MAX_BATCH * 2) this.inbox.shift();
    }
  }

  private fail(err: Error): void {
    const w = this.waiting;
    this.waiting = null;
    if (w) w(err);
  }

  private next(want: (f: Frame) => boolean): Promise<Frame> {
    const ms = this.o.timeoutMs ?? 5000;
    while (this.inbox.length > 0) {
      const f = this.inbox.shift()!;
      if (want(f)) return Promise.resolve(f);
    }
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = null;
        reject(new OracleError('ERR_ORACLE_TIMEOUT', `no answer from the chat server within ${ms} ms`, 504));
      }, ms);
      this.waiting = (f) => {
        if (f instanceof Error) {
          clearTimeout(timer);
          reject(f);
          return;
        }
        if (!want(f)) return;
        clearTimeout(timer);
        this.waiting = null;
        resolve(f);
      };
    });
  }

  /** Send one guess; serialized, so answers cannot cross. */
  async ask(payload: Uint8Array): Promise<OracleAnswer> {
    return (await this.askMany([payload]))[0];
  }

  /**
   * Send several guesses at once, one chat frame each, in one write; the server answers each frame
   * in order (an ack or an error frame), so the answers come back in the order sent.
   */
  askMany(payloads: Uint8Array[]): Promise<OracleAnswer[]> {
    const run = async (): Promise<OracleAnswer[]> => {
      if (!this.socket || this.closed) {
        this.closed = false;
        try {
          await this.open();
        } catch (err) {
          this.socket?.destroy();
          this.socket = null;
          if (err instanceof OracleError) throw err;
          throw new OracleError(
            'ERR_ORACLE_FAILED',
            `cannot reach the chat server on ${this.o.host}:${this.o.port}: ${(err as Error).message}`
          );
        }
      }
      const frames = payloads.map((payload) => {
        const frame = encodeFrame({ type: 'chat', suite: this.o.suite, seq: this.seq, payload });
        this.seq = (this.seq + 1) >>> 0;
        return frame;
      });
      this.socket!.write(Buffer.concat(frames));
      const out: OracleAnswer[] = [];
      for (let i = 0; i < payloads.length; i++) {
        const f = await this.next((x) => x.framing === 'native' && (x.type === 'ack' || x.type === 'error'));
        const answer = f.framing === 'native' && f.type === 'error' ? errorCode(f) : 'ack';
        out.push({ valid: !REJECTIONS.has(answer), answer });
      }
      return out;
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => {});
    return p;
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
    this.closed = true;
  }
}

function errorCode(f: Frame): string {
  if (f.framing !== 'native') return 'ERR_UNKNOWN';
  try {
    const o = JSON.parse(new TextDecoder().decode(f.payload)) as { code?: unknown };
    return typeof o.code === 'string' ? o.code : 'ERR_UNKNOWN';
  } catch {
    return 'ERR_UNKNOWN';
  }
}

// ---- bound to the running demo ----

const sessions = new WeakMap<DemoHandle, Map<SealedSuite, OracleSession>>();

/** The first hello a client sent in `suite`, as captured by the tap, or null. */
export async function capturedHello(demo: DemoHandle, suite: SealedSuite): Promise<Uint8Array | null> {
  let after = 0;
  for (let page = 0; page < 50; page++) {
    const frames: CapturedFrame[] = await demo.store.frames(after, 1000);
    for (const f of frames) {
      if (f.dir === 'c2s' && f.framing === 'native' && f.type === 'hello' && f.suite === suite && !f.error)
        return base64ToBytes(f.bytes);
    }
    if (frames.length < 1000) return null;
    after = frames[frames.length - 1].seq;
  }
  return null;
}

/** The most guesses one POST /api/oracle/batch may carry: every value of one byte. */
export const MAX_BATCH = 256;

export async function demoOracle(demo: DemoHandle, suite: SealedSuite, payload: Uint8Array): Promise<OracleAnswer> {
  return (await demoOracleMany(demo, suite, [payload]))[0];
}

/** Several guesses in one session, pipelined; the answers in the order of `payloads`. */
export async function demoOracleMany(
  demo: DemoHandle,
  suite: SealedSuite,
  payloads: Uint8Array[]
): Promise<OracleAnswer[]> {
  let bySuite = sessions.get(demo);
  if (!bySuite) {
    bySuite = new Map();
    sessions.set(demo, bySuite);
    demo.signal.addEventListener('abort', () => {
      for (const s of bySuite!.values()) s.close();
    });
  }
  let s = bySuite.get(suite);
  if (!s) {
    // the capture lags the wire by a batch: give a hello sent just now a moment to land
    let hello: Uint8Array | null = null;
    for (let i = 0; i < 20 && !hello; i++) {
      hello = await capturedHello(demo, suite);
      if (!hello) await new Promise((r) => setTimeout(r, 50));
    }
    if (!hello) {
      throw new OracleError(
        'ERR_NO_HELLO',
        `no ${suite} hello on the wire yet: the attacker needs one to replay; send a message in that suite first (POST /api/send with "suite":"${suite}")`,
        409
      );
    }
    s = new OracleSession({
      host: '127.0.0.1',
      port: demo.chatPort,
      suite,
      hello,
      onConnect: (address) =>
        demo.nameConnection?.(address, {
          name: `lesson ${lessonRef('padding-oracle').number} probes (padding oracle, ${suite})`,
          kind: 'probe'
        })
    });
    bySuite.set(suite, s);
  }
  return s.askMany(payloads);
}

/** What POST /api/oracle and /api/oracle/batch answer when a query could not be asked. */
export function oracleFailure(err: unknown): Response {
  if (err instanceof OracleError) return apiError(err.status, err.code, err.message);
  return apiError(
    502,
    'ERR_ORACLE_FAILED',
    `oracle: cannot reach the chat server through the tap: ${(err as Error).message}; is the demo still running?`
  );
}

/** POST /api/replay's answer (src/lib/api/types.ts) */
export type ReplayResult = ReplayResponse;

/** Send IV ‖ C as a line from a fresh connection; return the reply and the relays the tap saw. */
export async function replayLine(demo: DemoHandle, wire: Uint8Array, waitMs = 400): Promise<ReplayResult> {
  const seen: CapturedFrame[] = [];
  const unsubscribe = demo.store.subscribe((frames) => seen.push(...frames));
  const s = connect({ host: '127.0.0.1', port: demo.chatPort, noDelay: true });
  try {
    await new Promise<void>((resolve, reject) => {
      s.once('connect', resolve);
      s.once('error', reject);
    });
    const local = `${s.localAddress}:${s.localPort}`;
    demo.nameConnection?.(local, { name: `lesson ${lessonRef('bit-flipping').number} replay`, kind: 'probe' });
    let buf = Buffer.alloc(0);
    const reply = await new Promise<Buffer | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 3000);
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        const nl = buf.indexOf(10);
        if (nl >= 0) {
          clearTimeout(timer);
          resolve(buf.subarray(0, nl + 1));
        }
      });
      s.on('close', () => resolve(null));
      s.write(encodeLine(wire));
    });
    await new Promise((r) => setTimeout(r, waitMs));
    const mine = demo.store.connections().find((c) => c.client === local)?.conn;
    const sent = seen.find((f) => f.conn === mine && f.dir === 'c2s');
    const relays = seen
      .filter((f) => f.dir === 's2c' && f.conn !== mine && sent !== undefined && f.seq > sent.seq && f.type === 'chat')
      .slice(0, 8)
      .map(({ seq, conn, framing, type, suite, bytes }) => ({ seq, conn, framing, type, suite, bytes }));
    return { reply: reply ? bytesToBase64(reply) : null, relays };
  } finally {
    unsubscribe();
    s.destroy();
  }
}
