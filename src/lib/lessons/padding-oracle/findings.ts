// Lesson 2, "What just happened", the counting half: what each attack run measured. The
// suites are the ones the demo server speaks (docs/protocol.md): cbc leaks the padding check,
// cbc-hmac and gcm check a MAC or tag first.
import type { AttackResult } from '../../crypto/padding-oracle';

export type Suite = 'cbc' | 'cbc-hmac' | 'gcm';

/** One finished run: the attack's result and how often the server gave each answer. */
export interface SuiteOutcome {
  result: AttackResult;
  tally: Record<string, number>;
}

export type Answers = { answer: string; count: number }[];

export type Run =
  | { state: 'recovered'; bytes: number; queries: number; maxByteQueries: number; answers: Answers }
  | { state: 'stopped'; queries: number }
  /**
   * no guess was accepted; `firstByteOnly` when that was the very first byte and all 256 guesses
   * got one and the same answer
   */
  | { state: 'refused'; queries: number; answers: Answers; recoveredBytes: number; firstByteOnly: boolean };

export interface OracleLessonFacts {
  /** nothing captured and nothing run */
  empty: boolean;
  whose: 'victim' | 'someone-else';
  where: 'live' | 'local';
  /** the cbc target was captured but not attacked yet */
  capturedOnly: boolean;
  cbc: Run | null;
  /** the runs against the authenticated suites, in this order */
  authenticated: { suite: 'cbc-hmac' | 'gcm'; run: Run }[];
}

// The capture of a frame the learner did not type names its source so (see the page's targets).
const SOMEONE_ELSE = 'nobody here typed';

export function runOf(o: SuiteOutcome): Run {
  const answers = Object.entries(o.tally).map(([answer, count]) => ({ answer, count }));
  const r = o.result;
  if (r.ok)
    return {
      state: 'recovered',
      bytes: r.padded.length,
      queries: r.queries,
      maxByteQueries: r.maxByteQueries,
      answers
    };
  if (r.reason === 'aborted') return { state: 'stopped', queries: r.queries };
  const firstByteOnly = r.recovered.length === 0 && r.queries === 256 && answers.length === 1;
  return { state: 'refused', queries: r.queries, answers, recoveredBytes: r.recovered.length, firstByteOnly };
}

export function oracleLessonFacts(
  outcomes: Partial<Record<Suite, SuiteOutcome>>,
  targets: Partial<Record<Suite, { source: string }>>,
  live: boolean
): OracleLessonFacts {
  const authenticated = (['cbc-hmac', 'gcm'] as const).flatMap((suite) => {
    const o = outcomes[suite];
    return o ? [{ suite, run: runOf(o) }] : [];
  });
  return {
    empty: !targets.cbc && !outcomes.cbc,
    whose: targets.cbc?.source.includes(SOMEONE_ELSE) ? 'someone-else' : 'victim',
    where: live ? 'live' : 'local',
    capturedOnly: !!targets.cbc && !outcomes.cbc,
    cbc: outcomes.cbc ? runOf(outcomes.cbc) : null,
    authenticated
  };
}
