// The request body schemas of /api (src/lib/api/schema.ts, bodies.ts): what each accepts, and the
// message of the first rule a body breaks. Expected messages are docs/api.md's wording; the byte
// strings are base64 written by hand (16 zero bytes = "AAAAAAAAAAAAAAAAAAAAAA==").
import { describe, expect, it } from 'vitest';
import { validate } from '../../../src/lib/api/schema';
import { ORACLE_BODY, REPLAY_BODY, SEND_BODY } from '../../../src/lib/api/bodies';

const B16 = 'AAAAAAAAAAAAAAAAAAAAAA==';
const B32 = Buffer.alloc(32).toString('base64');
const message = (r: ReturnType<typeof validate>) => (r.ok ? null : r.message);

describe('SEND_BODY', () => {
  it('fills the defaults: name web, suite cbc', () => {
    expect(validate(SEND_BODY.schema, { text: 'hi' })).toEqual({
      ok: true,
      value: { text: 'hi', name: 'web', suite: 'cbc' }
    });
  });
  it('checks text, then name, then suite, and answers the first failure', () => {
    expect(message(validate(SEND_BODY.schema, {}))).toBe('text: expected a string, got nothing');
    expect(message(validate(SEND_BODY.schema, { text: 5 }))).toBe('text: expected a string, got number');
    expect(message(validate(SEND_BODY.schema, { text: '  ', name: 3 }))).toBe(
      'text: expected a message, got an empty one'
    );
    expect(message(validate(SEND_BODY.schema, { text: 'é'.repeat(2049) }))).toBe(
      'text: expected at most 4096 bytes of UTF-8, got 4098; send it in parts'
    );
    expect(message(validate(SEND_BODY.schema, { text: 'a\ud800' }))).toBe(
      'text: expected well-formed Unicode, got a lone surrogate'
    );
    expect(message(validate(SEND_BODY.schema, { text: 'a', name: '' }))).toBe(
      'name: expected 1 to 32 characters, got 0'
    );
    expect(message(validate(SEND_BODY.schema, { text: 'a', name: ' bob' }))).toBe(
      'name: expected no spaces at either end'
    );
    expect(message(validate(SEND_BODY.schema, { text: 'a', name: 'a:b' }))).toBe(
      'name: expected no control characters and no ":"'
    );
    expect(message(validate(SEND_BODY.schema, { text: 'a', suite: 'ecb' }))).toBe(
      'suite: expected one of cbc, cbc-hmac, gcm, got "ecb"'
    );
  });
});

describe('ORACLE_BODY', () => {
  it('decodes the byte fields', () => {
    const r = validate(ORACLE_BODY.schema, { iv: B16, ciphertext: B16 });
    expect(
      r.ok && { suite: r.value.suite, iv: [...r.value.iv], ct: r.value.ciphertext.length, tag: r.value.tag }
    ).toEqual({
      suite: 'cbc',
      iv: new Array(16).fill(0),
      ct: 16,
      tag: undefined
    });
  });
  it('checks the suite before the bytes, and the tag length by suite (HMAC-SHA256 32, GCM 16)', () => {
    expect(message(validate(ORACLE_BODY.schema, { suite: 1 }))).toBe(
      'suite: expected one of cbc, cbc-hmac, gcm, got 1'
    );
    expect(message(validate(ORACLE_BODY.schema, {}))).toBe('iv: expected base64 text, got nothing');
    expect(message(validate(ORACLE_BODY.schema, { iv: 'AAAA', ciphertext: B16 }))).toBe('iv: expected 16 bytes, got 3');
    expect(message(validate(ORACLE_BODY.schema, { iv: B16, ciphertext: 'AAAA' }))).toBe(
      'ciphertext: expected at least 16 bytes, got 3'
    );
    expect(message(validate(ORACLE_BODY.schema, { suite: 'cbc-hmac', iv: B16, ciphertext: B16, tag: B16 }))).toBe(
      'tag: expected 32 bytes, got 16'
    );
    expect(validate(ORACLE_BODY.schema, { suite: 'gcm', iv: B16, ciphertext: B16, tag: B16 }).ok).toBe(true);
  });
});

describe('REPLAY_BODY', () => {
  it('wants whole blocks, IV and at least one more', () => {
    expect(message(validate(REPLAY_BODY.schema, { wire: B16 }))).toBe('wire: expected at least 32 bytes, got 16');
    expect(message(validate(REPLAY_BODY.schema, { wire: Buffer.alloc(33).toString('base64') }))).toBe(
      'wire: expected whole 16-byte blocks, got 33 bytes'
    );
    expect(validate(REPLAY_BODY.schema, { wire: B32 }).ok).toBe(true);
  });
});
