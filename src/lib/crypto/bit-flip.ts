// Lesson 1, the maths: what one flipped ciphertext bit does to CBC decryption (SP 800-38A §6.2).
//   Pᵢ = CIPH⁻¹_K(Cᵢ) ⊕ Cᵢ₋₁   (C₀ = IV; blocks P₁…Pₙ, C₁…Cₙ as the standard numbers them)
// Cᵢ appears twice: inside CIPH⁻¹ for Pᵢ (AES diffuses one input bit over the whole block, so Pᵢ
// turns to garbage) and as the XOR mask for Pᵢ₊₁ (so exactly the same bit flips there). No other
// block reads Cᵢ, so nothing else changes. A flipped IV bit flips the same bit of P₁ and garbles
// nothing. ECB (SP 800-38A §6.1) has no chain: a flip garbles its own block and stops there.
// Pure: the key, IV and ciphertext come in as arguments; nothing reads a clock or randomness.
import { createBlockCipher } from './aes-block';
import { OutOfRangeError } from '../errors/out-of-range';
import { ForgeryError } from './errors';
import { decryptTrace, encryptTrace, type DecryptTrace } from './cbc';
import { utf8ToBytes } from './bytes';
import { BLOCK_SIZE, checkPkcs7, type PaddingCheck } from './pkcs7';

/** −1 names the IV; 0… name ciphertext blocks. */
export const IV_BLOCK = -1;

/**
 * One bit of IV ‖ C. `bit` counts from the most significant bit of the byte (0 = 0x80, 7 = 0x01),
 * the order the bit grid draws them left to right.
 */
export interface BitPosition {
  block: number;
  byte: number;
  bit: number;
}

export function bitMask(bit: number): number {
  return 0x80 >> bit;
}

function checkPosition(p: BitPosition, blocks: number): void {
  if (!Number.isInteger(p.block) || p.block < IV_BLOCK || p.block >= blocks) {
    throw new OutOfRangeError('block', `-1 (the IV) to ${blocks - 1}`, p.block);
  }
  if (!Number.isInteger(p.byte) || p.byte < 0 || p.byte >= BLOCK_SIZE)
    throw new OutOfRangeError('byte', '0 to 15', p.byte);
  if (!Number.isInteger(p.bit) || p.bit < 0 || p.bit > 7) throw new OutOfRangeError('bit', '0 to 7', p.bit);
}

/** IV and ciphertext with one bit flipped; new arrays, the inputs are untouched. */
export function flipBit(
  iv: Uint8Array,
  ciphertext: Uint8Array,
  p: BitPosition
): { iv: Uint8Array; ciphertext: Uint8Array } {
  checkPosition(p, ciphertext.length / BLOCK_SIZE);
  // (new Uint8Array copies; a Node Buffer's slice() would be a view of the caller's bytes)
  const iv2 = new Uint8Array(iv);
  const c2 = new Uint8Array(ciphertext);
  if (p.block === IV_BLOCK) iv2[p.byte] ^= bitMask(p.bit);
  else c2[p.block * BLOCK_SIZE + p.byte] ^= bitMask(p.bit);
  return { iv: iv2, ciphertext: c2 };
}

function popcount8(x: number): number {
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}

export type BlockChange = 'same' | 'garbled' | 'one-bit';

export interface BlockDiff {
  index: number;
  before: Uint8Array;
  after: Uint8Array;
  /** before ⊕ after */
  delta: Uint8Array;
  /** changed bits per byte (0..8), the heat map row */
  bitsPerByte: number[];
  changedBits: number;
  changedBytes: number;
  /** one-bit: exactly one bit differs; garbled: more than one */
  change: BlockChange;
}

export function diffBlocks(before: Uint8Array, after: Uint8Array): BlockDiff[] {
  const out: BlockDiff[] = [];
  for (let o = 0, i = 0; o < before.length; o += BLOCK_SIZE, i++) {
    const b = before.subarray(o, o + BLOCK_SIZE);
    const a = after.subarray(o, o + BLOCK_SIZE);
    const delta = new Uint8Array(BLOCK_SIZE);
    const bitsPerByte: number[] = [];
    let changedBits = 0;
    let changedBytes = 0;
    for (let j = 0; j < BLOCK_SIZE; j++) {
      delta[j] = a[j] ^ b[j];
      const n = popcount8(delta[j]);
      bitsPerByte.push(n);
      changedBits += n;
      if (n) changedBytes++;
    }
    out.push({
      index: i,
      before: b,
      after: a,
      delta,
      bitsPerByte,
      changedBits,
      changedBytes,
      change: changedBits === 0 ? 'same' : changedBits === 1 ? 'one-bit' : 'garbled'
    });
  }
  return out;
}

export interface FlipExperiment {
  position: BitPosition;
  /** the tampered IV ‖ C */
  iv: Uint8Array;
  ciphertext: Uint8Array;
  before: DecryptTrace;
  after: DecryptTrace;
  /** per plaintext block: what the flip did under CBC */
  cbc: BlockDiff[];
  /** the same flip in the same ciphertext block under ECB (no IV there: an IV flip changes nothing) */
  ecb: BlockDiff[];
  /** the padding check of the tampered plaintext: a flip in the last two blocks can break it */
  padding: PaddingCheck;
}

/** ECB decryption, block by block, no padding removed (SP 800-38A §6.1). */
export function ecbDecryptBlocks(key: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const aes = createBlockCipher(key);
  const out = new Uint8Array(ciphertext.length);
  for (let o = 0; o < ciphertext.length; o += BLOCK_SIZE) aes.decryptBlock(ciphertext, o, out, o);
  return out;
}

export function ecbEncryptBlocks(key: Uint8Array, padded: Uint8Array): Uint8Array {
  const aes = createBlockCipher(key);
  const out = new Uint8Array(padded.length);
  for (let o = 0; o < padded.length; o += BLOCK_SIZE) aes.encryptBlock(padded, o, out, o);
  return out;
}

/**
 * Flip one bit of IV ‖ C and decrypt both versions with `key`. Under CBC the result has block i
 * garbled and exactly bit `bit` of byte `byte` flipped in block i+1 (for an IV flip: that bit in
 * the first block and nothing garbled). The ECB contrast encrypts the same padded plaintext under ECB,
 * flips the same bit of the same ciphertext block, and decrypts.
 */
export function flipExperiment(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  position: BitPosition
): FlipExperiment {
  const before = decryptTrace({ key, iv, ciphertext });
  const tampered = flipBit(iv, ciphertext, position);
  const after = decryptTrace({ key, iv: tampered.iv, ciphertext: tampered.ciphertext });
  const cbc = diffBlocks(before.padded, after.padded);

  const ecbC = ecbEncryptBlocks(key, before.padded);
  const ecbC2 = new Uint8Array(ecbC);
  if (position.block !== IV_BLOCK) ecbC2[position.block * BLOCK_SIZE + position.byte] ^= bitMask(position.bit);
  const ecb = diffBlocks(ecbDecryptBlocks(key, ecbC), ecbDecryptBlocks(key, ecbC2));

  return {
    position,
    iv: tampered.iv,
    ciphertext: tampered.ciphertext,
    before,
    after,
    cbc,
    ecb,
    padding: checkPkcs7(after.padded)
  };
}

/** Changed bits per block and byte, max 8: rows are blocks, columns bytes. */
export function heatMap(diffs: BlockDiff[]): number[][] {
  return diffs.map((d) => d.bitsPerByte);
}

// ---------------------------------------------------------------------------------------------
// The forgery: with P known, set Cᵢ₋₁' = Cᵢ₋₁ ⊕ P ⊕ P' on the bytes of P, and block i decrypts to
// P' (the XOR mask moves, CIPH⁻¹_K(Cᵢ) does not). The price: block i−1 decrypts to garbage, because
// its own ciphertext changed, unless the edited bytes are in P₁, whose mask is the IV (C₀).
// Code indices are 0-based (`block` 0 is C₁); text for people names blocks from 1.

/**
 * The lesson's message. CBC tampering rewrites bytes in place and cannot insert one, so the
 * replacement must be exactly as long as the text it replaces: "user" is 4 bytes and "admin" is 5.
 * The message therefore stores the role in a field with a spare byte, "role=user ;" (a parser
 * that trims spaces reads "user"), and the forgery writes "role=admin;" over it, 11 bytes for 11.
 * P₁ holds a memo of exactly 16 bytes, so the role sits wholly in P₂: the forgery edits C₁, and
 * the only casualty is the memo, which the forged cookie can do without. The uid after it (and P₃)
 * shows that the bytes after the target are untouched.
 */
export const FORGERY_MESSAGE = 'memo=hello world;role=user ;uid=7';
export const FORGERY_KNOWN = 'role=user ;';
export const FORGERY_TARGET = 'role=admin;';

export interface ForgeryPlan {
  /** byte offset of the known text in the padded plaintext */
  offset: number;
  /** the plaintext block that will read the target */
  targetBlock: number;
  /** the block whose bytes are edited: −1 is the IV */
  editedBlock: number;
  /** byte positions inside the edited block */
  bytes: number[];
  /** P ⊕ P' for each edited byte: the mask XORed into the edited block */
  mask: number[];
  /** the tampered IV and ciphertext */
  iv: Uint8Array;
  ciphertext: Uint8Array;
  /** the plaintext block that turns to garbage, or null when the edit is in the IV */
  garbledBlock: number | null;
}

/**
 * Rewrite known plaintext `known` at byte `offset` of the padded plaintext to `target`, without
 * the key. Both must have the same length and lie within one block.
 */
export function planForgery(
  iv: Uint8Array,
  ciphertext: Uint8Array,
  offset: number,
  known: Uint8Array,
  target: Uint8Array
): ForgeryPlan {
  if (known.length !== target.length) {
    throw new ForgeryError(
      `target: expected ${known.length} bytes, the length of the known text, got ${target.length}; CBC tampering replaces bytes in place and cannot insert or delete`,
      { expected: known.length, actual: target.length }
    );
  }
  if (known.length === 0)
    throw new ForgeryError('known: expected at least one byte, got 0', { expected: 'at least 1', actual: 0 });
  const targetBlock = Math.floor(offset / BLOCK_SIZE);
  const start = offset % BLOCK_SIZE;
  if (start + known.length > BLOCK_SIZE) {
    throw new ForgeryError(
      `known: expected the text to lie within one block, got bytes ${offset}..${offset + known.length - 1}, which cross into block ${targetBlock + 2} (counting from 1, as SP 800-38A §6.2 does); edit one block at a time`,
      { position: offset }
    );
  }
  if (offset < 0 || offset + known.length > ciphertext.length) {
    throw new ForgeryError(`offset: expected 0..${ciphertext.length - known.length}, got ${offset}`, {
      expected: `0..${ciphertext.length - known.length}`,
      actual: offset
    });
  }
  const editedBlock = targetBlock - 1;
  const newIv = new Uint8Array(iv);
  const newC = new Uint8Array(ciphertext);
  const arr = editedBlock === IV_BLOCK ? newIv : newC;
  const base = editedBlock === IV_BLOCK ? 0 : editedBlock * BLOCK_SIZE;
  const bytes: number[] = [];
  const mask: number[] = [];
  for (let k = 0; k < known.length; k++) {
    const m = known[k] ^ target[k];
    if (m === 0) continue;
    bytes.push(start + k);
    mask.push(m);
    arr[base + start + k] ^= m;
  }
  return {
    offset,
    targetBlock,
    editedBlock,
    bytes,
    mask,
    iv: newIv,
    ciphertext: newC,
    garbledBlock: editedBlock === IV_BLOCK || bytes.length === 0 ? null : editedBlock
  };
}

/** The lesson's worked forgery: encrypt FORGERY_MESSAGE, then plan the role=admin edit. */
export function lessonForgery(
  key: Uint8Array,
  iv: Uint8Array,
  message = FORGERY_MESSAGE,
  known = FORGERY_KNOWN,
  target = FORGERY_TARGET
) {
  const original = encryptTrace({ key, iv, plaintext: utf8ToBytes(message) });
  const offset = message.indexOf(known);
  if (offset < 0)
    throw new ForgeryError(`known: expected ${JSON.stringify(known)} in the message, got none`, { expected: known });
  // offsets count bytes: the message is ASCII in the lesson, but a typed one may not be
  const byteOffset = utf8ToBytes(message.slice(0, offset)).length;
  const plan = planForgery(original.iv, original.ciphertext, byteOffset, utf8ToBytes(known), utf8ToBytes(target));
  const forged = decryptTrace({ key, iv: plan.iv, ciphertext: plan.ciphertext });
  return { original, plan, forged, diff: diffBlocks(original.padded, forged.padded) };
}
