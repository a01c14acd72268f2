// The /learn route's pure helpers: the step walk and the link format.
import { describe, expect, it } from 'vitest';
import { stepAt, stepCount, stepOf } from '../../../src/routes/learn/steps';
import { compute, readLink, writeLink, sampleText, NIST_KEY, NIST_IV } from '../../../src/routes/learn/compute';

describe('steps', () => {
  it('walks 7 stages with one chain step per block', () => {
    expect(stepCount(2)).toBe(8);
    expect([0, 3, 4, 5, 6, 7].map((k) => stepAt('encrypt', 2, k)).map((s) => [s.stage, s.block])).toEqual([
      ['text', null],
      ['iv', null],
      ['chain', 0],
      ['chain', 1],
      ['wire', null],
      ['base64', null]
    ]);
  });
  it('walks decryption backwards, ending in the padding check and the text', () => {
    expect(Array.from({ length: 8 }, (_, k) => stepAt('decrypt', 2, k).stage)).toEqual([
      'base64',
      'wire',
      'iv',
      'chain',
      'chain',
      'blocks',
      'pad',
      'text'
    ]);
    expect(stepOf('decrypt', 2, 'pad')).toBe(6);
    expect(stepOf('encrypt', 65537, 'chain', 30000)).toBe(30004);
    expect(stepOf('encrypt', 65537, 'base64')).toBe(65542);
  });
  it('clamps out-of-range steps', () => {
    expect(stepAt('encrypt', 2, 99).index).toBe(7);
    expect(stepAt('encrypt', 2, -3).index).toBe(0);
  });
});

describe('links', () => {
  it('reads a decrypt link whose + signs became spaces', () => {
    const l = readLink(new URLSearchParams('mode=decrypt&key=' + NIST_KEY + '&wire=ab c=&step=3'));
    expect(l.form.wire).toBe('ab+c=');
    expect(l.step).toBe(3);
    expect(l.block).toBe(null);
  });
  it('round-trips a form through a link', () => {
    const l = readLink(
      new URLSearchParams(`mode=encrypt&key=${NIST_KEY}&iv=${NIST_IV}&text=hi%20%E2%98%95&padding=none&step=4`)
    );
    expect(writeLink(l.form, 4, null)).toBe(
      `?mode=encrypt&key=${NIST_KEY}&iv=${NIST_IV}&text=hi+%E2%98%95&padding=none&step=4`
    );
  });
  it('puts every error on its field, and still computes nothing from bad input', () => {
    const l = readLink(new URLSearchParams('mode=encrypt&key=2b7e&iv=zz&text=x&padding=none'));
    const a = compute(l.form);
    expect(a.trace).toBe(null);
    expect(a.errors.key?.code).toBe('ERR_KEY_LENGTH');
    expect(a.errors.iv?.code).toBe('ERR_BAD_HEX');
    expect(a.errors.text?.code).toBe('ERR_PLAINTEXT_LENGTH');
  });
  it('makes sample text of exactly n bytes', () => {
    for (const n of [1, 77, 65536]) expect(new TextEncoder().encode(sampleText(n)).length).toBe(n);
  });
});
