// Ethernet II + IPv4 + TCP headers synthesized around recorded TCP payload, so that Wireshark's
// "Follow TCP stream" gives back the exact bytes (docs/pcapng.md, "What we write"). Headers
// follow RFC 791 §3.1 (IPv4) and RFC 9293 §3.1 (TCP, which obsoletes RFC 793); both checksums
// are the Internet checksum of RFC 1071.

import { PcapArgumentError } from './errors';
import {
  ETH_HEADER,
  ETHERTYPE_IPV4,
  IPPROTO_TCP,
  IPV4_HEADER,
  TCP_ACK,
  TCP_FRAME_OVERHEAD,
  TCP_HEADER,
  TCP_MAX_SEGMENT,
  checkPort,
  parseIpv4,
  type TcpFields
} from './headers';

/** Window we advertise; every data segment is acknowledged before the next, so it never fills. */
export const TCP_WINDOW = 0xffff;

const EMPTY = new Uint8Array(0);

/**
 * RFC 1071 one's-complement sum of 16-bit big-endian words, not yet folded. `start` must be at a
 * word boundary of the summed data. Taken 32 bits at a time (RFC 1071 §2(C), §4.1): a 32-bit word
 * hi·2^16 + lo is congruent to hi + lo modulo 2^16 − 1, so folding at the end gives the same
 * checksum. The sum stays exact in a double: at most 2^14 words of 2^32 each per segment.
 */
function sum16(bytes: Uint8Array, start: number, end: number, acc: number): number {
  let i = start;
  if (end - start >= 16) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (; i + 7 < end; i += 8) acc += view.getUint32(i) + view.getUint32(i + 4);
  }
  for (; i + 1 < end; i += 2) acc += (bytes[i] << 8) | bytes[i + 1];
  if (i < end) acc += bytes[i] << 8;
  return acc;
}

/** RFC 1071 §4.1: fold the carries back in, then take the one's complement. */
function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc % 0x10000) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
}

export interface TcpSegment extends TcpFields {
  /** IPv4 identification field. */
  ipId?: number;
  window?: number;
  payload?: Uint8Array;
}

/** A TcpSegment with its addresses parsed and every field present, checked by the caller. */
export interface TcpFrameFields {
  src: Uint8Array;
  dst: Uint8Array;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  ipId: number;
  window: number;
  payload: Uint8Array;
}

/**
 * One Ethernet II frame carrying IPv4 + TCP (no options) + payload, with both checksums.
 * MAC addresses are synthesized from the IPv4 address: 02:00:a:b:c:d (locally administered).
 */
export function encodeTcpFrame(segment: TcpSegment): Uint8Array {
  const payload = segment.payload ?? EMPTY;
  if (payload.length > TCP_MAX_SEGMENT) {
    throw new PcapArgumentError(
      `tcp payload: expected at most ${TCP_MAX_SEGMENT} bytes per segment, got ${payload.length}`,
      {
        expected: TCP_MAX_SEGMENT,
        actual: payload.length
      }
    );
  }
  checkPort(segment.srcPort);
  checkPort(segment.dstPort);
  const fields: TcpFrameFields = {
    src: parseIpv4(segment.src),
    dst: parseIpv4(segment.dst),
    srcPort: segment.srcPort,
    dstPort: segment.dstPort,
    seq: segment.seq,
    ack: segment.ack,
    flags: segment.flags,
    ipId: segment.ipId ?? 0,
    window: segment.window ?? TCP_WINDOW,
    payload
  };
  const frame = new Uint8Array(TCP_FRAME_OVERHEAD + payload.length);
  writeTcpFrame(frame, new DataView(frame.buffer), 0, fields);
  return frame;
}

/** encodeTcpFrame's frame, written at `at` of a zero-filled `frame` (fields already checked). */
export function writeTcpFrame(frame: Uint8Array, view: DataView, at: number, fields: TcpFrameFields): void {
  const { src, dst, payload } = fields;
  const ipLength = IPV4_HEADER + TCP_HEADER + payload.length;

  // Ethernet II: destination MAC, source MAC, EtherType.
  frame[at] = 0x02;
  frame.set(dst, at + 2);
  frame[at + 6] = 0x02;
  frame.set(src, at + 8);
  view.setUint16(at + 12, ETHERTYPE_IPV4);

  // IPv4 (RFC 791 §3.1): version 4, IHL 5, DF set, TTL 64, protocol TCP.
  const ip = at + ETH_HEADER;
  frame[ip] = 0x45;
  view.setUint16(ip + 2, ipLength);
  view.setUint16(ip + 4, fields.ipId & 0xffff);
  view.setUint16(ip + 6, 0x4000);
  frame[ip + 8] = 64;
  frame[ip + 9] = IPPROTO_TCP;
  frame.set(src, ip + 12);
  frame.set(dst, ip + 16);
  view.setUint16(ip + 10, fold(sum16(frame, ip, ip + IPV4_HEADER, 0)));

  // TCP (RFC 9293 §3.1): data offset 5 words, no options; the acknowledgment number is
  // meaningful only with ACK set, so it is 0 without it.
  const tcp = ip + IPV4_HEADER;
  view.setUint16(tcp, fields.srcPort);
  view.setUint16(tcp + 2, fields.dstPort);
  view.setUint32(tcp + 4, fields.seq >>> 0);
  view.setUint32(tcp + 8, fields.flags & TCP_ACK ? fields.ack >>> 0 : 0);
  frame[tcp + 12] = 5 << 4;
  frame[tcp + 13] = fields.flags & 0xff;
  view.setUint16(tcp + 14, fields.window);
  if (payload.length > 0) frame.set(payload, tcp + TCP_HEADER);
  // RFC 9293 §3.1: the checksum covers the pseudo-header (src, dst, zero, protocol, TCP length),
  // the header and the data.
  const tcpLength = TCP_HEADER + payload.length;
  let acc = sum16(frame, ip + 12, ip + 20, 0);
  acc += IPPROTO_TCP + tcpLength;
  acc = sum16(frame, tcp, tcp + tcpLength, acc);
  view.setUint16(tcp + 16, fold(acc));
}
