// Lesson 6's "What just happened": what the diagnosis found, counted (diagnoseSummaryFacts), then
// worded (diagnoseSummary). Strong phrases are marked (../phrase.ts), so the page renders them
// without parsing.
import type { Cause, Fit } from '../../crypto/diagnose/causes';
import type { TextPhrase as Phrase } from '../phrase';
import { plural } from '../words';
import type { Diagnosis } from './index';
import { CAUSE_TITLES, titleInSentence } from './phrases';

export interface PlantedFault {
  /** the button's label, as FAULTS gives it */
  label: string;
  cause: Cause;
  /** the good example's plaintext the fault was planted in */
  plaintext: string;
}

export interface DiagnoseSummaryFacts {
  planted: (PlantedFault & { best: Cause; bestFit: Fit }) | null;
  asTyped:
    | { state: 'decrypted'; textBlocks: number; blocks: number; paddingOk: boolean }
    | { state: 'unread'; codes: string[] };
  best: { cause: Cause; fit: Fit };
  /** The tested causes (every verdict but 'ok'), split by their fit: each is in exactly one of the
   * three, so the number tested is fitting + possible + ruledOut and nothing else. */
  fitting: Cause[];
  possible: Cause[];
  ruledOut: number;
  /** the best verdict's fix, decrypted again */
  repaired: { textBlocks: number; blocks: number } | null;
}

export function diagnoseSummaryFacts(d: Diagnosis, planted: PlantedFault | null): DiagnoseSummaryFacts {
  const b = d.baseline;
  const codes = [d.fields.key.error, d.fields.iv.error, d.fields.ciphertext.error].flatMap((e) => (e ? [e.code] : []));
  const tested = d.verdicts.filter((v) => v.cause !== 'ok');
  const fix = d.best.repair?.reading;
  return {
    planted: planted && { ...planted, best: d.best.cause, bestFit: d.best.fit },
    asTyped: b
      ? { state: 'decrypted', textBlocks: b.textBlocks, blocks: b.blocks.length, paddingOk: b.padding.ok }
      : { state: 'unread', codes },
    best: { cause: d.best.cause, fit: d.best.fit },
    fitting: tested.filter((v) => v.fit === 'fits').map((v) => v.cause),
    possible: tested.filter((v) => v.fit === 'possible').map((v) => v.cause),
    ruledOut: tested.filter((v) => v.fit === 'ruled-out').length,
    repaired: fix ? { textBlocks: fix.textBlocks, blocks: fix.blocks.length } : null
  };
}

export interface DiagnoseSummary {
  /** only while the fields hold a planted fault, untouched */
  planted: Phrase[] | null;
  main: string;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

function plantedPhrases(p: NonNullable<DiagnoseSummaryFacts['planted']>): Phrase[] {
  const start: Phrase[] = [
    { text: 'You planted ' },
    { text: lowerFirst(p.label), strong: true },
    { text: ` in “${p.plaintext}”. The diagnoser ` }
  ];
  if (p.best === p.cause)
    return [
      ...start,
      { text: 'named it: ' },
      { text: CAUSE_TITLES[p.best], strong: true },
      { text: ` (${p.bestFit === 'fits' ? 'fits' : 'possible'}).` }
    ];
  return [
    ...start,
    { text: 'ranked ' },
    { text: CAUSE_TITLES[p.best], strong: true },
    { text: ` first, not ${CAUSE_TITLES[p.cause]}: read its evidence to see why the two look alike here.` }
  ];
}

const named = (causes: Cause[]): string => (causes.length ? ` (${causes.map(titleInSentence).join(', ')})` : '');

/** "Of N causes tested, a fit (…), b are possible (…) and c are ruled out": N is the sum of the parts. */
export function countSentence(f: Pick<DiagnoseSummaryFacts, 'fitting' | 'possible' | 'ruledOut'>): string {
  const fits = f.fitting.length;
  const possible = f.possible.length;
  const tested = fits + possible + f.ruledOut;
  const parts = [`${fits} ${plural(fits, 'fits', 'fit')}${named(f.fitting)}`];
  if (possible) parts.push(`${possible} ${plural(possible, 'is', 'are')} possible${named(f.possible)}`);
  parts.push(`${f.ruledOut} ${plural(f.ruledOut, 'is', 'are')} ruled out`);
  const list = parts.length === 2 ? parts.join(' and ') : `${parts[0]}, ${parts[1]} and ${parts[2]}`;
  return `Of ${tested} ${plural(tested, 'cause')} tested, ${list}.`;
}

function mainSentences(f: DiagnoseSummaryFacts): string {
  const a = f.asTyped;
  const typed =
    a.state === 'decrypted'
      ? `Decrypted as typed, ${a.textBlocks} of ${a.blocks} ${plural(a.blocks, 'block')} read as text and the padding check ${a.paddingOk ? 'passed' : 'failed'}.`
      : `As typed, it could not even be decrypted: ${a.codes.length ? a.codes.join(', ') : 'the ciphertext is not whole 16-byte blocks'}.`;
  if (f.best.cause === 'ok')
    return `${typed} Nothing needs fixing${f.best.fit === 'fits' ? '' : ' as far as the bytes can tell'}.`;
  let out = `${typed} ${countSentence(f)}`;
  if (f.repaired)
    out += ` The fix was found by decrypting again with it: ${f.repaired.textBlocks} of ${f.repaired.blocks} ${plural(f.repaired.blocks, 'block')} then read as text.`;
  return out;
}

export function diagnoseSummary(f: DiagnoseSummaryFacts): DiagnoseSummary {
  return { planted: f.planted ? plantedPhrases(f.planted) : null, main: mainSentences(f) };
}
