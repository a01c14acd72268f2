// Lesson 4's summary: the counts from hand-made block tallies, and the sentences from those counts.
// ECB (SP 800-38A §6.1) maps equal blocks to equal blocks, so its distinct count is the plaintext's.
import { describe, expect, it } from 'vitest';
import { ecbPictureFacts, type EcbPictureFacts, type PictureRun } from '$lib/lessons/ecb-vs-cbc/findings';
import { ecbPictureSummary, pct } from '$lib/lessons/ecb-vs-cbc/prose';
import { phraseText, type Phrase } from '$lib/lessons/phrase';

// a 64×64 picture: 64 rows of 16 blocks = 1024 blocks, of which 10 distinct
const run: PictureRun = {
  width: 64,
  height: 64,
  plain: { blocks: 1024, distinct: 10, repeated: 1020, top: { hex: 'ffffffffffffffffffffffffffffffff', count: 768 } },
  ecb: { blocks: 1024, distinct: 10, repeated: 1020, top: { hex: '00'.repeat(16), count: 768 } },
  cbc: { blocks: 1024, distinct: 1024, repeated: 0, top: null },
  topColour: '#ffffff',
  topShare: 0.75,
  keyBits: 128,
  source: 'the bundled penguin'
};
const facts: EcbPictureFacts = {
  source: 'the bundled penguin',
  width: 64,
  height: 64,
  keyBits: 128,
  plain: { blocks: 1024, distinct: 10, repeated: 1020 },
  ecb: { blocks: 1024, distinct: 10, repeated: 1020 },
  cbc: { blocks: 1024, distinct: 1024, repeated: 0 },
  top: { colour: '#ffffff', share: 0.75 }
};
const strongs = (p: Phrase[]) => p.flatMap((x) => ('strong' in x && x.strong ? [x.text] : []));

describe('lesson 4 summary: counting', () => {
  it('takes the counts and the most common block', () => {
    expect(ecbPictureFacts(run)).toEqual(facts);
  });

  it('no most common block when no block repeats', () => {
    const noise = { ...run, plain: { ...run.plain, top: null }, topColour: null, topShare: 0 };
    expect(ecbPictureFacts(noise).top).toBeNull();
  });
});

describe('lesson 4 summary: words', () => {
  it('the penguin: equal blocks survive ECB, not CBC', () => {
    const s = ecbPictureSummary(facts);
    expect(phraseText(s.plain)).toBe(
      'The bundled penguin is 64×64 pixels = 1024 blocks, but only 10 of them are different: 1020 blocks (99.6%) repeat another one, and the most common block (4 pixels of #ffffff) alone fills 75.0% of the picture.'
    );
    expect(strongs(s.plain)).toEqual(['1024', '10']);
    expect(s.plain).toContainEqual({ swatch: '#ffffff' });
    expect(s.plain).toContainEqual({ code: '#ffffff' });
    expect(phraseText(s.ecb)).toBe(
      'ECB with your 128-bit key turned them into exactly 10 different ciphertext blocks, the same count: every equal pair of plaintext blocks became an equal pair of ciphertext blocks, 1020 blocks in all. The colours are scrambled, but every flat region keeps one repeating 4-pixel stripe of its own, so the outline is still there for anyone to see, without the key.'
    );
    expect(strongs(s.ecb)).toEqual(['ECB', '10']);
    expect(phraseText(s.cbc)).toBe(
      'CBC under the same key gave 1024 different blocks out of 1024: none repeats, so nothing of the picture shows. The chain makes each ciphertext block depend on every block before it and on the IV.'
    );
    expect(strongs(s.cbc)).toEqual(['CBC', '1024']);
    expect(s.noRepeats).toBeNull();
  });

  it('a CBC coincidence is called one', () => {
    const s = ecbPictureSummary({ ...facts, cbc: { blocks: 1024, distinct: 1023, repeated: 2 } });
    expect(phraseText(s.cbc)).toBe(
      'CBC under the same key gave 1023 different blocks out of 1024; 2 repeat, which for random-looking blocks is a coincidence. The chain makes each ciphertext block depend on every block before it and on the IV.'
    );
  });

  it('a picture with no equal blocks says ECB shows nothing either', () => {
    const none = { blocks: 16, distinct: 16, repeated: 0 };
    const s = ecbPictureSummary({
      ...facts,
      source: 'your photo.jpg',
      width: 16,
      height: 4,
      plain: none,
      ecb: none,
      cbc: none,
      top: null
    });
    expect(phraseText(s.plain)).toBe(
      'Your photo.jpg is 16×4 pixels = 16 blocks, but only 16 of them are different: 0 blocks (0.00%) repeat another one.'
    );
    expect(s.noRepeats).toBe(
      'Your picture has no two equal blocks (a photo with noise, perhaps), so even ECB shows nothing here: try a logo or a drawing with flat colours.'
    );
  });

  it('percentages: one decimal, two below 1 %', () => {
    expect(pct(0.75)).toBe('75.0%');
    expect(pct(1020 / 1024)).toBe('99.6%');
    expect(pct(0.005)).toBe('0.50%');
    expect(pct(0)).toBe('0.00%');
  });
});
