// /learn's quiz helpers (src/routes/learn/quiz.ts): the link part, the stage questions, decrypting
// from the encryption that made the wire, the byte a question is about, and the stored answers.
import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptTrace, encryptTrace } from '$lib/crypto';
import {
  focusOf,
  loadAnswers,
  newSeed,
  quizId,
  quizSource,
  readQuiz,
  saveAnswers,
  scoreOf,
  stageQuestions,
  withQuiz,
  MAX_QUIZZES
} from '../../../src/routes/learn/quiz';

const key = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const iv = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const plaintext = Buffer.from('attack at dawn, bring coffee');

describe('learn quiz helpers', () => {
  it('reads and writes quiz=1&seed=S, refusing seeds that are not plain', () => {
    expect(readQuiz(new URLSearchParams('quiz=1&seed=class-7b'))).toEqual({ on: true, seed: 'class-7b' });
    expect(readQuiz(new URLSearchParams('quiz=1&seed=<b>'))).toEqual({ on: true, seed: null });
    expect(readQuiz(new URLSearchParams('seed=x'))).toEqual({ on: false, seed: 'x' });
    expect(withQuiz('?mode=encrypt&step=2', { on: true, seed: 'abc' })).toBe('?mode=encrypt&step=2&quiz=1&seed=abc');
    expect(withQuiz('?mode=encrypt', { on: false, seed: 'abc' })).toBe('?mode=encrypt');
    expect(newSeed((a) => ((a[0] = 0xbeef), a))).toBe('0000beef');
  });

  it('asks each stage its kinds, and decrypting asks about the encryption that made the wire', () => {
    const enc = encryptTrace({ key, iv, plaintext });
    const qs = stageQuestions(enc, 'fixed', 'encrypt');
    expect(Object.fromEntries(Object.entries(qs).map(([s, q]) => [s, q!.map((x) => x.kind)]))).toEqual({
      pad: ['pad-length'],
      chain: ['xor-byte', 'cipher-block'],
      wire: ['flip-effect'],
      base64: ['base64-chars']
    });
    const c = createCipheriv('aes-128-cbc', key, iv);
    const ct = Buffer.concat([c.update(plaintext), c.final()]);
    const src = quizSource(decryptTrace({ key, iv, ciphertext: ct }));
    expect('trace' in src && Buffer.from(src.trace.ciphertext).equals(ct)).toBe(true);
    expect('why' in quizSource(decryptTrace({ key: Buffer.alloc(16), iv, ciphertext: ct }))).toBe(
      decryptTrace({ key: Buffer.alloc(16), iv, ciphertext: ct }).plaintext === null
    );
    const d = stageQuestions(enc, 'fixed', 'decrypt');
    expect(Object.keys(d)).toEqual(['base64', 'blocks', 'pad']);
    // the pad question lights the first pad byte, 28
    expect(focusOf(qs.pad![0], 28)).toEqual({ space: 'p', index: 28 });
    const x = qs.chain![0];
    expect(focusOf(x, 28)).toEqual({ space: 'x', index: (x.block! - 1) * 16 + x.byte! });
  });

  it('keeps answers per quiz, the most recent quizzes only, and scores them per stage', () => {
    const m = new Map<string, string>();
    const store = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    const enc = encryptTrace({ key, iv, plaintext });
    const id = quizId('fixed', 'encrypt', enc);
    saveAnswers(store, id, { 'pad:0': { outcome: 'wrong', typed: '3', expected: '4' } });
    expect(loadAnswers(store, id)['pad:0'].outcome).toBe('wrong');
    expect(scoreOf(loadAnswers(store, id))).toEqual({ pad: { right: 0, wrong: 1, skipped: 0 } });
    for (let k = 0; k < MAX_QUIZZES; k++) saveAnswers(store, `other:${k}`, {});
    expect(loadAnswers(store, id)).toEqual({});
    m.set('cbc-lab:learn-quiz', 'not json');
    expect(loadAnswers(store, id)).toEqual({});
  });
});
