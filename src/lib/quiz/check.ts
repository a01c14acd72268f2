// A learner's answer against a question's: forgiving about how it is typed (hex case, spaces,
// `0x`, `P2` or `P₂` for a block, `none` for an empty list), strict about what it says.
import type { Answer, Question } from './questions';

export interface CheckResult {
  correct: boolean;
  /** the expected answer as a learner would write it */
  expected: string;
  /** why an answer could not be read, when it could not */
  unreadable?: string;
}

const SUBSCRIPT_DIGITS: Record<string, string> = {
  '₀': '0',
  '₁': '1',
  '₂': '2',
  '₃': '3',
  '₄': '4',
  '₅': '5',
  '₆': '6',
  '₇': '7',
  '₈': '8',
  '₉': '9'
};

/** `0x41 0x9C`, `41:9c`, `419C` → `419c`; null when it is not whole bytes of hex. */
export function normalizeHex(text: string): string | null {
  const hex = text
    .trim()
    .toLowerCase()
    .replace(/0x/g, '')
    .replace(/[\s,:_-]/g, '');
  return /^([0-9a-f]{2})+$/.test(hex) ? hex : null;
}

/** `11`, `0x0b`, `11 bytes` → 11; null when no number leads. */
function readNumber(text: string): number | null {
  const m = /^\s*(?:(0x[0-9a-f]+)|(\d+))/i.exec(text);
  if (!m) return null;
  return m[1] ? parseInt(m[1].slice(2), 16) : Number(m[2]);
}

/** `P2, P3`, `2 3`, `C₀`, `none` → the numbers, ascending, each once; null when a part is not one. */
function readList(text: string): number[] | null {
  const plain = text
    .replace(/[₀-₉]/g, (d) => SUBSCRIPT_DIGITS[d])
    .trim()
    .toLowerCase();
  if (/^(none|no blocks?|nothing|-|)$/.test(plain)) return [];
  const parts = plain.split(/\s*(?:,|;|\band\b|\s)\s*/).filter((p) => p !== '');
  const out = new Set<number>();
  for (const part of parts) {
    const m = /^[a-z]*\[?(\d+)\]?$/.exec(part);
    if (!m) return null;
    out.add(Number(m[1]));
  }
  return [...out].sort((a, b) => a - b);
}

/** How `answer` reads in a learner's words. */
export function formatAnswer(question: Pick<Question, 'answerFormat' | 'answer'>): string {
  const a: Answer = question.answer;
  switch (question.answerFormat) {
    case 'hex':
      return String(a);
    case 'number':
      return String(a);
    case 'blocks':
      return (a as number[]).length ? (a as number[]).map((i) => `P${i}`).join(', ') : 'none';
    case 'chars':
      return (a as number[]).join(', ');
    case 'verdict':
      return a === 'valid' ? 'valid' : `invalid at byte ${a}`;
  }
}

export function check(question: Pick<Question, 'answerFormat' | 'answer'>, learnerAnswer: string): CheckResult {
  const expected = formatAnswer(question);
  const no = (unreadable: string): CheckResult => ({ correct: false, expected, unreadable });
  switch (question.answerFormat) {
    case 'hex': {
      const hex = normalizeHex(learnerAnswer);
      if (hex === null) return no('expected hex bytes, two digits each (spaces and 0x are fine)');
      return { correct: hex === question.answer, expected };
    }
    case 'number': {
      const n = readNumber(learnerAnswer);
      if (n === null) return no('expected a number');
      return { correct: n === question.answer, expected };
    }
    case 'blocks':
    case 'chars': {
      const list = readList(learnerAnswer);
      if (list === null) return no('expected numbers separated by commas or spaces, or "none"');
      const want = question.answer as number[];
      return { correct: list.length === want.length && list.every((v, i) => v === want[i]), expected };
    }
    case 'verdict': {
      const text = learnerAnswer.trim().toLowerCase();
      if (/^(valid|ok|passes|pass|yes)\b/.test(text)) return { correct: question.answer === 'valid', expected };
      const m = /(\d+)\s*$/.exec(text);
      if (!m) return no('expected "valid", or the number of the byte that fails');
      return { correct: Number(m[1]) === question.answer, expected };
    }
  }
}
