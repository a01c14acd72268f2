// Lesson 1's maths against node:crypto (OpenSSL): a flipped bit of Cᵢ garbles Pᵢ and flips exactly
// the same bit of Pᵢ₊₁ (SP 800-38A §6.2); an IV bit flips that bit of P₁; ECB stops at the block;
// the role=admin forgery decrypts under OpenSSL without the key ever being used to make it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FORGERY_KNOWN,
  FORGERY_MESSAGE,
  FORGERY_TARGET,
  IV_BLOCK,
  bitMask,
  diffBlocks,
  flipBit,
  flipExperiment,
  heatMap,
  lessonForgery,
  planForgery
} from '$lib/crypto/bit-flip';
import { hex, nodeBlocks, nodeDecrypt, nodeEncrypt, xorBytes } from '../../helpers/oracles';

const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
const ivArb = fc.uint8Array({ minLength: 16, maxLength: 16 });
const msgArb = fc.uint8Array({ minLength: 0, maxLength: 80 });

const popcount = (b: Uint8Array) => b.reduce((n, x) => n + x.toString(2).replace(/0/g, '').length, 0);

describe('flipBit', () => {
  it('flips exactly one bit of IV ‖ C, MSB first, and leaves the inputs alone', () => {
    const iv = new Uint8Array(16);
    const c = new Uint8Array(32);
    const a = flipBit(iv, c, { block: 1, byte: 3, bit: 0 });
    expect(a.ciphertext[19]).toBe(0x80);
    expect(popcount(a.ciphertext) + popcount(a.iv)).toBe(1);
    const b = flipBit(iv, c, { block: IV_BLOCK, byte: 15, bit: 7 });
    expect(b.iv[15]).toBe(0x01);
    expect(popcount(iv) + popcount(c)).toBe(0);
    expect(bitMask(3)).toBe(0x10);
  });
  it("leaves a Node Buffer's bytes alone too (Buffer#slice is a view, not a copy)", () => {
    const iv = Buffer.alloc(16);
    const c = Buffer.alloc(32);
    flipBit(iv, c, { block: IV_BLOCK, byte: 0, bit: 0 });
    flipBit(iv, c, { block: 1, byte: 0, bit: 0 });
    expect(popcount(iv) + popcount(c)).toBe(0);
  });
  it('refuses positions outside the message', () => {
    expect(() => flipBit(new Uint8Array(16), new Uint8Array(16), { block: 1, byte: 0, bit: 0 })).toThrow(
      /block: expected -1 \(the IV\) to 0, got 1/
    );
    expect(() => flipBit(new Uint8Array(16), new Uint8Array(16), { block: 0, byte: 16, bit: 0 })).toThrow(RangeError);
    expect(() => flipBit(new Uint8Array(16), new Uint8Array(16), { block: 0, byte: 0, bit: 8 })).toThrow(RangeError);
  });
});

describe('flip bit b of Cᵢ (checked with node:crypto decryption)', () => {
  it('Pᵢ is garbled, exactly bit b of Pᵢ₊₁ flips, nothing else changes', () => {
    fc.assert(
      fc.property(keyArb, ivArb, msgArb, fc.nat(), fc.nat(15), fc.nat(7), (key, iv, msg, blockSeed, byte, bit) => {
        const c = nodeEncrypt(key, iv, msg);
        const n = c.length / 16;
        const block = blockSeed % n;
        const t = flipBit(iv, c, { block, byte, bit });
        const before = nodeDecrypt(key, iv, c, false);
        const after = nodeDecrypt(key, t.iv, t.ciphertext, false);
        const delta = xorBytes(before, after);
        for (let i = 0; i < n; i++) {
          const d = delta.subarray(i * 16, i * 16 + 16);
          if (i === block)
            expect(popcount(d)).toBeGreaterThan(1); // AES: about 64 of 128 bits
          else if (i === block + 1) {
            expect(popcount(d)).toBe(1);
            expect(d[byte]).toBe(0x80 >> bit);
          } else expect(popcount(d)).toBe(0);
        }
        // and the pure experiment says the same
        const x = flipExperiment(key, iv, c, { block, byte, bit });
        expect(hex(x.after.padded)).toBe(hex(after));
        expect(x.cbc.map((b) => b.change)).toEqual(
          Array.from({ length: n }, (_, i) => (i === block ? 'garbled' : i === block + 1 ? 'one-bit' : 'same'))
        );
        expect(x.cbc.map((b) => b.changedBits)).toEqual(
          Array.from({ length: n }, (_, i) => popcount(delta.subarray(i * 16, i * 16 + 16)))
        );
        // ECB: only the flipped block, never the next
        expect(x.ecb.map((b) => b.change)).toEqual(
          Array.from({ length: n }, (_, i) => (i === block ? 'garbled' : 'same'))
        );
      }),
      { numRuns: 300 }
    );
  });

  it('an IV bit flips that bit of P₁ and garbles nothing; ECB has no IV, so nothing changes', () => {
    fc.assert(
      fc.property(keyArb, ivArb, msgArb, fc.nat(15), fc.nat(7), (key, iv, msg, byte, bit) => {
        const c = nodeEncrypt(key, iv, msg);
        const x = flipExperiment(key, iv, c, { block: IV_BLOCK, byte, bit });
        const after = nodeDecrypt(key, x.iv, x.ciphertext, false);
        expect(hex(x.after.padded)).toBe(hex(after));
        expect(x.cbc[0].change).toBe('one-bit');
        expect(x.cbc[0].delta[byte]).toBe(0x80 >> bit);
        expect(x.cbc.slice(1).every((b) => b.change === 'same')).toBe(true);
        expect(x.ecb.every((b) => b.change === 'same')).toBe(true);
      }),
      { numRuns: 200 }
    );
  });

  it('the ECB contrast really is ECB: its ciphertext is OpenSSL aes-ecb of the padded plaintext', () => {
    const key = new Uint8Array(16).fill(7);
    const iv = new Uint8Array(16).fill(1);
    const c = nodeEncrypt(key, iv, new TextEncoder().encode('attack at dawn, attack at dusk!'));
    const x = flipExperiment(key, iv, c, { block: 0, byte: 0, bit: 0 });
    expect(hex(x.ecb[0].before) + hex(x.ecb[1].before)).toBe(
      hex(nodeBlocks(key, nodeBlocks(key, x.before.padded), true))
    );
  });

  it('heat map: changed bits per block and byte, 0..8, summing to the block totals', () => {
    const key = new Uint8Array(32).fill(9);
    const iv = new Uint8Array(16);
    const c = nodeEncrypt(key, iv, new Uint8Array(40));
    const x = flipExperiment(key, iv, c, { block: 1, byte: 5, bit: 2 });
    const h = heatMap(x.cbc);
    expect(h.length).toBe(3);
    expect(h[2]).toEqual(Array.from({ length: 16 }, (_, j) => (j === 5 ? 1 : 0)));
    expect(h[0].every((v) => v === 0)).toBe(true);
    expect(h[1].reduce((a, b) => a + b, 0)).toBe(x.cbc[1].changedBits);
    expect(h.flat().every((v) => v >= 0 && v <= 8)).toBe(true);
  });

  it('a flip in the second-to-last block can break the padding: the outcome says so', () => {
    const key = new Uint8Array(16);
    const iv = new Uint8Array(16);
    const c = nodeEncrypt(key, iv, new TextEncoder().encode('0123456789abcdef0123')); // pad 12×0x0c
    const x = flipExperiment(key, iv, c, { block: 0, byte: 15, bit: 7 }); // last pad byte 0x0c → 0x0d
    expect(x.padding.ok).toBe(false);
    expect(x.after.padding.ok).toBe(false);
  });
});

describe('the role=admin forgery', () => {
  it('the lesson message puts "role=user ;" wholly inside P₂ (index 1), so editing C₁ reaches it', () => {
    const at = FORGERY_MESSAGE.indexOf(FORGERY_KNOWN);
    expect(Math.floor(at / 16)).toBe(1);
    expect(Math.floor((at + FORGERY_KNOWN.length - 1) / 16)).toBe(1);
    expect(FORGERY_TARGET.length).toBe(FORGERY_KNOWN.length);
  });

  it('decrypts to role=admin under node:crypto, for random keys and IVs; only P₁ (the memo) is garbage', () => {
    fc.assert(
      fc.property(keyArb, ivArb, (key, iv) => {
        const { plan, original } = lessonForgery(key, iv);
        expect(hex(original.ciphertext)).toBe(hex(nodeEncrypt(key, iv, new TextEncoder().encode(FORGERY_MESSAGE))));
        const forged = nodeDecrypt(key, plan.iv, plan.ciphertext); // OpenSSL's own PKCS#7 check passes
        const tail = Buffer.from(forged.subarray(16)).toString('latin1');
        expect(tail).toBe(FORGERY_MESSAGE.slice(16).replace(FORGERY_KNOWN, FORGERY_TARGET));
        expect(tail).toContain('role=admin;');
        expect(plan.editedBlock).toBe(0);
        expect(plan.garbledBlock).toBe(0);
        expect(hex(plan.iv)).toBe(hex(iv));
        expect(hex(plan.ciphertext.subarray(16))).toBe(hex(original.ciphertext.subarray(16)));
        // only the bytes where "user " and "admin" differ were touched
        const d = diffBlocks(original.padded, forged);
        expect(d[1].changedBytes).toBe(plan.bytes.length);
        expect(plan.bytes.length).toBe(5);
      }),
      { numRuns: 100 }
    );
  });

  it('in P₁ the edit goes into the IV (C₀), and nothing is garbled', () => {
    const key = new Uint8Array(16).fill(3);
    const iv = new Uint8Array(16).fill(5);
    const msg = 'role=user ;uid=7;memo=hello';
    const { plan } = lessonForgery(key, iv, msg);
    expect(plan.editedBlock).toBe(IV_BLOCK);
    expect(plan.garbledBlock).toBeNull();
    expect(Buffer.from(nodeDecrypt(key, plan.iv, plan.ciphertext)).toString()).toBe('role=admin;uid=7;memo=hello');
  });

  it('any same-length rewrite inside one block: the target block reads P′ under OpenSSL, the edited block alone is garbled', () => {
    fc.assert(
      fc.property(
        keyArb,
        ivArb,
        fc.uint8Array({ minLength: 1, maxLength: 80 }),
        fc.nat(),
        fc.nat(),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (key, iv, msg, offSeed, lenSeed, replacement) => {
          const c = nodeEncrypt(key, iv, msg);
          const padded = nodeDecrypt(key, iv, c, false);
          const offset = offSeed % padded.length;
          const len = 1 + (lenSeed % (16 - (offset % 16)));
          const target = replacement.subarray(0, len);
          const plan = planForgery(iv, c, offset, padded.subarray(offset, offset + len), target);
          const after = nodeDecrypt(key, plan.iv, plan.ciphertext, false);
          expect(hex(after.subarray(offset, offset + len))).toBe(hex(target));
          const d = diffBlocks(padded, after);
          d.forEach((b, i) => {
            if (i === plan.garbledBlock) expect(b.change).toBe('garbled');
            else if (i !== plan.targetBlock) expect(b.change).toBe('same');
          });
          // outside the rewritten bytes, the target block is untouched
          const blk = plan.targetBlock * 16;
          for (let j = blk; j < blk + 16; j++) if (j < offset || j >= offset + len) expect(after[j]).toBe(padded[j]);
        }
      ),
      { numRuns: 300 }
    );
  });

  it('refuses a replacement of another length, or one that crosses a block boundary', () => {
    const iv = new Uint8Array(16);
    const c = new Uint8Array(48);
    expect(() => planForgery(iv, c, 16, new TextEncoder().encode('user'), new TextEncoder().encode('admin'))).toThrow(
      /cannot insert or delete/
    );
    expect(() => planForgery(iv, c, 14, new Uint8Array(4), new Uint8Array(4))).toThrow(
      /within one block, got bytes 14\.\.17, which cross into block 2 \(counting from 1/
    );
  });
});
