// /learn's "What if?" panel (issue 12): five experiments on the learner's own trace, each computed
// here and shown as a diff against that trace, block by block, with one sentence generated from the
// diff (never a canned one: the sentence names the blocks and bit counts that came out). Pure: no
// DOM, no clock, no randomness; the wrong key is the trace's key with byte 0 XOR 0x01.
//   CBC (SP 800-38A §6.2): Cᵢ = CIPH_K(Pᵢ ⊕ Cᵢ₋₁), Pᵢ = CIPH⁻¹_K(Cᵢ) ⊕ Cᵢ₋₁, C₀ = IV
//   ECB (SP 800-38A §6.1): Cᵢ = CIPH_K(Pᵢ)
// Blocks are 0-based in code and named from 1 in text, as the pages do.
import { bytesToHex, hexLiteral } from '$lib/crypto/bytes';
import { decryptTrace, encryptTrace, type Trace } from '$lib/crypto/cbc';
import { ecbEncrypt } from '$lib/crypto/ecb';
import { BLOCK_SIZE, checkPkcs7, type PaddingCheck } from '$lib/crypto/pkcs7';
import { IV_BLOCK, bitMask, flipBit, type BitPosition } from '$lib/crypto/bit-flip';
import type { LessonSlug } from '$lib/lessons';
import { sub } from '$lib/components/learn-kit';

export type WhatIfKind = 'flip' | 'reuse-iv' | 'ecb' | 'wrong-key' | 'drop-iv';

/**
 * One block of a row. `same`: equal to the block of the current trace it is compared with;
 * `changed`: `bits` of its 128 bits differ; `lost`: the experiment has no block here; `extra`: only
 * the experiment has one; `repeat`:
 * equal to an earlier block of the same row (`of` names it), the ECB leak.
 */
export interface Cell {
  /** "P₁", "C₃" */
  name: string;
  state: 'same' | 'changed' | 'lost' | 'extra' | 'repeat' | 'unique';
  /** bits that differ from the compared block (0 for same, lost, repeat, unique) */
  bits: number;
  /** for `repeat`: the 0-based index of the earlier equal block */
  of?: number;
  /** a few words a cell's title says ("now P₁", "bit 0 of byte 0") */
  note?: string;
}

export interface Row {
  label: string;
  cells: Cell[];
}

export interface WhatIfResult {
  kind: WhatIfKind;
  rows: Row[];
  /** one sentence of why, built from the rows */
  sentence: string;
  lesson: LessonSlug;
  /** the padding check of the experiment's plaintext, when it decrypts */
  padding?: PaddingCheck;
}

export const LESSON_OF: Record<WhatIfKind, LessonSlug> = {
  flip: 'bit-flipping',
  'reuse-iv': 'iv-mistakes',
  ecb: 'ecb-vs-cbc',
  'wrong-key': 'why-decryption-failed',
  'drop-iv': 'why-decryption-failed'
};

function popcount8(x: number): number {
  x = x - ((x >> 1) & 0x55);
  x = (x & 0x33) + ((x >> 2) & 0x33);
  return (x + (x >> 4)) & 0x0f;
}

const B = BLOCK_SIZE;
const blockCount = (bytes: Uint8Array) => Math.floor(bytes.length / B);
const block = (bytes: Uint8Array, i: number) => bytes.subarray(i * B, (i + 1) * B);

/** bits that differ between block i of `a` and block j of `b` */
function bitsBetween(a: Uint8Array, i: number, b: Uint8Array, j: number): number {
  let n = 0;
  for (let k = 0; k < B; k++) n += popcount8(a[i * B + k] ^ b[j * B + k]);
  return n;
}

/** one cell per block of `after`, compared with the same block of `before` */
function diffCells(letter: string, before: Uint8Array, after: Uint8Array): Cell[] {
  const cells: Cell[] = [];
  for (let i = 0; i < blockCount(after); i++) {
    const bits = i < blockCount(before) ? bitsBetween(before, i, after, i) : 128;
    cells.push({ name: letter + sub(i + 1), state: bits === 0 ? 'same' : 'changed', bits });
  }
  return cells;
}

/** "P₁", "P₁ and P₃", "P₁, P₂ and P₄"; long lists keep the first three and count the rest */
function names(cells: { name: string }[]): string {
  const n = cells.map((c) => c.name);
  if (n.length > 4) return `${n.slice(0, 3).join(', ')} and ${n.length - 3} more`;
  return n.length <= 1 ? (n[0] ?? '') : `${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}`;
}
const plural = (k: number, one: string, many = one + 's') => `${k} ${k === 1 ? one : many}`;
const range = (xs: number[]) => {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return lo === hi ? `${lo}` : `${lo}–${hi}`;
};

/** the first byte where a and b differ, or −1 when one is a prefix of the other */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

/** "P₂[15]" for byte k of a padded plaintext */
const byteName = (letter: string, k: number) => `${letter}${sub(Math.floor(k / B) + 1)}[${k % B}]`;

function paddingClause(check: PaddingCheck, scheme: string): string {
  if (scheme === 'none') return 'with no padding there is no check to catch it';
  if (check.ok)
    return `yet the padding check happened to pass (last byte ${hexLiteral(check.padLength)}), so only a MAC would notice`;
  return `the padding check fails at byte ${check.position} (${byteName('P', check.position)} = ${hexLiteral(check.actual)}, expected ${check.expected})`;
}

// ---- (1) flip a bit of IV ‖ C ----------------------------------------------------------------

export const DEFAULT_FLIP: BitPosition = { block: 0, byte: 0, bit: 0 };

/** "C₁[0]" or "IV[3]" */
export const flipTarget = (p: BitPosition) => `${p.block === IV_BLOCK ? 'IV' : 'C' + sub(p.block + 1)}[${p.byte}]`;

export function flipWhatIf(trace: Trace, position: BitPosition): WhatIfResult {
  const tampered = flipBit(trace.iv, trace.ciphertext, position);
  const after = decryptTrace({ key: trace.key, iv: tampered.iv, ciphertext: tampered.ciphertext, padding: 'none' });
  const cells = diffCells('P', trace.padded, after.padded);
  // where the single flipped bit landed (byte and mask of the one-bit blocks)
  for (const [i, c] of cells.entries()) {
    if (c.bits !== 1) continue;
    for (let k = 0; k < B; k++) {
      const d = trace.padded[i * B + k] ^ after.padded[i * B + k];
      if (d) c.note = `bit ${7 - Math.log2(d)} (${hexLiteral(d)}) of byte ${k}`;
    }
  }
  const garbled = cells.filter((c) => c.bits > 1);
  const oneBit = cells.filter((c) => c.bits === 1);
  const same = cells.filter((c) => c.bits === 0);
  const what = `Flipping bit ${position.bit} (${hexLiteral(bitMask(position.bit))}) of ${flipTarget(position)}`;
  const parts: string[] = [];
  if (garbled.length) {
    parts.push(
      `garbled ${names(garbled)} (${range(garbled.map((c) => c.bits))} of 128 bits changed), since ${flipTarget(position).replace(/\[.*/, '')} goes through AES decryption for ${names(garbled)} alone`
    );
  }
  if (oneBit.length) {
    parts.push(
      `flipped exactly ${oneBit.map((c) => `${c.note} of ${c.name}`).join(' and ')}, since ${
        position.block === IV_BLOCK ? 'the IV' : 'it'
      } is only XORed into ${names(oneBit)}`
    );
  }
  const rest = same.length
    ? `; ${same.length === 1 ? 'the other block' : `the other ${same.length} blocks`} came out the same`
    : '';
  const sentence = parts.length ? `${what} ${parts.join(', and ')}${rest}.` : `${what} changed no plaintext block.`;
  return {
    kind: 'flip',
    rows: [{ label: 'P after the flip', cells }],
    sentence,
    lesson: LESSON_OF.flip,
    padding: trace.padding.scheme === 'pkcs7' ? checkPkcs7(after.padded) : undefined
  };
}

// ---- (2) reuse this IV for a second message --------------------------------------------------

export function reuseIvWhatIf(trace: Trace, second: Uint8Array): WhatIfResult {
  // the second message is always PKCS#7-padded: any length encrypts
  const other = encryptTrace({ key: trace.key, iv: trace.iv, plaintext: second, padding: 'pkcs7' });
  const mine = trace.ciphertext;
  const theirs = other.ciphertext;
  const n = Math.max(blockCount(mine), blockCount(theirs));
  const cells: Cell[] = [];
  for (let i = 0; i < n; i++) {
    const name = 'C' + sub(i + 1);
    if (i >= blockCount(theirs)) cells.push({ name, state: 'lost', bits: 0, note: 'the second message is shorter' });
    else if (i >= blockCount(mine))
      cells.push({ name, state: 'extra', bits: 0, note: 'only the second message is this long' });
    else {
      const bits = bitsBetween(mine, i, theirs, i);
      cells.push({ name, state: bits === 0 ? 'same' : 'changed', bits });
    }
  }
  let lead = 0;
  while (lead < cells.length && cells[lead].state === 'same') lead++;
  const diff = firstDifference(trace.padded, other.padded);
  const p = `P${sub(Math.floor(Math.max(diff, 0) / B) + 1)}`;
  let sentence: string;
  if (diff === -1) {
    sentence = `All ${plural(lead, 'ciphertext block')} came out equal, because the two padded messages are equal and, under one key and one IV, CBC is deterministic: an eavesdropper sees that the same message was sent twice.`;
  } else if (lead === 0) {
    sentence = `No ciphertext block came out equal, because the messages already differ at byte ${diff} (in ${p}), and AES spreads that change over all of C₁, which the chain then carries into every later block.`;
  } else {
    sentence = `The first ${lead === 1 ? 'ciphertext block' : `${lead} ciphertext blocks`} (${names(cells.slice(0, lead))}) came out equal, because the two messages agree on their first ${lead * B} bytes and share the key and the IV, so an eavesdropper learns that much of the two plaintexts is equal; from byte ${diff} (in ${p}) on they differ, and so does every ciphertext block from ${cells[lead].name} on.`;
  }
  return {
    kind: 'reuse-iv',
    rows: [{ label: 'C of the second message', cells }],
    sentence,
    lesson: LESSON_OF['reuse-iv']
  };
}

/** A second message to start from: the first block of this one (whole characters), then another ending. */
export function suggestSecond(trace: Trace): string {
  const msg = trace.direction === 'encrypt' ? trace.input : (trace.plaintext ?? trace.padded);
  const p = msg.subarray(0, B);
  let e = p.length;
  if (msg.length > p.length) {
    // cut before a UTF-8 sequence the block boundary splits (RFC 3629 §3: 10xxxxxx continues one)
    let s = e;
    while (s > 0 && (p[s - 1] & 0xc0) === 0x80) s--;
    const lead = s > 0 ? p[s - 1] : 0;
    const len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (s > 0 && s - 1 + len > e) e = s - 1;
  }
  try {
    const start = new TextDecoder('utf-8', { fatal: true }).decode(p.subarray(0, e));
    return `${start}${/\s$/.test(start) || !start ? '' : ' '}and then a different ending`;
  } catch {
    return 'a different message';
  }
}

// ---- (3) switch this message to ECB ----------------------------------------------------------

/** per block: `repeat` of the first earlier equal block, else `unique` */
function repeatCells(letter: string, bytes: Uint8Array): Cell[] {
  const seen = new Map<string, number>();
  const cells: Cell[] = [];
  for (let i = 0; i < blockCount(bytes); i++) {
    const k = bytesToHex(block(bytes, i));
    const at = seen.get(k);
    if (at === undefined) seen.set(k, i);
    cells.push(
      at === undefined
        ? { name: letter + sub(i + 1), state: 'unique', bits: 0 }
        : { name: letter + sub(i + 1), state: 'repeat', bits: 0, of: at, note: `equal to ${letter}${sub(at + 1)}` }
    );
  }
  return cells;
}

export function ecbWhatIf(trace: Trace): WhatIfResult {
  const ecb = ecbEncrypt(trace.key, trace.padded);
  const ecbRow = repeatCells('C', ecb);
  const cbcRow = repeatCells('C', trace.ciphertext);
  const plainRow = repeatCells('P', trace.padded);
  const ecbRepeats = ecbRow.filter((c) => c.state === 'repeat');
  const cbcRepeats = cbcRow.filter((c) => c.state === 'repeat');
  const changed = diffCells('C', trace.ciphertext, ecb);
  let sentence: string;
  if (ecbRepeats.length) {
    const pairs = ecbRepeats.map((c) => `${c.name} = C${sub((c.of ?? 0) + 1)}`);
    sentence = `Under ECB ${plural(ecbRepeats.length, 'ciphertext block')} ${ecbRepeats.length === 1 ? 'repeats' : 'repeat'} (${pairs.slice(0, 3).join(', ')}${
      pairs.length > 3 ? ', …' : ''
    }) ${cbcRepeats.length ? `against ${cbcRepeats.length} under CBC` : 'and none under CBC'}, because ECB encrypts each block on its own and these plaintext blocks are equal, while CBC XORs every block with the previous ciphertext block first.`;
  } else {
    sentence = `No ciphertext block repeats under ECB (${
      cbcRepeats.length ? `against ${cbcRepeats.length} under CBC` : 'nor under CBC'
    }), but only because no two of this message's ${plural(blockCount(trace.padded), 'plaintext block')} are equal: ECB encrypts each block on its own, so two equal 16-byte blocks would show at once.`;
  }
  // the diff against the trace: the ECB block vs the CBC block at the same place
  for (const [i, c] of ecbRow.entries()) c.bits = changed[i].bits;
  return {
    kind: 'ecb',
    rows: [
      { label: 'P (repeats)', cells: plainRow },
      { label: 'C under ECB (bits: how far from CBC’s block)', cells: ecbRow },
      { label: 'C under CBC (this trace)', cells: cbcRow }
    ],
    sentence,
    lesson: LESSON_OF.ecb
  };
}

// ---- (4) decrypt with a wrong key ------------------------------------------------------------

/** The wrong key: byte 0 XOR 0x01 (one bit of the key, the smallest change there is). */
export function wrongKeyOf(key: Uint8Array): Uint8Array {
  const k = new Uint8Array(key);
  k[0] ^= 0x01;
  return k;
}

export function wrongKeyWhatIf(trace: Trace): WhatIfResult {
  const key = wrongKeyOf(trace.key);
  const after = decryptTrace({ key, iv: trace.iv, ciphertext: trace.ciphertext, padding: 'none' });
  const cells = diffCells('P', trace.padded, after.padded);
  const check = checkPkcs7(after.padded);
  const garbled = cells.filter((c) => c.bits > 0);
  const all = garbled.length === cells.length;
  const head = `With key byte 0 changed from ${hexLiteral(trace.key[0])} to ${hexLiteral(key[0])}, ${
    all ? `all ${plural(cells.length, 'block')}` : names(garbled)
  } came out garbled (${garbled.length ? range(garbled.map((c) => c.bits)) : 0} of 128 bits changed)`;
  const sentence = `${head}, because every block passes through AES decryption under the key, and ${paddingClause(check, trace.padding.scheme)}.`;
  return {
    kind: 'wrong-key',
    rows: [{ label: 'P with the wrong key', cells }],
    sentence,
    lesson: LESSON_OF['wrong-key'],
    padding: trace.padding.scheme === 'pkcs7' ? check : undefined
  };
}

// ---- (5) drop the IV ---------------------------------------------------------------------------

/**
 * The receiver gets C without the IV and, expecting IV ‖ C, takes C₁ as the IV and decrypts
 * C₂…Cₙ. Each Pⱼ′ = CIPH⁻¹_K(Cⱼ₊₁) ⊕ Cⱼ: computed here, then compared with every block of the
 * trace, so the sentence says what matched rather than what should.
 */
export function dropIvWhatIf(trace: Trace): WhatIfResult {
  const n = trace.blocks.length;
  const c = trace.ciphertext;
  const after =
    n > 1
      ? decryptTrace({ key: trace.key, iv: c.subarray(0, B), ciphertext: c.subarray(B), padding: 'none' }).padded
      : new Uint8Array(0);
  const m = blockCount(after);
  // Which shift lines the result up with the trace: unshifted or one block on, whichever makes more
  // blocks come out equal (compared, not assumed; a message whose P₂ equals P₁ also matches
  // unshifted, once). Two candidates keep it linear on a 1 MiB trace.
  let shift = 0;
  let best = -1;
  for (let s = 0; s < Math.min(n, 2); s++) {
    let k = 0;
    for (let j = 0; j < m && j + s < n; j++) if (bitsBetween(trace.padded, j + s, after, j) === 0) k++;
    if (k > best) [best, shift] = [k, s];
  }
  // per block of the trace: where it came back (compared with that block of the result), or lost
  const cells: Cell[] = [];
  for (let i = 0; i < n; i++) {
    const name = 'P' + sub(i + 1);
    const j = i - shift;
    if (j < 0 || j >= m) {
      cells.push({ name, state: 'lost', bits: 0 });
      continue;
    }
    const bits = bitsBetween(trace.padded, i, after, j);
    cells.push({ name, state: bits ? 'changed' : 'same', bits, note: `now P${sub(j + 1)}` });
  }
  // the result as the receiver reads it, block by block against the trace at the same place
  const aligned = diffCells('P', trace.padded, after);
  const lost = cells.filter((x) => x.state === 'lost');
  const shifted = shift ? cells.filter((x) => x.state === 'same') : [];
  const check = checkPkcs7(after);
  const where = shift === 1 ? 'one place earlier' : `${shift} places earlier`;
  let sentence: string;
  if (m === 0) {
    sentence = `With one ciphertext block and no IV, the receiver takes C₁ as the IV and has nothing left to decrypt, so ${names(lost)} is lost.`;
  } else {
    sentence = `Taking C₁ as the IV, the receiver gets ${plural(m, 'block')} back: ${names(lost) || 'no block'} ${
      lost.length === 1 ? 'is' : 'are'
    } lost and ${shifted.length === n - 1 ? `every later block comes out intact but ${where} (${shifted[0].name} is now P₁)` : `${plural(shifted.length, 'block')} come out intact ${where}`}, because Pⱼ = CIPH⁻¹_K(Cⱼ) ⊕ Cⱼ₋₁ needs only Cⱼ and the block before it, so only P₁ needed the IV; ${
      trace.padding.scheme === 'none'
        ? 'there is no padding to check'
        : check.ok
          ? 'the padding check still passes, so nothing warns the receiver that the message is short'
          : `the padding check fails at byte ${check.position}`
    }.`;
  }
  return {
    kind: 'drop-iv',
    rows: [
      { label: 'P of this trace, found again', cells },
      { label: 'P without the IV, place by place', cells: aligned }
    ],
    sentence,
    lesson: LESSON_OF['drop-iv'],
    padding: trace.padding.scheme === 'pkcs7' && m > 0 ? check : undefined
  };
}
