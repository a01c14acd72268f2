// One captured frame → the IPv4 TCP packet inside it, whatever the link layer
// (https://www.tcpdump.org/linktypes.html). Anything that is not IPv4 TCP (IPv6, UDP, a fragment,
// a link type we do not read) gives undefined, and the reader counts it as skipped.

import {
  ETH_HEADER,
  ETHERTYPE_IPV4,
  ETHERTYPE_QINQ,
  ETHERTYPE_VLAN,
  IPPROTO_TCP,
  IPV4_HEADER,
  TCP_HEADER,
  formatIpv4,
  type TcpFields
} from './headers';

/** tcpdump.org link-layer header types. */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_LINUX_SLL2 = 276;

/** BSD loopback's address family for IPv4. */
const AF_INET = 2;

export interface PcapPacket extends TcpFields {
  /** 0-based index of the packet in the file (counting every packet, decoded or not). */
  index: number;
  /** Nanoseconds since 1970-01-01 UTC. */
  timestamp: bigint;
  /** The TCP payload: a view into the input, not a copy. */
  payload: Uint8Array;
  /** The capture holds fewer payload bytes than the IPv4 length says (snaplen). */
  truncated: boolean;
  /** EPB opt_comment values joined with "\n", if any. */
  comment?: string;
}

/** What the reader knows of a frame besides its bytes. */
export interface FrameContext {
  index: number;
  timestamp: bigint;
  /** The file's byte order: BSD loopback writes its address family in it. */
  littleEndian: boolean;
  comment?: string;
}

/** Where the IPv4 header starts in `frame`, or undefined if the link layer carries something else. */
function ipv4Start(linkType: number, frame: Uint8Array, littleEndian: boolean): number | undefined {
  switch (linkType) {
    case LINKTYPE_ETHERNET: {
      if (frame.length < ETH_HEADER) return undefined;
      let etherType = (frame[12] << 8) | frame[13];
      let ip = ETH_HEADER;
      while (etherType === ETHERTYPE_VLAN || etherType === ETHERTYPE_QINQ) {
        if (frame.length < ip + 4) return undefined;
        etherType = (frame[ip + 2] << 8) | frame[ip + 3];
        ip += 4;
      }
      return etherType === ETHERTYPE_IPV4 ? ip : undefined;
    }
    case LINKTYPE_NULL: {
      // A 4-byte address family in the writer's byte order.
      if (frame.length < 4) return undefined;
      const family = new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0, littleEndian);
      return family === AF_INET ? 4 : undefined;
    }
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
      return 0;
    case LINKTYPE_LINUX_SLL:
      return frame.length >= 16 && ((frame[14] << 8) | frame[15]) === ETHERTYPE_IPV4 ? 16 : undefined;
    case LINKTYPE_LINUX_SLL2:
      return frame.length >= 20 && ((frame[0] << 8) | frame[1]) === ETHERTYPE_IPV4 ? 20 : undefined;
    default:
      return undefined;
  }
}

/** Strip the link layer, IPv4 and TCP; undefined for anything that is not IPv4 TCP. */
export function decodeLinkLayer(linkType: number, frame: Uint8Array, context: FrameContext): PcapPacket | undefined {
  const ip = ipv4Start(linkType, frame, context.littleEndian);
  if (ip === undefined) return undefined;

  // IPv4 (RFC 791 §3.1).
  if (frame.length < ip + IPV4_HEADER || frame[ip] >> 4 !== 4) return undefined;
  const ihl = (frame[ip] & 0x0f) * 4;
  const totalLength = (frame[ip + 2] << 8) | frame[ip + 3];
  const fragment = ((frame[ip + 6] << 8) | frame[ip + 7]) & 0x3fff; // MF flag + offset
  if (ihl < IPV4_HEADER || totalLength < ihl || frame[ip + 9] !== IPPROTO_TCP || fragment !== 0) return undefined;
  const tcp = ip + ihl;
  // Ethernet pads short frames: the IPv4 total length, not the frame, says where TCP ends.
  const ipEnd = ip + totalLength;
  const available = Math.min(frame.length, ipEnd);
  if (available < tcp + TCP_HEADER) return undefined;

  // TCP (RFC 9293 §3.1).
  const dataOffset = (frame[tcp + 12] >> 4) * 4;
  if (dataOffset < TCP_HEADER || tcp + dataOffset > available) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const packet: PcapPacket = {
    index: context.index,
    timestamp: context.timestamp,
    src: formatIpv4(frame, ip + 12),
    dst: formatIpv4(frame, ip + 16),
    srcPort: view.getUint16(tcp),
    dstPort: view.getUint16(tcp + 2),
    seq: view.getUint32(tcp + 4),
    ack: view.getUint32(tcp + 8),
    flags: frame[tcp + 13],
    payload: frame.subarray(tcp + dataOffset, available),
    truncated: available < ipEnd
  };
  if (context.comment !== undefined) packet.comment = context.comment;
  return packet;
}
