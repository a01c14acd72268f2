// The chat client (docs/protocol.md §9): connects with either framing, says hello (native),
// sends messages and turns what arrives into typed events. cmd-client.ts is its terminal face;
// tests and the bench drive it directly.
import { connect as netConnect, type Socket } from 'node:net';
import { EventEmitter } from 'node:events';
import { FrameDecoder, FrameError, encodeFrame, type Frame, type SealedSuite } from '../src/lib/protocol/index.ts';
import { deriveKeys, openFrame, openLineMessage, sealFrame, sealLine, utf8, type SuiteKeys } from './suites.ts';
import { ACK_TEXT, DEFAULT_LINE_PAUSE_MS } from './chat/options.ts';
import { lineStyleLabel, type LineStyle } from '../src/lib/protocol/line-message.ts';

export interface ChatClientOptions {
  host?: string;
  port: number;
  key: Uint8Array;
  /**
   * How others see us: native framing says it in the hello (§8.1); line framing, which has no
   * hello, sends `/name <name>` as its first message when a name is given (§8.2.5), and is
   * `guest-<n>` without one.
   */
  name?: string;
  framing?: 'line' | 'native';
  suite?: SealedSuite;
  maxPayload?: number;
  /** §5.2: the pause that ends a reply without a line end (a seed server that keeps the connection open) */
  linePauseMs?: number;
}

export type Incoming =
  | {
      /** `named`: line framing, the server's answer to our `/name` (§8.2.5); `text` is the name */
      kind: 'hello' | 'ack' | 'chat' | 'join' | 'leave' | 'bye' | 'named';
      text: string;
      wire: Uint8Array | string;
      form?: string;
    }
  | { kind: 'error'; code: string; message: string; wire: Uint8Array | string }
  /** a frame that arrived but cannot be opened with our key */
  | { kind: 'undecryptable'; error: FrameError; wire: Uint8Array | string };

/** Events: 'message' (Incoming), 'wire' (dir, bytes or line text), 'close' (FrameError | null). */
export class ChatClient extends EventEmitter {
  readonly framing: 'line' | 'native';
  readonly suite: SealedSuite;
  readonly name: string;
  /** line framing: a `/name` goes out first (§8.2.5) */
  readonly sendsName: boolean;
  private readonly keys: SuiteKeys;
  private socket: Socket | null = null;
  private decoder: FrameDecoder;
  private seq = 0;
  private lastServerSeq = -1;
  private pauseTimer: NodeJS.Timeout | null = null;
  closed = false;

  constructor(private readonly o: ChatClientOptions) {
    super();
    this.framing = o.framing ?? 'line';
    this.suite = o.suite ?? 'cbc';
    this.name = o.name ?? 'alice';
    this.sendsName = this.framing === 'line' && o.name !== undefined;
    this.keys = deriveKeys(o.key);
    // §5.6: a seed server may answer in raw bytes; the client reads every form of §5.5
    this.decoder = new FrameDecoder({ framing: this.framing, maxPayload: o.maxPayload, raw: 'accept' });
  }

  /** host:port of our end once connected, as the tap and the server see it */
  get localAddress(): string | null {
    const s = this.socket;
    return s && s.localAddress && s.localPort ? `${s.localAddress}:${s.localPort}` : null;
  }

  /** Connect; for native framing also send the hello (§8.1). Rejects with the socket error. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = netConnect({ host: this.o.host ?? '127.0.0.1', port: this.o.port, noDelay: true });
      this.socket = s;
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        s.on('error', () => {});
        s.on('data', (chunk: Buffer) => this.onData(chunk));
        s.on('end', () => {
          try {
            this.decoder.end((f) => this.onFrame(f)); // §5.2: a seed server may close instead of ending its line
          } catch (err) {
            this.emitClose(err as FrameError);
            return;
          }
          this.emitClose(null);
        });
        s.on('close', () => this.emitClose(null));
        if (this.framing === 'native')
          this.write(
            sealFrame(this.keys, {
              type: 'hello',
              suite: this.suite,
              seq: this.seq++,
              plaintext: Buffer.from(this.name)
            })
          );
        else if (this.sendsName) this.send(`/name ${this.name}`);
        resolve();
      });
    });
  }

  private emitClose(err: FrameError | null): void {
    if (this.closed) return;
    this.closed = true;
    if (this.pauseTimer) clearTimeout(this.pauseTimer);
    this.emit('close', err);
  }

  private write(frame: Uint8Array): void {
    this.emit(
      'wire',
      'out',
      this.framing === 'line' ? Buffer.from(frame).toString('latin1').replace(/\n$/, '') : frame
    );
    this.socket?.write(frame);
  }

  /** Encrypt and send one chat message. */
  send(text: string): void {
    const plaintext = Buffer.from(text);
    if (this.framing === 'line') this.write(sealLine(this.keys.psk, plaintext));
    else this.write(sealFrame(this.keys, { type: 'chat', suite: this.suite, seq: this.seq++, plaintext }));
  }

  /** Say bye (native) and close. */
  end(): Promise<void> {
    return new Promise((resolve) => {
      const s = this.socket;
      if (!s || s.destroyed) return resolve();
      if (this.framing === 'native' && !this.closed)
        this.write(encodeFrame({ type: 'bye', suite: 'none', seq: this.seq++, payload: new Uint8Array(0) }));
      s.end(() => resolve());
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 1000).unref();
    });
  }

  destroy(): void {
    this.socket?.destroy();
  }

  private onData(chunk: Buffer): void {
    try {
      this.decoder.push(chunk, (f) => this.onFrame(f));
      if (this.framing === 'line' && this.decoder.pending > 0) this.armPause();
    } catch (err) {
      this.emitClose(err instanceof FrameError ? err : new FrameError('ERR_INTERNAL', String(err)));
      this.socket?.destroy();
    }
  }

  /** §5.2: no byte for a while after part of a line: what came is one reply without a line end. */
  private armPause(): void {
    if (this.pauseTimer) {
      this.pauseTimer.refresh();
      return;
    }
    this.pauseTimer = setTimeout(() => {
      this.pauseTimer = null;
      try {
        this.decoder.pause((f) => this.onFrame(f));
      } catch (err) {
        this.emitClose(err instanceof FrameError ? err : new FrameError('ERR_INTERNAL', String(err)));
        this.socket?.destroy();
      }
    }, this.o.linePauseMs ?? DEFAULT_LINE_PAUSE_MS);
    this.pauseTimer.unref();
  }

  private onFrame(f: Frame): void {
    if (f.framing === 'line') {
      const wire = lineWire(f.raw);
      this.emit('wire', 'in', wire);
      let text: string;
      let style: LineStyle;
      try {
        const opened = openLineMessage(this.keys.psk, f.raw);
        style = opened.message.style;
        text = utf8(opened.plaintext);
      } catch (err) {
        this.emit('message', { kind: 'undecryptable', error: err as FrameError, wire } satisfies Incoming);
        return;
      }
      const m = classifyLine(text, wire);
      const form = lineStyleLabel(style);
      this.emit('message', form !== 'line' && m.kind !== 'error' && m.kind !== 'undecryptable' ? { ...m, form } : m);
      return;
    }
    this.emit('wire', 'in', f.raw);
    if (f.type === 'error' || f.type === 'bye') {
      const body = Buffer.from(f.payload).toString('utf8');
      if (f.type === 'bye')
        return void this.emit('message', { kind: 'bye', text: body, wire: f.raw } satisfies Incoming);
      let code = 'ERR_UNKNOWN';
      let message = body;
      try {
        const j = JSON.parse(body) as { code?: string; message?: string };
        code = String(j.code ?? code);
        message = String(j.message ?? body);
      } catch {
        /* not JSON: show the text as is */
      }
      this.emit('message', { kind: 'error', code, message, wire: f.raw } satisfies Incoming);
      return;
    }
    let text: string;
    try {
      text = utf8(openFrame(this.keys, f));
      // §3.5: the server's sequence numbers only go up on a connection
      if (f.seq <= this.lastServerSeq)
        throw new FrameError(
          'ERR_SEQUENCE',
          `expected a sequence number above ${this.lastServerSeq}, got ${f.seq}: a replayed frame`,
          { fatal: false }
        );
      this.lastServerSeq = f.seq;
    } catch (err) {
      this.emit('message', { kind: 'undecryptable', error: err as FrameError, wire: f.raw } satisfies Incoming);
      return;
    }
    this.emit('message', {
      kind: f.type as 'hello' | 'ack' | 'chat' | 'join' | 'leave',
      text,
      wire: f.raw
    } satisfies Incoming);
  }
}

/** A line as the wire shows it: its text without the line end, or hex for raw bytes (§5.6). */
function lineWire(raw: Uint8Array): string {
  const b = Buffer.from(raw.buffer, raw.byteOffset, raw.length);
  for (const x of b) if (x > 0x7e || (x < 0x20 && x !== 9 && x !== 10 && x !== 13)) return `(raw) ${b.toString('hex')}`;
  return b.toString('latin1').replace(/\r?\n$/, '');
}

/** §8.2: line framing carries only text; the server's kinds are told apart by their form. */
export function classifyLine(text: string, wire: string): Incoming {
  if (text === ACK_TEXT) return { kind: 'ack', text, wire };
  const err = /^ERROR (ERR_[A-Z0-9_]+): ([\s\S]*)$/.exec(text);
  if (err) return { kind: 'error', code: err[1], message: err[2], wire };
  // no name starts with "* " (§3.2), so no relayed line can look like this reply (§8.2.5); it is
  // read first so that a client that named itself "joined" still knows its reply
  const named = /^\* you are now (.+)$/.exec(text);
  if (named) return { kind: 'named', text: named[1], wire };
  const notice = /^\* (.+) (joined|left)$/.exec(text);
  if (notice) return { kind: notice[2] === 'joined' ? 'join' : 'leave', text: notice[1], wire };
  const bye = /^\* (.+): bye$/.exec(text);
  if (bye) return { kind: 'bye', text: bye[1], wire };
  return { kind: 'chat', text, wire };
}
