// The frames /live shows: from the running demo's stream (GET /api/stream, docs/api.md) or from a
// file loaded for offline inspection. Frames live in one plain array that only grows; Svelte sees
// a version counter, never a deep proxy of 100,000 objects. Incoming frames are appended in
// batches, one per stream event. Resumes from the last seq it has: duplicates are dropped by
// seq, and a gap makes it reopen the stream from the last seq it holds; a `reset` (the capture
// started over) empties it and starts again from the first frame.
import type { CapturedConnection, CapturedFrame } from '$lib/protocol/capture';
import type { LoadedCapture } from '$lib/protocol/capture-load';
import type { ConnEvent, FramesEvent, ResetEvent, StoppedEvent } from '$lib/api/types';
import { href } from '$lib/href';

/**
 * connecting, live, behind (catching up), reconnecting (the stream dropped; the demo answers or
 * has not been asked yet), unreachable (nothing answers on this address), stopped (the demo said
 * it stopped), no-demo (the web app runs without a demo), file (a capture loaded).
 */
export type FeedStatus =
  'connecting' | 'live' | 'behind' | 'reconnecting' | 'unreachable' | 'stopped' | 'no-demo' | 'file';

/** the server's largest event (src/routes/api/stream/sse.ts EVENT_MAX_FRAMES) */
const FULL_EVENT = 1000;
const RETRY_MS = 1500;

export class CaptureFeed {
  /** every frame, ascending seq; read it after reading `version` */
  readonly frames: CapturedFrame[] = [];
  version = $state(0);
  /** bumped when the frames are replaced (a file loaded, back to live) */
  generation = $state(0);
  connections = $state.raw<Map<number, CapturedConnection>>(new Map());
  status = $state<FeedStatus>('connecting');
  statusDetail = $state('');
  paused = $state(false);
  heldCount = $state(0);
  /** what was loaded when status is 'file' */
  source = $state<{ name: string; kind: string; notes: string[] } | null>(null);
  /** times the stream skipped frames and was reopened from the last seq held */
  gapCount = $state(0);
  /** frames the stream sent again (seq at or below the last held), dropped */
  duplicateCount = $state(0);
  /**
   * the server said its capture started over (a new run of the demo): the frames this page held
   * then, up to which seq, and the capture's last seq at that moment
   */
  lastReset = $state<{ dropped: number; through: number; serverLast: number } | null>(null);
  /** called after a reset emptied the frames, so the page can drop what pointed into them */
  onreset: (() => void) | null = null;

  private last = 0;
  private held: CapturedFrame[] = [];
  private incoming: CapturedFrame[] = [];
  private flushPending = false;
  private es: EventSource | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  get lastSeq(): number {
    return this.last;
  }

  /** Binary search by seq (frames are ascending). */
  bySeq(seq: number): CapturedFrame | undefined {
    const f = this.frames;
    let lo = 0;
    let hi = f.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = f[mid].seq;
      if (s === seq) return f[mid];
      if (s < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** Join the live stream from the frame after the last one held. */
  connect(): void {
    this.stopped = false;
    this.close();
    const es = new EventSource(href(`/api/stream?after=${this.last}`));
    this.es = es;
    if (this.status !== 'live' && this.status !== 'behind') this.status = this.last ? 'reconnecting' : 'connecting';
    es.onopen = () => {
      if (this.es === es && this.status !== 'behind') {
        this.status = 'live';
        this.statusDetail = '';
      }
    };
    es.addEventListener('frames', (ev) => {
      if (this.es !== es) return;
      const data = JSON.parse((ev as MessageEvent).data) as FramesEvent;
      this.receive(data.frames, data.last);
    });
    es.addEventListener('conn', (ev) => {
      if (this.es !== es) return;
      const c = JSON.parse((ev as MessageEvent).data) as ConnEvent;
      const next = new Map(this.connections);
      next.set(c.conn, c);
      this.connections = next;
    });
    es.addEventListener('reset', (ev) => {
      if (this.es !== es) return;
      const d = JSON.parse((ev as MessageEvent).data) as ResetEvent;
      this.reset(d);
    });
    es.addEventListener('stopped', (ev) => {
      if (this.es !== es) return;
      const d = JSON.parse((ev as MessageEvent).data) as StoppedEvent;
      this.close();
      this.status = 'stopped';
      this.statusDetail = `The demo stopped (Ctrl-C, or npm start ended) after frame #${d.last}. The frames stay here to inspect; to go on, run npm start again and reload this page.`;
    });
    es.onerror = () => {
      if (this.es !== es) return;
      // The browser would retry by itself, blind; instead ask /api/demo first (is anything there,
      // is it a demo?) and reopen from the last seq held, which is what Last-Event-ID would say.
      this.close();
      if (this.status !== 'unreachable') this.status = 'reconnecting';
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(async () => {
      this.retry = null;
      if (this.stopped) return;
      const res = await fetch(href('/api/demo'), { cache: 'no-store' }).catch(() => null);
      if (this.stopped) return;
      if (!res) {
        // nothing answers here: the demo is gone (stopped, or killed before it could say so)
        this.status = 'unreachable';
        this.statusDetail = `Nothing answers at ${location.host}: the demo has stopped or crashed. The frames stay here to inspect; this page tries again every ${RETRY_MS / 1000} s.`;
        this.scheduleReconnect();
        return;
      }
      if (res.status === 503) {
        this.status = 'no-demo';
        this.statusDetail = 'no demo is running: start one with npm start, or load a capture file';
      }
      this.connect();
    }, RETRY_MS);
  }

  close(): void {
    this.es?.close();
    this.es = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  stop(): void {
    this.stopped = true;
    this.close();
  }

  private receive(batch: CapturedFrame[], serverLast?: number): void {
    let newest = 0;
    for (const f of batch) {
      const expected = this.last + 1;
      if (f.seq < expected) {
        this.duplicateCount++;
        continue;
      }
      if (f.seq > expected && this.last > 0) {
        // the stream skipped frames we do not have: reopen it from the last one we hold
        this.gapCount++;
        this.connect();
        return;
      }
      this.last = f.seq;
      newest = f.time;
      this.incoming.push(f);
    }
    if (newest) {
      // A full backlog event (the server sends history 1000 frames at a time) or a server that
      // knows of frames past this batch: the page is catching up, not live yet.
      const backlog = (serverLast !== undefined && serverLast > this.last) || batch.length >= FULL_EVENT;
      if (backlog) {
        this.status = 'behind';
        this.statusDetail = `catching up: ${Math.max(0, Math.round((Date.now() - newest) / 100) / 10)} s behind the wire`;
      } else {
        this.status = 'live';
        this.statusDetail = '';
      }
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushPending || this.incoming.length === 0) return;
    this.flushPending = true;
    // Each stream event is already a batch (the server sends at most one per 20 ms), so append it
    // at the end of this task: Svelte then updates the list once for the whole batch. Waiting for
    // an animation frame would add up to a frame's delay, and far more in a throttled tab.
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushPending = false;
    const batch = this.incoming;
    this.incoming = [];
    if (batch.length === 0) return;
    if (this.paused) {
      for (const f of batch) this.held.push(f);
      this.heldCount = this.held.length;
      return;
    }
    for (const f of batch) this.frames.push(f);
    this.version++;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    for (const f of this.held) this.frames.push(f);
    this.held = [];
    this.heldCount = 0;
    this.version++;
  }

  /** Replace everything with a file's frames: the stream stops; `backToLive` rejoins it. */
  loadFile(name: string, loaded: LoadedCapture): void {
    this.stop();
    this.frames.length = 0;
    for (const f of loaded.frames) this.frames.push(f);
    this.held = [];
    this.heldCount = 0;
    this.incoming = [];
    this.paused = false;
    this.last = 0;
    this.connections = new Map(loaded.connections.map((c) => [c.conn, c]));
    this.source = { name, kind: loaded.kind, notes: loaded.notes };
    this.lastReset = null;
    this.status = 'file';
    this.statusDetail = '';
    this.generation++;
    this.version++;
  }

  /**
   * The stream said it has no frame past the last one held (api/stream `reset`): the capture
   * started over, so what is held belongs to another run. Drop it and join the new capture from
   * its first frame.
   */
  private reset(d: ResetEvent): void {
    this.lastReset = { dropped: this.frames.length + this.held.length, through: this.last, serverLast: d.last };
    this.frames.length = 0;
    this.held = [];
    this.heldCount = 0;
    this.incoming = [];
    this.last = 0;
    this.connections = new Map();
    this.generation++;
    this.version++;
    this.onreset?.();
    this.connect();
  }

  backToLive(): void {
    this.frames.length = 0;
    this.last = 0;
    this.source = null;
    this.lastReset = null;
    this.connections = new Map();
    this.generation++;
    this.version++;
    this.status = 'connecting';
    this.connect();
  }
}
