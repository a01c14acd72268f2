// `cbc-lab client` shows other people's text, never lets it act (DESIGN.md, "What a user must
// never see"), and one peer with another key does not end a chat. Real sockets on 127.0.0.1: a
// ChatServer in process, or a seed-style room/server written here with node:crypto and the wire
// formats of docs/protocol.md §3.1 and §5.1 built by hand; the CLI in process (runCli), its stdin
// a stream we type into for the interactive chat.
import { afterEach, describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import fc from 'fast-check';
import { escapeTerminalText } from '../../../server/cli/terminal-text.ts';
import { KEY, KEY_HEX, Recorder, inProcess, startServer, waitFor } from '../../helpers/net.ts';
import { startInProcess, type InProcessCli } from '../../helpers/spawn-cli.ts';
const OTHER_KEY = Buffer.from('ff'.repeat(16), 'hex');
const ACK = 'Hello Client, message received securely'; // docs/protocol.md §8.2
/** what no printed line may hold: C0 controls (but the line end), DEL, C1, bidi controls */
const DANGEROUS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const children: InProcessCli[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.stdin.end();
  for (const c of cleanups.splice(0).reverse()) await c();
});

// --- the wire, from the spec ---------------------------------------------------------------

/** IV ‖ AES-CBC-PKCS7(key, IV, text) (docs/protocol.md §4.2), by node:crypto. */
function cbcPayload(key: Uint8Array, text: string, iv: Buffer = randomBytes(16)): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  return Buffer.concat([iv, c.update(text, 'utf8'), c.final()]);
}

/** §5.1: base64(IV ‖ C) + "\n". */
const line = (key: Uint8Array, text: string) => cbcPayload(key, text).toString('base64') + '\n';

/** What a payload sealed with `sealedWith` gives when opened with `openedWith`, by node:crypto. */
function openedAs(openedWith: Uint8Array, payload: Buffer): 'bad padding' | 'not UTF-8' | 'text' {
  const d = createDecipheriv(`aes-${openedWith.length * 8}-cbc`, openedWith, payload.subarray(0, 16));
  let plain: Buffer;
  try {
    plain = Buffer.concat([d.update(payload.subarray(16)), d.final()]);
  } catch {
    return 'bad padding';
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(plain);
    return 'text';
  } catch {
    return 'not UTF-8';
  }
}

/** A payload in `key` that, opened with KEY, fails in the way asked for. */
function wrongKeyPayload(key: Uint8Array, fails: 'bad padding' | 'not UTF-8'): Buffer {
  for (let i = 0; i < 100_000; i++) {
    const p = cbcPayload(key, 'hello from the peer with another key');
    if (openedAs(KEY, p) === fails) return p;
  }
  throw new Error(`no payload found that fails with ${fails}`);
}

/** §3.1: magic CB C1, version 1, type, suite, seq and length (big-endian), then the payload. */
function nativeFrame(type: number, suite: number, seq: number, payload: Uint8Array): Buffer {
  const h = Buffer.from([0xcb, 0xc1, 1, type, suite, 0, 0, 0, 0, 0, 0, 0, 0]);
  h.writeUInt32BE(seq, 5);
  h.writeUInt32BE(payload.length, 9);
  return Buffer.concat([h, payload]);
}
const T = { hello: 1, chat: 2, ack: 3, join: 4, leave: 5, error: 6, bye: 7 }; // §3.2
const S = { none: 0, cbc: 1 }; // §3.3

/** A TCP server written here: `onConn` gets each socket and its incoming native frames or lines. */
async function fakeServer(
  onConn: (s: Socket, unit: (cb: (u: Buffer) => void) => void) => void,
  framing: 'native' | 'line'
): Promise<number> {
  const server: Server = createServer((s) => {
    s.on('error', () => {});
    let buf = Buffer.alloc(0);
    let handler: (u: Buffer) => void = () => {};
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (framing === 'native') {
          if (buf.length < 13) break;
          const end = 13 + buf.readUInt32BE(9);
          if (buf.length < end) break;
          const f = buf.subarray(0, end);
          buf = buf.subarray(end);
          handler(f);
        } else {
          const nl = buf.indexOf(0x0a);
          if (nl < 0) break;
          const l = buf.subarray(0, nl);
          buf = buf.subarray(nl + 1);
          handler(l);
        }
      }
    });
    onConn(s, (cb) => (handler = cb));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
}

/** A seed chat room: every line from one connection goes to every other, as it is (no key). */
async function seedRoom(): Promise<{ port: number; connections: () => number }> {
  const conns = new Set<Socket>();
  const port = await fakeServer((s, unit) => {
    conns.add(s);
    s.on('close', () => conns.delete(s));
    unit((l) => {
      for (const o of conns) if (o !== s) o.write(Buffer.concat([l, Buffer.from('\n')]));
    });
  }, 'line');
  return { port, connections: () => conns.size };
}

// --- the CLI --------------------------------------------------------------------------------

/** `cbc-lab client ARGS…` with stdin open: an interactive chat. */
async function interactiveClient(args: string[]) {
  const c = startInProcess(['client', ...args], { env: { ...process.env, CBC_LAB_KEY: '' } });
  children.push(c);
  let exitCode: number | null = null;
  const exited = c.exited.then((code) => (exitCode = code));
  await waitFor(() => c.out().includes('Connected to server') || exitCode !== null, 'the client to connect', 20_000);
  expect(c.out(), c.err()).toContain('Connected to server');
  const p = {
    stdin: c.stdin,
    get exitCode() {
      return exitCode;
    }
  };
  return { p, out: c.out, err: c.err, lines: c.lines, exited };
}

// --- 1. escaping ----------------------------------------------------------------------------

/** The reading of an escaped string, written from the escapes' definition (JS/Python literals). */
function unescape(s: string): string {
  return s.replace(/\\(\\|n|r|t|x[0-9a-f]{2}|u[0-9a-f]{4})/g, (_, e: string) =>
    e === '\\'
      ? '\\'
      : e === 'n'
        ? '\n'
        : e === 'r'
          ? '\r'
          : e === 't'
            ? '\t'
            : String.fromCharCode(parseInt(e.slice(1), 16))
  );
}

describe('escapeTerminalText', () => {
  const cases: [string, string, string][] = [
    ['a line end', 'ok\nalice: hi', 'ok\\nalice: hi'],
    ['CR and tab', 'a\rb\tc', 'a\\rb\\tc'],
    ['an SGR sequence (ESC [ … m)', '\x1b[31mred\x1b[0m', '\\x1b[31mred\\x1b[0m'],
    ['an OSC title (ESC ] … BEL)', '\x1b]0;pwned\x07', '\\x1b]0;pwned\\x07'],
    ['NUL and DEL', '\x00\x7f', '\\x00\\x7f'],
    ['C1 controls: CSI, OSC, NEL', '\u009b31m\u009d\u0085', '\\x9b31m\\x9d\\x85'],
    [
      'bidi overrides and isolates',
      '\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069',
      '\\u202a\\u202b\\u202c\\u202d\\u202e\\u2066\\u2067\\u2068\\u2069'
    ],
    ['a backslash, so that a typed "\\n" is not a line end', 'a\\nb', 'a\\\\nb'],
    ['text that needs nothing', 'héllo wörld ✓ 日本 👍🏽 "quotes" <b>', 'héllo wörld ✓ 日本 👍🏽 "quotes" <b>']
  ];
  for (const [what, input, expected] of cases) it(what, () => expect(escapeTerminalText(input)).toBe(expected));

  it('any string: one printable line, and the escapes read back to exactly the input (nothing ambiguous)', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.constantFrom('\\', 'n', 'x', 'u', '\n', '\x1b', '\u009b', '\u202e', '\u2069', '\x7f', '\t'),
            fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
            fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp))
          )
        }),
        (s) => {
          const e = escapeTerminalText(s);
          return !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(e) && unescape(e) === s;
        }
      ),
      { numRuns: 500 }
    );
  });
});

// --- 1. peer text in the client -------------------------------------------------------------

const FORGED = 'ok\nalice: please send me the demo key';

describe('cbc-lab client: a peer cannot forge lines or send terminal escapes', () => {
  for (const framing of ['native', 'line'] as const) {
    it(`${framing} framing: a "\\n" stays in its line; escapes, C1 and bidi in text and names are shown escaped`, async () => {
      const { server, port } = await startServer({ logPath: null });
      cleanups.push(() => server.close());
      const c = await interactiveClient([
        '--port',
        String(port),
        '--key',
        KEY_HEX,
        '--framing',
        framing,
        ...(framing === 'native' ? ['--name', 'alice'] : [])
      ]);
      const watcher = await Recorder.open({ port, framing: 'native', name: 'watcher' });
      cleanups.push(() => watcher.client.destroy());
      if (framing === 'line') {
        c.p.stdin.write('hi\n'); // a line client joins the room with its first message (§8.2)
        await watcher.until((m) => m.kind === 'chat' && /^guest-\d+: hi$/.test(m.text), 'the line client in the room');
      }
      const mallory = await Recorder.open({ port, framing: 'native', name: 'mallory' });
      cleanups.push(() => mallory.client.destroy());
      mallory.client.send(FORGED);
      mallory.client.send('bye\n* alice left');
      mallory.client.send('\x1b[2J\x1b]0;pwned\x07\u009b31m \u202egnp.exe back\\slash');
      mallory.client.send('done');
      await waitFor(() => c.out().includes('mallory: done\n'), 'the last message', 10_000);
      const lines = c.lines();
      expect(lines).toContain('mallory: ok\\nalice: please send me the demo key');
      expect(lines).toContain('mallory: bye\\n* alice left');
      expect(lines).toContain('mallory: \\x1b[2J\\x1b]0;pwned\\x07\\x9b31m \\u202egnp.exe back\\\\slash');
      // what the forgery wanted to show, as a line of its own, is not there
      expect(lines).not.toContain('alice: please send me the demo key');
      expect(lines).not.toContain('* alice left');
      expect(c.out()).not.toMatch(DANGEROUS);
      c.p.stdin.end();
      expect(await c.exited).toBe(0);
    }, 60_000);
  }

  it('line framing: lines shaped like a server error or bye from a seed room do not end the chat', async () => {
    // a seed room relays whatever its clients send; line framing cannot tell these from the server's own (§8.2)
    const line = (text: string) => cbcPayload(KEY, text).toString('base64') + '\n';
    const port = await fakeServer((s) => {
      s.write(line('ERROR ERR_DECRYPT: x\x1b[31m'));
      s.write(line('* server shutting down: bye'));
      s.write(line('bob: still here'));
    }, 'line');
    const c = await interactiveClient(['--port', String(port), '--key', KEY_HEX]);
    await waitFor(() => c.out().includes('bob: still here\n'), 'the message after the forged ones', 10_000);
    expect(c.p.exitCode).toBeNull();
    expect(c.err()).toContain('! server: ERR_DECRYPT: x\\x1b[31m\n');
    c.p.stdin.end();
    expect(await c.exited).toBe(0);
  }, 60_000);

  it('cbc-lab server refuses names that line clients would read as its own lines, and C1 or bidi controls (ERR_BAD_NAME)', async () => {
    const { server, port } = await startServer({ logPath: null });
    cleanups.push(() => server.close());
    for (const name of ['ERROR ERR_DECRYPT', '* server shutting down', 'ev\u202eil', 'c1\u009b']) {
      const r = await Recorder.open({ port, framing: 'native', name });
      cleanups.push(() => r.client.destroy());
      expect(r.of('error')[0], name).toMatchObject({ code: 'ERR_BAD_NAME' });
    }
  });

  it("--message: the server's error message and code are shown escaped (native error frame)", async () => {
    const port = await fakeServer((s, unit) => {
      unit(() => {
        const body = JSON.stringify({ code: 'ERR_X\x1b[31m', message: 'no\x1b]0;t\x07\nalice: hi\u202e' });
        s.end(nativeFrame(T.error, S.none, 0, Buffer.from(body)));
      });
    }, 'native');
    const r = await inProcess([
      'client',
      '--port',
      String(port),
      '--key',
      KEY_HEX,
      '--framing',
      'native',
      '--name',
      'a',
      '--message',
      'hi'
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'cbc-lab: ERR_X\\x1b[31m: the server refused our hello: no\\x1b]0;t\\x07\\nalice: hi\\u202e\n'
    );
    expect(r.stderr + r.stdout).not.toMatch(DANGEROUS);
  });

  it('--message: a bye reason is shown escaped', async () => {
    const port = await fakeServer(
      (s, unit) => unit(() => s.end(nativeFrame(T.bye, S.none, 0, Buffer.from('\u202eevil\nalice: x\x1b[0m')))),
      'native'
    );
    const r = await inProcess([
      'client',
      '--port',
      String(port),
      '--key',
      KEY_HEX,
      '--framing',
      'native',
      '--name',
      'a',
      '--message',
      'hi'
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'cbc-lab: ERR_NO_REPLY: the server said bye before replying (\\u202eevil\\nalice: x\\x1b[0m)\n'
    );
  });

  it('--show-wire: a line that is not ciphertext is printed escaped', async () => {
    const port = await fakeServer((s, unit) => unit(() => s.end('\x1b]0;pwned\x07AAAA\tBB\u009b\r\n')), 'line');
    const r = await inProcess(['client', '--port', String(port), '--key', KEY_HEX, '--message', 'hi', '--show-wire']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^← wire: /m);
    expect(r.stdout + r.stderr).not.toMatch(DANGEROUS);
  });
});

// --- 2. a peer with another key -------------------------------------------------------------

describe('cbc-lab client in a seed room: a peer with another key does not end the chat', () => {
  it('interactive: one `!` line per undecryptable message, saying why, and the next good message still arrives', async () => {
    const room = await seedRoom();
    const port = room.port;
    const c = await interactiveClient(['--port', String(port), '--key', KEY_HEX]);
    const peer = (await import('node:net')).connect({ host: '127.0.0.1', port });
    await new Promise((r) => peer.once('connect', r));
    cleanups.push(() => peer.destroy());
    await waitFor(() => room.connections() === 2, 'the room to know both connections');
    peer.write(wrongKeyPayload(OTHER_KEY, 'bad padding').toString('base64') + '\n');
    peer.write(wrongKeyPayload(OTHER_KEY, 'not UTF-8').toString('base64') + '\n');
    peer.write(line(KEY, 'bob: the next good message'));
    await waitFor(() => c.out().includes('bob: the next good message\n'), 'the good message', 10_000);
    expect(c.out().split('\n').slice(1, 4)).toEqual([
      '! cannot decrypt a message: bad padding — that sender may use another key',
      '! cannot decrypt a message: the plaintext is not UTF-8 — that sender may use another key',
      'bob: the next good message'
    ]);
    expect(c.p.exitCode).toBeNull();
    // and it still sends: the room relays what we type to the peer
    let got = '';
    peer.on('data', (d) => (got += d));
    c.p.stdin.write('still chatting\n');
    await waitFor(() => got.includes('\n'), 'our line in the room', 10_000);
    const raw = Buffer.from(got.trim(), 'base64');
    const d = createDecipheriv('aes-128-cbc', KEY, raw.subarray(0, 16));
    expect(Buffer.concat([d.update(raw.subarray(16)), d.final()]).toString()).toBe('still chatting');
    c.p.stdin.end();
    expect(await c.exited).toBe(0);
  }, 60_000);

  it("--message, line framing: the first line after our message is the reply; an undecryptable line after a relayed one is someone else's", async () => {
    const port = await fakeServer(
      (s, unit) =>
        unit(() => {
          s.write(line(KEY, 'bob: a relay before the reply')); // a seed room's relay, in our key
          s.write(wrongKeyPayload(OTHER_KEY, 'bad padding').toString('base64') + '\n');
          s.write(line(KEY, ACK));
        }),
      'line'
    );
    const r = await inProcess(['client', '--port', String(port), '--key', KEY_HEX, '--message', 'hi']);
    expect(r.stderr).toContain('! cannot decrypt a message: bad padding — that sender may use another key\n');
    expect(r.stdout).toBe(`Connected to server\nEncrypted message sent\nDecrypted reply: ${ACK}\n`);
    expect(r.code).toBe(0);
  });

  it('--message, line framing: a first line after our message that does not decrypt is our reply failing, exit 1', async () => {
    const port = await fakeServer(
      (s, unit) => unit(() => s.write(wrongKeyPayload(OTHER_KEY, 'bad padding').toString('base64') + '\n')),
      'line'
    );
    const r = await inProcess(['client', '--port', String(port), '--key', KEY_HEX, '--message', 'hi']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "cbc-lab: ERR_BAD_PADDING: cannot decrypt the server's reply: bad padding — do both sides use the same key?\n"
    );
  });

  it('--message, native framing: undecryptable chat frames before the hello reply and before the ack are skipped; the type byte says which is the reply', async () => {
    const port = await fakeServer((s, unit) => {
      let seq = 0;
      unit((f) => {
        if (f[3] === T.hello) {
          s.write(nativeFrame(T.chat, S.cbc, seq++, wrongKeyPayload(OTHER_KEY, 'bad padding')));
          s.write(nativeFrame(T.hello, S.cbc, seq++, cbcPayload(KEY, 'welcome a')));
        } else if (f[3] === T.chat) {
          s.write(nativeFrame(T.chat, S.cbc, seq++, wrongKeyPayload(OTHER_KEY, 'not UTF-8')));
          s.write(nativeFrame(T.ack, S.cbc, seq++, cbcPayload(KEY, ACK)));
        }
      });
    }, 'native');
    const r = await inProcess([
      'client',
      '--port',
      String(port),
      '--key',
      KEY_HEX,
      '--framing',
      'native',
      '--name',
      'a',
      '--message',
      'hi'
    ]);
    expect(r.stdout).toBe(`Connected to server\nEncrypted message sent\nDecrypted reply: ${ACK}\n`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('! cannot decrypt a message: bad padding — that sender may use another key\n');
    expect(r.stderr).toContain(
      '! cannot decrypt a message: the plaintext is not UTF-8 — that sender may use another key\n'
    );
  });

  it('--message, native framing: an ack that does not decrypt is our reply failing, exit 1', async () => {
    const port = await fakeServer((s, unit) => {
      let seq = 0;
      unit((f) => {
        if (f[3] === T.hello) s.write(nativeFrame(T.hello, S.cbc, seq++, cbcPayload(KEY, 'welcome a')));
        else if (f[3] === T.chat) s.write(nativeFrame(T.ack, S.cbc, seq++, wrongKeyPayload(OTHER_KEY, 'bad padding')));
      });
    }, 'native');
    const r = await inProcess([
      'client',
      '--port',
      String(port),
      '--key',
      KEY_HEX,
      '--framing',
      'native',
      '--name',
      'a',
      '--message',
      'hi'
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "cbc-lab: ERR_BAD_PADDING: cannot decrypt the server's reply: bad padding — do both sides use the same key?\n"
    );
  });
});
