// A small teaching AES of our own (FIPS-197), written to be read and to expose every
// intermediate value: the key expansion word by word (§5.2) and the state after each of
// SubBytes, ShiftRows, MixColumns and AddRoundKey in every round (§5.1), and the inverse cipher
// (§5.3). It is slow on purpose (one array per value) and is computed only when a page asks for
// one block; bulk encryption stays with node-forge (forge-aes.ts) and node:crypto.
//
// The state is kept as the 16 input bytes in their order, which FIPS-197 §3.4 maps to the 4×4
// array column by column: s[r,c] = in[r + 4c]. So byte index r + 4c is row r, column c.
import { checkKey, type KeySize } from './aes-block';
import { BlockLengthError } from './errors';

/** Nb, the number of columns of the state (FIPS-197 §2.2): always 4. */
const NB = 4;

// ---- GF(2^8) arithmetic (§4) -------------------------------------------------------------------

/** xtime (§4.2.1): multiply by x modulo m(x) = x⁸ + x⁴ + x³ + x + 1 (0x11b). */
export function xtime(a: number): number {
  return ((a << 1) ^ (a & 0x80 ? 0x1b : 0)) & 0xff;
}

/** Multiplication in GF(2^8) (§4.2), by repeated xtime. */
export function gmul(a: number, b: number): number {
  let p = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) p ^= a;
    a = xtime(a);
    b >>= 1;
  }
  return p;
}

/** The multiplicative inverse in GF(2^8), with {00} mapped to {00} (§5.1.1). a⁻¹ = a²⁵⁴. */
export function ginv(a: number): number {
  if (a === 0) return 0;
  let r = 1;
  // a^254 = a^(2+4+8+16+32+64+128)
  let sq = a;
  for (let i = 1; i < 8; i++) {
    sq = gmul(sq, sq);
    r = gmul(r, sq);
  }
  return r;
}

/**
 * SubBytes' S-box as §5.1.1 defines it: the inverse in GF(2^8), then the affine map
 * b'ᵢ = bᵢ ⊕ b₍ᵢ₊₄₎ ⊕ b₍ᵢ₊₅₎ ⊕ b₍ᵢ₊₆₎ ⊕ b₍ᵢ₊₇₎ ⊕ cᵢ (indices mod 8), c = {63}.
 */
export function sboxEntry(x: number): number {
  const b = ginv(x);
  let out = 0;
  for (let i = 0; i < 8; i++) {
    const bit =
      ((b >> i) ^
        (b >> ((i + 4) % 8)) ^
        (b >> ((i + 5) % 8)) ^
        (b >> ((i + 6) % 8)) ^
        (b >> ((i + 7) % 8)) ^
        (0x63 >> i)) &
      1;
    out |= bit << i;
  }
  return out;
}

/** The S-box (Figure 7) and its inverse (Figure 14), computed once from the definition. */
export const SBOX: readonly number[] = Array.from({ length: 256 }, (_, x) => sboxEntry(x));
export const INV_SBOX: readonly number[] = (() => {
  const inv = new Array<number>(256);
  SBOX.forEach((y, x) => (inv[y] = x));
  return inv;
})();

// ---- key expansion (§5.2) -----------------------------------------------------------------------

/** Nk (words of key) and Nr (rounds) per key size, Figure 4. */
export function shape(keySize: KeySize): { nk: number; nr: number } {
  const nk = keySize / 32;
  return { nk, nr: nk + 6 };
}

/** One word w[i] of the schedule, with the columns of appendix A. */
export interface KeyWord {
  i: number;
  word: Uint8Array;
  /** how w[i] was made */
  kind: 'key' | 'rot-sub-rcon' | 'sub' | 'xor';
  /** temp = w[i-1] (absent for the words copied from the key) */
  temp?: Uint8Array;
  /** RotWord(temp), when i mod Nk = 0 */
  afterRotWord?: Uint8Array;
  /** SubWord(RotWord(temp)), or SubWord(temp) for Nk > 6 and i mod Nk = 4 */
  afterSubWord?: Uint8Array;
  /** Rcon[i/Nk] = [xⁱ⁻¹, 00, 00, 00] */
  rcon?: Uint8Array;
  /** the value XORed with w[i-Nk] */
  afterRcon?: Uint8Array;
  /** w[i-Nk] */
  wMinusNk?: Uint8Array;
}

export interface KeyExpansion {
  keySize: KeySize;
  nk: number;
  nr: number;
  /** w[0 … 4(Nr+1)-1] */
  words: KeyWord[];
  /** round key r = w[4r] ‖ … ‖ w[4r+3], laid out like the state (one word per column) */
  roundKeys: Uint8Array[];
}

const rotWord = (w: Uint8Array) => Uint8Array.of(w[1], w[2], w[3], w[0]);
const subWord = (w: Uint8Array) => w.map((b) => SBOX[b]);
const xorWord = (a: Uint8Array, b: Uint8Array) => a.map((v, j) => v ^ b[j]);

export function expandKey(key: Uint8Array): KeyExpansion {
  const keySize = checkKey(key);
  const { nk, nr } = shape(keySize);
  const words: KeyWord[] = [];
  for (let i = 0; i < nk; i++) words.push({ i, word: key.slice(4 * i, 4 * i + 4), kind: 'key' });
  let rc = 1; // Rcon[1] = x⁰ = {01}; each next one is xtime of the last
  for (let i = nk; i < NB * (nr + 1); i++) {
    const temp = words[i - 1].word;
    const wMinusNk = words[i - nk].word;
    const entry: KeyWord = { i, word: new Uint8Array(4), kind: 'xor', temp, wMinusNk };
    let t = temp;
    if (i % nk === 0) {
      entry.kind = 'rot-sub-rcon';
      entry.afterRotWord = rotWord(t);
      entry.afterSubWord = subWord(entry.afterRotWord);
      entry.rcon = Uint8Array.of(rc, 0, 0, 0);
      t = entry.afterRcon = xorWord(entry.afterSubWord, entry.rcon);
      rc = xtime(rc);
    } else if (nk > 6 && i % nk === 4) {
      // only AES-256 has this extra SubWord (§5.2)
      entry.kind = 'sub';
      t = entry.afterSubWord = subWord(t);
    }
    entry.word = xorWord(wMinusNk, t);
    words.push(entry);
  }
  const roundKeys: Uint8Array[] = [];
  for (let r = 0; r <= nr; r++) {
    const k = new Uint8Array(16);
    for (let c = 0; c < NB; c++) k.set(words[NB * r + c].word, 4 * c);
    roundKeys.push(k);
  }
  return { keySize, nk, nr, words, roundKeys };
}

// ---- the round transformations (§5.1, §5.3) -------------------------------------------------------

/** SubBytes (§5.1.1): each byte through the S-box. */
export const subBytes = (s: Uint8Array) => s.map((b) => SBOX[b]);
/** InvSubBytes (§5.3.2). */
export const invSubBytes = (s: Uint8Array) => s.map((b) => INV_SBOX[b]);

/** ShiftRows (§5.1.2): row r turns left by r: s'[r,c] = s[r, (c + r) mod 4]. */
export function shiftRows(s: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < NB; c++) out[r + 4 * c] = s[r + 4 * ((c + r) % NB)];
  return out;
}
/** InvShiftRows (§5.3.1): row r turns right by r. */
export function invShiftRows(s: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  for (let r = 0; r < 4; r++) for (let c = 0; c < NB; c++) out[r + 4 * ((c + r) % NB)] = s[r + 4 * c];
  return out;
}

function mixWith(s: Uint8Array, m: readonly number[]): Uint8Array {
  const out = new Uint8Array(16);
  for (let c = 0; c < NB; c++) {
    const col = s.subarray(4 * c, 4 * c + 4);
    for (let r = 0; r < 4; r++) {
      let v = 0;
      for (let k = 0; k < 4; k++) v ^= gmul(m[(k - r + 4) % 4], col[k]);
      out[r + 4 * c] = v;
    }
  }
  return out;
}
/** MixColumns (§5.1.3): each column times a(x) = {03}x³ + {01}x² + {01}x + {02}, mod x⁴ + 1. */
export const mixColumns = (s: Uint8Array) => mixWith(s, [0x02, 0x03, 0x01, 0x01]);
/** InvMixColumns (§5.3.3): times a⁻¹(x) = {0b}x³ + {0d}x² + {09}x + {0e}. */
export const invMixColumns = (s: Uint8Array) => mixWith(s, [0x0e, 0x0b, 0x0d, 0x09]);

/** AddRoundKey (§5.1.4): XOR with the round key, column c with w[4·round + c]. */
export const addRoundKey = (s: Uint8Array, k: Uint8Array) => s.map((b, j) => b ^ k[j]);

// ---- the cipher, traced -----------------------------------------------------------------------------

export type AesOp =
  'SubBytes' | 'ShiftRows' | 'MixColumns' | 'AddRoundKey' | 'InvSubBytes' | 'InvShiftRows' | 'InvMixColumns';

/** One transformation of the state: what went in, what came out. */
export interface AesStep {
  round: number;
  op: AesOp;
  before: Uint8Array;
  after: Uint8Array;
  /** the round key used, for AddRoundKey */
  roundKey?: Uint8Array;
}

/**
 * The rows of FIPS-197 appendix B / C under their names. Cipher: start, s_box, s_row, m_col,
 * k_sch (round 0 has only input and k_sch; the last round has no m_col). Inverse cipher: istart,
 * is_row, is_box, ik_sch, ik_add (round 0: iinput and ik_sch).
 */
export interface FipsRound {
  round: number;
  values: Record<string, Uint8Array>;
}

export interface BlockRounds {
  direction: 'encrypt' | 'decrypt';
  keySize: KeySize;
  nr: number;
  input: Uint8Array;
  output: Uint8Array;
  expansion: KeyExpansion;
  /** every transformation in order, round 0's AddRoundKey first */
  steps: AesStep[];
  /** the state at the end of each round 0 … Nr (the last one is the output) */
  afterRound: Uint8Array[];
  fips: FipsRound[];
}

function checkBlock(block: Uint8Array): void {
  if (block.length !== 16) throw new BlockLengthError(block.length);
}

/** What Cipher and InvCipher both start from: the checked block, the schedule, and the step log. */
function startRounds(key: Uint8Array | KeyExpansion, block: Uint8Array) {
  checkBlock(block);
  const expansion = key instanceof Uint8Array ? expandKey(key) : key;
  const steps: AesStep[] = [];
  /** log one step; returns its output, the next step's input */
  const push = (round: number, op: AesOp, before: Uint8Array, after: Uint8Array, roundKey?: Uint8Array) => {
    steps.push(roundKey ? { round, op, before, after, roundKey } : { round, op, before, after });
    return after;
  };
  return {
    expansion,
    nr: expansion.nr,
    roundKeys: expansion.roundKeys,
    steps,
    fips: [] as FipsRound[],
    afterRound: [] as Uint8Array[],
    push,
    input: block.slice()
  };
}

/** Cipher(in, w) of §5.1 (Figure 5), every step kept. */
export function encryptRounds(key: Uint8Array | KeyExpansion, block: Uint8Array): BlockRounds {
  const { expansion, nr, roundKeys, steps, fips, afterRound, push, input } = startRounds(key, block);
  let s = push(0, 'AddRoundKey', input, addRoundKey(input, roundKeys[0]), roundKeys[0]);
  fips.push({ round: 0, values: { input, k_sch: roundKeys[0] } });
  afterRound.push(s);
  for (let round = 1; round <= nr; round++) {
    const start = s;
    const sBox = push(round, 'SubBytes', start, subBytes(start));
    const sRow = push(round, 'ShiftRows', sBox, shiftRows(sBox));
    // the final round leaves out MixColumns (§5.1)
    const mCol = round < nr ? push(round, 'MixColumns', sRow, mixColumns(sRow)) : null;
    s = push(round, 'AddRoundKey', mCol ?? sRow, addRoundKey(mCol ?? sRow, roundKeys[round]), roundKeys[round]);
    afterRound.push(s);
    const values: Record<string, Uint8Array> = { start, s_box: sBox, s_row: sRow };
    if (mCol) values.m_col = mCol;
    values.k_sch = roundKeys[round];
    if (round === nr) values.output = s;
    fips.push({ round, values });
  }
  return { direction: 'encrypt', keySize: expansion.keySize, nr, input, output: s, expansion, steps, afterRound, fips };
}

/** InvCipher(in, w) of §5.3 (Figure 12), every step kept; round keys are used from the last back. */
export function decryptRounds(key: Uint8Array | KeyExpansion, block: Uint8Array): BlockRounds {
  const { expansion, nr, roundKeys, steps, fips, afterRound, push, input } = startRounds(key, block);
  // appendix C counts the inverse rounds upward too: round 0 adds round key Nr
  let s = push(0, 'AddRoundKey', input, addRoundKey(input, roundKeys[nr]), roundKeys[nr]);
  fips.push({ round: 0, values: { iinput: input, ik_sch: roundKeys[nr] } });
  afterRound.push(s);
  for (let round = 1; round <= nr; round++) {
    const istart = s;
    const isRow = push(round, 'InvShiftRows', istart, invShiftRows(istart));
    const isBox = push(round, 'InvSubBytes', isRow, invSubBytes(isRow));
    const k = roundKeys[nr - round];
    const ikAdd = push(round, 'AddRoundKey', isBox, addRoundKey(isBox, k), k);
    s = round < nr ? push(round, 'InvMixColumns', ikAdd, invMixColumns(ikAdd)) : ikAdd;
    afterRound.push(s);
    const values: Record<string, Uint8Array> = { istart, is_row: isRow, is_box: isBox, ik_sch: k, ik_add: ikAdd };
    if (round === nr) values.ioutput = s;
    fips.push({ round, values });
  }
  return { direction: 'decrypt', keySize: expansion.keySize, nr, input, output: s, expansion, steps, afterRound, fips };
}

// ---- avalanche ---------------------------------------------------------------------------------------

export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let j = 0; j < a.length; j++) {
    let x = a[j] ^ b[j];
    while (x) {
      d += x & 1;
      x >>= 1;
    }
  }
  return d;
}

export function flipBit(block: Uint8Array, bit: number): Uint8Array {
  const out = block.slice();
  // bit 0 is the most significant bit of byte 0, as the bits are written left to right
  out[bit >> 3] ^= 0x80 >> (bit & 7);
  return out;
}

export interface Avalanche {
  bit: number;
  /** bits that differ between the two states at the end of rounds 0 … Nr */
  bitsPerRound: number[];
  /** bytes that differ at the end of rounds 0 … Nr */
  bytesPerRound: number[];
  flippedOutput: Uint8Array;
}

/** Run the same direction on the block with one bit flipped, and count the differences per round. */
export function avalanche(rounds: BlockRounds, bit: number): Avalanche {
  const run = rounds.direction === 'encrypt' ? encryptRounds : decryptRounds;
  const other = run(rounds.expansion, flipBit(rounds.input, bit));
  const bitsPerRound = rounds.afterRound.map((s, r) => hammingDistance(s, other.afterRound[r]));
  const bytesPerRound = rounds.afterRound.map((s, r) =>
    s.reduce((n, b, j) => n + (b !== other.afterRound[r][j] ? 1 : 0), 0)
  );
  return { bit, bitsPerRound, bytesPerRound, flippedOutput: other.output };
}
