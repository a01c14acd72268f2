// The decoder's line frames (docs/protocol.md §5): the bytes of one line message, their text made
// lazily. Used by FrameDecoder (./decoder.ts) for every line it hands out.
import { lineText, type LineFrame } from './line';

/**
 * A line frame whose `text` is made when first read, then kept: a tap that records lines as bytes
 * never pays for turning them into strings. An own enumerable property, so spreads, JSON and
 * equality checks see it as before.
 */
export function lineFrame(raw: Uint8Array): LineFrame {
  let text: string | undefined;
  return {
    framing: 'line',
    get text(): string {
      return (text ??= lineText(raw));
    },
    raw
  };
}
