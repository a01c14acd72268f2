// The live stream of GET /api/stream (docs/api.md): Server-Sent Events carrying frames in batches,
// each event's id the last seq in it, so a reconnecting EventSource resumes with Last-Event-ID.
//
// No gap, no duplicate: we subscribe to the store before reading the backlog, hold live batches
// until the backlog is sent, and send only frames whose seq is above the last one sent. A frame the
// store appended while we read the backlog arrives twice (page and live batch) and goes out once.
import type { CapturedConnection, CapturedFrame } from '../../../lib/protocol/capture';
import type { DemoHandle } from '../../../lib/server/demo-handle';
import type { FramesEvent, ResetEvent, StoppedEvent } from '../../../lib/api/types';

export const RETRY_MS = 2000;
export const PING_MS = 15_000;
/** frames per event, for the backlog (a live batch larger than this is split too) */
export const EVENT_MAX_FRAMES = 1000;
const CONN_POLL_MS = 1000;
/** bytes queued for the client before the backlog waits for it to read */
export const HIGH_WATER_BYTES = 1 << 20;
/** bytes queued before a reader too slow for the live rate is dropped: it resumes from Last-Event-ID */
export const DROP_AT_BYTES = 32 << 20;

export interface StreamOptions {
  pingMs?: number;
  highWaterBytes?: number;
  dropAtBytes?: number;
}

/** The bytes of one frames event, made once for a batch that several streams send whole. */
const eventCache = new WeakMap<CapturedFrame[], { last: number; bytes: Uint8Array }>();
function framesEvent(frames: CapturedFrame[], last: number, encoder: TextEncoder): Uint8Array {
  const cached = eventCache.get(frames);
  if (cached && cached.last === last) return cached.bytes;
  const id = frames[frames.length - 1].seq;
  const bytes = encoder.encode(
    `event: frames\nid: ${id}\ndata: ${JSON.stringify({ frames, last } satisfies FramesEvent)}\n\n`
  );
  eventCache.set(frames, { last, bytes });
  return bytes;
}

/**
 * One listener on the demo's signal for every stream (a listener each would pass Node's limit of
 * 10 with a class watching and print a leak warning on the demo's console); returns the removal.
 */
const abortWatchers = new WeakMap<AbortSignal, Set<() => void>>();
function onAbort(signal: AbortSignal, listener: () => void): () => void {
  const watchers = abortWatchers.get(signal) ?? new Set<() => void>();
  if (!abortWatchers.has(signal)) {
    abortWatchers.set(signal, watchers);
    signal.addEventListener(
      'abort',
      () => {
        for (const w of [...watchers]) w();
      },
      { once: true }
    );
  }
  watchers.add(listener);
  return () => void watchers.delete(listener);
}

export function frameStream(demo: DemoHandle, after: number, o: StreamOptions = {}): ReadableStream<Uint8Array> {
  const store = demo.store;
  const pingMs = o.pingMs ?? PING_MS;
  const highWater = o.highWaterBytes ?? HIGH_WATER_BYTES;
  const dropAt = o.dropAtBytes ?? DROP_AT_BYTES;
  const encoder = new TextEncoder();
  let sent = after;
  let live = false;
  let closed = false;
  const pending: CapturedFrame[] = [];
  const connSeen = new Map<number, string>();
  let wake: (() => void) | null = null;
  const cleanups: (() => void)[] = [];
  const cleanup = () => {
    closed = true;
    for (const c of cleanups.splice(0)) c();
    wake?.();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const finish = () => {
          if (closed) return;
          cleanup();
          try {
            controller.close();
          } catch {
            /* already closed or cancelled */
          }
        };
        const enqueue = (bytes: Uint8Array) => {
          if (closed) return;
          controller.enqueue(bytes);
          if ((controller.desiredSize ?? 0) < highWater - dropAt) finish();
        };
        const push = (text: string) => enqueue(encoder.encode(text));
        const emitConn = (c: CapturedConnection) => {
          const data = JSON.stringify(c);
          if (connSeen.get(c.conn) === data) return;
          connSeen.set(c.conn, data);
          push(`event: conn\ndata: ${data}\n\n`);
        };
        // every connection: when the stream opens, and (without watchConnections) before each batch
        const emitConns = () => {
          for (const c of store.connections()) emitConn(c);
        };
        const emitFrames = (frames: CapturedFrame[]) => {
          let i = 0;
          while (i < frames.length && frames[i].seq <= sent) i++;
          if (i === 0 && frames.length > 0 && frames.length <= EVENT_MAX_FRAMES) {
            // a live batch sent whole, as it is to every stream: one event for all of them
            sent = frames[frames.length - 1].seq;
            enqueue(framesEvent(frames, Math.max(store.lastSeq, sent), encoder));
            return;
          }
          while (i < frames.length && !closed) {
            const batch: CapturedFrame[] = [];
            for (; i < frames.length && batch.length < EVENT_MAX_FRAMES; i++)
              if (frames[i].seq > sent) batch.push(frames[i]);
            if (batch.length === 0) break;
            sent = batch[batch.length - 1].seq;
            push(
              `event: frames\nid: ${sent}\ndata: ${JSON.stringify({ frames: batch, last: Math.max(store.lastSeq, sent) } satisfies FramesEvent)}\n\n`
            );
          }
        };

        const unsubscribe = store.subscribe((batch) => {
          if (closed) return;
          if (!live) {
            for (const f of batch) pending.push(f);
            return;
          }
          // a new connection's label before its first frame: watchConnections hears of it first
          if (!store.watchConnections) emitConns();
          emitFrames(batch);
        });
        cleanups.push(unsubscribe);
        const ping = setInterval(() => push(': ping\n\n'), pingMs);
        cleanups.push(() => clearInterval(ping));
        // one connection per event, not all of them: a capture that has seen hundreds (lesson 1's
        // replays open one each) would cost every stream all of them for each batch
        if (store.watchConnections) cleanups.push(store.watchConnections((c) => emitConn(c)));
        else {
          const poll = setInterval(emitConns, CONN_POLL_MS);
          cleanups.push(() => clearInterval(poll));
        }
        // the demo stopping (Ctrl-C, SIGTERM): say so, so a page can tell it from a dropped connection
        const stopped = () => {
          push(`event: stopped\ndata: ${JSON.stringify({ last: store.lastSeq } satisfies StoppedEvent)}\n\n`);
          finish();
        };
        cleanups.push(onAbort(demo.signal, stopped));

        push(`retry: ${RETRY_MS}\n\n`);
        // Asked for frames after a seq this capture never reached: the client's frames come from
        // another run of the demo. Say so; it may start over with after=0 (it gets frames above
        // its `after` otherwise, as for any other client).
        if (after > store.lastSeq)
          push(`event: reset\ndata: ${JSON.stringify({ last: store.lastSeq, after } satisfies ResetEvent)}\n\n`);
        emitConns();

        const backlog = async () => {
          while (!closed) {
            const page = await store.frames(sent, EVENT_MAX_FRAMES);
            if (closed || page.length === 0 || page[page.length - 1].seq <= sent) break;
            emitConns();
            emitFrames(page);
            if (page.length < EVENT_MAX_FRAMES) break;
            // a long backlog (frames read back from disk) goes out as fast as the client reads it
            while (!closed && (controller.desiredSize ?? 1) <= 0) {
              await new Promise<void>((resolve) => {
                wake = resolve;
                setTimeout(resolve, 100);
              });
            }
          }
          if (closed) return;
          live = true;
          emitFrames(pending.splice(0));
        };
        backlog().catch((err) => {
          if (closed) return;
          cleanup();
          controller.error(err);
        });
      },
      pull() {
        const w = wake;
        wake = null;
        w?.();
      },
      cancel() {
        // the client went away (adapter-node cancels the body when the socket closes)
        cleanup();
      }
    },
    { highWaterMark: highWater, size: (chunk) => chunk.byteLength }
  );
}
