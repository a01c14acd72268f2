// The newest frames of a capture, in memory, within a bound of frames and of base64 characters
// (docs/tap.md, "The spool and the memory bound"). Older frames are evicted from here only: the
// spool has them all.
import type { CapturedFrame } from '../../src/lib/protocol/capture.ts';

export class MemoryRing {
  // ring[start..] are the newest frames, ascending. Where raws[i] is set, ring[i] is the frame
  // without its base64 (bytes: '') and raws[i] the bytes it encodes: the frame's base64 string
  // then dies young instead of being promoted and copied by the GC while it waits in memory (that
  // was a fifth of the tap's CPU on bulk traffic), and it is remade on read.
  private ring: CapturedFrame[] = [];
  private raws: (Uint8Array | null)[] = [];
  private start = 0;
  private chars = 0;

  constructor(
    readonly maxFrames: number,
    readonly maxChars: number
  ) {}

  /** frames held */
  get size(): number {
    return this.ring.length - this.start;
  }

  /** `raw`, when given, is the bytes whose base64 is frame.bytes: memory then holds those instead. */
  push(frame: CapturedFrame, raw?: Uint8Array | null): void {
    this.ring.push(raw ? { ...frame, bytes: '' } : frame);
    this.raws.push(raw ?? null);
    this.chars += frame.bytes.length;
  }

  /** The k-th frame held, oldest first. */
  at(k: number): CapturedFrame {
    const i = this.start + k;
    const raw = this.raws[i];
    if (!raw) return this.ring[i];
    return { ...this.ring[i], bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
  }

  /** Drop the oldest frames until both bounds hold; at least one frame stays. */
  evict(): void {
    let live = this.size;
    // Frames that could not be spooled stay in memory only within the bound; keep at least one.
    while (live > 1 && (live > this.maxFrames || this.chars > this.maxChars)) {
      this.chars -= this.charsAt(this.start);
      this.ring[this.start] = undefined as unknown as CapturedFrame;
      this.raws[this.start] = null;
      this.start++;
      live--;
    }
    if (this.start > 1024 && this.start * 2 > this.ring.length) {
      this.ring = this.ring.slice(this.start);
      this.raws = this.raws.slice(this.start);
      this.start = 0;
    }
  }

  /** characters of base64 ring[i] stands for */
  private charsAt(i: number): number {
    const raw = this.raws[i];
    return raw ? 4 * Math.ceil(raw.byteLength / 3) : this.ring[i].bytes.length;
  }
}
