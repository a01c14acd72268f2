// Recorded TCP chunks → a pcapng capture of whole TCP conversations (docs/pcapng.md, "Per
// connection"). Sequence numbers are exact (RFC 9293 §3.4: every payload byte, SYN and FIN takes
// one number), so tshark finds no analysis warning and "Follow TCP stream" gives the bytes back.

import {
  EPB_DATA,
  OPT_COMMENT,
  encodeInterfaceDescription,
  encodeSectionHeader,
  enhancedPacketLength,
  textOption,
  timestampToNs,
  writeEnhancedPacket,
  type PcapTimestamp
} from './blocks';
import { PcapArgumentError } from './errors';
import {
  TCP_ACK,
  TCP_FIN,
  TCP_FRAME_OVERHEAD,
  TCP_MAX_SEGMENT,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  checkPort,
  formatIpv4,
  parseIpv4,
  type PcapDirection,
  type TcpEndpoint
} from './headers';
import { TCP_WINDOW, writeTcpFrame } from './synth';

export type PcapConnId = string | number;

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
  state: 'open' | 'closed';
}

interface PacketSpec {
  from: Side;
  to: Side;
  flags: number;
  /** How far the packet advances its sender's sequence number: payload bytes, plus 1 for SYN or FIN. */
  seqSpace: number;
  payload?: Uint8Array;
  /** false for a SYN: its acknowledgment number is 0 */
  withAck?: boolean;
}

const EMPTY = new Uint8Array(0);

/** FNV-1a: a deterministic stand-in for a random initial sequence number (the core has no randomness). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

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
    return this.#conversations.get(String(connId))?.state === 'open';
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
      client: {
        ip: clientIp,
        ipBytes: parseIpv4(clientIp),
        port: client.port,
        seq: (opts.clientIsn ?? h) >>> 0,
        ipId: h & 0xffff
      },
      server: {
        ip: serverIp,
        ipBytes: parseIpv4(serverIp),
        port: server.port,
        seq: (opts.serverIsn ?? Math.imul(h, 0x9e3779b1)) >>> 0,
        ipId: (h >>> 16) & 0xffff
      },
      state: 'open'
    };
    this.#conversations.set(id, c);
    return this.#packets(timestamp, this.#comment(c, opts.note), [
      { from: c.client, to: c.server, flags: TCP_SYN, seqSpace: 1, withAck: false },
      { from: c.server, to: c.client, flags: TCP_SYN | TCP_ACK, seqSpace: 1 },
      { from: c.client, to: c.server, flags: TCP_ACK, seqSpace: 0 }
    ]);
  }

  data(
    connId: PcapConnId,
    direction: PcapDirection,
    bytes: Uint8Array,
    timestamp: PcapTimestamp,
    opts: { note?: string } = {}
  ): Uint8Array[] {
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
    c.state = 'closed';
    return this.#packets(timestamp, this.#comment(c, opts.note), [
      { from: a, to: b, flags: TCP_FIN | TCP_ACK, seqSpace: 1 },
      { from: b, to: a, flags: TCP_FIN | TCP_ACK, seqSpace: 1 },
      { from: a, to: b, flags: TCP_ACK, seqSpace: 0 }
    ]);
  }

  reset(connId: PcapConnId, timestamp: PcapTimestamp, opts: { by?: PcapDirection; note?: string } = {}): Uint8Array[] {
    const c = this.#live(connId, 'reset');
    const [a, b] = (opts.by ?? 'c2s') === 'c2s' ? [c.client, c.server] : [c.server, c.client];
    c.state = 'closed';
    return this.#packets(timestamp, this.#comment(c, opts.note), [
      { from: a, to: b, flags: TCP_RST | TCP_ACK, seqSpace: 0 }
    ]);
  }

  #live(connId: PcapConnId, what: string): Conversation {
    const c = this.#conversations.get(String(connId));
    if (c?.state !== 'open') {
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
    const timestampNs = timestampToNs(timestamp);
    const options = [textOption(OPT_COMMENT, comment)];
    let total = 0;
    for (const p of specs) total += enhancedPacketLength(TCP_FRAME_OVERHEAD + (p.payload?.length ?? 0), options);
    const buf = new Uint8Array(total);
    const view = new DataView(buf.buffer);
    const out: Uint8Array[] = [];
    let at = 0;
    for (const { from, to, flags, seqSpace, payload = EMPTY, withAck } of specs) {
      const capturedLength = TCP_FRAME_OVERHEAD + payload.length;
      const length = writeEnhancedPacket(view, buf, at, { timestampNs, capturedLength }, options);
      writeTcpFrame(buf, view, at + EPB_DATA, {
        src: from.ipBytes,
        dst: to.ipBytes,
        srcPort: from.port,
        dstPort: to.port,
        seq: from.seq,
        ack: withAck === false ? 0 : to.seq,
        flags,
        ipId: from.ipId,
        window: TCP_WINDOW,
        payload
      });
      from.seq = (from.seq + seqSpace) >>> 0;
      from.ipId = (from.ipId + 1) & 0xffff;
      out.push(buf.subarray(at, at + length));
      at += length;
    }
    return out;
  }
}
