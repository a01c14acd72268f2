// Loading a capture for offline inspection on /live: the JSON capture the page downloads
// (capture.ts CaptureFile), a pcapng or pcap file (any writer: the TCP streams are regrouped and
// the frames reassembled with the same decoder the tap uses), or a chat server's JSON-lines log
// (server/chat/log.ts: ciphertext only, §8.5). Pure: bytes in, CapturedFrame[] out; errors
// carry a stable code and say what to do.
import { bytesToBase64, base64ToBytes, hexLiteral } from '../crypto/bytes';
import type { CapturedConnection, CapturedFrame, CaptureFile, Direction } from './capture';
import { FrameDecoder, type Frame } from './decoder';
import { frameRecord, nsToMs, unknownRecord } from './capture-record';
import { DEFAULT_LINE_PAUSE_MS } from './line';
import { FrameError } from './errors';
import { CodedError } from '../errors/coded-error';
import type { CodeIn } from '../errors/codes';
import { groupTcpConversations, readCapture, PcapError, type TcpConversationRecord } from './pcapng';

/** src/lib/errors/codes.ts, area load: our own, and the capture reader's passed on. */
export type CaptureLoadCode = CodeIn<'load'>;

export class CaptureLoadError extends CodedError<CaptureLoadCode> {
  /** `position`: 1-based line of a JSON-lines log, or byte offset in a pcap file */
  constructor(code: CaptureLoadCode, message: string, position?: number) {
    super(code, message, { position });
    this.name = 'CaptureLoadError';
  }
}

export interface LoadedCapture {
  kind: 'capture-json' | 'pcapng' | 'pcap' | 'server-log';
  frames: CapturedFrame[];
  connections: CapturedConnection[];
  /** things worth telling the learner: bytes missing from a pcap, lines skipped in a log */
  notes: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Recognise the file by its content (the name is only used in messages). */
export function loadCapture(input: Uint8Array, name = 'the file'): LoadedCapture {
  if (input.length === 0)
    throw new CaptureLoadError(
      'ERR_LOAD_EMPTY',
      `${name}: the file is empty; pick a .pcapng, .json or server log file`
    );
  const m = (input[0] << 24) | (input[1] << 16) | (input[2] << 8) | input[3];
  const magics = [0x0a0d0d0a, 0xd4c3b2a1, 0xa1b2c3d4, 0x4d3cb2a1, 0xa1b23c4d];
  if (input.length >= 4 && magics.includes(m >>> 0)) return fromPcap(input, name);
  let i = 0;
  while (
    i < input.length &&
    (input[i] === 0x20 ||
      input[i] === 0x0a ||
      input[i] === 0x0d ||
      input[i] === 0x09 ||
      input[i] === 0xef ||
      input[i] === 0xbb ||
      input[i] === 0xbf)
  )
    i++;
  if (input[i] !== 0x7b /* { */) {
    throw new CaptureLoadError(
      'ERR_LOAD_FORMAT',
      `${name}: expected a pcapng/pcap capture, a CBC Lab capture (.json) or a chat server log (JSON lines), got something else (first byte ${hexLiteral(input[0] ?? 0)}); is this the right file?`
    );
  }
  const text = utf8.decode(input);
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    return fromServerLog(text, name);
  }
  if (whole && typeof whole === 'object' && (whole as { format?: unknown }).format === 'cbc-lab-capture')
    return fromCaptureJson(whole as CaptureFile, name);
  return fromServerLog(text, name);
}

// ---- the JSON capture ----

function fromCaptureJson(file: CaptureFile, name: string): LoadedCapture {
  if (file.version !== 1)
    throw new CaptureLoadError(
      'ERR_LOAD_CAPTURE',
      `${name}: expected capture version 1, got ${String(file.version)}; this page reads version 1`
    );
  if (!Array.isArray(file.frames))
    throw new CaptureLoadError('ERR_LOAD_CAPTURE', `${name}: expected a "frames" array, got ${typeof file.frames}`);
  const frames: CapturedFrame[] = [];
  let prev = 0;
  file.frames.forEach((f, i) => {
    const bad = (what: string) => new CaptureLoadError('ERR_LOAD_CAPTURE', `${name}: frame ${i}: ${what}`, i);
    if (!f || typeof f !== 'object') throw bad('expected an object');
    if (!Number.isInteger(f.seq) || f.seq <= prev)
      throw bad(`expected a seq greater than ${prev}, got ${String(f.seq)}`);
    if (typeof f.time !== 'number' || !Number.isFinite(f.time))
      throw bad(`expected a numeric time, got ${String(f.time)}`);
    if (!Number.isInteger(f.conn)) throw bad(`expected an integer conn, got ${String(f.conn)}`);
    if (f.dir !== 'c2s' && f.dir !== 's2c') throw bad(`expected dir c2s or s2c, got ${String(f.dir)}`);
    if (typeof f.bytes !== 'string') throw bad('expected "bytes" as base64 text');
    let len: number;
    try {
      len = base64ToBytes(f.bytes, 'bytes').length;
    } catch (err) {
      throw bad((err as Error).message);
    }
    prev = f.seq;
    frames.push({ ...f, framing: f.framing ?? 'unknown', length: len });
  });
  const connections = Array.isArray(file.connections) ? file.connections : [];
  return { kind: 'capture-json', frames, connections, notes: [] };
}

// ---- pcapng / pcap ----

interface Pending {
  time: number;
  conn: number;
  dir: Direction;
  order: number;
  frame: Omit<CapturedFrame, 'seq'>;
}

function connIdOf(rec: TcpConversationRecord): number {
  for (const c of rec.comments) {
    const m = /^conn=(\d+)/.exec(c);
    if (m) return Number(m[1]);
  }
  return rec.index + 1;
}

function fromPcap(input: Uint8Array, name: string): LoadedCapture {
  let file;
  try {
    file = readCapture(input, { allowTruncated: true });
  } catch (err) {
    if (err instanceof PcapError) throw new CaptureLoadError(err.code, `${name}: ${err.message}`, err.offset);
    throw err;
  }
  const notes: string[] = [];
  if (file.truncatedAt !== undefined)
    notes.push(`the file ends inside a block at byte ${file.truncatedAt}: read up to the last whole packet`);
  if (file.skipped)
    notes.push(`${file.skipped} packet${file.skipped === 1 ? ' was' : 's were'} not IPv4/TCP and were skipped`);
  const convs = groupTcpConversations(file.packets);
  const pending: Pending[] = [];
  const connections: CapturedConnection[] = [];
  let order = 0;
  const used = new Set<number>();
  for (const rec of convs) {
    let conn = connIdOf(rec);
    if (used.has(conn)) conn = Math.max(...used) + 1;
    used.add(conn);
    const first = rec.packets[0];
    const last = rec.packets[rec.packets.length - 1];
    connections.push({
      conn,
      client: `${rec.client.ip}:${rec.client.port}`,
      server: `${rec.server.ip}:${rec.server.port}`,
      opened: nsToMs(first.timestamp),
      ...(rec.closed ? { closed: nsToMs(last.timestamp) } : {})
    });
    for (const dir of ['c2s', 's2c'] as const) {
      if (rec.gaps[dir])
        notes.push(
          `connection ${conn} ${dir}: ${rec.gaps[dir]} bytes missing from the capture; frames after the hole may not decode`
        );
      const stream = rec[dir];
      const decoder = new FrameDecoder();
      let failed = false;
      let lastTime = 0;
      const onPause = (f: Frame) =>
        pending.push({
          time: lastTime,
          conn,
          dir,
          order: order++,
          frame: frameRecord({ time: lastTime, conn, dir }, f)
        });
      for (const chunk of rec.chunks) {
        if (chunk.direction !== dir || failed) continue;
        const time = nsToMs(chunk.timestamp);
        try {
          // §5.2: the capture's own clock says where a line stream paused, as the tap saw it live
          if (lastTime && time - lastTime >= DEFAULT_LINE_PAUSE_MS) decoder.pause(onPause);
          lastTime = time;
          decoder.push(chunk.bytes, (f) =>
            pending.push({ time, conn, dir, order: order++, frame: frameRecord({ time, conn, dir }, f) })
          );
        } catch (err) {
          if (!(err instanceof FrameError)) throw err;
          failed = true;
          pending.push({
            time,
            conn,
            dir,
            order: order++,
            frame: undecodable(stream, decoder.offset, err, time, conn, dir)
          });
        }
      }
      if (!failed) {
        try {
          decoder.end(rec.closed ? onPause : undefined); // after a FIN, a last line without its end is a message
        } catch (err) {
          if (!(err instanceof FrameError)) throw err;
          const t = nsToMs(last.timestamp);
          pending.push({
            time: t,
            conn,
            dir,
            order: order++,
            frame: undecodable(stream, decoder.offset, err, t, conn, dir)
          });
        }
      }
    }
  }
  return { kind: file.format, frames: number(pending), connections, notes };
}

/** The tap's rule: from the fault on, the bytes are captured as they were, marked with the code. */
function undecodable(
  stream: Uint8Array,
  offset: number,
  err: FrameError,
  time: number,
  conn: number,
  dir: Direction
): Omit<CapturedFrame, 'seq'> {
  return unknownRecord({ time, conn, dir }, stream.subarray(offset), err);
}

function number(pending: Pending[]): CapturedFrame[] {
  pending.sort((a, b) => a.time - b.time || a.order - b.order);
  return pending.map((p, i) => ({ seq: i + 1, ...p.frame }));
}

// ---- the chat server's JSON-lines log (server/chat/log.ts, §8.5) ----

interface LogLine {
  time?: string;
  event?: string;
  conn?: number | number[];
  peer?: string;
  dir?: 'in' | 'out';
  framing?: 'line' | 'native';
  type?: string;
  suite?: string;
  seq?: number;
  wire?: string;
}

function fromServerLog(text: string, name: string): LoadedCapture {
  const lines = text.split('\n');
  const pending: Pending[] = [];
  const conns = new Map<number, CapturedConnection>();
  let order = 0;
  let skipped = 0;
  let server = 'chat server';
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let e: LogLine;
    try {
      e = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) {
        skipped++; // a log cut mid-write ends in half a line
        return;
      }
      throw new CaptureLoadError(
        'ERR_LOAD_JSON',
        `${name}: line ${i + 1} is not JSON; expected one JSON object per line (a chat server log) or a CBC Lab capture`,
        i + 1
      );
    }
    if (!e || typeof e !== 'object')
      throw new CaptureLoadError(
        'ERR_LOAD_JSON',
        `${name}: line ${i + 1}: expected a JSON object, got ${JSON.stringify(e)}`,
        i + 1
      );
    const time = e.time ? Date.parse(e.time) : NaN;
    if (e.event === 'listen' && typeof (e as { port?: number }).port === 'number')
      server = `${(e as { host?: string }).host ?? '127.0.0.1'}:${(e as { port: number }).port}`;
    if (e.event === 'connect' && typeof e.conn === 'number') {
      conns.set(e.conn, { conn: e.conn, client: e.peer ?? '?', server, opened: time });
      return;
    }
    if (e.event === 'close' && typeof e.conn === 'number') {
      const c = conns.get(e.conn);
      if (c) c.closed = time;
      return;
    }
    if (e.event || typeof e.wire !== 'string') return;
    if (!Number.isFinite(time)) {
      skipped++;
      return;
    }
    const dir: Direction = e.dir === 'out' ? 's2c' : 'c2s';
    let bytes: Uint8Array;
    if (e.framing === 'line') {
      bytes = new Uint8Array(e.wire.length + 1);
      for (let k = 0; k < e.wire.length; k++) bytes[k] = e.wire.charCodeAt(k) & 0xff;
      bytes[e.wire.length] = 10;
    } else {
      try {
        bytes = base64ToBytes(e.wire, 'wire');
      } catch {
        skipped++;
        return;
      }
    }
    // a broadcast is logged once for all its receivers (§8.4): one frame per connection, as on the wire
    const targets = Array.isArray(e.conn) ? e.conn : typeof e.conn === 'number' ? [e.conn] : [0];
    for (const conn of targets) {
      const base = { time, conn, dir, length: bytes.length, bytes: bytesToBase64(bytes) };
      const frame: Omit<CapturedFrame, 'seq'> =
        e.framing === 'line'
          ? { ...base, framing: 'line', type: 'chat', suite: 'cbc' }
          : {
              ...base,
              framing: 'native',
              type: e.type,
              suite: e.suite,
              ...(typeof e.seq === 'number' ? { frameSeq: e.seq } : {})
            };
      pending.push({ time, conn, dir, order: order++, frame });
    }
  });
  if (pending.length === 0 && conns.size === 0) {
    throw new CaptureLoadError(
      'ERR_LOAD_FORMAT',
      `${name}: no frames found: expected a CBC Lab capture ({"format":"cbc-lab-capture", …}) or a chat server log with "wire" entries`
    );
  }
  const notes = [
    'a server log holds what the server received and what it relayed to the room; its own acks and hellos are not in it'
  ];
  if (skipped) notes.push(`${skipped} line${skipped === 1 ? '' : 's'} skipped (no time, or a cut-off last line)`);
  return { kind: 'server-log', frames: number(pending), connections: [...conns.values()], notes };
}
