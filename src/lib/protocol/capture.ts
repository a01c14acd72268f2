// A captured frame as the tap records it and as the HTTP API and the /live page carry it
// (docs/api.md). Plain data: the exact bytes seen on the wire, base64-encoded for JSON, with the
// decoder's verdict. No key, no plaintext: decryption happens where the learner supplies the key.

export type Direction = 'c2s' | 's2c';

export interface CapturedFrame {
  /** capture-wide sequence number, from 1, never repeats within a capture */
  seq: number;
  /** wall-clock time the last byte of the frame was seen, ms since the epoch (fractional: µs) */
  time: number;
  /** connection id, from 1, unique within a capture */
  conn: number;
  dir: Direction;
  /** 'unknown' when the stream could not be decoded (see `error`) */
  framing: 'line' | 'native' | 'unknown';
  /** native frames: the header's type and suite; line frames: 'chat' and 'cbc' */
  type?: string;
  suite?: string;
  /** native frames: the header's sequence number */
  frameSeq?: number;
  /** bytes on the wire for this frame (line ending included) */
  length: number;
  /** base64 of exactly those bytes */
  bytes: string;
  /** line frames written other than base64 and "\n" (docs/protocol.md §5.5): "line, no line end", "hex line", "json line (base64)", "line, IV apart", "line, CRLF", "raw bytes" */
  form?: string;
  /** set when the decoder failed: the bytes are what was seen from that point on, forwarded untouched */
  error?: { code: string; message: string };
}

/** A connection's life, so a page can label connections and show join/leave. */
export interface CapturedConnection {
  conn: number;
  /** client address as the tap saw it, e.g. 127.0.0.1:53122 */
  client: string;
  /** the server the tap forwards to */
  server: string;
  opened: number;
  closed?: number;
  /** set when a socket failed rather than closed: the OS code (ECONNREFUSED, ECONNRESET …) and what it means */
  error?: { code: string; message: string };
  /** who is on it, when the demo knows (its bots, the page's sender, a lesson's probes); absent for anyone else */
  who?: ConnectionWho;
}

/**
 * A connection the demo opened itself, named by the demo (never by what crossed the wire): a bot,
 * the web page's sender, or a lesson's probes (lesson 2's oracle queries, lesson 1's replays),
 * which /live labels and keeps out of its IV-reuse count.
 */
export interface ConnectionWho {
  name: string;
  kind: 'bot' | 'web' | 'probe';
}

/** The JSON capture file: what `GET /api/capture.json` returns and the page can load back. */
export interface CaptureFile {
  format: 'cbc-lab-capture';
  version: 1;
  connections: CapturedConnection[];
  frames: CapturedFrame[];
}
