// Lesson 2, the attack panel in words: what one guess sent, what the server's answer says (and does
// not say) about the padding, and how the panel names the blocks of each suite. cbc and cbc-hmac are
// CBC (SP 800-38A §6.2: Pᵢ = AES⁻¹(Cᵢ) ⊕ Cᵢ₋₁, C₀ = IV); gcm is not: a 12-byte nonce N, counter mode
// (SP 800-38D §7.1: Pᵢ = Cᵢ ⊕ AES_K(N ‖ i+1), no padding) and a tag checked before anything is decrypted.
import { byteToHex } from '../../crypto/bytes';
import { sub } from '../words';
import type { Phrase } from '../phrase';
import type { Suite } from './findings';

/** the bytes of X a gcm frame carries: its nonce N′ is X[0..11] (src/lib/crypto/padding-oracle.ts guessPayload) */
export const GCM_NONCE_BYTES = 12;

/** What the server's answer to one guess tells about the padding, after "the server answered CODE". */
export function answerMeaning(answer: string, valid: boolean): Phrase[] {
  switch (answer) {
    case 'ERR_BAD_PADDING':
      return [{ text: ', so the padding was ' }, { text: 'rejected', strong: true }, { text: '.' }];
    case 'ack':
      return [
        { text: ', so the padding was ' },
        { text: 'accepted', strong: true },
        { text: ' (and the text read as UTF-8).' }
      ];
    case 'ERR_BAD_UTF8':
      return [
        { text: ', so the padding was ' },
        { text: 'accepted', strong: true },
        { text: ' (the text inside it is not UTF-8).' }
      ];
    case 'ERR_DECRYPT':
      return [
        { text: ', which this server gives for bad padding and for bad text alike: it does ' },
        { text: 'not say', strong: true },
        { text: ' whether the padding was good, so the attack counts it as a no.' }
      ];
    case 'ERR_BAD_MAC':
      return [
        { text: ': the ' },
        { text: 'MAC did not verify', strong: true },
        { text: ', so nothing was decrypted and the padding was never checked.' }
      ];
    case 'ERR_BAD_TAG':
      return [
        { text: ': the ' },
        { text: 'tag did not verify', strong: true },
        { text: ', so nothing was decrypted (and GCM has no padding to check).' }
      ];
    default:
      return valid
        ? [{ text: ', which the attack counts as the padding ' }, { text: 'accepted', strong: true }, { text: '.' }]
        : [
            { text: ', which says nothing about the padding; the attack counts it as a ' },
            { text: 'no', strong: true },
            { text: '.' }
          ];
  }
}

export interface Guess {
  /** 0-based ciphertext block and byte being attacked */
  block: number;
  byte: number;
  guess: number;
  valid: boolean;
  /** the byte-15 recheck, with X[14] changed */
  recheck: boolean;
  answer: string;
}

/** The panel's line for the guess just answered: what was sent, and what the answer means. */
export function guessLine(suite: Suite, g: Guess, blocks: number): Phrase[] {
  const where = `Block ${g.block + 1} of ${blocks} (C${sub(g.block + 1)}), byte ${g.byte}${g.recheck ? ' (recheck with X[14] changed)' : ''}: `;
  const x = `X[${g.byte}] = `;
  const sent: Phrase[] =
    suite !== 'gcm'
      ? [{ text: `${where}sent ${x}` }, { code: byteToHex(g.guess) }]
      : g.byte < GCM_NONCE_BYTES
        ? [{ text: `${where}sent ${x}` }, { code: byteToHex(g.guess) }, { text: ` as byte ${g.byte} of the nonce N′` }]
        : [
            { text: `${where}guessed ${x}` },
            { code: byteToHex(g.guess) },
            { text: `, which a gcm frame does not carry (its nonce N′ is X[0–${GCM_NONCE_BYTES - 1}])` }
          ];
  return [...sent, { text: ' → the server answered ' }, { code: g.answer }, ...answerMeaning(g.answer, g.valid)];
}

/** How the panel labels one attacked block's rows (0-based block i), per suite. */
export interface BlockLabels {
  /** cbc: the chain input the plaintext is XORed with; gcm: the captured nonce */
  chain: string;
  /** cbc: the intermediate state the attack recovers; gcm: the ciphertext block itself */
  middle: string;
  plain: string;
}

export function blockLabels(suite: Suite, i: number): BlockLabels {
  const n = sub(i + 1);
  if (suite === 'gcm') return { chain: 'N (nonce)', middle: `C${n}`, plain: `P${n} = C${n} ⊕ AES_K(N ‖ ${i + 2})` };
  return {
    chain: i === 0 ? 'C₀ = IV' : `C${sub(i)}`,
    middle: `I${n} = AES⁻¹(C${n})`,
    plain: `P${n} = I${n} ⊕ C${sub(i)}`
  };
}

/** the label of the row that shows what a guess sent */
export const sentLabel = (suite: Suite): string => (suite === 'gcm' ? 'X (N′ = X[0–11])' : 'X sent');
