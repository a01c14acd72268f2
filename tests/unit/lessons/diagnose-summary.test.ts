// Lesson 6's "What just happened": the counts come from the diagnosis, the sentence from the counts.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  diagnose,
  diagnoseSummary,
  diagnoseSummaryFacts,
  FAULTS,
  plantFault,
  type Cause,
  type Diagnosis,
  type DiagnoseSummaryFacts,
  type Fit,
  type Verdict
} from '$lib/lessons/diagnose';

const text = (phrases: { text: string }[] | null) => phrases?.map((p) => p.text).join('') ?? null;

describe('lesson 6 summary: counting', () => {
  it('a hand-typed wrong IV: 3 of 4 blocks, padding passed, the tested causes exclude ok', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const iv = Buffer.from('9f3c71d0e85a2b64c7f1089e3da5b216', 'hex');
    const c = createCipheriv('aes-128-cbc', key, iv);
    const ct = Buffer.concat([c.update('This message is exactly long enough for three blocks.'), c.final()]);
    const d = diagnose({
      key: { text: key.toString('hex'), encoding: 'hex' },
      iv: { text: '00'.repeat(16), encoding: 'hex' },
      ciphertext: { text: ct.toString('hex'), encoding: 'hex' }
    });
    const f = diagnoseSummaryFacts(d, null);
    // 53 bytes + 11 of pad = 4 blocks; a zero IV garbles P₁ only (SP 800-38A §6.2)
    expect(f.asTyped).toEqual({ state: 'decrypted', textBlocks: 3, blocks: 4, paddingOk: true });
    expect(f.best.cause).toBe('wrong-iv');
    expect(f.fitting.length + f.possible.length + f.ruledOut).toBe(8);
    expect(diagnoseSummary(f).main).toMatch(
      /^Decrypted as typed, 3 of 4 blocks read as text and the padding check passed\. Of 8 causes tested, /
    );
  });

  it('a planted fault that the diagnoser names', () => {
    const good = {
      key: new Uint8Array(16).fill(7),
      iv: new Uint8Array(16).fill(9),
      plaintext: 'Hello Client, message received securely'
    };
    const fault = FAULTS.find((x) => x.fault === 'length')!;
    const d = diagnose(plantFault(good, 'length'));
    const s = diagnoseSummary(
      diagnoseSummaryFacts(d, { label: fault.label, cause: fault.cause, plaintext: good.plaintext })
    );
    expect(d.best.cause).toBe('length');
    expect(text(s.planted)).toBe(
      `You planted cut the last 5 bytes off in “${good.plaintext}”. The diagnoser named it: Length not a multiple of 16 (fits).`
    );
    expect(s.planted?.filter((p) => p.strong).map((p) => p.text)).toEqual([
      'cut the last 5 bytes off',
      'Length not a multiple of 16'
    ]);
  });
});

describe('lesson 6 summary: counts from hand-made verdict lists', () => {
  // A diagnosis with only the parts diagnoseSummaryFacts reads; each verdict list is written out
  // by hand, and so is the count it must give.
  const v = (cause: Cause, fit: Fit): Verdict => ({ cause, fit, score: 0, title: cause, summary: '', evidence: [] });
  const ofVerdicts = (verdicts: Verdict[]): Diagnosis => ({
    fields: {
      key: { bytes: null, error: null },
      iv: { bytes: null, error: null },
      ciphertext: { bytes: null, error: null }
    },
    baseline: null,
    verdicts,
    best: verdicts[0]
  });

  it('1 fits, 1 possible, 6 ruled out: 8 tested, and ok is not one of them', () => {
    const d = ofVerdicts([
      v('wrong-key', 'fits'),
      v('bad-padding', 'possible'),
      v('ok', 'ruled-out'),
      v('wrong-iv', 'ruled-out'),
      v('key-encoding', 'ruled-out'),
      v('iv-encoding', 'ruled-out'),
      v('ciphertext-encoding', 'ruled-out'),
      v('iv-not-stripped', 'ruled-out'),
      v('length', 'ruled-out')
    ]);
    const f = diagnoseSummaryFacts(d, null);
    expect(f.fitting).toEqual(['wrong-key']);
    expect(f.possible).toEqual(['bad-padding']);
    expect(f.ruledOut).toBe(6);
    expect(diagnoseSummary(f).main).toMatch(
      / Of 8 causes tested, 1 fits \(wrong key\), 1 is possible \(bad padding\) and 6 are ruled out\.$/
    );
  });

  it('2 fit, 3 possible, 3 ruled out', () => {
    const d = ofVerdicts([
      v('ciphertext-encoding', 'fits'),
      v('length', 'fits'),
      v('wrong-key', 'possible'),
      v('wrong-iv', 'possible'),
      v('bad-padding', 'possible'),
      v('ok', 'ruled-out'),
      v('key-encoding', 'ruled-out'),
      v('iv-encoding', 'ruled-out'),
      v('iv-not-stripped', 'ruled-out')
    ]);
    const f = diagnoseSummaryFacts(d, null);
    expect([f.fitting.length, f.possible.length, f.ruledOut]).toEqual([2, 3, 3]);
    expect(diagnoseSummary(f).main).toMatch(
      / Of 8 causes tested, 2 fit \(ciphertext in the wrong encoding, length not a multiple of 16\), 3 are possible \(wrong key, wrong IV, bad padding\) and 3 are ruled out\.$/
    );
  });

  it('none possible: two parts, joined by "and"', () => {
    const d = ofVerdicts([v('wrong-iv', 'fits'), v('ok', 'ruled-out'), v('length', 'ruled-out')]);
    expect(diagnoseSummary(diagnoseSummaryFacts(d, null)).main).toMatch(
      / Of 2 causes tested, 1 fits \(wrong IV\) and 1 is ruled out\.$/
    );
  });

  it('every planted fault: the three counts add up to the 8 causes tested', () => {
    const good = {
      key: new Uint8Array(16).fill(3),
      iv: new Uint8Array(16).fill(5),
      plaintext: 'attack at dawn, then at noon'
    };
    for (const { fault } of FAULTS) {
      if (fault === 'none') continue;
      const s = diagnoseSummary(diagnoseSummaryFacts(diagnose(plantFault(good, fault)), null)).main;
      const m =
        / Of (\d+) causes tested, (\d+) fits?(?: \([^)]*\))?(?:, (\d+) (?:is|are) possible \([^)]*\))? and (\d+) (?:is|are) ruled out\./.exec(
          s
        );
      expect(m, `${fault}: ${s}`).not.toBeNull();
      const [tested, fits, possible, ruledOut] = [m![1], m![2], m![3] ?? '0', m![4]].map(Number);
      expect(fits + possible + ruledOut, `${fault}: ${s}`).toBe(tested);
      expect(tested).toBe(8);
    }
  });
});

describe('lesson 6 summary: words from hand-made counts', () => {
  const base: DiagnoseSummaryFacts = {
    planted: null,
    asTyped: { state: 'decrypted', textBlocks: 0, blocks: 1, paddingOk: false },
    best: { cause: 'wrong-key', fit: 'fits' },
    fitting: ['wrong-key'],
    possible: [],
    ruledOut: 1,
    repaired: null
  };

  it('one block, one fitting cause, one ruled out: singular throughout', () => {
    expect(diagnoseSummary(base).main).toBe(
      'Decrypted as typed, 0 of 1 block read as text and the padding check failed. Of 2 causes tested, 1 fits (wrong key) and 1 is ruled out.'
    );
  });

  it('fields that do not read: their codes', () => {
    const f: DiagnoseSummaryFacts = {
      ...base,
      asTyped: { state: 'unread', codes: ['ERR_KEY_LENGTH', 'ERR_BAD_HEX'] },
      fitting: [],
      possible: ['wrong-key', 'wrong-iv', 'bad-padding'],
      ruledOut: 5
    };
    expect(diagnoseSummary(f).main).toBe(
      'As typed, it could not even be decrypted: ERR_KEY_LENGTH, ERR_BAD_HEX. Of 8 causes tested, 0 fit, 3 are possible (wrong key, wrong IV, bad padding) and 5 are ruled out.'
    );
    expect(diagnoseSummary({ ...f, asTyped: { state: 'unread', codes: [] } }).main).toMatch(
      /^As typed, it could not even be decrypted: the ciphertext is not whole 16-byte blocks\./
    );
  });

  it('a fix, decrypted again', () => {
    const f: DiagnoseSummaryFacts = {
      ...base,
      best: { cause: 'iv-not-stripped', fit: 'fits' },
      fitting: ['iv-not-stripped', 'key-encoding'],
      repaired: { textBlocks: 2, blocks: 2 }
    };
    expect(diagnoseSummary(f).main).toBe(
      'Decrypted as typed, 0 of 1 block read as text and the padding check failed. Of 3 causes tested, 2 fit (IV not stripped from the front, key typed in the wrong encoding) and 1 is ruled out. The fix was found by decrypting again with it: 2 of 2 blocks then read as text.'
    );
  });

  it('nothing to fix, or nothing the bytes can tell', () => {
    const ok: DiagnoseSummaryFacts = {
      ...base,
      asTyped: { state: 'decrypted', textBlocks: 4, blocks: 4, paddingOk: true },
      best: { cause: 'ok', fit: 'fits' }
    };
    expect(diagnoseSummary(ok).main).toBe(
      'Decrypted as typed, 4 of 4 blocks read as text and the padding check passed. Nothing needs fixing.'
    );
    expect(diagnoseSummary({ ...ok, best: { cause: 'ok', fit: 'possible' } }).main).toMatch(
      /Nothing needs fixing as far as the bytes can tell\.$/
    );
  });

  it('a planted fault ranked second says which came first', () => {
    const f: DiagnoseSummaryFacts = {
      ...base,
      planted: {
        label: 'Decrypt with another IV',
        cause: 'wrong-iv',
        plaintext: 'hi',
        best: 'wrong-key',
        bestFit: 'possible'
      }
    };
    expect(text(diagnoseSummary(f).planted)).toBe(
      'You planted decrypt with another IV in “hi”. The diagnoser ranked Wrong key first, not Wrong IV: read its evidence to see why the two look alike here.'
    );
  });
});
