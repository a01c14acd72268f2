// The walk through a trace: seven stages, the chain stage one step per block. Decryption walks
// the same stages backwards (SP 800-38A §6.2 CBC decryption), ending in the PKCS#7 check and text.
export type StageId = 'text' | 'pad' | 'blocks' | 'iv' | 'chain' | 'wire' | 'base64';
export type Mode = 'encrypt' | 'decrypt';

export const ORDER: Record<Mode, StageId[]> = {
  encrypt: ['text', 'pad', 'blocks', 'iv', 'chain', 'wire', 'base64'],
  decrypt: ['base64', 'wire', 'iv', 'chain', 'blocks', 'pad', 'text']
};

export const TITLES: Record<Mode, Record<StageId, string>> = {
  encrypt: {
    text: 'Text → bytes',
    pad: 'PKCS#7 padding',
    blocks: 'Split into 16-byte blocks',
    iv: 'The IV',
    chain: 'The chain: Cᵢ = AES_K(Pᵢ ⊕ Cᵢ₋₁)',
    wire: 'IV ‖ C',
    base64: 'Base64 for the wire'
  },
  decrypt: {
    base64: 'Base64 → bytes',
    wire: 'Split IV ‖ C',
    iv: 'The IV',
    chain: 'The chain backwards: Pᵢ = AES⁻¹_K(Cᵢ) ⊕ Cᵢ₋₁',
    blocks: 'Join the blocks',
    pad: 'PKCS#7 padding check',
    text: 'Bytes → text'
  }
};

export interface StepInfo {
  /** 0-based step */
  index: number;
  stage: StageId;
  /** 0-based position of the stage in the walk */
  stageIndex: number;
  /** the block of a chain step, otherwise null */
  block: number | null;
}

export function stepCount(blocks: number): number {
  return 6 + blocks;
}

export function stepAt(mode: Mode, blocks: number, index: number): StepInfo {
  const order = ORDER[mode];
  const chainAt = order.indexOf('chain');
  const k = Math.max(0, Math.min(index, stepCount(blocks) - 1));
  if (k < chainAt) return { index: k, stage: order[k], stageIndex: k, block: null };
  if (k < chainAt + blocks) return { index: k, stage: 'chain', stageIndex: chainAt, block: k - chainAt };
  const s = k - blocks + 1;
  return { index: k, stage: order[s], stageIndex: s, block: null };
}

export function stepOf(mode: Mode, blocks: number, stage: StageId, block = 0): number {
  const order = ORDER[mode];
  const chainAt = order.indexOf('chain');
  const s = order.indexOf(stage);
  if (s < chainAt) return s;
  if (s === chainAt) return chainAt + Math.max(0, Math.min(block, blocks - 1));
  return s + blocks - 1;
}
