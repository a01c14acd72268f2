// Packets → TCP conversations with each direction's bytes in sequence order (RFC 9293 §3.4: a
// segment's sequence number is the stream offset of its first byte; SYN and FIN take one number
// each), retransmitted bytes dropped and holes counted. What "Follow TCP stream" shows.

import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type PcapDirection, type TcpEndpoint } from './headers';
import type { PcapPacket } from './link';

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

interface Segment {
  /** Sequence number relative to the direction's first data byte, modulo 2^32. */
  rel: number;
  payload: Uint8Array;
  packet: PcapPacket;
}

interface DirectionState {
  /** Sequence number of the direction's first data byte: ISN + 1 after a SYN, else the first segment's. */
  base: number | undefined;
  segments: Segment[];
}

interface Entry {
  rec: TcpConversationRecord;
  dirs: Record<PcapDirection, DirectionState>;
}

function newEntry(index: number, first: PcapPacket): Entry {
  const rec: TcpConversationRecord = {
    index,
    client: { ip: first.src, port: first.srcPort },
    server: { ip: first.dst, port: first.dstPort },
    packets: [],
    c2s: new Uint8Array(0),
    s2c: new Uint8Array(0),
    chunks: [],
    gaps: { c2s: 0, s2c: 0 },
    opened: false,
    closed: false,
    comments: []
  };
  return { rec, dirs: { c2s: { base: undefined, segments: [] }, s2c: { base: undefined, segments: [] } } };
}

/** Regroup packets into TCP conversations with ordered per-direction payload streams. */
export function groupTcpConversations(packets: readonly PcapPacket[]): TcpConversationRecord[] {
  const open = new Map<string, Entry>();
  const all: Entry[] = [];

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
      entry = newEntry(all.length, p);
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
    for (const direction of ['c2s', 's2c'] as const) assemble(rec, direction, dirs[direction].segments);
    rec.chunks.sort((x, y) => x.packetIndex - y.packetIndex);
  }
  return all.map((e) => e.rec);
}

/** One direction's segments in sequence order: bytes already seen dropped, holes counted. */
function assemble(rec: TcpConversationRecord, direction: PcapDirection, segments: Segment[]): void {
  // Stable sort by position in the sequence space; arrival order breaks ties.
  const ordered = segments.map((s, i) => ({ ...s, i })).sort((x, y) => x.rel - y.rel || x.i - y.i);
  const parts: Uint8Array[] = [];
  let cursor = 0;
  let total = 0;
  for (const s of ordered) {
    const end = s.rel + s.payload.length;
    if (end <= cursor) continue; // retransmission
    if (s.rel > cursor) {
      rec.gaps[direction] += s.rel - cursor;
      cursor = s.rel;
    }
    const bytes = s.payload.subarray(cursor - s.rel);
    rec.chunks.push({ direction, timestamp: s.packet.timestamp, packetIndex: s.packet.index, offset: total, bytes });
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
}
