// Lesson 1, "What just happened", in words: each sentence states one number of FlipLessonFacts.
// Blocks are named as SP 800-38A §6.2 names them, C₁…Cₙ and P₁…Pₙ with C₀ = IV.
import type { BitPosition } from '../../crypto/bit-flip';
import { sub } from '../../components/learn-kit';
import { plural } from '../words';
import type { FlipLessonFacts, FlipTally, Forged } from './findings';

export const where = (p: BitPosition): string =>
  `${p.block < 0 ? 'the IV' : `C${sub(p.block + 1)}`}, byte ${p.byte}, bit ${p.bit}`;

function flipSentences(t: FlipTally): string[] {
  const out = [
    `You flipped ${t.flips} ${plural(t.flips, 'bit')} (${t.ivFlips} in the IV, ${t.flips - t.ivFlips} in ciphertext blocks).`
  ];
  const c = t.ciphertext;
  if (c) {
    out.push(
      `Each ciphertext flip garbled its own plaintext block: on average ${c.meanGarbledBits.toFixed(1)} of its 128 bits changed (AES spreads one input bit over about half the block).`
    );
    out.push(
      `${c.exactNext} of ${c.count} ${plural(c.count, 'flip')} also flipped exactly the same bit in the next block, and nothing else${c.inLastBlock ? `; ${c.inLastBlock} hit the last block, which has no next block` : ''}.`
    );
    out.push(
      c.ecbOwnBlockOnly
        ? 'Under ECB the same flips garbled only their own block and never reached the next: ECB has no chain to carry a precise change.'
        : 'Under ECB the damage stayed in the flipped block.'
    );
  }
  if (t.ivFlips)
    out.push(
      `Your ${t.ivFlips} IV ${plural(t.ivFlips, 'flip')} changed exactly one bit of P₁ and garbled nothing: the IV is only a XOR mask.`
    );
  if (t.brokePadding)
    out.push(
      `${t.brokePadding} ${plural(t.brokePadding, 'flip')} broke the PKCS#7 padding: a receiver that says so out loud is a padding oracle (lesson 2).`
    );
  return out;
}

function forgedSentence(f: Forged): string {
  const what =
    f.garbled === null
      ? 'the IV (nothing garbled)'
      : `C${sub(f.garbled + 1)}, at the cost of a garbage block ${f.garbled + 1} (P${sub(f.garbled + 1)})`;
  return `You forged role=admin by editing ${f.bytes} ${plural(f.bytes, 'byte')} of ${what}, without the key: CBC alone does not protect integrity.`;
}

export function flipLessonSummary(facts: FlipLessonFacts): string[] {
  if (!facts.flips && !facts.forged && facts.replays.length === 0)
    return ['Nothing yet: flip a bit above, and this summary will describe what your flips did.'];
  return [
    ...(facts.flips ? flipSentences(facts.flips) : []),
    ...(facts.forged ? [forgedSentence(facts.forged)] : []),
    ...facts.replays
  ];
}
