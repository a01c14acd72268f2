// Lesson 2, "What just happened", in words: each sentence states what OracleLessonFacts measured.
import { plural } from '../words';
import type { Answers, OracleLessonFacts, Run } from './findings';

const WHOSE = { victim: "the victim's message", 'someone-else': 'a message someone else sent' };
const WHERE = { live: 'the live server', local: 'the local oracle' };

const tally = (answers: Answers): string => answers.map((a) => `${a.count} × ${a.answer}`).join(', ');

function cbcSentences(run: Run, facts: OracleLessonFacts): string[] {
  switch (run.state) {
    case 'recovered': {
      const { bytes, queries } = run;
      const blocks = bytes / 16;
      return [
        `You recovered all ${bytes} bytes (${blocks} ${plural(blocks, 'block')}) of ${WHOSE[facts.whose]} from ${WHERE[facts.where]} with ${queries} queries: ${(queries / bytes).toFixed(1)} per byte on average, at most ${run.maxByteQueries} for one byte (the bound is 256).`,
        `The server's answers were ${tally(run.answers)}. Only whether the answer was ERR_BAD_PADDING mattered: that one bit per query is the whole leak.`
      ];
    }
    case 'stopped':
      return [`You stopped the cbc attack after ${run.queries} queries.`];
    case 'refused':
      return [
        `The cbc attack failed after ${run.queries} queries (${tally(run.answers)}): this server does not tell bad padding apart, so there was nothing to learn.`
      ];
  }
}

// Why the answers were all alike: cbc-hmac checks its MAC before it decrypts, so its padding check
// is never reached; gcm is counter mode, with no padding at all, and checks its tag first.
const WHY = {
  'cbc-hmac':
    'the MAC is checked first, in constant time, and it failed, so nothing was decrypted and the padding was never looked at',
  gcm: 'the tag is checked first, in constant time, and it failed, so nothing was decrypted (and GCM, a counter mode, has no padding to look at)'
};

const CHECK_FAILED = { 'cbc-hmac': 'ERR_BAD_MAC', gcm: 'ERR_BAD_TAG' };

function authenticatedSentence(suite: 'cbc-hmac' | 'gcm', run: Run): string {
  switch (run.state) {
    case 'recovered':
      return `Against ${suite} the attack succeeded, which should not happen: check the server.`;
    case 'stopped':
      return `You stopped the ${suite} attack.`;
    case 'refused': {
      // the reason is said only when every answer was the MAC's or the tag's failure
      const why = run.answers.every((a) => a.answer === CHECK_FAILED[suite])
        ? WHY[suite]
        : 'no answer accepted a guess';
      return run.firstByteOnly
        ? `Against ${suite} all 256 guesses for the very first byte got the same answer (${tally(run.answers)}): ${why}; ${run.recoveredBytes} bytes were recovered.`
        : `Against ${suite} no guess was accepted after ${run.queries} queries (${tally(run.answers)}): ${why}; ${run.recoveredBytes} bytes were recovered.`;
    }
  }
}

export function oracleLessonSummary(facts: OracleLessonFacts): string[] {
  if (facts.empty)
    return [
      "Nothing yet: capture the victim's message and run the attack, and this summary will describe what your run showed."
    ];
  const out: string[] = [];
  if (facts.capturedOnly)
    out.push(`You captured ${WHOSE[facts.whose]}: an IV and ciphertext blocks, and no key. Run the attack.`);
  if (facts.cbc) out.push(...cbcSentences(facts.cbc, facts));
  for (const { suite, run } of facts.authenticated) out.push(authenticatedSentence(suite, run));
  return out;
}
