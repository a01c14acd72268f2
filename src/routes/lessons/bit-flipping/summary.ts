// "What just happened", computed from the learner's own flips, forgery and replays.
import type { BitPosition, FlipExperiment } from '$lib/crypto/bit-flip';
import { sub } from '$lib/components/learn-kit';

// Block indices are 0-based; the text names blocks as SP 800-38A §6.2 does, C₁…Cₙ with C₀ = IV.

export interface FlipRecord {
  position: BitPosition;
  garbled: number[];
  oneBit: number[];
  garbledBits: number[];
  ecbGarbled: number[];
  paddingOk: boolean;
}

export function record(x: FlipExperiment): FlipRecord {
  return {
    position: x.position,
    garbled: x.cbc.filter((d) => d.change === 'garbled').map((d) => d.index),
    oneBit: x.cbc.filter((d) => d.change === 'one-bit').map((d) => d.index),
    garbledBits: x.cbc.filter((d) => d.change === 'garbled').map((d) => d.changedBits),
    ecbGarbled: x.ecb.filter((d) => d.change !== 'same').map((d) => d.index),
    paddingOk: x.padding.ok
  };
}

export const where = (p: BitPosition) => `${p.block < 0 ? 'the IV' : `C${sub(p.block + 1)}`}, byte ${p.byte}, bit ${p.bit}`;

export function summarize(flips: FlipRecord[], forged: { bytes: number; garbled: number | null } | null, replays: { verdict: string }[]): string[] {
  const out: string[] = [];
  if (flips.length === 0 && !forged && replays.length === 0) return ['Nothing yet: flip a bit above, and this summary will describe what your flips did.'];
  if (flips.length) {
    const ivFlips = flips.filter((f) => f.position.block < 0);
    const cFlips = flips.filter((f) => f.position.block >= 0);
    out.push(`You flipped ${flips.length} bit${flips.length === 1 ? '' : 's'} (${ivFlips.length} in the IV, ${cFlips.length} in ciphertext blocks).`);
    if (cFlips.length) {
      const bits = cFlips.flatMap((f) => f.garbledBits);
      const avg = bits.reduce((a, b) => a + b, 0) / Math.max(1, bits.length);
      const exact = cFlips.filter((f) => f.garbled.length === 1 && f.garbled[0] === f.position.block && (f.oneBit.length === 0 ? f.position.block === -1 : f.oneBit[0] === f.position.block + 1)).length;
      const lastBlockFlips = cFlips.filter((f) => f.oneBit.length === 0).length;
      out.push(
        `Each ciphertext flip garbled its own plaintext block: on average ${avg.toFixed(1)} of its 128 bits changed (AES spreads one input bit over about half the block).`
      );
      out.push(
        `${exact} of ${cFlips.length} flip${cFlips.length === 1 ? '' : 's'} also flipped exactly the same bit in the next block, and nothing else${lastBlockFlips ? `; ${lastBlockFlips} hit the last block, which has no next block` : ''}.`
      );
      const ecbOnly = cFlips.every((f) => f.ecbGarbled.length === 1 && f.ecbGarbled[0] === f.position.block);
      out.push(ecbOnly ? 'Under ECB the same flips garbled only their own block and never reached the next: ECB has no chain to carry a precise change.' : 'Under ECB the damage stayed in the flipped block.');
    }
    if (ivFlips.length) out.push(`Your ${ivFlips.length} IV flip${ivFlips.length === 1 ? '' : 's'} changed exactly one bit of P₁ and garbled nothing: the IV is only a XOR mask.`);
    const broke = flips.filter((f) => !f.paddingOk).length;
    if (broke) out.push(`${broke} flip${broke === 1 ? '' : 's'} broke the PKCS#7 padding: a receiver that says so out loud is a padding oracle (lesson 2).`);
  }
  if (forged) {
    out.push(
      `You forged role=admin by editing ${forged.bytes} byte${forged.bytes === 1 ? '' : 's'} of ${forged.garbled === null ? 'the IV (nothing garbled)' : `C${sub(forged.garbled + 1)}, at the cost of a garbage block ${forged.garbled + 1} (P${sub(forged.garbled + 1)})`}, without the key: CBC alone does not protect integrity.`
    );
  }
  for (const r of replays) out.push(r.verdict);
  return out;
}
