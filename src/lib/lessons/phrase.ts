// A piece of a summary sentence, marked as the page shows it, so a page renders the prose modules'
// sentences without parsing them. Joined in order, the pieces' words are the sentence.
/** running text, optionally emphasised */
export interface TextPhrase {
  text: string;
  strong?: true;
}

export type Phrase =
  | TextPhrase
  /** bytes or a value, shown as code */
  | { code: string }
  /** a square of this CSS colour, with no words of its own */
  | { swatch: string };

/** The words of a sentence made of phrases, as a reader (or a test) reads them. */
export const phraseText = (phrases: Phrase[]): string =>
  phrases.map((p) => ('text' in p ? p.text : 'code' in p ? p.code : '')).join('');
