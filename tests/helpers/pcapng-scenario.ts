// Captures built with our own encoder for the pcapng tests: deterministic bytes, interleaved
// connections, and what each connection carried (the expected side, kept apart from the reader).
import { concatBytes } from '../../src/lib/crypto/bytes.ts';
import {
  TCP_MAX_SEGMENT,
  TcpCaptureEncoder,
  type PcapDirection,
  type TcpEndpoint
} from '../../src/lib/protocol/pcapng/index.ts';

export function concat(parts: Uint8Array[]): Uint8Array {
  return concatBytes(...parts);
}

/** Deterministic bytes (xorshift32) so failures reproduce. */
export function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const SERVER: TcpEndpoint = { ip: '127.0.0.1', port: 5000 };
export const T0 = 1_764_000_000_000_000; // µs

export interface Chunk {
  conn: number;
  direction: PcapDirection;
  data: Uint8Array;
}

/** Build a capture of several interleaved connections; returns the file and what each carried. */
export function scenario(chunks: Chunk[], conns: number[]) {
  const enc = new TcpCaptureEncoder();
  const parts = [enc.header()];
  let t = T0;
  for (const c of conns) parts.push(...enc.open(c, { ip: '127.0.0.1', port: 40000 + c }, SERVER, (t += 100)));
  const expected = new Map<number, { c2s: Uint8Array[]; s2c: Uint8Array[]; segments: number }>();
  for (const c of conns) expected.set(c, { c2s: [], s2c: [], segments: 0 });
  for (const ch of chunks) {
    parts.push(...enc.data(ch.conn, ch.direction, ch.data, (t += 100)));
    const e = expected.get(ch.conn)!;
    e[ch.direction].push(ch.data);
    e.segments += Math.ceil(ch.data.length / TCP_MAX_SEGMENT);
  }
  for (const c of conns) parts.push(...enc.close(c, (t += 100), { by: c % 2 ? 'c2s' : 's2c' }));
  return { file: concat(parts), expected };
}

// Sizes around every boundary that matters: empty, one byte, an AES block, one segment exactly,
// one byte over, and 100 KiB (two segments).
const SIZES = [0, 1, 15, 16, 17, 255, 1400, 4096, 65494, 65495, 65496, 100 * 1024];

/** Four connections, each sending every size once, directions mixed. */
export function fixedScenario() {
  const conns = [1, 2, 3, 4];
  const chunks: Chunk[] = [];
  let seed = 7;
  for (let round = 0; round < SIZES.length; round++) {
    for (const conn of conns) {
      const size = SIZES[(round + conn * 5) % SIZES.length];
      const direction: PcapDirection = (round + conn) % 3 === 0 ? 's2c' : 'c2s';
      chunks.push({ conn, direction, data: bytes(size, seed++) });
    }
  }
  return { conns, ...scenario(chunks, conns) };
}
