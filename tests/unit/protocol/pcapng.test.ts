// The pcapng encoder, reader and regrouping against hand-derived layouts and each other; tshark's
// view of the same files is in tests/integration/protocol/pcapng-tshark.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PcapError,
  TCP_ACK,
  TCP_FIN,
  TCP_MAX_SEGMENT,
  TCP_PSH,
  TCP_SYN,
  TcpCaptureEncoder,
  encodeEnhancedPacket,
  encodeInterfaceDescription,
  encodeSectionHeader,
  encodeTcpFrame,
  groupTcpConversations,
  parseEndpoint,
  readCapture,
  timestampToNs,
  type PcapDirection
} from '../../../src/lib/protocol/pcapng/index.ts';
import { SERVER, T0, bytes, concat, fixedScenario, scenario } from '../../helpers/pcapng-scenario.ts';

describe('pcapng blocks (draft-ietf-opsawg-pcapng §4)', () => {
  it('writes a little-endian Section Header Block, version 1.0, section length -1', () => {
    const shb = encodeSectionHeader();
    expect(Array.from(shb)).toEqual([
      0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
      0xff, 28, 0, 0, 0
    ]);
  });

  it('writes an Ethernet Interface Description Block with if_tsresol = 9 (nanoseconds)', () => {
    const idb = encodeInterfaceDescription();
    const v = new DataView(idb.buffer);
    expect(v.getUint32(0, true)).toBe(1);
    expect(v.getUint32(4, true)).toBe(idb.length);
    expect(v.getUint16(8, true)).toBe(1); // LINKTYPE_ETHERNET
    expect(v.getUint32(12, true)).toBe(262144);
    // options: if_tsresol (9), length 1, value 9, 3 pad bytes; opt_endofopt
    expect(Array.from(idb.subarray(16, 28))).toEqual([9, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0]);
    expect(v.getUint32(idb.length - 4, true)).toBe(idb.length);
  });

  it('writes an Enhanced Packet Block: 64-bit ns timestamp, padded data, opt_comment', () => {
    const epb = encodeEnhancedPacket(Uint8Array.of(1, 2, 3, 4, 5), 0x1_0000_0002n, { comment: 'conn=7' });
    const v = new DataView(epb.buffer);
    expect(v.getUint32(0, true)).toBe(6);
    expect(epb.length % 4).toBe(0);
    expect(v.getUint32(4, true)).toBe(epb.length);
    expect(v.getUint32(12, true)).toBe(1); // timestamp high
    expect(v.getUint32(16, true)).toBe(2); // timestamp low
    expect(v.getUint32(20, true)).toBe(5);
    expect(v.getUint32(24, true)).toBe(5);
    expect(Array.from(epb.subarray(28, 36))).toEqual([1, 2, 3, 4, 5, 0, 0, 0]);
    expect(v.getUint16(36, true)).toBe(1);
    expect(v.getUint16(38, true)).toBe(6);
    expect(new TextDecoder().decode(epb.subarray(40, 46))).toBe('conn=7');
    expect(v.getUint32(48, true)).toBe(0); // opt_endofopt
    expect(v.getUint32(epb.length - 4, true)).toBe(epb.length);
  });

  it('takes µs as a number and ns as a bigint', () => {
    expect(timestampToNs(1_500_000)).toBe(1_500_000_000n);
    expect(timestampToNs(42n)).toBe(42n);
    expect(() => timestampToNs(-1)).toThrow(PcapError);
    expect(() => timestampToNs(Number.NaN)).toThrow(PcapError);
  });
});

describe('Ethernet II + IPv4 + TCP frames', () => {
  const frame = encodeTcpFrame({
    src: '127.0.0.1',
    dst: '10.1.2.3',
    srcPort: 40001,
    dstPort: 5000,
    seq: 0xfffffff0,
    ack: 1234,
    flags: TCP_PSH | TCP_ACK,
    ipId: 99,
    payload: bytes(33, 3)
  });

  /** RFC 1071 §1: summing a correct header, checksum included, gives 0xffff. */
  function onesSum(b: Uint8Array): number {
    let s = 0;
    for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (b[i + 1] ?? 0);
    while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
    return s;
  }

  it('lays out Ethernet, IPv4 and TCP and verifies both checksums', () => {
    expect(frame.length).toBe(14 + 20 + 20 + 33);
    expect(Array.from(frame.subarray(0, 14))).toEqual([2, 0, 10, 1, 2, 3, 2, 0, 127, 0, 0, 1, 0x08, 0x00]);
    const ip = frame.subarray(14, 34);
    expect(ip[0]).toBe(0x45);
    expect((ip[2] << 8) | ip[3]).toBe(73);
    expect(ip[9]).toBe(6);
    expect(onesSum(ip)).toBe(0xffff);
    const tcp = frame.subarray(34);
    const pseudo = concat([ip.subarray(12, 20), Uint8Array.of(0, 6, 0, tcp.length)]);
    expect(onesSum(concat([pseudo, tcp]))).toBe(0xffff);
  });

  it('refuses a payload the IPv4 total length cannot hold, and bad addresses', () => {
    const seg = { src: '127.0.0.1', dst: '127.0.0.1', srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: TCP_ACK };
    expect(encodeTcpFrame({ ...seg, payload: new Uint8Array(TCP_MAX_SEGMENT) }).length).toBe(14 + 65535);
    expect(() => encodeTcpFrame({ ...seg, payload: new Uint8Array(TCP_MAX_SEGMENT + 1) })).toThrow(
      expect.objectContaining({ code: 'ERR_PCAP_ARGUMENT' })
    );
    expect(() => encodeTcpFrame({ ...seg, src: '::1' })).toThrow(
      expect.objectContaining({ code: 'ERR_PCAP_ARGUMENT' })
    );
    expect(() => encodeTcpFrame({ ...seg, srcPort: 70000 })).toThrow(
      expect.objectContaining({ code: 'ERR_PCAP_ARGUMENT' })
    );
    expect(parseEndpoint('[::ffff:127.0.0.1]:5000')).toEqual({ ip: '127.0.0.1', port: 5000 });
  });
});

describe('TCP conversation synthesizer', () => {
  it('opens with SYN, SYN/ACK, ACK and numbers every byte', () => {
    const enc = new TcpCaptureEncoder();
    const client = { ip: '127.0.0.1', port: 40001 };
    const blocks = [
      enc.header(),
      ...enc.open('a', client, SERVER, T0, { clientIsn: 100, serverIsn: 500 }),
      ...enc.data('a', 'c2s', bytes(10, 1), T0 + 1),
      ...enc.data('a', 's2c', bytes(TCP_MAX_SEGMENT + 1, 2), T0 + 2),
      ...enc.data('a', 'c2s', new Uint8Array(0), T0 + 3),
      ...enc.close('a', T0 + 4)
    ];
    const { packets } = readCapture(concat(blocks));
    const summary = packets.map((p) => [p.srcPort, p.flags, p.seq, p.ack, p.payload.length]);
    expect(summary).toEqual([
      [40001, TCP_SYN, 100, 0, 0],
      [5000, TCP_SYN | TCP_ACK, 500, 101, 0],
      [40001, TCP_ACK, 101, 501, 0],
      [40001, TCP_PSH | TCP_ACK, 101, 501, 10],
      [5000, TCP_ACK, 501, 111, 0],
      [5000, TCP_ACK, 501, 111, TCP_MAX_SEGMENT],
      [40001, TCP_ACK, 111, 501 + TCP_MAX_SEGMENT, 0],
      [5000, TCP_PSH | TCP_ACK, 501 + TCP_MAX_SEGMENT, 111, 1],
      [40001, TCP_ACK, 111, 502 + TCP_MAX_SEGMENT, 0],
      [40001, TCP_FIN | TCP_ACK, 111, 502 + TCP_MAX_SEGMENT, 0],
      [5000, TCP_FIN | TCP_ACK, 502 + TCP_MAX_SEGMENT, 112, 0],
      [40001, TCP_ACK, 112, 503 + TCP_MAX_SEGMENT, 0]
    ]);
    expect(packets.every((p) => p.comment === 'conn=a')).toBe(true);
    expect(packets[3].timestamp).toBe(BigInt(T0 + 1) * 1000n);
  });

  it('wraps sequence numbers past 2^32', () => {
    const enc = new TcpCaptureEncoder();
    const blocks = [
      enc.header(),
      ...enc.open(1, { ip: '127.0.0.1', port: 40001 }, SERVER, T0, { clientIsn: 0xfffffff0 }),
      ...enc.data(1, 'c2s', bytes(100, 9), T0)
    ];
    const [conv] = groupTcpConversations(readCapture(concat(blocks)).packets);
    expect(conv.packets[3].seq).toBe(0xfffffff1);
    expect(Buffer.from(conv.c2s)).toEqual(Buffer.from(bytes(100, 9)));
  });

  it('adds the note to the comment and refuses calls on unknown or closed connections', () => {
    const enc = new TcpCaptureEncoder();
    enc.header();
    enc.open(1, { ip: '127.0.0.1', port: 40001 }, SERVER, T0);
    const [epb] = enc.data(1, 'c2s', bytes(3, 1), T0, { note: 'ERR_FRAME_TOO_LARGE' });
    const file = concat([enc.header(), epb]);
    expect(readCapture(file).packets[0].comment).toBe('conn=1 ERR_FRAME_TOO_LARGE');
    expect(() => enc.open(1, { ip: '127.0.0.1', port: 40001 }, SERVER, T0)).toThrow(/already open/);
    expect(() => enc.data(2, 'c2s', bytes(1, 1), T0)).toThrow(expect.objectContaining({ code: 'ERR_PCAP_ARGUMENT' }));
    enc.reset(1, T0);
    expect(enc.has(1)).toBe(false);
    expect(() => enc.close(1, T0)).toThrow(expect.objectContaining({ code: 'ERR_PCAP_ARGUMENT' }));
    // A closed id may be opened again (a new connection).
    expect(enc.open(1, { ip: '127.0.0.1', port: 40002 }, SERVER, T0)).toHaveLength(3);
  });
});

describe('our reader reads back what we wrote', () => {
  it('returns every connection with its exact bytes per direction', () => {
    const { conns, file, expected } = fixedScenario();
    const capture = readCapture(file);
    expect(capture.format).toBe('pcapng');
    expect(capture.skipped).toBe(0);
    const convs = groupTcpConversations(capture.packets);
    expect(convs.map((c) => c.client.port)).toEqual(conns.map((c) => 40000 + c));
    for (const [i, conn] of conns.entries()) {
      const e = expected.get(conn)!;
      const c = convs[i];
      expect(c.server).toEqual(SERVER);
      expect(c.opened && c.closed).toBe(true);
      expect(Buffer.from(c.c2s).equals(Buffer.from(concat(e.c2s)))).toBe(true);
      expect(Buffer.from(c.s2c).equals(Buffer.from(concat(e.s2c)))).toBe(true);
      expect(c.gaps).toEqual({ c2s: 0, s2c: 0 });
      expect(c.comments).toEqual([`conn=${conn}`]);
    }
  });

  it('holds for any interleaving of chunks (property)', () => {
    const chunk = fc.record({
      conn: fc.integer({ min: 0, max: 3 }),
      direction: fc.constantFrom<PcapDirection>('c2s', 's2c'),
      data: fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.integer({ min: 0, max: 140_000 }).map((n) => bytes(n, n + 1))
      )
    });
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 12 }), (chunks) => {
        const conns = [0, 1, 2, 3];
        const { file, expected } = scenario(chunks, conns);
        const convs = groupTcpConversations(readCapture(file).packets);
        expect(convs).toHaveLength(4);
        for (const c of convs) {
          const e = expected.get(c.client.port - 40000)!;
          expect(Buffer.from(c.c2s).equals(Buffer.from(concat(e.c2s)))).toBe(true);
          expect(Buffer.from(c.s2c).equals(Buffer.from(concat(e.s2c)))).toBe(true);
          expect(c.packets.filter((p) => p.payload.length > 0)).toHaveLength(e.segments);
        }
      }),
      { numRuns: 40 }
    );
  });

  it('puts a retransmitted or reordered segment back in order', () => {
    const enc = new TcpCaptureEncoder();
    const client = { ip: '127.0.0.1', port: 40001 };
    const open = enc.open(1, client, SERVER, T0);
    const first = enc.data(1, 'c2s', bytes(5, 1), T0);
    const second = enc.data(1, 'c2s', bytes(7, 2), T0);
    const file = concat([enc.header(), ...open, second[0], first[0], first[0], second[0]]);
    const [conv] = groupTcpConversations(readCapture(file).packets);
    expect(Buffer.from(conv.c2s)).toEqual(Buffer.from(concat([bytes(5, 1), bytes(7, 2)])));
    expect(conv.chunks.map((c) => c.bytes.length)).toEqual([7, 5]);
  });
});

// ---------------------------------------------------------------------------------------------
// Files we did not write: big-endian pcapng, classic pcap, other link types.

function beBlock(type: number, body: number[]): Uint8Array {
  const len = 12 + body.length;
  const out = new Uint8Array(len);
  const v = new DataView(out.buffer);
  v.setUint32(0, type);
  v.setUint32(4, len);
  out.set(body, 8);
  v.setUint32(len - 4, len);
  return out;
}

function u32be(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function u32le(n: number): number[] {
  return u32be(n).reverse();
}

const sampleFrame = encodeTcpFrame({
  src: '192.168.1.2',
  dst: '192.168.1.9',
  srcPort: 51000,
  dstPort: 443,
  seq: 1,
  ack: 1,
  flags: TCP_ACK,
  payload: bytes(21, 5)
});

describe('reading other writers', () => {
  it('reads a big-endian section with the default microsecond resolution', () => {
    const shb = beBlock(0x0a0d0d0a, [...u32be(0x1a2b3c4d), 0, 1, 0, 0, ...Array(8).fill(0xff)]);
    const idb = beBlock(1, [0, 1, 0, 0, ...u32be(65535)]);
    const data = [...sampleFrame, ...Array((4 - (sampleFrame.length % 4)) % 4).fill(0)];
    const epb = beBlock(6, [
      ...u32be(0),
      ...u32be(0),
      ...u32be(3_000_000),
      ...u32be(sampleFrame.length),
      ...u32be(sampleFrame.length),
      ...data
    ]);
    const { packets } = readCapture(concat([shb, idb, epb]));
    expect(packets).toHaveLength(1);
    expect(packets[0]).toMatchObject({
      src: '192.168.1.2',
      dst: '192.168.1.9',
      srcPort: 51000,
      dstPort: 443,
      timestamp: 3_000_000_000n
    });
    expect(Buffer.from(packets[0].payload)).toEqual(Buffer.from(bytes(21, 5)));
  });

  it.each([
    ['little-endian µs', [0xd4, 0xc3, 0xb2, 0xa1], u32le, 7_000n],
    ['big-endian µs', [0xa1, 0xb2, 0xc3, 0xd4], u32be, 7_000n],
    ['little-endian ns', [0x4d, 0x3c, 0xb2, 0xa1], u32le, 7n],
    ['big-endian ns', [0xa1, 0xb2, 0x3c, 0x4d], u32be, 7n]
  ] as const)('reads classic pcap, %s', (_name, magic, u32, frac) => {
    const u16 = (n: number) => u32(n).slice(u32 === u32le ? 0 : 2, u32 === u32le ? 2 : 4);
    const header = [...magic, ...u16(2), ...u16(4), ...u32(0), ...u32(0), ...u32(65535), ...u32(1)];
    const record = [...u32(2), ...u32(7), ...u32(sampleFrame.length), ...u32(sampleFrame.length), ...sampleFrame];
    const capture = readCapture(Uint8Array.from([...header, ...record, ...record]));
    expect(capture.format).toBe('pcap');
    expect(capture.packets).toHaveLength(2);
    expect(capture.packets[1].index).toBe(1);
    expect(capture.packets[0].timestamp).toBe(2_000_000_000n + frac);
    expect(capture.packets[0].payload.length).toBe(21);
  });

  it('reads raw-IPv4 and Linux SLL link types, trims Ethernet padding and skips non-TCP', () => {
    const ipOnly = sampleFrame.subarray(14);
    const sll = concat([Uint8Array.of(0, 0, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0, 0x08, 0x00), ipOnly]);
    const tiny = encodeTcpFrame({
      src: '1.2.3.4',
      dst: '5.6.7.8',
      srcPort: 1,
      dstPort: 2,
      seq: 0,
      ack: 0,
      flags: TCP_ACK
    });
    const padded = concat([tiny, new Uint8Array(6)]); // 54 → 60 bytes on the wire
    const udp = Uint8Array.from(sampleFrame);
    udp[14 + 9] = 17;
    const file = (link: number, frames: Uint8Array[]) => {
      const pcap = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, ...u32le(0), ...u32le(0), ...u32le(65535), ...u32le(link)];
      return Uint8Array.from([
        ...pcap,
        ...frames.flatMap((f) => [...u32le(0), ...u32le(0), ...u32le(f.length), ...u32le(f.length), ...f])
      ]);
    };
    expect(readCapture(file(101, [ipOnly])).packets[0].payload.length).toBe(21);
    expect(readCapture(file(113, [sll])).packets[0].srcPort).toBe(51000);
    const eth = readCapture(file(1, [padded, udp, Uint8Array.of(1, 2, 3)]));
    expect(eth.packets).toHaveLength(1);
    expect(eth.packets[0].payload.length).toBe(0);
    expect(eth.skipped).toBe(2);
    expect(readCapture(file(147, [sampleFrame])).skipped).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Malformed input: only ever a PcapError with a stable code.

const CODES = ['ERR_PCAP_FORMAT', 'ERR_PCAP_TRUNCATED', 'ERR_PCAP_UNSUPPORTED'];

function readError(input: Uint8Array): PcapError {
  try {
    readCapture(input);
  } catch (e) {
    if (e instanceof PcapError) return e;
    throw e;
  }
  throw new Error('expected a PcapError');
}

describe('malformed captures', () => {
  const { file } = scenario([{ conn: 1, direction: 'c2s', data: bytes(40, 1) }], [1]);
  const shbLen = new DataView(file.buffer).getUint32(4, true);

  it.each([
    ['an empty file', new Uint8Array(0), 'ERR_PCAP_FORMAT', 0, /empty file/],
    ['text', new TextEncoder().encode('hello world'), 'ERR_PCAP_FORMAT', 0, /is this a capture file/],
    ['2 bytes of a pcapng magic', Uint8Array.of(0x0a, 0x0d), 'ERR_PCAP_TRUNCATED', 0, /cut short/]
  ])('%s', (_n, input, code, offset, message) => {
    const e = readError(input);
    expect(e).toMatchObject({ code, offset });
    expect(e.message).toMatch(message);
  });

  it('names a bad byte-order magic and its offset', () => {
    const bad = Uint8Array.from(file);
    bad[8] = 0;
    expect(readError(bad)).toMatchObject({ code: 'ERR_PCAP_FORMAT', offset: 8 });
  });

  it('names a block length that is not a multiple of 4', () => {
    const bad = Uint8Array.from(file);
    bad[shbLen + 4] += 1;
    const e = readError(bad);
    expect(e).toMatchObject({ code: 'ERR_PCAP_FORMAT', offset: shbLen + 4 });
    expect(e.message).toMatch(/multiple of 4/);
  });

  it('names a trailing length that differs from the leading one', () => {
    const bad = Uint8Array.from(file);
    bad[shbLen - 4] += 4;
    expect(readError(bad)).toMatchObject({
      code: 'ERR_PCAP_FORMAT',
      offset: shbLen - 4,
      expected: shbLen,
      actual: shbLen + 4
    });
  });

  it('names an unsupported pcapng major version', () => {
    const bad = Uint8Array.from(file);
    bad[12] = 2;
    expect(readError(bad)).toMatchObject({ code: 'ERR_PCAP_UNSUPPORTED', offset: 12 });
  });

  it('names a packet on an interface that was never described', () => {
    const idbLen = encodeInterfaceDescription({ name: 'cbc-lab tap' }).length;
    const epb = shbLen + idbLen;
    const bad = Uint8Array.from(file);
    bad[epb + 8] = 3;
    const e = readError(bad);
    expect(e).toMatchObject({ code: 'ERR_PCAP_FORMAT', offset: epb + 8 });
    expect(e.message).toMatch(/interface 3/);
  });

  it('names an option that runs past its block', () => {
    const shb = encodeSectionHeader({ userAppl: 'x' });
    const bad = concat([shb]);
    bad[24 + 2] = 200; // option length
    expect(readError(bad)).toMatchObject({ code: 'ERR_PCAP_FORMAT', offset: 26 });
  });

  it('a cut at a block boundary reads the blocks before it; any other cut says truncated', () => {
    const blockEnds = new Set<number>();
    for (let at = 0; at < file.length;) {
      at += new DataView(file.buffer).getUint32(at + 4, true);
      blockEnds.add(at);
    }
    const total = readCapture(file).packets.length;
    for (let cut = 1; cut < file.length; cut++) {
      const part = file.subarray(0, cut);
      if (blockEnds.has(cut)) {
        expect(readCapture(part).packets.length).toBeLessThan(total);
      } else {
        expect(readError(part).code).toBe('ERR_PCAP_TRUNCATED');
      }
    }
  });

  it('with allowTruncated, a file cut anywhere reads up to its last whole block', () => {
    const { file: big } = fixedScenario();
    const whole = readCapture(big).packets;
    const ends: number[] = [];
    for (let at = 0; at < big.length;) {
      at += new DataView(big.buffer).getUint32(at + 4, true);
      ends.push(at);
    }
    fc.assert(
      fc.property(fc.integer({ min: 1, max: big.length }), (cut) => {
        const got = readCapture(big.subarray(0, cut), { allowTruncated: true });
        const complete = ends.filter((e) => e <= cut).length; // SHB, IDB, then one packet per block
        expect(got.packets.length).toBe(Math.max(0, complete - 2));
        expect(got.packets.map((p) => p.seq)).toEqual(whole.slice(0, got.packets.length).map((p) => p.seq));
        if (ends.includes(cut)) expect(got.truncatedAt).toBeUndefined();
        else expect(got.truncatedAt).toBe(complete >= 2 ? ends[complete - 1] : 0);
      }),
      { numRuns: 300 }
    );
  });

  it('random mutations and random bytes give a result or a stable PcapError, nothing else (property)', () => {
    const pcap = Uint8Array.from([
      0xd4,
      0xc3,
      0xb2,
      0xa1,
      2,
      0,
      4,
      0,
      ...u32le(0),
      ...u32le(0),
      ...u32le(65535),
      ...u32le(1),
      ...u32le(0),
      ...u32le(0),
      ...u32le(sampleFrame.length),
      ...u32le(sampleFrame.length),
      ...sampleFrame
    ]);
    const check = (input: Uint8Array) => {
      try {
        const capture = readCapture(input);
        groupTcpConversations(capture.packets);
      } catch (e) {
        expect(e).toBeInstanceOf(PcapError);
        expect(CODES).toContain((e as PcapError).code);
        expect((e as PcapError).message).toMatch(/offset|file/);
      }
    };
    const mutation = (base: Uint8Array) =>
      fc
        .array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8
        })
        .chain((edits) => fc.nat({ max: base.length }).map((cut) => ({ edits, cut })));
    for (const base of [file, pcap]) {
      fc.assert(
        fc.property(mutation(base), ({ edits, cut }) => {
          const bad = Uint8Array.from(base);
          for (const [i, v] of edits) bad[i] = v;
          check(bad.subarray(0, cut));
          check(bad);
        }),
        { numRuns: 2000 }
      );
    }
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => check(b)),
      { numRuns: 500 }
    );
    // Random bytes behind a valid pcapng magic and byte-order magic.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (tail) => check(concat([file.subarray(0, 12), tail]))),
      { numRuns: 500 }
    );
  });
});
