import { describe, expect, it } from 'vitest';
import { unitsInRange, unitSegments } from '../../../src/lib/viz/units';

const bytes = new TextEncoder().encode('aé☕'); // 61 | c3 a9 | e2 98 95

describe('unitsInRange', () => {
  it('maps each UTF-8 character to the bytes it became (RFC 3629)', () => {
    expect(unitsInRange(bytes, 0, 6, 'utf8').map((u) => [u.byteStart, u.byteEnd, u.label, u.multi])).toEqual([
      [0, 1, 'a', false],
      [1, 3, 'é', true],
      [3, 6, '☕', true]
    ]);
  });
  it('includes a character that straddles the window start whole', () => {
    expect(unitsInRange(bytes, 2, 6, 'utf8').map((u) => u.byteStart)).toEqual([1, 3]);
    expect(unitsInRange(bytes, 5, 6, 'utf8').map((u) => [u.byteStart, u.byteEnd])).toEqual([[3, 6]]);
  });
  it('marks bytes that are not UTF-8 one by one', () => {
    const u = unitsInRange(new Uint8Array([0x41, 0xff, 0xc3]), 0, 3, 'utf8');
    expect(u.map((x) => [x.byteStart, x.label, x.invalid])).toEqual([
      [0, 'A', false],
      [1, '\uFFFD', true],
      [2, '\uFFFD', true]
    ]);
  });
  it('labels hex input per byte and base64 input per 3-byte group', () => {
    expect(unitsInRange(bytes, 1, 3, 'hex').map((u) => u.label)).toEqual(['c3', 'a9']);
    const four = new Uint8Array([1, 2, 3, 4]);
    expect(unitsInRange(four, 0, 4, 'base64').map((u) => [u.byteStart, u.byteEnd, u.label])).toEqual([
      [0, 3, 'AQID'],
      [3, 4, 'BA==']
    ]);
  });
});

describe('unitSegments', () => {
  it('splits a character across the 16-byte row boundary', () => {
    expect(unitSegments({ byteStart: 14, byteEnd: 17, label: '☕', multi: true, invalid: false }, 16)).toEqual([
      { row: 0, colStart: 14, colEnd: 16, first: true },
      { row: 1, colStart: 0, colEnd: 1, first: false }
    ]);
  });
});
