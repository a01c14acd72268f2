// Lesson 1 (bit flipping): its summary, counted (findings.ts) and then worded (prose.ts).
import { flipLessonFacts, type FlipRecord, type Forged } from './findings';
import { flipLessonSummary } from './prose';

export {
  record,
  flipLessonFacts,
  tallyFlips,
  type FlipRecord,
  type FlipLessonFacts,
  type FlipTally,
  type Forged
} from './findings';
export { flipLessonSummary, where } from './prose';

export function summarize(flips: FlipRecord[], forged: Forged | null, replays: { verdict: string }[]): string[] {
  return flipLessonSummary(flipLessonFacts(flips, forged, replays));
}
