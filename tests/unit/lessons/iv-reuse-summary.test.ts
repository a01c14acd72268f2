// Lesson 5's summary: the counts from a hand-made pair of messages, and the sentences from those
// counts. Blocks are 16 bytes (FIPS-197 §3.1); under one IV, equal leading plaintext blocks give
// equal leading ciphertext blocks (SP 800-38A §6.2: C₁ = CIPH(P₁ ⊕ IV), Cᵢ = CIPH(Pᵢ ⊕ Cᵢ₋₁)).
import { describe, expect, it } from 'vitest';
import { ivReuseFacts, type IvPair, type IvReuseFacts } from '$lib/lessons/iv-reuse/findings';
import { ivReuseSummary } from '$lib/lessons/iv-reuse/prose';
import { phraseText, type Phrase } from '$lib/lessons/phrase';

const bytes = (n: number, fill = 0) => new Uint8Array(n).fill(fill);
const iv = Uint8Array.from([
  0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff
]);
// A and B: 40 and 42 bytes of plaintext, so 48 bytes (3 blocks) of ciphertext each
const a = { iv, input: bytes(40), ciphertext: bytes(48), blocks: [0, 1, 2] };
const b = { iv, input: bytes(42), ciphertext: bytes(48), blocks: [0, 1, 2] };
const pair: IvPair = {
  mode: 'reused',
  a,
  b,
  commonBytes: 33,
  sharedBlocks: 2,
  report: { frames: 2, reusedIvs: [{}], repeatedBlocks: [{}, {}] },
  sent: 0
};

const facts = (over: Partial<IvReuseFacts>): IvReuseFacts => ({
  mode: 'reused',
  ivStart: '00112233',
  commonBytes: 33,
  wholeBlocks: 2,
  plainIdentical: false,
  sharedBlocks: 2,
  cipherIdentical: false,
  detector: { frames: 2, reusedIvs: 1, repeatedBlocks: 2, sentBefore: 0 },
  ...over
});
const strongs = (p: Phrase[]) => p.flatMap((x) => ('strong' in x && x.strong ? [x.text] : []));
const codes = (p: Phrase[]) => p.flatMap((x) => ('code' in x ? [x.code] : []));

describe('lesson 5 summary: counting', () => {
  it('a shared prefix of 33 bytes under one IV', () => {
    expect(ivReuseFacts(pair)).toEqual(facts({}));
  });

  it('the same message twice: identical plaintext and ciphertext', () => {
    const f = ivReuseFacts({ ...pair, b: a, commonBytes: 40, sharedBlocks: 3 });
    expect(f).toMatchObject({ plainIdentical: true, cipherIdentical: true, wholeBlocks: 2 });
  });

  it('equal leading blocks but a longer B: not identical', () => {
    const longer = { ...b, ciphertext: bytes(64), blocks: [0, 1, 2, 3] };
    expect(ivReuseFacts({ ...pair, b: longer, sharedBlocks: 3 })).toMatchObject({ cipherIdentical: false });
  });

  it('the detector counts flags and the frames sent before', () => {
    const f = ivReuseFacts({
      ...pair,
      mode: 'fresh',
      report: { frames: 6, reusedIvs: [], repeatedBlocks: [] },
      sent: 4
    });
    expect(f.detector).toEqual({ frames: 6, reusedIvs: 0, repeatedBlocks: 0, sentBefore: 4 });
    expect(f.mode).toBe('fresh');
  });
});

describe('lesson 5 summary: words', () => {
  it('reused IV, a prefix of two whole blocks', () => {
    const s = ivReuseSummary(facts({}));
    expect(phraseText(s.main)).toBe(
      'Both messages went out under the same IV 00112233…. Their plaintexts agree in their first 33 bytes, which fills 2 whole blocks, and their ciphertexts agree in exactly 2 blocks (C₁…C₂). Anyone watching learns that the two messages start with the same 32 bytes, and where they first differ (block 3).'
    );
    expect(strongs(s.main)).toEqual(['33', '2']);
    expect(codes(s.main)).toEqual(['00112233…']);
    expect(s.detector).toBe(
      'The detector compared 2 frames by IV and by ciphertext block and raised 3 flags: 1 reused IV, 2 repeated ciphertext blocks. It never needed the key.'
    );
  });

  it('reused IV, one shared block', () => {
    const s = ivReuseSummary(facts({ commonBytes: 20, wholeBlocks: 1, sharedBlocks: 1 }));
    expect(phraseText(s.main)).toBe(
      'Both messages went out under the same IV 00112233…. Their plaintexts agree in their first 20 bytes, which fills 1 whole block, and their ciphertexts agree in exactly 1 block (C₁). Anyone watching learns that the two messages start with the same 16 bytes, and where they first differ (block 2).'
    );
  });

  it('reused IV, the same message twice', () => {
    const s = ivReuseSummary(facts({ commonBytes: 40, plainIdentical: true, sharedBlocks: 3, cipherIdentical: true }));
    expect(phraseText(s.main)).toBe(
      'Both messages went out under the same IV 00112233…. Their plaintexts agree in their first 40 bytes, and their ciphertexts agree in exactly 3 blocks (C₁…C₃). The two ciphertexts are identical: anyone watching knows you sent the same message twice.'
    );
  });

  it('reused IV, a prefix shorter than a block', () => {
    const s = ivReuseSummary(facts({ commonBytes: 1, wholeBlocks: 0, sharedBlocks: 0 }));
    expect(phraseText(s.main)).toBe(
      'Both messages went out under the same IV 00112233…. Their plaintexts agree in their first 1 byte, which fills 0 whole blocks, and their ciphertexts agree in exactly 0 blocks. The shared start is shorter than one block, so no ciphertext block matches here; make the common prefix 16 bytes or longer and C₁ will.'
    );
  });

  it('fresh IVs, the same message twice', () => {
    const s = ivReuseSummary(
      facts({
        mode: 'fresh',
        commonBytes: 40,
        plainIdentical: true,
        sharedBlocks: 0,
        detector: { frames: 4, reusedIvs: 0, repeatedBlocks: 0, sentBefore: 2 }
      })
    );
    expect(phraseText(s.main)).toBe(
      'Each message got its own random IV, so C₁ = AES(P₁ ⊕ IV) differs even though the plaintexts agree in their first 40 bytes; the ciphertexts share 0 leading blocks, though the messages are identical. Every later block chains from a different C₁, so nothing lines up.'
    );
    expect(strongs(s.main)).toEqual(['40', '0']);
    expect(s.detector).toBe(
      'The detector compared 4 frames by IV and by ciphertext block and raised no flag, including the 2 frames you sent before. It never needed the key.'
    );
  });

  it('fresh IVs, different messages: one leading block shared is worded as one', () => {
    const s = ivReuseSummary(facts({ mode: 'fresh', commonBytes: 1, sharedBlocks: 1 }));
    expect(phraseText(s.main)).toBe(
      'Each message got its own random IV, so C₁ = AES(P₁ ⊕ IV) differs even though the plaintexts agree in their first 1 byte; the ciphertexts share 1 leading block. Every later block chains from a different C₁, so nothing lines up.'
    );
  });

  it('one flag: a repeated block and no reused IV names no list', () => {
    const s = ivReuseSummary(facts({ detector: { frames: 6, reusedIvs: 0, repeatedBlocks: 1, sentBefore: 4 } }));
    expect(s.detector).toBe(
      'The detector compared 6 frames by IV and by ciphertext block and raised 1 flag, including the 4 frames you sent before. It never needed the key.'
    );
  });
});
