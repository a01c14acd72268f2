// The SSE stream of GET /api/stream (src/routes/api/stream/sse.ts) against the real CaptureStore,
// with frames appended at the worst moments: while the backlog is being read, between its pages,
// while the client is away. Every run must give 1, 2, 3 … with no gap and no duplicate.
import { getEventListeners } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BATCH_MS, CaptureStore } from '../../../server/capture/capture-store.ts';
import type { Clock } from '../../../server/clock.ts';
import { frameStream, type StreamOptions } from '../../../src/routes/api/stream/sse.ts';
import type { DemoCaptureStore, DemoHandle } from '../../../src/lib/server/demo-handle.ts';
import type { CapturedFrame } from '../../../src/lib/protocol/capture.ts';
import { FakeClock } from '../../helpers/fake-clock.ts';
import { waitFor } from '../../helpers/net.ts';

const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-api-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

function frame(seq: number, conn = 1, size = 40): CapturedFrame {
  return {
    seq,
    time: 1_795_000_000_000 + seq,
    conn,
    dir: seq % 2 ? 'c2s' : 's2c',
    framing: 'line',
    type: 'chat',
    suite: 'cbc',
    length: size,
    bytes: Buffer.alloc(size, seq & 0xff).toString('base64')
  };
}

/** `clock`: a FakeClock where the test moves the store's batch timer (BATCH_MS) by hand. */
function setup(memoryFrames = 20, clock?: Clock) {
  const store = new CaptureStore({ spoolPath: join(dir, `spool-${++n}.jsonl`), memoryFrames, clock });
  const abort = new AbortController();
  let seq = 0;
  const add = (count: number, conn = 1, size = 40) => {
    const fs: CapturedFrame[] = [];
    for (let i = 0; i < count; i++) fs.push(frame(++seq, conn, size));
    store.appendMany(fs);
  };
  const demo = (s: DemoCaptureStore = store): DemoHandle => ({
    key: '00',
    keySize: 16,
    chatPort: 1,
    webUrl: 'http://127.0.0.1:1',
    store: s,
    signal: abort.signal,
    send: async () => ({ ok: true })
  });
  const listeners = () => store.subscribers;
  return { store, abort, add, demo, listeners, last: () => seq };
}

interface Ev {
  event: string;
  id?: string;
  data: string;
}

/** Read a stream's events as they come; stop() cancels like a client going away. */
function read(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  const events: Ev[] = [];
  const comments: string[] = [];
  let buf = '';
  let done = false;
  let paused: Promise<void> | null = null;
  let resume: (() => void) | null = null;
  const loop = (async () => {
    for (;;) {
      if (paused) await paused;
      const r = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (r.done) break;
      buf += decoder.decode(r.value, { stream: true });
      let i: number;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const ev: Ev = { event: 'message', data: '' };
        let any = false;
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) comments.push(line);
          else if (line.startsWith('event: ')) {
            ev.event = line.slice(7);
            any = true;
          } else if (line.startsWith('id: ')) ev.id = line.slice(4);
          else if (line.startsWith('data: ')) {
            ev.data += line.slice(6);
            any = true;
          }
        }
        if (any) events.push(ev);
      }
    }
    done = true;
  })();
  return {
    events,
    comments,
    get done() {
      return done;
    },
    loop,
    seqs: () =>
      events
        .filter((e) => e.event === 'frames')
        .flatMap((e) => (JSON.parse(e.data) as { frames: CapturedFrame[] }).frames.map((f) => f.seq)),
    pause() {
      paused = new Promise((r) => (resume = r));
    },
    resume() {
      paused = null;
      resume?.();
    },
    stop: () => reader.cancel()
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('frameStream', () => {
  it('backlog (from the spool and from memory), then live batches: 1 … N once each', async () => {
    const clock = new FakeClock();
    const t = setup(20, clock);
    t.add(2500); // 2480 of them only on disk
    const s = read(frameStream(t.demo(), 0));
    t.add(7);
    await waitFor(() => s.seqs().length >= 2507, 'the backlog');
    for (let i = 0; i < 20; i++) {
      t.add(1 + (i % 3));
      clock.advance(BATCH_MS); // the store's next batch is due
      await waitFor(() => s.seqs().at(-1) === t.last(), 'the live batch');
    }
    await waitFor(() => s.seqs().at(-1) === t.last(), 'live frames');
    expect(s.seqs()).toEqual(range(1, t.last()));
    const frameEvents = s.events.filter((e) => e.event === 'frames');
    for (const e of frameEvents) {
      const d = JSON.parse(e.data) as { frames: CapturedFrame[]; last: number };
      expect(d.frames.length).toBeLessThanOrEqual(1000);
      expect(e.id).toBe(String(d.frames.at(-1)!.seq));
    }
    await s.stop();
    t.store.close();
  });

  it('frames appended while each backlog page is read (sync store) are sent once', async () => {
    const t = setup(10);
    t.add(2100);
    const racing: DemoCaptureStore = {
      frames(after, limit) {
        const page = t.store.frames(after, limit);
        t.add(3); // lands in the store and in the subscriber's next batch
        return page;
      },
      get lastSeq() {
        return t.store.lastSeq;
      },
      connections: () => t.store.connections(),
      subscribe: (l) => t.store.subscribe(l),
      toCaptureFile: () => t.store.toCaptureFile(),
      pcapngPath: null
    };
    const s = read(frameStream(t.demo(racing), 5));
    await waitFor(() => s.seqs().length >= 2100 - 5, 'the backlog');
    t.add(4);
    await waitFor(() => s.seqs().at(-1) === t.last(), 'everything');
    expect(s.seqs()).toEqual(range(6, t.last()));
    await s.stop();
    t.store.close();
  });

  it('an async store: batches delivered while a page is awaited are held, then de-duplicated', async () => {
    const clock = new FakeClock();
    const t = setup(10, clock);
    t.add(1500);
    const slow: DemoCaptureStore = {
      async frames(after, limit) {
        const page = t.store.frames(after, limit);
        t.add(5);
        // the store's batch is delivered while the page is awaited: by its timer (BATCH_MS) or at
        // the next turn of the event loop after a quiet spell
        clock.advance(BATCH_MS);
        await new Promise((r) => setImmediate(r));
        return page;
      },
      get lastSeq() {
        return t.store.lastSeq;
      },
      connections: () => t.store.connections(),
      subscribe: (l) => t.store.subscribe(l),
      toCaptureFile: () => t.store.toCaptureFile(),
      pcapngPath: null
    };
    const s = read(frameStream(t.demo(slow), 0));
    await waitFor(() => s.seqs().at(-1) === t.last() && t.last() >= 1510, 'everything');
    expect(s.seqs()).toEqual(range(1, t.last()));
    await s.stop();
    t.store.close();
  });

  it("resume: a second stream from the first one's last id continues with no gap while frames flow", async () => {
    const t = setup(5);
    t.add(30);
    const a = read(frameStream(t.demo(), 0));
    await waitFor(() => a.seqs().length === 30, 'a');
    t.add(3);
    await waitFor(() => a.seqs().length === 33, 'a live');
    await a.stop();
    const lastId = Number(a.events.filter((e) => e.id).at(-1)!.id);
    t.add(50); // while away: most of it evicted to disk
    const b = read(frameStream(t.demo(), lastId));
    t.add(2);
    await waitFor(() => b.seqs().at(-1) === t.last(), 'b');
    expect([...a.seqs(), ...b.seqs()]).toEqual(range(1, t.last()));
    await b.stop();
    t.store.close();
  });

  it('cancel unsubscribes; the demo stopping ends the stream', async () => {
    const t = setup();
    t.add(3);
    const before = t.listeners();
    const a = read(frameStream(t.demo(), 0));
    await waitFor(() => a.seqs().length === 3, 'a');
    expect(t.listeners()).toBe(before + 1);
    await a.stop();
    expect(t.listeners()).toBe(before);
    const b = read(frameStream(t.demo(), 0));
    await waitFor(() => b.seqs().length === 3, 'b');
    t.abort.abort();
    await waitFor(() => b.done, 'b to end');
    expect(t.listeners()).toBe(before);
    t.store.close();
  });

  it('sends retry, the connections as conn events, and a ping comment on the interval', async () => {
    const t = setup();
    t.store.openConnection({ conn: 1, client: '127.0.0.1:40000', server: '127.0.0.1:5001', opened: 1 });
    t.add(1);
    const opts: StreamOptions = { pingMs: 20 };
    const raw = frameStream(t.demo(), 0, opts);
    const s = read(raw);
    await waitFor(() => s.comments.includes(': ping'), 'a ping');
    const conns = () =>
      s.events.filter((e) => e.event === 'conn').map((e) => JSON.parse(e.data) as { conn: number; closed?: number });
    expect(conns()).toEqual([{ conn: 1, client: '127.0.0.1:40000', server: '127.0.0.1:5001', opened: 1 }]);
    t.store.openConnection({ conn: 2, client: '127.0.0.1:40001', server: '127.0.0.1:5001', opened: 2 });
    t.store.closeConnection(1, 3);
    await waitFor(() => conns().length === 3, 'conn events');
    expect(conns().slice(1)).toEqual([
      { conn: 2, client: '127.0.0.1:40001', server: '127.0.0.1:5001', opened: 2 },
      { conn: 1, client: '127.0.0.1:40000', server: '127.0.0.1:5001', opened: 1, closed: 3 }
    ]);
    await s.stop();
    t.store.close();
  });

  it('a reader that stops reading is dropped once too much waits for it; it resumes from its last id', async () => {
    const clock = new FakeClock();
    const t = setup(50, clock);
    const before = t.listeners();
    const s = read(frameStream(t.demo(), 0, { highWaterBytes: 4096, dropAtBytes: 64 * 1024 }));
    t.add(5);
    await waitFor(() => s.seqs().length === 5, 'first frames');
    s.pause();
    for (let i = 0; i < 40; i++) {
      t.add(10, 1, 400);
      clock.advance(BATCH_MS); // each add is its own batch
      await new Promise((r) => setImmediate(r));
    }
    await waitFor(() => t.listeners() === before, 'the drop');
    s.resume();
    await waitFor(() => s.done, 'the end of the stream');
    const got = s.seqs();
    expect(got).toEqual(range(1, got.length)); // what it got before the drop has no gap
    expect(got.length).toBeLessThan(t.last());
    const again = read(frameStream(t.demo(), got.length));
    await waitFor(() => again.seqs().at(-1) === t.last(), 'the rest');
    expect([...got, ...again.seqs()]).toEqual(range(1, t.last()));
    await again.stop();
    t.store.close();
  });

  it('a class of 12 streams: one listener on the demo signal, one conn event per change, one frames event for all', async () => {
    const t = setup();
    for (let c = 1; c <= 50; c++) {
      t.store.openConnection({ conn: c, client: `127.0.0.1:${40000 + c}`, server: '127.0.0.1:5001', opened: c });
      t.store.closeConnection(c, c + 0.5);
    }
    t.add(3);
    const streams = Array.from({ length: 12 }, () => read(frameStream(t.demo(), 0)));
    const conns = (s: (typeof streams)[number]) => s.events.filter((e) => e.event === 'conn');
    await waitFor(() => streams.every((s) => s.seqs().length === 3 && conns(s).length === 50), 'the backlog');
    // Node warns of a leak past 10 listeners on one EventTarget: a class would print it on the demo's console
    expect(getEventListeners(t.abort.signal, 'abort')).toHaveLength(1);
    t.store.openConnection({ conn: 51, client: '127.0.0.1:40051', server: '127.0.0.1:5001', opened: 60 });
    t.add(2, 51);
    await waitFor(() => streams.every((s) => s.seqs().length === 5), 'the live batch');
    const batch = JSON.stringify({ frames: [frame(4, 51), frame(5, 51)], last: 5 });
    for (const s of streams) {
      // the 50 once, then conn 51 alone, before its frames: not every connection again for the batch
      expect(conns(s).map((e) => (JSON.parse(e.data) as { conn: number }).conn)).toEqual(range(1, 51));
      const live = s.events.slice(s.events.findIndex((e) => e.event === 'conn' && e.data.includes('"conn":51')));
      expect(live.map((e) => [e.event, e.id])).toEqual([
        ['conn', undefined],
        ['frames', '5']
      ]);
      expect(live[1].data).toBe(batch);
    }
    t.abort.abort();
    await waitFor(() => streams.every((s) => s.done), 'every stream to end');
    for (const s of streams) expect(s.events.at(-1)).toEqual({ event: 'stopped', data: '{"last":5}' });
    t.store.close();
  });

  it('a store without watchConnections: a new connection is announced before its first frame', async () => {
    const t = setup();
    const polled: DemoCaptureStore = {
      frames: (after, limit) => t.store.frames(after, limit),
      get lastSeq() {
        return t.store.lastSeq;
      },
      connections: () => t.store.connections(),
      subscribe: (l) => t.store.subscribe(l),
      toCaptureFile: () => t.store.toCaptureFile(),
      pcapngPath: null
    };
    t.store.openConnection({ conn: 1, client: '127.0.0.1:40001', server: '127.0.0.1:5001', opened: 1 });
    t.add(1, 1);
    const s = read(frameStream(t.demo(polled), 0));
    await waitFor(() => s.seqs().length === 1, 'the backlog');
    t.store.openConnection({ conn: 7, client: '127.0.0.1:40007', server: '127.0.0.1:5001', opened: 7 });
    t.add(1, 7);
    await waitFor(() => s.seqs().length === 2, 'the live frame');
    expect(
      s.events.map((e) => [e.event, e.event === 'conn' ? (JSON.parse(e.data) as { conn: number }).conn : e.id])
    ).toEqual([
      ['conn', 1],
      ['frames', '1'],
      ['conn', 7],
      ['frames', '2']
    ]);
    await s.stop();
    t.store.close();
  });
});
