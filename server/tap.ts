// The capture tap (docs/tap.md): a TCP proxy that sits on the wire between chat clients and a
// server. It forwards both directions untouched, records every chunk it reads with a time, a
// connection id and a direction (to pcapng, as it happens), and reassembles frames per direction
// with the pure decoder of src/lib/protocol. It never needs the key, so it works in front of any
// peer that speaks a framing of docs/protocol.md. Nothing a peer sends can change what the tap
// forwards or stop it: a stream the decoder rejects is recorded as 'unknown' frames and still
// forwarded byte for byte.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameDecoder, FrameError, lineForm, type Frame, type LineFrame } from '../src/lib/protocol/index.ts';
import { DEFAULT_LINE_PAUSE_MS } from './chat-server.ts';
import type { CapturedFrame, Direction } from '../src/lib/protocol/capture.ts';
import { TCP_MAX_SEGMENT } from '../src/lib/protocol/pcapng/index.ts';
import { CaptureStore } from './capture-store.ts';
import { openPcapngWriter, type PcapngWriter } from './pcapng-writer.ts';

export interface TapOptions {
  /** address to listen on (default 127.0.0.1) */
  listenHost?: string;
  /** port to listen on; 0 picks a free one (see Tap.port) */
  listenPort: number;
  targetHost: string;
  targetPort: number;
  /** pcapng written as packets happen; default a temporary file removed by close(); null for none */
  pcapPath?: string | null;
  /** JSON-lines spool of every frame; default a temporary file removed by close() */
  spoolPath?: string;
  /** frames kept in memory; older ones are read back from the spool (default 10,000) */
  memoryFrames?: number;
  /** characters of base64 kept in memory (default 64 MiB) */
  memoryBytes?: number;
  /** the decoder's limit (docs/protocol.md §3.4); default 64 KiB */
  maxPayload?: number;
  /** §5.2: the pause that ends a line without a line end; the server's default */
  linePauseMs?: number;
  /** give up connecting to the target after this many ms (default 10,000) */
  connectTimeoutMs?: number;
  /** a socket that does not close within this many ms after the pair was told to is destroyed (default 2,000) */
  graceMs?: number;
  /** things an operator should know that stop nothing (a pcapng that cannot be written …) */
  onWarning?: (message: string) => void;
}

export interface TapStats {
  connections: number;
  open: number;
  frames: number;
  /** frames recorded as 'unknown' */
  errors: number;
  bytes: Record<Direction, number>;
  /** chunks read from the sockets (each one recorded as it came) */
  chunks: Record<Direction, number>;
  /** TCP packets with payload written to the pcapng (a chunk over 65495 bytes takes two) */
  payloadPackets: number;
}

export interface Tap {
  readonly host: string;
  readonly port: number;
  /** host:port of the server the tap forwards to */
  readonly target: string;
  readonly store: CaptureStore;
  readonly pcapPath: string | null;
  /** set when the pcapng could not be written; recording goes on without it */
  readonly pcapError: Error | null;
  readonly stats: TapStats;
  /** Stop listening, end every connection (FIN both ways), finish the pcapng and the spool. Idempotent. */
  close(): Promise<void>;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_GRACE_MS = 2_000;

/** The direction's reassembly: its own decoder, and the bytes not yet part of a frame. */
class Stream {
  readonly decoder: FrameDecoder;
  /** received chunks not yet wholly inside frames; held[0] starts at stream offset heldStart */
  held: Buffer[] = [];
  heldStart = 0;
  received = 0;
  ended = false;
  /** once set, every later chunk becomes an 'unknown' frame with this code */
  error: { code: string; message: string; at: number } | null = null;
  /** the stream ended inside a frame: no chunk carried that code, so the pcapng's closing packets do */
  endNote: string | null = null;
  /** §5.2: fires when a line stream with bytes pending has paused; the time its last byte came */
  pauseTimer: NodeJS.Timeout | null = null;
  lastTime = 0;
  constructor(maxPayload?: number) {
    // raw bytes are recorded as a message (§5.6) so that /live shows what a seed program sent
    this.decoder = new FrameDecoder({ framing: 'auto', maxPayload, raw: 'accept' });
  }
}

class Pair {
  readonly streams: Record<Direction, Stream>;
  server: Socket | null = null;
  connected = false;
  inPcap = false;
  pcapOpen = false;
  firstEnd: Direction | null = null;
  error: { code: string; message: string; dir: Direction } | null = null;
  closing = false;
  finalized = false;
  clientClosed = false;
  serverClosed = false;
  graceTimer: NodeJS.Timeout | null = null;
  resolveDone!: () => void;
  /** resolves when both sockets closed and the connection is recorded as closed */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));
  constructor(
    readonly id: number,
    readonly client: Socket,
    maxPayload?: number
  ) {
    this.streams = { c2s: new Stream(maxPayload), s2c: new Stream(maxPayload) };
  }
}

/** Wall clock in ns: Date.now() once, advanced by the monotonic hrtime (never goes back). */
function makeClock(): () => bigint {
  const epochNs = BigInt(Date.now()) * 1_000_000n;
  const start = process.hrtime.bigint();
  return () => epochNs + (process.hrtime.bigint() - start);
}

/** ms since the epoch with µs precision (CapturedFrame.time). */
function nsToMs(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}

function ipv4(addr: string | undefined): string | null {
  if (!addr) return null;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(a) ? a : null;
}

function hostPort(addr: string | undefined, port: number | undefined): string {
  const a = addr?.startsWith('::ffff:') ? addr.slice(7) : (addr ?? '?');
  return a.includes(':') ? `[${a}]:${port}` : `${a}:${port}`;
}

const SOCKET_MEANING: Record<string, string> = {
  ECONNREFUSED: 'the target refused the connection: is the server running on that port?',
  ECONNRESET: 'the peer reset the connection',
  ETIMEDOUT: 'the target did not answer in time',
  EHOSTUNREACH: 'no route to the target host',
  ENOTFOUND: 'the target host name does not resolve',
  EPIPE: 'the peer closed while data was being written'
};

function toBuffer(b: Uint8Array): Buffer {
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
}

export async function startTap(o: TapOptions): Promise<Tap> {
  const listenHost = o.listenHost ?? '127.0.0.1';
  const target = hostPort(o.targetHost, o.targetPort);
  const connectTimeout = o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const grace = o.graceMs ?? DEFAULT_GRACE_MS;
  const warn = o.onWarning ?? ((m: string) => process.emitWarning(m));
  const clock = makeClock();

  const needTemp = o.spoolPath === undefined || o.pcapPath === undefined;
  const tempDir = needTemp ? mkdtempSync(join(tmpdir(), 'cbc-lab-tap-')) : null;
  const pcapPath = o.pcapPath === null ? null : (o.pcapPath ?? join(tempDir!, 'capture.pcapng'));
  const spoolPath = o.spoolPath ?? join(tempDir!, 'frames.jsonl');

  let pcap: PcapngWriter | null = null;
  let pcapError: Error | null = null;
  try {
    if (pcapPath) pcap = openPcapngWriter(pcapPath, { clock }); // a path we cannot open is the caller's error: throw now
  } catch (err) {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }
  let store: CaptureStore;
  try {
    store = new CaptureStore({ spoolPath, memoryFrames: o.memoryFrames, memoryBytes: o.memoryBytes, pcapngPath: pcapPath });
  } catch (err) {
    pcap?.end();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  }

  const stats: TapStats = { connections: 0, open: 0, frames: 0, errors: 0, bytes: { c2s: 0, s2c: 0 }, chunks: { c2s: 0, s2c: 0 }, payloadPackets: 0 };
  const pairs = new Set<Pair>();
  let nextConn = 1;
  let nextSeq = 1;
  let closing: Promise<void> | null = null;
  let warnedIpv6 = false;

  /** A pcapng write that fails stops the pcapng, never the tap. */
  const pcapDo = (pair: Pair, what: (w: PcapngWriter) => void): void => {
    if (!pcap || !pair.inPcap) return;
    try {
      what(pcap);
    } catch (err) {
      pcapError = err as Error;
      warn(`cbc-lab tap: the pcapng ${pcapPath} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it ends here, the JSON capture goes on`);
      try {
        pcap.end();
      } catch {
        /* already broken */
      }
      pcap = null;
    }
  };

  const frameRecord = (pair: Pair, dir: Direction, f: Frame, time: number): CapturedFrame => {
    const raw = toBuffer(f.raw);
    if (f.framing === 'line') {
      const form = lineForm(raw);
      return { seq: nextSeq++, time, conn: pair.id, dir, framing: 'line', type: 'chat', suite: 'cbc', length: raw.length, bytes: raw.toString('base64'), ...(form ? { form } : {}) };
    }
    return { seq: nextSeq++, time, conn: pair.id, dir, framing: 'native', type: f.type, suite: f.suite, frameSeq: f.seq, length: raw.length, bytes: raw.toString('base64') };
  };

  const unknownRecord = (pair: Pair, dir: Direction, bytes: Buffer, time: number, error: { code: string; message: string }): CapturedFrame => ({
    seq: nextSeq++,
    time,
    conn: pair.id,
    dir,
    framing: 'unknown',
    length: bytes.length,
    bytes: bytes.toString('base64'),
    error: { code: error.code, message: error.message }
  });

  /** The decoder failed: the bytes from the start of the frame it was reading to the end of what it holds. */
  const failed = (pair: Pair, dir: Direction, s: Stream, err: unknown, time: number): CapturedFrame => {
    const e = err instanceof FrameError ? err : new FrameError('ERR_INTERNAL', `tap: the decoder failed unexpectedly: ${(err as Error)?.message ?? err}`);
    const at = s.decoder.offset;
    const parts: Buffer[] = [];
    let pos = s.heldStart;
    for (const c of s.held) {
      const from = Math.max(0, at - pos);
      if (from < c.length) parts.push(from === 0 ? c : c.subarray(from));
      pos += c.length;
    }
    s.held = [];
    s.error = { code: e.code, message: e.message, at };
    stats.errors++;
    return unknownRecord(pair, dir, parts.length === 1 ? parts[0] : Buffer.concat(parts), time, e);
  };

  const afterError = (s: Stream): { code: string; message: string } => ({
    code: s.error!.code,
    message: `not decoded: this stream lost its framing at byte ${s.error!.at} (${s.error!.code}); the bytes are shown as they were on the wire`
  });

  /** Drop held chunks that lie wholly inside frames already handed out. */
  const trim = (s: Stream): void => {
    const done = s.decoder.offset;
    let k = 0;
    let start = s.heldStart;
    while (k < s.held.length && start + s.held[k].length <= done) start += s.held[k++].length;
    if (k > 0) {
      s.held = k === s.held.length ? [] : s.held.slice(k);
      s.heldStart = start;
    }
  };

  /** One chunk read from one side: decode, write to the pcapng and the spool; the caller forwards it after. */
  const record = (pair: Pair, dir: Direction, chunk: Buffer): void => {
    const ns = clock();
    const time = nsToMs(ns);
    const s = pair.streams[dir];
    const frames: CapturedFrame[] = [];
    const raws: Uint8Array[] = []; // what each frame's base64 encodes: the store keeps these in memory
    let note: string | undefined;
    stats.bytes[dir] += chunk.length;
    s.received += chunk.length;
    if (s.error) {
      frames.push(unknownRecord(pair, dir, chunk, time, afterError(s)));
      raws.push(chunk);
      stats.errors++;
      note = s.error.code;
    } else {
      s.held.push(chunk);
      try {
        s.decoder.push(chunk, (f) => {
          frames.push(frameRecord(pair, dir, f, time));
          raws.push(f.raw);
        });
        trim(s);
        if (s.decoder.framing === 'line' && s.decoder.pending > 0) armPause(pair, dir, s);
      } catch (err) {
        frames.push(failed(pair, dir, s, err, time));
        note = s.error!.code;
      }
    }
    s.lastTime = time;
    stats.chunks[dir]++;
    pcapDo(pair, (w) => {
      w.data(pair.id, dir, chunk, ns, note);
      stats.payloadPackets += Math.ceil(chunk.length / TCP_MAX_SEGMENT);
    });
    stats.frames += frames.length;
    store.appendMany(frames, raws);
  };

  /** A bug in recording must not stop the forwarding (nor the process): say so, go on. */
  const safeRecord = (pair: Pair, dir: Direction, chunk: Buffer): void => {
    try {
      record(pair, dir, chunk);
    } catch (err) {
      warn(`cbc-lab tap: connection ${pair.id} ${dir}: a chunk of ${chunk.length} bytes could not be recorded (${(err as Error)?.message ?? err}); it is forwarded all the same`);
    }
  };

  /** A line message taken at a pause or at the end (§5.2), stamped with the time of its last byte. */
  const recordLast = (pair: Pair, dir: Direction, s: Stream) => (f: LineFrame) => {
    const frame = frameRecord(pair, dir, f, s.lastTime);
    stats.frames++;
    store.appendMany([frame], [f.raw]);
    trim(s);
  };

  /** §5.2: the tap cuts a line without a line end where the server does, after the same pause. */
  const armPause = (pair: Pair, dir: Direction, s: Stream): void => {
    if (s.pauseTimer) {
      s.pauseTimer.refresh();
      return;
    }
    s.pauseTimer = setTimeout(() => {
      s.pauseTimer = null;
      if (s.error || s.ended) return;
      try {
        s.decoder.pause(recordLast(pair, dir, s));
      } catch (err) {
        stats.frames++;
        store.append(failed(pair, dir, s, err, s.lastTime));
      }
    }, o.linePauseMs ?? DEFAULT_LINE_PAUSE_MS);
    s.pauseTimer.unref();
  };

  /** The side that sends `dir` closed its stream (FIN), or went away: a partial frame left over is truncated. */
  const endStream = (pair: Pair, dir: Direction, fin = false): void => {
    const s = pair.streams[dir];
    if (s.ended) return;
    s.ended = true;
    if (s.pauseTimer) clearTimeout(s.pauseTimer);
    if (s.error) return;
    try {
      s.decoder.end(fin ? recordLast(pair, dir, s) : undefined); // after a FIN, a last line without its end is a message (§5.2)
    } catch (err) {
      const f = failed(pair, dir, s, err, nsToMs(clock()));
      s.endNote = `${f.error!.code} (${dir})`;
      stats.frames++;
      store.append(f);
    }
  };

  const endNote = (pair: Pair, first?: string): string | undefined =>
    [first, pair.streams.c2s.endNote, pair.streams.s2c.endNote].filter(Boolean).join(' ') || undefined;

  const finalize = (pair: Pair): void => {
    if (pair.finalized) return;
    pair.finalized = true;
    if (pair.graceTimer) clearTimeout(pair.graceTimer);
    endStream(pair, 'c2s');
    endStream(pair, 's2c');
    const ns = clock();
    if (pair.pcapOpen) {
      pair.pcapOpen = false;
      if (pair.error) pcapDo(pair, (w) => w.reset(pair.id, ns, pair.error!.dir, endNote(pair, pair.error!.code)));
      else pcapDo(pair, (w) => w.close(pair.id, ns, pair.firstEnd ?? 'c2s', endNote(pair)));
    }
    stats.open--;
    pairs.delete(pair);
    store.closeConnection(pair.id, nsToMs(ns), pair.error ? { code: pair.error.code, message: pair.error.message } : undefined);
    pair.resolveDone();
  };

  const maybeFinalize = (pair: Pair): void => {
    if (pair.clientClosed && (pair.serverClosed || !pair.server)) finalize(pair);
  };

  /** Close the pair: FIN to both sides after what is queued for them; destroyed if they linger. */
  const shutdown = (pair: Pair): void => {
    if (pair.closing) return;
    pair.closing = true;
    if (!pair.connected && !pair.client.destroyed) {
      // No target: what the client sent still crossed the wire to us; record it, forward nothing.
      pair.client.on('data', (chunk: Buffer) => safeRecord(pair, 'c2s', chunk));
      pair.client.on('end', () => endStream(pair, 'c2s', true));
    }
    for (const s of [pair.client, pair.server]) {
      if (!s || s.destroyed) continue;
      if (!s.writableEnded) s.end();
      s.resume(); // keep reading (and recording) what still arrives: nothing waits for a drain now
    }
    pair.graceTimer = setTimeout(() => {
      pair.client.destroy();
      pair.server?.destroy();
    }, grace);
    pair.graceTimer.unref();
  };

  const onSocketError = (pair: Pair, dir: Direction, err: NodeJS.ErrnoException): void => {
    if (!pair.error) {
      const code = err.code ?? 'ERR_SOCKET';
      const side = dir === 'c2s' ? 'client' : `target ${target}`;
      pair.error = { code, message: `${side}: ${SOCKET_MEANING[code] ?? err.message}`, dir };
    }
    shutdown(pair);
  };

  /** Forward `from` → `to` untouched, recording first; pause `from` while `to` is full. */
  const pipe = (pair: Pair, from: Socket, to: Socket, dir: Direction): void => {
    from.on('data', (chunk: Buffer) => {
      safeRecord(pair, dir, chunk);
      if (to.destroyed || to.writableEnded) return; // the other side is gone: recorded, nothing to forward to
      if (!to.write(chunk) && !pair.closing) from.pause();
    });
    to.on('drain', () => {
      if (!pair.closing) from.resume();
    });
    from.on('end', () => {
      if (!pair.firstEnd) pair.firstEnd = dir;
      endStream(pair, dir, true);
      if (!to.destroyed && !to.writableEnded) to.end(); // half-close travels on
      const other = pair.streams[dir === 'c2s' ? 's2c' : 'c2s'];
      if (other.ended && pair.pcapOpen) {
        pair.pcapOpen = false;
        pcapDo(pair, (w) => w.close(pair.id, clock(), pair.firstEnd ?? dir, endNote(pair)));
      }
    });
  };

  const accept = (client: Socket): void => {
    if (closing) {
      client.destroy();
      return;
    }
    const pair = new Pair(nextConn++, client, o.maxPayload);
    pairs.add(pair);
    stats.connections++;
    stats.open++;
    client.setNoDelay(true);
    const ns = clock();
    store.openConnection({ conn: pair.id, client: hostPort(client.remoteAddress, client.remotePort), server: target, opened: nsToMs(ns) });
    const cIp = ipv4(client.remoteAddress);
    const sIp = ipv4(client.localAddress);
    if (pcap && cIp && sIp && client.remotePort && client.localPort) {
      pair.inPcap = true;
      pcapDo(pair, (w) => w.open(pair.id, { ip: cIp, port: client.remotePort! }, { ip: sIp, port: client.localPort! }, ns));
      pair.pcapOpen = pair.inPcap && pcap !== null;
    } else if (pcap && !warnedIpv6) {
      warnedIpv6 = true;
      warn(`cbc-lab tap: the pcapng holds IPv4 only; connection ${pair.id} from ${client.remoteAddress} is in the JSON capture but not in the pcapng`);
    }

    client.on('error', (err) => onSocketError(pair, 'c2s', err));
    client.on('close', () => {
      pair.clientClosed = true;
      if (!pair.connected) pair.server?.destroy();
      else if (pair.server && !pair.server.destroyed) shutdown(pair);
      maybeFinalize(pair);
    });

    const server = connect({ host: o.targetHost, port: o.targetPort, allowHalfOpen: true, noDelay: true });
    pair.server = server;
    server.setTimeout(connectTimeout, () => {
      if (!pair.connected) server.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' }));
    });
    server.on('error', (err) => onSocketError(pair, 's2c', err));
    server.on('close', () => {
      pair.serverClosed = true;
      if (!pair.client.destroyed) shutdown(pair);
      maybeFinalize(pair);
    });
    server.once('connect', () => {
      pair.connected = true;
      server.setTimeout(0);
      if (pair.closing || client.destroyed) {
        server.destroy();
        return;
      }
      pipe(pair, client, server, 'c2s');
      pipe(pair, server, client, 's2c');
      client.resume(); // paused on accept (pauseOnConnect) until the target answered
    });
  };

  const listener: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, accept);
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(o.listenPort, listenHost, () => {
      listener.off('error', reject);
      resolve();
    });
  }).catch((err) => {
    pcap?.end();
    store.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    throw err;
  });
  listener.on('error', (err) => warn(`cbc-lab tap: listener error: ${err.message}`));
  const address = listener.address() as AddressInfo;

  const tap: Tap = {
    host: address.address,
    port: address.port,
    target,
    store,
    pcapPath,
    get pcapError() {
      return pcapError;
    },
    stats,
    close() {
      if (closing) return closing;
      closing = (async () => {
        const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
        const all = [...pairs].map((p) => {
          shutdown(p);
          return p.done;
        });
        await Promise.all([stopped, ...all]);
        store.flushListeners();
        try {
          pcap?.end();
        } catch {
          /* nothing more to lose */
        }
        pcap = null;
        store.close();
        if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      })();
      return closing;
    }
  };
  return tap;
}
