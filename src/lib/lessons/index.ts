// The lessons under /lessons. A lesson is listed here only once its page exists; the home page,
// the nav and the /lessons index read this list, and a lesson's number is its place in it (the
// crumb shows it; comments, tests and docs use the same). A page or a sentence that names another
// lesson takes its number, title and link from lessonRef, never writes the number itself
// (tests/unit/lessons/cross-refs.test.ts checks). Each summary is counted and worded in
// src/lib/lessons/<lesson>: bit-flipping (1), padding-oracle (2), ecb-vs-cbc (4), iv-reuse (5),
// diagnose (6).
export interface Lesson {
  slug: string;
  title: string;
  /** one sentence: what the learner does and sees */
  blurb: string;
}

const LIST = [
  {
    slug: 'bit-flipping',
    title: 'Bit flipping and error propagation',
    blurb:
      'Flip any bit of the IV or a ciphertext block: its block turns to garbage, the same bit flips in the next one. Then forge role=admin, and replay an edited frame to the real server.'
  },
  {
    slug: 'padding-oracle',
    title: 'Padding oracle',
    blurb:
      'Recover a captured message byte by byte, without the key, from a server that says whether the padding was good; then watch the same attack fail against cbc-hmac and gcm.'
  },
  {
    slug: 'aes-rounds',
    title: 'Inside one AES block',
    blurb:
      'Pick any block of a CBC message and step through AES itself: the key expansion, then SubBytes, ShiftRows, MixColumns and AddRoundKey in every round, for 128-, 192- and 256-bit keys. Flip one input bit and count how far it spreads.'
  },
  {
    slug: 'ecb-vs-cbc',
    title: 'ECB vs CBC, in a picture',
    blurb:
      'Encrypt a picture (ours or yours) with ECB and with CBC under one key and see them side by side: in ECB the outline survives.'
  },
  {
    slug: 'iv-mistakes',
    title: 'IV mistakes',
    blurb:
      'Send two messages under a reused IV and under fresh ones: equal prefixes give equal first blocks, equal messages equal ciphertext, and a detector finds them without the key.'
  },
  {
    slug: 'why-decryption-failed',
    title: 'Why did decryption fail?',
    blurb:
      'Paste a key, IV and ciphertext that will not decrypt (or plant a classic mistake) and see which cause fits: wrong key, wrong IV, wrong encoding, IV left on the front, bad length or padding, with the evidence.'
  }
] as const satisfies readonly Lesson[];

export const LESSONS: readonly Lesson[] = LIST;

/** the slug of a listed lesson: a reference to a lesson that does not exist does not compile */
export type LessonSlug = (typeof LIST)[number]['slug'];

/** How another page names a lesson: its place in LESSONS, counted from 1, and its title and link. */
export interface LessonRef {
  slug: LessonSlug;
  href: string;
  number: number;
  title: string;
  /** "lesson 5" */
  short: string;
  /** "lesson 5, IV mistakes" */
  label: string;
}

export function lessonRef(slug: LessonSlug): LessonRef {
  const i = LESSONS.findIndex((l) => l.slug === slug);
  const { title } = LESSONS[i];
  const short = `lesson ${i + 1}`;
  return { slug, href: `/lessons/${slug}`, number: i + 1, title, short, label: `${short}, ${title}` };
}
