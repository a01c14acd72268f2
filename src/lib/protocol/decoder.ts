// The streaming decoder (docs/protocol.md §6): bytes in any chunking, frames out. Received chunks
// are kept in a list and never re-concatenated; a frame that lies inside one chunk is handed out
// as a view of it, one that spans chunks is copied once. Limits are checked before buffering: the
// native length field as soon as the header is complete, a line's length as it grows. After the
// first error the decoder is spent and emits nothing more (§6.3).
import { hexLiteral } from '../crypto/bytes';
import { FrameError } from './errors';
import {
  checkHeaderByte,
  decodeHeader,
  DEFAULT_MAX_PAYLOAD,
  HEADER_LENGTH,
  MAGIC_0,
  type FrameHeader,
  type NativeFrame
} from './frame';
import { isBase64Byte, maxLineLength, type LineFrame } from './line';
import { lineFrame } from './line-frame';
import { isIvOnlyLine, isTextByte } from './line-message';

export type Frame = NativeFrame | LineFrame;
export type Framing = 'line' | 'native';

export interface DecoderOptions {
  /** 'auto' (default) decides from the first byte (§2) */
  framing?: Framing | 'auto';
  /** largest native payload, and through it the longest line (§3.4, §5.3) */
  maxPayload?: number;
  /**
   * Raw IV ‖ C bytes on a line stream (§5.6): 'accept' takes them as one message at the next
   * pause (the client, the tap); 'reject' (the server) fails the stream with ERR_RAW_BYTES.
   */
  raw?: 'accept' | 'reject';
}

const OPEN_BRACE = 0x7b;

export class FrameDecoder {
  framing: Framing | null;
  readonly maxPayload: number;
  readonly maxLine: number;
  /** the error that spent this decoder, if any */
  error: FrameError | null = null;
  /** bytes consumed from the stream so far (frames handed out) */
  offset = 0;

  private chunks: Uint8Array[] = [];
  private head = 0; // read position in chunks[0]
  private buffered = 0;
  private header: FrameHeader | null = null;
  private checked = 0; // header bytes already checked (native) / bytes known to hold no "\n" (line)
  /** line: the message being read holds a byte that is not text: raw bytes, ended by a pause (§5.6) */
  private rawMode = false;
  /** line: the buffer starts with an IV line of this many bytes, held for its ciphertext line (§5.5) */
  private ivLineEnd = 0;
  private readonly raw: 'accept' | 'reject';

  constructor(options: DecoderOptions = {}) {
    this.framing = options.framing && options.framing !== 'auto' ? options.framing : null;
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    this.raw = options.raw ?? 'accept';
    this.maxLine = maxLineLength(this.maxPayload) + 1; // a "\r" may precede the "\n"
  }

  /** bytes received but not yet part of a complete frame */
  get pending(): number {
    return this.buffered;
  }

  /**
   * Feed a chunk; `onFrame` is called for each complete frame, in order. Throws the FrameError
   * that ends the stream, after the frames before it were delivered; later calls do nothing.
   */
  push(chunk: Uint8Array, onFrame: (frame: Frame) => void): void {
    if (this.error) return;
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    try {
      for (;;) {
        const frame = this.next();
        if (!frame) break;
        onFrame(frame);
      }
    } catch (err) {
      if (err instanceof FrameError) this.fail(err);
      throw err;
    }
  }

  /** Collects the frames of one chunk; for tests and one-shot use. */
  pushAll(chunk: Uint8Array): Frame[] {
    const out: Frame[] = [];
    this.push(chunk, (f) => out.push(f));
    return out;
  }

  /**
   * The peer closed the stream: a partial frame left over is ERR_TRUNCATED_FRAME. With
   * `lastLine`, line framing hands out bytes after the last "\n" as a final line instead, for
   * peers that close rather than end their last line (§5.2).
   */
  end(lastLine?: (frame: LineFrame) => void): void {
    if (this.error || this.buffered === 0) return;
    if (lastLine && this.framing === 'line') {
      lastLine(this.takeMessage());
      return;
    }
    const what =
      this.framing === 'line'
        ? 'a line without its "\\n"'
        : this.header
          ? `a frame of ${HEADER_LENGTH + this.header.length} bytes`
          : `a ${HEADER_LENGTH}-byte header`;
    this.fail(
      new FrameError(
        'ERR_TRUNCATED_FRAME',
        `stream ended inside ${what}: got only ${this.buffered} bytes of it; the sender closed or was cut off mid-frame`,
        {
          expected:
            this.framing === 'line'
              ? 'a line ending'
              : this.header
                ? HEADER_LENGTH + this.header.length
                : HEADER_LENGTH,
          actual: this.buffered,
          position: this.offset + this.buffered
        }
      )
    );
    throw this.error;
  }

  /**
   * §5.2: the sender has paused (the shell saw no byte for a while). On a line stream, what is
   * buffered without a line end is one message: handed out as a frame whose `raw` has no end, to
   * be read (or refused with ERR_NO_LINE_END) by readLineMessage. An IV sent on its own is held
   * for the ciphertext that follows it (§5.5). Native frames have a length and never pause.
   */
  pause(onFrame: (frame: LineFrame) => void): void {
    if (this.error || this.framing !== 'line' || this.buffered === 0) return;
    if (!this.rawMode && this.ivLineEnd === 0 && this.buffered <= 34) {
      const head = this.peekCopy(this.buffered);
      if (head.indexOf(10) < 0 && isIvOnlyLine(head, 0, head.length)) {
        this.ivLineEnd = this.buffered;
        this.checked = this.buffered;
        return;
      }
    }
    if (this.ivLineEnd === this.buffered) return; // only the IV so far: wait for its ciphertext
    onFrame(this.takeMessage());
  }

  /** Everything buffered, as one line message. */
  private takeMessage(): LineFrame {
    const raw = this.take(this.buffered);
    this.checked = 0;
    this.rawMode = false;
    this.ivLineEnd = 0;
    return lineFrame(raw);
  }

  private fail(err: FrameError): void {
    this.error = err;
    this.chunks = [];
    this.buffered = 0;
    this.head = 0;
  }

  private byteAt(i: number): number {
    let k = 0;
    i += this.head;
    while (i >= this.chunks[k].length) {
      i -= this.chunks[k].length;
      k++;
    }
    return this.chunks[k][i];
  }

  /** Remove n buffered bytes: a view when they lie in one chunk, else one copy. */
  private take(n: number): Uint8Array {
    const first = this.chunks[0];
    let out: Uint8Array;
    if (first.length - this.head >= n) {
      out = first.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
    } else {
      out = new Uint8Array(n);
      let o = 0;
      let k = 0;
      while (o < n) {
        const c = this.chunks[k];
        const m = Math.min(c.length - this.head, n - o);
        out.set(c.subarray(this.head, this.head + m), o);
        o += m;
        this.head += m;
        if (this.head === c.length) {
          k++;
          this.head = 0;
        }
      }
      this.chunks.splice(0, k); // once, not once per chunk: a frame fed a byte at a time stays linear
    }
    this.buffered -= n;
    this.offset += n;
    return out;
  }

  private next(): Frame | null {
    if (this.buffered === 0) return null;
    if (this.framing === null) {
      const b = this.byteAt(0);
      if (b === MAGIC_0) this.framing = 'native';
      else if (isBase64Byte(b) || b === OPEN_BRACE) this.framing = 'line';
      else {
        // §5.6: raw IV ‖ C starts with any byte; the bytes after the first tell raw from text
        const head = this.peekCopy(Math.min(this.buffered, 64));
        const seen = head.every(isTextByte)
          ? `text starting ${JSON.stringify(String.fromCharCode(b))}`
          : 'raw bytes (binary, not text)';
        throw new FrameError(
          'ERR_UNKNOWN_FRAMING',
          `first byte ${hexLiteral(b)}: got ${seen}, expected a native frame (0xcb) or base64 text (A-Z a-z 0-9 + /, or a JSON line "{"); ` +
            'send base64.b64encode(iv + ciphertext) + b"\\n"; is this a CBC Lab client?',
          { expected: '0xcb or a base64 character', actual: `${hexLiteral(b)}`, position: this.offset }
        );
      }
    }
    return this.framing === 'native' ? this.nextNative() : this.nextLine();
  }

  private nextNative(): NativeFrame | null {
    if (!this.header) {
      // §3.1: every header byte is checked the moment it arrives.
      const have = Math.min(this.buffered, HEADER_LENGTH);
      for (; this.checked < have && this.checked < 5; this.checked++) {
        checkHeaderByte(this.checked, this.byteAt(this.checked), this.offset + this.checked);
      }
      if (this.buffered < HEADER_LENGTH) return null;
      const first = this.chunks[0];
      const headerBytes = first.length - this.head >= HEADER_LENGTH ? first : this.peekCopy(HEADER_LENGTH);
      const at = headerBytes === first ? this.head : 0;
      this.header = decodeHeader(headerBytes, at, this.maxPayload, this.offset);
    }
    const total = HEADER_LENGTH + this.header.length;
    if (this.buffered < total) return null;
    const h = this.header;
    this.header = null;
    this.checked = 0;
    const raw = this.take(total);
    return {
      framing: 'native',
      ...h,
      raw,
      header: raw.subarray(0, HEADER_LENGTH),
      payload: raw.subarray(HEADER_LENGTH)
    };
  }

  private peekCopy(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.byteAt(i);
    return out;
  }

  private nextLine(): LineFrame | null {
    for (;;) {
      if (this.rawMode) return this.checkRawLength();
      // Find "\n" after the bytes already known to hold none; only new bytes are scanned. The
      // unscanned bytes sit at the end of the list, so the walk to them starts from the end.
      const pos = this.checked;
      let k = this.chunks.length - 1;
      let base = this.buffered - this.chunks[k].length; // stream-buffer index of chunks[k][0]
      while (k > 0 && base > pos) {
        k--;
        base -= this.chunks[k].length;
      }
      let found = -1;
      for (; k < this.chunks.length; k++) {
        const c = this.chunks[k];
        const from = Math.max(pos - base, k === 0 ? this.head : 0);
        const i = c.indexOf(10, from);
        // §5.6: a byte that is not text before the line end makes this a raw message
        const to = i >= 0 ? i : c.length;
        for (let j = from; j < to; j++) {
          if (!isTextByte(c[j])) {
            this.enterRaw(base + j);
            return this.checkRawLength();
          }
        }
        if (i >= 0) {
          found = base + i;
          break;
        }
        base += c.length;
      }
      if (found < 0) {
        this.checked = this.buffered;
        if (this.buffered > this.maxLine) {
          throw new FrameError(
            'ERR_LINE_TOO_LONG',
            `line: expected at most ${this.maxLine} characters before "\\n" (a payload of ${this.maxPayload} bytes), got ${this.buffered} and no line end; ` +
              'is the peer sending a line ending after each message?',
            { expected: `at most ${this.maxLine}`, actual: this.buffered, position: this.offset + this.maxLine }
          );
        }
        return null;
      }
      if (found > this.maxLine) {
        throw new FrameError(
          'ERR_LINE_TOO_LONG',
          `line: expected at most ${this.maxLine} characters before "\\n", got ${found}`,
          {
            expected: `at most ${this.maxLine}`,
            actual: found,
            position: this.offset + this.maxLine
          }
        );
      }
      const short = found - this.ivLineEnd < 24; // shorter than any message or IV line (§5.5)
      if (short && found + 1 === this.buffered) {
        // nothing behind it yet: raw bytes may follow (§5.6); wait for them, or for the pause
        this.checked = found;
        return null;
      }
      const binary = short ? this.binaryAfter(found + 1) : -1;
      if (binary >= 0) {
        // §5.6: a short "line" with binary bytes right behind it is raw bytes that held a 0x0a
        this.enterRaw(binary);
        return this.checkRawLength();
      }
      if (
        this.ivLineEnd === 0 &&
        (found === 24 || found === 25 || found === 32 || found === 33) &&
        isIvOnlyLine(this.peekCopy(found), 0, found)
      ) {
        // §5.5: an IV on a line of its own: hold it, the ciphertext line follows
        this.ivLineEnd = found + 1;
        this.checked = found + 1;
        continue;
      }
      this.checked = 0;
      this.ivLineEnd = 0;
      const raw = this.take(found + 1);
      return lineFrame(raw);
    }
  }

  /** Where the first byte that is not text stands in the next 64 buffered bytes from `from`, before a line end; -1 if none. */
  private binaryAfter(from: number): number {
    const near = this.peekCopy(Math.min(this.buffered, from + 64)).subarray(from);
    for (let i = 0; i < near.length; i++) {
      if (near[i] === 10) return -1;
      if (!isTextByte(near[i])) return from + i;
    }
    return -1;
  }

  /** §5.6: a byte that is not text at stream position `at` (of the buffer). */
  private enterRaw(at: number): void {
    if (this.raw === 'reject') {
      const b = this.byteAt(at);
      throw new FrameError(
        'ERR_RAW_BYTES',
        `line: got raw bytes (byte ${hexLiteral(b)} at position ${this.offset + at} is not text), expected base64 text: ` +
          'send base64.b64encode(iv + ciphertext) + b"\\n" (hex or a JSON line also work: docs/protocol.md, section 5.5)',
        { expected: 'base64 text', actual: 'raw bytes', position: this.offset + at }
      );
    }
    this.rawMode = true;
  }

  /** Raw messages end at a pause; until then only their size is checked. */
  private checkRawLength(): null {
    if (this.buffered > this.maxPayload) {
      throw new FrameError(
        'ERR_FRAME_TOO_LARGE',
        `raw bytes: expected at most ${this.maxPayload} bytes before a pause, got ${this.buffered}`,
        {
          expected: this.maxPayload,
          actual: this.buffered,
          position: this.offset + this.maxPayload
        }
      );
    }
    return null;
  }
}
