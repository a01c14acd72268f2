// What the server writes to one connection (docs/protocol.md §8.2–§8.5): notices sealed in the
// connection's framing, suite and line style, error frames and lines, byes; each logged as it
// goes on the wire, ciphertext only (§8.5).
import { FrameError, encodeFrame, type NativeFrame } from '../../src/lib/protocol/index.ts';
import { sealFrame, sealLineStyled, type SuiteKeys } from '../suites.ts';
import type { Conn } from './conn.ts';
import type { JsonLog } from './log.ts';

export type OutType = 'hello' | 'ack' | 'chat' | 'join' | 'leave';

export class Frames {
  private seq = 0;

  constructor(
    readonly keys: SuiteKeys,
    private readonly log: JsonLog
  ) {}

  /** §3.5: the server's own sequence, one number per frame it sends (a broadcast shares one). */
  nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) >>> 0;
    return s;
  }

  /** A frame for one connection; line clients get the text a seed client would print (§8.2). */
  seal(c: Conn, type: OutType, text: string, seq = this.nextSeq()): Buffer {
    if (c.framing === 'line')
      return Buffer.from(sealLineStyled(this.keys.psk, Buffer.from(lineText(type, text)), c.style));
    return sealFrame(this.keys, { type, suite: c.suite!, seq, plaintext: Buffer.from(text) });
  }

  /** seal, logged as it goes out */
  reply(c: Conn, type: OutType, text: string): Buffer {
    return this.logOut(c, type, this.seal(c, type, text));
  }

  errorFrame(c: Conn, e: FrameError): Buffer {
    if (c.framing === 'line') {
      // §5.4: line framing has no error frame; an encrypted "ERROR CODE: message" line takes its place
      return this.logOut(
        c,
        'error',
        Buffer.from(sealLineStyled(this.keys.psk, Buffer.from(`ERROR ${e.code}: ${e.message}`), c.style))
      );
    }
    const payload = Buffer.from(JSON.stringify({ code: e.code, message: e.message }));
    // §8.5: an error frame is in the clear and its message may quote decrypted bytes: log only its header
    const frame = Buffer.from(encodeFrame({ type: 'error', suite: 'none', seq: this.nextSeq(), payload }));
    this.log.write({
      conn: c.id,
      peer: c.peer,
      dir: 'out',
      framing: 'native',
      type: 'error',
      suite: 'none',
      seq: frame.readUInt32BE(5),
      code: e.code,
      wire: frame.subarray(0, 13).toString('base64')
    });
    return frame;
  }

  /** §8.8: what a connection is told when the server shuts down; null for one that cannot read it yet. */
  bye(c: Conn, reason: string): Buffer | null {
    let bye: Buffer | null = null;
    if (c.framing === 'native' && c.suite)
      bye = Buffer.from(encodeFrame({ type: 'bye', suite: 'none', seq: this.nextSeq(), payload: Buffer.from(reason) }));
    else if (c.framing === 'line' && c.state === 'in-room')
      bye = Buffer.from(sealLineStyled(this.keys.psk, Buffer.from(`* ${reason}: bye`), c.style));
    return bye && this.logOut(c, 'bye', bye);
  }

  /** §8.5: a frame for one connection, logged as it goes on the wire. */
  logOut(c: Conn, type: string, frame: Buffer): Buffer {
    const line = c.framing === 'line';
    if (this.log.enabled)
      this.log.write({
        conn: c.id,
        peer: c.peer,
        dir: 'out',
        framing: line ? 'line' : 'native',
        type,
        suite: line ? 'cbc' : frame[4] === 0 ? 'none' : c.suite,
        seq: line ? undefined : frame.readUInt32BE(5),
        wire: wireText(line, frame)
      });
    return frame;
  }

  /** §8.5: one frame sealed once and sent to the connections `to`, logged once. */
  logRelay(to: number[], groupKey: string, type: string, seq: number, frame: Buffer): void {
    const line = groupKey.startsWith('line');
    this.log.write({
      conn: to,
      dir: 'out',
      framing: line ? 'line' : 'native',
      type,
      suite: line ? 'cbc' : groupKey,
      seq: line ? undefined : seq,
      wire: wireText(line, frame)
    });
  }

  logIn(c: Conn, f: NativeFrame): void {
    if (this.log.enabled)
      this.log.write({
        conn: c.id,
        peer: c.peer,
        dir: 'in',
        framing: 'native',
        type: f.type,
        suite: f.suite,
        seq: f.seq,
        wire: Buffer.from(f.raw.buffer, f.raw.byteOffset, f.raw.length).toString('base64')
      });
  }
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
