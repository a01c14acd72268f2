// "Why did decryption fail?" (lesson 6), the measuring half. Given the key, IV and ciphertext as
// the learner typed them, each with the encoding they claim, test the usual causes and rank the
// ones that fit. Each finding is data: how well the cause fits, and the facts measured for it
// (which blocks decrypt to text-like bytes, what the PKCS#7 check said, the reading that does
// decrypt). The sentences a learner reads are made from these facts in src/lib/lessons/diagnose.
//
// The tell-tales come from CBC decryption itself (SP 800-38A §6.2, Pⱼ = CIPH⁻¹_K(Cⱼ) ⊕ Cⱼ₋₁):
//   a wrong key garbles every block, and then the padding check fails too;
//   a wrong IV only enters P₁, so block 1 is garbage and blocks 2… read fine;
//   IV ‖ C decrypted as if it were C alone makes block 1 garbage and shifts the message by one
//     block, and decrypting C[16:] with IV = C[0:16] succeeds;
//   a ciphertext that is not whole blocks cannot be CBC at all.
// Pure: no randomness and no clock.
import { equalBytes, type Encoding } from '../bytes';
import { BLOCK_SIZE } from '../pkcs7';
import { CAUSES, type Cause, type Fit } from './causes';
import { ciphertextAsMeant, type AsMeant } from './as-meant';
import type { AsTyped, Facts, MeantLength } from './facts';
import { isGood, readDecryption, type Reading } from './reading';
import {
  ENCODINGS,
  findFixes,
  ivFromExpected,
  readFields,
  repairOf,
  tryDecode,
  type Attempt,
  type DiagnoseInput,
  type FieldName,
  type FieldReads,
  type Repair
} from './search';

export interface Finding {
  cause: Cause;
  fit: Fit;
  /** 0..1, for ranking */
  score: number;
  facts: Facts;
  repair?: Repair;
}

export interface Findings {
  fields: FieldReads;
  baseline: Reading | null;
  /** every cause, best first */
  findings: Finding[];
}

/** What the search found for one cause: a fix that changes only it, or else one that changes it among others. */
export interface FixIndex {
  fixFor(cause: Cause): Attempt | undefined;
  repair(a: Attempt): Repair;
}

export function findCauses(input: DiagnoseInput): Findings {
  const fields = readFields(input);
  const { expected } = input;
  const keyOk = fields.key.bytes && !fields.key.error ? fields.key.bytes : null;
  const ivOk = fields.iv.bytes && !fields.iv.error ? fields.iv.bytes : null;
  const ct = fields.ciphertext.bytes;
  const ctWhole = ct && ct.length > 0 && ct.length % BLOCK_SIZE === 0 ? ct : null;
  const baseline = keyOk && ivOk && ctWhole ? readDecryption(keyOk, ivOk, ctWhole, expected) : null;
  const found = new Map<Cause, Finding>();
  const put = (f: Finding) => found.set(f.cause, f);

  if (baseline && isGood(baseline)) {
    put({ cause: 'ok', fit: 'fits', score: 1, facts: { kind: 'decrypts', reading: baseline } });
    for (const c of CAUSES) if (c !== 'ok') put(notNeeded(c));
    return ranked(fields, baseline, found);
  }
  put(okFinding(fields, baseline, expected));

  const fixes = findFixes(input);
  const index: FixIndex = {
    fixFor: (cause) =>
      fixes.find((a) => a.causes.length === 1 && a.causes[0] === cause) ?? fixes.find((a) => a.causes.includes(cause)),
    repair: (a) => repairOf(input, a)
  };
  const meant = ciphertextAsMeant(input, fixes.find((a) => a.causes.includes('ciphertext-encoding'))?.ctEnc ?? null);
  for (const field of ['key', 'iv', 'ciphertext'] as const)
    put(encodingFinding(input, fields, field, index, field === 'ciphertext' ? meant : null));
  put(frontFinding(input, fields, index));
  put(lengthFinding(input, fields, index, keyOk, ivOk, meant));
  if (baseline) {
    const explained = explainedBy(found);
    put(ivFinding(baseline, explained, expected));
    put(paddingFinding(baseline, explained));
    put(keyFinding(baseline, explained));
  } else {
    // Not readable as typed: a fix that decrypts cleanly shows the key, IV and padding were right
    // all along (only the way the fields were written was wrong); without one, nothing can be judged.
    const fix = [...found.values()].find((f) => f.fit === 'fits' && f.repair && isGood(f.repair.reading));
    for (const cause of ['wrong-iv', 'bad-padding', 'wrong-key'] as const)
      put(
        fix?.repair
          ? {
              cause,
              fit: 'ruled-out',
              score: 0,
              facts: { kind: 'fixed-without', by: fix.cause, reading: fix.repair.reading }
            }
          : { cause, fit: 'possible', score: 0.1, facts: { kind: 'cannot-judge' } }
      );
  }
  return ranked(fields, baseline, found);
}

const notNeeded = (cause: Cause): Finding => ({ cause, fit: 'ruled-out', score: 0, facts: { kind: 'not-needed' } });

/** The causes already found to explain the failure on their own: a fitting fix that decrypts. */
function explainedBy(found: Map<Cause, Finding>): Cause[] {
  return [...found.values()].filter((f) => f.fit === 'fits' && f.score >= 0.9).map((f) => f.cause);
}

function okFinding(fields: FieldReads, baseline: Reading | null, expected: string | undefined): Finding {
  const ct = fields.ciphertext.bytes;
  const wholeBlocks = ct !== null && ct.length > 0 && ct.length % BLOCK_SIZE === 0;
  const asTyped: AsTyped = baseline
    ? {
        kind: 'read',
        reading: baseline,
        cleanButUnexpected: baseline.matchesExpected === false && baseline.quality === 'clean'
      }
    : {
        kind: 'unread',
        errors: (['key', 'iv', 'ciphertext'] as const).flatMap((field) => {
          const error = fields[field].error;
          return error ? [{ field, error }] : [];
        }),
        notWholeBlocks: ct && !wholeBlocks && !fields.ciphertext.error ? ct.length : null
      };
  // Valid padding but no text: right for a binary message, or a 1-in-256 accident of a wrong key.
  if (baseline && baseline.padding.ok && baseline.quality === 'garbage' && expected === undefined)
    return { cause: 'ok', fit: 'possible', score: 0.45, facts: { kind: 'binary', asTyped } };
  return { cause: 'ok', fit: 'ruled-out', score: 0, facts: { kind: 'does-not-decrypt', asTyped } };
}

const ENCODING_CAUSE = { key: 'key-encoding', iv: 'iv-encoding', ciphertext: 'ciphertext-encoding' } as const;

function encodingFinding(
  input: DiagnoseInput,
  fields: FieldReads,
  field: FieldName,
  index: FixIndex,
  meant: AsMeant | null
): Finding {
  const cause = ENCODING_CAUSE[field];
  const claimed = input[field].encoding;
  const claimedError = fields[field].error;
  const claimedLength = fields[field].bytes?.length ?? 0;
  const hit = index.fixFor(cause);
  if (hit) {
    const found = field === 'key' ? hit.keyEnc : field === 'iv' ? (hit.ivSource as Encoding) : hit.ctEnc;
    const foundLength =
      field === 'key' ? hit.reading.key.length : field === 'iv' ? BLOCK_SIZE : hit.reading.ciphertext.length;
    return {
      cause,
      fit: 'fits',
      score: hit.causes.length === 1 ? 0.95 : 0.9,
      facts: {
        kind: 'other-encoding',
        field,
        claimed,
        found,
        claimedError,
        claimedLength,
        foundLength,
        reading: hit.reading,
        alongWith: hit.causes.filter((c) => c !== cause)
      },
      repair: index.repair(hit)
    };
  }
  // Hex in a base64 field, by its alphabet alone: the encoding is wrong, though something else
  // keeps it from decrypting too (no reading in hex decrypts).
  if (meant?.why === 'alphabet')
    return {
      cause,
      fit: 'possible',
      score: 0.6,
      facts: {
        kind: 'alphabet-of',
        field,
        claimed,
        found: meant.encoding,
        claimedLength,
        foundLength: meant.bytes.length
      }
    };
  const alternatives = ENCODINGS.filter((e) => e !== claimed).flatMap((encoding) => {
    const bytes = tryDecode(input[field].text, encoding);
    return bytes ? [{ encoding, length: bytes.length }] : [];
  });
  return {
    cause,
    fit: claimedError ? 'possible' : 'ruled-out',
    score: claimedError ? 0.4 : 0,
    facts: { kind: 'no-other-encoding', field, claimed, claimedError, claimedLength, alternatives }
  };
}

function frontFinding(input: DiagnoseInput, fields: FieldReads, index: FixIndex): Finding {
  const front = index.fixFor('iv-not-stripped');
  const ct = fields.ciphertext.bytes;
  if (!front) {
    const tooShort = !(ct && ct.length >= 2 * BLOCK_SIZE);
    return {
      cause: 'iv-not-stripped',
      fit: 'ruled-out',
      score: 0,
      facts: { kind: 'no-iv-on-front', ctLength: ct?.length ?? 0, tooShort }
    };
  }
  const r = front.reading;
  const typedIvOnFront = fields.iv.bytes !== null && equalBytes(fields.iv.bytes, r.iv);
  // Decrypting C[16:] with IV = C[0:16] is valid CBC whenever blocks 2… are: a wrong IV passes
  // this test too (it yields P₂…). Only the expected plaintext, the typed IV sitting on the
  // front, or an empty IV field make it the better explanation.
  const sure = r.matchesExpected === true || typedIvOnFront || input.iv.text.trim() === '';
  return {
    cause: 'iv-not-stripped',
    fit: sure ? 'fits' : 'possible',
    score: !sure ? 0.6 : front.causes.length === 1 ? 0.97 : 0.9,
    facts: {
      kind: 'iv-on-front',
      reading: r,
      sure,
      typedIvOnFront,
      alongWith: front.causes.filter((c) => c !== 'iv-not-stripped')
    },
    repair: index.repair(front)
  };
}

function lengthFinding(
  input: DiagnoseInput,
  fields: FieldReads,
  index: FixIndex,
  keyOk: Uint8Array | null,
  ivOk: Uint8Array | null,
  meant: AsMeant | null
): Finding {
  // Judged on the bytes as meant: hex read as base64 is 3/4 of its length, whole blocks or not
  // by accident.
  const typed = fields.ciphertext.bytes;
  const ct = meant?.bytes ?? typed;
  const asMeant: MeantLength | null = meant && {
    encoding: meant.encoding,
    claimed: input.ciphertext.encoding,
    claimedLength: typed?.length ?? null,
    why: meant.why
  };
  if (!ct)
    return {
      cause: 'length',
      fit: 'possible',
      score: 0.1,
      facts: { kind: 'length-unread', claimed: input.ciphertext.encoding }
    };
  if (ct.length % BLOCK_SIZE === 0)
    return {
      cause: 'length',
      fit: 'ruled-out',
      score: 0,
      facts: { kind: 'whole-blocks', ctLength: ct.length, asMeant }
    };
  const extra = ct.length % BLOCK_SIZE;
  const hit = index.fixFor('length');
  if (hit)
    return {
      cause: 'length',
      fit: 'fits',
      score: 0.95,
      facts: { kind: 'extra-bytes', ctLength: ct.length, extra, reading: hit.reading, asMeant },
      repair: index.repair(hit)
    };
  const whole =
    keyOk && ivOk && ct.length >= BLOCK_SIZE
      ? readDecryption(keyOk, ivOk, ct.subarray(0, ct.length - extra), input.expected)
      : null;
  return {
    cause: 'length',
    fit: 'fits',
    score: 0.9,
    facts: {
      kind: 'cut-short',
      ctLength: ct.length,
      asMeant,
      extra,
      whole,
      keyAndIvLookRight: whole !== null && whole.textBlocks > 0
    }
  };
}

// Only P₁ depends on the IV (SP 800-38A §6.2).
function ivFinding(baseline: Reading, explained: Cause[], expected: string | undefined): Finding {
  const cause = 'wrong-iv';
  if (baseline.quality === 'first-block-off') {
    const repair = ivFromExpected(baseline, expected);
    const sure = explained.length === 0;
    return {
      cause,
      fit: sure ? 'fits' : 'possible',
      score: sure ? 0.85 : 0.5,
      facts: {
        kind: 'first-block-off',
        reading: baseline,
        recoveredIv: repair?.reading.iv ?? null,
        explainedBy: explained
      },
      repair: repair ?? undefined
    };
  }
  if (baseline.blocks.length === 1 && baseline.textBlocks === 0)
    return { cause, fit: 'possible', score: 0.3, facts: { kind: 'one-block', reading: baseline } };
  const firstReads = baseline.blocks.length > 1 && baseline.blocks[0].text;
  return {
    cause,
    fit: 'ruled-out',
    score: 0,
    facts: { kind: firstReads ? 'first-block-reads' : 'more-than-first-block', reading: baseline }
  };
}

function paddingFinding(baseline: Reading, explained: Cause[]): Finding {
  const cause = 'bad-padding';
  if (
    baseline.quality === 'padding-off' ||
    (baseline.padding.ok === false && baseline.textBlocks === baseline.blocks.length)
  ) {
    const lastBlock = baseline.padded.subarray(baseline.padded.length - BLOCK_SIZE);
    const last = lastBlock[BLOCK_SIZE - 1];
    const lastByte = last === 0 ? 'zero' : last >= 0x20 && last < 0x7f ? 'text' : 'other';
    const sure = explained.length === 0;
    return {
      cause,
      fit: sure ? 'fits' : 'possible',
      score: sure ? 0.85 : 0.5,
      facts: { kind: 'not-pkcs7', reading: baseline, lastBlock, lastByte },
      repair: { padding: 'none', reading: baseline }
    };
  }
  if (!baseline.padding.ok)
    return { cause, fit: 'possible', score: 0.2, facts: { kind: 'padding-symptom', reading: baseline } };
  return { cause, fit: 'ruled-out', score: 0, facts: { kind: 'padding-valid', reading: baseline } };
}

function keyFinding(baseline: Reading, explained: Cause[]): Finding {
  const cause = 'wrong-key';
  if (
    baseline.textBlocks === 0 ||
    (baseline.textBlocks <= baseline.blocks.length / 4 && baseline.quality === 'garbage')
  ) {
    const sure = explained.length === 0 && !baseline.padding.ok;
    return {
      cause,
      fit: sure ? 'fits' : 'possible',
      score: sure ? 0.75 : 0.4,
      facts: { kind: 'all-garbage', reading: baseline, explainedBy: explained }
    };
  }
  if (baseline.quality === 'garbage')
    return { cause, fit: 'possible', score: 0.3, facts: { kind: 'some-garbage', reading: baseline } };
  return { cause, fit: 'ruled-out', score: 0, facts: { kind: 'some-text', reading: baseline } };
}

function ranked(fields: FieldReads, baseline: Reading | null, found: Map<Cause, Finding>): Findings {
  const order = new Map(CAUSES.map((c, i) => [c, i]));
  const findings = [...found.values()].sort((a, b) => b.score - a.score || order.get(a.cause)! - order.get(b.cause)!);
  return { fields, baseline, findings };
}
