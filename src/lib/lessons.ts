// The lessons under /lessons. A lesson is listed here only once its page exists; the home page,
// the nav and the /lessons index read this list.
export interface Lesson {
  slug: string;
  title: string;
  /** one sentence: what the learner does and sees */
  blurb: string;
}

export const LESSONS: Lesson[] = [
  {
    slug: 'aes-rounds',
    title: 'Inside one AES block',
    blurb: 'Pick any block of a CBC message and step through AES itself: the key expansion, then SubBytes, ShiftRows, MixColumns and AddRoundKey in every round, for 128-, 192- and 256-bit keys. Flip one input bit and count how far it spreads.'
  }
];
