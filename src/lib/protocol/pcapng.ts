// pcapng capture files: an encoder that synthesizes Ethernet II + IPv4 + TCP around recorded TCP
// payload (so Wireshark's "Follow TCP stream" gives back the exact bytes), and a reader for
// pcapng and classic pcap that a browser page can run on an uploaded file.
//
// Block layouts follow draft-ietf-opsawg-pcapng (§4.1 SHB, §4.2 IDB, §4.3 EPB, §4.4 SPB, §3.5
// options); classic pcap follows draft-ietf-opsawg-pcap §4-§5. Headers follow RFC 791 (IPv4),
// RFC 9293 (TCP) and RFC 1071 (the Internet checksum).
//
// Pure: no clock, no randomness, no I/O. Timestamps come in as arguments: a `bigint` is
// nanoseconds since 1970-01-01 UTC, a `number` is microseconds since 1970-01-01 UTC. We write
// if_tsresol = 9 (nanoseconds) so both fit without loss.
//
// Everything we write is little-endian; the reader accepts both byte orders.

// ---------------------------------------------------------------------------------------------
// Errors

export type PcapErrorCode =
  | 'ERR_PCAP_FORMAT' // not a capture, or a block/record that contradicts itself
  | 'ERR_PCAP_TRUNCATED' // the file ends inside a header, block or record
  | 'ERR_PCAP_UNSUPPORTED' // a well-formed file in a version we do not read
  | 'ERR_PCAP_ARGUMENT'; // the encoder was called with something it cannot write

export interface PcapErrorDetails {
  /** Byte offset in the file of the offending field (reader errors). */
  offset?: number;
  expected?: string | number;
  actual?: string | number;
}

export class PcapError extends Error {
  readonly code: PcapErrorCode;
  readonly offset?: number;
  readonly expected?: string | number;
  readonly actual?: string | number;

  constructor(code: PcapErrorCode, message: string, details: PcapErrorDetails = {}) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.offset = details.offset;
    this.expected = details.expected;
    this.actual = details.actual;
  }
}

/** The capture file is malformed: says what is wrong and at which byte offset. */
export class PcapFormatError extends PcapError {
  constructor(message: string, details: PcapErrorDetails) {
    super('ERR_PCAP_FORMAT', message, details);
  }
}

export class PcapTruncatedError extends PcapError {
  constructor(what: string, offset: number, needed: number, available: number) {
    super(
      'ERR_PCAP_TRUNCATED',
      `${what} at offset ${offset}: expected ${needed} bytes, got ${available}; ` +
        'the file was cut short (was the capture still being written, or the download incomplete?)',
      { offset, expected: needed, actual: available }
    );
  }
}

export class PcapUnsupportedError extends PcapError {
  constructor(message: string, details: PcapErrorDetails) {
    super('ERR_PCAP_UNSUPPORTED', message, details);
  }
}

export class PcapArgumentError extends PcapError {
  constructor(message: string, details: PcapErrorDetails = {}) {
    super('ERR_PCAP_ARGUMENT', message, details);
  }
}

// ---------------------------------------------------------------------------------------------
// Constants

/** pcapng block types (draft-ietf-opsawg-pcapng §11.1). */
export const BLOCK_SHB = 0x0a0d0d0a;
export const BLOCK_IDB = 0x00000001;
export const BLOCK_SPB = 0x00000003;
export const BLOCK_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** tcpdump.org link-layer header types. */
export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_LINUX_SLL2 = 276;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_VLAN = 0x8100;
const IPPROTO_TCP = 6;
const ETH_HEADER = 14;
const IPV4_HEADER = 20;
const TCP_HEADER = 20;

/** Largest TCP payload in one segment: the IPv4 total length (16 bits) must hold 20 + 20 + payload. */
export const TCP_MAX_SEGMENT = 0xffff - IPV4_HEADER - TCP_HEADER; // 65495

/** Window we advertise; every data segment is acknowledged before the next, so it never fills. */
const TCP_WINDOW = 0xffff;
const SNAPLEN = 262144;

// ---------------------------------------------------------------------------------------------
// Shared types

export type PcapTimestamp = bigint | number;
export type PcapDirection = 'c2s' | 's2c';

export interface TcpEndpoint {
  /** Dotted-quad IPv4 address ("::ffff:" IPv4-mapped forms are accepted by the encoder). */
  ip: string;
  port: number;
}

/** Nanoseconds since the epoch from a `bigint` (ns) or a `number` (µs). */
export function timestampToNs(ts: PcapTimestamp): bigint {
  if (typeof ts === 'bigint') {
    if (ts < 0n || ts >= 1n << 64n) throw new PcapArgumentError(`timestamp: expected 0 ≤ ns < 2^64, got ${ts}`);
    return ts;
  }
  if (!Number.isFinite(ts) || ts < 0) {
    throw new PcapArgumentError(`timestamp: expected microseconds since 1970 as a finite number ≥ 0, got ${ts}`);
  }
  return BigInt(Math.round(ts)) * 1000n;
}

// ---------------------------------------------------------------------------------------------
// Encoding: blocks

const utf8 = new TextEncoder();

/** Round up to 32 bits. Arithmetic, not `& ~3`: lengths read from a file may exceed 2^31. */
function pad4(n: number): number {
  return n + ((4 - (n % 4)) % 4);
}

interface RawOption {
  code: number;
  value: Uint8Array;
}

/** Options area (§3.5): code, length, value padded to 32 bits; ends with opt_endofopt. */
function optionsLength(options: RawOption[]): number {
  if (options.length === 0) return 0;
  let n = 4;
  for (const o of options) n += 4 + pad4(o.value.length);
  return n;
}

function writeOptions(view: DataView, bytes: Uint8Array, at: number, options: RawOption[]): number {
  if (options.length === 0) return at;
  for (const o of options) {
    view.setUint16(at, o.code, true);
    view.setUint16(at + 2, o.value.length, true);
    bytes.set(o.value, at + 4);
    at += 4 + pad4(o.value.length);
  }
  view.setUint16(at, OPT_ENDOFOPT, true);
  view.setUint16(at + 2, 0, true);
  return at + 4;
}

function textOption(code: number, text: string): RawOption {
  let value = utf8.encode(text);
  // An option length is 16 bits; keep comments readable rather than fail the capture.
  if (value.length > 0xfff0) value = utf8.encode(text.slice(0, 0x3ff0));
  return { code, value };
}

/** A block: type, total length, body, options, total length again (§3.1). */
function block(type: number, bodyLength: number, options: RawOption[], fill: (view: DataView, bytes: Uint8Array) => void): Uint8Array {
  const total = 8 + pad4(bodyLength) + optionsLength(options) + 4;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, total, true);
  fill(view, bytes);
  writeOptions(view, bytes, 8 + pad4(bodyLength), options);
  view.setUint32(total - 4, total, true);
  return bytes;
}

/** Section Header Block (§4.1): byte-order magic, version 1.0, section length unknown (-1). */
export function encodeSectionHeader(opts: { userAppl?: string } = {}): Uint8Array {
  const options = opts.userAppl ? [textOption(SHB_USERAPPL, opts.userAppl)] : [];
  return block(BLOCK_SHB, 16, options, (view) => {
    view.setUint32(8, BYTE_ORDER_MAGIC, true);
    view.setUint16(12, 1, true);
    view.setUint16(14, 0, true);
    view.setBigInt64(16, -1n, true);
  });
}

/** Interface Description Block (§4.2): LINKTYPE_ETHERNET, if_tsresol = 9 (10^-9 s). */
export function encodeInterfaceDescription(opts: { name?: string; snapLen?: number } = {}): Uint8Array {
  const options: RawOption[] = [];
  if (opts.name) options.push(textOption(IF_NAME, opts.name));
  options.push({ code: IF_TSRESOL, value: Uint8Array.of(9) });
  return block(BLOCK_IDB, 8, options, (view) => {
    view.setUint16(8, LINKTYPE_ETHERNET, true);
    view.setUint16(10, 0, true);
    view.setUint32(12, opts.snapLen ?? SNAPLEN, true);
  });
}

/** Enhanced Packet Block (§4.3) on interface 0 (or `interfaceId`), timestamp in ns units. */
export function encodeEnhancedPacket(
  packetData: Uint8Array,
  timestamp: PcapTimestamp,
  opts: { comment?: string; interfaceId?: number } = {}
): Uint8Array {
  const ns = timestampToNs(timestamp);
  const options = opts.comment ? [textOption(OPT_COMMENT, opts.comment)] : [];
  return block(BLOCK_EPB, 20 + packetData.length, options, (view, bytes) => {
    view.setUint32(8, opts.interfaceId ?? 0, true);
    view.setUint32(12, Number(ns >> 32n), true);
    view.setUint32(16, Number(ns & 0xffffffffn), true);
    view.setUint32(20, packetData.length, true);
    view.setUint32(24, packetData.length, true);
    bytes.set(packetData, 28);
  });
}

// ---------------------------------------------------------------------------------------------
// Encoding: Ethernet II + IPv4 + TCP

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

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw new PcapArgumentError(`port: expected an integer 0..65535, got ${port}`, { expected: '0..65535', actual: port });
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

function formatIpv4(b: Uint8Array, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

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

function fold(acc: number): number {
  while (acc > 0xffff) acc = (acc % 0x10000) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
}

export interface TcpSegment {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** IPv4 identification field. */
  ipId?: number;
  window?: number;
  payload?: Uint8Array;
}

/**
 * One Ethernet II frame carrying IPv4 + TCP (no options) + payload, with both checksums.
 * MAC addresses are synthesized from the IPv4 address: 02:00:a:b:c:d (locally administered).
 */
export function encodeTcpFrame(seg: TcpSegment): Uint8Array {
  const payload = seg.payload ?? new Uint8Array(0);
  if (payload.length > TCP_MAX_SEGMENT) {
    throw new PcapArgumentError(`tcp payload: expected at most ${TCP_MAX_SEGMENT} bytes per segment, got ${payload.length}`, {
      expected: TCP_MAX_SEGMENT,
      actual: payload.length
    });
  }
  checkPort(seg.srcPort);
  checkPort(seg.dstPort);
  const src = parseIpv4(seg.src);
  const dst = parseIpv4(seg.dst);
  const frame = new Uint8Array(TCP_FRAME_OVERHEAD + payload.length);
  writeTcpFrame(frame, new DataView(frame.buffer), 0, src, dst, seg.srcPort, seg.dstPort, seg.seq, seg.ack, seg.flags, seg.ipId ?? 0, seg.window ?? TCP_WINDOW, payload);
  return frame;
}

const TCP_FRAME_OVERHEAD = ETH_HEADER + IPV4_HEADER + TCP_HEADER;

/** encodeTcpFrame's frame, written at `o` of a zero-filled `frame` (arguments already checked). */
function writeTcpFrame(
  frame: Uint8Array,
  view: DataView,
  o: number,
  src: Uint8Array,
  dst: Uint8Array,
  srcPort: number,
  dstPort: number,
  seq: number,
  ack: number,
  flags: number,
  ipId: number,
  window: number,
  payload: Uint8Array
): void {
  const ipLength = IPV4_HEADER + TCP_HEADER + payload.length;

  // Ethernet II: destination MAC, source MAC, EtherType.
  frame[o] = 0x02;
  frame.set(dst, o + 2);
  frame[o + 6] = 0x02;
  frame.set(src, o + 8);
  view.setUint16(o + 12, ETHERTYPE_IPV4);

  // IPv4 (RFC 791 §3.1): version 4, IHL 5, DF set, TTL 64, protocol TCP.
  const ip = o + ETH_HEADER;
  frame[ip] = 0x45;
  view.setUint16(ip + 2, ipLength);
  view.setUint16(ip + 4, ipId & 0xffff);
  view.setUint16(ip + 6, 0x4000);
  frame[ip + 8] = 64;
  frame[ip + 9] = IPPROTO_TCP;
  frame.set(src, ip + 12);
  frame.set(dst, ip + 16);
  view.setUint16(ip + 10, fold(sum16(frame, ip, ip + IPV4_HEADER, 0)));

  // TCP (RFC 9293 §3.1): data offset 5 words, no options.
  const tcp = ip + IPV4_HEADER;
  view.setUint16(tcp, srcPort);
  view.setUint16(tcp + 2, dstPort);
  view.setUint32(tcp + 4, seq >>> 0);
  view.setUint32(tcp + 8, flags & TCP_ACK ? ack >>> 0 : 0);
  frame[tcp + 12] = 5 << 4;
  frame[tcp + 13] = flags & 0xff;
  view.setUint16(tcp + 14, window);
  if (payload.length > 0) frame.set(payload, tcp + TCP_HEADER);
  // Checksum over the pseudo-header (src, dst, zero, protocol, TCP length), header and data.
  const tcpLength = TCP_HEADER + payload.length;
  let acc = sum16(frame, ip + 12, ip + 20, 0);
  acc += IPPROTO_TCP + tcpLength;
  acc = sum16(frame, tcp, tcp + tcpLength, acc);
  view.setUint16(tcp + 16, fold(acc));
}

// ---------------------------------------------------------------------------------------------
// Encoding: a TCP conversation synthesizer

interface Side {
  ip: string;
  /** `ip` parsed once, for every packet's headers */
  ipBytes: Uint8Array;
  port: number;
  /** Next sequence number this side sends. */
  seq: number;
  ipId: number;
}

interface Conversation {
  id: string;
  client: Side;
  server: Side;
  closed: boolean;
}

/** FNV-1a: a deterministic stand-in for a random initial sequence number (the core has no randomness). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export type PcapConnId = string | number;

/**
 * Turns recorded TCP chunks into pcapng blocks: `header()` once, then `open`, `data` and `close`
 * per connection. Each call returns the Enhanced Packet Blocks to append, in order.
 *
 * - open: SYN, SYN/ACK, ACK.
 * - data: the chunk as segments of at most TCP_MAX_SEGMENT bytes (PSH on the last one), each
 *   followed by the peer's pure ACK so the advertised window never fills. An empty chunk writes
 *   nothing (nothing was on the wire).
 * - close: FIN/ACK from `by`, FIN/ACK from the peer, ACK. reset: RST/ACK from `by`.
 *
 * Every packet carries an opt_comment "conn=<id>" (plus " <note>" when a note is given, e.g. the
 * decoder's error code).
 */
export class TcpCaptureEncoder {
  readonly #conversations = new Map<string, Conversation>();

  /** SHB + IDB: the first bytes of the file. */
  header(opts: { userAppl?: string; interfaceName?: string } = {}): Uint8Array {
    const shb = encodeSectionHeader({ userAppl: opts.userAppl ?? 'cbc-lab' });
    const idb = encodeInterfaceDescription({ name: opts.interfaceName ?? 'cbc-lab tap' });
    const out = new Uint8Array(shb.length + idb.length);
    out.set(shb, 0);
    out.set(idb, shb.length);
    return out;
  }

  has(connId: PcapConnId): boolean {
    const c = this.#conversations.get(String(connId));
    return c !== undefined && !c.closed;
  }

  open(
    connId: PcapConnId,
    client: TcpEndpoint,
    server: TcpEndpoint,
    timestamp: PcapTimestamp,
    opts: { note?: string; clientIsn?: number; serverIsn?: number } = {}
  ): Uint8Array[] {
    const id = String(connId);
    if (this.has(id)) throw new PcapArgumentError(`open: connection ${id} is already open; close it first`);
    checkPort(client.port);
    checkPort(server.port);
    const clientIp = formatIpv4(parseIpv4(client.ip), 0);
    const serverIp = formatIpv4(parseIpv4(server.ip), 0);
    const h = fnv1a(`${id}|${clientIp}:${client.port}|${serverIp}:${server.port}`);
    const c: Conversation = {
      id,
      client: { ip: clientIp, ipBytes: parseIpv4(clientIp), port: client.port, seq: (opts.clientIsn ?? h) >>> 0, ipId: h & 0xffff },
      server: { ip: serverIp, ipBytes: parseIpv4(serverIp), port: server.port, seq: (opts.serverIsn ?? Math.imul(h, 0x9e3779b1)) >>> 0, ipId: (h >>> 16) & 0xffff },
      closed: false
    };
    this.#conversations.set(id, c);
    return this.#packets(timestamp, this.#comment(c, opts.note), [
      { from: c.client, to: c.server, flags: TCP_SYN, seqSpace: 1, withAck: false },
      { from: c.server, to: c.client, flags: TCP_SYN | TCP_ACK, seqSpace: 1 },
      { from: c.client, to: c.server, flags: TCP_ACK, seqSpace: 0 }
    ]);
  }

  data(connId: PcapConnId, direction: PcapDirection, bytes: Uint8Array, timestamp: PcapTimestamp, opts: { note?: string } = {}): Uint8Array[] {
    const c = this.#live(connId, 'data');
    const [from, to] = direction === 'c2s' ? [c.client, c.server] : [c.server, c.client];
    const specs: PacketSpec[] = [];
    for (let at = 0; at < bytes.length; at += TCP_MAX_SEGMENT) {
      const end = Math.min(bytes.length, at + TCP_MAX_SEGMENT);
      const flags = end === bytes.length ? TCP_PSH | TCP_ACK : TCP_ACK;
      specs.push({ from, to, flags, seqSpace: end - at, payload: bytes.subarray(at, end) });
      specs.push({ from: to, to: from, flags: TCP_ACK, seqSpace: 0 });
    }
    return this.#packets(timestamp, this.#comment(c, opts.note), specs);
  }

  close(connId: PcapConnId, timestamp: PcapTimestamp, opts: { by?: PcapDirection; note?: string } = {}): Uint8Array[] {
    const c = this.#live(connId, 'close');
    const [a, b] = (opts.by ?? 'c2s') === 'c2s' ? [c.client, c.server] : [c.server, c.client];
    c.closed = true;
    return this.#packets(timestamp, this.#comment(c, opts.note), [
      { from: a, to: b, flags: TCP_FIN | TCP_ACK, seqSpace: 1 },
      { from: b, to: a, flags: TCP_FIN | TCP_ACK, seqSpace: 1 },
      { from: a, to: b, flags: TCP_ACK, seqSpace: 0 }
    ]);
  }

  reset(connId: PcapConnId, timestamp: PcapTimestamp, opts: { by?: PcapDirection; note?: string } = {}): Uint8Array[] {
    const c = this.#live(connId, 'reset');
    const [a, b] = (opts.by ?? 'c2s') === 'c2s' ? [c.client, c.server] : [c.server, c.client];
    c.closed = true;
    return this.#packets(timestamp, this.#comment(c, opts.note), [{ from: a, to: b, flags: TCP_RST | TCP_ACK, seqSpace: 0 }]);
  }

  #live(connId: PcapConnId, what: string): Conversation {
    const c = this.#conversations.get(String(connId));
    if (!c || c.closed) {
      throw new PcapArgumentError(`${what}: connection ${String(connId)} is not open; call open() first`);
    }
    return c;
  }

  #comment(c: Conversation, note?: string): string {
    return note ? `conn=${c.id} ${note}` : `conn=${c.id}`;
  }

  /**
   * One EPB per packet (as encodeEnhancedPacket(encodeTcpFrame(…)) would make it), each advancing
   * its sender's sequence number by `seqSpace`. All of them are written into one buffer, headers
   * and payload in place (no intermediate frame), and handed out as consecutive views of it, so a
   * writer can pass a whole call's blocks to the kernel at once.
   */
  #packets(timestamp: PcapTimestamp, comment: string, specs: PacketSpec[]): Uint8Array[] {
    const ns = timestampToNs(timestamp);
    const tsHigh = Number(ns >> 32n);
    const tsLow = Number(ns & 0xffffffffn);
    const note = textOption(OPT_COMMENT, comment).value;
    const optionsLength = 4 + pad4(note.length) + 4; // opt_comment, opt_endofopt
    let total = 0;
    for (const p of specs) total += 28 + pad4(TCP_FRAME_OVERHEAD + (p.payload?.length ?? 0)) + optionsLength + 4;
    const buf = new Uint8Array(total);
    const view = new DataView(buf.buffer);
    const out: Uint8Array[] = [];
    let at = 0;
    for (const p of specs) {
      const { from, to } = p;
      const payload = p.payload ?? EMPTY;
      const captured = TCP_FRAME_OVERHEAD + payload.length;
      const length = 28 + pad4(captured) + optionsLength + 4;
      // §4.3: type, total length, interface 0, timestamp (high, low), captured and original length.
      view.setUint32(at, BLOCK_EPB, true);
      view.setUint32(at + 4, length, true);
      view.setUint32(at + 12, tsHigh, true);
      view.setUint32(at + 16, tsLow, true);
      view.setUint32(at + 20, captured, true);
      view.setUint32(at + 24, captured, true);
      writeTcpFrame(buf, view, at + 28, from.ipBytes, to.ipBytes, from.port, to.port, from.seq, p.withAck === false ? 0 : to.seq, p.flags, from.ipId, TCP_WINDOW, payload);
      const opt = at + 28 + pad4(captured);
      view.setUint16(opt, OPT_COMMENT, true);
      view.setUint16(opt + 2, note.length, true);
      buf.set(note, opt + 4);
      view.setUint32(at + length - 4, length, true);
      from.seq = (from.seq + p.seqSpace) >>> 0;
      from.ipId = (from.ipId + 1) & 0xffff;
      out.push(buf.subarray(at, at + length));
      at += length;
    }
    return out;
  }
}

const EMPTY = new Uint8Array(0);

interface PacketSpec {
  from: Side;
  to: Side;
  flags: number;
  seqSpace: number;
  payload?: Uint8Array;
  /** false for a SYN: its acknowledgment number is 0 */
  withAck?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Reading

export interface PcapPacket {
  /** 0-based index of the packet in the file (counting every packet, decoded or not). */
  index: number;
  /** Nanoseconds since 1970-01-01 UTC. */
  timestamp: bigint;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  /** The TCP payload: a view into the input, not a copy. */
  payload: Uint8Array;
  /** The capture holds fewer payload bytes than the IPv4 length says (snaplen). */
  truncated: boolean;
  /** EPB opt_comment values joined with "\n", if any. */
  comment?: string;
}

export interface PcapFile {
  format: 'pcapng' | 'pcap';
  /** IPv4 TCP packets, in file order. */
  packets: PcapPacket[];
  /** Packets that were not IPv4/TCP (or whose link type we do not read), skipped. */
  skipped: number;
  /**
   * With `allowTruncated`: the offset where the file ends inside a block or record (a capture
   * still being written, or a crash); everything before it was read.
   */
  truncatedAt?: number;
}

export interface PcapReadOptions {
  /** Read a file that ends inside a block or record up to its last whole one, instead of throwing ERR_PCAP_TRUNCATED. */
  allowTruncated?: boolean;
}

/** End of the last whole block/record read so far (where a truncated file can be cut back to). */
interface Progress {
  goodEnd: number;
}

interface Interface {
  linkType: number;
  /** PcapTimestamp units per second as (multiplier to ns, divisor) */
  tsMul: bigint;
  tsDiv: bigint;
  tsOffsetNs: bigint;
}

class Reader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, public le: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(at: number): number {
    return this.view.getUint16(at, this.le);
  }
  u32(at: number): number {
    return this.view.getUint32(at, this.le);
  }
}

const decoder = new TextDecoder('utf-8');

/** Read a pcapng or classic pcap file. Throws only PcapError. */
export function readCapture(input: Uint8Array, opts: PcapReadOptions = {}): PcapFile {
  const progress: Progress = { goodEnd: 0 };
  try {
    return readAny(input, progress);
  } catch (e) {
    if (!(opts.allowTruncated && e instanceof PcapTruncatedError)) throw e;
    // Cut back to the last whole block and read again: that prefix is a complete file.
    const whole = progress.goodEnd > 0 ? readAny(input.subarray(0, progress.goodEnd), { goodEnd: 0 }) : undefined;
    const format = input[0] === 0x0a ? 'pcapng' : 'pcap';
    return { format: whole?.format ?? format, packets: whole?.packets ?? [], skipped: whole?.skipped ?? 0, truncatedAt: progress.goodEnd };
  }
}

function readAny(input: Uint8Array, progress: Progress): PcapFile {
  if (input.length < 4) {
    const magics = [
      [0x0a, 0x0d, 0x0d, 0x0a],
      [0xd4, 0xc3, 0xb2, 0xa1],
      [0xa1, 0xb2, 0xc3, 0xd4],
      [0x4d, 0x3c, 0xb2, 0xa1],
      [0xa1, 0xb2, 0x3c, 0x4d]
    ];
    if (input.length > 0 && magics.some((m) => input.every((b, i) => b === m[i]))) {
      throw new PcapTruncatedError('file header', 0, 4, input.length);
    }
    throw notACapture(input);
  }
  const b0 = input[0],
    b1 = input[1],
    b2 = input[2],
    b3 = input[3];
  if (b0 === 0x0a && b1 === 0x0d && b2 === 0x0d && b3 === 0x0a) return readPcapng(input, progress);
  const be = (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
  const magic = be >>> 0;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) return readPcap(input, false, magic === 0xa1b23c4d, progress);
  if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) return readPcap(input, true, magic === 0x4d3cb2a1, progress);
  throw notACapture(input);
}

function notACapture(input: Uint8Array): PcapFormatError {
  const head = Array.from(input.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return new PcapFormatError(
    `file header at offset 0: expected a pcapng Section Header Block (0a 0d 0d 0a) or a pcap magic ` +
      `(a1 b2 c3 d4), got ${head || 'an empty file'}; is this a capture file?`,
    { offset: 0, expected: 'pcapng or pcap', actual: head || 'empty' }
  );
}

function need(what: string, at: number, n: number, total: number): void {
  if (at + n > total) throw new PcapTruncatedError(what, at, n, Math.max(0, total - at));
}

function readPcap(input: Uint8Array, le: boolean, nanos: boolean, progress: Progress): PcapFile {
  need('pcap file header', 0, 24, input.length);
  const r = new Reader(input, le);
  const major = r.u16(4);
  if (major !== 2) {
    throw new PcapUnsupportedError(`pcap file header at offset 4: expected version 2.x, got ${major}.${r.u16(6)}`, {
      offset: 4,
      expected: 2,
      actual: major
    });
  }
  const snapLen = r.u32(16);
  progress.goodEnd = 24;
  const linkType = r.u32(20) & 0x0fffffff; // upper bits carry FCS info (draft-ietf-opsawg-pcap §4)
  const packets: PcapPacket[] = [];
  let skipped = 0;
  let index = 0;
  for (let at = 24; at < input.length; index++) {
    need('pcap record header', at, 16, input.length);
    const sec = r.u32(at);
    const frac = r.u32(at + 4);
    const capLen = r.u32(at + 8);
    const maxLen = Math.max(snapLen, 262144);
    if (capLen > maxLen) {
      throw new PcapFormatError(`pcap record at offset ${at}: captured length ${capLen} exceeds the snapshot length ${maxLen}`, {
        offset: at + 8,
        expected: `≤ ${maxLen}`,
        actual: capLen
      });
    }
    need('pcap packet data', at + 16, capLen, input.length);
    const ts = BigInt(sec) * 1_000_000_000n + BigInt(frac) * (nanos ? 1n : 1000n);
    const p = decodeLinkLayer(linkType, input.subarray(at + 16, at + 16 + capLen), index, ts, r.le, undefined);
    if (p) packets.push(p);
    else skipped++;
    at += 16 + capLen;
    progress.goodEnd = at;
  }
  return { format: 'pcap', packets, skipped };
}

function readPcapng(input: Uint8Array, progress: Progress): PcapFile {
  const packets: PcapPacket[] = [];
  let skipped = 0;
  let index = 0;
  let r = new Reader(input, true);
  let interfaces: Interface[] = [];
  let seenSection = false;

  for (let at = 0; at < input.length; ) {
    need('block header', at, 8, input.length);
    let type = r.u32(at);
    if (type === BLOCK_SHB) {
      // The SHB's byte-order magic decides how this section (this block included) is read.
      need('section header block', at, 12, input.length);
      const bom = new DataView(input.buffer, input.byteOffset + at + 8, 4);
      if (bom.getUint32(0, true) === BYTE_ORDER_MAGIC) r = new Reader(input, true);
      else if (bom.getUint32(0, false) === BYTE_ORDER_MAGIC) r = new Reader(input, false);
      else {
        throw new PcapFormatError(
          `section header block at offset ${at + 8}: expected the byte-order magic 1a2b3c4d in either byte order, ` +
            `got ${bom.getUint32(0, false).toString(16).padStart(8, '0')}`,
          { offset: at + 8, expected: '1a2b3c4d', actual: bom.getUint32(0, false).toString(16) }
        );
      }
      type = BLOCK_SHB;
    } else if (!seenSection) {
      throw new PcapFormatError(`block at offset ${at}: expected a Section Header Block first`, { offset: at });
    }
    const length = r.u32(at + 4);
    if (length < 12 || length % 4 !== 0) {
      throw new PcapFormatError(
        `block at offset ${at}: expected a total length that is a multiple of 4 and at least 12, got ${length}`,
        { offset: at + 4, expected: 'a multiple of 4, ≥ 12', actual: length }
      );
    }
    need(`block of type 0x${type.toString(16)}`, at, length, input.length);
    const trailer = r.u32(at + length - 4);
    if (trailer !== length) {
      throw new PcapFormatError(
        `block at offset ${at}: the trailing total length (${trailer}) differs from the leading one (${length})`,
        { offset: at + length - 4, expected: length, actual: trailer }
      );
    }
    const body = at + 8;
    const end = at + length - 4;

    if (type === BLOCK_SHB) {
      if (length < 28) {
        throw new PcapFormatError(`section header block at offset ${at}: expected at least 28 bytes, got ${length}`, {
          offset: at + 4,
          expected: '≥ 28',
          actual: length
        });
      }
      const major = r.u16(body + 4);
      if (major !== 1) {
        throw new PcapUnsupportedError(
          `section header block at offset ${body + 4}: expected pcapng version 1.x, got ${major}.${r.u16(body + 6)}`,
          { offset: body + 4, expected: 1, actual: major }
        );
      }
      readOptions(r, body + 16, end, 'section header block');
      interfaces = [];
      seenSection = true;
    } else if (type === BLOCK_IDB) {
      if (length < 20) {
        throw new PcapFormatError(`interface description block at offset ${at}: expected at least 20 bytes, got ${length}`, {
          offset: at + 4,
          expected: '≥ 20',
          actual: length
        });
      }
      const iface: Interface = { linkType: r.u16(body), tsMul: 1000n, tsDiv: 1n, tsOffsetNs: 0n };
      for (const o of readOptions(r, body + 8, end, 'interface description block')) {
        if (o.code === IF_TSRESOL && o.length >= 1) {
          const v = input[o.at];
          const exp = v & 0x7f;
          if (v & 0x80) {
            // 2^-exp seconds per unit.
            iface.tsMul = 1_000_000_000n;
            iface.tsDiv = 1n << BigInt(exp);
          } else if (exp <= 9) {
            iface.tsMul = 10n ** BigInt(9 - exp);
            iface.tsDiv = 1n;
          } else {
            iface.tsMul = 1n;
            iface.tsDiv = 10n ** BigInt(exp - 9);
          }
        } else if (o.code === IF_TSOFFSET && o.length >= 8) {
          iface.tsOffsetNs = new DataView(input.buffer, input.byteOffset + o.at, 8).getBigInt64(0, r.le) * 1_000_000_000n;
        }
      }
      interfaces.push(iface);
    } else if (type === BLOCK_EPB) {
      if (length < 32) {
        throw new PcapFormatError(`enhanced packet block at offset ${at}: expected at least 32 bytes, got ${length}`, {
          offset: at + 4,
          expected: '≥ 32',
          actual: length
        });
      }
      const ifId = r.u32(body);
      const iface = interfaces[ifId];
      if (!iface) {
        throw new PcapFormatError(
          `enhanced packet block at offset ${at}: interface ${ifId} has no Interface Description Block ` +
            `(${interfaces.length} defined in this section)`,
          { offset: body, expected: `< ${interfaces.length}`, actual: ifId }
        );
      }
      const units = (BigInt(r.u32(body + 4)) << 32n) | BigInt(r.u32(body + 8));
      const capLen = r.u32(body + 12);

      const data = body + 20;
      if (data + pad4(capLen) > end) {
        throw new PcapFormatError(
          `enhanced packet block at offset ${at}: captured length ${capLen} does not fit in the block (${end - data} bytes)`,
          { offset: body + 12, expected: `≤ ${end - data}`, actual: capLen }
        );
      }
      const comments: string[] = [];
      for (const o of readOptions(r, data + pad4(capLen), end, 'enhanced packet block')) {
        if (o.code === OPT_COMMENT) comments.push(decoder.decode(input.subarray(o.at, o.at + o.length)));
      }
      const ts = (units * iface.tsMul) / iface.tsDiv + iface.tsOffsetNs;
      const comment = comments.length ? comments.join('\n') : undefined;
      const p = decodeLinkLayer(iface.linkType, input.subarray(data, data + capLen), index, ts, r.le, comment);
      if (p) packets.push(p);
      else skipped++;
      index++;
    } else if (type === BLOCK_SPB) {
      if (length < 16) {
        throw new PcapFormatError(`simple packet block at offset ${at}: expected at least 16 bytes, got ${length}`, {
          offset: at + 4,
          expected: '≥ 16',
          actual: length
        });
      }
      const iface = interfaces[0];
      if (!iface) {
        throw new PcapFormatError(`simple packet block at offset ${at}: no Interface Description Block precedes it`, {
          offset: at
        });
      }
      const origLen = r.u32(body);
      const capLen = Math.min(origLen, end - (body + 4));
      const p = decodeLinkLayer(iface.linkType, input.subarray(body + 4, body + 4 + capLen), index, 0n, r.le, undefined);
      if (p) packets.push(p);
      else skipped++;
      index++;
    }
    // Other block types (name resolution, statistics, custom …) carry nothing we show.
    at += length;
    // A cut-back file must still start with its SHB and IDB to be readable.
    if (interfaces.length > 0 || packets.length > 0) progress.goodEnd = at;
  }
  return { format: 'pcapng', packets, skipped };
}

interface OptionRef {
  code: number;
  length: number;
  at: number;
}

function readOptions(r: Reader, at: number, end: number, what: string): OptionRef[] {
  const out: OptionRef[] = [];
  while (at + 4 <= end) {
    const code = r.u16(at);
    const length = r.u16(at + 2);
    if (code === OPT_ENDOFOPT) break;
    if (at + 4 + pad4(length) > end) {
      throw new PcapFormatError(
        `${what}: option ${code} at offset ${at} has length ${length}, which runs past the end of the block`,
        { offset: at + 2, expected: `≤ ${end - at - 4}`, actual: length }
      );
    }
    out.push({ code, length, at: at + 4 });
    at += 4 + pad4(length);
  }
  return out;
}

/** Strip the link layer, IPv4 and TCP; undefined for anything that is not IPv4 TCP. */
function decodeLinkLayer(
  linkType: number,
  frame: Uint8Array,
  index: number,
  timestamp: bigint,
  fileLe: boolean,
  comment: string | undefined
): PcapPacket | undefined {
  let ip: number;
  if (linkType === LINKTYPE_ETHERNET) {
    if (frame.length < ETH_HEADER) return undefined;
    let etherType = (frame[12] << 8) | frame[13];
    ip = ETH_HEADER;
    while (etherType === ETHERTYPE_VLAN || etherType === 0x88a8) {
      if (frame.length < ip + 4) return undefined;
      etherType = (frame[ip + 2] << 8) | frame[ip + 3];
      ip += 4;
    }
    if (etherType !== ETHERTYPE_IPV4) return undefined;
  } else if (linkType === LINKTYPE_NULL) {
    // BSD loopback: a 4-byte address family in the writer's byte order; AF_INET = 2.
    if (frame.length < 4) return undefined;
    const family = new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0, fileLe);
    if (family !== 2) return undefined;
    ip = 4;
  } else if (linkType === LINKTYPE_RAW || linkType === 228 /* LINKTYPE_IPV4 */) {
    ip = 0;
  } else if (linkType === LINKTYPE_LINUX_SLL) {
    if (frame.length < 16 || ((frame[14] << 8) | frame[15]) !== ETHERTYPE_IPV4) return undefined;
    ip = 16;
  } else if (linkType === LINKTYPE_LINUX_SLL2) {
    if (frame.length < 20 || ((frame[0] << 8) | frame[1]) !== ETHERTYPE_IPV4) return undefined;
    ip = 20;
  } else {
    return undefined;
  }

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
    index,
    timestamp,
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
  if (comment !== undefined) packet.comment = comment;
  return packet;
}

// ---------------------------------------------------------------------------------------------
// Regrouping into TCP conversations

export interface TcpStreamChunk {
  direction: PcapDirection;
  timestamp: bigint;
  /** Index of the packet that carried these bytes. */
  packetIndex: number;
  /** Offset of `bytes` in the direction's stream. */
  offset: number;
  bytes: Uint8Array;
}

export interface TcpConversationRecord {
  /** 0-based, in order of first packet; matches tshark's tcp.stream for our own captures. */
  index: number;
  /** The side that sent the SYN; without a SYN, the sender of the first packet. */
  client: TcpEndpoint;
  server: TcpEndpoint;
  packets: PcapPacket[];
  /** In-order, de-duplicated payload per direction. */
  c2s: Uint8Array;
  s2c: Uint8Array;
  /** Payload pieces in arrival order (retransmitted bytes dropped), with their stream offsets. */
  chunks: TcpStreamChunk[];
  /** Holes in the sequence space (bytes missing from the capture), per direction. */
  gaps: { c2s: number; s2c: number };
  opened: boolean;
  closed: boolean;
  comments: string[];
}

interface DirectionState {
  base: number | undefined;
  segments: { rel: number; payload: Uint8Array; packet: PcapPacket }[];
}

/** Regroup packets into TCP conversations with ordered per-direction payload streams. */
export function groupTcpConversations(packets: readonly PcapPacket[]): TcpConversationRecord[] {
  const open = new Map<string, { rec: TcpConversationRecord; dirs: Record<PcapDirection, DirectionState> }>();
  const all: { rec: TcpConversationRecord; dirs: Record<PcapDirection, DirectionState> }[] = [];

  for (const p of packets) {
    const a = `${p.src}:${p.srcPort}`;
    const b = `${p.dst}:${p.dstPort}`;
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    const isSyn = (p.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    let entry = open.get(key);
    if (entry && isSyn) {
      // A fresh SYN on a used 4-tuple starts a new conversation, unless it repeats the first SYN.
      const first = entry.rec.packets[0];
      const repeat = entry.rec.packets.length === 1 && first.seq === p.seq && (first.flags & TCP_SYN) !== 0;
      if (!repeat) entry = undefined;
    }
    if (!entry) {
      const rec: TcpConversationRecord = {
        index: all.length,
        client: { ip: p.src, port: p.srcPort },
        server: { ip: p.dst, port: p.dstPort },
        packets: [],
        c2s: new Uint8Array(0),
        s2c: new Uint8Array(0),
        chunks: [],
        gaps: { c2s: 0, s2c: 0 },
        opened: false,
        closed: false,
        comments: []
      };
      entry = { rec, dirs: { c2s: { base: undefined, segments: [] }, s2c: { base: undefined, segments: [] } } };
      open.set(key, entry);
      all.push(entry);
    }
    const { rec, dirs } = entry;
    rec.packets.push(p);
    if (p.comment !== undefined && !rec.comments.includes(p.comment)) rec.comments.push(p.comment);
    const direction: PcapDirection = p.src === rec.client.ip && p.srcPort === rec.client.port ? 'c2s' : 's2c';
    const d = dirs[direction];
    if (p.flags & TCP_SYN) {
      if (direction === 'c2s') rec.opened = true;
      if (d.base === undefined) d.base = (p.seq + 1) >>> 0;
    }
    if (p.flags & (TCP_FIN | TCP_RST)) rec.closed = true;
    if (p.payload.length > 0) {
      if (d.base === undefined) d.base = p.seq;
      d.segments.push({ rel: (p.seq - d.base) >>> 0, payload: p.payload, packet: p });
    }
  }

  for (const { rec, dirs } of all) {
    for (const direction of ['c2s', 's2c'] as const) {
      const d = dirs[direction];
      // Stable sort by position in the sequence space; arrival order breaks ties.
      const ordered = d.segments.map((s, i) => ({ ...s, i })).sort((x, y) => x.rel - y.rel || x.i - y.i);
      const parts: Uint8Array[] = [];
      let cursor = 0;
      let total = 0;
      const pieces: TcpStreamChunk[] = [];
      for (const s of ordered) {
        const end = s.rel + s.payload.length;
        if (end <= cursor) continue; // retransmission
        if (s.rel > cursor) {
          rec.gaps[direction] += s.rel - cursor;
          cursor = s.rel;
        }
        const bytes = s.payload.subarray(cursor - s.rel);
        pieces.push({ direction, timestamp: s.packet.timestamp, packetIndex: s.packet.index, offset: total, bytes });
        parts.push(bytes);
        total += bytes.length;
        cursor = end;
      }
      const joined = new Uint8Array(total);
      let at = 0;
      for (const part of parts) {
        joined.set(part, at);
        at += part.length;
      }
      rec[direction] = joined;
      rec.chunks.push(...pieces);
    }
    rec.chunks.sort((x, y) => x.packetIndex - y.packetIndex);
  }
  return all.map((e) => e.rec);
}
