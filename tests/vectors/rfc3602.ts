// RFC 3602 (2003) "The AES-CBC Cipher Algorithm and Its Use with IPsec", §4 "Test Vectors",
// cases #1–#4 (AES-128-CBC, whole blocks, no padding). Plaintexts of cases #1 and #3 are ASCII.
import type { CbcVector } from './sp800-38a';

const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');

export const RFC3602_CBC: readonly CbcVector[] = [
  {
    source: 'RFC 3602 §4 Case #1',
    name: 'Encrypting 16 bytes (1 block) using AES-CBC with 128-bit key',
    keySize: 128,
    key: '06a9214036b8a15b512e03d534120006',
    iv: '3dafba429d9eb430b422da802c9fac41',
    plaintext: ascii('Single block msg'),
    ciphertext: 'e353779c1079aeb82708942dbe77181a'
  },
  {
    source: 'RFC 3602 §4 Case #2',
    name: 'Encrypting 32 bytes (2 blocks) using AES-CBC with 128-bit key',
    keySize: 128,
    key: 'c286696d887c9aa0611bbb3e2025a45a',
    iv: '562e17996d093d28ddb3ba695a2e6f58',
    plaintext: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
    ciphertext: 'd296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1'
  },
  {
    source: 'RFC 3602 §4 Case #3',
    name: 'Encrypting 48 bytes (3 blocks) using AES-CBC with 128-bit key',
    keySize: 128,
    key: '6c3ea0477630ce21a2ce334aa746c2cd',
    iv: 'c782dc4c098c66cbd9cd27d825682c81',
    plaintext: ascii('This is a 48-byte message (exactly 3 AES blocks)'),
    ciphertext:
      'd0a02b3836451753d493665d33f0e886' + '2dea54cdb293abc7506939276772f8d5' + '021c19216bad525c8579695d83ba2684'
  },
  {
    source: 'RFC 3602 §4 Case #4',
    name: 'Encrypting 64 bytes (4 blocks) using AES-CBC with 128-bit key',
    keySize: 128,
    key: '56e47a38c5598974bc46903dba290349',
    iv: '8ce82eefbea0da3c44699ed7db51b7d9',
    plaintext:
      'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf' +
      'b0b1b2b3b4b5b6b7b8b9babbbcbdbebf' +
      'c0c1c2c3c4c5c6c7c8c9cacbcccdcecf' +
      'd0d1d2d3d4d5d6d7d8d9dadbdcdddedf',
    ciphertext:
      'c30e32ffedc0774e6aff6af0869f71aa' +
      '0f3af07a9a31a9c684db207eb0ef8e4e' +
      '35907aa632c3ffdf868bb7b29d3d46ad' +
      '83ce9f9a102ee99d49a53e87f4c3da55'
  }
];
