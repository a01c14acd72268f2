import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPcapngWriter } from '../../../server/pcapng-writer.ts';
import {
  TCP_MAX_SEGMENT,
  groupTcpConversations,
  readCapture,
  type PcapDirection
} from '../../../src/lib/protocol/pcapng/index.ts';
import { bytes } from '../../helpers/pcapng-scenario.ts';
import { follow, frameComments, packetCount, payloadPacketsPerStream, problems } from '../../helpers/tshark.ts';

const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-pcapng-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SIZES = [0, 1, 16, 33, 1000, 4096, 65495, 65496, 100 * 1024];

describe('openPcapngWriter', () => {
  const path = join(dir, 'capture.pcapng');
  const conns = [11, 12, 13];
  const sent = new Map<number, Record<PcapDirection, Buffer[]>>();
  const segments = new Map<number, number>();
  const sizesAfterCalls: number[] = [];
  let clock = 1_764_000_000_000_000_000n;
  const w = openPcapngWriter(path, { clock: () => (clock += 1_000_000n) });

  for (const [i, c] of conns.entries()) {
    w.open(c, `127.0.0.1:${41000 + i}`, { ip: '127.0.0.1', port: 5000 });
    sent.set(c, { c2s: [], s2c: [] });
    segments.set(c, 0);
  }
  let seed = 1;
  for (const size of SIZES) {
    for (const [i, c] of conns.entries()) {
      const direction: PcapDirection = (size + i) % 2 ? 'c2s' : 's2c';
      const data = bytes((size + i * 7) % (100 * 1024 + 1), seed++);
      w.data(c, direction, data, undefined, size === 33 ? 'ERR_BAD_FRAME' : undefined);
      sizesAfterCalls.push(statSync(path).size);
      sent.get(c)![direction].push(Buffer.from(data));
      segments.set(c, segments.get(c)! + Math.ceil(data.length / TCP_MAX_SEGMENT));
    }
  }
  w.close(11);
  w.close(12, undefined, 's2c');
  w.reset(13, 1_764_000_100_000_000_000n);
  const lengthBeforeEnd = w.bytesWritten;
  w.end();

  it('writes each call to the file before returning', () => {
    // Every non-empty chunk grew the file by the time data() returned.
    const grew = sizesAfterCalls.filter((s, i) => i === 0 || s > sizesAfterCalls[i - 1]).length;
    expect(grew).toBeGreaterThan(SIZES.length * conns.length - conns.length * 2);
    expect(statSync(path).size).toBe(lengthBeforeEnd);
  });

  it('tshark counts the payload packets of every stream', () => {
    const counts = payloadPacketsPerStream(path);
    expect(conns.map((_, i) => counts.get(i))).toEqual(conns.map((c) => segments.get(c)));
  });

  it('tshark finds no checksum, sequence or analysis warning', () => {
    expect(problems(path)).toEqual([]);
  });

  it('tshark follows each stream to the exact bytes, both directions', () => {
    const streams = follow(path, [0, 1, 2]);
    for (const [i, c] of conns.entries()) {
      const s = streams.get(i)!;
      expect(s.node0).toBe(`127.0.0.1:${41000 + i}`);
      expect(s.fromNode0.equals(Buffer.concat(sent.get(c)!.c2s))).toBe(true);
      expect(s.fromNode1.equals(Buffer.concat(sent.get(c)!.s2c))).toBe(true);
    }
  });

  it('tshark shows the connection id and the note in the packet comment', () => {
    const comments = new Set(frameComments(path));
    expect(comments).toEqual(
      new Set([
        'conn=11',
        'conn=12',
        'conn=13',
        'conn=11 ERR_BAD_FRAME',
        'conn=12 ERR_BAD_FRAME',
        'conn=13 ERR_BAD_FRAME'
      ])
    );
  });

  it('our reader reads back the same conversations and the clock’s timestamps', () => {
    const capture = readCapture(readFileSync(path));
    const convs = groupTcpConversations(capture.packets);
    expect(convs).toHaveLength(3);
    for (const [i, c] of conns.entries()) {
      expect(Buffer.from(convs[i].c2s).equals(Buffer.concat(sent.get(c)!.c2s))).toBe(true);
      expect(Buffer.from(convs[i].s2c).equals(Buffer.concat(sent.get(c)!.s2c))).toBe(true);
    }
    expect(capture.packets[0].timestamp).toBe(1_764_000_000_001_000_000n);
    expect(capture.packets.at(-1)!.timestamp).toBe(1_764_000_100_000_000_000n);
  });

  it('refuses writes after end(), and end() twice is harmless', () => {
    w.end();
    expect(() => w.open(99, '127.0.0.1:1', '127.0.0.1:2')).toThrow(
      expect.objectContaining({ code: 'ERR_PCAP_ARGUMENT' })
    );
  });

  it('uses the wall clock when no timestamp is given', () => {
    const p = join(dir, 'clock.pcapng');
    const before = BigInt(Date.now()) * 1_000_000n;
    const w2 = openPcapngWriter(p);
    w2.open(1, '127.0.0.1:40000', '127.0.0.1:5000');
    w2.end();
    const after = BigInt(Date.now() + 1) * 1_000_000n;
    const ts = readCapture(readFileSync(p)).packets[0].timestamp;
    expect(ts >= before && ts <= after).toBe(true);
  });
});

describe('a crash loses at most the packet being written', () => {
  it('keeps every packet written before the process was killed', () => {
    const path = join(dir, 'crash.pcapng');
    const script = join(dir, 'crash.ts');
    const writer = resolve('server/pcapng-writer.ts');
    writeFileSync(
      script,
      `import { openPcapngWriter } from ${JSON.stringify(writer)};
const w = openPcapngWriter(${JSON.stringify(path)});
w.open(1, '127.0.0.1:40001', '127.0.0.1:5000');
for (let i = 0; i < 20; i++) w.data(1, i % 2 ? 's2c' : 'c2s', new TextEncoder().encode('message ' + i));
process.kill(process.pid, 'SIGKILL');
`
    );
    const child = spawnSync(resolve('node_modules/.bin/tsx'), [script], { encoding: 'utf8' });
    expect(child.status === 137 || child.signal === 'SIGKILL' || child.status !== 0).toBe(true);
    // 3 handshake packets + 20 × (data + ACK), all there although end() never ran.
    expect(readCapture(readFileSync(path)).packets).toHaveLength(43);
    expect(packetCount(path)).toBe(43);
    const s = follow(path, [0]).get(0)!;
    expect(s.fromNode0.toString()).toBe(Array.from({ length: 10 }, (_, i) => `message ${2 * i}`).join(''));
    expect(s.fromNode1.toString()).toBe(Array.from({ length: 10 }, (_, i) => `message ${2 * i + 1}`).join(''));

    // Killed in the middle of a block: tshark and our reader (allowTruncated) keep the rest.
    const full = readFileSync(path);
    const cut = join(dir, 'crash-cut.pcapng');
    writeFileSync(cut, full.subarray(0, full.length - 10));
    expect(packetCount(cut)).toBe(42);
    const partial = readCapture(readFileSync(cut), { allowTruncated: true });
    expect(partial.packets).toHaveLength(42);
    expect(partial.truncatedAt).toBeGreaterThan(0);
    expect(() => readCapture(readFileSync(cut))).toThrow(expect.objectContaining({ code: 'ERR_PCAP_TRUNCATED' }));
  });
});
