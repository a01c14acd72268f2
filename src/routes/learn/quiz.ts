// /learn's "Quiz me" mode (issue 12, docs/quiz.md): which question each stage asks before it shows
// itself, the byte a question is about (for the linked highlighting), the quiz's part of the link
// (`quiz=1&seed=S`), and the learner's answers kept in localStorage. Pure but for the storage,
// which comes in as an argument; the seed is drawn by the page shell, never here.
import { encryptTrace, type EncryptTrace, type Trace } from '$lib/crypto';
import { questions, type Question, type QuestionKind } from '$lib/quiz';
import type { ByteRef } from '$lib/viz/lineage';
import type { Answered } from '$lib/components/learn/quiz-answer';
import type { Mode, StageId } from './steps';

/**
 * The questions a stage asks, in order, before its picture shows: each about what that stage
 * computes. Decrypting, the chain runs backwards (no Xᵢ = Pᵢ ⊕ Cᵢ₋₁ to predict), the flip lands
 * after it, in the joined blocks, and the last question is the PKCS#7 check's verdict.
 */
export const STAGE_KINDS: Record<Mode, Partial<Record<StageId, QuestionKind[]>>> = {
  encrypt: {
    pad: ['pad-length'],
    chain: ['xor-byte', 'cipher-block'],
    wire: ['flip-effect'],
    base64: ['base64-chars']
  },
  decrypt: {
    base64: ['base64-chars'],
    blocks: ['flip-effect'],
    pad: ['padding-verdict']
  }
};

export interface QuizLink {
  on: boolean;
  /** null: quiz=1 without a seed, so the page draws one */
  seed: string | null;
}

const SEED = /^[\w.:-]{1,64}$/;

export function readQuiz(params: URLSearchParams): QuizLink {
  const seed = params.get('seed');
  return { on: params.get('quiz') === '1', seed: seed !== null && SEED.test(seed) ? seed : null };
}

/** The link's quiz part, after the rest of `href` (a `?…` query). */
export function withQuiz(href: string, quiz: QuizLink): string {
  if (!quiz.on) return href;
  const p = new URLSearchParams(href.replace(/^\?/, ''));
  p.set('quiz', '1');
  if (quiz.seed) p.set('seed', quiz.seed);
  return `?${p.toString()}`;
}

/** 8 hex digits from a source of randomness (the page passes crypto.getRandomValues). */
export function newSeed(random: (a: Uint32Array) => Uint32Array): string {
  return random(new Uint32Array(1))[0].toString(16).padStart(8, '0');
}

export type QuizSource = { trace: EncryptTrace } | { why: string };

/**
 * The encryption the questions are about: the trace itself, or, decrypting, the encryption that
 * made this wire (the same key, IV and plaintext give the same IV ‖ C, SP 800-38A §6.2).
 */
export function quizSource(trace: Trace): QuizSource {
  if (trace.padding.scheme !== 'pkcs7') return { why: 'The quiz asks about PKCS#7 padding: choose PKCS#7 to take it.' };
  if (trace.direction === 'encrypt') return { trace };
  if (!trace.plaintext)
    return {
      why: 'The quiz needs a message that decrypts: this one fails the PKCS#7 check (see that stage), so there is nothing to predict.'
    };
  return { trace: encryptTrace({ key: trace.key, iv: trace.iv, plaintext: trace.plaintext }) };
}

/** Each quiz stage's questions: one of every kind for the seed, the worksheet's for the same seed. */
export function stageQuestions(source: EncryptTrace, seed: string, mode: Mode): Partial<Record<StageId, Question[]>> {
  const all = questions(source, { seed });
  const byKind = new Map(all.map((q) => [q.kind, q]));
  const out: Partial<Record<StageId, Question[]>> = {};
  for (const [stage, kinds] of Object.entries(STAGE_KINDS[mode]) as [StageId, QuestionKind[]][])
    out[stage] = kinds.map((k) => byKind.get(k)!);
  return out;
}

/** The byte a question is about, named as the pictures name bytes (viz/lineage.ts). */
export function focusOf(q: Question, padStart: number): ByteRef | null {
  const at = (block: number, byte: number) => (block - 1) * 16 + byte;
  switch (q.kind) {
    case 'pad-length':
      return { space: 'p', index: padStart };
    case 'xor-byte':
      return { space: 'x', index: at(q.block!, q.byte!) };
    case 'cipher-block':
      return { space: 'c', index: at(q.block!, 0) };
    case 'flip-effect':
    case 'padding-verdict':
      return q.block === 0 ? { space: 'iv', index: q.byte! } : { space: 'c', index: at(q.block!, q.byte!) };
    case 'base64-chars':
      return { space: 'b', index: (q.answer as number[])[0] };
  }
}

export type { Answered, Outcome } from '$lib/components/learn/quiz-answer';
/** one quiz's answers: `stage:index` → what the learner did */
export type Answers = Record<string, Answered>;

export const answerId = (stage: StageId, index: number) => `${stage}:${index}`;

/** FNV-1a of the text, 8 hex digits: names a quiz (seed, direction, wire) in the store, not secret. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** One quiz: one seed on one encryption, in one direction. */
export const quizId = (seed: string, mode: Mode, source: EncryptTrace) => `${mode}:${seed}:${hash(source.wire.base64)}`;

export interface StageScore {
  right: number;
  wrong: number;
  skipped: number;
}

export function scoreOf(answers: Answers): Partial<Record<StageId, StageScore>> {
  const out: Partial<Record<StageId, StageScore>> = {};
  for (const [id, a] of Object.entries(answers)) {
    const stage = id.split(':')[0] as StageId;
    const s = (out[stage] ??= { right: 0, wrong: 0, skipped: 0 });
    s[a.outcome]++;
  }
  return out;
}

export const STORE_KEY = 'cbc-lab:learn-quiz';
/** the quizzes remembered, the most recent last */
export const MAX_QUIZZES = 20;

type Store = Pick<Storage, 'getItem' | 'setItem'>;
type Saved = { id: string; answers: Answers }[];

function readAll(store: Store): Saved {
  try {
    const v: unknown = JSON.parse(store.getItem(STORE_KEY) ?? '[]');
    return Array.isArray(v)
      ? (v as Saved).filter((q) => typeof q?.id === 'string' && typeof q.answers === 'object')
      : [];
  } catch {
    return [];
  }
}

export function loadAnswers(store: Store, id: string): Answers {
  return readAll(store).find((q) => q.id === id)?.answers ?? {};
}

export function saveAnswers(store: Store, id: string, answers: Answers): void {
  const rest = readAll(store).filter((q) => q.id !== id);
  rest.push({ id, answers });
  try {
    store.setItem(STORE_KEY, JSON.stringify(rest.slice(-MAX_QUIZZES)));
  } catch {
    /* storage full or refused (private mode): the score lives on in memory */
  }
}
