// Lesson 4, "What just happened", the counting half: how many of the picture's 16-byte blocks are
// equal before encryption, under ECB and under CBC (SP 800-38A §6.1, §6.2), as numbers.
import type { BlockRepeats } from '../../crypto/ecb';

/** The counts the picture lesson measured (PictureStats is one), with the key and the picture. */
export interface PictureRun {
  width: number;
  height: number;
  plain: BlockRepeats;
  ecb: BlockRepeats;
  cbc: BlockRepeats;
  /** the most common plaintext block's first pixel as a CSS colour, and its share of all blocks */
  topColour: string | null;
  topShare: number;
  keyBits: number;
  /** the picture, as a phrase that can start a sentence once capitalised ("the bundled penguin") */
  source: string;
}

interface Counts {
  blocks: number;
  distinct: number;
  repeated: number;
}

export interface EcbPictureFacts {
  source: string;
  width: number;
  height: number;
  keyBits: number;
  plain: Counts;
  ecb: Counts;
  cbc: Counts;
  /** the most common plaintext block, when there is one */
  top: { colour: string; share: number } | null;
}

const counts = ({ blocks, distinct, repeated }: BlockRepeats): Counts => ({ blocks, distinct, repeated });

export function ecbPictureFacts(r: PictureRun): EcbPictureFacts {
  return {
    source: r.source,
    width: r.width,
    height: r.height,
    keyBits: r.keyBits,
    plain: counts(r.plain),
    ecb: counts(r.ecb),
    cbc: counts(r.cbc),
    top: r.plain.top && r.topColour ? { colour: r.topColour, share: r.topShare } : null
  };
}
