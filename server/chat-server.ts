// The chat server (docs/protocol.md §8): one TCP port, both framings, one room. A thin shell over
// the pure codec (src/lib/protocol) and the suites' crypto (server/suites.ts). Every outcome for
// bad input is per connection; nothing one client sends can stop the others.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createWriteStream, type WriteStream } from 'node:fs';
import {
  FrameDecoder,
  FrameError,
  encodeFrame,
  DEFAULT_MAX_PAYLOAD,
  DEFAULT_LINE_PAUSE_MS,
  type Frame,
  type LineFrame,
  type NativeFrame,
  type SealedSuite
} from '../src/lib/protocol/index.ts';
import { CANONICAL_STYLE, lineStyleLabel, styleKey, type LineStyle } from '../src/lib/protocol/line-message.ts';
import { cbcDecrypt, deriveKeys, openFrame, readLineMessageFast, sealFrame, sealLineStyled, utf8, type SuiteKeys } from './suites.ts';

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
/** §8.3: a relayed message carries "name: " in front; keep it under the receivers' limit. */
const RELAY_OVERHEAD = 128;
const NAME_MAX = 32;

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
  /** false: one socket write per frame (only to measure what batching is worth) */
  batchWrites?: boolean;
  /**
   * true: tell the peer ERR_BAD_PADDING apart from ERR_BAD_UTF8, which makes cbc and line framing
   * a padding oracle (the lesson). Default false: both are answered as ERR_DECRYPT (§6.4).
   */
  paddingOracle?: boolean;
}

type LogEntry = Record<string, unknown>;

/** JSON lines (§8.5), batched per tick. Holds wire bytes and codes only: no key, no plaintext, no names. */
class JsonLog {
  private stream: WriteStream | null;
  private buf: string[] = [];
  constructor(path: string | null) {
    this.stream = path ? createWriteStream(path, { flags: 'a' }) : null;
    this.stream?.on('error', (err) => {
      process.stderr.write(`cbc-lab server: cannot write the log ${path}: ${err.message}; logging stops\n`);
      this.stream = null;
    });
  }
  private lastMs = 0;
  private lastIso = '';
  write(entry: LogEntry): void {
    if (!this.stream) return;
    // one ISO time string per millisecond, and no object spread: this runs once per frame
    const now = Date.now();
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.lastIso = new Date(now).toISOString();
    }
    this.buf.push(`{"time":"${this.lastIso}",${JSON.stringify(entry).slice(1)}`);
    if (this.buf.length >= 4096) this.flush();
  }
  /** false with no log (`--log none`): callers skip building entries nobody writes */
  get enabled(): boolean {
    return this.stream !== null;
  }
  flush(): void {
    if (!this.stream || this.buf.length === 0) return;
    this.stream.write(this.buf.join('\n') + '\n');
    this.buf = [];
  }
  close(): Promise<void> {
    this.flush();
    const s = this.stream;
    this.stream = null;
    return new Promise((resolve) => (s ? s.end(resolve) : resolve()));
  }
}

type Notice = 'chat' | 'join' | 'leave';
/**
 * §8.2, §8.4: one notice as held for every connection that could not yet be told it: the same
 * object in each held list, sealed once per framing and style when first released, the same bytes
 * for all (as a broadcast is).
 */
interface HeldNotice {
  type: Notice;
  text: string;
  sealed: Map<string, Buffer> | null;
}

class Conn {
  framing: 'line' | 'native' | null = null;
  suite: SealedSuite | null = null;
  /** §5.5: how this line client writes its messages; replies go back the same way */
  style: LineStyle = CANONICAL_STYLE;
  /** §8.4: recipients with the same key get the same sealed bytes: the suite, or the line form */
  groupKey = `line:${styleKey(CANONICAL_STYLE)}`;
  name = '';
  inRoom = false;
  /** §8.7: counted in maxClients (it has spoken) or in maxListeners (in the room, silent) */
  place: 'none' | 'speaker' | 'listener' = 'none';
  readonly connectedAt = Date.now();
  /** when the last byte came in; 0 before the first */
  lastByteAt = 0;
  /**
   * §8.2: what was relayed to this connection before it could be sent: while its framing is not
   * known, and for a line client until the ack of its first message (or the grace time) has gone
   * out. null once released.
   */
  held: HeldNotice[] | null = [];
  heldBytes = 0;
  /** §3.5: the lowest sequence number the next frame may carry */
  nextSeq = 0;
  out: Buffer[] = [];
  outBytes = 0;
  dirty = false;
  closed = false;
  /** when this reader went over the high-water mark; 0 when it is not backlogged */
  backlogSince = 0;
  /**
   * §8.6 progress: what the kernel took, seen as writes completed and as the bytes of the write
   * in flight still to go (writableLength does not move until a whole write is done); while
   * backlogged, when that last moved.
   */
  writesDone = 0;
  lastWritesDone = 0;
  lastInFlight = 0;
  progressAt = 0;
  onWritten: () => void = () => {};
  lastFrameAt = Date.now();
  readonly decoder: FrameDecoder;
  constructor(
    readonly id: number,
    readonly socket: Socket,
    readonly peer: string,
    maxPayload: number
  ) {
    this.decoder = new FrameDecoder({ maxPayload, raw: 'reject' });
  }
}

function validName(name: string): string | null {
  if (name.length === 0 || name.length > NAME_MAX) return `expected 1 to ${NAME_MAX} characters, got ${name.length}`;
  if (name !== name.trim()) return 'no spaces at either end';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f:\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2028\u2029]/.test(name)) return 'no control characters (C0, C1, bidi), and no ":"';
  // §8.2: a line client tells the server's notices and errors by their form; no name may take it
  if (/^(\* |ERROR )/.test(name)) return 'no "* " or "ERROR " at the start (those lines are the server\'s)';
  return null;
}

export class ChatServer {
  readonly keys: SuiteKeys;
  readonly host: string;
  readonly maxPayload: number;
  private readonly port: number;
  private readonly maxClients: number;
  private readonly maxListeners: number;
  private readonly graceMs: number;
  private readonly pauseMs: number;
  private readonly idleMs: number;
  private readonly maxQueued: number;
  private readonly highWater: number;
  private readonly slowMs: number;
  private readonly batch: boolean;
  private readonly paddingOracle: boolean;
  private backlogged = new Set<Conn>();
  private inputPaused = false;
  private resumeFrom = 0;
  private readonly log: JsonLog;
  private server: Server | null = null;
  private conns = new Set<Conn>();
  private room = new Set<Conn>();
  /** connections whose framing is not known yet: they hear the room into `held` (§8.2) */
  private waiting = new Set<Conn>();
  private admitted = 0;
  private listeners = 0;
  private nextId = 1;
  private seq = 0;
  private dirtyList: Conn[] = [];
  private flushScheduled = false;
  private sweeper: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  /** counters for tests and the bench */
  readonly stats = { framesIn: 0, deliveries: 0, errors: 0, dropped: 0, peakQueuedBytes: 0 };

  constructor(o: ChatServerOptions) {
    this.keys = deriveKeys(o.key);
    this.host = o.host ?? '127.0.0.1';
    this.port = o.port ?? DEFAULT_PORT;
    this.maxClients = o.maxClients ?? DEFAULT_MAX_CLIENTS;
    this.maxListeners = o.maxListeners ?? DEFAULT_MAX_LISTENERS;
    this.graceMs = o.listenerGraceMs ?? DEFAULT_LISTENER_GRACE_MS;
    this.pauseMs = o.linePauseMs ?? DEFAULT_LINE_PAUSE_MS;
    this.idleMs = (o.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_S) * 1000;
    this.maxPayload = o.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    this.maxQueued = o.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
    this.highWater = Math.min(o.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES, this.maxQueued);
    this.slowMs = o.slowReaderMs ?? DEFAULT_SLOW_READER_MS;
    this.batch = o.batchWrites ?? true;
    this.paddingOracle = o.paddingOracle ?? false;
    this.log = new JsonLog(o.logPath ?? null);
  }

  /** clients who have spoken, and silent listeners (§8.7) */
  get clientCount(): number {
    return this.admitted;
  }
  get listenerCount(): number {
    return this.listeners;
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true }, (s) => this.accept(s));
      this.server = server;
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log.write({ event: 'error', code: 'ERR_INTERNAL', message: err.message }));
        const addr = server.address() as AddressInfo;
        this.log.write({ event: 'listen', host: addr.address, port: addr.port });
        const every = Math.max(10, Math.min(100, this.idleMs > 0 ? this.idleMs / 4 : Infinity, this.pauseMs / 5, this.graceMs / 5));
        this.sweeper = setInterval(() => this.sweep(), every);
        this.sweeper.unref();
        resolve(addr);
      });
    });
  }

  private accept(socket: Socket): void {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const c = new Conn(this.nextId++, socket, peer, this.maxPayload);
    this.conns.add(c);
    if (this.inputPaused) socket.pause();
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.waiting.add(c);
    this.log.write({ event: 'connect', conn: c.id, peer });
    socket.on('data', (chunk: Buffer) => {
      if (c.closed) return;
      c.lastByteAt = Date.now();
      try {
        c.decoder.push(chunk, (f) => this.onFrame(c, f));
        if (c.decoder.framing !== null && c.decoder.framing !== c.framing) this.onFraming(c, c.decoder.framing);
      } catch (err) {
        this.onStreamError(c, err);
      }
    });
    socket.on('end', () => {
      if (c.closed) return;
      try {
        c.decoder.end((f) => this.onFrame(c, f)); // §5.2: a last message without its line end, then the close
        this.finish(c, null); // the peer half-closed: send what is queued for it, then close
      } catch (err) {
        this.onStreamError(c, err);
      }
    });
    c.onWritten = () => {
      c.writesDone++;
      if (c.backlogSince && !c.closed && c.outBytes + c.socket.writableLength <= this.highWater) this.unbacklog(c);
    };
    socket.on('drain', () => {
      if (c.backlogSince && c.socket.writableLength <= this.highWater) this.unbacklog(c);
    });
    socket.on('error', () => {}); // ECONNRESET and friends: 'close' follows and cleans up
    socket.on('close', () => this.cleanup(c));
  }

  private onStreamError(c: Conn, err: unknown): void {
    const e = err instanceof FrameError ? err : new FrameError('ERR_INTERNAL', `internal error: ${(err as Error)?.message ?? err}`);
    this.stats.errors++;
    this.log.write({ event: 'error', conn: c.id, peer: c.peer, code: e.code, fatal: true, position: e.position });
    c.framing ??= c.decoder.framing; // the first frame may have failed after its first byte chose the framing
    const neverFramed = e.code === 'ERR_BAD_MAGIC' && c.decoder.offset === 0; // 0xCB, then not 0xC1: raw bytes, most likely
    if (c.framing === null || neverFramed || e.code === 'ERR_RAW_BYTES' || e.code === 'ERR_LATE_HELLO') {
      // §2.3, §5.6: nothing we can frame, or a peer that cannot read our lines; say so in plain
      // text for a human at a terminal, then close.
      // one line of plain ASCII: a terminal or a seed program prints it as it is
      this.finish(c, Buffer.from(`cbc-lab: ${e.code}: ${e.message.replace(/§/g, 'section ').replace(/[^\x20-\x7e]/g, '?')}\n`, 'latin1'));
      return;
    }
    this.finish(c, this.errorFrame(c, e));
  }

  private onFrame(c: Conn, f: Frame): void {
    if (c.closed) return;
    this.stats.framesIn++;
    c.lastFrameAt = Date.now();
    if (c.framing !== f.framing) {
      this.onFraming(c, f.framing);
      if (c.closed) return;
    }
    if (c.place !== 'speaker' && !this.admit(c, 'speaker')) return;
    try {
      if (f.framing === 'line') this.onLine(c, f);
      else this.onNative(c, f);
    } catch (err) {
      let e = err instanceof FrameError ? err : new FrameError('ERR_INTERNAL', `internal error: ${(err as Error)?.message ?? err}`);
      const cause = e.code;
      if (!this.paddingOracle && (e.code === 'ERR_BAD_PADDING' || e.code === 'ERR_BAD_UTF8')) {
        // §6.4: one answer for every way decryption can fail, so the reply is no padding oracle
        e = new FrameError('ERR_DECRYPT', `cannot decrypt ${f.framing === 'native' && f.type === 'hello' ? 'the hello' : 'the message'}: bad padding or not UTF-8 text; do both sides use the same key?`, { fatal: e.fatal });
      }
      this.stats.errors++;
      this.log.write({ event: 'error', conn: c.id, peer: c.peer, code: e.code, ...(cause !== e.code ? { cause } : {}), fatal: e.fatal });
      if (e.fatal) this.finish(c, this.errorFrame(c, e));
      else this.send(c, this.errorFrame(c, e));
    }
  }

  private logIn(c: Conn, f: NativeFrame): void {
    if (this.log.enabled) this.log.write({ conn: c.id, peer: c.peer, dir: 'in', framing: 'native', type: f.type, suite: f.suite, seq: f.seq, wire: Buffer.from(f.raw.buffer, f.raw.byteOffset, f.raw.length).toString('base64') });
  }

  private onLine(c: Conn, f: LineFrame): void {
    let m;
    try {
      m = readLineMessageFast(f.raw);
    } catch (err) {
      // §8.5: what is not a message may be anything (a cleartext line typed into nc): its code only
      this.log.write({ conn: c.id, peer: c.peer, dir: 'in', framing: 'line', length: f.raw.length, code: (err as FrameError).code });
      throw err;
    }
    const form = lineStyleLabel(m.style);
    if (this.log.enabled) this.log.write({ conn: c.id, peer: c.peer, dir: 'in', framing: 'line', ...(form !== 'line' ? { form } : {}), wire: Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length).toString('base64') });
    if (m.style !== c.style) {
      c.style = m.style;
      c.groupKey = `line:${styleKey(m.style)}`;
    }
    const text = utf8(cbcDecrypt(this.keys.psk, m.iv, m.ciphertext));
    this.checkTextLength(text);
    this.chat(c, text);
  }

  /**
   * The first byte told the framing (§2), or the grace time passed in silence (§8.2). A line
   * connection is in the room from then on; a native one enters with its hello (§8.1).
   */
  private onFraming(c: Conn, framing: 'line' | 'native'): void {
    if (c.framing === 'line' && framing === 'native') {
      throw new FrameError('ERR_LATE_HELLO', `a native hello came ${Date.now() - c.connectedAt} ms after connecting; after ${this.graceMs} ms of silence this connection was taken for a line listener (docs/protocol.md, section 8.2): send the hello at once`, { fatal: true });
    }
    c.framing = framing;
    this.waiting.delete(c);
    if (framing === 'native') {
      c.held = null;
      c.heldBytes = 0;
      return;
    }
    if (!this.admit(c, 'speaker')) return;
    if (!c.inRoom) this.enterLine(c);
  }

  /** §8.7: a place among the speakers or the listeners, or ERR_SERVER_FULL. */
  private admit(c: Conn, as: 'speaker' | 'listener'): boolean {
    if (c.place === as) return true;
    const full = as === 'speaker' ? this.admitted >= this.maxClients : this.listeners >= this.maxListeners;
    if (full) {
      const what = as === 'speaker' ? `${this.maxClients} clients` : `${this.maxListeners} listeners`;
      this.log.write({ event: 'error', conn: c.id, peer: c.peer, code: 'ERR_SERVER_FULL', fatal: true });
      c.framing ??= 'line';
      this.finish(c, this.errorFrame(c, new FrameError('ERR_SERVER_FULL', `the room is full (${what}); try again later`)));
      return false;
    }
    if (c.place === 'listener') this.listeners--;
    if (as === 'speaker') this.admitted++;
    else this.listeners++;
    c.place = as;
    return true;
  }

  private enterLine(c: Conn): void {
    c.name = `guest-${c.id}`;
    this.enter(c);
  }

  /** §8.2: what the room said while this connection could not yet be told, in order. */
  private release(c: Conn): void {
    const held = c.held;
    if (!held) return;
    c.held = null;
    c.heldBytes = 0;
    const k = c.groupKey;
    for (const h of held) {
      let frame = h.sealed?.get(k);
      if (!frame) {
        frame = this.seal(c, h.type, h.text);
        (h.sealed ??= new Map()).set(k, frame);
      }
      this.send(c, this.logOut(c, h.type, frame));
    }
  }

  private hold(c: Conn, h: HeldNotice): void {
    c.held!.push(h);
    c.heldBytes += h.text.length;
    if (c.heldBytes > this.maxQueued) this.dropSlow(c); // §8.6: the same bound as a queue
  }

  private checkTextLength(text: string): void {
    const n = Buffer.byteLength(text);
    if (n > this.maxPayload - RELAY_OVERHEAD) {
      throw new FrameError('ERR_FRAME_TOO_LARGE', `message: expected at most ${this.maxPayload - RELAY_OVERHEAD} bytes of text so that it can be relayed, got ${n}; send it in parts`, { expected: this.maxPayload - RELAY_OVERHEAD, actual: n, fatal: false });
    }
  }

  private onNative(c: Conn, f: NativeFrame): void {
    this.logIn(c, f);
    if (c.suite === null) {
      // §8.1: a native connection starts with a hello; without one nothing else can be read.
      if (f.type !== 'hello') throw new FrameError('ERR_UNEXPECTED_TYPE', `expected a hello frame first, got ${f.type}`, { expected: 'hello', actual: f.type, fatal: true });
      let name: string;
      try {
        name = utf8(openFrame(this.keys, f));
      } catch (err) {
        // a hello that does not open means the keys differ: nothing later would open either
        if (err instanceof FrameError) throw new FrameError(err.code, `hello: ${err.message}`, { fatal: true });
        throw err;
      }
      const bad = validName(name);
      if (bad) throw new FrameError('ERR_BAD_NAME', `hello: the name must have ${bad}`, { fatal: true });
      c.suite = f.suite as SealedSuite;
      c.groupKey = c.suite;
      c.name = name;
      c.nextSeq = f.seq + 1;
      this.send(c, this.logOut(c, 'hello', this.seal(c, 'hello', `welcome ${name}`)));
      this.enter(c);
      return;
    }
    if (f.suite !== 'none' && f.suite !== c.suite) {
      throw new FrameError('ERR_SUITE_MISMATCH', `expected suite ${c.suite} as chosen in the hello, got ${f.suite}`, { expected: c.suite, actual: f.suite, fatal: false });
    }
    // Open first (for cbc-hmac and gcm that authenticates the seq), then check the seq (§3.5).
    const plaintext = f.type === 'chat' ? openFrame(this.keys, f) : null;
    if (f.seq < c.nextSeq) {
      throw new FrameError('ERR_SEQUENCE', `expected a sequence number of at least ${c.nextSeq}, got ${f.seq}: a replayed or reordered frame`, { expected: `≥ ${c.nextSeq}`, actual: f.seq, fatal: false });
    }
    c.nextSeq = f.seq + 1;
    switch (f.type) {
      case 'chat': {
        const text = utf8(plaintext!);
        this.checkTextLength(text);
        this.chat(c, text);
        return;
      }
      case 'bye':
        this.finish(c, null);
        return;
      case 'error':
        return; // logged above; a client's complaint needs no answer
      default:
        throw new FrameError('ERR_UNEXPECTED_TYPE', `a client may send chat, bye or error after its hello, got ${f.type}`, { expected: 'chat, bye or error', actual: f.type, fatal: false });
    }
  }

  /** §8.3: ack to the sender, then relay to everyone else. A line client enters with its first message (§8.2). */
  private chat(c: Conn, text: string): void {
    this.send(c, this.logOut(c, 'ack', this.seal(c, 'ack', ACK_TEXT)));
    this.release(c); // §8.2: the ack first, then what the room said since this client connected
    this.broadcast('chat', c, `${c.name}: ${text}`);
  }

  private enter(c: Conn): void {
    c.inRoom = true;
    this.room.add(c);
    this.log.write({ event: 'join', conn: c.id, peer: c.peer, framing: c.framing, suite: c.suite ?? 'cbc' });
    this.broadcast('join', c, c.name);
  }

  private nextServerSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) >>> 0;
    return s;
  }

  /** A frame for one connection; line clients get the text a seed client would print (§8.2). */
  private seal(c: Conn, type: 'hello' | 'ack' | 'chat' | 'join' | 'leave', text: string, seq = this.nextServerSeq()): Buffer {
    if (c.framing === 'line') return Buffer.from(sealLineStyled(this.keys.psk, Buffer.from(lineText(type, text)), c.style));
    return sealFrame(this.keys, { type, suite: c.suite!, seq, plaintext: Buffer.from(text) });
  }

  /** §8.4: seal once per framing and suite, not once per recipient; the same seq for all. */
  private broadcast(type: Notice, from: Conn, text: string): void {
    const seq = this.nextServerSeq();
    const groups = new Map<string, { frame: Buffer; to: number[] }>();
    const logged = this.log.enabled;
    let held: HeldNotice | null = null;
    for (const r of this.waiting) if (!r.closed) this.hold(r, (held ??= { type, text, sealed: null }));
    for (const r of this.room) {
      if (r === from || r.closed) continue;
      if (r.held) {
        this.hold(r, (held ??= { type, text, sealed: null }));
        continue;
      }
      let g = groups.get(r.groupKey);
      if (!g) {
        g = { frame: this.seal(r, type, text, seq), to: [] };
        groups.set(r.groupKey, g);
      }
      if (logged) g.to.push(r.id);
      this.send(r, g.frame);
    }
    if (logged) for (const [k, g] of groups) {
      const line = k.startsWith('line');
      this.log.write({ conn: g.to, dir: 'out', framing: line ? 'line' : 'native', type, suite: line ? 'cbc' : k, seq: line ? undefined : seq, wire: wireText(line, g.frame) });
    }
  }

  private errorFrame(c: Conn, e: FrameError): Buffer {
    if (c.framing === 'line') {
      // §5.4: line framing has no error frame; an encrypted "ERROR CODE: message" line takes its place
      return this.logOut(c, 'error', Buffer.from(sealLineStyled(this.keys.psk, Buffer.from(`ERROR ${e.code}: ${e.message}`), c.style)));
    }
    const payload = Buffer.from(JSON.stringify({ code: e.code, message: e.message }));
    // §8.5: an error frame is in the clear and its message may quote decrypted bytes: log only its header
    const frame = Buffer.from(encodeFrame({ type: 'error', suite: 'none', seq: this.nextServerSeq(), payload }));
    this.log.write({ conn: c.id, peer: c.peer, dir: 'out', framing: 'native', type: 'error', suite: 'none', seq: frame.readUInt32BE(5), code: e.code, wire: frame.subarray(0, 13).toString('base64') });
    return frame;
  }

  /** §8.5: a frame for one connection, logged as it goes on the wire. */
  private logOut(c: Conn, type: string, frame: Buffer): Buffer {
    const line = c.framing === 'line';
    if (this.log.enabled) this.log.write({ conn: c.id, peer: c.peer, dir: 'out', framing: line ? 'line' : 'native', type, suite: line ? 'cbc' : frame[4] === 0 ? 'none' : c.suite, seq: line ? undefined : frame.readUInt32BE(5), wire: wireText(line, frame) });
    return frame;
  }

  private send(c: Conn, frame: Buffer): void {
    if (c.closed) return;
    c.out.push(frame);
    c.outBytes += frame.length;
    this.stats.deliveries++;
    const queued = c.outBytes + c.socket.writableLength;
    if (queued > this.stats.peakQueuedBytes) this.stats.peakQueuedBytes = queued;
    if (queued > this.maxQueued) {
      // §8.6: a reader this far behind is dropped at once, so its queue cannot grow the server's memory
      this.dropSlow(c);
      return;
    }
    if (!c.backlogSince && queued > this.highWater) this.backlog(c);
    if (!this.batch) {
      c.out = [];
      c.outBytes = 0;
      c.socket.write(frame, c.onWritten);
      if (c.backlogSince && c.socket.writableLength <= this.highWater) this.unbacklog(c);
      return;
    }
    if (!c.dirty) {
      c.dirty = true;
      this.dirtyList.push(c);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    }
  }

  /** Batch writes: everything queued for a socket in this turn of the event loop goes out as one write. */
  private flush = (): void => {
    this.flushScheduled = false;
    const list = this.dirtyList;
    this.dirtyList = [];
    for (const c of list) {
      c.dirty = false;
      if (c.closed || c.out.length === 0) continue;
      const data = c.out.length === 1 ? c.out[0] : Buffer.concat(c.out, c.outBytes);
      c.out = [];
      c.outBytes = 0;
      c.socket.write(data, c.onWritten);
      if (c.socket.writableLength > this.highWater) {
        if (!c.backlogSince) this.backlog(c);
      } else if (c.backlogSince) this.unbacklog(c); // the kernel took it all: no 'drain' will come
    }
    this.log.flush();
  };

  /**
   * §8.6 backpressure: while any reader has more than the high-water mark unsent, the server
   * reads no input, so fast senders slow to the pace of the slowest reader instead of growing
   * queues. Only a reader that the kernel takes nothing from for slowReaderMs is dropped (sweep).
   */
  private backlog(c: Conn): void {
    c.backlogSince = Date.now();
    c.progressAt = c.backlogSince;
    c.lastWritesDone = c.writesDone;
    c.lastInFlight = inFlight(c.socket);
    this.backlogged.add(c);
    if (!this.inputPaused) {
      this.inputPaused = true;
      for (const x of this.conns) x.socket.pause();
    }
  }

  private unbacklog(c: Conn): void {
    c.backlogSince = 0;
    if (!this.backlogged.delete(c)) return;
    if (this.backlogged.size === 0 && this.inputPaused) {
      this.inputPaused = false;
      const now = Date.now();
      // Round robin: the first socket resumed is read first, and what it brings can pause the
      // room again before the others are read; starting one further each time, none starves.
      const all = [...this.conns];
      const start = this.resumeFrom++ % Math.max(1, all.length);
      for (let i = 0; i < all.length; i++) {
        const x = all[(start + i) % all.length];
        if (x.closed) continue;
        x.lastFrameAt = Math.max(x.lastFrameAt, now - this.idleMs / 2); // time spent paused is not the peer's idleness
        x.socket.resume();
      }
    }
  }

  private dropSlow(c: Conn): void {
    this.stats.dropped++;
    this.log.write({ event: 'error', conn: c.id, peer: c.peer, code: 'ERR_SLOW_READER', fatal: true, queued: c.outBytes + c.socket.writableLength });
    c.out = [];
    c.outBytes = 0;
    this.drop(c);
    c.socket.destroy();
    this.unbacklog(c);
  }

  /** Send what is queued plus `last`, then close our side (§6.2). */
  private finish(c: Conn, last: Buffer | null): void {
    if (c.closed) return;
    if (last) {
      c.out.push(last);
      c.outBytes += last.length;
    }
    const data = c.out.length ? Buffer.concat(c.out, c.outBytes) : null;
    c.out = [];
    c.outBytes = 0;
    this.drop(c);
    if (data) c.socket.write(data);
    c.socket.end();
    setTimeout(() => c.socket.destroy(), 2000).unref();
  }

  /** Take a connection out of the room (with a leave notice) and mark it closed. */
  private drop(c: Conn): void {
    if (c.closed) return;
    c.closed = true;
    if (c.inRoom) {
      this.room.delete(c);
      c.inRoom = false;
      if (!this.closing) this.broadcast('leave', c, c.name);
    }
  }

  private cleanup(c: Conn): void {
    if (!this.conns.delete(c)) return;
    this.unbacklog(c);
    this.waiting.delete(c);
    if (c.place === 'speaker') this.admitted--;
    else if (c.place === 'listener') this.listeners--;
    c.place = 'none';
    this.drop(c);
    this.log.write({ event: 'close', conn: c.id, peer: c.peer });
  }

  /** §8.7: no complete frame for idleTimeout seconds (a trickle of bytes does not count). */
  private sweep(): void {
    const now = Date.now();
    for (const c of this.backlogged) {
      // §8.6: progress is bytes the kernel took: a write completed, or the one in flight went down
      const left = inFlight(c.socket);
      if (c.writesDone !== c.lastWritesDone || left < c.lastInFlight) c.progressAt = now;
      c.lastWritesDone = c.writesDone;
      c.lastInFlight = left;
      // not reading at all: the room stops waiting; a reader that reads, however slowly, stays
      if (now - c.progressAt > this.slowMs) this.dropSlow(c);
    }
    if (!this.inputPaused) {
      for (const c of this.conns) {
        if (c.closed) continue;
        if (c.framing === null && c.lastByteAt === 0 && now - c.connectedAt >= this.graceMs) this.becomeListener(c);
        else if (c.held && c.framing === 'line' && now - c.connectedAt >= this.graceMs) this.release(c);
        if (c.framing === 'line' && c.decoder.pending > 0 && now - c.lastByteAt >= this.pauseMs) {
          // §5.2: the sender paused; what it sent without a line end is one message
          try {
            c.decoder.pause((f) => this.onFrame(c, f));
          } catch (err) {
            this.onStreamError(c, err);
          }
        }
      }
    }
    if (this.idleMs <= 0) return;
    for (const c of this.conns) {
      // §8.7: only an unfinished frame times out; a listener with nothing pending stays
      if (c.closed || c.backlogSince || this.inputPaused || c.decoder.pending === 0 || now - c.lastFrameAt <= this.idleMs) continue;
      const e = new FrameError('ERR_IDLE_TIMEOUT', `no complete frame for ${this.idleMs / 1000} s; closing the connection`, { fatal: true });
      this.log.write({ event: 'error', conn: c.id, peer: c.peer, code: e.code, fatal: true });
      c.framing ??= c.decoder.framing;
      this.finish(c, c.framing === null ? null : this.errorFrame(c, e));
    }
  }

  /** §8.2: silent for the grace time: a line listener, in the room, hearing what was held for it. */
  private becomeListener(c: Conn): void {
    this.waiting.delete(c);
    c.framing = 'line';
    if (!this.admit(c, 'listener')) return;
    this.enterLine(c);
    this.release(c);
  }

  /** §8.8: a bye to every client, the log flushed, the port closed. */
  close(reason = 'server shutting down'): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (this.sweeper) clearInterval(this.sweeper);
      const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
      let told = 0;
      for (const c of this.conns) {
        if (c.closed) continue;
        let bye: Buffer | null = null;
        if (c.framing === 'native' && c.suite) bye = Buffer.from(encodeFrame({ type: 'bye', suite: 'none', seq: this.nextServerSeq(), payload: Buffer.from(reason) }));
        else if (c.framing === 'line' && c.inRoom) bye = Buffer.from(sealLineStyled(this.keys.psk, Buffer.from(`* ${reason}: bye`), c.style));
        if (bye) {
          told++;
          this.logOut(c, 'bye', bye);
        }
        this.finish(c, bye);
      }
      const deadline = new Promise<void>((r) => setTimeout(r, 2000).unref());
      await Promise.race([closed, deadline]);
      for (const c of this.conns) c.socket.destroy();
      await new Promise((r) => setImmediate(r)); // let the 'close' events log first
      this.log.write({ event: 'shutdown', told });
      await this.log.close();
    })();
    return this.closing;
  }
}

/**
 * Bytes of the write in flight that the kernel has not taken yet: libuv's write queue, which Node
 * keeps on the handle (net.Socket's own timeout reads it the same way); 0 without a handle.
 */
function inFlight(s: Socket): number {
  return (s as unknown as { _handle?: { writeQueueSize?: number } })._handle?.writeQueueSize ?? 0;
}

/** §8.2: what line clients read for each kind of frame. */
function lineText(type: string, text: string): string {
  if (type === 'join') return `* ${text} joined`;
  if (type === 'leave') return `* ${text} left`;
  return text;
}

/** §8.5: a line as it went out (its line end aside), a native frame as base64. */
function wireText(line: boolean, frame: Buffer): string {
  if (!line) return frame.toString('base64');
  const crlf = frame.length > 1 && frame[frame.length - 2] === 13;
  return frame.toString('latin1', 0, frame.length - (crlf ? 2 : 1));
}

export async function startChatServer(o: ChatServerOptions): Promise<{ server: ChatServer; address: AddressInfo }> {
  const server = new ChatServer(o);
  const address = await server.listen();
  return { server, address };
}
