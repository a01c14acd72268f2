// The capture tap in front of the chat server, with the seed programs of tests/seeds/ (Python,
// written from the seed projects' READMEs) as its clients: every form of a line message the
// server accepts (docs/protocol.md §5) is recorded as one frame per message, labelled with its
// form, holding exactly the bytes the program sent. Independent truth: a plain TCP relay of our
// own between the tap and the server records what really crossed the wire.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACK_TEXT } from '../../../server/chat/server.ts';
import { startTap, type Tap } from '../../../server/tap/tap.ts';
import type { CapturedFrame } from '../../../src/lib/protocol/capture.ts';
import { lineForm } from '../../../src/lib/protocol/index.ts';
import { KEY_HEX, startServer, waitFor } from '../../helpers/net.ts';

const SEEDS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'seeds');
const HAVE_PYTHON = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;

const children: ChildProcess[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const c of cleanups.splice(0).reverse()) await c();
});

function python(program: string, args: string[]) {
  const proc = spawn('python3', [join(SEEDS, program), ...args], {
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONUTF8: '1' }
  });
  children.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => proc.on('close', r));
  return { proc, out: () => out, err: () => err, exited };
}

interface RelayConn {
  c2s: Buffer[];
  s2c: Buffer[];
  closed: boolean;
}

/** A plain TCP relay that records each direction's bytes per connection. */
async function recordingRelay(targetPort: number) {
  const conns: RelayConn[] = [];
  const sockets: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (client) => {
    const rec: RelayConn = { c2s: [], s2c: [], closed: false };
    conns.push(rec);
    const up = connect({ host: '127.0.0.1', port: targetPort, allowHalfOpen: true });
    sockets.push(client, up);
    client.on('data', (d: Buffer) => {
      rec.c2s.push(d);
      up.write(d);
    });
    up.on('data', (d: Buffer) => {
      rec.s2c.push(d);
      client.write(d);
    });
    client.on('end', () => up.end());
    up.on('end', () => client.end());
    for (const s of [client, up]) {
      s.on('error', () => {
        client.destroy();
        up.destroy();
      });
      s.on('close', () => {
        if (client.destroyed && up.destroyed) rec.closed = true;
      });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    conns,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      })
  };
}

/** server ← relay ← tap: what the seed programs reach is the tap's port. */
async function setup() {
  const { server, port } = await startServer();
  cleanups.push(() => server.close());
  const relay = await recordingRelay(port);
  cleanups.push(() => relay.close());
  const tap = await startTap({ listenPort: 0, targetHost: '127.0.0.1', targetPort: relay.port, pcapPath: null });
  cleanups.push(() => tap.close());
  return { tap, relay };
}

const all = (tap: Tap): CapturedFrame[] => tap.store.frames(0, Number.MAX_SAFE_INTEGER);
const bytesOf = (frames: CapturedFrame[]) => Buffer.concat(frames.map((f) => Buffer.from(f.bytes, 'base64')));

/** The label each accepted form gets (docs/protocol.md §5.5; CapturedFrame.form, absent for the seeds' own form). */
const LABEL: Record<string, string | undefined> = {
  newline: undefined,
  crlf: 'line, CRLF',
  'no-newline': 'line, no line end',
  'iv-line': 'line, IV apart',
  'iv-send': 'line, IV apart, no line end',
  hex: 'hex line',
  'json-b64': 'json line (base64)',
  'json-hex': 'json line (hex)'
};

/** The server's answer: in the sender's form, except that the server always ends its lines (§5.2). */
const REPLY_LABEL: Record<string, string | undefined> = {
  ...LABEL,
  'no-newline': undefined,
  'iv-send': 'line, IV apart'
};

/** The connection's frames, once the tap and the relay both saw it closed. */
async function closedConnection(tap: Tap, relay: Awaited<ReturnType<typeof recordingRelay>>) {
  await waitFor(
    () => tap.store.connections().length === 1 && tap.store.connections()[0].closed !== undefined,
    'the tap to record the connection closed'
  );
  await waitFor(() => relay.conns.length === 1 && relay.conns[0].closed, 'the relay connection to close');
  const conn = tap.store.connections()[0].conn;
  const frames = all(tap).filter((f) => f.conn === conn);
  return {
    conn,
    c2s: frames.filter((f) => f.dir === 'c2s'),
    s2c: frames.filter((f) => f.dir === 's2c'),
    wire: relay.conns[0]
  };
}

const summary = (fs: CapturedFrame[]) =>
  fs.map((f) => ({ framing: f.framing, form: f.form, error: f.error?.code, length: f.length }));

describe.skipIf(!HAVE_PYTHON)('the tap records every form the seed programs send', () => {
  for (const variant of Object.keys(LABEL)) {
    it(`aes128_client.py ${variant}: one c2s frame, labelled ${JSON.stringify(LABEL[variant] ?? 'line')}, the bytes as sent; the reply labelled the same`, async () => {
      const { tap, relay } = await setup();
      const py = python('aes128_client.py', [
        '127.0.0.1',
        String(tap.port),
        KEY_HEX,
        `through the tap: ${variant}`,
        variant
      ]);
      expect(await py.exited, py.err()).toBe(0);
      expect(py.out()).toContain(`Decrypted reply: ${ACK_TEXT}\n`);
      const { c2s, s2c, wire } = await closedConnection(tap, relay);
      const sent = Buffer.concat(wire.c2s);
      expect(summary(c2s)).toEqual([{ framing: 'line', form: LABEL[variant], error: undefined, length: sent.length }]);
      expect(lineForm(sent), 'the label /live gives the bytes sent').toBe(LABEL[variant]);
      expect(
        bytesOf(c2s).equals(sent),
        `captured ${JSON.stringify(bytesOf(c2s).toString('latin1'))}, sent ${JSON.stringify(sent.toString('latin1'))}`
      ).toBe(true);
      // the server answered in the same form: the ack is the first s2c frame
      expect(s2c.length).toBeGreaterThanOrEqual(1);
      expect(summary(s2c.slice(0, 1))).toEqual([
        { framing: 'line', form: REPLY_LABEL[variant], error: undefined, length: s2c[0].length }
      ]);
      expect(bytesOf(s2c).equals(Buffer.concat(wire.s2c))).toBe(true);
      expect(all(tap).filter((f) => f.framing === 'unknown')).toEqual([]);
    }, 15_000);
  }

  it('chat_client.py: three typed lines are three frames, each the bytes sent', async () => {
    const { tap, relay } = await setup();
    const c = python('chat_client.py', ['127.0.0.1', String(tap.port), KEY_HEX, 'carol']);
    await waitFor(() => /Connected to server as carol/.test(c.out()), 'carol to connect');
    c.proc.stdin!.end('one\ntwo ✓\nthree\n');
    expect(await c.exited, c.err()).toBe(0);
    const { c2s, wire } = await closedConnection(tap, relay);
    const sent = Buffer.concat(wire.c2s);
    const lines = sent.toString('latin1').split(/(?<=\n)/);
    expect(lines).toHaveLength(3);
    expect(c2s.map((f) => Buffer.from(f.bytes, 'base64').toString('latin1'))).toEqual(lines);
    expect(summary(c2s)).toEqual(
      lines.map((l) => ({ framing: 'line', form: undefined, error: undefined, length: l.length }))
    );
  }, 15_000);

  it('aes128_client.py raw: every byte it sent and the plain refusal are in the capture', async () => {
    const { tap, relay } = await setup();
    const py = python('aes128_client.py', ['127.0.0.1', String(tap.port), KEY_HEX, 'raw through the tap', 'raw']);
    expect(await py.exited, py.err()).toBe(3);
    const { c2s, s2c, wire } = await closedConnection(tap, relay);
    expect(Buffer.concat(wire.c2s)).toHaveLength(48); // IV and two blocks of "raw through the tap"
    // §5.6: raw bytes that start with a base64 character are one frame labelled "raw bytes"; any
    // other first byte makes the stream ERR_UNKNOWN_FRAMING, as the server sees it, bytes kept
    const first = Buffer.concat(wire.c2s)[0];
    const startsLine = /[A-Za-z0-9+/{]/.test(String.fromCharCode(first)); // §2.1: a line starts so
    if (first === 0xcb)
      expect(summary(c2s)[0]).toMatchObject({ framing: 'unknown' }); // 1 in 256: taken for a native frame (§2.1)
    else
      expect(summary(c2s)).toEqual([
        startsLine
          ? { framing: 'line', form: 'raw bytes', error: undefined, length: 48 }
          : { framing: 'unknown', form: undefined, error: 'ERR_UNKNOWN_FRAMING', length: 48 }
      ]);
    if (!startsLine && first !== 0xcb) expect(c2s[0].error!.message).toMatch(/raw bytes/);
    expect(bytesOf(c2s).equals(Buffer.concat(wire.c2s))).toBe(true);
    expect(bytesOf(s2c).toString('latin1')).toMatch(/^cbc-lab: (ERR_RAW_BYTES|ERR_UNKNOWN_FRAMING|ERR_BAD_MAGIC): /);
    expect(bytesOf(s2c).equals(Buffer.concat(wire.s2c))).toBe(true);
  }, 15_000);

  // IV ‖ C is random, so the Python run above meets either case by chance: both, by hand
  for (const [what, first] of [
    ['a base64 letter', 0x41],
    ['binary', 0x9b]
  ] as const) {
    it(`raw bytes whose first byte is ${what}: one c2s frame, ${first === 0x41 ? 'labelled "raw bytes"' : 'ERR_UNKNOWN_FRAMING saying raw bytes'} (§5.6)`, async () => {
      const { tap, relay } = await setup();
      const raw = Buffer.from(randomBytes(48));
      raw[0] = first;
      raw[1] = 0x00;
      await new Promise<void>((resolve) => {
        const s = connect({ host: '127.0.0.1', port: tap.port }, () => s.write(raw));
        s.on('data', () => {});
        s.on('error', () => {});
        s.on('close', () => resolve());
      });
      const { c2s, wire } = await closedConnection(tap, relay);
      expect(Buffer.concat(wire.c2s).equals(raw)).toBe(true);
      if (first === 0x41)
        expect(summary(c2s)).toEqual([{ framing: 'line', form: 'raw bytes', error: undefined, length: 48 }]);
      else {
        expect(summary(c2s)).toEqual([
          { framing: 'unknown', form: undefined, error: 'ERR_UNKNOWN_FRAMING', length: 48 }
        ]);
        expect(c2s[0].error!.message).toMatch(/raw bytes/);
      }
      expect(bytesOf(c2s).equals(raw)).toBe(true);
    });
  }
});
