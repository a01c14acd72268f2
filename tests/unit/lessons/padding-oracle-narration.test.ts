// Lesson 2's slow mode (src/lib/lessons/padding-oracle/narration.ts): the numbers it shows for each
// recovered byte come from the accepted query, and they are the true ones. The truth here is
// node:crypto: I = AES⁻¹_K(Cᵢ) by an ECB decipher with padding off, Pᵢ by a CBC decipher with
// padding off; the attack itself never sees the key.
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  localOracle,
  paddingOracleAttack,
  type ByteEvent,
  type GuessEvent,
  type PaddingOracle
} from '$lib/crypto/padding-oracle';
import {
  afterGuess,
  announceByte,
  byteStep,
  narrateByte,
  startNarrator,
  type ByteStep
} from '$lib/lessons/padding-oracle/narration';

const key = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
const iv = Buffer.from('f0e0d0c0b0a090807060504030201000', 'hex');
const text = Buffer.from('local secret: 42', 'utf8'); // 16 bytes: a second block of 16 × 10

function encrypt(): Uint8Array {
  const c = createCipheriv('aes-128-cbc', key, iv);
  return new Uint8Array(Buffer.concat([c.update(text), c.final()]));
}
function decipher(mode: 'ecb' | 'cbc', data: Uint8Array, chain: Uint8Array | null): Buffer {
  const d = createDecipheriv(`aes-128-${mode}`, key, chain);
  d.setAutoPadding(false);
  return Buffer.concat([d.update(data), d.final()]);
}
const oracle: PaddingOracle = localOracle((x, c) => new Uint8Array(decipher('cbc', c, x)));

/** Run the attack and narrate it as the panel does, keeping every step and the accepted guess of each. */
async function narrated(ciphertext: Uint8Array, o = oracle) {
  let s = startNarrator();
  const steps: ByteStep[] = [];
  const validGuesses: GuessEvent[] = [];
  const r = await paddingOracleAttack({
    iv,
    ciphertext,
    oracle: o,
    onEvent: (e) => {
      if (e.type === 'guess') {
        s = afterGuess(s, e);
        if (e.valid && !e.recheck) validGuesses.push(e);
      } else if (e.type === 'byte') {
        const chain = e.block === 0 ? iv : ciphertext.subarray((e.block - 1) * 16, e.block * 16);
        steps.push(byteStep(s, e, chain));
      }
    }
  });
  return { r, steps, validGuesses };
}

describe('the narrated numbers are the true ones', () => {
  it('every byte: I from the accepted query equals AES⁻¹_K(Cᵢ), P equals the plaintext', async () => {
    const c = encrypt();
    const { r, steps } = await narrated(c);
    expect(r.ok).toBe(true);
    expect(steps).toHaveLength(32);
    const I = decipher('ecb', c, null); // AES⁻¹ of each block, no chaining
    const P = decipher('cbc', c, iv); // the padded plaintext
    for (const st of steps) {
      const at = st.block * 16 + st.byte;
      expect(st.pad).toBe(16 - st.byte);
      expect(st.intermediate).toBe(I[at]);
      expect(st.plaintext).toBe(P[at]);
      expect(st.forged ^ st.pad).toBe(I[at]);
      expect(st.chain).toBe(st.block === 0 ? iv[st.byte] : c[at - 16]);
      expect(st.byteQueries).toBeLessThanOrEqual(256);
    }
    // byte by byte, 15 down to 0, block 1 then block 2
    expect(steps.map((st) => `${st.block}.${st.byte}`)).toEqual(
      [0, 1].flatMap((b) => Array.from({ length: 16 }, (_, j) => `${b}.${15 - j}`))
    );
  });

  it('the lines for P₂[15] and P₁[15], worked out by hand from node:crypto', async () => {
    const c = encrypt();
    const { steps } = await narrated(c);
    const I = decipher('ecb', c, null);
    const h = (b: number) => '0x' + b.toString(16).padStart(2, '0');
    // P₂[15] is pad byte 0x10: I₂[15] ⊕ C₁[15] = 0x10, and the accepted C₁′[15] = I₂[15] ⊕ 0x01
    const second = steps.find((st) => st.block === 1 && st.byte === 15)!;
    expect(second.forged).toBe(I[31] ^ 0x01);
    const lines = narrateByte(second);
    expect(lines[1]).toBe(`I₂[15] = C₁′[15] ⊕ 0x01 = ${h(I[31] ^ 1)} ⊕ 0x01 = ${h(I[31])}`);
    expect(lines[2]).toBe(`P₂[15] = I₂[15] ⊕ C₁[15] = ${h(I[31])} ⊕ ${h(c[15])} = 0x10`);
    expect(lines[3]).toMatch(/^\d+ quer(y|ies) for this byte, of at most 256; \d+ in all\.$/);
    // P₁[15] is the '2' of "42"; its previous block is the IV
    const first = steps.find((st) => st.block === 0 && st.byte === 15)!;
    expect(narrateByte(first)[2]).toBe(`P₁[15] = I₁[15] ⊕ IV[15] = ${h(I[15])} ⊕ 0x00 = 0x32 '2'`);
    expect(narrateByte(first)[1]).toBe(`I₁[15] = IV′[15] ⊕ 0x01 = ${h(I[15] ^ 1)} ⊕ 0x01 = ${h(I[15])}`);
    expect(narrateByte(first)[0]).toBe(
      `Query ${first.query} (X sent = IV′, X[15] = ${h(I[15] ^ 1)}) was accepted: I₁ ⊕ IV′ ends in 01, a valid pad.`
    );
    // byte 0 of block 1 aims for 16 × 0x10
    const last = steps.find((st) => st.block === 0 && st.byte === 0)!;
    expect(narrateByte(last)[1]).toBe(`I₁[0] = IV′[0] ⊕ 0x10 = ${h(I[0] ^ 0x10)} ⊕ 0x10 = ${h(I[0])}`);
    expect(narrateByte(last)[0]).toContain('ends in 16 × 10, a valid pad');
    const c1 = steps.find((st) => st.block === 1 && st.byte === 14)!;
    expect(narrateByte(c1)[0]).toBe(
      `Query ${c1.query} (X sent = C₁′, X[14] = ${h(I[30] ^ 2)}) was accepted: I₂ ⊕ C₁′ ends in 02 02, a valid pad.`
    );
    expect(announceByte(first, 2)).toBe(
      `Block 1 of 2, byte 15: P₁[15] = 0x32 '2', after ${first.byteQueries} queries.`
    );
  });

  it('the query named as accepted is one the oracle accepted, for that byte', async () => {
    const c = encrypt();
    const { steps, validGuesses } = await narrated(c);
    for (const st of steps) {
      const g = validGuesses.find((v) => v.queries === st.query)!;
      expect(g).toBeDefined();
      expect([g.block, g.byte, g.guess]).toEqual([st.block, st.byte, st.forged]);
    }
  });
});

describe('byte 15: a false hit, and the value taken without asking', () => {
  const guess = (g: Partial<GuessEvent>): GuessEvent => ({
    type: 'guess',
    block: 0,
    byte: 15,
    guess: 0,
    forged: new Uint8Array(16),
    valid: false,
    recheck: false,
    queries: 1,
    byteQueries: 1,
    intermediate: new Array(16).fill(null),
    ...g
  });
  const forged = (g: number) => Uint8Array.from({ length: 16 }, (_, j) => (j === 15 ? g : 0));
  const done = (intermediate: number): ByteEvent => ({
    type: 'byte',
    block: 0,
    byte: 15,
    intermediate,
    plaintext: intermediate ^ 0xaa,
    byteQueries: 256,
    queries: 256
  });
  const chain = new Uint8Array(16).fill(0xaa);

  it('a batch that held a longer pad first: the refuted hit is not the one narrated', () => {
    // guesses 0x20 (I ⊕ X ends 02 02) and 0x23 (ends 01) both valid in one batch; 0x20's recheck fails
    let s = startNarrator();
    s = afterGuess(s, guess({ guess: 0x20, forged: forged(0x20), valid: true, queries: 33 }));
    s = afterGuess(s, guess({ guess: 0x23, forged: forged(0x23), valid: true, queries: 36 }));
    s = afterGuess(s, guess({ guess: 0x20, forged: forged(0x20), valid: false, recheck: true, queries: 49 }));
    const st = byteStep(s, done(0x22), chain);
    expect(st).toMatchObject({ forged: 0x23, query: 36, intermediate: 0x22, plaintext: 0x22 ^ 0xaa, pad: 1 });
  });

  it('every other value refuted or refused: 0xff taken without asking, and said so', () => {
    let s = startNarrator();
    s = afterGuess(s, guess({ guess: 0x07, forged: forged(0x07), valid: true, queries: 8 }));
    s = afterGuess(s, guess({ guess: 0x07, forged: forged(0x07), valid: false, recheck: true, queries: 9 }));
    const st = byteStep(s, done(0xff ^ 0x01), chain);
    expect(st).toMatchObject({ forged: 0xff, query: null, intermediate: 0xfe, plaintext: 0xfe ^ 0xaa });
    expect(narrateByte(st)[0]).toBe(
      'No other value of IV′[15] was left, so IV′[15] = 0xff without asking: I₁ ⊕ IV′ ends in 01.'
    );
  });

  it('a new byte forgets the last one', () => {
    let s = afterGuess(startNarrator(), guess({ guess: 0x07, forged: forged(0x07), valid: true }));
    s = afterGuess(s, guess({ byte: 14, guess: 0x01, valid: false }));
    expect(s).toEqual({ block: 0, byte: 14, accepted: [], refuted: [] });
  });
});
