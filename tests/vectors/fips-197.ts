// FIPS-197 (2001), Appendix C "Example Vectors": one block through the cipher for each key size.
// C.1 AES-128 (Nk=4), C.2 AES-192 (Nk=6), C.3 AES-256 (Nk=8). Same plaintext in all three.

export interface BlockVector {
  source: string;
  keySize: 128 | 192 | 256;
  key: string;
  plaintext: string;
  ciphertext: string;
}

const PLAINTEXT = '00112233445566778899aabbccddeeff';

export const FIPS197_BLOCKS: readonly BlockVector[] = [
  {
    source: 'FIPS-197 C.1 (AES-128)',
    keySize: 128,
    key: '000102030405060708090a0b0c0d0e0f',
    plaintext: PLAINTEXT,
    ciphertext: '69c4e0d86a7b0430d8cdb78070b4c55a'
  },
  {
    source: 'FIPS-197 C.2 (AES-192)',
    keySize: 192,
    key: '000102030405060708090a0b0c0d0e0f1011121314151617',
    plaintext: PLAINTEXT,
    ciphertext: 'dda97ca4864cdfe06eaf70a0ec0d7191'
  },
  {
    source: 'FIPS-197 C.3 (AES-256)',
    keySize: 256,
    key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    plaintext: PLAINTEXT,
    ciphertext: '8ea2b7ca516745bfeafc49904b496089'
  }
];
