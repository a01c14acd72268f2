// The demo as `npm start` runs it, on free ports: chat server, tap, bots and the built web app in
// one process, the capture API over real HTTP (docs/api.md), the pcapng read back by the real
// tshark, and `npm start` itself (node --import tsx server/demo.ts) as a child process.
import { spawn, spawnSync } from 'node:child_process';
import {
  request as httpRequest,
  createServer as createHttpServer,
  type ClientRequest,
  type IncomingMessage
} from 'node:http';
import { connect, createServer, type AddressInfo, type Server } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChatClient, type Incoming } from '../../../server/chat-client.ts';
import { startDemo, type RunningDemo } from '../../../server/demo.ts';
import { buildIfNeeded, runQuietly } from '../../../server/start.ts';
import { deriveKeys, openFrame, openLine } from '../../../server/suites.ts';
import { FrameDecoder, type NativeFrame, type SealedSuite } from '../../../src/lib/protocol/index.ts';
import type { CapturedConnection, CapturedFrame } from '../../../src/lib/protocol/capture.ts';
import { inProcessCli } from '../../helpers/spawn-cli.ts';
import { follow } from '../../helpers/tshark.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSHARK = process.env.TSHARK ?? '/usr/bin/tshark';
const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-demo-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(() => buildIfNeeded(), 240_000);

interface FramesPage {
  frames: CapturedFrame[];
  connections: CapturedConnection[];
  last: number;
  more: boolean;
}

async function getJson<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

/** Every frame, walking /api/frames page by page. */
async function allFrames(web: string, limit = 1000): Promise<FramesPage> {
  const frames: CapturedFrame[] = [];
  let after = 0;
  for (;;) {
    const { status, body } = await getJson<FramesPage>(`${web}/api/frames?after=${after}&limit=${limit}`);
    expect(status).toBe(200);
    frames.push(...body.frames);
    if (body.frames.length) after = body.frames[body.frames.length - 1].seq;
    if (!body.more) return { ...body, frames };
  }
}

async function until<T>(
  what: string,
  f: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 10_000
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A client whose written bytes we keep, and whose acks we can await. */
async function chatter(
  port: number,
  key: Uint8Array,
  o: { name: string; framing: 'line' | 'native'; suite: SealedSuite }
) {
  const c = new ChatClient({ port, key, ...o });
  const written: Buffer[] = [];
  let acks = 0;
  let welcomed = false;
  c.on('wire', (dir: 'in' | 'out', wire: Uint8Array | string) => {
    if (dir === 'out') written.push(typeof wire === 'string' ? Buffer.from(wire + '\n', 'latin1') : Buffer.from(wire));
  });
  c.on('message', (m: Incoming) => {
    if (m.kind === 'ack') acks++;
    if (m.kind === 'hello') welcomed = true;
  });
  await c.connect();
  // native: the hello is a write of its own, answered before the first chat goes out
  if (o.framing === 'native') await until('the welcome', () => welcomed);
  return {
    client: c,
    written,
    /** send and wait for the server's ack: so each message is one write, and on the wire before the next */
    async say(text: string) {
      const want = acks + 1;
      c.send(text);
      await until(`ack for ${JSON.stringify(text)}`, () => acks >= want);
    }
  };
}

interface SseEvent {
  event: string;
  id?: string;
  data: string;
}

/** GET /api/stream with node:http, parsing events as they arrive; destroy() is the forced disconnect. */
function openStream(url: string, headers: Record<string, string> = {}) {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  let retry: number | undefined;
  let buf = '';
  let res: IncomingMessage | undefined;
  let ended = false;
  const req: ClientRequest = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers } });
  const ready = new Promise<IncomingMessage>((resolveRes, reject) => {
    req.on('response', (r) => {
      res = r;
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const ev: SseEvent = { event: 'message', data: '' };
          const data: string[] = [];
          let any = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('retry: ')) retry = Number(line.slice(7));
            else if (line.startsWith('event: ')) {
              ev.event = line.slice(7);
              any = true;
            } else if (line.startsWith('id: ')) ev.id = line.slice(4);
            else if (line.startsWith('data: ')) {
              data.push(line.slice(6));
              any = true;
            }
          }
          ev.data = data.join('\n');
          if (any) events.push(ev);
        }
      });
      r.on('end', () => (ended = true));
      r.on('error', () => {});
      resolveRes(r);
    });
    req.on('error', reject);
  });
  req.end();
  return {
    ready,
    events,
    comments,
    get retry() {
      return retry;
    },
    get ended() {
      return ended;
    },
    get res() {
      return res;
    },
    frames(): CapturedFrame[] {
      return events
        .filter((e) => e.event === 'frames')
        .flatMap((e) => (JSON.parse(e.data) as { frames: CapturedFrame[] }).frames);
    },
    lastId(): string | undefined {
      return events.filter((e) => e.id !== undefined).at(-1)?.id;
    },
    destroy() {
      req.destroy();
    }
  };
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolveRefused) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolveRefused(false);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolveRefused(err.code === 'ECONNREFUSED'));
  });
}

function storeListeners(): number | undefined {
  const handle = (globalThis as Record<symbol, { store?: { listeners?: unknown } } | undefined>)[
    Symbol.for('cbc-lab.demo')
  ];
  const l = handle?.store?.listeners;
  return l instanceof Set ? l.size : undefined;
}

describe('npm start in process: bots chatting through the tap', () => {
  let demo: RunningDemo;
  let web: string;
  let key: Uint8Array;

  beforeAll(async () => {
    demo = await startDemo({ webPort: 0, chatPort: 0, botIntervalMs: 120, captureDir: dir, build: false });
    web = demo.webUrl;
    key = Buffer.from(demo.key, 'hex');
  });
  afterAll(async () => {
    await demo?.stop();
  });

  it('GET /api/demo names the key, the chat port and the web URL', async () => {
    const { status, body } = await getJson<Record<string, unknown>>(`${web}/api/demo`);
    expect(status).toBe(200);
    expect(body).toEqual({ running: true, key: demo.key, keySize: 32, chatPort: demo.chatPort, webUrl: web });
    expect(demo.key).toMatch(/^[0-9a-f]{64}$/);
    expect(demo.chatPort).not.toBe(demo.serverPort);
  });

  it('the bots chat through the tap: alice in line framing, bob in native cbc-hmac, both decrypt with the demo key', async () => {
    const page = await until('frames from both bots', async () => {
      const p = await allFrames(web);
      const line = p.frames.some((f) => f.framing === 'line' && f.dir === 'c2s');
      const hmac = p.frames.some((f) => f.suite === 'cbc-hmac' && f.type === 'chat' && f.dir === 'c2s');
      return line && hmac ? p : false;
    });
    const keys = deriveKeys(key);
    const lineFrame = page.frames.find((f) => f.framing === 'line' && f.dir === 'c2s')!;
    expect(
      openLine(key, Buffer.from(lineFrame.bytes, 'base64').toString('latin1').replace(/\n$/, '')).toString()
    ).toMatch(/\w/);
    const bobFrame = page.frames.find((f) => f.suite === 'cbc-hmac' && f.type === 'chat' && f.dir === 'c2s')!;
    const decoded: NativeFrame[] = [];
    new FrameDecoder({ framing: 'native' }).push(Buffer.from(bobFrame.bytes, 'base64'), (f) =>
      decoded.push(f as NativeFrame)
    );
    expect(openFrame(keys, decoded[0]).toString()).toMatch(/\w/);
  });

  it('every byte a client sends appears in the captured frames, in order, exactly once', async () => {
    const carol = await chatter(demo.chatPort, key, { name: 'carol', framing: 'native', suite: 'gcm' });
    const dave = await chatter(demo.chatPort, key, { name: 'dave', framing: 'line', suite: 'cbc' });
    for (let i = 0; i < 5; i++) {
      await carol.say(`carol's message ${i}: ${'é'.repeat(i * 7)}`);
      await dave.say(`dave's line ${i}`);
    }
    await carol.client.end();
    await dave.client.end();
    const page = await until('the frames of carol and dave', async () => {
      const p = await allFrames(web, 37); // small pages: the walk crosses many page boundaries
      const hello = carol.written[0].toString('base64');
      return p.frames.some((f) => f.bytes === hello) &&
        p.frames.some((f) => f.bytes === dave.written.at(-1)!.toString('base64'))
        ? p
        : false;
    });
    // seqs: 1, 2, 3 … with no gap and no repeat, however the pages fell
    expect(page.frames.map((f) => f.seq)).toEqual(page.frames.map((_, i) => i + 1));
    expect(page.last).toBeGreaterThanOrEqual(page.frames.length);
    for (const who of [carol, dave]) {
      const conn = page.frames.find((f) => f.bytes === who.written[0].toString('base64'))!.conn;
      const sent = Buffer.concat(
        page.frames.filter((f) => f.conn === conn && f.dir === 'c2s').map((f) => Buffer.from(f.bytes, 'base64'))
      );
      expect(sent.equals(Buffer.concat(who.written))).toBe(true);
      expect(page.connections.find((c) => c.conn === conn)?.server).toBe(`127.0.0.1:${demo.serverPort}`);
    }
  });

  it('GET /api/stream: backlog, then live batches; resumes after a forced disconnect with Last-Event-ID, no gap, no duplicate', async () => {
    const before = storeListeners();
    const first = openStream(`${web}/api/stream?after=0`);
    const res = await first.ready;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
    const startLast = (await getJson<FramesPage>(`${web}/api/frames?limit=1`)).body.last;
    // backlog and some live frames (the bots speak every 120 ms)
    await until('live frames on the first stream', () => first.frames().some((f) => f.seq > startLast + 4));
    expect(first.retry).toBeGreaterThan(0);
    expect(first.events.some((e) => e.event === 'conn')).toBe(true);
    for (const e of first.events.filter((e) => e.event === 'frames')) {
      const d = JSON.parse(e.data) as { frames: CapturedFrame[]; last: number };
      expect(e.id).toBe(String(d.frames.at(-1)!.seq)); // the id is the batch's last seq
      expect(d.last).toBeGreaterThanOrEqual(d.frames.at(-1)!.seq);
    }
    expect(first.events.filter((e) => e.event === 'frames').length).toBeLessThan(first.frames().length); // batched
    first.destroy();
    const lastId = first.lastId()!;
    const seen = first.frames().filter((f) => f.seq <= Number(lastId));
    if (before !== undefined) await until('the stream to unsubscribe', () => storeListeners() === before);

    // Frames keep flowing while we are away; the header wins over ?after=0.
    await until(
      'frames captured while we are away',
      async () => (await getJson<FramesPage>(`${web}/api/frames?limit=1`)).body.last > Number(lastId) + 3
    );
    const second = openStream(`${web}/api/stream?after=0`, { 'last-event-id': lastId });
    expect((await second.ready).statusCode).toBe(200);
    const target = (await getJson<FramesPage>(`${web}/api/frames?limit=1`)).body.last + 6;
    await until('the second stream to catch up and go on live', () => second.frames().some((f) => f.seq >= target));
    second.destroy();
    const all = [...seen, ...second.frames()].map((f) => f.seq);
    expect(second.frames()[0].seq).toBe(Number(lastId) + 1);
    expect(all).toEqual(all.map((_, i) => i + 1));
    // and the frames are the very ones /api/frames has
    const page = await allFrames(web);
    const bySeq = new Map(page.frames.map((f) => [f.seq, f]));
    for (const f of second.frames()) expect(f).toEqual(bySeq.get(f.seq));
  });

  it('a stream asked for frames after a seq the capture never reached says reset first', async () => {
    const s = openStream(`${web}/api/stream?after=99999999`);
    await s.ready;
    await until('the reset event', () => s.events.length > 0);
    s.destroy();
    expect(s.events[0].event).toBe('reset');
    const d = JSON.parse(s.events[0].data) as { last: number; after: number };
    expect(d.after).toBe(99999999);
    expect(d.last).toBeGreaterThan(0);
  });

  it('many streams at once each get every frame once', async () => {
    const streams = Array.from({ length: 4 }, (_, i) => openStream(`${web}/api/stream?after=${i * 3}`));
    await Promise.all(streams.map((s) => s.ready));
    const target = (await getJson<FramesPage>(`${web}/api/frames?limit=1`)).body.last + 5;
    await until('all streams past the target', () => streams.every((s) => s.frames().some((f) => f.seq >= target)));
    for (const [i, s] of streams.entries()) {
      s.destroy();
      const seqs = s.frames().map((f) => f.seq);
      expect(seqs).toEqual(seqs.map((_, j) => i * 3 + j + 1));
    }
  });

  it('POST /api/send: the message goes through the tap as a participant and shows up in the frames', async () => {
    const text = `hello from the page ${Date.now()}`;
    const res = await fetch(`${web}/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, name: 'tester', suite: 'cbc-hmac' })
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const keys = deriveKeys(key);
    const { frames, connections } = await allFrames(web);
    const mine = frames
      .filter((f) => f.dir === 'c2s' && f.suite === 'cbc-hmac' && f.framing === 'native')
      .filter((f) => {
        const got: NativeFrame[] = [];
        new FrameDecoder({ framing: 'native' }).push(Buffer.from(f.bytes, 'base64'), (x) => got.push(x as NativeFrame));
        return got[0].type === 'chat' && openFrame(keys, got[0]).toString() === text;
      });
    expect(mine).toHaveLength(1);
    expect(connections.find((c) => c.conn === mine[0].conn)?.server).toBe(`127.0.0.1:${demo.serverPort}`);
    // default name and suite: "web", cbc
    const res2 = await fetch(`${web}/api/send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'and again' })
    });
    expect(res2.status).toBe(200);
    const after = await allFrames(web);
    expect(after.frames.some((f) => f.dir === 'c2s' && f.type === 'hello' && f.suite === 'cbc')).toBe(true);
  });

  it('bad query parameters answer 400 ERR_BAD_PARAM saying what was wrong', async () => {
    const cases: [string, RegExp][] = [
      ['/api/frames?after=abc', /after: expected an integer 0\.\.\d+, got "abc"/],
      ['/api/frames?after=-1', /after/],
      ['/api/frames?after=1.5', /after/],
      ['/api/frames?limit=0', /limit: expected an integer 1\.\.10000, got 0/],
      ['/api/frames?limit=10001', /limit: expected an integer 1\.\.10000, got 10001/],
      ['/api/frames?after=1&after=2', /after: expected one value, got 2/],
      ['/api/frames?after=99999999999999999999', /after/],
      ['/api/stream?after=x', /after/]
    ];
    for (const [path, message] of cases) {
      const { status, body } = await getJson<{ code: string; message: string }>(`${web}${path}`);
      expect({ path, status, code: body.code }).toEqual({ path, status: 400, code: 'ERR_BAD_PARAM' });
      expect(body.message).toMatch(message);
    }
    const { status, body } = await getJson<{ code: string; message: string }>(`${web}/api/stream`, {
      headers: { 'last-event-id': 'nope' }
    });
    expect([status, body.code]).toEqual([400, 'ERR_BAD_PARAM']);
    expect(body.message).toMatch(/Last-Event-ID/);
    // the limits themselves are fine
    const ok = await getJson<FramesPage>(`${web}/api/frames?after=0&limit=10000`);
    expect(ok.status).toBe(200);
    const far = await getJson<FramesPage>(`${web}/api/frames?after=${Number.MAX_SAFE_INTEGER}`);
    expect([far.status, far.body.frames.length, far.body.more]).toEqual([200, 0, false]);
  });

  it('bad send bodies answer 400 ERR_BAD_BODY; not JSON is refused', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${web}/api/send`, { method: 'POST', headers: { 'content-type': type }, body });
    const cases: [string, RegExp][] = [
      ['{bad', /invalid JSON/],
      ['[1]', /expected a JSON object/],
      ['"hi"', /expected a JSON object/],
      ['{}', /text: expected a string, got nothing/],
      ['{"text":""}', /text: expected a message, got an empty one/],
      ['{"text":"   "}', /empty/],
      [JSON.stringify({ text: 'x'.repeat(4097) }), /text: expected at most 4096 bytes/],
      ['{"text":"\\ud800"}', /lone surrogate/],
      ['{"text":"hi","suite":"ecb"}', /suite: expected one of cbc, cbc-hmac, gcm, got "ecb"/],
      ['{"text":"hi","name":""}', /name: expected 1 to 32 characters/],
      ['{"text":"hi","name":"a:b"}', /name/],
      ['{"text":"hi","name":" pad"}', /name/],
      ['{"text":"hi","key":"00"}', /unknown field "key"/]
    ];
    for (const [body, message] of cases) {
      const res = await post(body);
      const j = (await res.json()) as { code: string; message: string };
      expect({ body, status: res.status, code: j.code }).toEqual({ body, status: 400, code: 'ERR_BAD_BODY' });
      expect(j.message).toMatch(message);
    }
    const wrongType = await post('{"text":"hi"}', 'application/x-www-form-urlencoded');
    // a form type is refused as not JSON (docs/api.md: 415 for form bodies from any origin), in JSON
    expect(wrongType.status).toBe(415);
    expect(((await wrongType.json()) as { code: string }).code).toBe('ERR_BAD_CONTENT_TYPE');
    const noType = await fetch(`${web}/api/send`, { method: 'POST', body: new Blob(['{"text":"hi"}']) });
    expect(noType.status).toBe(415);
    expect(((await noType.json()) as { code: string }).code).toBe('ERR_BAD_CONTENT_TYPE');
  });

  it('the API answers only local Host names (no DNS rebinding to the demo key)', async () => {
    const status = await new Promise<number>((resolveStatus, reject) => {
      const req = httpRequest(`${web}/api/demo`, { headers: { host: 'attacker.example' } }, (res) => {
        res.resume();
        resolveStatus(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('GET /api/capture.json is the CaptureFile so far', async () => {
    const res = await fetch(`${web}/api/capture.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cbc-lab-capture-.*\.json"$/);
    const file = (await res.json()) as {
      format: string;
      version: number;
      frames: CapturedFrame[];
      connections: CapturedConnection[];
    };
    expect([file.format, file.version]).toEqual(['cbc-lab-capture', 1]);
    expect(file.frames.map((f) => f.seq)).toEqual(file.frames.map((_, i) => i + 1));
    expect(file.connections.length).toBeGreaterThanOrEqual(4);
  });

  it('stop() ends open streams, says bye and leaves no listening port', async () => {
    const s = openStream(`${web}/api/stream?after=0`);
    await s.ready;
    const ports = [new URL(web).port, demo.chatPort, demo.serverPort].map(Number);
    const lastBefore = (await allFrames(web)).frames.at(-1)?.seq ?? 0;
    await demo.stop();
    await until('the stream to end', () => s.ended);
    // its last event says the demo stopped (not a dropped connection), with the capture's last seq then
    const lastEvent = s.events[s.events.length - 1];
    expect(lastEvent.event).toBe('stopped');
    expect(JSON.parse(lastEvent.data).last).toBeGreaterThanOrEqual(lastBefore);
    for (const p of ports) expect(await refused(p)).toBe(true);
    // the bots said goodbye: their last frames are in the spool the tap finished
    const spool = readFileSync(demo.spoolPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as CapturedFrame);
    expect(spool.some((f) => f.dir === 'c2s' && f.type === 'bye')).toBe(true);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('cbc-lab.demo')]).toBeUndefined();
  });
});

describe('the pcapng download, read by the real tshark', () => {
  let demo: RunningDemo;
  const writes = new Map<string, Buffer[]>();
  let key: Uint8Array;

  beforeAll(async () => {
    // a small memory bound, so that the flood below is mostly read back from the spool
    demo = await startDemo({ webPort: 0, chatPort: 0, bots: false, captureDir: dir, build: false, memoryFrames: 50 });
    key = Buffer.from(demo.key, 'hex');
    const erin = await chatter(demo.chatPort, key, { name: 'erin', framing: 'native', suite: 'cbc' });
    const fred = await chatter(demo.chatPort, key, { name: 'fred', framing: 'line', suite: 'cbc' });
    for (let i = 0; i < 6; i++) {
      await erin.say(`erin ${i}`);
      await fred.say(`fred ${i} ${'x'.repeat(i * 40)}`);
    }
    writes.set('erin', erin.written);
    writes.set('fred', fred.written);
    await erin.client.end();
    await fred.client.end();
    await until(
      'both connections closed in the capture',
      async () => (await allFrames(demo.webUrl)).connections.filter((c) => c.closed).length === 2
    );
  });
  afterAll(async () => {
    await demo?.stop();
  });

  it('GET /api/capture.pcapng: tshark reads it with the right TCP payload packets and the exact stream bytes', async () => {
    const res = await fetch(`${demo.webUrl}/api/capture.pcapng`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-pcapng');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cbc-lab-capture-.*\.pcapng"$/);
    const file = join(dir, 'download.pcapng');
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const { frames, connections } = await allFrames(demo.webUrl);

    const r = spawnSync(
      TSHARK,
      [
        '-r',
        file,
        '-o',
        'tcp.check_checksum:TRUE',
        '-d',
        `tcp.port==${demo.serverPort},data`,
        '-Y',
        'tcp.len > 0',
        '-T',
        'fields',
        '-e',
        'tcp.stream',
        '-e',
        'tcp.srcport',
        '-e',
        'tcp.len'
      ],
      { encoding: 'utf8' }
    );
    expect(r.status).toBe(0);
    const packets = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split('\t').map(Number));
    const streams = [...new Set(packets.map((p) => p[0]))].sort((a, b) => a - b);
    expect(streams).toHaveLength(connections.length);
    const followed = follow(file, streams);
    for (const [i, conn] of connections.entries()) {
      const f = followed.get(streams[i])!;
      expect(f.node0).toBe(conn.client);
      const bytes = (dir: 'c2s' | 's2c') =>
        Buffer.concat(
          frames.filter((x) => x.conn === conn.conn && x.dir === dir).map((x) => Buffer.from(x.bytes, 'base64'))
        );
      expect(f.fromNode0.equals(bytes('c2s'))).toBe(true);
      expect(f.fromNode1.equals(bytes('s2c'))).toBe(true);
      // each message was one write, acked before the next: one client-to-server packet per write
      const clientPort = Number(conn.client.split(':').at(-1));
      const c2sPackets = packets.filter((p) => p[0] === streams[i] && p[1] === clientPort).length;
      const who = [...writes.values()].find(
        (w) => w[0].toString('base64') === frames.find((x) => x.conn === conn.conn && x.dir === 'c2s')!.bytes
      )!;
      expect(c2sPackets).toBe(who.length);
      expect(f.fromNode0.equals(Buffer.concat(who))).toBe(true);
    }
    // and every TCP payload packet is accounted for: payload bytes in the file = bytes in the frames
    expect(packets.reduce((n, p) => n + p[2], 0)).toBe(frames.reduce((n, f) => n + f.length, 0));
  });

  it('a flood far past the memory bound: /api/frames and the stream backlog read it back from the spool with no gap', async () => {
    const web = demo.webUrl;
    const live = openStream(`${web}/api/stream?after=0`);
    await live.ready;
    const gina = await chatter(demo.chatPort, key, { name: 'gina', framing: 'native', suite: 'cbc-hmac' });
    for (let i = 0; i < 1500; i++) gina.client.send(`flood ${i}`);
    await gina.say('the last one');
    await gina.client.end();
    const page = await until(
      'the whole flood in the capture',
      async () => {
        const p = await allFrames(web, 10_000);
        return p.connections.find(
          (c) => c.client && p.frames.some((f) => f.conn === c.conn && f.bytes === gina.written[0].toString('base64'))
        )?.closed
          ? p
          : false;
      },
      20_000
    );
    expect(page.frames.length).toBeGreaterThan(3000); // chats and acks
    expect(page.frames.map((f) => f.seq)).toEqual(page.frames.map((_, i) => i + 1));
    const conn = page.frames.find((f) => f.bytes === gina.written[0].toString('base64'))!.conn;
    const sent = Buffer.concat(
      page.frames.filter((f) => f.conn === conn && f.dir === 'c2s').map((f) => Buffer.from(f.bytes, 'base64'))
    );
    expect(sent.equals(Buffer.concat(gina.written))).toBe(true);
    // a stream opened now gets all of it as backlog (mostly from disk), in events of at most 1000
    const late = openStream(`${web}/api/stream?after=0`);
    await late.ready;
    await until('the late stream to catch up', () => late.frames().length >= page.frames.length, 20_000);
    late.destroy();
    await until('the live stream to have it all', () => live.frames().length >= page.frames.length, 20_000);
    live.destroy();
    for (const s of [late, live]) {
      expect(s.frames().slice(0, page.frames.length)).toEqual(page.frames);
      for (const e of s.events.filter((e) => e.event === 'frames'))
        expect((JSON.parse(e.data) as { frames: unknown[] }).frames.length).toBeLessThanOrEqual(1000);
    }
  }, 60_000);
});

describe('startDemo refusing to start', () => {
  it('a taken web port: PortInUseError naming --web-port, nothing left listening, no capture files left', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    const capDir = mkdtempSync(join(dir, 'refused-'));
    try {
      const err = await startDemo({ webPort: port, chatPort: 0, captureDir: capDir, build: false }).catch(
        (e: unknown) => e
      );
      expect(err).toMatchObject({ name: 'PortInUseError', code: 'ERR_PORT_IN_USE', flag: '--web-port', port });
      expect((err as Error).message).toMatch(/choose another with --web-port <port>$/);
      expect(readdirSync(capDir)).toEqual([]);
      expect((globalThis as Record<symbol, unknown>)[Symbol.for('cbc-lab.demo')]).toBeUndefined();
      // and the next start in this process works
      const demo = await startDemo({ webPort: 0, chatPort: 0, bots: false, captureDir: capDir, build: false });
      await demo.stop();
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('a bad key is a RangeError before anything starts', async () => {
    await expect(startDemo({ key: 'abcd', webPort: 0, chatPort: 0, build: false })).rejects.toThrow(
      /--key: expected 16, 24 or 32 bytes/
    );
  });
});

describe('the web app without a demo', () => {
  it('answers 503 ERR_NO_CAPTURE on every capture endpoint', async () => {
    const { handler } = (await import(/* @vite-ignore */ pathToFileURL(join(ROOT, 'build', 'handler.js')).href)) as {
      handler: (req: IncomingMessage, res: import('node:http').ServerResponse) => void;
    };
    const server = createHttpServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const path of ['/api/demo', '/api/frames', '/api/stream', '/api/capture.pcapng', '/api/capture.json']) {
        const { status, body } = await getJson<{ code: string; message: string }>(`${base}${path}`);
        expect({ path, status, body }).toEqual({
          path,
          status: 503,
          body: { code: 'ERR_NO_CAPTURE', message: 'no capture is running: start the demo with npm start' }
        });
      }
      const send = await fetch(`${base}/api/send`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"text":"hi"}'
      });
      expect(send.status).toBe(503);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('node --import tsx server/demo.ts (what npm start runs)', () => {
  // package.json "start" runs node with tsx as a loader: no tsx process in between to lose a signal
  const demoCmd = (args: string[]) =>
    spawn(process.execPath, ['--import', 'tsx', 'server/demo.ts', ...args], { cwd: ROOT, env });
  // beforeAll built the app: the children serve that build instead of rebuilding it under other tests' feet
  const env = { ...process.env, CBC_LAB_CAPTURE_DIR: dir, CBC_LAB_NO_BUILD: '1' };

  function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return new Promise((resolveRun) => {
      const child = demoCmd(args);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => resolveRun({ status, stdout, stderr }));
    });
  }

  /** `cbc-lab demo ARGS…` in this process: for what fails before the demo starts */
  async function runInProcess(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const r = await inProcessCli(['demo', ...args], undefined, { env });
    return { status: r.code, stdout: r.out, stderr: r.stderr };
  }

  it('prints the URL, the chat port, the client command and the demo secret; SIGINT stops it all and exits 0', async () => {
    const child = demoCmd(['--web-port', '0', '--chat-port', '0']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      await until('the banner', () => /Press Ctrl-C to stop/.test(stdout), 60_000);
      const url = /Open in a browser:\s+(http:\/\/127\.0\.0\.1:(\d+)\/live)$/m.exec(stdout);
      const cmd = /^\s+Join the chat:\s+npx cbc-lab client --port (\d+) --key ([0-9a-f]{64})$/m.exec(stdout);
      expect(url, stdout).not.toBeNull();
      expect(cmd, stdout).not.toBeNull();
      expect(stdout).toMatch(new RegExp(`Demo key:\\s+${cmd![2]}\\n\\s+a DEMO SECRET`));
      expect(stdout).toMatch(new RegExp(`Chat port:\\s+${cmd![1]}\\b`));
      // the other two parts of the product, on the same origin, and nothing above the banner
      // (a build's output is held back: see runQuietly below)
      const origin = url![1].replace(/\/live$/, '');
      expect(stdout).toMatch(new RegExp(`^\\s+Learn CBC:\\s+${origin}/learn\\b`, 'm'));
      expect(stdout).toMatch(new RegExp(`^\\s+Lessons:\\s+${origin}/lessons\\b`, 'm'));
      for (const path of ['/learn', '/lessons'])
        expect({ path, status: (await fetch(origin + path)).status }).toEqual({ path, status: 200 });
      expect(stdout).toMatch(/^\nCBC Lab demo is running/);
      // the web app is there (the /live page itself is tested with it) and the API knows the same key and port
      expect((await fetch(new URL('/', url![1]))).status).toBe(200);
      const info = (await (await fetch(new URL('/api/demo', url![1]))).json()) as { key: string; chatPort: number };
      expect(info).toMatchObject({ key: cmd![2], chatPort: Number(cmd![1]) });
      // the printed command's port and key let a person's client in, captured
      const you = await chatter(Number(cmd![1]), Buffer.from(cmd![2], 'hex'), {
        name: 'you',
        framing: 'line',
        suite: 'cbc'
      });
      const heard: Incoming[] = [];
      you.client.on('message', (m: Incoming) => heard.push(m));
      await you.say('hello from the terminal');
      await until('a bot to speak', () => heard.some((m) => m.kind === 'chat'));
      // Ctrl-C with a person still connected: the server tells them bye, and the process exits 0
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(heard.find((m) => m.kind === 'bye')).toMatchObject({ text: 'the demo is stopping' });
      expect(heard.filter((m) => m.kind === 'undecryptable')).toEqual([]);
      expect(stdout).toMatch(/Stopped\. The capture is in /);
      for (const p of [Number(url![2]), Number(cmd![1])]) expect(await refused(p)).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(stderr).toBe('');
  }, 120_000);

  it('SIGTERM stops it cleanly too, and the capture it leaves is complete', async () => {
    const child = demoCmd(['--web-port', '0', '--chat-port', '0', '--no-bots']);
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      await until('the banner', () => /Press Ctrl-C to stop/.test(stdout), 60_000);
      expect(stdout).toMatch(/Bots:\s+off \(--no-bots\)/);
      const port = Number(/Chat port:\s+(\d+)/.exec(stdout)![1]);
      const key = Buffer.from(/Demo key:\s+([0-9a-f]{64})/.exec(stdout)![1], 'hex');
      const me = await chatter(port, key, { name: 'me', framing: 'native', suite: 'gcm' });
      await me.say('one message, then SIGTERM');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const pcap = /Stopped\. The capture is in (.+)$/m.exec(stdout)![1];
      const r = spawnSync(TSHARK, ['-r', resolve(ROOT, pcap), '-q', '-z', 'conv,tcp'], { encoding: 'utf8' });
      expect(r.status).toBe(0);
      // the connection is in the file, closed: SYN … FIN written before the exit
      const fins = spawnSync(
        TSHARK,
        ['-r', resolve(ROOT, pcap), '-Y', 'tcp.flags.fin == 1', '-T', 'fields', '-e', 'tcp.stream'],
        { encoding: 'utf8' }
      );
      expect(fins.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(2);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }, 120_000);

  it('bad flags exit 2 with the usage (the first spawned, the rest as `cbc-lab demo` in this process)', async () => {
    for (const [i, args] of [
      ['--nope'],
      ['--web-port', 'abc'],
      ['--chat-port', '70000'],
      ['--key', 'abcd'],
      ['--key', 'zz'.repeat(16)],
      ['--no-bots=1'],
      ['extra']
    ].entries()) {
      const r = i === 0 ? await run(args) : await runInProcess(args);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr).toMatch(/^cbc-lab demo: ERR_[A-Z_]+: .+\n\nusage: npm start -- /);
      expect(r.stdout).toBe('');
    }
    const help = await runInProcess(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--web-port.*\n[\s\S]*--chat-port[\s\S]*--key[\s\S]*--no-bots/);
  }, 60_000);

  it('a port in use: one clear line naming the flag to change, exit 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      for (const flag of ['--web-port', '--chat-port']) {
        const r = await runInProcess([
          flag,
          String(port),
          ...(flag === '--web-port' ? ['--chat-port', '0'] : ['--web-port', '0'])
        ]);
        expect(r.status).toBe(1);
        const lines = r.stderr.trim().split('\n');
        expect(lines).toHaveLength(1);
        expect(lines[0]).toBe(
          `cbc-lab demo: ERR_PORT_IN_USE: port ${port} on 127.0.0.1 is in use (another program, or another npm start, is listening there); choose another with ${flag} <port>`
        );
      }
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  }, 60_000);
});

describe('npm start itself: every way of stopping it stops the whole demo', () => {
  const env = { ...process.env, CBC_LAB_CAPTURE_DIR: dir, CBC_LAB_NO_BUILD: '1' };

  function alive(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== 'ESRCH';
    }
  }

  /**
   * `npm start` in a process group of its own (as a terminal's foreground job is), with the shell
   * npm runs the script in: /bin/sh (dash on Debian: does not exec its command, so it sits between
   * npm and node) or bash (execs it, as macOS's /bin/sh does: npm is node's parent).
   */
  async function npmStart(scriptShell: string) {
    const child = spawn(
      'npm',
      ['start', `--script-shell=${scriptShell}`, '--', '--web-port', '0', '--chat-port', '0', '--no-bots'],
      { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const npmExited = new Promise<void>((r) => child.on('exit', () => r()));
    await until('the banner', () => /Press Ctrl-C to stop/.test(stdout) || child.exitCode !== null, 60_000);
    expect(stdout, stderr).toMatch(/Press Ctrl-C to stop/);
    // the capture's name carries the demo's pid (docs/api.md "The capture")
    const demoPid = Number(/Capture:\s+\S*demo-[\d-]+-(\d+)-\w+\.pcapng/.exec(stdout)![1]);
    const webPort = Number(/Open in a browser:\s+http:\/\/127\.0\.0\.1:(\d+)\/live/.exec(stdout)![1]);
    const chatPort = Number(/Chat port:\s+(\d+)/.exec(stdout)![1]);
    expect(demoPid).not.toBe(child.pid);
    expect(alive(demoPid)).toBe(true);
    return {
      npmPid: child.pid!,
      demoPid,
      npmExited,
      out: () => stdout,
      err: () => stderr,
      /** the demo process is gone, both its ports are closed, and it said it stopped cleanly */
      async stoppedCleanly() {
        await until('the demo process to exit', () => !alive(demoPid), 15_000);
        for (const port of [webPort, chatPort])
          expect({ port, refused: await refused(port) }).toEqual({ port, refused: true });
        await until('the last line', () => /Stopped\. The capture is in /.test(stdout), 5_000).catch((err: Error) => {
          throw new Error(`${err.message}\n--- stdout:\n${stdout}\n--- stderr:\n${stderr}`);
        });
        expect(stderr).not.toMatch(/again: exiting without a clean stop|took over 10 s|stopping failed/);
      },
      kill() {
        for (const pid of [demoPid, child.pid!]) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      }
    };
  }

  for (const shell of ['/bin/sh', 'bash']) {
    it(`kill <pid of npm> (SIGTERM to npm alone), script shell ${shell}: the demo stops and frees its ports`, async () => {
      const d = await npmStart(shell);
      try {
        process.kill(d.npmPid, 'SIGTERM');
        await d.stoppedCleanly();
        await d.npmExited;
      } finally {
        d.kill();
      }
    }, 90_000);
  }

  it('kill -9 <pid of npm>, script shell /bin/sh (the shell is left waiting): the demo still stops', async () => {
    const d = await npmStart('/bin/sh');
    try {
      process.kill(d.npmPid, 'SIGKILL');
      await d.stoppedCleanly();
      expect(d.out()).toMatch(/The process that started this demo \(npm start\) has exited/);
    } finally {
      d.kill();
    }
  }, 90_000);

  // Ctrl-C and a closed terminal signal the whole foreground group: npm, the shell and node, and
  // npm forwards its SIGINT to its child as well (with bash that is node: the same signal twice).
  for (const [sig, shell] of [
    ['SIGINT', 'bash'],
    ['SIGINT', '/bin/sh'],
    ['SIGHUP', '/bin/sh'],
    ['SIGHUP', 'bash']
  ] as const) {
    it(`${sig} to the whole process group (${sig === 'SIGINT' ? 'Ctrl-C' : 'the terminal closed'}), script shell ${shell}: one clean stop`, async () => {
      const d = await npmStart(shell);
      try {
        process.kill(-d.npmPid, sig);
        await d.stoppedCleanly();
        expect(d.out().match(/^Stopping: /gm)).toHaveLength(1);
      } finally {
        d.kill();
      }
    }, 90_000);
  }
});

describe('the build step npm start runs (server/start.ts runQuietly): one line, the output only on failure', () => {
  // Real child processes that print what `vite build` prints; the real build is too slow to run here.
  const noisy = (status: number) => [
    process.execPath,
    '-e',
    `console.log('> Using @sveltejs/adapter-node'); console.log('  Run npm run preview to preview your production build locally.'); console.error('warning: a chunk is larger than 500 kB'); process.exit(${status})`
  ];

  it('a build that succeeds prints only the note', () => {
    let out = '';
    let err = '';
    expect(runQuietly('building the web app…', noisy(0), { out: (t) => (out += t), err: (t) => (err += t) })).toBe(
      true
    );
    expect(out).toBe('building the web app…\n');
    expect(err).toBe('');
  });

  it('a build that fails shows everything it printed, on stderr', () => {
    let out = '';
    let err = '';
    expect(runQuietly('building the web app…', noisy(3), { out: (t) => (out += t), err: (t) => (err += t) })).toBe(
      false
    );
    expect(out).toBe('building the web app…\n');
    expect(err).toContain('Run npm run preview to preview your production build locally.');
    expect(err).toContain('warning: a chunk is larger than 500 kB');
  });
});
