// A finding of the diagnoser, in words: one summary sentence and the evidence lines, each made
// from the finding's own facts (src/lib/crypto/diagnose/facts.ts) and claiming nothing else.
import { bytesToHex } from '../../crypto/bytes';
import type { Cause } from '../../crypto/diagnose/causes';
import type { AsTyped, Facts, MeantLength } from '../../crypto/diagnose/facts';
import type { Reading } from '../../crypto/diagnose/reading';
import { BLOCK_SIZE } from '../../crypto/pkcs7';
import { plural } from '../words';
import {
  causeList,
  describeBlocks,
  describePadding,
  ENC_NAME,
  FIELD_NAME,
  plainSays,
  quote,
  titleInSentence
} from './phrases';

export interface Words {
  /** one sentence */
  summary: string;
  evidence: string[];
}

type Of<K extends Facts['kind']> = Extract<Facts, { kind: K }>;

const together = (causes: Cause[]): string[] => (causes.length ? [`together with: ${causeList(causes)}`] : []);

function asTypedEvidence(t: AsTyped): string[] {
  if (t.kind === 'unread') {
    // each message names its field already ("iv: expected 16 bytes …")
    const lines = t.errors.map(({ error }) => error.message);
    if (t.notWholeBlocks !== null) lines.push(`the ciphertext is ${t.notWholeBlocks} bytes, not whole 16-byte blocks`);
    return lines;
  }
  const lines = [describeBlocks(t.reading), describePadding(t.reading.padding)];
  if (t.cleanButUnexpected)
    lines.push(`it decrypts cleanly to ${quote(t.reading.plaintext ?? '')}, but that is not what you expected`);
  return lines;
}

function okWords(f: Of<'decrypts' | 'binary' | 'does-not-decrypt'>): Words {
  switch (f.kind) {
    case 'decrypts':
      return {
        summary: `The input decrypts as typed: ${plainSays(f.reading)}.`,
        evidence: [
          describeBlocks(f.reading),
          describePadding(f.reading.padding),
          ...(f.reading.matchesExpected ? ['the plaintext equals what you expected'] : [])
        ]
      };
    case 'binary':
      return {
        summary: 'The padding is valid but the plaintext is not text: fine if your message is binary data.',
        evidence: [
          ...asTypedEvidence(f.asTyped),
          'with a wrong key the padding check still passes about 1 time in 256; give the expected plaintext to decide'
        ]
      };
    case 'does-not-decrypt':
      return { summary: 'As typed, the input does not decrypt cleanly.', evidence: asTypedEvidence(f.asTyped) };
  }
}

function encodingWords(f: Of<'other-encoding' | 'alphabet-of' | 'no-other-encoding'>): Words {
  const name = FIELD_NAME[f.field];
  const claimed = ENC_NAME[f.claimed];
  if (f.kind === 'alphabet-of') {
    const found = ENC_NAME[f.found];
    return {
      summary: `The ${name} is ${found}, not ${claimed}: it uses only ${found} digits. Read as ${found} it still does not decrypt, so something else is wrong as well.`,
      evidence: [
        `read as ${claimed} the ${name} is ${f.claimedLength} bytes; read as ${found} it is ${f.foundLength} bytes`,
        `no reading of the ${name} as ${found} decrypts with the key and IV as typed`
      ]
    };
  }
  if (f.kind === 'other-encoding') {
    return {
      summary: `The ${name} reads as ${ENC_NAME[f.found]}, not ${claimed}: then ${plainSays(f.reading)}.`,
      evidence: [
        f.claimedError
          ? `read as ${claimed}: ${f.claimedError.message}`
          : `read as ${claimed} the ${name} is ${f.claimedLength} bytes, and the decryption fails`,
        `read as ${ENC_NAME[f.found]} it is ${f.foundLength} bytes; ${describeBlocks(f.reading)}`,
        describePadding(f.reading.padding),
        ...together(f.alongWith)
      ]
    };
  }
  const alternatives = f.alternatives.map((a) => `as ${ENC_NAME[a.encoding]} it is ${a.length} bytes`);
  return {
    summary: f.claimedError
      ? `The ${name} does not read as ${claimed}; no other encoding makes the whole thing decrypt either.`
      : `Reading the ${name} in another encoding does not help.`,
    evidence: [
      f.claimedError ? `as ${claimed}: ${f.claimedError.message}` : `as ${claimed} it is ${f.claimedLength} bytes`,
      ...(alternatives.length ? [alternatives.join('; ')] : [])
    ]
  };
}

function frontWords(f: Of<'iv-on-front' | 'no-iv-on-front'>): Words {
  if (f.kind === 'no-iv-on-front') {
    return {
      summary: 'Taking the first 16 bytes of the ciphertext as the IV does not help.',
      evidence: [
        f.tooShort
          ? `the ciphertext is only ${f.ctLength} bytes: too short to hold an IV and a block`
          : 'decrypting ciphertext[16:] with IV = ciphertext[0:16] gives no clean plaintext'
      ]
    };
  }
  const r = f.reading;
  const doubt = `a wrong IV looks the same (block 1 lost, the rest fine): does your message really start with ${quote(r.blocks[0]?.preview ?? '')}? Give the expected plaintext to decide`;
  return {
    summary: `The first 16 bytes of the ciphertext are the IV: decrypting the rest with IV = those bytes succeeds, and ${plainSays(r)}.`,
    evidence: [
      `ciphertext[0:16] = ${bytesToHex(r.iv)}` +
        (f.typedIvOnFront ? ' (the IV you typed: it was left on the front as well)' : ''),
      `with it as the IV, ciphertext[16:] (${r.ciphertext.length} bytes): ${describeBlocks(r)}`,
      describePadding(r.padding),
      ...(f.sure ? [] : [doubt]),
      ...together(f.alongWith)
    ]
  };
}

/** "read as hex (not base64, as typed)": where the length was measured, when not as claimed. */
function meantNote(m: MeantLength | null): string {
  if (!m) return '';
  const typed = m.claimedLength === null ? 'does not decode' : `would be ${m.claimedLength} bytes`;
  return ` read as ${ENC_NAME[m.encoding]}, as it was meant (as ${ENC_NAME[m.claimed]}, as typed, it ${typed})`;
}

function lengthWords(f: Of<'extra-bytes' | 'cut-short' | 'whole-blocks' | 'length-unread'>): Words {
  if (f.kind === 'length-unread') {
    return {
      summary: `Cannot tell: the ciphertext does not read as ${ENC_NAME[f.claimed]}, nor in any encoding that decrypts.`,
      evidence: ['without its bytes, its length in bytes is unknown']
    };
  }
  const where = f.asMeant ? `,${meantNote(f.asMeant)},` : '';
  if (f.kind === 'whole-blocks') {
    const n = f.ctLength / BLOCK_SIZE;
    return {
      summary: f.asMeant
        ? `The length is fine once the ciphertext is read as ${ENC_NAME[f.asMeant.encoding]}.`
        : 'The length is fine.',
      evidence: [`the ciphertext${where} is ${f.ctLength} bytes = ${n} whole ${plural(n, 'block')}`]
    };
  }
  const extra = `${f.extra} ${plural(f.extra, 'byte')}`;
  const evidence = [
    `the ciphertext${where} is ${f.ctLength} bytes = ${Math.floor(f.ctLength / BLOCK_SIZE)} whole blocks + ${extra}; CBC ciphertext is always whole 16-byte blocks`
  ];
  if (f.kind === 'extra-bytes') {
    evidence.push(`without the last ${extra}, ${plainSays(f.reading)}: they were extra`);
    return { summary: `${f.extra} extra ${plural(f.extra, 'byte')} at the end: drop them and it decrypts.`, evidence };
  }
  const missing = BLOCK_SIZE - f.extra;
  let summary = `The ciphertext was cut short (${missing} ${plural(missing, 'byte')} missing) or has ${f.extra} stray bytes.`;
  if (f.whole) {
    const n = f.whole.blocks.length;
    evidence.push(`its first ${n} whole ${plural(n, 'block')}: ${describeBlocks(f.whole)}`);
  }
  if (f.keyAndIvLookRight) summary += ' The whole blocks before the cut decrypt, so key and IV look right.';
  return { summary, evidence };
}

const asTypedLines = (f: { reading: Reading }): string[] => [
  describeBlocks(f.reading),
  describePadding(f.reading.padding)
];

function ivWords(f: Of<'first-block-off' | 'one-block' | 'first-block-reads' | 'more-than-first-block'>): Words {
  const ev = asTypedLines(f);
  switch (f.kind) {
    case 'first-block-off': {
      ev.push('only P₁ depends on the IV, so an IV mistake garbles block 1 and nothing else');
      if (f.recoveredIv)
        ev.push(`from what you expected, the IV must be ${bytesToHex(f.recoveredIv)} (CIPH⁻¹_K(C₁) ⊕ P₁)`);
      if (f.explainedBy.length) ev.push(`but this pattern is already explained by: ${causeList(f.explainedBy)}`);
      return { summary: 'Only the first block is wrong: the key is right, the IV is not.', evidence: ev };
    }
    case 'one-block':
      return {
        summary: 'With one block, a wrong IV and a wrong key look the same.',
        evidence: [...ev, 'a second block would tell them apart: a wrong IV leaves it intact']
      };
    case 'first-block-reads':
      return { summary: 'The first block reads fine, so the IV is right.', evidence: ev };
    case 'more-than-first-block':
      return { summary: 'More than the first block is wrong, so the IV alone cannot explain it.', evidence: ev };
  }
}

const LAST_BYTE_HINT: Record<Of<'not-pkcs7'>['lastByte'], string> = {
  zero: 'the block ends in 0x00 bytes: the sender used zero padding, not PKCS#7',
  text: 'the last byte is text: the sender used no padding, or the last block was lost',
  other: 'the last bytes are not a PKCS#7 pad'
};

function paddingWords(f: Of<'not-pkcs7' | 'padding-symptom' | 'padding-valid'>): Words {
  switch (f.kind) {
    case 'not-pkcs7':
      return {
        summary: 'Every block decrypts to text, but the padding is not PKCS#7: key and IV are right.',
        evidence: [...asTypedLines(f), LAST_BYTE_HINT[f.lastByte], `last block: ${bytesToHex(f.lastBlock, ' ')}`]
      };
    case 'padding-symptom':
      return {
        summary: 'The padding check fails, but here it is a symptom: blocks are garbled too.',
        evidence: asTypedLines(f)
      };
    case 'padding-valid':
      return { summary: 'The padding is valid.', evidence: [describePadding(f.reading.padding)] };
  }
}

function keyWords(f: Of<'all-garbage' | 'some-garbage' | 'some-text'>): Words {
  switch (f.kind) {
    case 'all-garbage': {
      const explained = f.explainedBy.length > 0;
      return {
        summary: explained
          ? 'Everything decrypts to garbage, but another cause already explains it.'
          : 'Every block is garbage and no other reading helps: the key is wrong (or the ciphertext was made with another key).',
        evidence: [
          ...asTypedLines(f),
          'a wrong key garbles every block, and then the padding check fails (255 times in 256)',
          ...(explained ? [`explained by: ${causeList(f.explainedBy)}`] : [])
        ]
      };
    }
    case 'some-garbage':
      return {
        summary: 'Some blocks read and some do not: not the clean pattern of a wrong key.',
        evidence: asTypedLines(f)
      };
    case 'some-text':
      return { summary: 'Some blocks decrypt to text, so the key is right.', evidence: asTypedLines(f) };
  }
}

/** The words for one finding's facts. */
export function words(f: Facts): Words {
  switch (f.kind) {
    case 'not-needed':
      return { summary: 'Not needed: the input decrypts cleanly as typed.', evidence: [] };
    case 'cannot-judge':
      return {
        summary: 'Cannot tell until the fields read.',
        evidence: ['cannot decrypt as typed, so the blocks cannot be judged']
      };
    case 'fixed-without':
      return {
        summary: `Not the problem: the fix for ${titleInSentence(f.by)} alone decrypts cleanly, without touching this.`,
        evidence: [`with that fix: ${describeBlocks(f.reading)}`, describePadding(f.reading.padding)]
      };
    case 'decrypts':
    case 'binary':
    case 'does-not-decrypt':
      return okWords(f);
    case 'other-encoding':
    case 'alphabet-of':
    case 'no-other-encoding':
      return encodingWords(f);
    case 'iv-on-front':
    case 'no-iv-on-front':
      return frontWords(f);
    case 'extra-bytes':
    case 'cut-short':
    case 'whole-blocks':
    case 'length-unread':
      return lengthWords(f);
    case 'first-block-off':
    case 'one-block':
    case 'first-block-reads':
    case 'more-than-first-block':
      return ivWords(f);
    case 'not-pkcs7':
    case 'padding-symptom':
    case 'padding-valid':
      return paddingWords(f);
    case 'all-garbage':
    case 'some-garbage':
    case 'some-text':
      return keyWords(f);
  }
}
