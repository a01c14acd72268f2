// IV reuse (lesson 5, /live flags): frames made with node:crypto, found by findIvReuse.
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { equalLeadingBlocks, findIvReuse, IvReuseTracker, type IvFrame } from '$lib/crypto/iv-reuse';

const key = Buffer.from('000102030405060708090a0b0c0d0e0f1011121314151617', 'hex');
function frame(id: string, iv: Buffer, text: string | Uint8Array): IvFrame {
  const c = createCipheriv('aes-192-cbc', key, iv);
  return { id, iv, ciphertext: new Uint8Array(Buffer.concat([c.update(text), c.final()])) };
}
const IV1 = Buffer.alloc(16, 1);
const IV2 = Buffer.alloc(16, 2);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('findIvReuse', () => {
  it('equal messages under a reused IV: equal ciphertexts, flagged as identical', () => {
    const r = findIvReuse([
      frame('a', IV1, 'attack at dawn'),
      frame('b', IV1, 'attack at dawn'),
      frame('c', IV2, 'attack at dawn')
    ]);
    expect(r.reusedIvs).toEqual([{ ivHex: hex(IV1), frames: ['a', 'b'] }]);
    expect(r.sharedPrefixes).toEqual([{ a: 'a', b: 'b', ivHex: hex(IV1), blocks: 1, identical: true }]);
    expect(r.repeatedBlocks).toHaveLength(1);
    expect(r.repeatedBlocks[0].at).toEqual([
      { id: 'a', block: 0 },
      { id: 'b', block: 0 }
    ]);
    expect([...r.flagged].sort()).toEqual(['a', 'b']);
  });

  it('equal prefix under an equal IV ⇒ equal first blocks, and only as many as the prefix covers', () => {
    const p = 'transfer 100 EUR to account 12345678 '; // 37 bytes: two whole blocks shared
    const r = findIvReuse([frame('x', IV1, p + 'from alice'), frame('y', IV1, p + 'from bob!!')]);
    expect(r.sharedPrefixes).toEqual([{ a: 'x', b: 'y', ivHex: hex(IV1), blocks: 2, identical: false }]);
    expect(r.repeatedBlocks.map((b) => b.at)).toEqual([
      [
        { id: 'x', block: 0 },
        { id: 'y', block: 0 }
      ],
      [
        { id: 'x', block: 1 },
        { id: 'y', block: 1 }
      ]
    ]);
  });

  it('fresh IVs: nothing found for the same messages', () => {
    const r = findIvReuse([frame('a', IV1, 'attack at dawn'), frame('b', IV2, 'attack at dawn')]);
    expect(r.reusedIvs).toEqual([]);
    expect(r.sharedPrefixes).toEqual([]);
    expect(r.repeatedBlocks).toEqual([]);
    expect(r.flagged.size).toBe(0);
  });

  it('property: the shared prefix under one IV is floor(common plaintext prefix / 16) blocks (or more only by identity)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70 }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        (prefix, t1, t2, iv) => {
          fc.pre(t1[0] !== t2[0]);
          const a = frame('a', Buffer.from(iv), Buffer.concat([prefix, t1]));
          const b = frame('b', Buffer.from(iv), Buffer.concat([prefix, t2]));
          expect(equalLeadingBlocks(a.ciphertext, b.ciphertext)).toBe(Math.floor(prefix.length / 16));
          const r = findIvReuse([a, b]);
          expect(r.reusedIvs).toHaveLength(1);
          const shared = Math.floor(prefix.length / 16);
          expect(r.sharedPrefixes).toEqual(
            shared ? [{ a: 'a', b: 'b', ivHex: hex(iv), blocks: shared, identical: false }] : []
          );
        }
      ),
      { numRuns: 300 }
    );
  });

  it('reports a repeated block inside one frame with both positions', () => {
    const f: IvFrame = { id: 'ecb-ish', iv: IV1, ciphertext: new Uint8Array(48).fill(5) };
    const r = findIvReuse([f]);
    expect(r.repeatedBlocks[0].at).toEqual([0, 1, 2].map((block) => ({ id: 'ecb-ish', block })));
  });
});

describe('IvReuseTracker (incremental)', () => {
  const add = (t: IvReuseTracker, id: number, f: IvFrame, domain = '') => t.add(id, f.iv, f.ciphertext, domain);

  it('agrees with findIvReuse: the later frame names the first, block by block', () => {
    const p = 'transfer 100 EUR to account 12345678 ';
    const t = new IvReuseTracker();
    expect(add(t, 1, frame('1', IV1, p + 'from alice'))).toBeUndefined();
    expect(add(t, 2, frame('2', IV2, 'unrelated'))).toBeUndefined();
    const f = add(t, 3, frame('3', IV1, p + 'from bob!!'))!;
    expect(f.ivFirstId).toBe(1);
    expect(f.blocks).toEqual([
      { block: 0, firstId: 1, firstBlock: 0 },
      { block: 1, firstId: 1, firstBlock: 1 }
    ]);
    expect([t.reusedIvs, t.repeatedBlocks]).toEqual([1, 2]);
    expect(t.get(3)).toBe(f);
    expect(t.get(1)).toBeUndefined();
  });

  it('property: flags exactly the later frames findIvReuse flags', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b', 'a longer message, two blocks')), {
          maxLength: 12
        }),
        (spec) => {
          const frames = spec.map(([iv, text], i) => frame(String(i), Buffer.alloc(16, iv), text));
          const t = new IvReuseTracker();
          const flaggedLater = new Set(frames.filter((f, i) => add(t, i, f)).map((f) => f.id));
          const batch = findIvReuse(frames);
          // every flagged frame of the batch is flagged incrementally unless it is the first of its group
          for (const id of batch.flagged) {
            const firstIv = batch.reusedIvs.some((r) => r.frames[0] === id);
            const firstBlocks = batch.repeatedBlocks
              .filter((r) => r.at.some((p) => p.id === id))
              .every((r) => r.at[0].id === id);
            expect(flaggedLater.has(id)).toBe(
              !(firstIv && firstBlocks) || batch.repeatedBlocks.some((r) => r.at.filter((p) => p.id === id).length > 1)
            );
          }
          for (const id of flaggedLater) expect(batch.flagged.has(id)).toBe(true);
        }
      )
    );
  });

  it("a delivered copy (isCopy) is not a reuse and inherits its original's finding", () => {
    const t = new IvReuseTracker((first, id) => id >= 10 && first < 10);
    const m = frame('m', IV1, 'hi all');
    expect(add(t, 1, m)).toBeUndefined();
    expect(add(t, 10, m)).toBeUndefined(); // copy of 1
    expect(t.get(10)?.copyOf).toBe(1);
    const again = frame('x', IV1, 'hi again');
    expect(add(t, 2, again)?.ivFirstId).toBe(1);
    // a copy of a frame that reused the IV is flagged like it, but not counted again
    expect(add(t, 11, again)).toEqual({ ivFirstId: 1, blocks: [], copyOf: 2 });
    expect([t.reusedIvs, t.repeatedBlocks]).toEqual([1, 0]);
    expect(add(t, 3, m)).toMatchObject({ ivFirstId: 1, blocks: [{ block: 0, firstId: 1, firstBlock: 0 }] }); // isCopy says no: sealed again
  });

  it('domains keep IVs under different keys apart', () => {
    const t = new IvReuseTracker();
    add(t, 1, frame('a', IV1, 'x'), 'cbc');
    expect(add(t, 2, { id: 'b', iv: IV1, ciphertext: new Uint8Array(16).fill(9) }, 'gcm')).toBeUndefined();
  });

  it('a 1 MiB ciphertext is tracked whole (its key was a spread into fromCharCode: RangeError)', () => {
    const t = new IvReuseTracker();
    const big = new Uint8Array(1 << 20).fill(7);
    // 65,536 equal blocks: every one after the first repeats block 0 of frame 1
    const found = add(t, 1, { id: 'a', iv: IV1, ciphertext: big });
    expect(found?.blocks.length).toBe((1 << 16) - 1);
    expect(found?.blocks[0]).toEqual({ block: 1, firstId: 1, firstBlock: 0 });
    expect(add(t, 2, { id: 'b', iv: IV1, ciphertext: big })?.ivFirstId).toBe(1);
  });
});

describe('IvWatch (/live): IVs cut from captured frames without the key; relayed copies', async () => {
  const { IvWatch, sealedParts } = await import('$lib/components/live/iv-watch');
  const { deriveKeys, sealFrame, sealLine } = await import('../../../server/suites.ts');
  const keys = deriveKeys(key);
  type F = import('$lib/protocol/capture').CapturedFrame;
  let seq = 0;
  const cap = (wire: Uint8Array, conn: number, dir: 'c2s' | 's2c', time = 0): F => ({
    seq: ++seq,
    time,
    conn,
    dir,
    framing: wire[0] === 0xcb ? 'native' : 'line',
    length: wire.length,
    bytes: Buffer.from(wire).toString('base64')
  });

  it('finds the IV (line: first 16 decoded bytes; native: after the 13-byte header; gcm: 12-byte nonce)', () => {
    const l = sealLine(key, Buffer.from('hi'), IV1);
    expect(hex(sealedParts(cap(l, 1, 'c2s'))!.iv)).toBe(hex(IV1));
    for (const suite of ['cbc', 'cbc-hmac', 'gcm'] as const) {
      const w = sealFrame(keys, { type: 'chat', suite, seq: 1, plaintext: Buffer.from('hi') });
      const p = sealedParts(cap(w, 1, 'c2s'))!;
      expect(p.domain).toBe(suite);
      expect(hex(p.iv)).toBe(Buffer.from(w.subarray(13, 13 + (suite === 'gcm' ? 12 : 16))).toString('hex'));
    }
  });

  it('one sealed frame relayed to several connections is not reuse; the same bytes twice on one connection, or client → server, are', () => {
    const relay = sealLine(key, Buffer.from('bob: hi'), IV1);
    const frames = [cap(relay, 1, 's2c', 0), cap(relay, 2, 's2c', 1), cap(relay, 3, 's2c', 2)];
    const w = new IvWatch();
    w.update(frames, 0);
    expect(frames.map((f) => w.flagged(f.seq))).toEqual([undefined, undefined, undefined]);
    expect(w.finding(frames[1].seq)?.copyOf).toBe(frames[0].seq);
    frames.push(cap(relay, 2, 's2c', 3)); // again on conn 2: replayed or a fixed IV
    frames.push(cap(relay, 4, 's2c', 60_000)); // a line copy long after the relay
    frames.push(cap(relay, 5, 'c2s', 4)); // a client sending the same bytes
    w.update(frames, 0);
    expect(frames.slice(3).map((f) => w.flagged(f.seq)?.ivFirstId)).toEqual([
      frames[0].seq,
      frames[0].seq,
      frames[0].seq
    ]);
    expect(w.reusedIvs).toBe(3);
  });

  it("a lesson's probes (one captured block sent behind thousands of forged IVs) are left out and counted apart", () => {
    const c = sealLine(key, Buffer.from('the victim'), IV1);
    const block = Buffer.from(c.subarray(16, 32));
    // lesson 2's queries on conn 9: X ‖ C₁ with the same C₁ each time, X repeating across rechecks
    const probes = Array.from({ length: 40 }, (_, g) => {
      const x = Buffer.alloc(16);
      x[15] = g % 20;
      return cap(Buffer.concat([x, block]), 9, 'c2s', g);
    });
    const frames = [cap(c, 1, 'c2s', 0), ...probes];
    const counted = new IvWatch();
    counted.update(frames, 'a');
    // counted as any sender's, the probes would read as reuse: 20 IVs again, the block 40 times
    expect(counted.reusedIvs).toBeGreaterThan(0);
    expect(counted.repeatedBlocks).toBeGreaterThan(0);
    const w = new IvWatch();
    w.update(frames, 'a', (conn) => conn === 9);
    expect([w.reusedIvs, w.repeatedBlocks, w.probeFrames]).toEqual([0, 0, 40]);
  });

  it('a native relay copy carries the same frameSeq; a GCM nonce reuse is flagged', () => {
    const a = sealFrame(keys, { type: 'chat', suite: 'gcm', seq: 7, plaintext: Buffer.from('x') });
    const frames = [cap(a, 1, 's2c', 0), cap(a, 2, 's2c', 99_999)];
    const w = new IvWatch();
    w.update(frames, 0);
    expect(w.flagged(frames[1].seq)).toBeUndefined(); // same frameSeq: one relay, whatever the time
    const again = Buffer.from(a);
    again.writeUInt32BE(8, 5); // the same nonce and ciphertext under a new seq: sealed again
    frames.push(cap(again, 3, 's2c', 1));
    w.update(frames, 0);
    expect(w.flagged(frames[2].seq)?.ivFirstId).toBe(frames[0].seq);
  });
});
