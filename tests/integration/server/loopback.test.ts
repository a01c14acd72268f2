// Real sockets on 127.0.0.1 (listen(0)): the room, both framings, bad peers, the log. The server's
// time is a FakeClock: its timers (grace, pause, idle, slow readers) fire when a test moves it on.
import { afterEach, describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ACK_TEXT, CLOSE_DEADLINE_MS, type ChatServer } from '../../../server/chat/server.ts';
import { sealFrame, deriveKeys } from '../../../server/suites.ts';
import { FrameDecoder, type NativeFrame } from '../../../src/lib/protocol/index.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';
import { KEY, KEY_HEX, RawPeer, Recorder, startServer, ticking, waitFor } from '../../helpers/net.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function server(o: Parameters<typeof startServer>[0] = {}) {
  const clock = new FakeClock();
  const s = await startServer({ clock, ...o });
  cleanups.push(() => closeServer(s.server, clock, 'test over'));
  return { ...s, clock };
}
/** close() gives peers up to 2 s of the server's clock to close their side; on a FakeClock, that is now. */
function closeServer(srv: ChatServer, clock: FakeClock, reason?: string): Promise<void> {
  const closing = srv.close(reason);
  clock.advance(CLOSE_DEADLINE_MS);
  return closing;
}
async function client(o: ConstructorParameters<typeof Recorder>[0]) {
  const r = await Recorder.open(o);
  cleanups.push(() => r.client.destroy());
  return r;
}

/** The spec, §5.1, by hand: base64(IV ‖ AES-128-CBC-PKCS7(key, IV, UTF-8)) + "\n". */
function handLine(text: string, key = KEY): string {
  const iv = randomBytes(16);
  const c = createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([iv, c.update(text, 'utf8'), c.final()]).toString('base64') + '\n';
}
function handOpen(line: string, key = KEY): string {
  const b = Buffer.from(line, 'base64');
  const d = createDecipheriv('aes-128-cbc', key, b.subarray(0, 16));
  return Buffer.concat([d.update(b.subarray(16)), d.final()]).toString('utf8');
}
function frames(bytes: Buffer): NativeFrame[] {
  return new FrameDecoder().pushAll(bytes) as NativeFrame[];
}

describe('the room', () => {
  it('three clients (line, native cbc, native cbc-hmac): every message reaches every other client exactly once, in order', async () => {
    const { port, clock } = await server();
    const nora = await client({ port, framing: 'native', suite: 'cbc', name: 'nora' });
    const hank = await client({ port, framing: 'native', suite: 'cbc-hmac', name: 'hank' });
    const line = await client({ port, framing: 'line' });
    line.client.send('line 0');
    await line.until((m) => m.kind === 'ack', "the line client's first ack");
    expect(line.got[0]).toMatchObject({ kind: 'ack', text: ACK_TEXT }); // §8.2: the ack comes first
    const guest = nora.texts('join').find((n) => n.startsWith('guest-'))!;
    expect(guest).toMatch(/^guest-\d+$/);
    expect(nora.texts('join')).toEqual(['hank', guest]);

    const N = 40;
    for (let i = 1; i <= N; i++) {
      nora.client.send(`nora ${i}`);
      hank.client.send(`hank ${i}`);
      line.client.send(`line ${i}`);
    }
    const from = (r: Recorder, who: string) =>
      r
        .texts('chat')
        .filter((t) => t.startsWith(`${who}: `))
        .map((t) => t.slice(who.length + 2));
    const seq = (who: string, first: number) => Array.from({ length: N + 1 - first }, (_, i) => `${who} ${i + first}`);
    await waitFor(
      () =>
        from(nora, 'hank').length >= N &&
        from(nora, guest).length >= N + 1 &&
        from(hank, 'nora').length >= N &&
        from(hank, guest).length >= N + 1 &&
        from(line, 'nora').length >= N &&
        from(line, 'hank').length >= N,
      'all deliveries'
    );
    // anything extra would be on the wire before a last message that comes after every timer has
    // fired: on each socket the server writes in order
    clock.advance(60_000);
    const last = await client({ port, framing: 'native', suite: 'cbc', name: 'last' });
    last.client.send('over');
    await waitFor(
      () => [nora, hank, line].every((r) => r.texts('chat').includes('last: over')),
      'the last message at everyone'
    );
    expect(from(nora, 'hank')).toEqual(seq('hank', 1));
    expect(from(nora, guest)).toEqual(seq('line', 0));
    expect(from(hank, 'nora')).toEqual(seq('nora', 1));
    expect(from(hank, guest)).toEqual(seq('line', 0));
    expect(from(line, 'nora')).toEqual(seq('nora', 1));
    expect(from(line, 'hank')).toEqual(seq('hank', 1));
    // nobody hears their own messages; everybody gets one ack per message
    expect(from(nora, 'nora')).toEqual([]);
    expect(from(line, guest)).toEqual([]);
    expect(nora.texts('ack')).toHaveLength(N);
    expect(hank.texts('ack')).toHaveLength(N);
    expect(line.texts('ack')).toHaveLength(N + 1);
    expect(
      [...nora.got, ...hank.got, ...line.got].filter((m) => m.kind === 'undecryptable' || m.kind === 'error')
    ).toEqual([]);

    await hank.client.end();
    await nora.until((m) => m.kind === 'leave' && m.text === 'hank', "hank's leave notice");
    await line.until((m) => m.kind === 'leave' && m.text === 'hank', "hank's leave notice on the line client");
  });

  it('relays are sealed once per suite, not once per recipient: same-suite recipients get identical bytes', async () => {
    const { port } = await server();
    const sender = await client({ port, framing: 'native', suite: 'gcm', name: 'sender' });
    const a = await client({ port, framing: 'native', suite: 'cbc-hmac', name: 'a' });
    const b = await client({ port, framing: 'native', suite: 'cbc-hmac', name: 'b' });
    const c = await client({ port, framing: 'native', suite: 'gcm', name: 'c' });
    sender.client.send('once');
    await waitFor(() => [a, b, c].every((r) => r.texts('chat').includes('sender: once')), 'the relay');
    const wire = (r: Recorder) => Buffer.from(r.of('chat')[0].wire as Uint8Array).toString('hex');
    expect(wire(a)).toBe(wire(b));
    expect(wire(a)).not.toBe(wire(c));
    // a fresh IV per message: the next message has another IV
    sender.client.send('once');
    await waitFor(() => a.of('chat').length === 2, 'the second relay');
    expect(
      Buffer.from(a.of('chat')[1].wire as Uint8Array)
        .subarray(13, 29)
        .equals(Buffer.from(a.of('chat')[0].wire as Uint8Array).subarray(13, 29))
    ).toBe(false);
  });

  it('a line frame built by hand with node:crypto from the spec alone is understood, and the reply decrypts by hand', async () => {
    const { port } = await server();
    const nora = await client({ port, framing: 'native', suite: 'cbc-hmac', name: 'nora' });
    const raw = await RawPeer.open(port);
    raw.write(handLine('hand made ✓'));
    await waitFor(() => raw.lines().length >= 1, 'the reply line');
    expect(handOpen(raw.lines()[0])).toBe('Hello Client, message received securely');
    await nora.until((m) => m.kind === 'chat', 'the relay');
    expect(nora.texts('chat')[0]).toMatch(/^guest-\d+: hand made ✓$/);
    // and the hand-made peer hears the room, decrypting by hand
    nora.client.send('to the hand');
    await waitFor(() => raw.lines().length >= 2, 'the relay to the raw peer');
    expect(handOpen(raw.lines()[1])).toBe('nora: to the hand');
  });

  it('all three suites and line framing share one room, with AES-256 too', async () => {
    const key = Buffer.alloc(32, 7);
    const { port } = await server({ key });
    const rs = await Promise.all(
      (['cbc', 'cbc-hmac', 'gcm'] as const).map((suite) => client({ port, framing: 'native', suite, name: suite, key }))
    );
    const line = await client({ port, framing: 'line', key });
    line.client.send('hi all');
    await waitFor(() => rs.every((r) => r.texts('chat').some((t) => t.endsWith(': hi all'))), 'relay to every suite');
  });
});

describe('bad input: a clear outcome for that connection, the others keep chatting', () => {
  async function pair(port: number) {
    const a = await client({ port, framing: 'native', suite: 'cbc-hmac', name: 'a' });
    const b = await client({ port, framing: 'line' });
    b.client.send('b joins');
    await b.until((m) => m.kind === 'ack', 'ack');
    return { a, b };
  }
  async function stillChatting(a: Recorder, b: Recorder, tag: string) {
    a.client.send(`ping ${tag}`);
    await b.until((m) => m.kind === 'chat' && m.text === `a: ping ${tag}`, `the room after ${tag}`);
  }

  it('garbage, a bad version, an oversize length and a truncated frame close only their own connection', async () => {
    const { port, server: srv, logPath } = await server();
    const { a, b } = await pair(port);
    const garbage = await RawPeer.open(port);
    garbage.write(Buffer.from([0x00, 0x01, 0x02, 0xff]));
    const badVersion = await RawPeer.open(port);
    badVersion.write(Buffer.from('cbc10902', 'hex'));
    const oversize = await RawPeer.open(port);
    oversize.write(Buffer.from('cbc1010201' + '00000000' + '7fffffff', 'hex'));
    const truncated = await RawPeer.open(port);
    truncated.write(
      sealFrame(deriveKeys(KEY), { type: 'hello', suite: 'cbc', seq: 0, plaintext: Buffer.from('t') }).subarray(0, 20)
    );
    await waitFor(() => garbage.closed && badVersion.closed && oversize.closed, 'the bad peers to be closed');
    expect(garbage.data.toString()).toMatch(/^cbc-lab: ERR_UNKNOWN_FRAMING: first byte 0x00/);
    expect(JSON.parse(Buffer.from(frames(badVersion.data)[0].payload).toString())).toMatchObject({
      code: 'ERR_BAD_VERSION'
    });
    expect(JSON.parse(Buffer.from(frames(oversize.data)[0].payload).toString()).code).toBe('ERR_FRAME_TOO_LARGE');
    truncated.socket.end();
    await waitFor(
      () => readFileSync(logPath, 'utf8').includes('ERR_TRUNCATED_FRAME') || (srv as ChatServer).stats.errors >= 4,
      'the truncated frame logged',
      3000
    );
    await stillChatting(a, b, 'garbage');
  });

  it('a wrong key: native client gets ERR_BAD_MAC and is closed; a line client gets a reply it cannot decrypt', async () => {
    const { port } = await server();
    const { a, b } = await pair(port);
    const wrong = Buffer.alloc(16, 0xee);
    const w1 = await client({ port, framing: 'native', suite: 'cbc-hmac', name: 'w', key: wrong });
    expect(w1.of('error')[0]).toMatchObject({ code: 'ERR_BAD_MAC' });
    await waitFor(() => w1.closedWith !== undefined, 'the wrong-key client to be closed');
    const w2 = await client({ port, framing: 'line', key: wrong });
    w2.client.send('hello?');
    const reply = await w2.until(() => true, 'a reply');
    expect(reply.kind).toBe('undecryptable');
    await stillChatting(a, b, 'wrong key');
  });

  it('bad MAC, bad tag, replay and a wrong suite mid-session: an error frame, and the connection carries on', async () => {
    const { port } = await server();
    const { a, b } = await pair(port);
    const keys = deriveKeys(KEY);
    const raw = await RawPeer.open(port);
    raw.write(sealFrame(keys, { type: 'hello', suite: 'cbc-hmac', seq: 0, plaintext: Buffer.from('raw') }));
    const good = sealFrame(keys, { type: 'chat', suite: 'cbc-hmac', seq: 1, plaintext: Buffer.from('one') });
    const tampered = Buffer.from(good);
    tampered[30] ^= 1;
    raw.write(tampered);
    raw.write(good);
    raw.write(good); // replay: same seq
    raw.write(sealFrame(keys, { type: 'chat', suite: 'gcm', seq: 2, plaintext: Buffer.from('gcm') }));
    raw.write(sealFrame(keys, { type: 'chat', suite: 'cbc-hmac', seq: 3, plaintext: Buffer.from('two') }));
    await waitFor(() => frames(raw.data).filter((f) => f.type === 'ack').length === 2, 'two acks');
    const got = frames(raw.data);
    const errors = got.filter((f) => f.type === 'error').map((f) => JSON.parse(Buffer.from(f.payload).toString()).code);
    expect(errors).toEqual(['ERR_BAD_MAC', 'ERR_SEQUENCE', 'ERR_SUITE_MISMATCH']);
    expect(raw.closed).toBe(false);
    await waitFor(() => b.texts('chat').includes('raw: two'), 'the good messages relayed');
    expect(b.texts('chat').filter((t) => t.startsWith('raw: '))).toEqual(['raw: one', 'raw: two']);
    await stillChatting(a, b, 'bad mac');
  });

  it('bad base64 and bad padding on a line: an encrypted ERROR line, and the line carries on (§5.4)', async () => {
    const { port } = await server();
    const { a, b } = await pair(port);
    const raw = await RawPeer.open(port);
    raw.write('not base64!\n');
    raw.write(randomBytes(48).toString('base64') + '\n'); // right length, random: bad padding (255 in 256)
    raw.write('QUJD\n'); // base64 of 3 bytes: too short for IV + block
    raw.write(handLine('after the errors'));
    await waitFor(() => raw.lines().length >= 4, 'four replies');
    const texts = raw.lines().map((l) => handOpen(l));
    expect(texts[0]).toMatch(/^ERROR ERR_BAD_BASE64: /);
    expect(texts[1]).toMatch(/^ERROR ERR_DECRYPT: /); // §6.4: not which of padding or UTF-8 failed
    expect(texts[2]).toMatch(/^ERROR ERR_PAYLOAD_LENGTH: /);
    expect(texts[3]).toBe(ACK_TEXT);
    await stillChatting(a, b, 'bad base64');
  });

  it('a client that never reads is dropped once it stays backlogged; the others get everything, in order', async () => {
    const {
      port,
      server: srv,
      logPath,
      clock
    } = await server({ maxQueuedBytes: 1024 * 1024, highWaterBytes: 64 * 1024, slowReaderMs: 500 });
    const { a, b } = await pair(port);
    const keys = deriveKeys(KEY);
    const sloth = await RawPeer.open(port, { read: false });
    sloth.write(sealFrame(keys, { type: 'hello', suite: 'cbc', seq: 0, plaintext: Buffer.from('sloth') }));
    await a.until((m) => m.kind === 'join' && m.text === 'sloth', 'sloth joins');
    // enough to fill the kernel's socket buffers for the sloth (several MiB on loopback)
    const N = 8000;
    const text = 'x'.repeat(1000);
    const framesBefore = srv.stats.framesIn;
    const acksBefore = a.of('ack').length;
    for (let i = 0; i < N; i++) a.client.send(`${i} ${text}`);
    // The sloth stalls the room (§8.6) until it has taken nothing for slowReaderMs. The server's
    // time moves on only while a and b have all that is owed them for what the server has read:
    // then only the sloth can be behind.
    const owed = () => srv.stats.framesIn - framesBefore;
    const caughtUp = () => b.of('chat').length === owed() && a.of('ack').length - acksBefore === owed();
    const flowing = () => {
      if (caughtUp()) clock.advance(100);
      return b.of('chat').length >= N;
    };
    await waitFor(flowing, `${N} messages at b`, 20_000);
    expect(b.texts('chat').map((t) => Number(t.slice(3).split(' ')[0]))).toEqual(
      Array.from({ length: N }, (_, i) => i)
    );
    await waitFor(() => srv.stats.dropped >= 1, 'the slow reader dropped');
    await a.until((m) => m.kind === 'leave' && m.text === 'sloth', "sloth's leave notice");
    await waitFor(() => readFileSync(logPath, 'utf8').includes('ERR_SLOW_READER'), 'the log line');
    await stillChatting(a, b, 'slow reader');
  }, 30_000);

  it('slowloris: a trickle of bytes is closed after the idle timeout (ERR_IDLE_TIMEOUT); silence is a listener and stays (§8.2, §8.7)', async () => {
    const { port, server: srv, clock } = await server({ idleTimeout: 1 });
    const a = await client({ port, framing: 'native', suite: 'gcm', name: 'a' });
    const silent = await RawPeer.open(port);
    const trickle = await RawPeer.open(port);
    await waitFor(() => srv.stateCounts().pending === 2, 'both connections accepted');
    const hello = sealFrame(deriveKeys(KEY), { type: 'hello', suite: 'cbc', seq: 0, plaintext: Buffer.from('slow') });
    trickle.write(hello.subarray(0, 1));
    await waitFor(() => srv.stateCounts()['native-hello-wait'] === 1, "the trickle's first byte read");
    // a byte every 100 ms of the server's time; a's own activity keeps it alive
    const t0 = clock.monotonic();
    const open = () => srv.stateCounts()['native-hello-wait'] === 1;
    for (let i = 1; open() && clock.monotonic() - t0 < 5000; clock.advance(100)) {
      if (i < hello.length - 1) trickle.write(hello.subarray(i, ++i));
      const acks = a.of('ack').length;
      a.client.send('still here');
      await waitFor(() => a.of('ack').length > acks, "a's ack");
    }
    const closedAt = clock.monotonic();
    await waitFor(() => trickle.closed, 'the trickling peer closed', 5000);
    expect(closedAt - t0).toBeGreaterThanOrEqual(900); // not before the timeout
    expect(JSON.parse(Buffer.from(frames(trickle.data)[0].payload).toString()).code).toBe('ERR_IDLE_TIMEOUT');
    // the silent peer is a line listener: it hears a's messages, also after the idle timeout passed
    const heard = silent.lines().length;
    clock.advance(5000);
    for (let i = 0; i < 5; i++) a.client.send('still here');
    await waitFor(() => silent.lines().length > heard + 3, 'the silent listener hearing more after the timeout', 5000);
    expect(silent.closed).toBe(false);
    expect(silent.lines().map((l) => handOpen(l))).toContain('a: still here');
    expect(a.closedWith).toBeUndefined();
  });

  it('the room is full: the next client gets ERR_SERVER_FULL; a place frees up when someone leaves', async () => {
    const { port, server: srv } = await server({ maxClients: 2 });
    const a = await client({ port, framing: 'native', suite: 'cbc', name: 'a' });
    const b = await client({ port, framing: 'native', suite: 'cbc', name: 'b' });
    const c = await client({ port, framing: 'native', suite: 'cbc', name: 'c' });
    expect(c.of('error')[0]).toMatchObject({ code: 'ERR_SERVER_FULL' });
    await b.client.end();
    await a.until((m) => m.kind === 'leave', 'b leaves');
    await waitFor(() => srv.clientCount === 1, "b's place given back");
    const d = await client({ port, framing: 'native', suite: 'cbc', name: 'd' });
    expect(d.of('hello')).toHaveLength(1);
  });

  it('a client that sends a chat before its hello, or a name that is not a name, is refused', async () => {
    const { port } = await server();
    const keys = deriveKeys(KEY);
    const early = await RawPeer.open(port);
    early.write(sealFrame(keys, { type: 'chat', suite: 'cbc', seq: 0, plaintext: Buffer.from('hi') }));
    const badName = await RawPeer.open(port);
    badName.write(sealFrame(keys, { type: 'hello', suite: 'gcm', seq: 0, plaintext: Buffer.from('a:b') }));
    await waitFor(() => early.closed && badName.closed, 'both closed');
    expect(JSON.parse(Buffer.from(frames(early.data)[0].payload).toString()).code).toBe('ERR_UNEXPECTED_TYPE');
    expect(JSON.parse(Buffer.from(frames(badName.data)[0].payload).toString()).code).toBe('ERR_BAD_NAME');
  });
});

describe('the log', () => {
  it('is JSON lines of wire bytes and codes: no plaintext, no names, no key', async () => {
    const { port, logPath, server: srv, clock } = await server();
    const secret = 'the eagle lands at midnight';
    const a = await client({ port, framing: 'native', suite: 'cbc-hmac', name: 'zebediah' });
    const b = await client({ port, framing: 'native', suite: 'gcm', name: 'quintessa' });
    const l = await client({ port, framing: 'line' });
    l.client.send(`${secret} (line)`);
    a.client.send(`${secret} (native)`);
    await waitFor(() => b.texts('chat').length >= 2, 'relays');
    const bad = await RawPeer.open(port);
    bad.write(handLine('then garbage') + '@@@\n');
    await waitFor(
      ticking(clock, () => bad.lines().length >= 2),
      'replies'
    ); // a short last line waits for the pause (§5.6)
    const tampered = sealFrame(deriveKeys(KEY), {
      type: 'chat',
      suite: 'cbc-hmac',
      seq: 5,
      plaintext: Buffer.from(secret)
    });
    tampered[20] ^= 1;
    a.client['socket']!.write(tampered);
    await a.until((m) => m.kind === 'error', 'the error frame');
    await srv.close();
    const text = readFileSync(logPath, 'utf8');
    const lines = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(10);
    for (const forbidden of [
      secret,
      'eagle',
      'zebediah',
      'quintessa',
      'then garbage',
      ACK_TEXT,
      'received securely',
      KEY_HEX,
      KEY.toString('base64'),
      deriveKeys(KEY).gcm.toString('hex'),
      deriveKeys(KEY).cbcHmacMac.toString('hex')
    ]) {
      expect(text.includes(forbidden), forbidden).toBe(false);
    }
    // every frame line carries the wire bytes, which decode back to frames
    const ins = lines.filter((l) => l.dir === 'in');
    expect(ins.length).toBeGreaterThanOrEqual(5);
    for (const l of lines.filter((l) => l.dir)) {
      expect(l).toHaveProperty('time');
      if (l.dir === 'in' && l.framing === 'line' && l.code) {
        // a line that is not a message may be cleartext: its length and code only (§8.5)
        expect(l.wire).toBeUndefined();
        expect(typeof l.length).toBe('number');
        continue;
      }
      expect(typeof l.wire).toBe('string');
      const wire = Buffer.from(l.wire as string, 'base64');
      if (l.framing === 'native' && l.type === 'error')
        expect(wire).toHaveLength(13); // the header only (§8.5)
      else if (l.framing === 'native') expect(frames(wire)).toHaveLength(1);
    }
    expect(lines.some((l) => l.dir === 'out' && l.type === 'ack')).toBe(true);
    expect(lines.some((l) => l.dir === 'out' && l.type === 'error' && l.code === 'ERR_BAD_MAC')).toBe(true);
    expect(lines.some((l) => l.code === 'ERR_BAD_BASE64')).toBe(true);
    expect(lines.at(-1)).toMatchObject({ event: 'shutdown' });
  });
});

describe('no padding oracle by default (§6.4)', () => {
  it('bad padding and bad UTF-8 get the same answer, ERR_DECRYPT; the log keeps the cause', async () => {
    const { port, logPath, server: srv } = await server();
    const raw = await RawPeer.open(port);
    const iv = randomBytes(16);
    const c = createCipheriv('aes-128-cbc', KEY, iv).setAutoPadding(false);
    const badPad = Buffer.concat([iv, c.update(Buffer.alloc(16, 0x11)), c.final()]).toString('base64');
    const c2 = createCipheriv('aes-128-cbc', KEY, iv);
    const badUtf8 = Buffer.concat([iv, c2.update(Buffer.from([0xff, 0xfe])), c2.final()]).toString('base64');
    raw.write(`${badPad}\n${badUtf8}\n`);
    await waitFor(() => raw.lines().length >= 2, 'two replies');
    const [a, b] = raw.lines().map((l) => handOpen(l));
    expect(a).toBe(b);
    expect(a).toMatch(/^ERROR ERR_DECRYPT: /);
    await srv.close();
    const log = readFileSync(logPath, 'utf8');
    expect(log).toContain('"cause":"ERR_BAD_PADDING"');
    expect(log).toContain('"cause":"ERR_BAD_UTF8"');
  });

  it("with paddingOracle: true the answers differ (the lesson's server)", async () => {
    const { port } = await server({ paddingOracle: true });
    const raw = await RawPeer.open(port);
    const iv = randomBytes(16);
    const c = createCipheriv('aes-128-cbc', KEY, iv).setAutoPadding(false);
    raw.write(Buffer.concat([iv, c.update(Buffer.alloc(16, 0x11)), c.final()]).toString('base64') + '\n');
    await waitFor(() => raw.lines().length >= 1, 'the reply');
    expect(handOpen(raw.lines()[0])).toMatch(/^ERROR ERR_BAD_PADDING: /);
  });
});

describe('a first line that fails', () => {
  it('a line client whose first line is too long gets an encrypted ERROR line, not a native frame', async () => {
    const clock = new FakeClock();
    const s = await startServer({ maxPayload: 256, clock });
    cleanups.push(() => closeServer(s.server, clock));
    const raw = await RawPeer.open(s.port);
    raw.write('A'.repeat(1000));
    await waitFor(() => raw.closed, 'closed');
    expect(handOpen(raw.lines()[0])).toMatch(/^ERROR ERR_LINE_TOO_LONG: /);
  });
});
