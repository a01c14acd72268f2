// What the e2e tests and bench/live.ts read of /live, from outside the page: the page ships no
// test hook (issue 10), so this init script, added to the test's own browser page, builds one.
// Counts come from the data-* attributes of the status pill (src/routes/live/+page.svelte); the
// stream is watched by wrapping EventSource before the page's code runs, which also lets a test
// cut the stream the way a network failure would.
import type { Page } from 'playwright-core';

export interface LiveProbe {
  /** frames the page holds */
  count(): number;
  /** the highest seq the page has taken from the stream */
  last(): number;
  gaps(): number;
  duplicates(): number;
  /** the seqs held are first..first+n-1, each once, in order */
  contiguous(): boolean;
  /** close the stream and fire its error event: the page reconnects from its last seq */
  drop(): void;
  /** bench: time every `frames` event from now on */
  record: boolean;
  /**
   * bench: [seq, page time when the batch was in the list, conn, dir, the tap's time, page time
   * when the event arrived] for every frame recorded since the last call; times are
   * performance.timeOrigin + performance.now()
   */
  takeArrivals(): [number, number, number, string, number, number][];
  /** bench: main-thread ms of each recorded batch's update, Svelte's DOM work included, up to the next task */
  takeRenders(): number[];
}

/** The probe's source, run in the page before any of its scripts (Page.addInitScript). */
function install(): void {
  const w = window as unknown as { __liveProbe: LiveProbe; EventSource: typeof EventSource };
  const pill = () => (document.querySelector('[data-testid="status"]') as HTMLElement | null)?.dataset ?? {};
  const num = (v: string | undefined) => Number(v ?? 0);
  const open = new Set<EventSource>();
  let raw: [string, number, number][] = [];
  let renders: number[] = [];
  const now = () => performance.timeOrigin + performance.now();
  const probe: LiveProbe = {
    count: () => num(pill().frames),
    last: () => num(pill().lastSeq),
    gaps: () => num(pill().gaps),
    duplicates: () => num(pill().duplicates),
    contiguous: () => {
      const d = pill();
      return num(d.frames) === 0 || num(d.endSeq) - num(d.firstSeq) + 1 === num(d.frames);
    },
    drop: () => {
      for (const es of [...open]) {
        es.close();
        es.dispatchEvent(new Event('error'));
      }
    },
    record: false,
    takeArrivals: () => {
      const out: [number, number, number, string, number, number][] = [];
      for (const [data, arrived, listed] of raw) {
        for (const f of (JSON.parse(data) as { frames: { seq: number; conn: number; dir: string; time: number }[] })
          .frames)
          out.push([f.seq, listed, f.conn, f.dir, f.time, arrived]);
      }
      raw = [];
      return out;
    },
    takeRenders: () => {
      const r = renders;
      renders = [];
      return r;
    }
  };
  const Native = w.EventSource;
  function Probed(url: string | URL, init?: EventSourceInit): EventSource {
    const es = new Native(url, init);
    open.add(es);
    const close = es.close.bind(es);
    es.close = () => {
      open.delete(es);
      close();
    };
    const add = es.addEventListener.bind(es) as (
      type: string,
      listener: EventListener,
      options?: boolean | AddEventListenerOptions
    ) => void;
    es.addEventListener = ((type: string, listener: EventListener, options?: boolean | AddEventListenerOptions) => {
      if (type !== 'frames' || typeof listener !== 'function') return add(type, listener, options);
      add(
        type,
        (ev) => {
          if (!probe.record) return listener(ev);
          const arrived = now();
          listener(ev);
          // queued after the page's own microtask that appends the batch, before Svelte's update
          queueMicrotask(() => {
            const listed = now();
            raw.push([(ev as MessageEvent).data, arrived, listed]);
            const t = performance.now();
            setTimeout(() => renders.push(performance.now() - t), 0);
          });
        },
        options
      );
    }) as EventSource['addEventListener'];
    return es;
  }
  Probed.prototype = Native.prototype;
  Object.assign(Probed, { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
  w.EventSource = Probed as unknown as typeof EventSource;
  w.__liveProbe = probe;
}

/** Add the probe to `page`; it is in place from the next navigation on. */
export async function addLiveProbe(page: Page): Promise<void> {
  // tsx compiles with esbuild's keepNames, which wraps named functions in a __name helper that
  // exists only in Node: the page gets a stand-in
  await page.addInitScript({ content: `var __name = (target) => target; (${install.toString()})();` });
}
