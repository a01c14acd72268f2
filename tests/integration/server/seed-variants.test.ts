// The ways students actually write the seed programs (tests/seeds/, Python with `cryptography`,
// written from the seed projects' READMEs): base64 with or without a line end, "\r\n", the IV
// on a line or in a send of its own, hex, JSON, raw bytes; a member that only listens; a
// threaded chat client; a sender with the wrong key; seed servers that answer in each form.
// Each talks to the real ChatServer or the real `cbc-lab client` over 127.0.0.1
// (docs/protocol.md §2, §5, §8.2, §8.3, §9). Python shares no code with ours.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACK_TEXT } from '../../../server/chat/server.ts';
import { KEY_HEX, Recorder, inProcess, startServer, waitFor } from '../../helpers/net.ts';

const SEEDS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'seeds');
const HAVE_PYTHON = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;

const children: ChildProcess[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const c of cleanups.splice(0)) await c();
});

interface Py {
  proc: ChildProcess;
  out(): string;
  err(): string;
  /** exit code once it exited */
  exited: Promise<number | null>;
  /** Date.now() when stdout first matched `re`, once it has */
  seen(re: RegExp): number | undefined;
  exitedAt(): number | undefined;
}

function python(program: string, args: string[]): Py {
  const proc = spawn('python3', [join(SEEDS, program), ...args], {
    env: { ...process.env, PYTHONUNBUFFERED: '1', PYTHONUTF8: '1' }
  });
  children.push(proc);
  let out = '';
  let err = '';
  let endAt: number | undefined;
  const marks = new Map<string, number>();
  const watched: RegExp[] = [];
  proc.stdout!.on('data', (d) => {
    out += d;
    for (const re of watched) if (!marks.has(re.source) && re.test(out)) marks.set(re.source, Date.now());
  });
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) =>
    proc.on('close', (code) => {
      endAt = Date.now();
      r(code);
    })
  );
  return {
    proc,
    out: () => out,
    err: () => err,
    exited,
    seen(re) {
      if (!watched.some((w) => w.source === re.source)) watched.push(re);
      if (!marks.has(re.source) && re.test(out)) marks.set(re.source, Date.now());
      return marks.get(re.source);
    },
    exitedAt: () => endAt
  };
}

/** Start watching for "Encrypted message sent" at once, so its time is when it was printed. */
function seedClient(port: number, message: string, variant: string, key = KEY_HEX): Py {
  const p = python('aes128_client.py', ['127.0.0.1', String(port), key, message, variant]);
  p.seen(/Encrypted message sent/);
  return p;
}

/** A server with a native member and (unless told not to) a line member that never sends. */
async function room(o: { line?: boolean } = {}) {
  const { server, port } = await startServer();
  cleanups.push(() => server.close());
  const native = await Recorder.open({ port, framing: 'native', suite: 'cbc-hmac', name: 'n' });
  cleanups.push(() => native.client.destroy());
  const line = o.line === false ? (null as unknown as Recorder) : await Recorder.open({ port, framing: 'line' });
  if (line) cleanups.push(() => line.client.destroy());
  // The Python programs take 100 ms or more to start: the server (in this process) has accepted
  // both members long before any of them connects.
  return { server, port, native, line };
}

const guestOf = (texts: string[], message: string): string | undefined =>
  texts
    .map((t) => new RegExp(`^(guest-\\d+): ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`).exec(t)?.[1])
    .find(Boolean);

const CLIENT_VARIANTS = ['newline', 'no-newline', 'crlf', 'iv-line', 'iv-send', 'hex', 'json-b64', 'json-hex'] as const;

describe.skipIf(!HAVE_PYTHON)('aes128_client.py variants → the chat server', () => {
  for (const variant of CLIENT_VARIANTS) {
    it(`${variant}: the seed reply, and the room hears the message once, whole`, async () => {
      const { port, native, line } = await room();
      const message = `seed ${variant} ✓`;
      const py = seedClient(port, message, variant);
      const code = await py.exited;
      expect({ code, out: py.out(), err: py.err() }).toEqual({
        code: 0,
        out: `Connected to server\nEncrypted message sent\nDecrypted reply: ${ACK_TEXT}\n`,
        err: ''
      });
      // The sender leaving is the last thing the server does with its connection: every message
      // of it (and any fragment) has been relayed before the leave notice.
      await native.until(
        (m) => m.kind === 'chat' && guestOf([m.text], message) !== undefined,
        `the relay of ${variant} to the native member`
      );
      const guest = guestOf(native.texts('chat'), message)!;
      await native.until((m) => m.kind === 'leave' && m.text === guest, `${guest} leaving (native member)`);
      await line.until((m) => m.kind === 'leave' && m.text === guest, `${guest} leaving (line member)`);
      const fromGuest = (r: Recorder) => r.texts('chat').filter((t) => t.startsWith(`${guest}: `));
      expect(fromGuest(native)).toEqual([`${guest}: ${message}`]);
      expect(fromGuest(line)).toEqual([`${guest}: ${message}`]);
      expect([
        ...native.of('error'),
        ...line.of('error'),
        ...native.of('undecryptable'),
        ...line.of('undecryptable')
      ]).toEqual([]);
    }, 15_000);
  }

  for (const i of [1, 2, 3]) {
    it(`raw bytes (#${i}): refused at once with one plain line naming raw bytes and base64; the room goes on`, async () => {
      const { port, native, line } = await room();
      const py = seedClient(port, `raw ${i}`, 'raw');
      const code = await py.exited;
      const sentAt = py.seen(/Encrypted message sent/)!;
      const ms = py.exitedAt()! - sentAt;
      expect(code, py.err()).toBe(3);
      const reply = pyBytes(/^Reply: (.*)$/m.exec(py.out())?.[1] ?? "b''");
      const text = reply.toString('latin1');
      expect(text).toMatch(/^cbc-lab: (ERR_RAW_BYTES|ERR_UNKNOWN_FRAMING|ERR_BAD_MAGIC): /);
      expect(text).toMatch(/raw bytes/);
      expect(text).toMatch(/base64/);
      expect(
        [...reply].filter((b) => b > 0x7e || (b < 0x20 && b !== 0x0a)).map((b) => b.toString(16)),
        `plain ASCII: ${JSON.stringify(text)}`
      ).toEqual([]);
      expect(text.indexOf('\n'), 'one line').toBe(text.length - 1);
      expect(ms, `from "Encrypted message sent" to the exit: ${ms} ms`).toBeLessThan(1000);
      // nothing relayed; the others still talk
      const after = seedClient(port, `after raw ${i}`, 'newline');
      expect(await after.exited, after.err()).toBe(0);
      await native.until((m) => m.kind === 'chat' && m.text.endsWith(`: after raw ${i}`), 'the next message (native)');
      await line.until((m) => m.kind === 'chat' && m.text.endsWith(`: after raw ${i}`), 'the next message (line)');
      expect(native.texts('chat').filter((t) => !t.endsWith(`: after raw ${i}`))).toEqual([]);
      expect(line.texts('chat').filter((t) => !t.endsWith(`: after raw ${i}`))).toEqual([]);
    }, 15_000);
  }

  // IV ‖ C is random: its first byte may be a base64 letter, other printable ASCII or binary.
  for (const [what, first] of [
    ['a base64 letter', 0x41],
    ['printable, not base64 ("\\")', 0x5c],
    ['"="', 0x3d],
    ['binary', 0x9b]
  ] as const) {
    it(`raw bytes whose first byte is ${what}: the same plain line, at once`, async () => {
      const { port } = await room({ line: false });
      const { createConnection } = await import('node:net');
      const s = createConnection({ host: '127.0.0.1', port });
      cleanups.push(() => s.destroy());
      let got = Buffer.alloc(0);
      let closed = false;
      s.on('data', (d) => (got = Buffer.concat([got, d])));
      s.on('error', () => {});
      s.on('close', () => (closed = true));
      await new Promise((r) => s.once('connect', r));
      const raw = Buffer.from(randomBytes(48));
      raw[0] = first;
      raw[1] = 0x00; // certainly not text
      const t0 = Date.now();
      s.write(raw);
      await waitFor(() => closed, 'the server to close', 3000);
      const ms = Date.now() - t0;
      const text = got.toString('latin1');
      expect(text).toMatch(/^cbc-lab: (ERR_RAW_BYTES|ERR_UNKNOWN_FRAMING|ERR_BAD_MAGIC): /);
      expect(text).toMatch(/raw bytes/);
      expect(text).toMatch(/base64/);
      expect(
        [...got].filter((b) => b > 0x7e || (b < 0x20 && b !== 0x0a)).map((b) => b.toString(16)),
        `plain ASCII: ${JSON.stringify(text)}`
      ).toEqual([]);
      expect(text.indexOf('\n'), 'one line').toBe(text.length - 1);
      expect(ms).toBeLessThan(1000);
    });
  }

  it('no line end and not a message: ERR_NO_LINE_END within about half a second', async () => {
    // The same client, but what it sends without "\n" is base64 of something that is not IV ‖ C.
    const { port, native } = await room();
    const { createConnection } = await import('node:net');
    const s = createConnection({ host: '127.0.0.1', port });
    cleanups.push(() => s.destroy());
    let got = Buffer.alloc(0);
    s.on('data', (d) => (got = Buffer.concat([got, d])));
    await new Promise((r) => s.once('connect', r));
    const t0 = Date.now();
    s.write(Buffer.from('not a whole message').toString('base64')); // 'bm90IGEgd2hvbGUgbWVzc2FnZQ==' : 19 bytes
    await waitFor(() => got.includes(10), 'an answer to the unended text', 3000);
    const ms = Date.now() - t0;
    // an encrypted ERROR line (§5.4) or a plain `cbc-lab: …` line
    const text = got.toString('latin1').startsWith('cbc-lab: ') ? got.toString('latin1') : await openLineReply(got);
    expect(text).toMatch(/ERR_NO_LINE_END/);
    expect(text).toMatch(/line end|base64/);
    expect(ms).toBeLessThan(1000);
    expect(native.texts('chat')).toEqual([]);
  });
});

describe.skipIf(!HAVE_PYTHON)('the chat seed (threaded clients, listeners, a wrong key) → the chat server', () => {
  it('a listener that never sends hears what is said right after it connected, and joins as guest-N after 1 s of silence', async () => {
    const { port, native } = await room();
    const listener = python('chat_listener.py', ['127.0.0.1', String(port), KEY_HEX, '20']);
    await waitFor(() => /Connected to server/.test(listener.out()), 'the listener to connect');
    // §8.2.1: said at once, while the server does not yet know what the connection is (the server,
    // in this process, accepted it before this test read the listener's "Connected")
    const t0 = Date.now();
    native.client.send('for the listener');
    const seed = seedClient(port, 'seed for the listener', 'newline');
    expect(await seed.exited, seed.err()).toBe(0);
    await waitFor(() => /^n: for the listener$/m.test(listener.out()), 'the listener to hear the native member', 5000);
    await waitFor(
      () => /^guest-\d+: seed for the listener$/m.test(listener.out()),
      'the listener to hear the seed client',
      5000
    );
    await native.until(
      (m) => m.kind === 'chat' && m.text.endsWith(': seed for the listener'),
      'the seed relay (native)'
    );
    const seedGuest = guestOf(native.texts('chat'), 'seed for the listener');
    await native.until(
      (m) => m.kind === 'join' && /^guest-\d+$/.test(m.text) && m.text !== seedGuest,
      'the join notice of the listener',
      5000
    );
    expect(Date.now() - t0, 'the join notice comes after the second of silence').toBeGreaterThanOrEqual(900);
    expect(listener.out()).not.toMatch(/ERROR|cannot decrypt|closed the connection/);
    expect(listener.out().match(/^n: for the listener$/gm)).toHaveLength(1);
    expect(listener.out().match(/: seed for the listener$/gm)).toHaveLength(1);
  }, 15_000);

  /**
   * A chat client that has not typed yet; in the room for sure once the native member heard its
   * join notice (1 s of silence). `joins`: the join notices due by then (the room's silent line
   * member has one too).
   */
  async function chatClient(port: number, name: string, native: Recorder, joins: number) {
    const before = native.of('join').length;
    const c = python('chat_client.py', ['127.0.0.1', String(port), KEY_HEX, name]);
    await waitFor(() => new RegExp(`Connected to server as ${name}`).test(c.out()), `${name} to connect`);
    await waitFor(() => native.of('join').length >= before + joins, `the join notice of ${name}`, 5000);
    return c;
  }

  it('two threaded chat clients hear each other (alice, who sends at once, reads the ack first)', async () => {
    const { port, native } = await room({ line: false });
    const b = await chatClient(port, 'bob', native, 1);
    const a = python('chat_client.py', ['127.0.0.1', String(port), KEY_HEX, 'alice']);
    a.proc.stdin!.write('hello from a\n'); // typed before it even connected: sent at once
    await waitFor(() => /^guest-\d+: alice: hello from a$/m.test(b.out()), 'bob to hear alice');
    await waitFor(() => a.out().includes(ACK_TEXT), 'alice to read the ack');
    b.proc.stdin!.write('hello from b ✓\n');
    await waitFor(() => /^guest-\d+: bob: hello from b ✓$/m.test(a.out()), 'alice to hear bob');
    await native.until(
      (m) => m.kind === 'chat' && /^guest-\d+: bob: hello from b ✓$/.test(m.text),
      'the native member to hear bob'
    );
    a.proc.stdin!.end();
    b.proc.stdin!.end();
    expect(await a.exited, a.err()).toBe(0);
    expect(await b.exited, b.err()).toBe(0);
    const aliceLines = a
      .out()
      .split('\n')
      .filter((l) => l && !l.startsWith('Connected') && !l.startsWith('* '));
    expect(aliceLines[0], a.out()).toBe(ACK_TEXT);
    for (const [p, other] of [
      [a, 'bob: hello from b ✓'],
      [b, 'alice: hello from a']
    ] as const) {
      const lines = p.out().split('\n');
      expect(
        lines.filter((l) => l === ACK_TEXT),
        p.out()
      ).toHaveLength(1);
      expect(
        lines.filter((l) => l.endsWith(other)),
        p.out()
      ).toHaveLength(1);
      expect(p.out()).not.toMatch(/ERROR|cannot decrypt/);
    }
    expect(native.texts('chat').filter((t) => t.endsWith('alice: hello from a'))).toHaveLength(1);
  }, 20_000);

  it('a sender with the wrong key is refused and stops nobody', async () => {
    const { port, native, line } = await room();
    const b = await chatClient(port, 'bob', native, 2);
    const wrong = python('chat_wrong_key.py', ['127.0.0.1', String(port), 'from the wrong key']);
    expect(await wrong.exited, wrong.err()).toBe(0);
    expect(wrong.out()).toMatch(/cannot decrypt the reply/); // the server's ERROR line is sealed with the right key
    b.proc.stdin!.write('still here\n');
    await native.until(
      (m) => m.kind === 'chat' && /^guest-\d+: bob: still here$/.test(m.text),
      'bob after the wrong key (native)'
    );
    await line.until(
      (m) => m.kind === 'chat' && /^guest-\d+: bob: still here$/.test(m.text),
      'bob after the wrong key (line)'
    );
    const seed = seedClient(port, 'seed after the wrong key', 'crlf');
    expect(await seed.exited, seed.err()).toBe(0);
    expect(seed.out()).toContain(`Decrypted reply: ${ACK_TEXT}`);
    await waitFor(() => /: seed after the wrong key$/m.test(b.out()), 'bob to hear the seed client');
    expect(
      native.texts('chat').filter((t) => !t.endsWith(': bob: still here') && !t.endsWith(': seed after the wrong key'))
    ).toEqual([]);
    expect(b.out()).not.toMatch(/from the wrong key/);
    b.proc.stdin!.end();
    expect(await b.exited, b.err()).toBe(0);
  }, 20_000);
});

const SERVER_VARIANTS = ['newline', 'no-newline', 'crlf', 'iv-line', 'hex', 'json-b64', 'json-hex', 'raw'] as const;

describe.skipIf(!HAVE_PYTHON)('cbc-lab client --framing line → aes128_server.py variants', () => {
  for (const variant of SERVER_VARIANTS)
    for (const ending of ['close', 'keep'] as const) {
      it(`reply ${variant}, then ${ending === 'close' ? 'the server closes' : 'the connection stays open'}`, async () => {
        const srv = python('aes128_server.py', ['0', KEY_HEX, variant, ending]);
        await waitFor(() => /^\d+\n/.test(srv.out()), 'the seed server port', 10_000);
        const port = srv.out().split('\n')[0];
        const t0 = Date.now();
        const { code, stdout, stderr } = await inProcess([
          'client',
          '--port',
          port,
          '--key',
          KEY_HEX,
          '--framing',
          'line',
          '--message',
          'hi'
        ]);
        const ms = Date.now() - t0;
        expect({ code, stdout }, stderr).toEqual({
          code: 0,
          stdout: `Connected to server\nEncrypted message sent\nDecrypted reply: ${ACK_TEXT}\n`
        });
        expect(ms, `the client took ${ms} ms`).toBeLessThan(3000);
        expect(await srv.exited, srv.err()).toBe(0);
        expect(srv.out()).toContain('Received: hi\n');
      }, 15_000);
    }
});

// ---- helpers ----

/** The bytes a Python `repr(bytes)` stands for, read by Python itself. */
function pyBytes(repr: string): Buffer {
  const r = spawnSync(
    'python3',
    ['-c', 'import ast, sys; sys.stdout.buffer.write(ast.literal_eval(sys.stdin.read()))'],
    { input: repr }
  );
  if (r.status !== 0) throw new Error(`not a Python bytes literal: ${repr}`);
  return r.stdout;
}

/** Decrypt the first base64 line of `got` with the test key (node:crypto), as a seed client would. */
async function openLineReply(got: Buffer): Promise<string> {
  const { createDecipheriv } = await import('node:crypto');
  const first = got.toString('latin1').split('\n')[0].trim();
  const raw = Buffer.from(first, 'base64');
  const d = createDecipheriv('aes-128-cbc', Buffer.from(KEY_HEX, 'hex'), raw.subarray(0, 16));
  return Buffer.concat([d.update(raw.subarray(16)), d.final()]).toString('utf8');
}
