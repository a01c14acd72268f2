// Lesson 5's opening state: the leak it is about, visible before the learner touches anything.
// Both messages share their first 39 bytes, so under the one reused IV their first ⌊39/16⌋ = 2
// ciphertext blocks are equal (SP 800-38A §6.2: C₁ = CIPH_K(P₁ ⊕ IV), C₂ = CIPH_K(P₂ ⊕ C₁)) and
// C₃ is where they first differ. With a common start under 16 bytes no block would match, and
// the page would open on no leak at all.

export const IV_LESSON_DEFAULTS = {
  key: '8f0e5a3c1b2d4e6f7a8b9c0d1e2f3a4b',
  /** the constant IV a careless program reuses for every message */
  fixedIv: '00112233445566778899aabbccddeeff',
  msgA: 'PAY 100 EUR TO ALICE; invoice 2026-11-25',
  msgB: 'PAY 100 EUR TO ALICE; invoice 2026-11-26',
  mode: 'reused'
} as const;
