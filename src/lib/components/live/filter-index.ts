// The positions in the frame array that pass the filters, kept up to date incrementally: while
// the filters stay the same only the frames appended since the last look are tested, so a batch
// arriving on a 100,000-frame capture costs the batch, not the capture.
import type { CapturedFrame } from '$lib/protocol/capture';
import type { Opened } from '$lib/protocol/open';

export interface Filters {
  conn: number | null;
  dir: 'c2s' | 's2c' | null;
  text: string;
  /** hide the server's acks and relayed copies (docs/protocol.md §8.3): what clients sent stays */
  hideCopies?: boolean;
  /** show only frames after this seq ("Clear capture": the ones before are hidden, not deleted); 0 for all */
  after?: number;
}

/** §8.2: what a line client reads that is the server's own notice, not an ack or a relay. */
const LINE_NOTICE = /^(\* |ERROR )/;

/**
 * Is this frame the server's ack of a message or a relayed copy of it (§8.3)? Native frames say
 * so in their header (`ack`, and `chat` from the server, unless its plaintext is a `* ` notice, the
 * rename of §8.2.5). A line says it only in its plaintext:
 * the ack and `name: text` relays are copies, `* … joined` and `ERROR …` notices are not; a line
 * the key cannot open is not called a copy, since nothing shows it is one.
 */
export function isServerCopy(frame: CapturedFrame, opened: Opened | null): boolean {
  if (frame.dir !== 's2c' || frame.error) return false;
  if (frame.framing === 'native') {
    if (frame.type === 'ack') return true;
    if (frame.type !== 'chat') return false;
    // a server chat frame is a relay, or its own rename notice `* OLD is now NAME` (§8.2.5): only
    // the plaintext tells, so one the key cannot open stays a relay, as its header says
    return !(opened?.ok && opened.text !== null && LINE_NOTICE.test(opened.text));
  }
  if (frame.framing !== 'line' || !opened?.ok || opened.clear || opened.text === null) return false;
  return !LINE_NOTICE.test(opened.text);
}

/** The first position in `frames` (ascending seq) whose seq is above `seq`. */
function firstAfter(frames: CapturedFrame[], seq: number): number {
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (frames[mid].seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class FilterIndex {
  private key = '';
  private list: number[] = [];
  private scanned = 0;
  private source: CapturedFrame[] | null = null;

  /** frames appended or not yet tested: call update again (the page does, on a timer) */
  get scanning(): boolean {
    return this.source !== null && this.scanned < this.source.length;
  }

  get progress(): number {
    return this.source && this.source.length ? this.scanned / this.source.length : 1;
  }

  /**
   * `matchText` is asked only when a text filter is set, `isCopy` only when copies are hidden;
   * either may be slow (they decrypt), so such a filter stops after `budgetMs` and carries on at
   * the next call: the page never freezes.
   */
  update(
    frames: CapturedFrame[],
    f: Filters,
    matchText: (frame: CapturedFrame, needle: string) => boolean,
    epoch: unknown,
    budgetMs = Infinity,
    isCopy: (frame: CapturedFrame) => boolean = () => false
  ): number[] {
    const hideCopies = f.hideCopies === true;
    const after = f.after ?? 0;
    const key = JSON.stringify([f.conn, f.dir, f.text.trim().toLowerCase(), hideCopies, after, String(epoch)]);
    if (key !== this.key || frames !== this.source || frames.length < this.scanned) {
      this.key = key;
      this.source = frames;
      this.list = [];
      this.scanned = after > 0 ? firstAfter(frames, after) : 0;
    }
    const needle = f.text.trim().toLowerCase();
    const all = f.conn === null && f.dir === null && needle === '' && !hideCopies;
    const until = needle === '' && !hideCopies ? Infinity : performance.now() + budgetMs;
    let i = this.scanned;
    for (; i < frames.length; i++) {
      if ((i & 127) === 0 && performance.now() > until) break;
      const fr = frames[i];
      if (
        all ||
        ((f.conn === null || fr.conn === f.conn) &&
          (f.dir === null || fr.dir === f.dir) &&
          (!hideCopies || !isCopy(fr)) &&
          (needle === '' || matchText(fr, needle)))
      )
        this.list.push(i);
    }
    this.scanned = i;
    return this.list;
  }
}
