// The seam: the one file that calls node-forge, and only through its public cipher API
// (forge.cipher.createCipher / createDecipher, start, update, finish, output), with forge's
// padding switched off. CBC Lab does its own PKCS#7 (pkcs7.ts: strict, RFC 5652 §6.3), because
// forge's finish() reports a bad pad only as `false`.
//
// Everything else sees Uint8Array. AES-CBC here is forge's own mode (SP 800-38A §6.2), so every
// Cᵢ of a trace, and with it every Xᵢ = Pᵢ ⊕ Cᵢ₋₁, is forge's output; AES-ECB over one block is
// FIPS-197 Cipher / InvCipher for the lessons that show a block on its own.
//
// Only lib/forge.js and lib/aes.js (with the cipher, modes and util it needs) are imported, so a
// page's bundle carries forge's AES and not the whole of forge (RSA, TLS, PKI …). Those paths have
// no type declarations; the object is typed here from @types/node-forge, which types the root.
// @ts-expect-error TS7016: node-forge's lib/ files ship no types; typed as ForgeAes below
import forgeRoot from 'node-forge/lib/forge.js';
import 'node-forge/lib/aes.js'; // registers AES-ECB and AES-CBC with forge.cipher
import type forgeTypes from 'node-forge';
import { latin1ToBytes } from './bytes';

type Direction = 'encrypt' | 'decrypt';

/** forge's BlockCipher; `mode.pad`/`mode.unpad` are the mode's padding steps, `false` to skip them. */
type ForgeCipher = forgeTypes.cipher.BlockCipher & { mode: { pad: unknown; unpad: unknown } };

interface ForgeAes {
  cipher: {
    createCipher(algorithm: 'AES-CBC' | 'AES-ECB', key: forgeTypes.util.ByteStringBuffer): ForgeCipher;
    createDecipher(algorithm: 'AES-CBC' | 'AES-ECB', key: forgeTypes.util.ByteStringBuffer): ForgeCipher;
  };
  util: { createBuffer(bytes: string, encoding: 'raw'): forgeTypes.util.ByteStringBuffer };
}

const forge = forgeRoot as ForgeAes;

// forge works on "binary strings", one char per byte (U+0000-U+00FF). Bytes to such a string:
// on a little-endian host, widen every byte to a 16-bit code unit (one native copy) and decode
// that as UTF-16LE (WHATWG Encoding §14.3): units 0x00-0xFF are U+0000-U+00FF, never a surrogate
// and never a BOM (U+FEFF), so the decode is exact, and about 3× faster than fromCharCode.apply.
// Up to 8 KiB (keys, IVs, short messages), and on other hosts, fromCharCode.apply on pieces of
// 8 KiB, which costs less per call; a whole 1 MiB argument list would overflow the stack.
// (TextDecoder('latin1') would be wrong: it is windows-1252, which moves 0x80-0x9F.)
// forge's output back to bytes: latin1ToBytes (bytes.ts), written in place into the caller's array.
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf16le = new TextDecoder('utf-16le');
const PIECE = 8192;

function toBinary(bytes: Uint8Array): string {
  if (LITTLE_ENDIAN && bytes.length > PIECE) return utf16le.decode(new Uint16Array(bytes));
  let s = '';
  for (let i = 0; i < bytes.length; i += PIECE)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + PIECE) as unknown as number[]);
  return s;
}

const CHUNK = 65536;

const buffer = (bytes: Uint8Array) => forge.util.createBuffer(toBinary(bytes), 'raw');

function create(algorithm: 'AES-CBC' | 'AES-ECB', direction: Direction, key: Uint8Array): ForgeCipher {
  const c =
    direction === 'encrypt'
      ? forge.cipher.createCipher(algorithm, buffer(key))
      : forge.cipher.createDecipher(algorithm, buffer(key));
  c.mode.pad = false;
  c.mode.unpad = false;
  return c;
}

/**
 * forge's AES-CBC without padding: the input must be whole 16-byte blocks (the caller checks).
 * Encrypting gives C₁ … Cₙ; decrypting gives the padded P₁ … Pₙ.
 */
export function forgeCbc(direction: Direction, key: Uint8Array, iv: Uint8Array, input: Uint8Array): Uint8Array {
  const c = create('AES-CBC', direction, key);
  c.start({ iv: buffer(iv) });
  const out = new Uint8Array(input.length);
  // in 64 KiB pieces, each drained at once: forge's output is a growing string, and a short one
  // stays cheap to append to and to read
  for (let o = 0; o < input.length; o += CHUNK) {
    c.update(buffer(input.subarray(o, o + CHUNK)));
    latin1ToBytes(c.output.getBytes(), out, o);
  }
  c.finish(); // no padding step, whole blocks in: nothing is left to write, and it cannot fail
  return out;
}

/** One key's AES block function, FIPS-197 Cipher and InvCipher, through forge's AES-ECB. */
export interface ForgeBlock {
  /** AES_K or AES⁻¹_K of `count` blocks from src[srcOff…] into dst[dstOff…] */
  run(direction: Direction, src: Uint8Array, srcOff: number, dst: Uint8Array, dstOff: number, count: number): void;
}

export function forgeBlock(key: Uint8Array): ForgeBlock {
  // ECB keeps no state between blocks, so one started cipher per direction serves every call:
  // update() turns each whole block in at once into one block out (no finish needed).
  const started: Partial<Record<Direction, ForgeCipher>> = {};
  return {
    run(direction, src, srcOff, dst, dstOff, count) {
      let c = started[direction];
      if (!c) {
        c = started[direction] = create('AES-ECB', direction, key);
        c.start();
      }
      c.update(buffer(src.subarray(srcOff, srcOff + 16 * count)));
      latin1ToBytes(c.output.getBytes(), dst, dstOff);
    }
  };
}
