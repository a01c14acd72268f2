// Lesson 5, "What just happened", in words: each sentence states what IvReuseFacts measured. Blocks
// are named as SP 800-38A §6.2 names them, C₁…Cₙ; the numbers to look at are marked strong.
import { sub } from '../words';
import type { Phrase } from '../phrase';
import { plural } from '../words';
import type { IvReuseFacts } from './findings';

export interface IvReuseSummary {
  /** what the two ciphertexts show of the two messages */
  main: Phrase[];
  /** what the key-less detector found */
  detector: string;
}

const strong = (n: number): Phrase => ({ text: String(n), strong: true });

function reusedPhrases(f: IvReuseFacts): Phrase[] {
  const n = f.sharedBlocks;
  const fills = f.plainIdentical ? '' : `, which fills ${f.wholeBlocks} whole ${plural(f.wholeBlocks, 'block')}`;
  const range = n ? ` (C₁${n > 1 ? `…C${sub(n)}` : ''})` : '';
  const leak = f.cipherIdentical
    ? 'The two ciphertexts are identical: anyone watching knows you sent the same message twice.'
    : n > 0
      ? `Anyone watching learns that the two messages start with the same ${16 * n} bytes, and where they first differ (block ${n + 1}).`
      : 'The shared start is shorter than one block, so no ciphertext block matches here; make the common prefix 16 bytes or longer and C₁ will.';
  return [
    { text: 'Both messages went out under the same IV ' },
    { code: `${f.ivStart}…` },
    { text: '. Their plaintexts agree in their first ' },
    strong(f.commonBytes),
    { text: ` ${plural(f.commonBytes, 'byte')}${fills}, and their ciphertexts agree in exactly ` },
    strong(n),
    { text: ` ${plural(n, 'block')}${range}. ${leak}` }
  ];
}

function freshPhrases(f: IvReuseFacts): Phrase[] {
  return [
    {
      text: 'Each message got its own random IV, so C₁ = AES(P₁ ⊕ IV) differs even though the plaintexts agree in their first '
    },
    strong(f.commonBytes),
    { text: ` ${plural(f.commonBytes, 'byte')}; the ciphertexts share ` },
    strong(f.sharedBlocks),
    {
      text: ` leading ${plural(f.sharedBlocks, 'block')}${f.plainIdentical ? ', though the messages are identical' : ''}. Every later block chains from a different C₁, so nothing lines up.`
    }
  ];
}

function detectorSentence({ frames, reusedIvs, repeatedBlocks, sentBefore }: IvReuseFacts['detector']): string {
  const flags = reusedIvs + repeatedBlocks;
  const raised = flags === 0 ? 'no flag' : `${flags} ${plural(flags, 'flag')}`;
  const which = reusedIvs
    ? `: ${reusedIvs} reused ${plural(reusedIvs, 'IV')}, ${repeatedBlocks} repeated ciphertext ${plural(repeatedBlocks, 'block')}`
    : '';
  const before = sentBefore ? `, including the ${sentBefore} frames you sent before` : '';
  return `The detector compared ${frames} frames by IV and by ciphertext block and raised ${raised}${which}${before}. It never needed the key.`;
}

export function ivReuseSummary(f: IvReuseFacts): IvReuseSummary {
  return { main: f.mode === 'reused' ? reusedPhrases(f) : freshPhrases(f), detector: detectorSentence(f.detector) };
}
