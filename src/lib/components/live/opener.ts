// One key as the learner typed it, and every frame opened with it so far. A new key makes a new
// Opener, so nothing opened with the old key is ever shown under the new one. Frames are opened
// on demand (the rows on screen, the selected frame), in this browser: the key is never sent.
import { hexToBytes } from '$lib/crypto/bytes';
import type { CapturedFrame } from '$lib/protocol/capture';
import { deriveOpenKeys, openCaptured, type OpenKeys, type Opened } from '$lib/protocol/open';
import { frameBytes } from './frame-view';

export class Opener {
  readonly keys: OpenKeys | null;
  /** why the key cannot be used, for the key box */
  readonly error: string | null;
  private cache = new WeakMap<CapturedFrame, Opened>();

  constructor(hex: string) {
    let keys: OpenKeys | null = null;
    let error: string | null = null;
    if (hex.trim() === '') error = 'no key: paste the demo key (hex) to see the plaintext';
    else {
      try {
        keys = deriveOpenKeys(hexToBytes(hex, 'key'));
      } catch (err) {
        error = (err as Error).message;
      }
    }
    this.keys = keys;
    this.error = error;
  }

  /** the outcome if this frame was opened already; undefined when it is still to do */
  peek(f: CapturedFrame): Opened | null | undefined {
    if (!this.keys || f.error) return null;
    return this.cache.get(f);
  }

  open(f: CapturedFrame): Opened | null {
    if (!this.keys || f.error) return null;
    let o = this.cache.get(f);
    if (!o) {
      o = openCaptured(frameBytes(f), this.keys);
      this.cache.set(f, o);
    }
    return o;
  }
}
