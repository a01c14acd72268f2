// The dissector (docs/protocol.md §7): fields, byte ranges, meanings; total on bad input.
import { describe, expect, it } from 'vitest';
import { dissect, dissectLine, dissectNative } from '../../../src/lib/protocol/index.ts';
import { GOLDEN, GOLDEN_LINE } from './golden-frames.ts';

const golden = (name: string) => Buffer.from(GOLDEN.find((g) => g.name === name)!.hex, 'hex');

describe('dissect', () => {
  it('names header fields with their values and meanings', () => {
    const d = dissectNative(golden('ack/cbc-hmac'));
    const by = Object.fromEntries(d.fields.map((f) => [f.name === 'ciphertext-block' ? `block${f.block}` : f.name, f]));
    expect(by.magic).toMatchObject({ start: 0, end: 2 });
    expect(by.type).toMatchObject({ start: 3, end: 4, value: 3 });
    expect(by.type.meaning).toMatch(/^ack/);
    expect(by.suite.meaning).toMatch(/^cbc-hmac/);
    expect(by.seq).toMatchObject({ start: 5, end: 9, value: 8 });
    expect(by.length).toMatchObject({ start: 9, end: 13, value: 96 });
    expect(by.iv).toMatchObject({ start: 13, end: 29 });
    expect(by.block1).toMatchObject({ start: 29, end: 45 });
    expect(by.block3).toMatchObject({ start: 61, end: 77 });
    expect(by.block3.meaning).toMatch(/padding/);
    expect(by.mac).toMatchObject({ start: 77, end: 109 });
  });

  it('a cleartext payload is one field', () => {
    const d = dissect(golden('error/none'));
    expect(d.fields.at(-1)).toMatchObject({ name: 'cleartext', start: 13 });
  });

  it('a truncated frame: the fields that are there, and ERR_TRUNCATED_FRAME', () => {
    const d = dissect(golden('chat/gcm').subarray(0, 20));
    expect(d.error?.code).toBe('ERR_TRUNCATED_FRAME');
    expect(d.fields.map((f) => f.name)).toEqual(['magic', 'version', 'type', 'suite', 'seq', 'length']);
    const short = dissect(golden('chat/gcm').subarray(0, 7));
    expect(short.fields.map((f) => f.name)).toEqual(['magic', 'version', 'type', 'suite']);
    expect(short.error?.code).toBe('ERR_TRUNCATED_FRAME');
  });

  it('a bad header byte or a payload that cannot be its suite is reported, not thrown', () => {
    const b = Buffer.from(golden('chat/cbc'));
    b[2] = 7;
    expect(dissect(b).error?.code).toBe('ERR_BAD_VERSION');
    const c = Buffer.from(golden('chat/cbc'));
    c.writeUInt32BE(c.length - 13 - 1, 9);
    expect(dissect(c.subarray(0, c.length - 1)).error?.code).toBe('ERR_PAYLOAD_LENGTH');
  });

  it('lines: bytes or text, padding characters, and bad base64 as one field with the error', () => {
    expect(dissect(Buffer.from(GOLDEN_LINE)).fields).toEqual(dissectLine(GOLDEN_LINE).fields);
    // 48 bytes → 64 characters, no padding; 33 bytes would not be whole blocks
    const padded = dissectLine(Buffer.alloc(50).toString('base64') + '\n');
    expect(padded.error?.code).toBe('ERR_PAYLOAD_LENGTH');
    expect(padded.fields.map((f) => f.name)).toEqual(['base64', 'base64-padding', 'line-end']);
    // without its line end, a line that is not a message says so (§5.2)
    expect(dissectLine(Buffer.alloc(50).toString('base64')).error?.code).toBe('ERR_NO_LINE_END');
    const bad = dissectLine('abc$def\n');
    expect(bad.error?.code).toBe('ERR_BAD_BASE64');
    expect(bad.error?.position).toBe(3);
    expect(bad.fields.map((f) => f.name)).toEqual(['base64', 'line-end']);
  });
});
