// What a connection's bytes mean (docs/protocol.md §8.1–§8.3, §8.7): framing chosen by the first
// byte or by silence, the hello, chat and bye, and one clear outcome for every bad input. Every
// outcome is per connection; nothing one client sends can stop the others.
import {
  FrameError,
  type Frame,
  type LineFrame,
  type NativeFrame,
  type SealedSuite
} from '../../src/lib/protocol/index.ts';
import { lineStyleLabel, styleKey } from '../../src/lib/protocol/line-message.ts';
import { cbcDecrypt, openFrame, readLineMessageFast, utf8 } from '../suites.ts';
import type { Broadcaster } from './broadcast.ts';
import type { Conn } from './conn.ts';
import type { Frames } from './frames.ts';
import type { JsonLog } from './log.ts';
import { ACK_TEXT, CLOSE_DEADLINE_MS, type ChatLimits, type ChatStats } from './options.ts';
import { renameRequest, validName } from './names.ts';
import type { Room } from './room.ts';

/** §8.3: a relayed message carries "name: " in front; keep it under the receivers' limit. */
const RELAY_OVERHEAD = 128;

export class ChatProtocol {
  constructor(
    private readonly limits: ChatLimits,
    private readonly room: Room,
    private readonly out: Broadcaster,
    private readonly frames: Frames,
    private readonly log: JsonLog,
    private readonly stats: ChatStats
  ) {}

  onData(c: Conn, chunk: Buffer): void {
    if (!c.open) return;
    c.lastByteAt = this.limits.clock.monotonic();
    try {
      c.decoder.push(chunk, (f) => this.onFrame(c, f));
      if (c.decoder.framing !== null && c.decoder.framing !== c.framing) this.onFraming(c, c.decoder.framing);
    } catch (err) {
      this.onStreamError(c, err);
    }
  }

  /** The peer half-closed: a last message without its line end (§5.2), what is queued for it, then the close. */
  onEnd(c: Conn): void {
    if (!c.open) return;
    try {
      c.decoder.end((f) => this.onFrame(c, f));
      this.finish(c, null);
    } catch (err) {
      this.onStreamError(c, err);
    }
  }

  /** §5.2: the sender paused; what it sent without a line end is one message. */
  onPause(c: Conn): void {
    try {
      c.decoder.pause((f) => this.onFrame(c, f));
    } catch (err) {
      this.onStreamError(c, err);
    }
  }

  /** §8.2: silent for the grace time: a line listener, in the room, hearing what was held for it. */
  becomeListener(c: Conn): void {
    c.framing = 'line';
    if (!this.admit(c, 'listener')) return;
    this.enterLine(c);
    this.out.release(c);
  }

  /** §8.7: no complete frame for idleTimeout seconds (a trickle of bytes does not count). */
  idleTimeout(c: Conn): void {
    const e = new FrameError(
      'ERR_IDLE_TIMEOUT',
      `no complete frame for ${this.limits.idleMs / 1000} s; closing the connection`,
      { fatal: true }
    );
    this.log.write({ event: 'error', conn: c.id, peer: c.peer, code: e.code, fatal: true });
    c.framing ??= c.decoder.framing;
    this.finish(c, c.framing === null ? null : this.frames.errorFrame(c, e));
  }

  /** Send what is queued plus `last`, then close our side (§6.2); destroyed if it takes too long. */
  finish(c: Conn, last: Buffer | null): void {
    if (!c.open) return;
    const data = c.outbox.take(last);
    this.out.drop(c);
    if (data) c.socket.write(data);
    c.socket.end();
    this.limits.clock.setTimeout(() => c.socket.destroy(), CLOSE_DEADLINE_MS).unref();
  }

  private onStreamError(c: Conn, err: unknown): void {
    const e =
      err instanceof FrameError
        ? err
        : new FrameError('ERR_INTERNAL', `internal error: ${(err as Error)?.message ?? err}`);
    this.stats.errors++;
    this.log.write({ event: 'error', conn: c.id, peer: c.peer, code: e.code, fatal: true, position: e.position });
    c.framing ??= c.decoder.framing; // the first frame may have failed after its first byte chose the framing
    const neverFramed = e.code === 'ERR_BAD_MAGIC' && c.decoder.offset === 0; // 0xCB, then not 0xC1: raw bytes, most likely
    if (c.framing === null || neverFramed || e.code === 'ERR_RAW_BYTES' || e.code === 'ERR_LATE_HELLO') {
      // §2.3, §5.6: nothing we can frame, or a peer that cannot read our lines; say so in one
      // line of plain ASCII, which a terminal or a seed program prints as it is, then close.
      this.finish(
        c,
        Buffer.from(
          `cbc-lab: ${e.code}: ${e.message.replace(/§/g, 'section ').replace(/[^\x20-\x7e]/g, '?')}\n`,
          'latin1'
        )
      );
      return;
    }
    this.finish(c, this.frames.errorFrame(c, e));
  }

  private onFrame(c: Conn, f: Frame): void {
    if (!c.open) return;
    this.stats.framesIn++;
    c.lastFrameAt = this.limits.clock.monotonic();
    if (c.framing !== f.framing) {
      this.onFraming(c, f.framing);
      if (!c.open) return;
    }
    if (c.seat !== 'speaker' && !this.admit(c, 'speaker')) return;
    try {
      if (f.framing === 'line') this.onLine(c, f);
      else this.onNative(c, f);
    } catch (err) {
      let e =
        err instanceof FrameError
          ? err
          : new FrameError('ERR_INTERNAL', `internal error: ${(err as Error)?.message ?? err}`);
      const cause = e.code;
      if (!this.limits.paddingOracle && (e.code === 'ERR_BAD_PADDING' || e.code === 'ERR_BAD_UTF8')) {
        // §6.4: one answer for every way decryption can fail, so the reply is no padding oracle
        e = new FrameError(
          'ERR_DECRYPT',
          `cannot decrypt ${f.framing === 'native' && f.type === 'hello' ? 'the hello' : 'the message'}: bad padding or not UTF-8 text; do both sides use the same key?`,
          { fatal: e.fatal }
        );
      }
      this.stats.errors++;
      this.log.write({
        event: 'error',
        conn: c.id,
        peer: c.peer,
        code: e.code,
        ...(cause !== e.code ? { cause } : {}),
        fatal: e.fatal
      });
      if (e.fatal) this.finish(c, this.frames.errorFrame(c, e));
      else this.out.send(c, this.frames.errorFrame(c, e));
    }
  }

  /**
   * The first byte told the framing (§2), or the grace time passed in silence (§8.2). A line
   * connection is in the room from then on; a native one enters with its hello (§8.1).
   */
  private onFraming(c: Conn, framing: 'line' | 'native'): void {
    if (c.framing === 'line' && framing === 'native') {
      const after = this.limits.clock.monotonic() - c.connectedAt;
      throw new FrameError(
        'ERR_LATE_HELLO',
        `a native hello came ${Math.round(after)} ms after connecting; after ${this.limits.graceMs} ms of silence this connection was taken for a line listener (docs/protocol.md, section 8.2): send the hello at once`,
        { fatal: true }
      );
    }
    c.framing = framing;
    if (!c.open) return;
    if (framing === 'native') {
      this.out.discardHeld(c);
      c.to('native-hello-wait');
      return;
    }
    if (!this.admit(c, 'speaker')) return;
    if (c.state !== 'in-room') this.enterLine(c);
  }

  /** §8.7: a seat among the speakers or the listeners, or ERR_SERVER_FULL. */
  private admit(c: Conn, as: 'speaker' | 'listener'): boolean {
    const full = this.room.seat(c, as);
    if (full === null) return true;
    this.log.write({ event: 'error', conn: c.id, peer: c.peer, code: 'ERR_SERVER_FULL', fatal: true });
    c.framing ??= 'line';
    this.finish(
      c,
      this.frames.errorFrame(c, new FrameError('ERR_SERVER_FULL', `the room is full (${full}); try again later`))
    );
    return false;
  }

  private onLine(c: Conn, f: LineFrame): void {
    let m;
    try {
      m = readLineMessageFast(f.raw);
    } catch (err) {
      // §8.5: what is not a message may be anything (a cleartext line typed into nc): its code only
      this.log.write({
        conn: c.id,
        peer: c.peer,
        dir: 'in',
        framing: 'line',
        length: f.raw.length,
        code: (err as FrameError).code
      });
      throw err;
    }
    const form = lineStyleLabel(m.style);
    if (this.log.enabled)
      this.log.write({
        conn: c.id,
        peer: c.peer,
        dir: 'in',
        framing: 'line',
        ...(form !== 'line' ? { form } : {}),
        wire: Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length).toString('base64')
      });
    if (m.style !== c.style) {
      c.style = m.style;
      c.groupKey = `line:${styleKey(m.style)}`;
    }
    const text = utf8(cbcDecrypt(this.frames.keys.psk, m.iv, m.ciphertext));
    this.checkTextLength(text);
    this.chat(c, text);
  }

  private onNative(c: Conn, f: NativeFrame): void {
    this.frames.logIn(c, f);
    if (c.state === 'native-hello-wait') {
      // §8.1: a native connection starts with a hello; without one nothing else can be read.
      if (f.type !== 'hello')
        throw new FrameError('ERR_UNEXPECTED_TYPE', `expected a hello frame first, got ${f.type}`, {
          expected: 'hello',
          actual: f.type,
          fatal: true
        });
      let name: string;
      try {
        name = utf8(openFrame(this.frames.keys, f));
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
      this.out.send(c, this.frames.reply(c, 'hello', `welcome ${name}`));
      this.enter(c);
      return;
    }
    if (f.suite !== 'none' && f.suite !== c.suite) {
      throw new FrameError('ERR_SUITE_MISMATCH', `expected suite ${c.suite} as chosen in the hello, got ${f.suite}`, {
        expected: c.suite!,
        actual: f.suite,
        fatal: false
      });
    }
    // Open first (for cbc-hmac and gcm that authenticates the seq), then check the seq (§3.5).
    const plaintext = f.type === 'chat' ? openFrame(this.frames.keys, f) : null;
    if (f.seq < c.nextSeq) {
      throw new FrameError(
        'ERR_SEQUENCE',
        `expected a sequence number of at least ${c.nextSeq}, got ${f.seq}: a replayed or reordered frame`,
        { expected: `≥ ${c.nextSeq}`, actual: f.seq, fatal: false }
      );
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
        throw new FrameError(
          'ERR_UNEXPECTED_TYPE',
          `a client may send chat, bye or error after its hello, got ${f.type}`,
          { expected: 'chat, bye or error', actual: f.type, fatal: false }
        );
    }
  }

  private checkTextLength(text: string): void {
    const n = Buffer.byteLength(text);
    const most = this.limits.maxPayload - RELAY_OVERHEAD;
    if (n > most) {
      throw new FrameError(
        'ERR_FRAME_TOO_LARGE',
        `message: expected at most ${most} bytes of text so that it can be relayed, got ${n}; send it in parts`,
        { expected: most, actual: n, fatal: false }
      );
    }
  }

  /** §8.3: ack to the sender, then relay to everyone else. A line client enters with its first message (§8.2). */
  private chat(c: Conn, text: string): void {
    const asked = renameRequest(text);
    if (asked !== null) return this.rename(c, asked);
    this.out.send(c, this.frames.reply(c, 'ack', ACK_TEXT));
    this.out.release(c); // §8.2: the ack first, then what the room said since this client connected
    this.out.relay('chat', c, `${c.name}: ${text}`);
  }

  /**
   * §8.2.5: `/name <name>` from a line client. One reply, as for any message (a seed client reads
   * one line per line it sends): `* you are now <name>`, or an ERROR line; the room hears
   * `* <old> is now <new>`, a server line, as join and leave are. Names need not be unique (§8.1).
   * The errors quote nothing the client sent: a native error frame is in the clear (§3.3).
   */
  private rename(c: Conn, name: string): void {
    if (c.framing !== 'line')
      throw new FrameError(
        'ERR_NATIVE_RENAME',
        `/name renames line clients only; a native client is named by its hello: to take another name, connect again with it in the hello (cbc-lab client --name NAME)`,
        { fatal: false }
      );
    const bad = validName(name);
    if (bad)
      throw new FrameError(
        'ERR_BAD_NAME',
        `/name: the name must have ${bad}; you are still ${c.name}: send "/name " and a name, such as "/name ada"`,
        { fatal: false }
      );
    const was = c.name;
    c.name = name;
    this.log.write({ event: 'rename', conn: c.id, peer: c.peer });
    this.out.send(c, this.frames.reply(c, 'chat', `* you are now ${name}`));
    this.out.release(c); // §8.2.4: the reply first, as an ack would be
    if (name !== was) this.out.relay('chat', c, `* ${was} is now ${name}`);
  }

  private enterLine(c: Conn): void {
    c.name = `guest-${c.id}`;
    this.enter(c);
  }

  private enter(c: Conn): void {
    this.room.enter(c);
    this.log.write({ event: 'join', conn: c.id, peer: c.peer, framing: c.framing, suite: c.suite ?? 'cbc' });
    this.out.relay('join', c, c.name);
  }
}
