// A field's error as the one sentence shown under it. The engine's messages read
// "what: expected X, got Y; what to do" (DESIGN.md, Conventions): the sentence is that message,
// begun with a capital (the IV's name as it is written, IV) and ended with a full stop. Expected
// and got are not repeated on a line of their own: they are in the sentence already.

const NAMES: Record<string, string> = { iv: 'IV', utf8: 'UTF-8', 'utf-8': 'UTF-8' };

export function fieldErrorSentence(message: string): string {
  let s = message.trim().replace(/\s+/g, ' ');
  const head = /^([\w-]+):/.exec(s);
  if (head && NAMES[head[1].toLowerCase()]) s = NAMES[head[1].toLowerCase()] + s.slice(head[1].length);
  s = s.charAt(0).toUpperCase() + s.slice(1);
  if (!/[.?!]$/.test(s)) s += '.';
  return s;
}
