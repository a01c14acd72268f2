// "Why did decryption fail?" (lesson 6). Given the key, IV and ciphertext as the learner typed
// them, each with the encoding they claim, test the usual causes and rank the ones that fit.
// Every verdict carries its evidence: which blocks decrypt to text-like bytes, what the PKCS#7
// check said (RFC 5652 §6.3), and, where one was found, the reading that does decrypt.
//
// The tell-tales come from CBC decryption itself (SP 800-38A §6.2, Pⱼ = CIPH⁻¹_K(Cⱼ) ⊕ Cⱼ₋₁):
//   a wrong key garbles every block, and then the padding check fails too;
//   a wrong IV only enters P₁, so block 1 is garbage and blocks 2… read fine;
//   IV ‖ C decrypted as if it were C alone makes block 1 garbage and shifts the message by one
//     block, and decrypting C[16:] with IV = C[0:16] succeeds;
//   a ciphertext that is not whole blocks cannot be CBC at all.
// Pure: no randomness and no clock; the planted faults derive their "wrong" values from the good ones.
import { checkKey } from './aes-block';
import {
  bytesToBase64,
  bytesToHex,
  decodeText,
  equalBytes,
  utf8ToBytes,
  type Encoding
} from './bytes';
import { decryptTrace, encryptTrace } from './cbc';
import { CryptoError, IvLengthError } from './errors';
import { BLOCK_SIZE, checkPkcs7, pkcs7Pad, type PaddingCheck } from './pkcs7';

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

export type Cause =
  | 'ok'
  | 'length'
  | 'key-encoding'
  | 'iv-encoding'
  | 'ciphertext-encoding'
  | 'iv-not-stripped'
  | 'wrong-iv'
  | 'bad-padding'
  | 'wrong-key';

export const CAUSES: Cause[] = [
  'ok',
  'wrong-key',
  'wrong-iv',
  'key-encoding',
  'iv-encoding',
  'ciphertext-encoding',
  'iv-not-stripped',
  'length',
  'bad-padding'
];

export const CAUSE_TITLES: Record<Cause, string> = {
  ok: 'Nothing wrong: it decrypts',
  'wrong-key': 'Wrong key',
  'wrong-iv': 'Wrong IV',
  'key-encoding': 'Key typed in the wrong encoding',
  'iv-encoding': 'IV typed in the wrong encoding',
  'ciphertext-encoding': 'Ciphertext in the wrong encoding',
  'iv-not-stripped': 'IV not stripped from the front',
  length: 'Length not a multiple of 16',
  'bad-padding': 'Bad padding'
};

export type Fit = 'fits' | 'possible' | 'ruled-out';

export interface BlockLook {
  index: number;
  /** bytes of the block that count (pad bytes of a valid pad do not) */
  size: number;
  /** how many of them are printable ASCII, white space or part of a valid UTF-8 character */
  textBytes: number;
  text: boolean;
  /** the block as text, with · for bytes that are not */
  preview: string;
}

export type Quality = 'clean' | 'first-block-off' | 'padding-off' | 'garbage';

/** One decryption attempt: what went in and what came out, judged. */
export interface Reading {
  key: Uint8Array;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  padded: Uint8Array;
  padding: PaddingCheck;
  blocks: BlockLook[];
  textBlocks: number;
  /** the unpadded plaintext as text, when the padding is valid and the bytes are UTF-8 */
  plaintext: string | null;
  /** null when nothing was expected */
  matchesExpected: boolean | null;
  quality: Quality;
}

export interface FieldRead {
  bytes: Uint8Array | null;
  error: CryptoError | null;
}

export interface Repair {
  key?: FieldInput;
  iv?: FieldInput;
  ciphertext?: FieldInput;
  padding?: 'none';
  reading: Reading;
}

export interface Verdict {
  cause: Cause;
  title: string;
  fit: Fit;
  /** 0..1, for ranking */
  score: number;
  /** one sentence */
  summary: string;
  evidence: string[];
  repair?: Repair;
}

export interface Diagnosis {
  fields: { key: FieldRead; iv: FieldRead; ciphertext: FieldRead };
  baseline: Reading | null;
  /** every cause, best first */
  verdicts: Verdict[];
  best: Verdict;
}

const ENCODINGS: Encoding[] = ['hex', 'base64', 'utf8'];
const FIELD_NAME: Record<string, string> = { key: 'key', iv: 'IV', ciphertext: 'ciphertext' };
const ENC_NAME: Record<Encoding, string> = { hex: 'hex', base64: 'base64', utf8: 'UTF-8 text' };
/** a random byte is text with p ≈ 0.38, so 14 of 16 happens by chance about once in 16,000 blocks */
const TEXT_SHARE = 0.85;

function read(field: FieldInput, what: string): FieldRead {
  try {
    return { bytes: decodeText(field.text, field.encoding, what), error: null };
  } catch (e) {
    if (e instanceof CryptoError) return { bytes: null, error: e };
    throw e;
  }
}

function tryDecode(text: string, enc: Encoding): Uint8Array | null {
  try {
    return decodeText(text, enc);
  } catch {
    return null;
  }
}

function isKeyLength(n: number): boolean {
  return n === 16 || n === 24 || n === 32;
}

/** Per byte: printable ASCII, \t \n \r, or part of a valid UTF-8 sequence for a character ≥ U+00A0. */
export function textMask(b: Uint8Array): Uint8Array {
  const mask = new Uint8Array(b.length);
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      mask[i] = (c >= 0x20 && c < 0x7f) || c === 9 || c === 10 || c === 13 ? 1 : 0;
      i++;
      continue;
    }
    let need = 0;
    let min = 0;
    if (c >= 0xc2 && c <= 0xdf) [need, min] = [1, 0xa0];
    else if (c >= 0xe0 && c <= 0xef) [need, min] = [2, 0x800];
    else if (c >= 0xf0 && c <= 0xf4) [need, min] = [3, 0x10000];
    let ok = need > 0 && i + need < b.length;
    let cp = c & (0x3f >> need);
    for (let k = 1; ok && k <= need; k++) {
      const x = b[i + k];
      if (x === undefined || (x & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (x & 0x3f);
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
      mask.fill(1, i, i + need + 1);
      i += need + 1;
    } else i++;
  }
  return mask;
}

function preview(b: Uint8Array, mask: Uint8Array, from: number, to: number): string {
  let s = '';
  let i = from;
  const dec = new TextDecoder();
  while (i < to) {
    if (!mask[i]) {
      s += '·';
      i++;
      continue;
    }
    let j = i;
    while (j < to && mask[j]) j++;
    s += dec.decode(b.subarray(i, j)).replace(/[\t\n\r]/g, ' ');
    i = j;
  }
  return s;
}

/** Decrypt and judge. Key, IV and ciphertext must already have valid lengths. */
export function readDecryption(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array, expected?: string): Reading {
  const t = decryptTrace({ key, iv, ciphertext, padding: 'none' });
  const padded = t.padded;
  const padding = checkPkcs7(padded);
  let end = padded.length;
  if (padding.ok) end -= padding.padLength;
  else while (end > 0 && padded[end - 1] === 0 && end > padded.length - BLOCK_SIZE) end--; // zero padding is filler, not garbage
  const mask = textMask(padded.subarray(0, end));
  const blocks: BlockLook[] = [];
  for (let k = 0; k * BLOCK_SIZE < padded.length; k++) {
    const from = k * BLOCK_SIZE;
    const to = Math.min(from + BLOCK_SIZE, end);
    const size = Math.max(0, to - from);
    let textBytes = 0;
    for (let i = from; i < to; i++) textBytes += mask[i];
    blocks.push({
      index: k,
      size,
      textBytes,
      text: size === 0 || textBytes >= Math.ceil(size * TEXT_SHARE),
      preview: size ? preview(padded, mask, from, to) : ''
    });
  }
  const textBlocks = blocks.filter((b) => b.text).length;
  let plaintext: string | null = null;
  if (padding.ok) {
    try {
      plaintext = new TextDecoder('utf-8', { fatal: true }).decode(padded.subarray(0, end));
    } catch {
      plaintext = null;
    }
  }
  const matchesExpected =
    expected === undefined ? null : padding.ok && equalBytes(padded.subarray(0, end), utf8ToBytes(expected));
  let quality: Quality = 'garbage';
  const allText = textBlocks === blocks.length;
  // With the expected plaintext, a wrong IV shows even when P₁ still looks like text (an IV
  // that differs only in low bits flips letters into other letters): only block 1 differs.
  const onlyFirstDiffers = expected !== undefined && !matchesExpected && differsOnlyInFirstBlock(padded, expected);
  if (onlyFirstDiffers) quality = 'first-block-off';
  else if (padding.ok && (matchesExpected ?? allText)) quality = 'clean';
  else if (padding.ok && allText) quality = 'clean';
  else if (blocks.length >= 2 && !blocks[0].text && blocks.slice(1).every((b) => b.text)) quality = 'first-block-off';
  else if (!padding.ok && allText) quality = 'padding-off';
  return { key, iv, ciphertext, padded, padding, blocks, textBlocks, plaintext, matchesExpected, quality };
}

function differsOnlyInFirstBlock(padded: Uint8Array, expected: string): boolean {
  const want = pkcs7Pad(utf8ToBytes(expected));
  if (want.length !== padded.length || want.length < 2 * BLOCK_SIZE) return false;
  let first = false;
  for (let i = 0; i < want.length; i++) {
    if (want[i] === padded[i]) continue;
    if (i >= BLOCK_SIZE) return false;
    first = true;
  }
  return first;
}

/** A title inside a sentence: lower-case first letter, except where it starts with IV. */
function lower(title: string): string {
  return title.startsWith('IV') ? title : title.charAt(0).toLowerCase() + title.slice(1);
}

function good(r: Reading): boolean {
  return r.quality === 'clean' && r.matchesExpected !== false;
}

function describeBlocks(r: Reading): string {
  const n = r.blocks.length;
  const text = r.blocks.filter((b) => b.text).map((b) => b.index + 1);
  if (text.length === 0) return `none of the ${n} block${n === 1 ? '' : 's'} decrypts to text-like bytes`;
  if (text.length === n) return `all ${n} block${n === 1 ? '' : 's'} decrypt to text-like bytes`;
  return `block${text.length === 1 ? '' : 's'} ${text.join(', ')} of ${n} decrypt${text.length === 1 ? 's' : ''} to text-like bytes, block${n - text.length === 1 ? '' : 's'} ${r.blocks
    .filter((b) => !b.text)
    .map((b) => b.index + 1)
    .join(', ')} do${n - text.length === 1 ? 'es' : ''} not`;
}

function describePadding(p: PaddingCheck): string {
  return p.ok ? `the PKCS#7 padding is valid (${p.padLength} byte${p.padLength === 1 ? '' : 's'} of 0x${p.padLength.toString(16).padStart(2, '0')})` : `the PKCS#7 check failed: ${p.message}`;
}

function quote(s: string, max = 60): string {
  return `“${s.length > max ? s.slice(0, max) + '…' : s}”`;
}

interface Attempt {
  keyEnc: Encoding;
  ivSource: Encoding | 'front';
  ctEnc: Encoding;
  /** trailing bytes dropped to reach whole blocks */
  dropped: number;
  reading: Reading;
  causes: Cause[];
}

// Up to 24 readings are tried; past 256 KiB only the reading as typed is, so typing stays responsive.
const MAX_SEARCH_BYTES = 1 << 18;

export function diagnose(input: DiagnoseInput): Diagnosis {
  const fields = {
    key: read(input.key, 'key'),
    iv: read(input.iv, 'iv'),
    ciphertext: read(input.ciphertext, 'ciphertext')
  };
  const { expected } = input;
  if (fields.key.bytes && !fields.key.error) {
    try {
      checkKey(fields.key.bytes);
    } catch (e) {
      fields.key.error = e as CryptoError;
    }
  }
  if (fields.iv.bytes && fields.iv.bytes.length !== BLOCK_SIZE) fields.iv.error = new IvLengthError(fields.iv.bytes.length);

  const keyOk = fields.key.bytes && !fields.key.error ? fields.key.bytes : null;
  const ivOk = fields.iv.bytes && !fields.iv.error ? fields.iv.bytes : null;
  const ct = fields.ciphertext.bytes;
  const ctWhole = ct && ct.length > 0 && ct.length % BLOCK_SIZE === 0 ? ct : null;
  const baseline = keyOk && ivOk && ctWhole ? readDecryption(keyOk, ivOk, ctWhole, expected) : null;

  // Every reading of the three fields: each encoding that gives a usable length, and the IV taken
  // from the front of the ciphertext. A reading that decrypts cleanly names the causes it changed.
  const attempts: Attempt[] = [];
  const keyCands = ENCODINGS.map((e) => [e, tryDecode(input.key.text, e)] as const).filter(
    ([, b]) => b && isKeyLength(b.length)
  ) as [Encoding, Uint8Array][];
  const ivCands = ENCODINGS.map((e) => [e, tryDecode(input.iv.text, e)] as const).filter(
    ([, b]) => b && b.length === BLOCK_SIZE
  ) as [Encoding, Uint8Array][];
  const ctCands = (['hex', 'base64'] as Encoding[])
    .concat(input.ciphertext.encoding === 'utf8' ? ['utf8'] : [])
    .map((e) => [e, tryDecode(input.ciphertext.text, e)] as const)
    .filter(([, b]) => b && b.length > 0 && b.length <= MAX_SEARCH_BYTES) as [Encoding, Uint8Array][];
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
          const causes: Cause[] = [];
          if (keyEnc !== input.key.encoding) causes.push('key-encoding');
          if (ivSource === 'front') causes.push('iv-not-stripped');
          else if (ivSource !== input.iv.encoding) causes.push('iv-encoding');
          if (ctEnc !== input.ciphertext.encoding) causes.push('ciphertext-encoding');
          if (dropped) causes.push('length');
          attempts.push({ keyEnc, ivSource, ctEnc, dropped, reading, causes });
        }
      }
    }
  }
  const fixes = attempts.filter((a) => good(a.reading)).sort((a, b) => a.causes.length - b.causes.length);

  const verdicts = new Map<Cause, Verdict>();
  const put = (cause: Cause, fit: Fit, score: number, summary: string, evidence: string[], repair?: Repair) =>
    verdicts.set(cause, { cause, title: CAUSE_TITLES[cause], fit, score, summary, evidence, repair });

  const repairOf = (a: Attempt): Repair => {
    const r: Repair = { reading: a.reading };
    if (a.causes.includes('key-encoding')) r.key = { text: input.key.text, encoding: a.keyEnc };
    if (a.ivSource === 'front') {
      r.iv = { text: bytesToHex(a.reading.iv), encoding: 'hex' };
      r.ciphertext = { text: bytesToBase64(a.reading.ciphertext), encoding: 'base64' };
    } else if (a.causes.includes('iv-encoding')) r.iv = { text: input.iv.text, encoding: a.ivSource };
    if (a.causes.includes('ciphertext-encoding') && a.ivSource !== 'front') r.ciphertext = { text: input.ciphertext.text, encoding: a.ctEnc };
    if (a.dropped && a.ivSource !== 'front') r.ciphertext = { text: bytesToBase64(a.reading.ciphertext), encoding: 'base64' };
    return r;
  };
  const plainSays = (r: Reading) =>
    r.plaintext !== null ? `it decrypts to ${quote(r.plaintext)}` : `it decrypts with valid padding`;

  // 1. Does it decrypt as typed?
  if (baseline && good(baseline)) {
    put('ok', 'fits', 1, `The input decrypts as typed: ${plainSays(baseline)}.`, [
      describeBlocks(baseline),
      describePadding(baseline.padding),
      ...(baseline.matchesExpected ? ['the plaintext equals what you expected'] : [])
    ]);
    for (const c of CAUSES) {
      if (c !== 'ok') put(c, 'ruled-out', 0, 'Not needed: the input decrypts cleanly as typed.', []);
    }
    return finish(fields, baseline, verdicts);
  }
  const okEvidence: string[] = [];
  if (!baseline) {
    for (const [name, f] of Object.entries(fields)) if (f.error) okEvidence.push(`${name}: ${f.error.message}`);
    if (ct && !ctWhole && !fields.ciphertext.error) okEvidence.push(`the ciphertext is ${ct.length} bytes, not whole 16-byte blocks`);
  } else {
    okEvidence.push(describeBlocks(baseline), describePadding(baseline.padding));
    if (baseline.matchesExpected === false && baseline.quality === 'clean')
      okEvidence.push(`it decrypts cleanly to ${quote(baseline.plaintext ?? '')}, but that is not what you expected`);
  }
  if (baseline && baseline.padding.ok && baseline.quality === 'garbage' && expected === undefined) {
    // Valid padding but no text: right for a binary message, or a 1-in-256 accident of a wrong key.
    put('ok', 'possible', 0.45, 'The padding is valid but the plaintext is not text: fine if your message is binary data.', [
      ...okEvidence,
      'with a wrong key the padding check still passes about 1 time in 256; give the expected plaintext to decide'
    ]);
  } else put('ok', 'ruled-out', 0, 'As typed, the input does not decrypt cleanly.', okEvidence);

  // 2. Readings that fix it by changing how a field is read, or where the IV comes from.
  const single = (cause: Cause) => fixes.find((a) => a.causes.length === 1 && a.causes[0] === cause);
  const combined = (cause: Cause) => fixes.find((a) => a.causes.includes(cause));
  const fieldText: Record<string, FieldInput> = { key: input.key, iv: input.iv, ciphertext: input.ciphertext };
  for (const [cause, field] of [
    ['key-encoding', 'key'],
    ['iv-encoding', 'iv'],
    ['ciphertext-encoding', 'ciphertext']
  ] as const) {
    const claimed = fieldText[field].encoding;
    const hit = single(cause) ?? combined(cause);
    if (hit) {
      const enc = cause === 'key-encoding' ? hit.keyEnc : cause === 'iv-encoding' ? (hit.ivSource as Encoding) : hit.ctEnc;
      const others = hit.causes.filter((c) => c !== cause).map((c) => lower(CAUSE_TITLES[c]));
      const got = fields[field].bytes;
      put(
        cause,
        'fits',
        hit.causes.length === 1 ? 0.95 : 0.9,
        `The ${FIELD_NAME[field]} reads as ${ENC_NAME[enc]}, not ${ENC_NAME[claimed]}: then ${plainSays(hit.reading)}.`,
        [
          fields[field].error
            ? `read as ${ENC_NAME[claimed]}: ${fields[field].error!.message}`
            : `read as ${ENC_NAME[claimed]} the ${FIELD_NAME[field]} is ${got?.length ?? 0} bytes, and the decryption fails`,
          `read as ${ENC_NAME[enc]} it is ${field === 'key' ? hit.reading.key.length : field === 'iv' ? 16 : hit.reading.ciphertext.length} bytes; ${describeBlocks(hit.reading)}`,
          describePadding(hit.reading.padding),
          ...(others.length ? [`together with: ${others.join(', ')}`] : [])
        ],
        repairOf(hit)
      );
    } else {
      const alts = ENCODINGS.filter((e) => e !== claimed)
        .map((e) => [e, tryDecode(fieldText[field].text, e)] as const)
        .filter(([, b]) => b !== null)
        .map(([e, b]) => `as ${ENC_NAME[e]} it is ${b!.length} bytes`);
      const bad = fields[field].error;
      put(
        cause,
        bad ? 'possible' : 'ruled-out',
        bad ? 0.4 : 0,
        bad
          ? `The ${FIELD_NAME[field]} does not read as ${ENC_NAME[claimed]}; no other encoding makes the whole thing decrypt either.`
          : `Reading the ${FIELD_NAME[field]} in another encoding does not help.`,
        [
          bad ? `as ${ENC_NAME[claimed]}: ${bad.message}` : `as ${ENC_NAME[claimed]} it is ${fields[field].bytes?.length ?? 0} bytes`,
          ...(alts.length ? [alts.join('; ')] : [])
        ]
      );
    }
  }

  const front = single('iv-not-stripped') ?? combined('iv-not-stripped');
  if (front) {
    const r = front.reading;
    const ivField = fields.iv.bytes;
    // Decrypting C[16:] with IV = C[0:16] is valid CBC whenever blocks 2… are: a wrong IV passes
    // this test too (it yields P₂…). Only the expected plaintext, the typed IV sitting on the
    // front, or an empty IV field make it the better explanation.
    const sure =
      r.matchesExpected === true || (ivField !== null && equalBytes(ivField, r.iv)) || input.iv.text.trim() === '';
    put(
      'iv-not-stripped',
      sure ? 'fits' : 'possible',
      !sure ? 0.6 : front.causes.length === 1 ? 0.97 : 0.9,
      `The first 16 bytes of the ciphertext are the IV: decrypting the rest with IV = those bytes succeeds, and ${plainSays(r)}.`,
      [
        `ciphertext[0:16] = ${bytesToHex(r.iv)}` + (ivField && equalBytes(ivField, r.iv) ? ' (the IV you typed: it was left on the front as well)' : ''),
        `with it as the IV, ciphertext[16:] (${r.ciphertext.length} bytes): ${describeBlocks(r)}`,
        describePadding(r.padding),
        ...(sure
          ? []
          : ['a wrong IV looks the same (block 1 lost, the rest fine): does your message really start with ' + quote(r.blocks[0]?.preview ?? '') + '? Give the expected plaintext to decide']),
        ...(front.causes.length > 1
          ? [`together with: ${front.causes.filter((c) => c !== 'iv-not-stripped').map((c) => lower(CAUSE_TITLES[c])).join(', ')}`]
          : [])
      ],
      repairOf(front)
    );
  } else {
    put(
      'iv-not-stripped',
      'ruled-out',
      0,
      'Taking the first 16 bytes of the ciphertext as the IV does not help.',
      [ct && ct.length >= 32 ? 'decrypting ciphertext[16:] with IV = ciphertext[0:16] gives no clean plaintext' : `the ciphertext is only ${ct?.length ?? 0} bytes: too short to hold an IV and a block`]
    );
  }

  // 3. Length.
  if (ct && ct.length % BLOCK_SIZE !== 0) {
    const extra = ct.length % BLOCK_SIZE;
    const hit = single('length') ?? combined('length');
    const ev = [`the ciphertext is ${ct.length} bytes = ${Math.floor(ct.length / BLOCK_SIZE)} whole blocks + ${extra} byte${extra === 1 ? '' : 's'}; CBC ciphertext is always whole 16-byte blocks`];
    if (hit) {
      ev.push(`without the last ${extra} byte${extra === 1 ? '' : 's'}, ${plainSays(hit.reading)}: they were extra`);
      put('length', 'fits', 0.95, `${extra} extra byte${extra === 1 ? '' : 's'} at the end: drop them and it decrypts.`, ev, repairOf(hit));
    } else {
      let summary = `The ciphertext was cut short (${BLOCK_SIZE - extra} byte${BLOCK_SIZE - extra === 1 ? '' : 's'} missing) or has ${extra} stray bytes.`;
      if (keyOk && ivOk && ct.length >= BLOCK_SIZE) {
        const whole = readDecryption(keyOk, ivOk, ct.subarray(0, ct.length - extra), expected);
        ev.push(`its first ${whole.blocks.length} whole block${whole.blocks.length === 1 ? '' : 's'}: ${describeBlocks(whole)}`);
        if (whole.textBlocks > 0) summary += ' The whole blocks before the cut decrypt, so key and IV look right.';
      }
      put('length', 'fits', 0.9, summary, ev);
    }
  } else {
    put('length', 'ruled-out', 0, 'The length is fine.', [ct ? `the ciphertext is ${ct.length} bytes = ${ct.length / BLOCK_SIZE} whole blocks` : 'the ciphertext could not be read']);
  }

  // 4. What the decryption as typed looks like: wrong IV, bad padding, wrong key.
  const explained = [...verdicts.values()].some((v) => v.fit === 'fits' && v.score >= 0.9);
  const explainedBy = [...verdicts.values()].filter((v) => v.fit === 'fits' && v.score >= 0.9).map((v) => lower(v.title));
  if (baseline) {
    const ev = [describeBlocks(baseline), describePadding(baseline.padding)];
    // wrong IV: only P₁ depends on the IV (SP 800-38A §6.2)
    if (baseline.quality === 'first-block-off') {
      const repair = ivFromExpected(baseline, expected);
      const evIv = [...ev, 'only P₁ depends on the IV, so an IV mistake garbles block 1 and nothing else'];
      if (repair) evIv.push(`from what you expected, the IV must be ${bytesToHex(repair.reading.iv)} (CIPH⁻¹_K(C₁) ⊕ P₁)`);
      if (explained) evIv.push(`but this pattern is already explained by: ${explainedBy.join(', ')}`);
      put('wrong-iv', explained ? 'possible' : 'fits', explained ? 0.5 : 0.85, 'Only the first block is wrong: the key is right, the IV is not.', evIv, repair ?? undefined);
    } else if (baseline.blocks.length === 1 && baseline.textBlocks === 0) {
      put('wrong-iv', 'possible', 0.3, 'With one block, a wrong IV and a wrong key look the same.', [...ev, 'a second block would tell them apart: a wrong IV leaves it intact']);
    } else {
      put('wrong-iv', 'ruled-out', 0, baseline.blocks.length > 1 && baseline.blocks[0].text ? 'The first block reads fine, so the IV is right.' : 'More than the first block is wrong, so the IV alone cannot explain it.', ev);
    }
    if (baseline.quality === 'padding-off' || (baseline.padding.ok === false && baseline.textBlocks === baseline.blocks.length)) {
      const tail = baseline.padded.subarray(baseline.padded.length - BLOCK_SIZE);
      const hint =
        tail[15] === 0
          ? 'the block ends in 0x00 bytes: the sender used zero padding, not PKCS#7'
          : tail[15] >= 0x20 && tail[15] < 0x7f
            ? 'the last byte is text: the sender used no padding, or the last block was lost'
            : 'the last bytes are not a PKCS#7 pad';
      put(
        'bad-padding',
        explained ? 'possible' : 'fits',
        explained ? 0.5 : 0.85,
        'Every block decrypts to text, but the padding is not PKCS#7: key and IV are right.',
        [...ev, hint, `last block: ${bytesToHex(tail, ' ')}`],
        { padding: 'none', reading: baseline }
      );
    } else if (!baseline.padding.ok) {
      put('bad-padding', 'possible', 0.2, 'The padding check fails, but here it is a symptom: blocks are garbled too.', ev);
    } else {
      put('bad-padding', 'ruled-out', 0, 'The padding is valid.', [describePadding(baseline.padding)]);
    }
    if (baseline.textBlocks === 0 || (baseline.textBlocks <= baseline.blocks.length / 4 && baseline.quality === 'garbage')) {
      const sure = !explained && !baseline.padding.ok;
      put(
        'wrong-key',
        sure ? 'fits' : 'possible',
        sure ? 0.75 : 0.4,
        explained ? 'Everything decrypts to garbage, but another cause already explains it.' : 'Every block is garbage and no other reading helps: the key is wrong (or the ciphertext was made with another key).',
        [...ev, 'a wrong key garbles every block, and then the padding check fails (255 times in 256)', ...(explained ? [`explained by: ${explainedBy.join(', ')}`] : [])]
      );
    } else if (baseline.quality === 'garbage') {
      put('wrong-key', 'possible', 0.3, 'Some blocks read and some do not: not the clean pattern of a wrong key.', ev);
    } else {
      put('wrong-key', 'ruled-out', 0, 'Some blocks decrypt to text, so the key is right.', ev);
    }
  } else {
    const why = 'cannot decrypt as typed, so the blocks cannot be judged';
    put('wrong-iv', 'possible', 0.1, 'Cannot tell until the fields read.', [why]);
    put('bad-padding', 'possible', 0.1, 'Cannot tell until the fields read.', [why]);
    put('wrong-key', 'possible', 0.1, 'Cannot tell until the fields read.', [why]);
  }
  return finish(fields, baseline, verdicts);
}

function ivFromExpected(r: Reading, expected?: string): Repair | null {
  if (expected === undefined) return null;
  const want = utf8ToBytes(expected);
  let p1: Uint8Array;
  if (want.length >= BLOCK_SIZE) p1 = want.subarray(0, BLOCK_SIZE);
  else if (r.blocks.length === 1) {
    p1 = new Uint8Array(BLOCK_SIZE).fill(BLOCK_SIZE - want.length);
    p1.set(want);
  } else return null;
  // P₁ = CIPH⁻¹_K(C₁) ⊕ IV, and CIPH⁻¹_K(C₁) = P'₁ ⊕ IV' for the IV that was used.
  const iv = new Uint8Array(BLOCK_SIZE);
  for (let j = 0; j < BLOCK_SIZE; j++) iv[j] = r.padded[j] ^ r.iv[j] ^ p1[j];
  const reading = readDecryption(r.key, iv, r.ciphertext, expected);
  if (!good(reading)) return null;
  return { iv: { text: bytesToHex(iv), encoding: 'hex' }, reading };
}

function finish(fields: Diagnosis['fields'], baseline: Reading | null, map: Map<Cause, Verdict>): Diagnosis {
  const order = new Map(CAUSES.map((c, i) => [c, i]));
  const verdicts = [...map.values()].sort((a, b) => b.score - a.score || order.get(a.cause)! - order.get(b.cause)!);
  return { fields, baseline, verdicts, best: verdicts[0] };
}

// ——— planted faults ———

export type Fault =
  | 'none'
  | 'wrong-key'
  | 'wrong-iv'
  | 'key-encoding'
  | 'iv-encoding'
  | 'ciphertext-encoding'
  | 'iv-not-stripped'
  | 'length'
  | 'bad-padding';

export const FAULTS: { fault: Fault; label: string; cause: Cause }[] = [
  { fault: 'none', label: 'No mistake (the good example)', cause: 'ok' },
  { fault: 'wrong-key', label: 'Decrypt with another key', cause: 'wrong-key' },
  { fault: 'wrong-iv', label: 'Decrypt with another IV', cause: 'wrong-iv' },
  { fault: 'key-encoding', label: 'Type the hex key as if it were text', cause: 'key-encoding' },
  { fault: 'iv-encoding', label: 'Paste the IV as base64 into a hex field', cause: 'iv-encoding' },
  { fault: 'ciphertext-encoding', label: 'Paste hex ciphertext as base64', cause: 'ciphertext-encoding' },
  { fault: 'iv-not-stripped', label: 'Leave the IV on the front of the ciphertext', cause: 'iv-not-stripped' },
  { fault: 'length', label: 'Cut the last 5 bytes off', cause: 'length' },
  { fault: 'bad-padding', label: 'Encrypt with zero padding instead of PKCS#7', cause: 'bad-padding' }
];

export interface GoodExample {
  key: Uint8Array;
  iv: Uint8Array;
  plaintext: string;
}

/** A diagnoser input with one classic mistake planted in a good encryption of `good`. */
export function plantFault(good: GoodExample, fault: Fault): DiagnoseInput {
  const { key, iv, plaintext } = good;
  const t = encryptTrace({ key, iv, plaintext: utf8ToBytes(plaintext) });
  const hexKey = { text: bytesToHex(key), encoding: 'hex' as const };
  const hexIv = { text: bytesToHex(iv), encoding: 'hex' as const };
  const b64 = (c: Uint8Array) => ({ text: bytesToBase64(c), encoding: 'base64' as const });
  const base: DiagnoseInput = { key: hexKey, iv: hexIv, ciphertext: b64(t.ciphertext), expected: plaintext };
  switch (fault) {
    case 'none':
      return base;
    case 'wrong-key':
      return { ...base, key: { text: bytesToHex(key.map((b, i) => b ^ (0x5a + i))), encoding: 'hex' } };
    case 'wrong-iv':
      return { ...base, iv: { text: bytesToHex(iv.map((b, i) => b ^ (0x33 + 7 * i))), encoding: 'hex' } };
    case 'key-encoding':
      return { ...base, key: { text: bytesToHex(key), encoding: 'utf8' } };
    case 'iv-encoding':
      return { ...base, iv: { text: bytesToBase64(iv), encoding: 'hex' } };
    case 'ciphertext-encoding':
      return { ...base, ciphertext: { text: bytesToHex(t.ciphertext), encoding: 'base64' } };
    case 'iv-not-stripped':
      return { ...base, ciphertext: b64(t.wire.bytes) };
    case 'length':
      return { ...base, ciphertext: b64(t.ciphertext.subarray(0, t.ciphertext.length - 5)) };
    case 'bad-padding': {
      const bytes = utf8ToBytes(plaintext);
      const zero = new Uint8Array(Math.ceil(bytes.length / BLOCK_SIZE) * BLOCK_SIZE || BLOCK_SIZE);
      zero.set(bytes);
      return { ...base, ciphertext: b64(encryptTrace({ key, iv, plaintext: zero, padding: 'none' }).ciphertext) };
    }
  }
}
