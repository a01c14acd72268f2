// pcapng capture files (docs/pcapng.md): an encoder that synthesizes Ethernet II + IPv4 + TCP
// around recorded TCP payload, so Wireshark's "Follow TCP stream" gives back the exact bytes, and
// a reader for pcapng and classic pcap that a browser page can run on an uploaded file.
// Pure: no clock, no randomness, no I/O; the Node shell that writes a file is server/pcapng-writer.ts.
//
//   errors.ts       PcapError and its subclasses (codes in docs/errors.md)
//   headers.ts      Ethernet/IPv4/TCP sizes and flags, IPv4 endpoints as text
//   blocks.ts       SHB, IDB, EPB and their options: the one block writer
//   synth.ts        Ethernet II + IPv4 + TCP frames with their checksums
//   writer.ts       TcpCaptureEncoder: TCP conversations as EPBs
//   link.ts         link-layer types → the IPv4 TCP packet inside a frame
//   byte-reader.ts  what both readers share: a view in one byte order, the truncation check
//   pcap-classic.ts classic pcap → packets
//   reader.ts       readCapture: pcapng and classic pcap → packets (pcapng read here)
//   reassembly.ts   groupTcpConversations: packets → ordered byte streams

export * from './errors';
export {
  TCP_ACK,
  TCP_FIN,
  TCP_MAX_SEGMENT,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  parseEndpoint,
  parseIpv4,
  type PcapDirection,
  type TcpEndpoint
} from './headers';
export {
  BLOCK_EPB,
  BLOCK_IDB,
  BLOCK_SHB,
  BLOCK_SPB,
  encodeEnhancedPacket,
  encodeInterfaceDescription,
  encodeSectionHeader,
  timestampToNs,
  type PcapTimestamp
} from './blocks';
export { encodeTcpFrame, type TcpSegment } from './synth';
export { TcpCaptureEncoder, type PcapConnId } from './writer';
export {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  type PcapPacket
} from './link';
export { readCapture, type PcapFile, type PcapReadOptions } from './reader';
export { groupTcpConversations, type TcpConversationRecord, type TcpStreamChunk } from './reassembly';
