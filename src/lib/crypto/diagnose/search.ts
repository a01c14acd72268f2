// Every reading of the three fields the learner typed: each encoding that gives a usable length,
// the IV taken from the front of the ciphertext, and trailing bytes dropped to reach whole blocks.
// A reading that decrypts cleanly is a fix, and names the causes it changed.
import { checkKey } from '../aes-block';
import { bytesToBase64, bytesToHex, decodeText, utf8ToBytes, type Encoding } from '../bytes';
import { CryptoError, IvLengthError } from '../errors';
import { isAesKeyLength } from '../key-length';
import { BLOCK_SIZE } from '../pkcs7';
import type { Cause } from './causes';
import { isGood, readDecryption, type Reading } from './reading';

export interface FieldInput {
  text: string;
  encoding: Encoding;
}

export interface DiagnoseInput {
  key: FieldInput;
  iv: FieldInput;
  ciphertext: FieldInput;
  /** the plaintext the learner expected, if they know it (UTF-8) */
  expected?: string;
}

export type FieldName = 'key' | 'iv' | 'ciphertext';

export interface FieldRead {
  bytes: Uint8Array | null;
  error: CryptoError | null;
}

export type FieldReads = Record<FieldName, FieldRead>;

export interface Repair {
  key?: FieldInput;
  iv?: FieldInput;
  ciphertext?: FieldInput;
  padding?: 'none';
  reading: Reading;
}

export interface Attempt {
  keyEnc: Encoding;
  ivSource: Encoding | 'front';
  ctEnc: Encoding;
  /** trailing bytes dropped to reach whole blocks */
  dropped: number;
  reading: Reading;
  causes: Cause[];
}

export const ENCODINGS: Encoding[] = ['hex', 'base64', 'utf8'];

// Up to 24 readings are tried; past 256 KiB only the reading as typed is, so typing stays responsive.
const MAX_SEARCH_BYTES = 1 << 18;

function read(field: FieldInput, what: string): FieldRead {
  try {
    return { bytes: decodeText(field.text, field.encoding, what), error: null };
  } catch (e) {
    if (e instanceof CryptoError) return { bytes: null, error: e };
    throw e;
  }
}

export function tryDecode(text: string, enc: Encoding): Uint8Array | null {
  try {
    return decodeText(text, enc);
  } catch {
    return null;
  }
}

/** The fields as typed, with the key and IV length checks of SP 800-38A §6.2 and FIPS-197 §5. */
export function readFields(input: DiagnoseInput): FieldReads {
  const fields = {
    key: read(input.key, 'key'),
    iv: read(input.iv, 'iv'),
    ciphertext: read(input.ciphertext, 'ciphertext')
  };
  if (fields.key.bytes && !fields.key.error) {
    try {
      checkKey(fields.key.bytes);
    } catch (e) {
      fields.key.error = e as CryptoError;
    }
  }
  if (fields.iv.bytes && fields.iv.bytes.length !== BLOCK_SIZE)
    fields.iv.error = new IvLengthError(fields.iv.bytes.length);
  return fields;
}

function candidates(text: string, encodings: Encoding[], fits: (b: Uint8Array) => boolean): [Encoding, Uint8Array][] {
  return encodings.map((e) => [e, tryDecode(text, e)] as const).filter(([, b]) => b && fits(b)) as [
    Encoding,
    Uint8Array
  ][];
}

function causesOf(
  input: DiagnoseInput,
  keyEnc: Encoding,
  ivSource: Encoding | 'front',
  ctEnc: Encoding,
  dropped: number
): Cause[] {
  const causes: Cause[] = [];
  if (keyEnc !== input.key.encoding) causes.push('key-encoding');
  if (ivSource === 'front') causes.push('iv-not-stripped');
  else if (ivSource !== input.iv.encoding) causes.push('iv-encoding');
  if (ctEnc !== input.ciphertext.encoding) causes.push('ciphertext-encoding');
  if (dropped) causes.push('length');
  return causes;
}

/** Every reading of the fields that has valid lengths, tried. */
export function tryReadings(input: DiagnoseInput): Attempt[] {
  const { expected } = input;
  const attempts: Attempt[] = [];
  const keyCands = candidates(input.key.text, ENCODINGS, (b) => isAesKeyLength(b.length));
  const ivCands = candidates(input.iv.text, ENCODINGS, (b) => b.length === BLOCK_SIZE);
  const ctEncodings: Encoding[] = [
    'hex',
    'base64',
    ...(input.ciphertext.encoding === 'utf8' ? (['utf8'] as const) : [])
  ];
  const ctCands = candidates(input.ciphertext.text, ctEncodings, (b) => b.length > 0 && b.length <= MAX_SEARCH_BYTES);
  const seenKey = new Set<string>();
  for (const [keyEnc, key] of keyCands) {
    const kh = bytesToHex(key);
    if (seenKey.has(kh)) continue;
    seenKey.add(kh);
    for (const [ctEnc, c0] of ctCands) {
      for (const dropped of [0, c0.length % BLOCK_SIZE].filter((d, i, a) => a.indexOf(d) === i)) {
        const c = dropped ? c0.subarray(0, c0.length - dropped) : c0;
        const sources: [Encoding | 'front', Uint8Array, Uint8Array][] = ivCands.map(([e, iv]) => [e, iv, c]);
        if (c.length >= 2 * BLOCK_SIZE) sources.push(['front', c.subarray(0, BLOCK_SIZE), c.subarray(BLOCK_SIZE)]);
        for (const [ivSource, iv, body] of sources) {
          if (body.length === 0 || body.length % BLOCK_SIZE !== 0) continue;
          const reading = readDecryption(key, iv, body, expected);
          attempts.push({
            keyEnc,
            ivSource,
            ctEnc,
            dropped,
            reading,
            causes: causesOf(input, keyEnc, ivSource, ctEnc, dropped)
          });
        }
      }
    }
  }
  return attempts;
}

/** The attempts that decrypt cleanly, fewest changes first. */
export function findFixes(input: DiagnoseInput): Attempt[] {
  return tryReadings(input)
    .filter((a) => isGood(a.reading))
    .sort((a, b) => a.causes.length - b.causes.length);
}

/** What the learner would type instead, for a fixing attempt. */
export function repairOf(input: DiagnoseInput, a: Attempt): Repair {
  const r: Repair = { reading: a.reading };
  if (a.causes.includes('key-encoding')) r.key = { text: input.key.text, encoding: a.keyEnc };
  if (a.ivSource === 'front') {
    r.iv = { text: bytesToHex(a.reading.iv), encoding: 'hex' };
    r.ciphertext = { text: bytesToBase64(a.reading.ciphertext), encoding: 'base64' };
  } else if (a.causes.includes('iv-encoding')) r.iv = { text: input.iv.text, encoding: a.ivSource };
  if (a.causes.includes('ciphertext-encoding') && a.ivSource !== 'front')
    r.ciphertext = { text: input.ciphertext.text, encoding: a.ctEnc };
  if (a.dropped && a.ivSource !== 'front')
    r.ciphertext = { text: bytesToBase64(a.reading.ciphertext), encoding: 'base64' };
  return r;
}

/** The IV that turns P₁ into the expected first block, if the expected plaintext gives one. */
export function ivFromExpected(r: Reading, expected?: string): Repair | null {
  if (expected === undefined) return null;
  const want = utf8ToBytes(expected);
  let p1: Uint8Array;
  if (want.length >= BLOCK_SIZE) p1 = want.subarray(0, BLOCK_SIZE);
  else if (r.blocks.length === 1) {
    // one block: P₁ is the whole message with its PKCS#7 pad (RFC 5652 §6.3)
    p1 = new Uint8Array(BLOCK_SIZE).fill(BLOCK_SIZE - want.length);
    p1.set(want);
  } else return null;
  // P₁ = CIPH⁻¹_K(C₁) ⊕ IV, and CIPH⁻¹_K(C₁) = P'₁ ⊕ IV' for the IV that was used.
  const iv = new Uint8Array(BLOCK_SIZE);
  for (let j = 0; j < BLOCK_SIZE; j++) iv[j] = r.padded[j] ^ r.iv[j] ^ p1[j];
  const reading = readDecryption(r.key, iv, r.ciphertext, expected);
  if (!isGood(reading)) return null;
  return { iv: { text: bytesToHex(iv), encoding: 'hex' }, reading };
}
