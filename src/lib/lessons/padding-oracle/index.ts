// Lesson 2 (padding oracle): its summary, counted (findings.ts) and then worded (prose.ts).
import { oracleLessonFacts, type Suite, type SuiteOutcome } from './findings';
import { oracleLessonSummary } from './prose';

export { oracleLessonFacts, runOf, type OracleLessonFacts, type Run, type Suite, type SuiteOutcome } from './findings';
export { oracleLessonSummary } from './prose';
export { failureLine } from './failure';
export {
  answerMeaning,
  blockLabels,
  guessLine,
  sentLabel,
  GCM_NONCE_BYTES,
  type BlockLabels,
  type Guess
} from './guess';

export function summarize(
  outcomes: Partial<Record<Suite, SuiteOutcome>>,
  targets: Partial<Record<Suite, { source: string }>>,
  live: boolean
): string[] {
  return oracleLessonSummary(oracleLessonFacts(outcomes, targets, live));
}
export {
  afterGuess,
  announceByte,
  byteStep,
  narrateByte,
  startNarrator,
  type ByteStep,
  type NarratorState
} from './narration';
