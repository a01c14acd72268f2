// The independent check of the encoder: the real tshark reads what it wrote (stream counts,
// checksums, TCP analysis, "Follow TCP stream"). Moved out of the unit tier, which spawns nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TcpCaptureEncoder } from '../../../src/lib/protocol/pcapng/index.ts';
import { SERVER, T0, bytes, concat, fixedScenario } from '../../helpers/pcapng-scenario.ts';
import { follow, payloadPacketsPerStream, problems } from '../../helpers/tshark.ts';

const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-pcapng-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tshark reads the encoder output', () => {
  const { conns, file, expected } = fixedScenario();
  const path = join(dir, 'encoder.pcapng');
  writeFileSync(path, file);

  it('counts the TCP payload packets per stream', () => {
    const counts = payloadPacketsPerStream(path);
    expect([...counts.keys()].sort()).toEqual(conns.map((_, i) => i));
    for (const [i, conn] of conns.entries()) expect(counts.get(i)).toBe(expected.get(conn)!.segments);
  });

  it('finds no checksum, sequence or other TCP analysis warning', () => {
    expect(problems(path)).toEqual([]);
  });

  it('would flag a bad checksum or a hole in the sequence space (the check is not vacuous)', () => {
    const enc = new TcpCaptureEncoder();
    const open = enc.open(1, { ip: '127.0.0.1', port: 40001 }, SERVER, T0);
    const [data] = enc.data(1, 'c2s', bytes(64, 1), T0 + 1);
    const corrupt = Uint8Array.from(data);
    corrupt[28 + 54 + 10] ^= 1; // a payload byte, checksum left as it was
    const badSum = join(dir, 'bad-checksum.pcapng');
    writeFileSync(badSum, concat([enc.header(), ...open, corrupt]));
    expect(problems(badSum)).toHaveLength(1);
    const [, , later] = enc.data(1, 'c2s', bytes(64, 2), T0 + 2).concat(enc.data(1, 'c2s', bytes(64, 3), T0 + 3));
    const hole = join(dir, 'hole.pcapng');
    writeFileSync(hole, concat([enc.header(), ...open, data, later]));
    expect(problems(hole).join('\n')).toMatch(/Previous segment not captured/);
  });

  it('follows each TCP stream to the exact bytes per direction', () => {
    const streams = follow(
      path,
      conns.map((_, i) => i)
    );
    for (const [i, conn] of conns.entries()) {
      const s = streams.get(i)!;
      expect(s.node0).toBe(`127.0.0.1:${40000 + conn}`);
      expect(s.node1).toBe('127.0.0.1:5000');
      expect(s.fromNode0.equals(Buffer.from(concat(expected.get(conn)!.c2s)))).toBe(true);
      expect(s.fromNode1.equals(Buffer.from(concat(expected.get(conn)!.s2c)))).toBe(true);
    }
  });
});
