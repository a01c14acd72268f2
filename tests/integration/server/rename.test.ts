// `/name` (docs/protocol.md §8.2.5): a line client names itself, through real sockets on
// 127.0.0.1. The renaming client is a raw peer whose lines are sealed and opened here with
// node:crypto; the others are a raw line peer and a native client. Expected texts are written
// from the clause, never taken from the server. A Python peer (cryptography) renames itself as a
// student would, and the demo's line bot names itself alice.
import { afterEach, describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CLOSE_DEADLINE_MS } from '../../../server/chat/server.ts';
import { demoBots } from '../../../server/demo/bots.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';
import { KEY, KEY_HEX, RawPeer, Recorder, startServer, waitFor } from '../../helpers/net.ts';

const ACK = 'Hello Client, message received securely'; // §8.2
const HAVE_PYTHON = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(o: Parameters<typeof startServer>[0] = {}) {
  const clock = new FakeClock();
  const s = await startServer({ clock, ...o });
  cleanups.push(() => {
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
  const r = await Recorder.open({ port, framing: 'native', suite: 'cbc-hmac', name });
  cleanups.push(() => r.client.destroy());
  return r;
}

/** §5.1 by hand: base64(IV ‖ AES-128-CBC-PKCS7(text)) + "\n". */
function line(text: string): string {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-128-cbc', KEY, iv);
  return Buffer.concat([iv, c.update(text, 'utf8'), c.final()]).toString('base64') + '\n';
}
/** Every line a raw peer received, opened by hand. */
function texts(p: RawPeer): string[] {
  return p.lines().map((l) => {
    const b = Buffer.from(l.trim(), 'base64');
    const d = createDecipheriv('aes-128-cbc', KEY, b.subarray(0, 16));
    return Buffer.concat([d.update(b.subarray(16)), d.final()]).toString('utf8');
  });
}
/** A line peer in the room: it speaks once, so its guest name is known from the others' join notice. */
async function linePeer(port: number, watcher: Recorder) {
  const joinsBefore = watcher.of('join').length;
  const p = await peer(port);
  p.write(line('here'));
  await waitFor(() => texts(p).includes(ACK), 'the ack of its first line');
  await waitFor(() => watcher.of('join').length > joinsBefore, 'its join notice');
  const guest = watcher.texts('join').at(-1)!;
  expect(guest).toMatch(/^guest-\d+$/);
  return { p, guest };
}

describe('/name renames a line client (§8.2.5)', () => {
  it('one reply line, "* you are now bob"; the line and native clients hear the notice, then "bob: hi"', async () => {
    const { port } = await server();
    const carol = await native(port, 'carol');
    const { p: bob, guest } = await linePeer(port, carol);
    const { p: listener, guest: other } = await linePeer(port, carol);
    await waitFor(() => texts(bob).includes(`${other}: here`), 'bob to hear the other line client');
    expect(texts(bob)).toEqual([ACK, `* ${other} joined`, `${other}: here`]);
    const heardBefore = texts(listener).length;
    bob.write(line('/name bob'));
    await waitFor(() => texts(bob).length === 4, 'the reply to /name');
    expect(texts(bob)[3]).toBe('* you are now bob');
    bob.write(line('hi'));
    await waitFor(() => texts(bob).length === 5, 'the ack of hi');
    expect(texts(bob)[4]).toBe(ACK); // one line per line sent: nothing else came back to bob
    await carol.until((m) => m.kind === 'chat' && m.text === 'bob: hi', 'carol to hear bob');
    const carolChats = carol.texts('chat');
    expect(carolChats.slice(carolChats.indexOf(`${other}: here`) + 1)).toEqual([`* ${guest} is now bob`, 'bob: hi']);
    await waitFor(() => texts(listener).includes('bob: hi'), 'the line listener to hear bob');
    expect(texts(listener).slice(heardBefore)).toEqual([`* ${guest} is now bob`, 'bob: hi']);
    // nobody heard "/name bob" as chat
    expect([...carolChats, ...texts(listener)].some((t) => t.includes('/name'))).toBe(false);
  });

  it('a first message that is /name: its reply comes before what the room said meanwhile (§8.2.4)', async () => {
    const { port, server: srv } = await server();
    const carol = await native(port, 'carol');
    const p = await peer(port);
    await waitFor(() => srv.stateCounts().pending === 1, 'the peer accepted');
    carol.client.send('said while it was silent');
    await carol.until((m) => m.kind === 'ack', "carol's ack");
    p.write(line('/name dora'));
    await waitFor(() => texts(p).length >= 2, 'the reply and the held relay');
    expect(texts(p)).toEqual(['* you are now dora', 'carol: said while it was silent']);
    // the others heard its join as guest-N, then the rename
    const notice = await carol.until((m) => m.kind === 'chat' && / is now dora$/.test(m.text), 'the rename notice');
    expect('text' in notice && notice.text).toMatch(/^\* guest-\d+ is now dora$/);
    expect(carol.texts('join')).toHaveLength(1);
    expect(`* ${carol.texts('join')[0]} is now dora`).toBe('text' in notice && notice.text);
  });

  it('the reply comes in the form the client wrote (a hex line, §5.5.2)', async () => {
    const { port } = await server();
    const p = await peer(port);
    const b64 = line('/name hexa').trim();
    p.write(Buffer.from(b64, 'base64').toString('hex') + '\n');
    await waitFor(() => p.lines().length >= 1, 'the reply');
    const reply = p.lines()[0];
    expect(reply).toMatch(/^[0-9a-f]+$/);
    const b = Buffer.from(reply, 'hex');
    const d = createDecipheriv('aes-128-cbc', KEY, b.subarray(0, 16));
    expect(Buffer.concat([d.update(b.subarray(16)), d.final()]).toString()).toBe('* you are now hexa');
  });

  const BAD: [string, RegExp][] = [
    ['/name', /expected 1 to 32 characters, got 0/],
    ['/name ', /expected 1 to 32 characters, got 0/],
    [`/name ${'x'.repeat(33)}`, /expected 1 to 32 characters, got 33/],
    ['/name  bob', /no spaces at either end/],
    ['/name bob ', /no spaces at either end/],
    ['/name a:b', /no ":"/],
    ['/name a\tb', /no control characters/],
    ['/name \u202eevil', /no control characters \(C0, C1, bidi\)/],
    ['/name * bob', /no "\* " or "ERROR " at the start/],
    ['/name ERROR ERR_X', /no "\* " or "ERROR " at the start/]
  ];
  it('a bad name: one ERROR ERR_BAD_NAME line saying what the name must have and what to send; the client stays as it was', async () => {
    const { port } = await server();
    const carol = await native(port, 'carol');
    const { p, guest } = await linePeer(port, carol);
    let n = 1;
    for (const [text, what] of BAD) {
      p.write(line(text));
      await waitFor(() => texts(p).length === n + 1, `the reply to ${JSON.stringify(text)}`);
      const reply = texts(p)[n++];
      expect(reply, text).toMatch(/^ERROR ERR_BAD_NAME: \/name: the name must have /);
      expect(reply, text).toMatch(what);
      expect(reply, text).toContain(`you are still ${guest}`);
      expect(reply, text).toContain('"/name ada"');
    }
    // still usable, under its old name; the room heard nothing of the refused names
    p.write(line('still here'));
    await carol.until((m) => m.kind === 'chat' && m.text === `${guest}: still here`, 'the next message relayed');
    expect(carol.texts('chat')).toEqual([`${guest}: here`, `${guest}: still here`]);
    expect(texts(p).at(-1)).toBe(ACK);
  });

  it('/names, /nameless and "/Name x" are ordinary messages', async () => {
    const { port } = await server();
    const carol = await native(port, 'carol');
    const { p, guest } = await linePeer(port, carol);
    for (const t of ['/names', '/nameless x', '/Name x', ' /name x']) p.write(line(t));
    await carol.until((m) => m.kind === 'chat' && m.text === `${guest}:  /name x`, 'the last one relayed');
    expect(carol.texts('chat').slice(1)).toEqual([
      `${guest}: /names`,
      `${guest}: /nameless x`,
      `${guest}: /Name x`,
      `${guest}:  /name x`
    ]);
    expect(texts(p).slice(1)).toEqual([ACK, ACK, ACK, ACK]);
  });

  it('a name someone in the room has is allowed, as in a hello (§8.1): two carols, told apart by nothing but the notice', async () => {
    const { port } = await server();
    const carol = await native(port, 'carol');
    const { p, guest } = await linePeer(port, carol);
    p.write(line('/name carol'));
    await waitFor(() => texts(p).length === 2, 'the reply');
    expect(texts(p)[1]).toBe('* you are now carol');
    p.write(line('I am carol too'));
    await carol.until((m) => m.kind === 'chat' && m.text === 'carol: I am carol too', 'the relay');
    expect(carol.texts('chat').slice(1)).toEqual([`* ${guest} is now carol`, 'carol: I am carol too']);
  });

  it('renaming twice, and to the name it has: each answered; the room hears each change and no non-change', async () => {
    const { port } = await server();
    const carol = await native(port, 'carol');
    const { p, guest } = await linePeer(port, carol);
    for (const t of ['/name ed', '/name ed', '/name eddie', 'done']) p.write(line(t));
    await carol.until((m) => m.kind === 'chat' && m.text === 'eddie: done', 'the last message');
    expect(texts(p).slice(1)).toEqual(['* you are now ed', '* you are now ed', '* you are now eddie', ACK]);
    // relays keep each sender's order (§8.3): had "ed is now ed" gone out, it would be before "done"
    expect(carol.texts('chat').slice(1)).toEqual([`* ${guest} is now ed`, '* ed is now eddie', 'eddie: done']);
  });

  it("a renamed client's leave notice carries its new name", async () => {
    const { port } = await server();
    const carol = await native(port, 'carol');
    const { p } = await linePeer(port, carol);
    p.write(line('/name fay'));
    await waitFor(() => texts(p).length === 2, 'the reply');
    p.socket.end();
    await carol.until((m) => m.kind === 'leave', 'the leave notice');
    expect(carol.texts('leave')).toEqual(['fay']);
  });

  it("a native client's /name: ERR_NATIVE_RENAME, not relayed, quoting nothing it sent; the connection goes on", async () => {
    const { port } = await server();
    const watcher = await native(port, 'watcher');
    const { p: lineWatcher } = await linePeer(port, watcher);
    const heardBefore = texts(lineWatcher).length;
    const gil = await native(port, 'gil');
    gil.client.send('/name secret-alias');
    const err = await gil.until((m) => m.kind === 'error', 'the error frame');
    expect(err.kind === 'error' && err.code).toBe('ERR_NATIVE_RENAME');
    const message = err.kind === 'error' ? err.message : '';
    expect(message).toMatch(/renames line clients only/);
    expect(message).toMatch(/cbc-lab client --name NAME/);
    expect(message).not.toContain('secret-alias'); // an error frame is in the clear (§3.3)
    expect(message).not.toContain('gil');
    gil.client.send('hi');
    await gil.until((m) => m.kind === 'ack', 'the ack after the error');
    await watcher.until((m) => m.kind === 'chat' && m.text === 'gil: hi', 'the next message relayed');
    expect(watcher.texts('chat').slice(1)).toEqual(['gil: hi']);
    await waitFor(() => texts(lineWatcher).includes('gil: hi'), 'the line watcher to hear gil');
    expect(texts(lineWatcher).slice(heardBefore)).toEqual(['* gil joined', 'gil: hi']);
  });

  it('the log has a rename event, and neither the old nor the new name (§8.5)', async () => {
    const { port, logPath, server: srv } = await server();
    const carol = await native(port, 'carol');
    const { p } = await linePeer(port, carol);
    p.write(line('/name zelda-the-unlogged'));
    await waitFor(() => texts(p).length === 2, 'the reply');
    await srv.close('test over');
    const log = readFileSync(logPath, 'utf8');
    const events = log
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event?: string });
    expect(events.filter((e) => e.event === 'rename')).toHaveLength(1);
    expect(log).not.toContain('zelda');
    expect(log).not.toMatch(/guest-\d+/);
  });
});

describe('the demo bots', () => {
  it('alice (line framing) names herself: the room reads "* guest-N is now alice", then "alice: …"', async () => {
    const { port, server: srv } = await startServer({ logPath: null });
    cleanups.push(() => srv.close());
    const room = await native(port, 'class');
    const bots = demoBots({ host: '127.0.0.1', port, key: KEY, interval: 40 });
    for (const b of bots) b.start();
    cleanups.push(async () => {
      for (const b of bots) await b.sayBye();
    });
    const said = await room.until((m) => m.kind === 'chat' && m.text.startsWith('alice: '), 'alice to speak', 10_000);
    const chats = room.texts('chat');
    const rename = chats.find((t) => t.endsWith(' is now alice'));
    expect(rename).toMatch(/^\* guest-\d+ is now alice$/);
    expect(chats.indexOf(rename!)).toBeLessThan(chats.indexOf('text' in said ? said.text : ''));
    expect(chats.filter((t) => /^guest-\d+: /.test(t))).toEqual([]);
    expect(room.texts('join')).toContain('bob');
  });
});

// A student's seed client, written with Python's cryptography: it sends "/name py" as its first
// line and reads one reply line per line it sends, as the seeds do.
const PY_PEER = `
import socket, os, sys, base64
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives import padding
def enc(key, text):
    iv = os.urandom(16)
    p = padding.PKCS7(128).padder()
    data = p.update(text.encode()) + p.finalize()
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + e.update(data) + e.finalize()) + b"\\n"
def dec(key, line):
    raw = base64.b64decode(line)
    d = Cipher(algorithms.AES(key), modes.CBC(raw[:16])).decryptor()
    u = padding.PKCS7(128).unpadder()
    return (u.update(d.update(raw[16:]) + d.finalize()) + u.finalize()).decode()
buf = b""
def readline(s):
    global buf
    while b"\\n" not in buf:
        chunk = s.recv(4096)
        if not chunk: raise EOFError("closed")
        buf += chunk
    line, buf = buf.split(b"\\n", 1)
    return line.strip()
key = bytes.fromhex(sys.argv[2])
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
for text in sys.argv[3:]:
    s.sendall(enc(key, text))
    print(dec(key, readline(s)), flush=True)
s.close()
`;

describe.skipIf(!HAVE_PYTHON)('a Python peer (cryptography) renames itself', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });
  function python(args: string[]) {
    const p = spawn('python3', ['-c', PY_PEER, ...args]);
    children.push(p);
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    const done = new Promise<number | null>((r) => p.on('close', r));
    return { out: () => out, err: () => err, done };
  }

  it('"/name * py" refused, "/name py" taken, then "hello" relayed as "py: hello"', async () => {
    const { port, server: srv } = await startServer({ logPath: null });
    cleanups.push(() => srv.close());
    const room = await native(port, 'room');
    const py = python([String(port), KEY_HEX, '/name * py', '/name py', 'hello ✓']);
    expect(await py.done, py.err()).toBe(0);
    const out = py.out().split('\n');
    expect(out[0]).toMatch(/^ERROR ERR_BAD_NAME: \/name: the name must have no "\* " or "ERROR " at the start/);
    expect(out.slice(1)).toEqual(['* you are now py', ACK, '']);
    await room.until((m) => m.kind === 'chat' && m.text === 'py: hello ✓', 'the relay');
    const joined = room.texts('join')[0];
    expect(joined).toMatch(/^guest-\d+$/);
    expect(room.texts('chat')).toEqual([`* ${joined} is now py`, 'py: hello ✓']);
  });
});
