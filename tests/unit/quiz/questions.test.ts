// The quiz generator (src/lib/quiz): every kind's answer recomputed here from node:crypto
// (AES-CBC and AES-ECB from OpenSSL, the XORs and the PKCS#7 rule by hand), never from the code
// under test; the same questions for the same seed; and check() reading answers as learners type them.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encryptTrace } from '$lib/crypto';
import { QUESTION_KINDS, check, prng, questions, type Question, type QuestionKind } from '$lib/quiz';

const B = 16;
const algo = (key: Buffer) => `aes-${key.length * 8}-cbc`;

function cbcEncrypt(key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  const c = createCipheriv(algo(key), key, iv);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

function cbcDecryptRaw(key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const d = createDecipheriv(algo(key), key, iv).setAutoPadding(false);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}

/** One block through AES alone: ECB of one block is CIPH_K. */
function aesBlock(key: Buffer, block: Buffer): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null).setAutoPadding(false);
  return Buffer.concat([c.update(block), c.final()]);
}

/** RFC 5652 §6.3 by hand: null when valid, else the index of the first failing byte from the end. */
function pkcs7Fault(padded: Buffer): number | null {
  const k = padded[padded.length - 1];
  if (k < 1 || k > B) return padded.length - 1;
  for (let i = padded.length - 2; i >= padded.length - k; i--) if (padded[i] !== k) return i;
  return null;
}

interface Case {
  key: Buffer;
  iv: Buffer;
  plaintext: Buffer;
}

const LENGTHS = [0, 1, 5, 15, 16, 17, 31, 32, 45, 100];
const cases: Case[] = LENGTHS.flatMap((n, i) => ({
  key: randomBytes([16, 24, 32][i % 3]),
  iv: randomBytes(16),
  plaintext: randomBytes(n)
}));

function ask(c: Case, kind: QuestionKind, seed: string, count = 12): Question[] {
  const trace = encryptTrace({ key: c.key, iv: c.iv, plaintext: c.plaintext });
  return questions(trace, { seed, count, kinds: [kind] });
}

/** Everything node:crypto says about a case. */
function truth(c: Case) {
  const ciphertext = cbcEncrypt(c.key, c.iv, c.plaintext);
  const padded = cbcDecryptRaw(c.key, c.iv, ciphertext);
  // C₀ = IV, C₁ … Cₙ; P₁ … Pₙ (index 0 unused)
  const C = [c.iv, ...Array.from({ length: ciphertext.length / B }, (_, i) => ciphertext.subarray(i * B, i * B + B))];
  const P = [
    Buffer.alloc(0),
    ...Array.from({ length: padded.length / B }, (_, i) => padded.subarray(i * B, i * B + B))
  ];
  return { ciphertext, padded, C, P, n: ciphertext.length / B };
}

describe.each(cases.map((c) => [`${c.key.length * 8}-bit key, ${c.plaintext.length} bytes`, c] as const))(
  '%s',
  (_, c) => {
    const t = truth(c);

    it('pad-length: 16 − (length mod 16), and the pad bytes node:crypto adds have that value', () => {
      for (const q of ask(c, 'pad-length', 'p', 2)) {
        const k = t.padded[t.padded.length - 1];
        expect(t.padded.length - c.plaintext.length).toBe(k);
        expect(q.answer).toBe(B - (c.plaintext.length % B));
        expect(q.answer).toBe(k);
      }
    });

    it('xor-byte: Pᵢ[j] ⊕ Cᵢ₋₁[j], with the two bytes the question shows', () => {
      for (const q of ask(c, 'xor-byte', 'x')) {
        const i = q.block!;
        const j = q.byte!;
        expect(i).toBeGreaterThanOrEqual(1);
        expect(i).toBeLessThanOrEqual(t.n);
        const x = t.P[i][j] ^ t.C[i - 1][j];
        expect(q.answer).toBe(x.toString(16).padStart(2, '0'));
        expect(q.question).toContain(`0x${t.P[i][j].toString(16).padStart(2, '0')}`);
        expect(q.question).toContain(`0x${t.C[i - 1][j].toString(16).padStart(2, '0')}`);
      }
    });

    it('cipher-block: Cᵢ from AES-CBC, and CIPH_K of the Xᵢ the question gives', () => {
      for (const q of ask(c, 'cipher-block', 'c')) {
        const i = q.block!;
        expect(q.answer).toBe(t.C[i].toString('hex'));
        const x = Buffer.from(t.P[i].map((p, j) => p ^ t.C[i - 1][j]));
        expect(q.question).toContain(x.toString('hex'));
        expect(aesBlock(c.key, x).toString('hex')).toBe(q.answer);
      }
    });

    it('cipher-block: dependsOn is the plaintext blocks whose change changes Cᵢ', () => {
      for (const q of ask(c, 'cipher-block', 'd', 4)) {
        const i = q.block!;
        const changes: number[] = [];
        for (let b = 1; b <= t.n; b++) {
          const p = Buffer.from(t.padded);
          p[(b - 1) * B] ^= 1;
          // the padded plaintext, encrypted as it is (no second pad): the same blocks, one byte changed
          const raw = createCipheriv(algo(c.key), c.key, c.iv).setAutoPadding(false);
          const changed = Buffer.concat([raw.update(p), raw.final()]);
          if (!changed.subarray((i - 1) * B, i * B).equals(t.C[i])) changes.push(b);
        }
        expect(q.dependsOn).toEqual(changes);
      }
    });

    it('flip-effect: the blocks that change by more than one bit after the flip, and the one bit that does', () => {
      for (const q of ask(c, 'flip-effect', 'f', 20)) {
        const i = q.block!;
        const wire = Buffer.concat([c.iv, t.ciphertext]);
        wire[i * B + q.byte!] ^= 0x80 >> q.bit!;
        const after = cbcDecryptRaw(c.key, wire.subarray(0, B), wire.subarray(B));
        const garbled: number[] = [];
        const oneBit: { block: number; byte: number; bit: number }[] = [];
        for (let b = 1; b <= t.n; b++) {
          const bits = [...Array(B).keys()].map((j) => after[(b - 1) * B + j] ^ t.P[b][j]);
          const count = bits.reduce((s, d) => s + d.toString(2).replace(/0/g, '').length, 0);
          if (count > 1) garbled.push(b);
          if (count === 1) {
            const j = bits.findIndex((d) => d !== 0);
            oneBit.push({ block: b, byte: j, bit: Math.clz32(bits[j]) - 24 });
          }
        }
        // SP 800-38A §6.2: Cᵢ garbles Pᵢ and flips the same bit of Pᵢ₊₁; the IV garbles nothing
        expect(q.answer).toEqual(garbled);
        expect(garbled).toEqual(i === 0 ? [] : [i]);
        expect(q.alsoFlips ?? null).toEqual(oneBit[0] ?? null);
        expect(oneBit).toEqual(i < t.n ? [{ block: i + 1, byte: q.byte, bit: q.bit }] : []);
      }
    });

    it('base64-chars: the characters that change when every bit of byte k is flipped', () => {
      const wire = Buffer.concat([c.iv, t.ciphertext]);
      const text = wire.toString('base64');
      for (const q of ask(c, 'base64-chars', 'b', 20)) {
        const k = q.byte!;
        // a character depends on a byte iff changing that byte can change it: try all 8 one-bit changes
        const carrying = new Set<number>();
        for (let bit = 0; bit < 8; bit++) {
          const w = Buffer.from(wire);
          w[k] ^= 1 << bit;
          const t2 = w.toString('base64');
          for (let s = 0; s < text.length; s++) if (t2[s] !== text[s]) carrying.add(s);
        }
        expect(q.answer).toEqual([...carrying].sort((a, b) => a - b));
      }
    });

    it('padding-verdict: the tampered wire decrypted by node:crypto, the rule checked by hand', () => {
      for (const q of ask(c, 'padding-verdict', 'v', 20)) {
        const tampered = Buffer.from(q.wire!, 'hex');
        const expected = Buffer.concat([c.iv, t.ciphertext]);
        expected[(t.n - 1) * B + q.byte!] ^= q.mask!; // C_{n−1}: block n − 1 of IV ‖ C counts the IV as 0
        expect(q.block).toBe(t.n - 1);
        expect(tampered.equals(expected)).toBe(true);
        const padded = cbcDecryptRaw(c.key, tampered.subarray(0, B), tampered.subarray(B));
        const fault = pkcs7Fault(padded);
        expect(q.answer).toBe(fault === null ? 'valid' : fault - (t.n - 1) * B);
        // and OpenSSL's own unpadding agrees on the verdict
        const d = createDecipheriv(algo(c.key), c.key, tampered.subarray(0, B));
        const opens = (() => {
          try {
            Buffer.concat([d.update(tampered.subarray(B)), d.final()]);
            return true;
          } catch {
            return false;
          }
        })();
        expect(opens).toBe(fault === null);
      }
    });
  }
);

describe('the seed', () => {
  const c = cases[5];
  const trace = () => encryptTrace({ key: c.key, iv: c.iv, plaintext: c.plaintext });

  it('the same seed gives the same questions; another seed other ones', () => {
    const a = questions(trace(), { seed: 'class-7b', count: 30 });
    expect(questions(trace(), { seed: 'class-7b', count: 30 })).toEqual(a);
    expect(questions(trace(), { seed: 'class-7c', count: 30 })).not.toEqual(a);
  });

  it('key, IV and plaintext give the questions their trace gives', () => {
    expect(questions({ key: c.key, iv: c.iv, plaintext: c.plaintext }, { seed: 'p', count: 12 })).toEqual(
      questions(trace(), { seed: 'p', count: 12 })
    );
  });

  it('six questions of all kinds ask each kind once; count defaults to one per kind', () => {
    expect(new Set(questions(trace(), { seed: 's', count: 6 }).map((q) => q.kind))).toEqual(new Set(QUESTION_KINDS));
    expect(
      questions(trace(), { seed: 's', kinds: ['xor-byte', 'pad-length'] })
        .map((q) => q.kind)
        .sort()
    ).toEqual(['pad-length', 'xor-byte']);
  });

  it('the stream is fixed for a seed and int() stays in range', () => {
    expect(prng('').uint32()).toBe(prng('').uint32());
    const r = prng('range');
    for (let i = 0; i < 1000; i++) {
      const v = r.int(7);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(7);
    }
  });

  it('refuses a count out of range, no kinds, and a trace without PKCS#7', () => {
    expect(() => questions(trace(), { seed: 's', count: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' })
    );
    expect(() => questions(trace(), { seed: 's', count: 101 })).toThrow(/count: expected 1 to 100, got 101/);
    expect(() => questions(trace(), { seed: 's', kinds: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' })
    );
    const none = encryptTrace({ key: c.key, iv: c.iv, plaintext: new Uint8Array(16), padding: 'none' });
    expect(() => questions(none, { seed: 's' })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
  });
});

describe('check()', () => {
  const c: Case = {
    key: Buffer.alloc(16, 1),
    iv: Buffer.alloc(16, 2),
    plaintext: Buffer.from('attack at dawn, bring snacks')
  };
  const one = (kind: QuestionKind, seed = 'k') => ask(c, kind, seed, 1)[0];

  it('hex: any case, spaces, 0x, colons; not another value, not non-hex', () => {
    const q = one('cipher-block');
    const hex = q.answer as string;
    const spaced = hex.toUpperCase().match(/../g)!;
    for (const typed of [
      hex,
      hex.toUpperCase(),
      spaced.join(' '),
      spaced.map((b) => `0x${b}`).join(' '),
      spaced.join(':')
    ])
      expect(check(q, typed), typed).toEqual({ correct: true, expected: hex });
    const wrong = (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    expect(check(q, wrong).correct).toBe(false);
    expect(check(q, 'zz')).toMatchObject({ correct: false, unreadable: expect.stringContaining('hex') });
    expect(check(q, hex.slice(0, -1)).correct).toBe(false);
  });

  it('number: decimal, 0x, with words after it', () => {
    const q = one('pad-length'); // 28 bytes: 4 pad bytes
    expect(q.answer).toBe(4);
    for (const typed of ['4', ' 4 ', '0x04', '4 bytes of 0x04']) expect(check(q, typed).correct, typed).toBe(true);
    expect(check(q, '5')).toEqual({ correct: false, expected: '4' });
    expect(check(q, 'four').unreadable).toBeDefined();
  });

  it('blocks: any order and spelling; "none" for an empty list', () => {
    const qs = ask(c, 'flip-effect', 'blocks', 30);
    const garbles = qs.find((q) => (q.answer as number[]).length === 1)!;
    const b = (garbles.answer as number[])[0];
    for (const typed of [`${b}`, `P${b}`, `p${b}`, `P${'₀₁₂₃'[b]}`, `${b}, ${b}`])
      expect(check(garbles, typed).correct, typed).toBe(true);
    expect(check(garbles, 'none').correct).toBe(false);
    expect(check(garbles, `${b} ${b + 1}`).correct).toBe(false);
    expect(check(garbles, `${b}`).expected).toBe(`P${b}`);
    const iv = qs.find((q) => q.block === 0)!;
    expect(iv.answer).toEqual([]);
    for (const typed of ['none', '', '-', 'None']) expect(check(iv, typed).correct, typed).toBe(true);
    expect(check(iv, '1').correct).toBe(false);
  });

  it('chars: the list in any order', () => {
    const q = one('base64-chars');
    const [a, b] = q.answer as number[];
    expect(check(q, `${b}, ${a}`).correct).toBe(true);
    expect(check(q, `${a}`).correct).toBe(false);
  });

  it('verdict: "valid" or the failing byte', () => {
    const qs = ask(c, 'padding-verdict', 'verdict', 30);
    const ok = qs.find((q) => q.answer === 'valid')!;
    const bad = qs.find((q) => q.answer !== 'valid')!;
    expect(check(ok, 'Valid').correct).toBe(true);
    expect(check(ok, '15').correct).toBe(false);
    expect(check(bad, 'valid')).toEqual({ correct: false, expected: `invalid at byte ${bad.answer}` });
    expect(check(bad, `invalid at byte ${bad.answer}`).correct).toBe(true);
    expect(check(bad, String(bad.answer)).correct).toBe(true);
    expect(check(bad, 'invalid').unreadable).toBeDefined();
  });
});
