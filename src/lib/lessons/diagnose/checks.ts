// Lesson 6's "Check yourself": questions on the ciphertext in the learner's fields, as it reads
// with the key and IV given. CBC decryption (SP 800-38A §6.2): Pᵢ = AES⁻¹_K(Cᵢ) ⊕ Cᵢ₋₁ with C₀ =
// the IV, so a wrong key garbles every block, and a wrong IV reaches only P₁ (every later block
// XORs with a ciphertext block off the wire). Pure: the reading comes in.
import type { Reading } from '../../crypto/diagnose/reading';
import type { LessonQuestion } from '../../quiz/questions';
import { sub } from '../words';

export function diagnoseChecks(reading: Reading | null): LessonQuestion[] {
  if (!reading || reading.ciphertext.length === 0) return [];
  const n = reading.ciphertext.length / 16;
  const all = Array.from({ length: n }, (_, i) => i + 1);
  return [
    {
      kind: 'diagnose-blocks',
      question: `Your ciphertext field reads as ${reading.ciphertext.length} bytes. How many 16-byte blocks is that? (a number)`,
      answerFormat: 'number',
      answer: n,
      explanation: `${reading.ciphertext.length} ÷ 16 = ${n}: CBC ciphertext is always whole blocks, ${n === 1 ? 'C₁' : `C₁ … C${sub(n)}`}`
    },
    {
      kind: 'diagnose-wrong-key',
      question: `Decrypted with a wrong key, which of these ${n} plaintext blocks come out as garbage? (block numbers, or "none")`,
      answerFormat: 'blocks',
      answer: all,
      explanation: `all ${n}: every Pᵢ = AES⁻¹_K(Cᵢ) ⊕ Cᵢ₋₁ goes through AES⁻¹ with the key, so every block is garbage, and the padding check at the end then fails too`
    },
    {
      kind: 'diagnose-wrong-iv',
      question: 'With the right key but a wrong IV, which plaintext blocks come out wrong? (block numbers, or "none")',
      answerFormat: 'blocks',
      answer: [1],
      explanation: `only P₁ = AES⁻¹_K(C₁) ⊕ IV, and only in the bits where the two IVs differ${n > 1 ? `; ${n === 2 ? 'P₂ uses C₁' : `P₂ … P${sub(n)} use C₁ … C${sub(n - 1)}`} from the wire` : ''}`
    }
  ];
}
