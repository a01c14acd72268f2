// Lesson 1 (bit flipping): its summary, counted (findings.ts) and then worded (prose.ts).
import { flipLessonFacts, type FlipRecord, type Forged, type ReplayFacts } from './findings';
import { flipLessonSummary } from './prose';

export {
  record,
  flipLessonFacts,
  tallyFlips,
  replayedFlip,
  serverReply,
  relayedText,
  type FlipRecord,
  type FlipLessonFacts,
  type FlipTally,
  type Forged,
  type ReplayFacts,
  type ReplayedFlip,
  type ServerReply
} from './findings';
export { flipLessonSummary, replaySentences, REPLAY_RULES, where } from './prose';

export function summarize(flips: FlipRecord[], forged: Forged | null, replays: ReplayFacts[]): string[] {
  return flipLessonSummary(flipLessonFacts(flips, forged, replays));
}
