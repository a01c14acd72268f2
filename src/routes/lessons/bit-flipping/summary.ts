// Lesson 1's summary lives in src/lib/lessons/bit-flipping (counted, then worded); the page imports it from here.
export {
  record,
  replayedFlip,
  summarize,
  where,
  REPLAY_RULES,
  type FlipRecord,
  type ReplayFacts,
  type ReplayedFlip
} from '$lib/lessons/bit-flipping';
