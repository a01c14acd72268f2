// The teaching AES (src/lib/crypto/teaching-aes.ts) against independent truth:
// - FIPS-197 (2001) appendix A (key expansion words), appendix B (the cipher example) and
//   appendix C.1–C.3 (round-by-round values, cipher and inverse cipher), typed from the standard;
// - node:crypto aes-xxx-ecb for the outputs of those examples;
// - node-forge through aes-block.ts for random keys and blocks, both directions, and for every
//   block of random CBC traces.
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBlockCipher, encryptTrace, decryptTrace } from '$lib/crypto';
import { changedMask, countTrue, explainCell, lessonSteps, sourcesOf } from '$lib/components/lessons/aes/steps';
import { compute, readLink, writeLink } from '../../../src/routes/lessons/aes-rounds/compute';
import {
  INV_SBOX,
  SBOX,
  avalanche,
  decryptRounds,
  encryptRounds,
  expandKey,
  flipBit,
  gmul,
  hammingDistance,
  invMixColumns,
  invShiftRows,
  mixColumns,
  shiftRows
} from '$lib/crypto/teaching-aes';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'));
const ecb = (key: Uint8Array, block: Uint8Array) => {
  const c = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
  c.setAutoPadding(false);
  return hex(Buffer.concat([c.update(block), c.final()]));
};

describe('S-box (§5.1.1, Figure 7 and Figure 14)', () => {
  it('has the published corner values and is a permutation inverted by INV_SBOX', () => {
    // Figure 7: S(00) = 63, S(01) = 7c, S(53) = ed (the worked example in §5.1.1), S(ff) = 16
    expect([SBOX[0x00], SBOX[0x01], SBOX[0x53], SBOX[0xff]]).toEqual([0x63, 0x7c, 0xed, 0x16]);
    // Figure 14: InvS(00) = 52, InvS(ff) = 7d
    expect([INV_SBOX[0x00], INV_SBOX[0xff]]).toEqual([0x52, 0x7d]);
    expect(new Set(SBOX).size).toBe(256);
    for (let x = 0; x < 256; x++) expect(INV_SBOX[SBOX[x]]).toBe(x);
  });
  it('has no fixed points and no opposite fixed points (the design rule behind the constant {63})', () => {
    for (let x = 0; x < 256; x++) {
      expect(SBOX[x]).not.toBe(x);
      expect(SBOX[x]).not.toBe(x ^ 0xff);
    }
  });
  it('first row of Figure 7', () => {
    expect(hex(Uint8Array.from(SBOX.slice(0, 16)))).toBe('637c777bf26b6fc53001672bfed7ab76');
  });
  it('GF(2^8) multiplication: {57}•{83} = {c1} and {57}•{13} = {fe} (§4.2)', () => {
    expect(gmul(0x57, 0x83)).toBe(0xc1);
    expect(gmul(0x57, 0x13)).toBe(0xfe);
  });
});

describe('round transformations', () => {
  it('ShiftRows/MixColumns invert, for random states', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (s) => {
        expect(hex(invShiftRows(shiftRows(s)))).toBe(hex(s));
        expect(hex(invMixColumns(mixColumns(s)))).toBe(hex(s));
      }),
      { numRuns: 100 }
    );
  });
  it('MixColumns of the appendix B round 1 column d4 bf 5d 30 is 04 66 81 e5', () => {
    const s = bytes('d4bf5d30 e0b452ae b84111f1 1e2798e5');
    expect(hex(mixColumns(s))).toBe('046681e5e0cb199a48f8d37a2806264c');
  });
});

describe('key expansion: FIPS-197 appendix A', () => {
  it('A.1 (AES-128, key 2b7e1516…): w4 with its RotWord/SubWord/Rcon, and w43', () => {
    const x = expandKey(bytes('2b7e151628aed2a6abf7158809cf4f3c'));
    expect(x.nr).toBe(10);
    expect(x.words).toHaveLength(44);
    const w4 = x.words[4];
    expect(w4.kind).toBe('rot-sub-rcon');
    expect(hex(w4.temp!)).toBe('09cf4f3c');
    expect(hex(w4.afterRotWord!)).toBe('cf4f3c09');
    expect(hex(w4.afterSubWord!)).toBe('8a84eb01');
    expect(hex(w4.rcon!)).toBe('01000000');
    expect(hex(w4.afterRcon!)).toBe('8b84eb01');
    expect(hex(w4.wMinusNk!)).toBe('2b7e1516');
    expect(hex(w4.word)).toBe('a0fafe17');
    expect(hex(x.words[5].word)).toBe('88542cb1');
    expect(x.words[5].kind).toBe('xor');
    expect(hex(x.words[40].rcon!)).toBe('36000000');
    expect(hex(x.words[43].word)).toBe('b6630ca6');
    expect(hex(x.roundKeys[10])).toBe('d014f9a8c9ee2589e13f0cc8b6630ca6');
  });
  it('A.2 (AES-192, key 8e73b0f7…): w6, w12, w48 and w51', () => {
    const x = expandKey(bytes('8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b'));
    expect(x.nr).toBe(12);
    expect(x.words).toHaveLength(52);
    const w6 = x.words[6];
    expect([
      hex(w6.temp!),
      hex(w6.afterRotWord!),
      hex(w6.afterSubWord!),
      hex(w6.rcon!),
      hex(w6.afterRcon!),
      hex(w6.wMinusNk!),
      hex(w6.word)
    ]).toEqual(['522c6b7b', '2c6b7b52', '717f2100', '01000000', '707f2100', '8e73b0f7', 'fe0c91f7']);
    expect(hex(x.words[12].word)).toBe('4db7b4bd');
    expect(hex(x.words[48].rcon!)).toBe('80000000');
    expect(hex(x.words[48].word)).toBe('e98ba06f');
    expect(hex(x.words[51].word)).toBe('01002202');
  });
  it('A.3 (AES-256, key 603deb10…): w8, the SubWord-only w12, w56 and w59', () => {
    const x = expandKey(bytes('603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4'));
    expect(x.nr).toBe(14);
    expect(x.words).toHaveLength(60);
    expect(hex(x.words[8].afterSubWord!)).toBe('fa9ebf01');
    expect(hex(x.words[8].word)).toBe('9ba35411');
    const w12 = x.words[12];
    expect(w12.kind).toBe('sub');
    expect(w12.afterRotWord).toBeUndefined();
    expect(hex(w12.temp!)).toBe('2067fcde');
    expect(hex(w12.afterSubWord!)).toBe('b785b01d');
    expect(hex(w12.word)).toBe('a8b09c1a');
    expect(hex(x.words[56].rcon!)).toBe('40000000');
    expect(hex(x.words[56].word)).toBe('fe4890d1');
    expect(hex(x.words[59].word)).toBe('706c631e');
  });
});

describe('the cipher: FIPS-197 appendix B', () => {
  it('round states of the worked example, and the output', () => {
    const key = bytes('2b7e151628aed2a6abf7158809cf4f3c');
    const input = bytes('3243f6a8885a308d313198a2e0370734');
    const r = encryptRounds(key, input);
    const f = r.fips;
    expect(hex(f[1].values.start)).toBe('193de3bea0f4e22b9ac68d2ae9f84808');
    expect(hex(f[1].values.s_box)).toBe('d42711aee0bf98f1b8b45de51e415230');
    expect(hex(f[1].values.s_row)).toBe('d4bf5d30e0b452aeb84111f11e2798e5');
    expect(hex(f[1].values.m_col)).toBe('046681e5e0cb199a48f8d37a2806264c');
    expect(hex(f[1].values.k_sch)).toBe('a0fafe1788542cb123a339392a6c7605');
    expect(hex(f[2].values.start)).toBe('a49c7ff2689f352b6b5bea43026a5049');
    expect(hex(f[10].values.start)).toBe('eb40f21e592e38848ba113e71bc342d2');
    expect(hex(r.output)).toBe('3925841d02dc09fbdc118597196a0b32');
    expect(hex(r.output)).toBe(ecb(key, input));
  });
});

// Appendix C: plaintext 00112233…eeff, key 000102…; [round, name, value] rows as printed.
const PLAIN = '00112233445566778899aabbccddeeff';
const C1: [number, string, string][] = [
  [0, 'input', '00112233445566778899aabbccddeeff'],
  [0, 'k_sch', '000102030405060708090a0b0c0d0e0f'],
  [1, 'start', '00102030405060708090a0b0c0d0e0f0'],
  [1, 's_box', '63cab7040953d051cd60e0e7ba70e18c'],
  [1, 's_row', '6353e08c0960e104cd70b751bacad0e7'],
  [1, 'm_col', '5f72641557f5bc92f7be3b291db9f91a'],
  [1, 'k_sch', 'd6aa74fdd2af72fadaa678f1d6ab76fe'],
  [2, 'start', '89d810e8855ace682d1843d8cb128fe4'],
  [2, 's_box', 'a761ca9b97be8b45d8ad1a611fc97369'],
  [2, 's_row', 'a7be1a6997ad739bd8c9ca451f618b61'],
  [2, 'm_col', 'ff87968431d86a51645151fa773ad009'],
  [2, 'k_sch', 'b692cf0b643dbdf1be9bc5006830b3fe'],
  [3, 'start', '4915598f55e5d7a0daca94fa1f0a63f7'],
  [5, 'm_col', 'f4bcd45432e554d075f1d6c51dd03b3c'],
  [9, 'start', 'fde3bad205e5d0d73547964ef1fe37f1'],
  [9, 'm_col', 'e9f74eec023020f61bf2ccf2353c21c7'],
  [9, 'k_sch', '549932d1f08557681093ed9cbe2c974e'],
  [10, 'start', 'bd6e7c3df2b5779e0b61216e8b10b689'],
  [10, 's_box', '7a9f102789d5f50b2beffd9f3dca4ea7'],
  [10, 's_row', '7ad5fda789ef4e272bca100b3d9ff59f'],
  [10, 'k_sch', '13111d7fe3944a17f307a78b4d2b30c5'],
  [10, 'output', '69c4e0d86a7b0430d8cdb78070b4c55a']
];
const C1_INV: [number, string, string][] = [
  [0, 'iinput', '69c4e0d86a7b0430d8cdb78070b4c55a'],
  [0, 'ik_sch', '13111d7fe3944a17f307a78b4d2b30c5'],
  [1, 'istart', '7ad5fda789ef4e272bca100b3d9ff59f'],
  [1, 'is_row', '7a9f102789d5f50b2beffd9f3dca4ea7'],
  [1, 'is_box', 'bd6e7c3df2b5779e0b61216e8b10b689'],
  [1, 'ik_sch', '549932d1f08557681093ed9cbe2c974e'],
  [1, 'ik_add', 'e9f74eec023020f61bf2ccf2353c21c7'],
  [2, 'istart', '54d990a16ba09ab596bbf40ea111702f'],
  [10, 'ioutput', '00112233445566778899aabbccddeeff']
];
const C2: [number, string, string][] = [
  [0, 'k_sch', '000102030405060708090a0b0c0d0e0f'],
  [1, 'start', '00102030405060708090a0b0c0d0e0f0'],
  [1, 'k_sch', '10111213141516175846f2f95c43f4fe'],
  [2, 'start', '4f63760643e0aa85aff8c9d041fa0de4'],
  [2, 's_box', '84fb386f1ae1ac977941dd70832dd769'],
  [2, 's_row', '84e1dd691a41d76f792d389783fbac70'],
  [2, 'm_col', '9f487f794f955f662afc86abd7f1ab29'],
  [2, 'k_sch', '544afef55847f0fa4856e2e95c43f4fe'],
  [3, 'start', 'cb02818c17d2af9c62aa64428bb25fd7'],
  [11, 'm_col', '71d720933b6d677dc00b8f28238e0fb7'],
  [12, 'start', 'afb73eeb1cd1b85162280f27fb20d585'],
  [12, 's_box', '79a9b2e99c3e6cd1aa3476cc0fb70397'],
  [12, 's_row', '793e76979c3403e9aab7b2d10fa96ccc'],
  [12, 'k_sch', 'a4970a331a78dc09c418c271e3a41d5d'],
  [12, 'output', 'dda97ca4864cdfe06eaf70a0ec0d7191']
];
const C3: [number, string, string][] = [
  [1, 'k_sch', '101112131415161718191a1b1c1d1e1f'],
  [2, 'start', '4f63760643e0aa85efa7213201a4e705'],
  [2, 's_box', '84fb386f1ae1ac97df5cfd237c49946b'],
  [2, 's_row', '84e1fd6b1a5c946fdf4938977cfbac23'],
  [2, 'm_col', 'bd2a395d2b6ac438d192443e615da195'],
  [2, 'k_sch', 'a573c29fa176c498a97fce93a572c09c'],
  [3, 'start', '1859fbc28a1c00a078ed8aadc42f6109'],
  [7, 'm_col', 'ebb19e1c3ee7c9e87d7535e9ed6b9144'],
  [13, 'k_sch', '4e5a6699a9f24fe07e572baacdf8cdea'],
  [14, 'start', '627bceb9999d5aaac945ecf423f56da5'],
  [14, 's_box', 'aa218b56ee5ebeacdd6ecebf26e63c06'],
  [14, 's_row', 'aa5ece06ee6e3c56dde68bac2621bebf'],
  [14, 'k_sch', '24fc79ccbf0979e9371ac23c6d68de36'],
  [14, 'output', '8ea2b7ca516745bfeafc49904b496089']
];
const C3_INV: [number, string, string][] = [
  [0, 'iinput', '8ea2b7ca516745bfeafc49904b496089'],
  [0, 'ik_sch', '24fc79ccbf0979e9371ac23c6d68de36'],
  [1, 'istart', 'aa5ece06ee6e3c56dde68bac2621bebf'],
  [1, 'is_row', 'aa218b56ee5ebeacdd6ecebf26e63c06'],
  [1, 'is_box', '627bceb9999d5aaac945ecf423f56da5'],
  [1, 'ik_sch', '4e5a6699a9f24fe07e572baacdf8cdea'],
  [1, 'ik_add', '2c21a820306f154ab712c75eee0da04f'],
  [2, 'istart', 'd1ed44fd1a0f3f2afa4ff27b7c332a69'],
  [2, 'is_row', 'd133f22a1aed2a7bfa0f44697c4f3ffd'],
  [2, 'is_box', '516604954353950314fb86e401922521'],
  [14, 'ioutput', '00112233445566778899aabbccddeeff']
];

describe('FIPS-197 appendix C, round by round', () => {
  const cases = [
    { name: 'C.1 AES-128', key: '000102030405060708090a0b0c0d0e0f', enc: C1, dec: C1_INV, nr: 10 },
    { name: 'C.2 AES-192', key: '000102030405060708090a0b0c0d0e0f1011121314151617', enc: C2, dec: [], nr: 12 },
    {
      name: 'C.3 AES-256',
      key: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
      enc: C3,
      dec: C3_INV,
      nr: 14
    }
  ];
  for (const c of cases) {
    it(`${c.name}: cipher rows, output = node:crypto`, () => {
      const key = bytes(c.key);
      const r = encryptRounds(key, bytes(PLAIN));
      expect(r.nr).toBe(c.nr);
      expect(r.fips).toHaveLength(c.nr + 1);
      for (const [round, name, value] of c.enc)
        expect(`${round}.${name} ${hex(r.fips[round].values[name])}`).toBe(`${round}.${name} ${value}`);
      expect(r.fips[c.nr].values.m_col).toBeUndefined();
      expect(hex(r.output)).toBe(ecb(key, bytes(PLAIN)));
      // the steps in order: AddRoundKey, then 4 per round, 3 in the last
      expect(r.steps).toHaveLength(1 + 4 * (c.nr - 1) + 3);
      expect(r.steps.map((s) => s.op).slice(0, 5)).toEqual([
        'AddRoundKey',
        'SubBytes',
        'ShiftRows',
        'MixColumns',
        'AddRoundKey'
      ]);
      expect(hex(r.steps.at(-1)!.after)).toBe(hex(r.output));
    });
    it(`${c.name}: inverse cipher rows recover the plaintext`, () => {
      const key = bytes(c.key);
      const out = c.enc.find(([, n]) => n === 'output')![2];
      const r = decryptRounds(key, bytes(out));
      for (const [round, name, value] of c.dec)
        expect(`${round}.${name} ${hex(r.fips[round].values[name])}`).toBe(`${round}.${name} ${value}`);
      expect(hex(r.output)).toBe(PLAIN);
      expect(r.steps.map((s) => s.op).slice(0, 5)).toEqual([
        'AddRoundKey',
        'InvShiftRows',
        'InvSubBytes',
        'AddRoundKey',
        'InvMixColumns'
      ]);
    });
  }
});

describe('equals node-forge (aes-block.ts) for random keys and blocks', () => {
  const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
  const blockArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
  it('encrypt and decrypt, 400 cases over all key sizes', () => {
    fc.assert(
      fc.property(keyArb, blockArb, (key, block) => {
        const forge = createBlockCipher(key);
        const c = new Uint8Array(16);
        forge.encryptBlock(block, 0, c, 0);
        const enc = encryptRounds(key, block);
        expect(hex(enc.output)).toBe(hex(c));
        const p = new Uint8Array(16);
        forge.decryptBlock(block, 0, p, 0);
        const dec = decryptRounds(key, block);
        expect(hex(dec.output)).toBe(hex(p));
        // and the teaching inverse undoes the teaching cipher
        expect(hex(decryptRounds(enc.expansion, enc.output).output)).toBe(hex(block));
      }),
      { numRuns: 400 }
    );
  });
  it('for every block of random CBC traces: AES(xored) = cipherBlock, AES⁻¹(cipherBlock) = xored', () => {
    fc.assert(
      fc.property(keyArb, blockArb, fc.uint8Array({ minLength: 0, maxLength: 120 }), (key, iv, plaintext) => {
        const t = encryptTrace({ key, iv, plaintext });
        const expansion = expandKey(key);
        for (const b of t.blocks) {
          expect(hex(encryptRounds(expansion, b.xored).output)).toBe(hex(b.cipherBlock));
        }
        const d = decryptTrace({ key, iv, ciphertext: t.ciphertext });
        for (const b of d.blocks) expect(hex(decryptRounds(expansion, b.cipherBlock).output)).toBe(hex(b.xored));
      }),
      { numRuns: 60 }
    );
  });
});

describe('avalanche', () => {
  it('flipBit flips exactly one bit, MSB first', () => {
    const z = new Uint8Array(16);
    expect(hex(flipBit(z, 0))).toBe('80' + '00'.repeat(15));
    expect(hex(flipBit(z, 127))).toBe('00'.repeat(15) + '01');
    expect(hammingDistance(z, flipBit(z, 77))).toBe(1);
  });
  it('counts per round match a direct comparison, and one flipped bit reaches all 16 bytes by round 2', () => {
    const key = bytes('000102030405060708090a0b0c0d0e0f');
    const r = encryptRounds(key, bytes(PLAIN));
    const a = avalanche(r, 0);
    expect(a.bitsPerRound[0]).toBe(1);
    expect(a.bytesPerRound[0]).toBe(1);
    // round 1: SubBytes keeps the change in one byte, MixColumns spreads it over one column
    expect(a.bytesPerRound[1]).toBe(4);
    expect(a.bytesPerRound[2]).toBe(16);
    expect(hex(a.flippedOutput)).toBe(ecb(key, flipBit(bytes(PLAIN), 0)));
    expect(a.bitsPerRound[10]).toBe(hammingDistance(r.output, a.flippedOutput));
  });
  it('after round 2, about half of the 128 bits differ on average', () => {
    let total = 0;
    let n = 0;
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.integer({ min: 0, max: 127 }),
        (key, block, bit) => {
          const a = avalanche(encryptRounds(key, block), bit);
          for (let round = 2; round <= 10; round++) total += a.bitsPerRound[round];
          n += 9;
        }
      ),
      { numRuns: 100 }
    );
    expect(Math.abs(total / n - 64)).toBeLessThan(3);
  });
});

describe("the lesson model (steps.ts, the route's compute.ts)", () => {
  const key = bytes('000102030405060708090a0b0c0d0e0f');
  const r = encryptRounds(key, bytes(PLAIN));
  it('steps: Nr+1 round keys, the input, every transformation, the output', () => {
    for (const [k, n] of [
      [16, 53],
      [24, 63],
      [32, 73]
    ] as const) {
      expect(lessonSteps(encryptRounds(new Uint8Array(k), bytes(PLAIN)))).toHaveLength(n);
    }
    const s = lessonSteps(r);
    expect(s[0]).toEqual({ kind: 'key', round: 0 });
    expect(s[11]).toEqual({ kind: 'input' });
    expect(s.at(-1)).toEqual({ kind: 'output' });
  });
  it('explains a byte from the bytes it came from, and rings those', () => {
    const mix = r.steps[3]; // round 1 MixColumns
    expect(mix.op).toBe('MixColumns');
    expect(explainCell(mix, 0)).toBe("s'[0,0] = 02•63 ⊕ 03•53 ⊕ 01•e0 ⊕ 01•8c = 5f");
    expect(sourcesOf(mix, 6)).toEqual([4, 5, 6, 7]);
    const shift = r.steps[2];
    expect(explainCell(shift, 5)).toBe("s'[1,1] = s[1,2] = 60 (row 1 moved 1 left)");
    expect(sourcesOf(shift, 5)).toEqual([9]);
    expect(countTrue(changedMask(shift.before, shift.after))).toBe(12);
    const inv = decryptRounds(key, r.output).steps[1];
    expect(inv.op).toBe('InvShiftRows');
    // every source really holds the byte InvShiftRows put there
    for (let j = 0; j < 16; j++) expect(inv.before[sourcesOf(inv, j)[0]]).toBe(inv.after[j]);
  });
  it('deep links: ?key=&block=, ?key=&iv=&text=&i=, errors on the field', () => {
    const a = readLink(
      new URLSearchParams('key=000102030405060708090a0b0c0d0e0f&block=00112233445566778899aabbccddeeff&step=9&bit=3')
    );
    expect(a.step).toBe(9);
    expect(a.bit).toBe(3);
    expect(hex(compute(a.form).picked!.rounds.output)).toBe('69c4e0d86a7b0430d8cdb78070b4c55a');
    expect(readLink(new URLSearchParams(writeLink(a.form, 9, 3).slice(1)))).toEqual(a);

    const t = readLink(
      new URLSearchParams(
        'key=2b7e151628aed2a6abf7158809cf4f3c&iv=000102030405060708090a0b0c0d0e0f&text=Meet%20me%20at%20the%20old%20mill%20at%20six.&i=1'
      )
    );
    const picked = compute(t.form).picked!;
    const trace = encryptTrace({
      key: bytes('2b7e151628aed2a6abf7158809cf4f3c'),
      iv: bytes('000102030405060708090a0b0c0d0e0f'),
      plaintext: new TextEncoder().encode('Meet me at the old mill at six.')
    });
    expect(picked.index).toBe(1);
    expect(hex(picked.rounds.input)).toBe(hex(trace.blocks[1].xored));
    expect(hex(picked.rounds.output)).toBe(hex(trace.blocks[1].cipherBlock));
    const d = compute({ ...t.form, dir: 'decrypt', i: 99 }).picked!;
    expect(d.index).toBe(1);
    expect(hex(d.rounds.output)).toBe(hex(trace.blocks[1].xored));

    expect(compute({ ...a.form, key: '0011' }).errors.key?.code).toBe('ERR_KEY_LENGTH');
    expect(compute({ ...a.form, block: '0011' }).errors.block?.code).toBe('ERR_PLAINTEXT_LENGTH');
    expect(compute({ ...a.form, block: 'zz' }).errors.block?.code).toBe('ERR_BAD_HEX');
    expect(compute({ ...t.form, iv: '00' }).errors.iv?.code).toBe('ERR_IV_LENGTH');
  });
});
