// Lesson 2's summary: what each attack run measured, from hand-made results, and the sentences
// from those measurements. Expected numbers are worked out here by hand.
import { describe, expect, it } from 'vitest';
import type { AttackResult } from '$lib/crypto/padding-oracle';
import { oracleLessonFacts, runOf } from '$lib/lessons/padding-oracle/findings';
import { oracleLessonSummary } from '$lib/lessons/padding-oracle/prose';

const recovered = (blocks: number, queries: number, maxByteQueries: number): AttackResult => ({
  ok: true,
  padded: new Uint8Array(16 * blocks),
  plaintext: null,
  intermediate: new Uint8Array(16 * blocks),
  queries,
  maxByteQueries
});
const refused = (queries: number, recoveredBytes = 0): AttackResult => ({
  ok: false,
  block: recoveredBytes / 16,
  byte: 15,
  recovered: new Uint8Array(recoveredBytes),
  queries,
  reason: 'no-valid-guess',
  message: ''
});
const victim = { cbc: { source: 'captured from the live server' } };

describe('lesson 2 summary: measuring', () => {
  it('a refusal at the very first byte is 256 queries, nothing recovered, one kind of answer', () => {
    expect(runOf({ result: refused(256), tally: { ERR_BAD_MAC: 256 } })).toEqual({
      state: 'refused',
      queries: 256,
      answers: [{ answer: 'ERR_BAD_MAC', count: 256 }],
      recoveredBytes: 0,
      firstByteOnly: true
    });
    expect(runOf({ result: refused(256), tally: { ERR_BAD_MAC: 255, ok: 1 } })).toMatchObject({ firstByteOnly: false });
    expect(runOf({ result: refused(4352, 16), tally: { ERR_BAD_MAC: 4352 } })).toMatchObject({
      firstByteOnly: false,
      recoveredBytes: 16
    });
  });

  it('whose message: a source that says nobody here typed it', () => {
    expect(oracleLessonFacts({}, { cbc: { source: 'a frame nobody here typed' } }, true).whose).toBe('someone-else');
    expect(oracleLessonFacts({}, victim, true)).toMatchObject({
      whose: 'victim',
      where: 'live',
      capturedOnly: true,
      empty: false
    });
    expect(oracleLessonFacts({}, {}, false).empty).toBe(true);
  });
});

describe('lesson 2 summary: words', () => {
  it('nothing yet', () => {
    expect(oracleLessonSummary(oracleLessonFacts({}, {}, false))).toEqual([
      "Nothing yet: capture the victim's message and run the attack, and this summary will describe what your run showed."
    ]);
  });

  it('captured, not yet attacked', () => {
    expect(oracleLessonSummary(oracleLessonFacts({}, { cbc: { source: 'a frame nobody here typed' } }, true))).toEqual([
      'You captured a message someone else sent: an IV and ciphertext blocks, and no key. Run the attack.'
    ]);
  });

  it('recovered: bytes, blocks, queries per byte and the answers', () => {
    // 32 bytes = 2 blocks; 4000 / 32 = 125.0 queries per byte
    const tally = { ERR_BAD_PADDING: 3968, ok: 32 };
    expect(
      oracleLessonSummary(oracleLessonFacts({ cbc: { result: recovered(2, 4000, 251), tally } }, victim, false))
    ).toEqual([
      "You recovered all 32 bytes (2 blocks) of the victim's message from the local oracle with 4000 queries: 125.0 per byte on average, at most 251 for one byte (the bound is 256).",
      "The server's answers were 3968 × ERR_BAD_PADDING, 32 × ok. Only whether the answer was ERR_BAD_PADDING mattered: that one bit per query is the whole leak."
    ]);
  });

  it('one block is "1 block"', () => {
    expect(
      oracleLessonSummary(
        oracleLessonFacts({ cbc: { result: recovered(1, 2000, 256), tally: { ok: 2000 } } }, victim, true)
      )[0]
    ).toMatch(
      /^You recovered all 16 bytes \(1 block\) of the victim's message from the live server with 2000 queries: 125\.0 per byte/
    );
  });

  it('cbc-hmac and gcm: the first-byte claim only when the run shows it', () => {
    const outcomes = {
      'cbc-hmac': { result: refused(256), tally: { ERR_BAD_MAC: 256 } },
      gcm: { result: refused(300), tally: { ERR_BAD_TAG: 300 } }
    };
    // the cbc target was captured and not attacked: that is said first
    expect(oracleLessonSummary(oracleLessonFacts(outcomes, victim, false))).toEqual([
      "You captured the victim's message: an IV and ciphertext blocks, and no key. Run the attack.",
      'Against cbc-hmac all 256 guesses for the very first byte got the same answer (256 × ERR_BAD_MAC): the MAC is checked first, in constant time, and it failed, so nothing was decrypted and the padding was never looked at; 0 bytes were recovered.',
      'Against gcm no guess was accepted after 300 queries (300 × ERR_BAD_TAG): the tag is checked first, in constant time, and it failed, so nothing was decrypted (and GCM, a counter mode, has no padding to look at); 0 bytes were recovered.'
    ]);
  });

  it('cbc-hmac and gcm: the MAC or tag is named as the reason only when every answer was its failure', () => {
    const outcomes = {
      'cbc-hmac': { result: refused(256), tally: { ERR_BAD_MAC: 255, ERR_SEQUENCE: 1 } },
      gcm: { result: refused(256), tally: { ERR_BAD_MAC: 256 } }
    };
    const said = oracleLessonSummary(oracleLessonFacts(outcomes, victim, false)).slice(1);
    expect(said).toEqual([
      'Against cbc-hmac no guess was accepted after 256 queries (255 × ERR_BAD_MAC, 1 × ERR_SEQUENCE): no answer accepted a guess; 0 bytes were recovered.',
      'Against gcm all 256 guesses for the very first byte got the same answer (256 × ERR_BAD_MAC): no answer accepted a guess; 0 bytes were recovered.'
    ]);
    // nothing is said to be "rejected" about a padding that was never checked
    for (const s of said) expect(s).not.toMatch(/padding (was|is) (rejected|checked)/);
  });

  it('stopped and refused cbc runs', () => {
    const stopped: AttackResult = { ...(refused(77) as Extract<AttackResult, { ok: false }>), reason: 'aborted' };
    expect(oracleLessonSummary(oracleLessonFacts({ cbc: { result: stopped, tally: {} } }, victim, false))).toEqual([
      'You stopped the cbc attack after 77 queries.'
    ]);
    expect(
      oracleLessonSummary(
        oracleLessonFacts({ cbc: { result: refused(256), tally: { ERR_DECRYPT: 256 } } }, victim, false)
      )
    ).toEqual([
      'The cbc attack failed after 256 queries (256 × ERR_DECRYPT): this server does not tell bad padding apart, so there was nothing to learn.'
    ]);
  });
});
