// AES takes a 128-, 192- or 256-bit key (FIPS-197 §5: Nk = 4, 6 or 8 words); every check of a
// key's length asks this, so the three sizes are written once.
export const AES_KEY_LENGTHS = [16, 24, 32] as const;

/** Is `n` bytes the length of an AES key? */
export function isAesKeyLength(n: number): boolean {
  return n === 16 || n === 24 || n === 32;
}
