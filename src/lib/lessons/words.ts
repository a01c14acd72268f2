// Small wording helpers the lesson summaries share.

/** `word` for exactly one, else `many` (by default `word` + "s"). */
export const plural = (n: number, word: string, many = word + 's'): string => (n === 1 ? word : many);

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';
/** 12 → `₁₂`: block numbers as the pages write them (P₁, C₁₂) */
export function sub(n: number): string {
  return String(n).replace(/\d/g, (d) => SUBSCRIPT[Number(d)]);
}
