// Independent AES implementations the engine is checked against: node:crypto (OpenSSL) and
// node-forge's own AES-CBC mode. Nothing here imports src/lib/crypto.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import forge from 'node-forge';

export type KeyBytes = 16 | 24 | 32;

const algorithm = (key: Uint8Array, mode: 'cbc' | 'ecb') => `aes-${key.length * 8}-${mode}`;

/** OpenSSL AES-CBC; `autoPadding` is its PKCS#7. */
export function nodeEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, autoPadding = true): Uint8Array {
  const c = createCipheriv(algorithm(key, 'cbc'), key, iv);
  c.setAutoPadding(autoPadding);
  return new Uint8Array(Buffer.concat([c.update(plaintext), c.final()]));
}

export function nodeDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, autoPadding = true): Uint8Array {
  const d = createDecipheriv(algorithm(key, 'cbc'), key, iv);
  d.setAutoPadding(autoPadding);
  return new Uint8Array(Buffer.concat([d.update(ciphertext), d.final()]));
}

/** FIPS-197 Cipher on whole blocks, one at a time (ECB). */
export function nodeBlocks(key: Uint8Array, data: Uint8Array, decrypt = false): Uint8Array {
  const c = decrypt
    ? createDecipheriv(algorithm(key, 'ecb'), key, null)
    : createCipheriv(algorithm(key, 'ecb'), key, null);
  c.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
}

const binary = (b: Uint8Array) => Buffer.from(b).toString('binary');

/** node-forge's complete AES-CBC with its PKCS#7, not just its block function. */
export function forgeEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = forge.cipher.createCipher('AES-CBC', forge.util.createBuffer(binary(key)));
  cipher.start({ iv: forge.util.createBuffer(binary(iv)) });
  cipher.update(forge.util.createBuffer(binary(plaintext)));
  if (!cipher.finish()) throw new Error('forge: finish() failed');
  return new Uint8Array(Buffer.from(cipher.output.getBytes(), 'binary'));
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] ^ b[i];
  return out;
}

export const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
export const fromHex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));
