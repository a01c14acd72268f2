// Pixels as bytes for lesson 4. RGBA rows, 4 pixels per 16-byte AES block; the width is a
// multiple of 4 so a block never straddles two rows and the picture's columns line up with blocks.
import { blockRepeats, type BlockRepeats } from '$lib/crypto/ecb';

export const MAX_SIDE = 512;

/** Scale (w, h) to fit MAX_SIDE, then round the width down to a multiple of 4 pixels. */
export function fitSize(w: number, h: number, max = MAX_SIDE): { width: number; height: number; scaled: boolean } {
  const s = Math.min(1, max / Math.max(w, h));
  const width = Math.max(4, Math.floor((w * s) / 4) * 4);
  const height = Math.max(1, Math.round(h * s));
  return { width, height, scaled: s < 1 || width !== w };
}

/** Composite over white and make every pixel opaque, so the plaintext is what the eye sees. */
export function flattenRgba(rgba: Uint8ClampedArray): Uint8Array {
  const out = new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3];
    for (let c = 0; c < 3; c++) out[i + c] = Math.round((rgba[i + c] * a + 255 * (255 - a)) / 255);
    out[i + 3] = 255;
  }
  return out;
}

/** Ciphertext bytes [from, to) into display pixels: RGB as they are, alpha forced opaque. */
export function showBytes(cipher: Uint8Array, dst: Uint8ClampedArray, from = 0, to = cipher.length): void {
  for (let i = from; i < to; i += 4) {
    dst[i] = cipher[i];
    dst[i + 1] = cipher[i + 1];
    dst[i + 2] = cipher[i + 2];
    dst[i + 3] = 255;
  }
}

export interface PictureStats {
  width: number;
  height: number;
  plain: BlockRepeats;
  ecb: BlockRepeats;
  cbc: BlockRepeats;
  /** the most common plaintext block as a CSS colour (its first pixel), and its share of all blocks */
  topColour: string | null;
  topShare: number;
}

export function pictureStats(
  width: number,
  height: number,
  plain: Uint8Array,
  ecb: Uint8Array,
  cbc: Uint8Array
): PictureStats {
  const p = blockRepeats(plain);
  const topColour = p.top ? `#${p.top.hex.slice(0, 6)}` : null;
  return {
    width,
    height,
    plain: p,
    ecb: blockRepeats(ecb),
    cbc: blockRepeats(cbc),
    topColour,
    topShare: p.top && p.blocks ? p.top.count / p.blocks : 0
  };
}
