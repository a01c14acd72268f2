// The positions in the frame array that pass the filters, kept up to date incrementally: while
// the filters stay the same only the frames appended since the last look are tested, so a batch
// arriving on a 100,000-frame capture costs the batch, not the capture.
import type { CapturedFrame } from '$lib/protocol/capture';

export interface Filters {
  conn: number | null;
  dir: 'c2s' | 's2c' | null;
  text: string;
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
   * `matchText` is asked only when a text filter is set; it may be slow (it decrypts), so a text
   * filter stops after `budgetMs` and carries on at the next call: the page never freezes.
   */
  update(
    frames: CapturedFrame[],
    f: Filters,
    matchText: (frame: CapturedFrame, needle: string) => boolean,
    epoch: unknown,
    budgetMs = Infinity
  ): number[] {
    const key = JSON.stringify([f.conn, f.dir, f.text.trim().toLowerCase(), String(epoch)]);
    if (key !== this.key || frames !== this.source || frames.length < this.scanned) {
      this.key = key;
      this.source = frames;
      this.list = [];
      this.scanned = 0;
    }
    const needle = f.text.trim().toLowerCase();
    const all = f.conn === null && f.dir === null && needle === '';
    const until = needle === '' ? Infinity : performance.now() + budgetMs;
    let i = this.scanned;
    for (; i < frames.length; i++) {
      if ((i & 127) === 0 && performance.now() > until) break;
      const fr = frames[i];
      if (
        all ||
        ((f.conn === null || fr.conn === f.conn) &&
          (f.dir === null || fr.dir === f.dir) &&
          (needle === '' || matchText(fr, needle)))
      )
        this.list.push(i);
    }
    this.scanned = i;
    return this.list;
  }
}
