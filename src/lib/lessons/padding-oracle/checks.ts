// Lesson 2's "Check yourself": three questions made from the attack the learner just ran, with
// the bytes it found (the intermediate block I = AES⁻¹_K(Cᵢ)) and the captured message. Numbers
// as the lesson writes them: blocks from 1, C₀ = IV, bytes from 0. Every answer follows from the
// attack's own results by SP 800-38A §6.2 (Pᵢ = Iᵢ ⊕ Cᵢ₋₁) and RFC 5652 §6.3 (the pad n repeated
// n times); none needs the key. Pure: the seed picks the block and byte.
import { byteToHex } from '../../crypto/bytes';
import { BLOCK_SIZE } from '../../crypto/pkcs7';
import { sub } from '../words';
import { prng } from '../../quiz/prng';
import type { LessonQuestion } from '../../quiz/questions';

const hx = (b: number) => `0x${byteToHex(b)}`;

/**
 * `iv` and `ciphertext` are the captured message, `intermediate` the attack's I for every block
 * (as many bytes as the ciphertext). Returns [] when there is nothing recovered to ask about.
 */
export function oracleChecks(
  iv: Uint8Array,
  ciphertext: Uint8Array,
  intermediate: Uint8Array,
  seed: string
): LessonQuestion[] {
  const n = Math.floor(Math.min(ciphertext.length, intermediate.length) / BLOCK_SIZE);
  if (n === 0) return [];
  const rng = prng(seed);
  const i = 1 + rng.int(n); // the block asked about, Pᵢ
  const k = rng.int(BLOCK_SIZE);
  const I = intermediate.subarray((i - 1) * BLOCK_SIZE, i * BLOCK_SIZE);
  const prev = i === 1 ? iv : ciphertext.subarray((i - 2) * BLOCK_SIZE, (i - 1) * BLOCK_SIZE);
  const Pi = `P${sub(i)}`;
  const Ii = `I${sub(i)}`;
  const Cp = i === 1 ? 'IV' : `C${sub(i - 1)}`;
  const Cf = i === 1 ? 'IV′' : `C${sub(i - 1)}′`;
  const p = I[k] ^ prev[k];
  const f1 = I[15] ^ 0x01;
  const f14 = I[14] ^ 0x02;
  const f15 = I[15] ^ 0x02;
  return [
    {
      kind: 'oracle-plaintext',
      question: `The attack found ${Ii}[${k}] = ${hx(I[k])} (what AES⁻¹ gives for C${sub(i)}, before the XOR). The captured ${Cp}[${k}] is ${hx(prev[k])}. What is ${Pi}[${k}]? (hex)`,
      block: i,
      byte: k,
      answerFormat: 'hex',
      answer: byteToHex(p),
      explanation: `${Pi}[${k}] = ${Ii}[${k}] ⊕ ${Cp}[${k}] = ${hx(I[k])} ⊕ ${hx(prev[k])} = ${hx(p)} (SP 800-38A §6.2: Pᵢ = AES⁻¹(Cᵢ) ⊕ Cᵢ₋₁)`
    },
    {
      kind: 'oracle-forge-01',
      question: `With ${Ii}[15] = ${hx(I[15])}, which byte must the forged ${Cf}[15] be so that the receiver's last byte of ${Pi} reads 01, a valid pad? (hex)`,
      block: i,
      byte: 15,
      answerFormat: 'hex',
      answer: byteToHex(f1),
      explanation: `the receiver computes ${Ii}[15] ⊕ ${Cf}[15]; for 01 it must be ${hx(I[15])} ⊕ 0x01 = ${hx(f1)} (RFC 5652 §6.3: one byte of value 01 is a valid pad)`
    },
    {
      kind: 'oracle-forge-0202',
      question: `Next the attack aims for the pad 02 02. With ${Ii}[14] = ${hx(I[14])} and ${Ii}[15] = ${hx(I[15])}, which two bytes ${Cf}[14] ${Cf}[15] make the last two bytes of ${Pi} read 02 02? (hex, two bytes)`,
      block: i,
      byte: 14,
      answerFormat: 'hex',
      answer: byteToHex(f14) + byteToHex(f15),
      explanation: `each is ${Ii}[j] ⊕ 0x02: ${hx(I[14])} ⊕ 0x02 = ${hx(f14)} and ${hx(I[15])} ⊕ 0x02 = ${hx(f15)}; only byte 14's 256 guesses are then left to try`
    }
  ];
}
