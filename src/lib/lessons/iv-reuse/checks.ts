// Lesson 5's "Check yourself": questions on the learner's own two messages. Under one key and one
// IV, CBC gives equal ciphertext blocks for as long as the padded plaintexts agree block for block
// (C₁ = AES_K(P₁ ⊕ IV), then Cᵢ = AES_K(Pᵢ ⊕ Cᵢ₋₁): equal inputs, equal outputs, SP 800-38A
// §6.2); with a fresh IV each, C₁ already differs (but for a 2⁻¹²⁸ chance) and so does every block
// after it. Pure: the traces come in, the answers are counted from their plaintext blocks.
import { byteToHex, equalBytes } from '../../crypto/bytes';
import type { EncryptTrace } from '../../crypto';
import type { LessonQuestion } from '../../quiz/questions';

const hx = (b: number) => `0x${byteToHex(b)}`;

/** how many leading padded plaintext blocks of `a` and `b` are equal */
function equalLeading(a: EncryptTrace, b: EncryptTrace): number {
  let n = 0;
  while (
    n < a.blocks.length &&
    n < b.blocks.length &&
    equalBytes(a.blocks[n].plaintextBlock, b.blocks[n].plaintextBlock)
  )
    n++;
  return n;
}

export function ivChecks(a: EncryptTrace, b: EncryptTrace): LessonQuestion[] {
  const same = equalLeading(a, b);
  const j = a.blocks[0].plaintextBlock.findIndex((v, i) => v !== a.iv[i]);
  const k = j < 0 ? 0 : j;
  const p = a.blocks[0].plaintextBlock[k];
  const x = p ^ a.iv[k];
  return [
    {
      kind: 'iv-reused-blocks',
      question: `Your messages A and B, padded, have ${a.blocks.length} and ${b.blocks.length} blocks. Sealed under the same key and the same IV, how many of their leading ciphertext blocks are equal? (a number)`,
      answerFormat: 'number',
      answer: same,
      explanation:
        same === 0
          ? 'P₁ of A and P₁ of B differ, so C₁ = AES_K(P₁ ⊕ IV) differs, and every block chained after it: none equal'
          : `their first ${same} padded block${same === 1 ? '' : 's'} are equal (P₁${same > 1 ? ` … P${same}` : ''}), so with the same IV the same chain inputs go into AES and the same ${same} ciphertext block${same === 1 ? ' comes' : 's come'} out${same < Math.min(a.blocks.length, b.blocks.length) ? `; P${same + 1} differs, and from there on so does everything` : ''}: an eavesdropper sees that without the key`
    },
    {
      kind: 'iv-fresh-blocks',
      question:
        'The same two messages, each with a fresh random IV. How many leading ciphertext blocks are equal now? (a number)',
      answerFormat: 'number',
      answer: 0,
      explanation:
        'C₁ = AES_K(P₁ ⊕ IV): two different IVs make two different inputs even for equal P₁, so C₁ differs (AES is a permutation) and every block chained after it; none equal (but for a 2⁻¹²⁸ chance the IVs collide)'
    },
    {
      kind: 'iv-xor-byte',
      question: `AES's first input for message A is X₁ = P₁ ⊕ IV. With P₁[${k}] = ${hx(p)} and IV[${k}] = ${hx(a.iv[k])}, what is X₁[${k}]? (hex)`,
      block: 1,
      byte: k,
      answerFormat: 'hex',
      answer: byteToHex(x),
      explanation: `X₁[${k}] = P₁[${k}] ⊕ IV[${k}] = ${hx(p)} ⊕ ${hx(a.iv[k])} = ${hx(x)}: the IV is the only thing that makes this input differ between two equal messages`
    }
  ];
}
