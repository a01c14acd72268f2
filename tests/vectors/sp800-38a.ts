// NIST SP 800-38A (2001), Appendix F.2 "CBC Example Vectors", F.2.1–F.2.6.
// One plaintext, one IV, three keys; padding none (four whole blocks).
// F.2.1/F.2.3/F.2.5 are the encrypt direction, F.2.2/F.2.4/F.2.6 the same blocks decrypted.

export interface CbcVector {
  /** where the vector is printed, e.g. "SP 800-38A F.2.1" */
  source: string;
  name: string;
  keySize: 128 | 192 | 256;
  key: string;
  iv: string;
  plaintext: string;
  ciphertext: string;
}

// F.2.1 Block #1..#4 Plaintext (shared by every F.2 case)
const PLAINTEXT =
  '6bc1bee22e409f96e93d7e117393172a' +
  'ae2d8a571e03ac9c9eb76fac45af8e51' +
  '30c81c46a35ce411e5fbc1191a0a52ef' +
  'f69f2445df4f9b17ad2b417be66c3710';

const IV = '000102030405060708090a0b0c0d0e0f';

export const SP800_38A_CBC: readonly CbcVector[] = [
  {
    source: 'SP 800-38A F.2.1 (CBC-AES128.Encrypt), F.2.2 (CBC-AES128.Decrypt)',
    name: 'CBC-AES128',
    keySize: 128,
    key: '2b7e151628aed2a6abf7158809cf4f3c',
    iv: IV,
    plaintext: PLAINTEXT,
    ciphertext:
      '7649abac8119b246cee98e9b12e9197d' +
      '5086cb9b507219ee95db113a917678b2' +
      '73bed6b8e3c1743b7116e69e22229516' +
      '3ff1caa1681fac09120eca307586e1a7'
  },
  {
    source: 'SP 800-38A F.2.3 (CBC-AES192.Encrypt), F.2.4 (CBC-AES192.Decrypt)',
    name: 'CBC-AES192',
    keySize: 192,
    key: '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b',
    iv: IV,
    plaintext: PLAINTEXT,
    ciphertext:
      '4f021db243bc633d7178183a9fa071e8' +
      'b4d9ada9ad7dedf4e5e738763f69145a' +
      '571b242012fb7ae07fa9baac3df102e0' +
      '08b0e27988598881d920a9e64f5615cd'
  },
  {
    source: 'SP 800-38A F.2.5 (CBC-AES256.Encrypt), F.2.6 (CBC-AES256.Decrypt)',
    name: 'CBC-AES256',
    keySize: 256,
    key: '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    iv: IV,
    plaintext: PLAINTEXT,
    ciphertext:
      'f58c4c04d6e5f1ba779eabfb5f7bfbd6' +
      '9cfc4e967edb808d679f777bc6702c7d' +
      '39f23369a9d9bacfa530e26304231461' +
      'b2eb05e2c39be9fcda6c19078c6a9d1b'
  }
];

/**
 * F.2.1 also prints each intermediate "Input Block" (Pᵢ ⊕ Cᵢ₋₁, our `xored`) for CBC-AES128.
 */
export const SP800_38A_F21_INPUT_BLOCKS: readonly string[] = [
  '6bc0bce12a459991e134741a7f9e1925',
  'd86421fb9f1a1eda505ee1375746972c',
  '604ed7ddf32efdff7020d0238b7c2a5d',
  '8521f2fd3c8eef2cdc3da7e5c44ea206'
];
