// Lesson 6, "Why did decryption fail?": the diagnoser's findings (src/lib/crypto/diagnose) put
// into the verdicts a learner reads. Ranking, fit and every measured number come from the
// findings; this module only words them.
import { findCauses, type Finding } from '../../crypto/diagnose/findings';
import { FAULT_CAUSES, type Fault } from '../../crypto/diagnose/plant';
import type { Cause, Fit } from '../../crypto/diagnose/causes';
import type { Reading } from '../../crypto/diagnose/reading';
import type { DiagnoseInput, FieldReads, Repair } from '../../crypto/diagnose/search';
import { CAUSE_TITLES } from './phrases';
import { words } from './verdicts';

export { CAUSE_TITLES } from './phrases';
export { CAUSES, type Cause, type Fit } from '../../crypto/diagnose/causes';
export { readDecryption, type BlockLook, type Quality, type Reading } from '../../crypto/diagnose/reading';
export { plantFault, type Fault, type GoodExample } from '../../crypto/diagnose/plant';
export { textMask } from '../../crypto/diagnose/text-mask';
export type { DiagnoseInput, FieldInput, FieldRead, Repair } from '../../crypto/diagnose/search';

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
  fields: FieldReads;
  baseline: Reading | null;
  /** every cause, best first */
  verdicts: Verdict[];
  best: Verdict;
}

const FAULT_LABELS: Record<Fault, string> = {
  none: 'No mistake (the good example)',
  'wrong-key': 'Decrypt with another key',
  'wrong-iv': 'Decrypt with another IV',
  'key-encoding': 'Type the hex key as if it were text',
  'iv-encoding': 'Paste the IV as base64 into a hex field',
  'ciphertext-encoding': 'Paste hex ciphertext as base64',
  'iv-not-stripped': 'Leave the IV on the front of the ciphertext',
  length: 'Cut the last 5 bytes off',
  'bad-padding': 'Encrypt with zero padding instead of PKCS#7'
};

/** The mistakes the lesson can plant, each with its button label and the cause it must be named. */
export const FAULTS: { fault: Fault; label: string; cause: Cause }[] = FAULT_CAUSES.map(({ fault, cause }) => ({
  fault,
  label: FAULT_LABELS[fault],
  cause
}));

export function verdictOf(f: Finding): Verdict {
  const { summary, evidence } = words(f.facts);
  return {
    cause: f.cause,
    title: CAUSE_TITLES[f.cause],
    fit: f.fit,
    score: f.score,
    summary,
    evidence,
    repair: f.repair
  };
}

export function diagnose(input: DiagnoseInput): Diagnosis {
  const { fields, baseline, findings } = findCauses(input);
  const verdicts = findings.map(verdictOf);
  return { fields, baseline, verdicts, best: verdicts[0] };
}

export {
  diagnoseSummary,
  diagnoseSummaryFacts,
  type DiagnoseSummary,
  type DiagnoseSummaryFacts,
  type PlantedFault
} from './summary';
export type { TextPhrase as Phrase } from '../phrase';
