// What the learner did with one quiz question on /learn (QuizCard reports it; the page stores it).
export type Outcome = 'right' | 'wrong' | 'skipped';
export interface Answered {
  outcome: Outcome;
  /** what the learner typed, trimmed ('' when skipped) */
  typed: string;
  /** the answer as check() writes it */
  expected: string;
}
