// The hello name rule of docs/protocol.md §3.2 (type 1), case by case from the rule's text.
import { describe, expect, it } from 'vitest';
import { isClientNameFault, nameFault } from '../../../src/lib/protocol/name';

describe('nameFault (§3.2)', () => {
  it.each([
    ['alice', null],
    ['', 'length'],
    ['x'.repeat(32), null],
    ['x'.repeat(33), 'length'],
    [' bob', 'spaces'],
    ['bob\t', 'spaces'],
    ['a:b', 'c0-or-colon'],
    ['a\u001bb', 'c0-or-colon'],
    ['a\u007fb', 'c0-or-colon'],
    ['c1\u009b', 'c1-or-bidi'],
    ['ev\u202eil', 'c1-or-bidi'],
    ['a\u2028b', 'c1-or-bidi'],
    ['ERROR ERR_DECRYPT', 'server-line'],
    ['* server shutting down', 'server-line'],
    ['ERRORS', null]
  ] as const)('%j → %s', (name, fault) => {
    expect(nameFault(name)).toBe(fault);
  });

  it('a client refuses length, spaces, C0 and ":" before sending; the rest is the server\'s to refuse', () => {
    expect(['length', 'spaces', 'c0-or-colon'].every((f) => isClientNameFault(f as never))).toBe(true);
    expect([null, 'c1-or-bidi', 'server-line'].some((f) => isClientNameFault(f as never))).toBe(false);
  });
});
