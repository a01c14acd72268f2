// Names (docs/protocol.md §3.2, §8.2.5): the rule a name must pass, and `/name`, with which a
// line client, which has no hello, names itself.
import { NAME_MAX, nameFault } from '../../src/lib/protocol/index.ts';

/**
 * §8.2.5: the name a chat text asks for when it is the `/name` command ('' for a bare `/name`), or
 * null when the text is an ordinary message. Only `/name` itself counts: `/names` or `/nameless`
 * are messages.
 */
export function renameRequest(text: string): string | null {
  if (text === '/name') return '';
  return text.startsWith('/name ') ? text.slice('/name '.length) : null;
}

/** What a name must have, for the §3.2 rule it breaks (protocol/name.ts), or null when it is a name. */
export function validName(name: string): string | null {
  switch (nameFault(name)) {
    case null:
      return null;
    case 'length':
      return `expected 1 to ${NAME_MAX} characters, got ${name.length}`;
    case 'spaces':
      return 'no spaces at either end';
    case 'c0-or-colon':
    case 'c1-or-bidi':
      return 'no control characters (C0, C1, bidi), and no ":"';
    case 'server-line':
      // §8.2: a line client tells the server's notices and errors by their form; no name may take it
      return 'no "* " or "ERROR " at the start (those lines are the server\'s)';
  }
}
