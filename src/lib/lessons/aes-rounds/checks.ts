// Lesson 3's "Check yourself": questions on the learner's own key and block, answered from the
// rounds the lesson computed (FIPS-197): the number of rounds (§5: Nr = Nk + 6), one byte of an
// AddRoundKey (§5.1.4: a XOR), and where ShiftRows takes a byte from (§5.1.2: s'[r,c] =
// s[r,(c + r) mod 4]; §5.3.1 turns the other way). Byte j of the state is row j mod 4, column
// ⌊j/4⌋ (§3.4). Pure: the byte asked about is picked by the block itself.
import { byteToHex } from '../../crypto/bytes';
import type { BlockRounds } from '../../crypto/teaching-aes';
import { prng } from '../../quiz/prng';
import type { LessonQuestion } from '../../quiz/questions';

const hx = (b: number) => `0x${byteToHex(b)}`;

export function aesChecks(rounds: BlockRounds): LessonQuestion[] {
  const rng = prng(Array.from(rounds.input, byteToHex).join('') + rounds.keySize);
  const out: LessonQuestion[] = [
    {
      kind: 'aes-rounds',
      question: `Your key is ${rounds.keySize / 8} bytes (AES-${rounds.keySize}). How many rounds does AES run on a block with it? (a number)`,
      answerFormat: 'number',
      answer: rounds.nr,
      explanation: `Nk = ${rounds.keySize / 32} words of 4 bytes, and Nr = Nk + 6 = ${rounds.nr} (FIPS-197 §5, table 4): 10, 12 or 14`
    }
  ];
  const ark = rounds.steps.find((s) => s.op === 'AddRoundKey' && s.round === 1 && s.roundKey);
  if (ark?.roundKey) {
    const j = rng.int(16);
    const v = ark.before[j] ^ ark.roundKey[j];
    out.push({
      kind: 'aes-add-round-key',
      question: `In round 1's AddRoundKey, state byte ${j} (row ${j & 3}, column ${j >> 2}) is ${hx(ark.before[j])} and the same byte of the round key it uses is ${hx(ark.roundKey[j])}. What is that byte after AddRoundKey? (hex)`,
      byte: j,
      answerFormat: 'hex',
      answer: byteToHex(v),
      explanation: `AddRoundKey XORs the round key into the state byte for byte (§5.1.4): ${hx(ark.before[j])} ⊕ ${hx(ark.roundKey[j])} = ${hx(v)}`
    });
  }
  const inv = rounds.direction === 'decrypt';
  const j = 1 + rng.int(15); // a byte of rows 1–3 moves; pick among all but byte 0 (row 0 stays)
  const r = j & 3;
  const c = j >> 2;
  const from = r + 4 * (inv ? (c - r + 4) % 4 : (c + r) % 4);
  out.push({
    kind: 'aes-shift-rows',
    question: `After ${inv ? 'InvShiftRows' : 'ShiftRows'}, byte ${j} of the state (row ${r}, column ${c}) holds the byte that was at which position before it? (a number, 0–15)`,
    byte: j,
    answerFormat: 'number',
    answer: from,
    explanation: `row ${r} turns ${inv ? 'right' : 'left'} by ${r} (§${inv ? '5.3.1' : '5.1.2'}), so column ${c} takes what was in column ${from >> 2} of the same row: byte ${r} + 4 × ${from >> 2} = ${from}`
  });
  return out;
}
