// Lesson 1, part 3: the captured IV ‖ C, edited or not, replayed to the running chat server as a
// line (POST /api/replay, docs/api.md "Lessons"); the reply and the relays come back as captured
// bytes and are opened here with the key the page holds.
import { base64ToBytes, bytesToBase64 } from '$lib/crypto';
import type { BitPosition } from '$lib/crypto/bit-flip';
import { openCaptured, type OpenKeys, type Opened } from '$lib/protocol/open';
import { ApiError, postJson } from '$lib/api/client';
import type { ReplayRequest, ReplayResponse } from '$lib/api/types';
import {
  relayedText,
  replaySentences,
  serverReply,
  where,
  type ReplayFacts,
  type ReplayedFlip
} from '$lib/lessons/bit-flipping';

export interface ReplayOutcome {
  reply: Opened | null;
  relays: Opened[];
  error?: string;
}

/** IV ‖ C, the wire form a line carries (docs/protocol.md §5.1). */
export function wireOf(iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const wire = new Uint8Array(iv.length + ciphertext.length);
  wire.set(iv);
  wire.set(ciphertext, iv.length);
  return wire;
}

/**
 * The server's answer opened with the key. Of what it relayed, only what it relayed for this line
 * (it names the sender guest-N, docs/protocol.md §8.1); other chatter of the same moment is left out.
 */
export function openReplay(d: ReplayResponse, keys: OpenKeys): ReplayOutcome {
  const reply = d.reply ? openCaptured(base64ToBytes(d.reply), keys) : null;
  const relays = d.relays
    .map((f) => openCaptured(base64ToBytes(f.bytes), keys))
    .filter((o) => !o.ok || o.text === null || /^(\* )?guest-\d+/.test(o.text));
  return { reply, relays };
}

export async function replay(iv: Uint8Array, ciphertext: Uint8Array, keys: OpenKeys): Promise<ReplayOutcome> {
  try {
    const d = await postJson<ReplayRequest, ReplayResponse>('/api/replay', {
      wire: bytesToBase64(wireOf(iv, ciphertext))
    });
    return openReplay(d, keys);
  } catch (err) {
    return {
      reply: null,
      relays: [],
      error: err instanceof ApiError ? `${err.code}: ${err.message}` : (err as Error).message
    };
  }
}

/** What a replay showed: the flip it carried (null: unchanged), the server's reply, its relay. */
export function replayFacts(flip: ReplayedFlip | null, out: ReplayOutcome): ReplayFacts {
  return { flip, reply: serverReply(out.reply), relayed: relayedText(out.relays) };
}

/** The summary's lines for one replay, as one paragraph (src/lib/lessons/bit-flipping/prose.ts words them). */
export function replayVerdict(
  flip: ReplayedFlip | null,
  out: ReplayOutcome,
  name: (p: BitPosition) => string = where
): string {
  return replaySentences(replayFacts(flip, out), name).join(' ');
}
