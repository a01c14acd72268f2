// Lesson 1, part 3: the captured IV ‖ C, edited or not, replayed to the running chat server as a
// line (POST /api/replay, docs/api.md "Lessons"); the reply and the relays come back as captured
// bytes and are opened here with the key the page holds.
import { base64ToBytes, bytesToBase64 } from '$lib/crypto';
import type { BitPosition } from '$lib/crypto/bit-flip';
import { openCaptured, type OpenKeys, type Opened } from '$lib/protocol/open';
import { ApiError, postJson } from '$lib/api/client';
import type { ReplayRequest, ReplayResponse } from '$lib/api/types';

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

/** The summary's line for one replay: what the server said, and that it could not tell. */
export function replayVerdict(flip: BitPosition | null, out: ReplayOutcome, where: (p: BitPosition) => string): string {
  const heard = out.relays.find((o) => o.ok && o.text?.startsWith('guest-'));
  const said = out.reply?.ok ? out.reply.text : null;
  return flip
    ? `You replayed the captured frame with ${where(flip)} flipped. The server answered "${said ?? '(unreadable)'}"${heard && heard.ok ? ` and relayed "${heard.text}" to the room` : ''}: it decrypted your edit and could not tell.`
    : `You replayed the captured frame unchanged; the server answered "${said ?? '(unreadable)'}": a replay it cannot detect either.`;
}
