// capture-load.ts: every kind of file /live can inspect offline, built by the real writers
// (the pcapng encoder, a real chat server's log, the JSON capture) and read back frame for frame.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveKeys, sealFrame, sealLine } from '../../../server/suites.ts';
import { startChatServer } from '../../../server/chat/server.ts';
import { ChatClient } from '../../../server/chat-client.ts';
import { loadCapture, CaptureLoadError } from '../../../src/lib/protocol/capture-load';
import { deriveOpenKeys, openCaptured } from '../../../src/lib/protocol/open';
import { TcpCaptureEncoder } from '../../../src/lib/protocol/pcapng';
import type { CapturedFrame, CaptureFile } from '../../../src/lib/protocol/capture';

const key = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const keys = deriveKeys(key);
const openKeys = deriveOpenKeys(key);

function concat(parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts.map((p) => Buffer.from(p)));
}

function text(f: CapturedFrame): string | null {
  const o = openCaptured(Buffer.from(f.bytes, 'base64'), openKeys);
  return o.ok ? o.text : `!${o.code}`;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as CaptureLoadError).code;
  }
  return undefined;
}

describe('pcapng', () => {
  it('frames cut at random places into TCP segments come back whole, in order, with conn and dir', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), (cuts) => {
        const enc = new TcpCaptureEncoder();
        const parts: Uint8Array[] = [enc.header()];
        const a = [0, 1, 2].map((i) =>
          sealFrame(keys, {
            type: i === 0 ? 'hello' : 'chat',
            suite: 'cbc-hmac',
            seq: i,
            plaintext: Buffer.from(i === 0 ? 'alice' : `msg ${i}`)
          })
        );
        const b = [sealLine(key, Buffer.from('line one')), sealLine(key, Buffer.from('line two'))];
        parts.push(
          ...enc.open(7, { ip: '127.0.0.1', port: 40000 }, { ip: '127.0.0.1', port: 5000 }, 1_700_000_000_000_000_000n)
        );
        parts.push(
          ...enc.open(
            8,
            { ip: '127.0.0.1', port: 40001 },
            { ip: '127.0.0.1', port: 5000 },
            1_700_000_000_000_000_000n + 1n
          )
        );
        const streamA = concat(a);
        let at = 0;
        let t = 1_700_000_000_000_000_000n + 1000n;
        for (let i = 0; at < streamA.length; i++) {
          const n = cuts[i % cuts.length];
          parts.push(...enc.data(7, 'c2s', streamA.subarray(at, at + n), (t += 1000n)));
          at += n;
        }
        parts.push(...enc.data(8, 'c2s', concat(b), (t += 1000n)));
        parts.push(
          ...enc.data(8, 's2c', sealLine(key, Buffer.from('Hello Client, message received securely')), (t += 1000n))
        );
        parts.push(...enc.close(7, (t += 1000n)));
        const loaded = loadCapture(concat(parts), 'test.pcapng');
        expect(loaded.kind).toBe('pcapng');
        expect(loaded.frames.map((f) => f.seq)).toEqual(loaded.frames.map((_, i) => i + 1));
        const conn7 = loaded.frames.filter((f) => f.conn === 7);
        expect(conn7.map((f) => f.bytes)).toEqual(a.map((x) => x.toString('base64')));
        expect(conn7.map((f) => f.type)).toEqual(['hello', 'chat', 'chat']);
        expect(conn7.every((f) => f.suite === 'cbc-hmac' && f.framing === 'native' && f.dir === 'c2s')).toBe(true);
        const conn8 = loaded.frames.filter((f) => f.conn === 8);
        expect(conn8.map(text)).toEqual(['line one', 'line two', 'Hello Client, message received securely']);
        expect(conn8.map((f) => f.dir)).toEqual(['c2s', 'c2s', 's2c']);
        expect(loaded.connections.map((c) => c.conn).sort()).toEqual([7, 8]);
        expect(loaded.connections.find((c) => c.conn === 7)?.closed).toBeTypeOf('number');
        // times are ms with µs kept
        expect(conn7[0].time).toBeGreaterThan(1e12);
      }),
      { numRuns: 25 }
    );
  });

  it('garbage on a connection is one frame marked with the decoder code; a cut-off frame is ERR_TRUNCATED_FRAME', () => {
    const enc = new TcpCaptureEncoder();
    const good = sealLine(key, Buffer.from('ok'));
    const parts = [enc.header(), ...enc.open(1, { ip: '127.0.0.1', port: 1 }, { ip: '127.0.0.1', port: 2 }, 1n)];
    parts.push(...enc.data(1, 'c2s', concat([good, Buffer.from('AAAA cut')]), 2n));
    parts.push(...enc.open(2, { ip: '127.0.0.1', port: 3 }, { ip: '127.0.0.1', port: 2 }, 2n));
    parts.push(...enc.data(2, 'c2s', Buffer.from('@@@ not a frame'), 2n));
    const frame = sealFrame(keys, { type: 'chat', suite: 'gcm', seq: 1, plaintext: Buffer.from('x') });
    parts.push(...enc.data(1, 's2c', frame.subarray(0, 20), 3n));
    const loaded = loadCapture(concat(parts));
    const rows = loaded.frames.map(
      (f) => [f.conn, f.dir, f.framing, f.error?.code ?? null, Buffer.from(f.bytes, 'base64')] as const
    );
    expect(rows.filter((r) => r[0] === 1).map((r) => r.slice(0, 4))).toEqual([
      [1, 'c2s', 'line', null],
      [1, 'c2s', 'unknown', 'ERR_TRUNCATED_FRAME'],
      [1, 's2c', 'unknown', 'ERR_TRUNCATED_FRAME']
    ]);
    expect(rows.filter((r) => r[0] === 2).map((r) => r.slice(0, 4))).toEqual([
      [2, 'c2s', 'unknown', 'ERR_UNKNOWN_FRAMING']
    ]);
    expect(rows.find((r) => r[3] === 'ERR_UNKNOWN_FRAMING')![4].toString()).toBe('@@@ not a frame');
    expect(rows.find((r) => r[0] === 1 && r[1] === 'c2s' && r[3])![4].toString()).toBe('AAAA cut');
    expect(rows.find((r) => r[1] === 's2c')![4].equals(frame.subarray(0, 20))).toBe(true);
  });

  it('a cut pcapng reads up to the last whole packet, with a note', () => {
    const enc = new TcpCaptureEncoder();
    const parts = [
      enc.header(),
      ...enc.open(1, { ip: '127.0.0.1', port: 1 }, { ip: '127.0.0.1', port: 2 }, 1n),
      ...enc.data(1, 'c2s', sealLine(key, Buffer.from('a')), 2n)
    ];
    const whole = concat(parts);
    const loaded = loadCapture(whole.subarray(0, whole.length - 5));
    expect(loaded.notes.join(' ')).toMatch(/ends inside a block/);
  });
});

describe('the JSON capture', () => {
  const frame = sealFrame(keys, { type: 'chat', suite: 'cbc', seq: 1, plaintext: Buffer.from('hi') });
  const file: CaptureFile = {
    format: 'cbc-lab-capture',
    version: 1,
    connections: [{ conn: 1, client: '127.0.0.1:4000', server: '127.0.0.1:5000', opened: 1 }],
    frames: [
      {
        seq: 1,
        time: 1.5,
        conn: 1,
        dir: 'c2s',
        framing: 'native',
        type: 'chat',
        suite: 'cbc',
        frameSeq: 1,
        length: frame.length,
        bytes: frame.toString('base64')
      }
    ]
  };

  it('round-trips', () => {
    const loaded = loadCapture(Buffer.from(JSON.stringify(file)));
    expect(loaded.kind).toBe('capture-json');
    expect(loaded.frames).toEqual(file.frames);
    expect(loaded.connections).toEqual(file.connections);
    expect(text(loaded.frames[0])).toBe('hi');
  });

  it('refuses what is not a capture, with stable codes', () => {
    expect(code(() => loadCapture(new Uint8Array(0)))).toBe('ERR_LOAD_EMPTY');
    expect(code(() => loadCapture(Buffer.from('hello world')))).toBe('ERR_LOAD_FORMAT');
    expect(code(() => loadCapture(Buffer.from(JSON.stringify({ ...file, version: 2 }))))).toBe('ERR_LOAD_CAPTURE');
    expect(
      code(() => loadCapture(Buffer.from(JSON.stringify({ ...file, frames: [{ ...file.frames[0], seq: 0 }] }))))
    ).toBe('ERR_LOAD_CAPTURE');
    expect(
      code(() => loadCapture(Buffer.from(JSON.stringify({ ...file, frames: [{ ...file.frames[0], bytes: '!!' }] }))))
    ).toBe('ERR_LOAD_CAPTURE');
    expect(code(() => loadCapture(Buffer.from('{"a":1}\nnot json\n{"b":2}\n')))).toBe('ERR_LOAD_JSON');
    expect(code(() => loadCapture(Buffer.from('{"a":1}')))).toBe('ERR_LOAD_FORMAT');
    expect(code(() => loadCapture(Buffer.from([0x0a, 0x0d, 0x0d, 0x0a, 12, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0])))).toMatch(
      /^ERR_PCAP_/
    );
  });
});

describe("a real chat server's log", () => {
  it('holds the frames clients sent and the relays, which open with the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cbc-log-'));
    const logPath = join(dir, 'server.log');
    const { server, address } = await startChatServer({ key, port: 0, logPath });
    try {
      const alice = new ChatClient({ port: address.port, key, name: 'alice', framing: 'native', suite: 'gcm' });
      const bob = new ChatClient({ port: address.port, key, framing: 'line' });
      const got = new Promise<void>((resolve) =>
        bob.on('message', (m) => m.kind === 'chat' && m.text.includes('from alice') && resolve())
      );
      const relayed = new Promise<void>((resolve) =>
        alice.on('message', (m) => m.kind === 'chat' && m.text.includes('from bob') && resolve())
      );
      await alice.connect();
      await bob.connect();
      bob.send('from bob');
      await relayed; // the server took bob's message and relayed it to alice before she speaks
      alice.send('from alice');
      await got;
      await alice.end();
      await bob.end();
    } finally {
      await server.close();
    }
    const loaded = loadCapture(readFileSync(logPath), 'server.log');
    rmSync(dir, { recursive: true, force: true });
    expect(loaded.kind).toBe('server-log');
    const texts = loaded.frames.map((f) => [f.dir, text(f)]);
    expect(texts).toContainEqual(['c2s', 'alice']); // the hello
    expect(texts).toContainEqual(['c2s', 'from bob']);
    expect(texts).toContainEqual(['c2s', 'from alice']);
    expect(texts).toContainEqual(['s2c', 'guest-2: from bob']); // relayed to alice (gcm)
    expect(texts).toContainEqual(['s2c', 'alice: from alice']); // relayed to bob (line)
    expect(loaded.connections.length).toBe(2);
    expect(loaded.frames.map((f) => f.seq)).toEqual(loaded.frames.map((_, i) => i + 1));
  });
});
