// What the synthesizer (./synth.ts) and the link-layer reader (./link.ts) share: the sizes and
// field values of Ethernet II, IPv4 (RFC 791 §3.1) and TCP (RFC 9293 §3.1, which obsoletes
// RFC 793), and IPv4 endpoints as text. Only IPv4 is written or read (docs/pcapng.md).

import { PcapArgumentError } from './errors';

/** The IPv4 and TCP fields a segment is known by, as the writer takes them and the reader gives them back. */
export interface TcpFields {
  /** IPv4 addresses as dotted text */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  /** TCP control bits (RFC 9293 §3.1) */
  flags: number;
}

export const ETHERTYPE_IPV4 = 0x0800;
/** IEEE 802.1Q VLAN tag. */
export const ETHERTYPE_VLAN = 0x8100;
/** IEEE 802.1ad service tag (QinQ). */
export const ETHERTYPE_QINQ = 0x88a8;
export const IPPROTO_TCP = 6;

export const ETH_HEADER = 14;
/** IHL 5: no IP options. */
export const IPV4_HEADER = 20;
/** Data offset 5: no TCP options. */
export const TCP_HEADER = 20;
export const TCP_FRAME_OVERHEAD = ETH_HEADER + IPV4_HEADER + TCP_HEADER;

/** Control bits (RFC 9293 §3.1). */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** Largest TCP payload in one segment: the IPv4 total length (16 bits) must hold 20 + 20 + payload. */
export const TCP_MAX_SEGMENT = 0xffff - IPV4_HEADER - TCP_HEADER; // 65495

/** Client to server, or server to client. */
export type PcapDirection = 'c2s' | 's2c';

export interface TcpEndpoint {
  /** Dotted-quad IPv4 address ("::ffff:" IPv4-mapped forms are accepted by the encoder). */
  ip: string;
  port: number;
}

/** Parse a dotted-quad IPv4 address (an IPv4-mapped IPv6 "::ffff:a.b.c.d" is unwrapped). */
export function parseIpv4(text: string): Uint8Array {
  const s = text.toLowerCase().startsWith('::ffff:') ? text.slice(7) : text;
  const parts = s.split('.');
  const ok = parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
  if (!ok) {
    throw new PcapArgumentError(`address: expected a dotted-quad IPv4 address like 127.0.0.1, got '${text}'`, {
      expected: 'IPv4',
      actual: text
    });
  }
  return Uint8Array.from(parts, Number);
}

/** The four bytes at `at` of `bytes` as a dotted quad. */
export function formatIpv4(bytes: Uint8Array, at: number): string {
  return `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`;
}

export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw new PcapArgumentError(`port: expected an integer 0..65535, got ${port}`, {
      expected: '0..65535',
      actual: port
    });
  }
}

/** Parse "a.b.c.d:port" (or "[::ffff:a.b.c.d]:port"). */
export function parseEndpoint(text: string): TcpEndpoint {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(text);
  if (!m) throw new PcapArgumentError(`endpoint: expected host:port like 127.0.0.1:5000, got '${text}'`);
  const ip = formatIpv4(parseIpv4(m[1]), 0);
  const port = Number(m[2]);
  checkPort(port);
  return { ip, port };
}
