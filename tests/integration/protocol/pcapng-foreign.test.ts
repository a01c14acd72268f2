// Our reader on captures another tool wrote: text2pcap turns a hex dump of payloads we chose into
// pcapng and pcap, synthesizing Ethernet/IPv4/IPv6/TCP around them (-T, -4, -6, -l); editcap
// converts between pcapng and pcap (-F), cuts packets to a snap length (-s) and shifts time (-t);
// mergecap concatenates files (-a). The expected payloads and timestamps come from our own input,
// the addresses and ports from our options and from `tshark -T fields`; never from the reader.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupTcpConversations, readCapture, type PcapFile } from '../../../src/lib/protocol/pcapng/index.ts';
import { bytes, concat } from '../../helpers/pcapng-scenario.ts';
import { follow } from '../../helpers/tshark.ts';

const TSHARK = process.env.TSHARK ?? '/usr/bin/tshark';
const toolPath = (name: string) => join(dirname(TSHARK), name);
const TOOLS = ['tshark', 'text2pcap', 'editcap', 'mergecap'];
const missing = TOOLS.filter((name) => spawnSync(toolPath(name), ['-v'], { stdio: 'ignore' }).status !== 0);

// text2pcap reads the -t times as local time: UTC makes them the instants written below.
const run = (name: string, args: string[]): string =>
  execFileSync(toolPath(name), args, {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe']
  });

interface Sent {
  /** text2pcap -D: I(nbound) or O(utbound); the two directions of one TCP conversation. */
  dir: 'I' | 'O';
  /** %Y-%m-%d %H:%M:%S.%f, UTC */
  time: string;
  payload: Uint8Array;
}

const text = (s: string) => new TextEncoder().encode(s);

// A 5-byte payload makes a 59-byte frame that Ethernet pads to 60; 1000 and 1460 bytes are cut by
// the snap length below; the times carry nanoseconds (lost to µs in classic pcap) and a second boundary.
const SENT: Sent[] = [
  { dir: 'O', time: '2025-11-24 15:30:00.123456789', payload: text('hello') },
  { dir: 'I', time: '2025-11-24 15:30:00.999999999', payload: bytes(1000, 11) },
  { dir: 'O', time: '2025-11-24 15:30:01.000000001', payload: Uint8Array.of(0xff) },
  { dir: 'I', time: '2025-11-24 15:30:59.5', payload: bytes(1460, 12) },
  { dir: 'O', time: '2025-11-24 23:59:59.000001', payload: text('q1YmMFsHqkOZ5L7cc3PzLw==\n') }
];
const CLIENT = { ip: '10.1.2.3', port: 40001 };
const SERVER = { ip: '10.9.8.7', port: 5000 };
/** text2pcap's headers: Ethernet II 14 + IPv4 20 + TCP 20 (no options). */
const ETH_IPV4_TCP = 14 + 20 + 20;

/** Nanoseconds since the epoch of a SENT time. */
function ns(time: string): bigint {
  const [date, clock] = time.split(' ');
  const [whole, fraction = ''] = clock.split('.');
  return BigInt(Date.parse(`${date}T${whole}Z`)) * 1_000_000n + BigInt(fraction.padEnd(9, '0'));
}
/** Classic pcap with the µs magic keeps whole microseconds. */
const µs = (t: bigint) => t - (t % 1000n);

/** text2pcap's input: each packet its direction and time on one line, then offset + 16 hex bytes per line. */
function hexDump(sent: Sent[]): string {
  const lines: string[] = [];
  for (const { dir, time, payload } of sent) {
    lines.push(`${dir} ${time}`);
    for (let at = 0; at < payload.length; at += 16) {
      const hex = Array.from(payload.subarray(at, at + 16), (b) => b.toString(16).padStart(2, '0'));
      lines.push(`${at.toString(16).padStart(6, '0')} ${hex.join(' ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

interface TsharkPacket {
  timestamp: bigint;
  capLen: number;
  len: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  ipv6: boolean;
}

/** What tshark reads in `file`, one entry per packet. */
function tsharkPackets(file: string): TsharkPacket[] {
  const fields = [
    'frame.time_epoch',
    'frame.cap_len',
    'frame.len',
    'ip.src',
    'ip.dst',
    'tcp.srcport',
    'tcp.dstport',
    'ipv6.src'
  ];
  const out = run('tshark', ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])]);
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const [epoch, capLen, len, src, dst, srcPort, dstPort, ipv6Src] = line.split('\t');
      const [sec, fraction = ''] = epoch.split('.');
      return {
        timestamp: BigInt(sec) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0')),
        capLen: Number(capLen),
        len: Number(len),
        src,
        dst,
        srcPort: Number(srcPort),
        dstPort: Number(dstPort),
        ipv6: ipv6Src !== ''
      };
    });
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

const reason = missing.length
  ? ` (skipped: ${missing.join(', ')} not found next to ${TSHARK}; they ship with tshark)`
  : '';
if (missing.length) console.warn(`pcapng-foreign.test.ts${reason}`);

describe.skipIf(missing.length > 0)(
  `our reader on captures that text2pcap, editcap and mergecap wrote${reason}`,
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-pcapng-foreign-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const path = (name: string) => join(dir, name);
    const read = (name: string): PcapFile => readCapture(new Uint8Array(readFileSync(path(name))));
    const text2pcap = (out: string, options: string[], sent = SENT) => {
      writeFileSync(path(`${out}.txt`), hexDump(sent));
      run('text2pcap', ['-q', '-D', '-t', '%Y-%m-%d %H:%M:%S.%f', ...options, path(`${out}.txt`), path(out)]);
    };
    const tcp4 = ['-4', `${CLIENT.ip},${SERVER.ip}`, '-T', `${CLIENT.port},${SERVER.port}`];

    beforeAll(() => {
      text2pcap('eth.pcapng', ['-F', 'pcapng', ...tcp4]);
      text2pcap('eth.pcap', ['-F', 'pcap', ...tcp4]);
      text2pcap('raw.pcapng', ['-F', 'pcapng', '-l', '101', ...tcp4]); // LINKTYPE_RAW
      text2pcap('ipv4.pcap', ['-F', 'pcap', '-l', '228', ...tcp4]); // LINKTYPE_IPV4
      text2pcap('ipv6.pcapng', [
        '-F',
        'pcapng',
        '-6',
        '2001:db8::1,2001:db8::2',
        '-T',
        `${CLIENT.port},${SERVER.port}`
      ]);
      run('editcap', ['-F', 'pcap', path('eth.pcapng'), path('to-pcap.pcap')]);
      run('editcap', ['-F', 'nsecpcap', path('eth.pcapng'), path('to-nsecpcap.pcap')]);
      run('editcap', ['-F', 'pcapng', path('eth.pcap'), path('from-pcap.pcapng')]);
      run('editcap', ['-s', '60', path('eth.pcapng'), path('snap60.pcapng')]);
      run('editcap', ['-t', '2.25', path('eth.pcapng'), path('later.pcapng')]);
      run('editcap', ['-F', 'pcap', '-t', '-0.5', path('eth.pcapng'), path('earlier.pcap')]);
      run('mergecap', ['-a', '-F', 'pcapng', '-w', path('mixed.pcapng'), path('eth.pcapng'), path('ipv6.pcapng')]);
    });

    // tshark takes a second or more to start on a busy machine: it reads the files text2pcap made
    // and the ones whose packets editcap changed; a conversion keeps its source's endpoints.
    const sharkCache = new Map<string, TsharkPacket[]>();
    const shark = (name: string) => sharkCache.get(name) ?? sharkCache.set(name, tsharkPackets(path(name))).get(name)!;

    /** Every packet: our payload, our time, and the endpoints tshark reads in `source`. */
    function expectSent(name: string, format: PcapFile['format'], time: (t: bigint) => bigint, source = name) {
      const capture = read(name);
      const theirs = shark(source);
      expect(capture.format).toBe(format);
      expect(capture.skipped).toBe(0);
      expect(capture.packets).toHaveLength(SENT.length);
      expect(theirs).toHaveLength(SENT.length);
      for (const [i, p] of capture.packets.entries()) {
        expect(p.index).toBe(i);
        expect(hex(p.payload)).toBe(hex(SENT[i].payload));
        expect(p.truncated).toBe(false);
        expect(p.timestamp).toBe(time(ns(SENT[i].time)));
        if (source === name) expect(p.timestamp).toBe(theirs[i].timestamp);
        expect({ src: p.src, srcPort: p.srcPort, dst: p.dst, dstPort: p.dstPort }).toEqual({
          src: theirs[i].src,
          srcPort: theirs[i].srcPort,
          dst: theirs[i].dst,
          dstPort: theirs[i].dstPort
        });
      }
      // The two endpoints are the ones we gave -4/-T, and each direction keeps its sender.
      const sender = (i: number) => `${capture.packets[i].src}:${capture.packets[i].srcPort}`;
      expect(new Set(capture.packets.map((_, i) => sender(i)))).toEqual(
        new Set([`${CLIENT.ip}:${CLIENT.port}`, `${SERVER.ip}:${SERVER.port}`])
      );
      for (const [i, s] of SENT.entries()) expect(sender(i)).toBe(sender(SENT.findIndex((t) => t.dir === s.dir)));
      return capture;
    }

    it('text2pcap pcapng over Ethernet: payloads (padding trimmed), ns timestamps, addresses and ports', () => {
      expectSent('eth.pcapng', 'pcapng', (t) => t);
    });

    it('text2pcap classic pcap: the same packets, timestamps in whole µs', () => {
      expectSent('eth.pcap', 'pcap', µs);
    });

    it('text2pcap raw IPv4 link types, pcapng (LINKTYPE_RAW) and pcap (LINKTYPE_IPV4)', () => {
      expectSent('raw.pcapng', 'pcapng', (t) => t, 'eth.pcapng');
      expectSent('ipv4.pcap', 'pcap', µs, 'eth.pcapng');
    });

    it('editcap pcapng → pcap (µs), pcapng → nanosecond pcap, pcap → pcapng', () => {
      expectSent('to-pcap.pcap', 'pcap', µs, 'eth.pcapng');
      expectSent('to-nsecpcap.pcap', 'pcap', (t) => t, 'eth.pcapng');
      expectSent('from-pcap.pcapng', 'pcapng', µs, 'eth.pcapng');
    });

    it('editcap -t shifts every timestamp: +2.25 s in pcapng, -0.5 s in pcap', () => {
      expectSent('later.pcapng', 'pcapng', (t) => t + 2_250_000_000n, 'eth.pcapng');
      expectSent('earlier.pcap', 'pcap', (t) => µs(t) - 500_000_000n, 'eth.pcapng');
    });

    it('editcap -s 60 cuts packets to 60 bytes: the payload is the captured prefix, marked truncated', () => {
      const capture = read('snap60.pcapng');
      const theirs = shark('snap60.pcapng');
      expect(capture.packets).toHaveLength(SENT.length);
      for (const [i, p] of capture.packets.entries()) {
        const kept = Math.min(SENT[i].payload.length, 60 - ETH_IPV4_TCP);
        expect(hex(p.payload)).toBe(hex(SENT[i].payload.subarray(0, kept)));
        expect(p.truncated).toBe(theirs[i].capLen < theirs[i].len);
        expect(p.truncated).toBe(SENT[i].payload.length > kept);
        expect(p.timestamp).toBe(ns(SENT[i].time));
      }
    });

    it('regroups the conversation into each direction’s bytes, as tshark follows it', () => {
      const [conversation, ...others] = groupTcpConversations(read('eth.pcapng').packets);
      expect(others).toEqual([]);
      const first = SENT[0].dir;
      const c2s = concat(SENT.filter((s) => s.dir === first).map((s) => s.payload));
      const s2c = concat(SENT.filter((s) => s.dir !== first).map((s) => s.payload));
      expect(hex(conversation.c2s)).toBe(hex(c2s));
      expect(hex(conversation.s2c)).toBe(hex(s2c));
      expect(conversation.gaps).toEqual({ c2s: 0, s2c: 0 });
      // text2pcap numbered the bytes consistently: tshark's "Follow TCP stream" gives the same.
      const followed = follow(path('eth.pcapng'), [0]).get(0)!;
      expect(hex(followed.fromNode0)).toBe(hex(c2s));
      expect(hex(followed.fromNode1)).toBe(hex(s2c));
    });

    it('skips IPv6 packets, counts them, and numbers every packet in file order (mergecap -a)', () => {
      const v6 = read('ipv6.pcapng');
      expect(v6.packets).toEqual([]);
      expect(v6.skipped).toBe(SENT.length);

      // eth.pcapng's packets, then ipv6.pcapng's: tshark says which are IPv6.
      const mixed = read('mixed.pcapng');
      const theirs = shark('mixed.pcapng');
      expect(theirs.map((p) => p.ipv6)).toEqual([...SENT.map(() => false), ...SENT.map(() => true)]);
      const ipv4 = theirs.flatMap((p, i) => (p.ipv6 ? [] : [i]));
      expect(mixed.skipped).toBe(SENT.length);
      expect(mixed.packets.map((p) => p.index)).toEqual(ipv4);
      expect(mixed.packets.map((p) => hex(p.payload))).toEqual(SENT.map((s) => hex(s.payload)));
      expect(mixed.packets.map((p) => p.timestamp)).toEqual(SENT.map((s) => ns(s.time)));
    });
  }
);
