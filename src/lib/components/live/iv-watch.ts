// The /live inspector's IV-reuse flags (lesson 5): each sealed frame's IV or GCM nonce and its
// ciphertext, cut from the wire bytes without the key (docs/protocol.md §4, §5.1), fed to the
// incremental IvReuseTracker as frames arrive, so a batch costs the batch, not the capture.
//
// Relayed copies. The chat server seals a relayed message once per framing and suite and writes
// the SAME bytes to every recipient (§8.4): the tap then sees one IV on several connections. That
// is one encryption delivered twice, not reuse, so a frame is a copy, and not flagged on its own
// account, when all of these hold: it and the earlier frame are server → client; on different
// connections; the whole frame is byte-identical (IV, every ciphertext block, tag, and for native
// frames the header with its frameSeq, which the server never repeats); this connection has not
// already received those bytes (twice on one connection is a replay or a fixed IV); and, for line
// frames, which carry no seq, it was seen within RELAY_WINDOW_MS of the original (one relay writes
// all copies at once). A copy of a frame that was itself flagged is flagged the same way.
import { base64ToBytes } from '$lib/crypto/bytes';
import { IvReuseTracker, type IvFinding } from '$lib/crypto/iv-reuse';
import type { CapturedFrame } from '$lib/protocol/capture';
import {
  HEADER_LENGTH,
  isNativeFrame,
  payloadLayout,
  payloadParts,
  readUint32,
  SUITES,
  type Suite
} from '$lib/protocol/frame';
import { readLineMessage } from '$lib/protocol/line-message';

export const RELAY_WINDOW_MS = 2000;

export interface SealedParts {
  /** which key it is under: line frames and native cbc share the pre-shared key */
  domain: 'cbc' | 'cbc-hmac' | 'gcm';
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

/** The IV (nonce) and ciphertext of a sealed frame, or null (clear, broken, not a frame). */
export function sealedParts(f: CapturedFrame): SealedParts | null {
  if (f.error || f.framing === 'unknown') return null;
  let wire: Uint8Array;
  try {
    wire = base64ToBytes(f.bytes);
  } catch {
    return null;
  }
  try {
    if (f.framing === 'native') {
      if (wire.length < HEADER_LENGTH || !isNativeFrame(wire)) return null;
      const suite = SUITES[wire[4]] as Suite | undefined;
      if (!suite || suite === 'none') return null;
      const layout = payloadLayout(suite, readUint32(wire, 9));
      const payload = wire.subarray(HEADER_LENGTH);
      if (payload.length < layout.ciphertext.end) return null;
      const { iv, ciphertext } = payloadParts(payload, layout);
      return iv ? { domain: suite, iv, ciphertext } : null;
    }
    const { iv, ciphertext } = readLineMessage(wire); // §5.5: any form of line message
    return { domain: 'cbc', iv, ciphertext };
  } catch {
    return null;
  }
}

export class IvWatch {
  private tracker = this.fresh();
  private scanned = 0;
  private source: CapturedFrame[] | null = null;
  private epoch: unknown = undefined;
  private bySeq = new Map<number, CapturedFrame>();
  /** seq of an original → connections that received its bytes */
  private delivered = new Map<number, Set<number>>();
  private probes = 0;

  private fresh(): IvReuseTracker {
    return new IvReuseTracker((firstSeq, seq) => this.isCopy(firstSeq, seq));
  }

  private isCopy(firstSeq: number, seq: number): boolean {
    const a = this.bySeq.get(firstSeq);
    const b = this.bySeq.get(seq);
    if (!a || !b || a.dir !== 's2c' || b.dir !== 's2c' || a.bytes !== b.bytes) return false;
    let to = this.delivered.get(firstSeq);
    if (!to) this.delivered.set(firstSeq, (to = new Set([a.conn])));
    if (to.has(b.conn)) return false;
    if (b.framing === 'line' && Math.abs(b.time - a.time) > RELAY_WINDOW_MS) return false;
    to.add(b.conn);
    return true;
  }

  get reusedIvs(): number {
    return this.tracker.reusedIvs;
  }
  get repeatedBlocks(): number {
    return this.tracker.repeatedBlocks;
  }
  /** frames of a lesson's probes (lesson 2's oracle queries, lesson 1's replays): not counted */
  get probeFrames(): number {
    return this.probes;
  }

  finding(seq: number): IvFinding | undefined {
    return this.tracker.get(seq);
  }

  /** Flagged: an IV seen before, or a block seen before (a plain copy is not). */
  flagged(seq: number): IvFinding | undefined {
    const f = this.tracker.get(seq);
    return f && (f.ivFirstId !== undefined || f.blocks.length > 0) ? f : undefined;
  }

  /** Take in the frames appended since the last call; start over when the capture was replaced. */
  update(frames: CapturedFrame[], epoch: unknown, isProbe: (conn: number) => boolean = () => false): void {
    if (epoch !== this.epoch || frames !== this.source || frames.length < this.scanned) {
      this.epoch = epoch;
      this.source = frames;
      this.scanned = 0;
      this.bySeq = new Map();
      this.delivered = new Map();
      this.tracker = this.fresh();
      this.probes = 0;
    }
    for (let i = this.scanned; i < frames.length; i++) {
      const f = frames[i];
      // a lesson forging thousands of frames from one captured block is not a sender reusing IVs
      if (isProbe(f.conn)) {
        this.probes++;
        continue;
      }
      const parts = sealedParts(f);
      if (!parts) continue;
      // only s2c frames can be copies; keep just those for the copy check
      if (f.dir === 's2c') this.bySeq.set(f.seq, f);
      this.tracker.add(f.seq, parts.iv, parts.ciphertext, parts.domain);
    }
    this.scanned = frames.length;
  }
}
