// Lesson 4, "What just happened", in words: each sentence states what EcbPictureFacts counted; the
// numbers to compare are marked strong.
import type { Phrase } from '../phrase';
import type { EcbPictureFacts } from './findings';

export interface EcbPictureSummary {
  plain: Phrase[];
  ecb: Phrase[];
  cbc: Phrase[];
  /** only when the picture has no two equal blocks, so ECB shows nothing either */
  noRepeats: string | null;
}

/** A share as a percentage: one decimal, two below 1 %. */
export const pct = (x: number): string => `${(100 * x).toFixed(x < 0.01 ? 2 : 1)}%`;

const strong = (text: string | number): Phrase => ({ text: String(text), strong: true });

function plainPhrases(f: EcbPictureFacts): Phrase[] {
  const p = f.plain;
  const top: Phrase[] = f.top
    ? [
        { text: ', and the most common block (4 pixels of ' },
        { swatch: f.top.colour },
        { code: f.top.colour },
        { text: `) alone fills ${pct(f.top.share)} of the picture` }
      ]
    : [];
  return [
    { text: `${f.source.charAt(0).toUpperCase() + f.source.slice(1)} is ${f.width}×${f.height} pixels = ` },
    strong(p.blocks),
    { text: ' blocks, but only ' },
    strong(p.distinct),
    { text: ` of them are different: ${p.repeated} blocks (${pct(p.repeated / p.blocks)}) repeat another one` },
    ...top,
    { text: '.' }
  ];
}

function ecbPhrases(f: EcbPictureFacts): Phrase[] {
  return [
    strong('ECB'),
    { text: ` with your ${f.keyBits}-bit key turned them into exactly ` },
    strong(f.ecb.distinct),
    {
      text: ` different ciphertext blocks, the same count: every equal pair of plaintext blocks became an equal pair of ciphertext blocks, ${f.ecb.repeated} blocks in all. The colours are scrambled, but every flat region keeps one repeating 4-pixel stripe of its own, so the outline is still there for anyone to see, without the key.`
    }
  ];
}

function cbcPhrases(f: EcbPictureFacts): Phrase[] {
  const c = f.cbc;
  const repeats =
    c.repeated === 0
      ? ': none repeats, so nothing of the picture shows'
      : `; ${c.repeated} repeat, which for random-looking blocks is a coincidence`;
  return [
    strong('CBC'),
    { text: ' under the same key gave ' },
    strong(c.distinct),
    {
      text: ` different blocks out of ${c.blocks}${repeats}. The chain makes each ciphertext block depend on every block before it and on the IV.`
    }
  ];
}

export function ecbPictureSummary(f: EcbPictureFacts): EcbPictureSummary {
  return {
    plain: plainPhrases(f),
    ecb: ecbPhrases(f),
    cbc: cbcPhrases(f),
    noRepeats:
      f.plain.repeated === 0
        ? 'Your picture has no two equal blocks (a photo with noise, perhaps), so even ECB shows nothing here: try a logo or a drawing with flat colours.'
        : null
  };
}
