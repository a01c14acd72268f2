// The hello name rule (docs/protocol.md §3.2, type 1): 1–32 characters, no spaces at either end,
// no ":" and no control characters (C0, C1, bidi), not starting "* " or "ERROR ", which line
// clients read as the server's own lines (§8.2). The faults are named in the order they are
// checked; the server refuses every one, `cbc-lab client --name` and the web sender only the
// first three (what they refused before the rule lived here) and leave the rest to the server.
export const NAME_MAX = 32;

export type NameFault = 'length' | 'spaces' | 'c0-or-colon' | 'c1-or-bidi' | 'server-line';

const C0_OR_COLON = /[\u0000-\u001f\u007f:]/;
// C1 (U+0080–U+009F: 8-bit CSI, OSC, NEL …), the bidi marks, embeddings, overrides and isolates
// (Unicode UAX #9 §2), and the line and paragraph separators
const C1_OR_BIDI = /[\u0080-\u009f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

/** The first way `name` breaks the §3.2 rule, or null when it is a name. */
export function nameFault(name: string): NameFault | null {
  if (name.length === 0 || name.length > NAME_MAX) return 'length';
  if (name !== name.trim()) return 'spaces';
  if (C0_OR_COLON.test(name)) return 'c0-or-colon';
  if (C1_OR_BIDI.test(name)) return 'c1-or-bidi';
  if (/^(\* |ERROR )/.test(name)) return 'server-line';
  return null;
}

/** The faults a client refuses before sending (the server refuses the others too). */
export function isClientNameFault(fault: NameFault | null): boolean {
  return fault === 'length' || fault === 'spaces' || fault === 'c0-or-colon';
}
