// Other people's text, made safe to print on a terminal (DESIGN.md: "another person's text
// interpreted instead of shown"). A peer chooses every character of a chat message, a name, an
// error message or a bye reason; printed as is, a "\n" forges a line of someone else's, and
// ESC/CSI/OSC sequences (ECMA-48 §5) or bidi overrides (Unicode UAX #9 §2) rewrite what is on
// screen. So every character that a terminal acts on instead of drawing is written out as an
// escape, in the notation of JavaScript and Python string literals.

import { byteToHex } from '../../src/lib/crypto/bytes.ts';

/** The escape for one code point, or undefined when it is printed as is. */
function escapeOf(cp: number): string | undefined {
  switch (cp) {
    case 0x5c:
      return '\\\\'; // the escape character itself, so that "\n" typed by a peer stays "\\n"
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
  }
  // C0 controls, DEL, C1 controls (U+0080–U+009F: 8-bit CSI U+009B, OSC U+009D, NEL U+0085 …)
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return `\\x${byteToHex(cp)}`;
  if (
    (cp >= 0x202a && cp <= 0x202e) || // LRE RLE PDF LRO RLO
    (cp >= 0x2066 && cp <= 0x2069) || // LRI RLI FSI PDI
    cp === 0x200e ||
    cp === 0x200f ||
    cp === 0x061c || // LRM RLM ALM
    cp === 0x2028 ||
    cp === 0x2029 || // line and paragraph separators: line breaks to some programs
    (cp >= 0xd800 && cp <= 0xdfff) // a lone surrogate (a valid pair arrives here as one code point)
  ) {
    return `\\u${cp.toString(16).padStart(4, '0')}`;
  }
  return undefined;
}

/**
 * `text` with every control character, DEL, C1 control, bidi control, line/paragraph separator
 * and backslash written as an escape (`\n`, `\x1b`, `\u202e`, `\\`), so that it prints as one
 * line that shows what was sent. Everything else, emoji and other scripts included, is unchanged.
 * The result never contains a character below U+0020.
 */
export function escapeTerminalText(text: string): string {
  let out = '';
  let plainFrom = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const wide = cp > 0xffff;
    const esc = escapeOf(cp);
    if (esc !== undefined) {
      out += text.slice(plainFrom, i) + esc;
      plainFrom = i + 1;
    }
    if (wide) i++;
  }
  return plainFrom === 0 ? text : out + text.slice(plainFrom);
}
