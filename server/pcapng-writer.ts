// The Node shell around the pure pcapng encoder: one file, written as packets happen.
//
// Every call's blocks go to the kernel with fs.writeSync before the call returns, so a crash of
// this process loses at most the blocks being written (the file is then cut inside that block,
// which readers report as truncated; everything before it reads back). We do not fsync: a power
// loss may lose what the OS had not flushed yet.
import { closeSync, openSync, writeSync } from 'node:fs';
import {
  PcapArgumentError,
  TcpCaptureEncoder,
  parseEndpoint,
  type PcapConnId,
  type PcapDirection,
  type TcpEndpoint,
  type PcapTimestamp
} from '../src/lib/protocol/pcapng/index.ts';
import { nanoClock } from './clock.ts';

export interface PcapngWriter {
  readonly path: string;
  /** Bytes written so far (the file's length). */
  readonly bytesWritten: number;
  /** SYN, SYN/ACK, ACK for a new connection. Addresses as {ip, port} or "ip:port". */
  open(
    connId: PcapConnId,
    client: TcpEndpoint | string,
    server: TcpEndpoint | string,
    ts?: PcapTimestamp,
    note?: string
  ): void;
  /** One recorded chunk; split into segments of at most 65495 bytes. An empty chunk writes nothing. */
  data(connId: PcapConnId, direction: PcapDirection, bytes: Uint8Array, ts?: PcapTimestamp, note?: string): void;
  /** FIN/ACK, FIN/ACK, ACK; `by` is the side that closed first (default the client). */
  close(connId: PcapConnId, ts?: PcapTimestamp, by?: PcapDirection, note?: string): void;
  /** RST/ACK from `by` (default the client). */
  reset(connId: PcapConnId, ts?: PcapTimestamp, by?: PcapDirection, note?: string): void;
  /** Close the file. Connections still open stay open in the capture. Idempotent. */
  end(): void;
}

export interface PcapngWriterOptions {
  /** Nanoseconds since the epoch, used when a call passes no timestamp; default nanoClock() (./clock.ts). */
  clock?: () => bigint;
  /** shb_userappl; default "cbc-lab". */
  userAppl?: string;
}

export function openPcapngWriter(path: string, opts: PcapngWriterOptions = {}): PcapngWriter {
  const clock = opts.clock ?? nanoClock();
  const encoder = new TcpCaptureEncoder();
  let fd: number | undefined = openSync(path, 'w');
  let bytesWritten = 0;

  const write = (bytes: Uint8Array): void => {
    if (fd === undefined) throw new PcapArgumentError(`pcapng writer: ${path} is already closed (end() was called)`);
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    bytesWritten += bytes.length;
  };
  // The encoder hands out one call's blocks as consecutive views of one buffer: they go to the
  // kernel in one write, still before the call returns (the chunk is then whole or cut, as one).
  const writeAll = (blocks: Uint8Array[]): void => {
    if (blocks.length === 0) return;
    const first = blocks[0];
    let end = first.byteOffset + first.length;
    let joined = true;
    for (let i = 1; i < blocks.length && joined; i++) {
      joined = blocks[i].buffer === first.buffer && blocks[i].byteOffset === end;
      end += blocks[i].length;
    }
    if (joined)
      write(blocks.length === 1 ? first : new Uint8Array(first.buffer, first.byteOffset, end - first.byteOffset));
    else for (const b of blocks) write(b);
  };
  const endpoint = (e: TcpEndpoint | string): TcpEndpoint => (typeof e === 'string' ? parseEndpoint(e) : e);

  write(encoder.header({ userAppl: opts.userAppl ?? 'cbc-lab' }));

  return {
    path,
    get bytesWritten() {
      return bytesWritten;
    },
    open(connId, client, server, ts = clock(), note) {
      writeAll(encoder.open(connId, endpoint(client), endpoint(server), ts, { note }));
    },
    data(connId, direction, bytes, ts = clock(), note) {
      writeAll(encoder.data(connId, direction, bytes, ts, { note }));
    },
    close(connId, ts = clock(), by, note) {
      writeAll(encoder.close(connId, ts, { by, note }));
    },
    reset(connId, ts = clock(), by, note) {
      writeAll(encoder.reset(connId, ts, { by, note }));
    },
    end() {
      if (fd === undefined) return;
      closeSync(fd);
      fd = undefined;
    }
  };
}
