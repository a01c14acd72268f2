// The server and the seeds' ways of writing (docs/protocol.md §5.2, §5.5, §5.6, §8.2, §8.5, §8.7),
// through real sockets on 127.0.0.1: every form answered in that form and relayed once, silent
// listeners in the room, raw bytes refused at once, silent crowds that lock no one out, a log
// with no cleartext. Expected bytes are built and opened by hand with node:crypto. The server's
// time is a FakeClock: the grace time and the line pause pass when a test moves it on.
import { afterEach, describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ACK_TEXT, CLOSE_DEADLINE_MS } from '../../../server/chat/server.ts';
import { sealFrame, deriveKeys } from '../../../server/suites.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';
import { KEY, RawPeer, Recorder, advanceUntil, startServer, ticking, waitFor } from '../../helpers/net.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
async function server(o: Parameters<typeof startServer>[0] = {}) {
  const clock = new FakeClock();
  const s = await startServer({ clock, ...o });
  cleanups.push(() => {
    // close() gives peers up to 2 s of the server's clock to close their side; on a FakeClock, that is now
    const closing = s.server.close('test over');
    clock.advance(CLOSE_DEADLINE_MS);
    return closing;
  });
  return { ...s, clock };
}
async function peer(port: number) {
  const p = await RawPeer.open(port);
  cleanups.push(() => p.socket.destroy());
  return p;
}
async function native(port: number, name: string) {
  const r = await Recorder.open({ port, framing: 'native', suite: 'cbc', name });
  cleanups.push(() => r.client.destroy());
  return r;
}

function seal(text: string) {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-128-cbc', KEY, iv);
  return { iv, ct: Buffer.concat([c.update(text, 'utf8'), c.final()]) };
}
function open(iv: Buffer, ct: Buffer): string {
  const d = createDecipheriv('aes-128-cbc', KEY, iv);
  return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
}
const b64 = (b: Buffer) => b.toString('base64');
const hex = (b: Buffer) => b.toString('hex');
const line = (text: string) => {
  const s = seal(text);
  return `${b64(Buffer.concat([s.iv, s.ct]))}\n`;
};
/** Every base64 line a peer received, decrypted by hand. */
const texts = (p: RawPeer) =>
  p.lines().map((l) => {
    const b = Buffer.from(l.trim(), 'base64');
    return open(b.subarray(0, 16), b.subarray(16));
  });

/** §5.5's table: how each form is written, and how its answers are read back. */
const FORMS: { name: string; write: (text: string) => (string | Buffer)[]; read: (data: Buffer) => string[] }[] = [
  {
    name: 'base64 + \\r\\n',
    write: (t) => [line(t).replace('\n', '\r\n')],
    read: (d) =>
      d
        .toString('latin1')
        .split('\r\n')
        .filter(Boolean)
        .map((l) => openB64(l))
  },
  {
    name: 'base64, no line end',
    write: (t) => [line(t).trim()],
    read: (d) =>
      d
        .toString('latin1')
        .split('\n')
        .filter(Boolean)
        .map((l) => openB64(l))
  },
  {
    name: 'IV on its own line',
    write: (t) => {
      const s = seal(t);
      return [`${b64(s.iv)}\n`, `${b64(s.ct)}\n`];
    },
    read: (d) =>
      pairs(d.toString('latin1').split('\n').filter(Boolean)).map(([a, b]) =>
        open(Buffer.from(a, 'base64'), Buffer.from(b, 'base64'))
      )
  },
  {
    name: 'IV in its own send, no line ends',
    write: (t) => {
      const s = seal(t);
      return [b64(s.iv), b64(s.ct)];
    },
    read: (d) =>
      pairs(d.toString('latin1').split('\n').filter(Boolean)).map(([a, b]) =>
        open(Buffer.from(a, 'base64'), Buffer.from(b, 'base64'))
      )
  },
  {
    name: 'hex',
    write: (t) => {
      const s = seal(t);
      return [`${hex(Buffer.concat([s.iv, s.ct]))}\n`];
    },
    read: (d) =>
      d
        .toString('latin1')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const b = Buffer.from(l, 'hex');
          return open(b.subarray(0, 16), b.subarray(16));
        })
  },
  {
    name: 'JSON, base64 values',
    write: (t) => {
      const s = seal(t);
      return [`${JSON.stringify({ iv: b64(s.iv), ciphertext: b64(s.ct) })}\n`];
    },
    read: (d) =>
      d
        .toString('latin1')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const j = JSON.parse(l) as { iv: string; ciphertext: string };
          return open(Buffer.from(j.iv, 'base64'), Buffer.from(j.ciphertext, 'base64'));
        })
  },
  {
    name: 'JSON, hex values',
    write: (t) => {
      const s = seal(t);
      return [`${JSON.stringify({ iv: hex(s.iv), ciphertext: hex(s.ct) })}\n`];
    },
    read: (d) =>
      d
        .toString('latin1')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const j = JSON.parse(l) as { iv: string; ciphertext: string };
          expect(j.iv).toMatch(/^[0-9a-f]{32}$/);
          return open(Buffer.from(j.iv, 'hex'), Buffer.from(j.ciphertext, 'hex'));
        })
  }
];
function openB64(l: string): string {
  const b = Buffer.from(l, 'base64');
  return open(b.subarray(0, 16), b.subarray(16));
}
function pairs(a: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < a.length; i += 2) out.push([a[i], a[i + 1]]);
  return out;
}
async function writeApart(p: RawPeer, parts: (string | Buffer)[]): Promise<void> {
  for (const [i, part] of parts.entries()) {
    p.write(part);
    // two sends are two TCP segments only if the first has left; the decoder must not need it
    if (i < parts.length - 1) await new Promise((r) => p.socket.write('', r));
  }
}

describe('every form of §5.5: answered in that form, relayed once', () => {
  for (const form of FORMS) {
    it(form.name, async () => {
      const { port, clock } = await server();
      const room = await native(port, 'room');
      const p = await peer(port);
      await writeApart(p, form.write('hello from a seed program'));
      // a form without line ends is ended by the pause (§5.2): the server's time moves on while we wait
      await waitFor(
        ticking(clock, () => form.read(p.data).length >= 1),
        'the ack',
        3000
      );
      expect(form.read(p.data)[0]).toBe(ACK_TEXT);
      // a second message, then room's sentinel: by then every relay of the first has arrived
      await writeApart(p, form.write('second'));
      await waitFor(
        ticking(clock, () => room.got.some((m) => m.kind === 'chat' && m.text.endsWith(': second'))),
        'the second relay'
      );
      const relays = room.texts('chat');
      expect(relays).toHaveLength(2);
      expect(relays[0]).toMatch(/^guest-\d+: hello from a seed program$/);
      // the room talks back; the reply comes in the peer's form
      room.client.send('welcome');
      await waitFor(() => form.read(p.data).includes('room: welcome'), 'the relay to the seed program, in its form');
    });
  }
});

describe('listeners and line ends (§5.2, §8.2)', () => {
  it('a connection that never sends hears every message said after it connected, with a join notice', async () => {
    const { port, server: srv, clock } = await server({ listenerGraceMs: 200 });
    const room = await native(port, 'room');
    const listener = await peer(port);
    await waitFor(() => srv.stateCounts().pending === 1, 'the listener accepted');
    room.client.send('said before the listener was known'); // within the grace time: held for it
    await room.until((m) => m.kind === 'ack', "the room's ack");
    clock.advance(200); // the grace time, in silence: a listener (§8.2)
    const join = await room.until((m) => m.kind === 'join', "the listener's join notice", 3000);
    expect('text' in join && join.text).toMatch(/^guest-\d+$/);
    room.client.send('said after');
    await waitFor(() => texts(listener).includes('room: said after'), 'the listener hearing');
    expect(texts(listener)).toEqual(['room: said before the listener was known', 'room: said after']);
  });

  it('a seed client that sends at once gets the ack first, even in a busy room', async () => {
    const { port, server: srv } = await server();
    const room = await native(port, 'room');
    const p = await peer(port);
    await waitFor(() => srv.stateCounts().pending === 1, 'the seed client accepted');
    room.client.send('busy 1');
    room.client.send('busy 2');
    await room.until((m) => m.kind === 'ack', "the room's ack"); // the two relays went out before the seed line
    p.write(line('my message'));
    await waitFor(() => p.lines().length >= 3, 'ack and the held relays');
    expect(texts(p)).toEqual([ACK_TEXT, 'room: busy 1', 'room: busy 2']);
  });

  it('no line end, and not a message: ERR_NO_LINE_END within a second, and the connection goes on', async () => {
    const { port, server: srv, clock } = await server();
    const p = await peer(port);
    const t0 = clock.monotonic();
    p.write('hello server'); // what a student types into nc -N, or sends as cleartext
    await waitFor(() => srv.clientCount === 1, 'the bytes read');
    advanceUntil(clock, () => srv.stats.errors >= 1, 'the pause');
    await waitFor(() => p.lines().length >= 1, 'the error line', 2000);
    expect(clock.monotonic() - t0).toBeLessThan(1000);
    expect(texts(p)[0]).toMatch(/^ERROR ERR_NO_LINE_END: no line end .*not .*base64/);
    p.write(line('and now right'));
    await waitFor(() => texts(p).includes(ACK_TEXT), 'the ack after the error');
  });

  it('raw bytes: one plain ASCII line naming them and base64, within a second, then closed (§5.6)', async () => {
    const { port, clock } = await server();
    for (const first of [0x41, 0x93, 0xcb]) {
      const p = await peer(port);
      const s = seal('raw');
      const raw = Buffer.concat([s.iv, s.ct]);
      raw[0] = first;
      raw[1] = 0x00;
      const t0 = clock.monotonic();
      p.write(raw);
      await waitFor(() => p.closed, 'the close', 2000); // at once: the server's clock does not move
      expect(clock.monotonic() - t0).toBeLessThan(1000);
      const said = p.data.toString('latin1');
      const code = { 0x41: 'ERR_RAW_BYTES', 0x93: 'ERR_UNKNOWN_FRAMING', 0xcb: 'ERR_BAD_MAGIC' }[first];
      expect(said).toMatch(new RegExp(`^cbc-lab: ${code}: .*raw bytes.*expected.*base64`));
      expect(said.indexOf('\n')).toBe(said.length - 1); // one line
      expect([...p.data].every((b) => b === 10 || (b >= 0x20 && b < 0x7f))).toBe(true); // plain ASCII
      expect(said.endsWith('\n')).toBe(true);
    }
  });

  it('a native hello after the grace time is ERR_LATE_HELLO, in plain text', async () => {
    const { port, server: srv, clock } = await server({ listenerGraceMs: 100 });
    const p = await peer(port);
    await waitFor(() => srv.stateCounts().pending === 1, 'the connection accepted');
    clock.advance(100);
    await waitFor(() => srv.listenerCount === 1, 'the connection taken for a listener');
    p.write(sealFrame(deriveKeys(KEY), { type: 'hello', suite: 'cbc', seq: 0, plaintext: Buffer.from('late') }));
    await waitFor(() => p.closed, 'the close');
    expect(p.data.toString('latin1')).toMatch(/cbc-lab: ERR_LATE_HELLO: .*send the hello at once\n$/);
  });
});

describe('hardening (§8.5, §8.7)', () => {
  it('100 connections that never send or read a byte lock no one out; listeners that read stay', async () => {
    const { port, server: srv, clock } = await server({ maxClients: 100, listenerGraceMs: 100 });
    const silent: RawPeer[] = [];
    for (let i = 0; i < 100; i++) silent.push(await RawPeer.open(port, { read: false }));
    cleanups.push(() => silent.forEach((s) => s.socket.destroy()));
    await waitFor(() => srv.stateCounts().pending === 100, '100 connections accepted');
    clock.advance(100);
    await waitFor(() => srv.listenerCount === 100, '100 listeners');
    const alice = await native(port, 'alice');
    expect(alice.of('hello')).toHaveLength(1);
    const seed = await peer(port);
    seed.write(line('a real user'));
    await waitFor(() => texts(seed).includes(ACK_TEXT), "the seed client's ack");
    await alice.until((m) => m.kind === 'chat' && m.text.endsWith(': a real user'), 'the relay');
    const reader = await peer(port);
    await waitFor(() => srv.stateCounts().pending === 1, 'the reader accepted');
    alice.client.send('to the readers');
    clock.advance(100); // the reader's grace time: a listener, told what was held for it
    await waitFor(() => texts(reader).includes('alice: to the readers'), 'a reading listener hears');
    expect(reader.closed).toBe(false);
  });

  it('the log holds no cleartext for a line that is not ciphertext, nor JSON members beside iv/ciphertext', async () => {
    const { port, logPath, server: srv, clock } = await server();
    const p = await peer(port);
    p.write('my password is hunter2\n');
    await waitFor(
      ticking(clock, () => p.lines().length >= 1),
      'the error line'
    ); // a short last line waits for the pause (§5.6)
    const s = seal('json');
    p.write(`${JSON.stringify({ iv: b64(s.iv), ciphertext: b64(s.ct), note: 'secret-note' })}\n`);
    await waitFor(() => p.lines().length >= 2, 'the ack');
    await srv.close();
    const log = readFileSync(logPath, 'utf8');
    expect(log).not.toContain('hunter2');
    expect(log).not.toContain('secret-note');
    const entries = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.find((e) => e.dir === 'in' && e.code === 'ERR_BAD_BASE64')).toMatchObject({
      framing: 'line',
      length: 'my password is hunter2\n'.length
    });
    expect(entries.find((e) => e.dir === 'in' && e.form === 'json line (base64)')).toMatchObject({
      wire: b64(Buffer.concat([s.iv, s.ct]))
    });
  });
});
