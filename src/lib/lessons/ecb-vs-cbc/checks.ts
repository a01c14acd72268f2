// Lesson 4's "Check yourself": questions on the picture the learner encrypted. A block is 16
// bytes, 4 RGBA pixels of one row; ECB encrypts each block alone under one key, and AES under one
// key is a permutation, so equal blocks stay equal and distinct ones stay distinct (SP 800-38A
// §6.1); CBC chains every block into the next (§6.2), so equal blocks come out different. The
// counts are the lesson's own run of the picture (PictureRun).
import type { LessonQuestion } from '../../quiz/questions';
import type { PictureRun } from './findings';

export function ecbChecks(r: PictureRun): LessonQuestion[] {
  const pixels = r.width * r.height;
  return [
    {
      kind: 'ecb-blocks',
      question: `Your picture is ${r.width} × ${r.height} pixels of 4 bytes each (red, green, blue, alpha). How many 16-byte blocks is that? (a number)`,
      answerFormat: 'number',
      answer: r.plain.blocks,
      explanation: `${r.width} × ${r.height} = ${pixels} pixels × 4 bytes = ${pixels * 4} bytes; ÷ 16 = ${r.plain.blocks} blocks, 4 pixels each`
    },
    {
      kind: 'ecb-distinct',
      question: `Before encryption ${r.plain.distinct} of those blocks are distinct values. How many distinct blocks does the ECB ciphertext have? (a number)`,
      answerFormat: 'number',
      answer: r.ecb.distinct,
      explanation: `${r.ecb.distinct}: ECB sends each block through AES alone, and AES under one key maps equal blocks to equal blocks and different ones to different ones (a permutation), so the count cannot change; that is the pattern you see`
    },
    {
      kind: 'cbc-repeated',
      question:
        'And under CBC, with one IV for the whole picture: how many of its ciphertext blocks equal some other block of it? (a number)',
      answerFormat: 'number',
      answer: r.cbc.repeated,
      explanation:
        r.cbc.repeated === 0
          ? 'none: each block is XORed with the ciphertext before it, so equal plaintext blocks enter AES as different inputs; a repeat would take a 128-bit collision'
          : `${r.cbc.repeated}, which CBC gives only by a 128-bit collision`
    }
  ];
}
