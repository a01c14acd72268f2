// The steps of the "Inside one AES block" lesson over one BlockRounds (teaching-aes.ts): first
// the key expansion one round key at a time (FIPS-197 §5.2), then the input, every
// transformation of the cipher (§5.1) or inverse cipher (§5.3), and the output. Pure: the page
// only moves a cursor through this list.
import { byteToHex } from '$lib/crypto/bytes';
import type { AesOp, AesStep, BlockRounds, KeyWord } from '$lib/crypto/teaching-aes';

export type LessonStep =
  | { kind: 'key'; round: number }
  | { kind: 'input' }
  | { kind: 'op'; index: number; step: AesStep }
  | { kind: 'output' };

export function lessonSteps(r: BlockRounds): LessonStep[] {
  const out: LessonStep[] = [];
  for (let round = 0; round <= r.nr; round++) out.push({ kind: 'key', round });
  out.push({ kind: 'input' });
  r.steps.forEach((step, index) => out.push({ kind: 'op', index, step }));
  out.push({ kind: 'output' });
  return out;
}

/** The first lesson step of each round (for the jump menu and the round strip). */
export function firstStepOfRound(steps: LessonStep[], round: number): number {
  return steps.findIndex((s) => s.kind === 'op' && s.step.round === round);
}

export const FIRST_CIPHER_STEP = (r: BlockRounds) => r.nr + 1;

/** One line per transformation, citing the section that defines it. */
export const OP_LINE: Record<AesOp, string> = {
  SubBytes:
    'Every byte is replaced by S(byte): its inverse in GF(2⁸), then a fixed affine map (§5.1.1). The only non-linear step, and it works on each byte alone.',
  ShiftRows:
    'Row r turns left by r places (§5.1.2): row 0 stays, rows 1, 2, 3 move 1, 2, 3 columns, so the four bytes of a column land in four different columns.',
  MixColumns:
    'Each column is multiplied by the fixed matrix [02 03 01 01] in GF(2⁸) (§5.1.3): every new byte depends on all four bytes of its column.',
  AddRoundKey:
    'The round key is XORed into the state, word w[4r+c] into column c (§5.1.4). This is the only step that uses the key.',
  InvShiftRows: 'Row r turns right by r places, undoing ShiftRows (§5.3.1).',
  InvSubBytes: 'Every byte goes through the inverse S-box, undoing SubBytes (§5.3.2).',
  InvMixColumns: 'Each column is multiplied by the inverse matrix [0e 0b 0d 09] (§5.3.3), undoing MixColumns.'
};

export function keyWordLine(w: KeyWord, nk: number): string {
  switch (w.kind) {
    case 'key':
      return `w[${w.i}] is bytes ${4 * w.i}–${4 * w.i + 3} of the key itself (the first Nk = ${nk} words).`;
    case 'rot-sub-rcon':
      return `i = ${w.i} is a multiple of Nk = ${nk}: temp = w[${w.i - 1}] is rotated (RotWord), put through the S-box (SubWord) and XORed with Rcon[${w.i / nk}], then XORed with w[${w.i - nk}].`;
    case 'sub':
      return `AES-256 only, i mod 8 = 4: temp = SubWord(w[${w.i - 1}]), then XORed with w[${w.i - nk}].`;
    case 'xor':
      return `w[${w.i}] = w[${w.i - 1}] ⊕ w[${w.i - nk}].`;
  }
}

/** Which of the 16 positions differ between two states. */
export function changedMask(a: Uint8Array, b: Uint8Array): boolean[] {
  return Array.from(a, (v, j) => v !== b[j]);
}

export const countTrue = (m: boolean[]) => m.reduce((n, v) => n + (v ? 1 : 0), 0);

/**
 * Where byte j of `after` came from, in one line: the explanation for one cell. The state is
 * column-major (FIPS-197 §3.4): j = r + 4c.
 */
export function explainCell(step: AesStep, j: number): string {
  const r = j & 3;
  const c = j >> 2;
  const a = step.after[j];
  const name = `s'[${r},${c}]`;
  switch (step.op) {
    case 'SubBytes':
    case 'InvSubBytes':
      return `${name} = ${step.op === 'SubBytes' ? 'S' : 'S⁻¹'}(${byteToHex(step.before[j])}) = ${byteToHex(a)}`;
    case 'ShiftRows': {
      const from = (c + r) % 4;
      return `${name} = s[${r},${from}] = ${byteToHex(a)} (row ${r} moved ${r} left)`;
    }
    case 'InvShiftRows': {
      const from = (c - r + 4) % 4;
      return `${name} = s[${r},${from}] = ${byteToHex(a)} (row ${r} moved ${r} right)`;
    }
    case 'MixColumns':
    case 'InvMixColumns': {
      const m = step.op === 'MixColumns' ? ['02', '03', '01', '01'] : ['0e', '0b', '0d', '09'];
      const terms = [0, 1, 2, 3].map((k) => `${m[(k - r + 4) % 4]}•${byteToHex(step.before[k + 4 * c])}`);
      return `${name} = ${terms.join(' ⊕ ')} = ${byteToHex(a)}`;
    }
    case 'AddRoundKey':
      return `${name} = ${byteToHex(step.before[j])} ⊕ ${byteToHex(step.roundKey![j])} = ${byteToHex(a)}`;
  }
}

/** The positions of `before` (and of the round key) that byte j of `after` was computed from. */
export function sourcesOf(step: AesStep, j: number): number[] {
  const r = j & 3;
  const c = j >> 2;
  switch (step.op) {
    case 'ShiftRows':
      return [r + 4 * ((c + r) % 4)];
    case 'InvShiftRows':
      return [r + 4 * ((c - r + 4) % 4)];
    case 'MixColumns':
    case 'InvMixColumns':
      return [4 * c, 4 * c + 1, 4 * c + 2, 4 * c + 3];
    default:
      return [j];
  }
}
