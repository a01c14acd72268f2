// Lesson 1's summary: the counts from hand-made flip records, and the sentences from those counts.
// SP 800-38A §6.2: a flip in Cᵢ garbles Pᵢ and flips the same bit of Pᵢ₊₁; a flip in the IV flips
// that bit of P₁ and nothing else.
import { describe, expect, it } from 'vitest';
import { flipLessonFacts, tallyFlips, type FlipRecord } from '$lib/lessons/bit-flipping/findings';
import { flipLessonSummary, where } from '$lib/lessons/bit-flipping/prose';

const ivFlip: FlipRecord = {
  position: { block: -1, byte: 0, bit: 2 },
  garbled: [],
  oneBit: [0],
  garbledBits: [],
  ecbGarbled: [],
  paddingOk: true
};
const c1Flip: FlipRecord = {
  position: { block: 0, byte: 3, bit: 1 },
  garbled: [0],
  oneBit: [1],
  garbledBits: [60],
  ecbGarbled: [0],
  paddingOk: true
};
const c2Flip: FlipRecord = {
  position: { block: 1, byte: 9, bit: 7 },
  garbled: [1],
  oneBit: [2],
  garbledBits: [67],
  ecbGarbled: [1],
  paddingOk: true
};
// the last block: nothing after it to flip, and its pad broken
const lastFlip: FlipRecord = {
  position: { block: 2, byte: 15, bit: 0 },
  garbled: [2],
  oneBit: [],
  garbledBits: [64],
  ecbGarbled: [2],
  paddingOk: false
};

describe('lesson 1 summary: counting', () => {
  it('counts IV and ciphertext flips, exact next-block flips and broken pads', () => {
    expect(tallyFlips([ivFlip, c1Flip, c2Flip, lastFlip])).toEqual({
      flips: 4,
      ivFlips: 1,
      ciphertext: {
        count: 3,
        meanGarbledBits: (60 + 67 + 64) / 3,
        exactNext: 2,
        inLastBlock: 1,
        ecbOwnBlockOnly: true
      },
      brokePadding: 1
    });
    expect(tallyFlips([])).toBeNull();
    expect(tallyFlips([ivFlip])?.ciphertext).toBeNull();
  });

  it('a flip whose ECB damage left its block is not "own block only"', () => {
    expect(tallyFlips([{ ...c1Flip, ecbGarbled: [0, 1] }])?.ciphertext?.ecbOwnBlockOnly).toBe(false);
  });
});

describe('lesson 1 summary: words', () => {
  it('nothing done yet', () => {
    expect(flipLessonSummary(flipLessonFacts([], null, []))).toEqual([
      'Nothing yet: flip a bit above, and this summary will describe what your flips did.'
    ]);
  });

  it('says the counts it was given', () => {
    // (60 + 67 + 64) / 3 = 63.67 → "63.7"
    expect(flipLessonSummary(flipLessonFacts([ivFlip, c1Flip, c2Flip, lastFlip], null, []))).toEqual([
      'You flipped 4 bits (1 in the IV, 3 in ciphertext blocks).',
      'Each ciphertext flip garbled its own plaintext block: on average 63.7 of its 128 bits changed (AES spreads one input bit over about half the block).',
      '2 of 3 flips also flipped exactly the same bit in the next block, and nothing else; 1 hit the last block, which has no next block.',
      'Under ECB the same flips garbled only their own block and never reached the next: ECB has no chain to carry a precise change.',
      'Your 1 IV flip changed exactly one bit of P₁ and garbled nothing: the IV is only a XOR mask.',
      '1 flip broke the PKCS#7 padding: a receiver that says so out loud is a padding oracle (lesson 2).'
    ]);
  });

  it('one IV flip alone', () => {
    expect(flipLessonSummary(flipLessonFacts([ivFlip], null, []))).toEqual([
      'You flipped 1 bit (1 in the IV, 0 in ciphertext blocks).',
      'Your 1 IV flip changed exactly one bit of P₁ and garbled nothing: the IV is only a XOR mask.'
    ]);
  });

  it('the forgery names the block it garbled, counted from 1, and the replays follow', () => {
    expect(
      flipLessonSummary(
        flipLessonFacts([], { bytes: 5, garbled: 0 }, [
          { flip: null, reply: { kind: 'ack', text: 'Hello Client, message received securely' }, relayed: null }
        ])
      )
    ).toEqual([
      'You forged role=admin by editing 5 bytes of C₁, at the cost of a garbage block 1 (P₁), without the key: CBC alone does not protect integrity.',
      'You replayed the captured frame unchanged; the server answered "Hello Client, message received securely": a replay it cannot detect either.'
    ]);
    expect(flipLessonSummary(flipLessonFacts([], { bytes: 1, garbled: null }, []))[0]).toBe(
      'You forged role=admin by editing 1 byte of the IV (nothing garbled), without the key: CBC alone does not protect integrity.'
    );
  });

  it('where: the IV, or Cᵢ counted from 1', () => {
    expect(where({ block: -1, byte: 0, bit: 2 })).toBe('the IV, byte 0, bit 2');
    expect(where({ block: 11, byte: 4, bit: 7 })).toBe('C₁₂, byte 4, bit 7');
  });
});
