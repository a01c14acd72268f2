// Questions about the learner's own trace, and the checking of answers (issue 12; docs/quiz.md).
export * from './prng';
export * from './questions';
export * from './check';
export * from './worksheet';
