// "Predict, then check" (issue 12): questions about one encryption trace, the learner's own key,
// IV and message, with answers read from the trace and the derivation a learner can follow.
// Numbering is the pages' and SP 800-38A §6.2's: blocks from 1 (P₁ is the first plaintext block,
// C₀ = IV); bytes from 0 within a block (Pᵢ[0] … Pᵢ[15]) and within IV ‖ C; bits from the most
// significant (bit 0 = 0x80), as the bit grid draws them (../crypto/bit-flip.ts). docs/quiz.md.
// Pure: the seed comes in as a string; nothing reads a clock or randomness.
import { bitMask, diffBlocks, flipBit } from '../crypto/bit-flip';
import { byteToHex, bytesToHex, hexLiteral } from '../crypto/bytes';
import { decryptTrace, encryptTrace, type EncryptOptions, type EncryptTrace } from '../crypto/cbc';
import { BLOCK_SIZE } from '../crypto/pkcs7';
import { base64Group } from '../crypto/wire';
import { OutOfRangeError } from '../errors/out-of-range';
import { sub } from '../lessons/words';
import { prng, type Prng } from './prng';

export const QUESTION_KINDS = [
  'pad-length',
  'xor-byte',
  'cipher-block',
  'flip-effect',
  'base64-chars',
  'padding-verdict'
] as const;

export type QuestionKind = (typeof QUESTION_KINDS)[number];

/**
 * How `answer` is written: `hex` lower-case bytes without spaces; `number` a count; `blocks` the
 * plaintext block numbers (from 1), ascending, possibly empty; `chars` base64 character positions
 * (from 0); `verdict` the string `valid` or the position (0–15) in the last block of the byte that
 * breaks PKCS#7, the first one reading from the end as a decryptor does.
 */
export type AnswerFormat = 'hex' | 'number' | 'blocks' | 'chars' | 'verdict';

export type Answer = string | number | number[];

export interface Question {
  kind: QuestionKind;
  /** what the learner reads */
  question: string;
  /** a block number (Pᵢ/Cᵢ from 1; 0 = the IV), or null when the kind needs none */
  block: number | null;
  /** a byte position, from 0: in the block, or in IV ‖ C for base64-chars */
  byte: number | null;
  /** a bit of that byte, 0 = 0x80 … 7 = 0x01 */
  bit: number | null;
  /** padding-verdict: the byte XORed into C_block[byte] */
  mask?: number;
  /** padding-verdict: the tampered IV ‖ C, hex */
  wire?: string;
  /** cipher-block: the plaintext blocks Cᵢ depends on, P₁ … Pᵢ (and always the key and the IV) */
  dependsOn?: number[];
  /** flip-effect: the one bit that flips in the next plaintext block, or null (the last block) */
  alsoFlips?: { block: number; byte: number; bit: number } | null;
  answerFormat: AnswerFormat;
  answer: Answer;
  /** the derivation with the trace's numbers */
  explanation: string;
}

/** A question a lesson makes from what the learner did in it, checked the same way (check.ts). */
export type LessonQuestion = Pick<Question, 'question' | 'answerFormat' | 'answer' | 'explanation'> &
  Partial<Pick<Question, 'block' | 'byte' | 'bit' | 'mask'>> & { kind: string };

export interface QuestionOptions {
  seed: string;
  /** how many questions, 1 to MAX_QUESTIONS (default: one of each kind asked) */
  count?: number;
  /** the kinds to draw from, each at least once before any repeats (default: all) */
  kinds?: readonly QuestionKind[];
}

export const MAX_QUESTIONS = 100;

/** `P` + 12 → `P₁₂` */
const named = (name: string, n: number): string => name + sub(n);

const hx = hexLiteral;
const blockName = (i: number) => (i === 0 ? 'C₀ (the IV)' : named('C', i));

function padLength(trace: EncryptTrace): Question {
  const n = trace.input.length;
  const k = trace.padding.padLength;
  const rest = n % BLOCK_SIZE;
  return {
    kind: 'pad-length',
    question: `The message is ${n} byte${n === 1 ? '' : 's'}. How many bytes does PKCS#7 padding add (each of them has that number as its value)?`,
    block: null,
    byte: null,
    bit: null,
    answerFormat: 'number',
    answer: k,
    explanation:
      rest === 0
        ? `${n} mod 16 = 0: the message fills whole blocks, so PKCS#7 adds a whole block, 16 bytes of 0x10 (RFC 5652 §6.3); a decryptor always finds a pad to remove`
        : `${n} mod 16 = ${rest}, so PKCS#7 adds 16 − ${rest} = ${k} byte${k === 1 ? '' : 's'} of ${hx(k)} (RFC 5652 §6.3)`
  };
}

function xorByte(trace: EncryptTrace, rng: Prng): Question {
  const i = rng.int(trace.blocks.length) + 1;
  const j = rng.int(BLOCK_SIZE);
  const step = trace.blocks[i - 1];
  const p = step.plaintextBlock[j];
  const c = step.chainInput[j];
  const x = step.xored[j];
  const pName = `${named('P', i)}[${j}]`;
  const cName = `${named('C', i - 1)}[${j}]`;
  const xName = `${named('X', i)}[${j}]`;
  return {
    kind: 'xor-byte',
    question: `${xName} is the byte AES receives for block ${i}: ${pName} ⊕ ${cName}${i === 1 ? ' (C₀ is the IV)' : ''}. With ${pName} = ${hx(p)} and ${cName} = ${hx(c)}, what is ${xName}? (hex)`,
    block: i,
    byte: j,
    bit: null,
    answerFormat: 'hex',
    answer: byteToHex(x),
    explanation: `${xName} = ${pName} ⊕ ${cName} = ${hx(p)} ⊕ ${hx(c)} = ${hx(x)} (SP 800-38A §6.2: Cᵢ = CIPH_K(Pᵢ ⊕ Cᵢ₋₁))`
  };
}

function cipherBlock(trace: EncryptTrace, rng: Prng): Question {
  const i = rng.int(trace.blocks.length) + 1;
  const step = trace.blocks[i - 1];
  const xName = named('X', i);
  const cName = named('C', i);
  const earlier = i === 1 ? 'P₁' : `P₁ … ${named('P', i)}`;
  return {
    kind: 'cipher-block',
    question: `${cName} = CIPH_K(${xName}), with ${xName} = ${named('P', i)} ⊕ ${blockName(i - 1)} = ${bytesToHex(step.xored)}. Encrypt that one block with the key (AES-${trace.keySize}, one block, no chaining, no padding): what is ${cName}? (hex)`,
    block: i,
    byte: null,
    bit: null,
    dependsOn: Array.from({ length: i }, (_, b) => b + 1),
    answerFormat: 'hex',
    answer: bytesToHex(step.cipherBlock),
    explanation: `${cName} = CIPH_K(${named('P', i)} ⊕ ${named('C', i - 1)}) = CIPH_K(${bytesToHex(step.xored)}) = ${bytesToHex(step.cipherBlock)}; through the chain it depends on the IV and on ${earlier}, and on no later block (SP 800-38A §6.2)`
  };
}

function flipEffect(trace: EncryptTrace, rng: Prng): Question {
  const n = trace.blocks.length;
  const i = rng.int(n + 1); // 0 = the IV
  const j = rng.int(BLOCK_SIZE);
  const b = rng.int(8);
  // What decryption actually does to the tampered IV ‖ C (bit-flip.ts counts the IV as −1).
  // Copies first: flipBit copies with .slice(), which on a Node Buffer (a caller's IV) is a view.
  const tampered = flipBit(Uint8Array.from(trace.iv), Uint8Array.from(trace.ciphertext), {
    block: i - 1,
    byte: j,
    bit: b
  });
  const after = decryptTrace({ key: trace.key, iv: tampered.iv, ciphertext: tampered.ciphertext, padding: 'none' });
  const diffs = diffBlocks(trace.padded, after.padded);
  const garbled = diffs.filter((d) => d.change === 'garbled').map((d) => d.index + 1);
  const oneBit = diffs.find((d) => d.change === 'one-bit');
  const alsoFlips = oneBit
    ? {
        block: oneBit.index + 1,
        byte: oneBit.delta.findIndex((v) => v !== 0),
        bit: 7 - Math.log2(oneBit.delta.find((v) => v !== 0)!)
      }
    : null;
  const where = `bit ${b} (${hx(bitMask(b))}) of byte ${j} of ${blockName(i)}`;
  const flipped = alsoFlips
    ? `bit ${alsoFlips.bit} of ${named('P', alsoFlips.block)}[${alsoFlips.byte}] flips, the same bit`
    : '';
  const explanation =
    i === 0
      ? `P₁ = CIPH⁻¹_K(C₁) ⊕ C₀: the IV is only the mask of P₁, so ${flipped}, and nothing turns to garbage (SP 800-38A §6.2)`
      : `${named('P', i)} = CIPH⁻¹_K(${named('C', i)}) ⊕ ${named('C', i - 1)}: inside CIPH⁻¹ one changed bit changes about half of the block (here ${diffs[i - 1].changedBits} of 128 bits), so ${named('P', i)} is garbage; ` +
        (alsoFlips
          ? `${named('C', i)} is also the mask of ${named('P', i + 1)} = CIPH⁻¹_K(${named('C', i + 1)}) ⊕ ${named('C', i)}, so ${flipped}; no other block reads ${named('C', i)} (SP 800-38A §6.2)`
          : `${named('C', i)} is the last block and masks nothing, so no single bit flips elsewhere (SP 800-38A §6.2)`);
  return {
    kind: 'flip-effect',
    question: `In transit, ${where} flips. Which plaintext blocks decrypt to garbage? (block numbers, or "none") Which single bit changes, and where?`,
    block: i,
    byte: j,
    bit: b,
    alsoFlips,
    answerFormat: 'blocks',
    answer: garbled,
    explanation
  };
}

function base64Chars(trace: EncryptTrace, rng: Prng): Question {
  const wire = trace.wire.bytes;
  const k = rng.int(wire.length);
  const g = base64Group(wire, Math.floor(k / 3));
  // byte r of a 3-byte group holds bits 8r … 8r+7 of its 24, and character s holds bits 6s … 6s+5
  const r = k - g.byteStart;
  const chars = [Math.floor((8 * r) / 6), Math.floor((8 * r + 7) / 6)].map((s) => g.charStart + s);
  const eq = (3 - (wire.length % 3)) % 3;
  const what =
    k < BLOCK_SIZE
      ? `byte ${k} of the IV`
      : `byte ${(k - BLOCK_SIZE) % BLOCK_SIZE} of ${named('C', Math.floor(k / BLOCK_SIZE))}`;
  return {
    kind: 'base64-chars',
    question: `The wire form is base64(IV ‖ C), ${wire.length} bytes. Which characters (counted from 0) carry byte ${k} of IV ‖ C, ${what}? How many "=" end the text, and why?`,
    block: null,
    byte: k,
    bit: null,
    answerFormat: 'chars',
    answer: chars,
    explanation:
      `byte ${k} is byte ${r} of group ${g.index} (bytes ${g.byteStart}–${g.byteStart + 2} → characters ${g.charStart}–${g.charStart + 3}, "${g.chars}"); its 8 bits are bits ${8 * r}–${8 * r + 7} of the group's 24, which characters ${chars.join(' and ')} carry (6 bits each, RFC 4648 §4). ` +
      `${wire.length} mod 3 = ${wire.length % 3}, so the text ends in ${eq} "="${eq === 0 ? ' (none: the last group is whole)' : `: the last group holds ${3 - eq} byte${eq === 2 ? '' : 's'}, and "=" marks the missing one${eq === 2 ? 's' : ''}`}`
  };
}

function paddingVerdict(trace: EncryptTrace, rng: Prng): Question {
  const n = trace.blocks.length;
  const k = trace.padding.padLength;
  // C_{n−1} (the IV when n = 1) is the mask of Pₙ: XORing δ into its byte j XORs δ into Pₙ[j]
  // and leaves CIPH⁻¹_K(Cₙ) alone. Where: a data byte (the pad survives), a pad byte, or the last.
  const places: number[] = [15];
  if (k >= 2) places.push(BLOCK_SIZE - k + rng.int(k - 1));
  if (k < BLOCK_SIZE) places.push(rng.int(BLOCK_SIZE - k));
  const j = rng.pick(places);
  const mask = 1 + rng.int(255);
  // Uint8Array.from, not .slice(): on a Node Buffer .slice() is a view, and the edit would reach the caller's IV
  const iv = Uint8Array.from(trace.iv);
  const ciphertext = Uint8Array.from(trace.ciphertext);
  if (n === 1) iv[j] ^= mask;
  else ciphertext[(n - 2) * BLOCK_SIZE + j] ^= mask;
  const after = decryptTrace({ key: trace.key, iv, ciphertext });
  const last = trace.padded.subarray((n - 1) * BLOCK_SIZE);
  const pName = named('P', n);
  const changed = `${pName}[${j}] = ${hx(last[j])} ⊕ ${hx(mask)} = ${hx(last[j] ^ mask)}`;
  let answer: Answer;
  let verdict: string;
  if (after.padding.ok) {
    answer = 'valid';
    verdict = `the last byte ${hx(after.padded[after.padded.length - 1])} asks for ${after.padding.padLength} pad byte${after.padding.padLength === 1 ? '' : 's'} of that value, and they are: the check passes`;
  } else {
    answer = after.padding.check.position - (n - 1) * BLOCK_SIZE;
    verdict = `${after.padding.check.message.replace(/^bad padding: /, '')} (byte ${answer} of ${pName}): the check fails there`;
  }
  return {
    kind: 'padding-verdict',
    question: `Before decryption, byte ${j} of ${blockName(n - 1)} is XORed with ${hx(mask)}. ${pName}, the last block, was ${bytesToHex(last)} (${k} pad byte${k === 1 ? '' : 's'} of ${hx(k)}). Does the decrypted last block pass the PKCS#7 check? Answer "valid", or the byte (0–15) of ${pName} that fails first, reading from the end.`,
    block: n - 1,
    byte: j,
    bit: null,
    mask,
    wire: bytesToHex(after.wire.bytes),
    answerFormat: 'verdict',
    answer,
    explanation: `${blockName(n - 1)} is the mask of ${pName}, so only ${pName}[${j}] changes: ${changed}; ${verdict} (RFC 5652 §6.3)`
  };
}

const MAKERS: Record<QuestionKind, (trace: EncryptTrace, rng: Prng) => Question> = {
  'pad-length': padLength,
  'xor-byte': xorByte,
  'cipher-block': cipherBlock,
  'flip-effect': flipEffect,
  'base64-chars': base64Chars,
  'padding-verdict': paddingVerdict
};

/**
 * `count` questions about `source`, a PKCS#7 encryption's trace or its key, IV and plaintext (then
 * traced here), the same ones for the same trace and seed.
 * The kinds come in rounds, each round every kind once in a seeded order, so any six questions
 * of all kinds ask each kind once.
 */
export function questions(
  source: EncryptTrace | EncryptOptions,
  { seed, count, kinds = QUESTION_KINDS }: QuestionOptions
): Question[] {
  const trace = 'direction' in source ? source : encryptTrace(source);
  // pad-length and padding-verdict ask about PKCS#7: a trace without it has no answer to give
  if (trace.padding.scheme !== 'pkcs7')
    throw new OutOfRangeError('padLength', '1 to 16 (a trace with PKCS#7 padding)', trace.padding.padLength);
  const wanted = [...new Set(kinds)];
  if (wanted.length === 0) throw new OutOfRangeError('kinds', 'at least one kind', 0);
  const total = count ?? wanted.length;
  if (!Number.isInteger(total) || total < 1 || total > MAX_QUESTIONS)
    throw new OutOfRangeError('count', `1 to ${MAX_QUESTIONS}`, total);
  const rng = prng(seed);
  const out: Question[] = [];
  while (out.length < total) {
    const round = [...wanted];
    for (let r = round.length - 1; r > 0; r--) {
      const s = rng.int(r + 1);
      [round[r], round[s]] = [round[s], round[r]];
    }
    for (const kind of round) if (out.length < total) out.push(MAKERS[kind](trace, rng));
  }
  return out;
}
