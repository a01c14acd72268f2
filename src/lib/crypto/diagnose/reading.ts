// One decryption attempt, judged: which blocks decrypt to text-like bytes, what the PKCS#7 check
// (RFC 5652 §6.3) said, and which pattern of CBC decryption (SP 800-38A §6.2) the blocks show.
import { equalBytes, utf8ToBytes } from '../bytes';
import { decryptTrace } from '../cbc';
import { BLOCK_SIZE, checkPkcs7, pkcs7Pad, type PaddingCheck } from '../pkcs7';
import { textMask, textPreview } from './text-mask';

export interface BlockLook {
  index: number;
  /** bytes of the block that count (pad bytes of a valid pad do not) */
  size: number;
  /** how many of them are printable ASCII, white space or part of a valid UTF-8 character */
  textBytes: number;
  text: boolean;
  /** the block as text, with · for bytes that are not */
  preview: string;
}

export type Quality = 'clean' | 'first-block-off' | 'padding-off' | 'garbage';

/** One decryption attempt: what went in and what came out, judged. */
export interface Reading {
  key: Uint8Array;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  padded: Uint8Array;
  padding: PaddingCheck;
  blocks: BlockLook[];
  textBlocks: number;
  /** the unpadded plaintext as text, when the padding is valid and the bytes are UTF-8 */
  plaintext: string | null;
  /** null when nothing was expected */
  matchesExpected: boolean | null;
  quality: Quality;
}

/** a random byte is text with p ≈ 0.38, so 14 of 16 happens by chance about once in 16,000 blocks */
const TEXT_SHARE = 0.85;

function lookAtBlocks(padded: Uint8Array, end: number): BlockLook[] {
  const mask = textMask(padded.subarray(0, end));
  const blocks: BlockLook[] = [];
  for (let k = 0; k * BLOCK_SIZE < padded.length; k++) {
    const from = k * BLOCK_SIZE;
    const to = Math.min(from + BLOCK_SIZE, end);
    const size = Math.max(0, to - from);
    let textBytes = 0;
    for (let i = from; i < to; i++) textBytes += mask[i];
    blocks.push({
      index: k,
      size,
      textBytes,
      text: size === 0 || textBytes >= Math.ceil(size * TEXT_SHARE),
      preview: size ? textPreview(padded, mask, from, to) : ''
    });
  }
  return blocks;
}

function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Decrypt and judge. Key, IV and ciphertext must already have valid lengths. */
export function readDecryption(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, expected?: string): Reading {
  const { padded } = decryptTrace({ key, iv, ciphertext, padding: 'none' });
  const padding = checkPkcs7(padded);
  let end = padded.length;
  if (padding.ok) end -= padding.padLength;
  else while (end > 0 && padded[end - 1] === 0 && end > padded.length - BLOCK_SIZE) end--; // zero padding is filler, not garbage
  const blocks = lookAtBlocks(padded, end);
  const textBlocks = blocks.filter((b) => b.text).length;
  const plaintext = padding.ok ? utf8OrNull(padded.subarray(0, end)) : null;
  const matchesExpected =
    expected === undefined ? null : padding.ok && equalBytes(padded.subarray(0, end), utf8ToBytes(expected));
  let quality: Quality = 'garbage';
  const allText = textBlocks === blocks.length;
  // With the expected plaintext, a wrong IV shows even when P₁ still looks like text (an IV
  // that differs only in low bits flips letters into other letters): only block 1 differs.
  const onlyFirstDiffers = expected !== undefined && !matchesExpected && differsOnlyInFirstBlock(padded, expected);
  if (onlyFirstDiffers) quality = 'first-block-off';
  else if (padding.ok && (matchesExpected ?? allText)) quality = 'clean';
  else if (padding.ok && allText) quality = 'clean';
  // a wrong IV changes P₁ alone (SP 800-38A §6.2): the last block, and so its padding, decrypt as
  // with the right IV; with bad padding the garbled first block is something else
  else if (padding.ok && blocks.length >= 2 && !blocks[0].text && blocks.slice(1).every((b) => b.text))
    quality = 'first-block-off';
  else if (!padding.ok && allText) quality = 'padding-off';
  return { key, iv, ciphertext, padded, padding, blocks, textBlocks, plaintext, matchesExpected, quality };
}

function differsOnlyInFirstBlock(padded: Uint8Array, expected: string): boolean {
  const want = pkcs7Pad(utf8ToBytes(expected));
  if (want.length !== padded.length || want.length < 2 * BLOCK_SIZE) return false;
  let first = false;
  for (let i = 0; i < want.length; i++) {
    if (want[i] === padded[i]) continue;
    if (i >= BLOCK_SIZE) return false;
    first = true;
  }
  return first;
}

/** A reading that counts as a fix: clean, and not contradicting the expected plaintext. */
export function isGood(r: Reading): boolean {
  return r.quality === 'clean' && r.matchesExpected !== false;
}
