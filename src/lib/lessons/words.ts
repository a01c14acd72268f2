// Small wording helpers the lesson summaries share.

/** `word` for exactly one, else `many` (by default `word` + "s"). */
export const plural = (n: number, word: string, many = word + 's'): string => (n === 1 ? word : many);
