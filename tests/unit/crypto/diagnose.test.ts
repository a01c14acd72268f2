// The diagnoser names the right cause for each classic fault, planted by hand in a good
// node:crypto encryption, and stays honest when nothing is wrong.
import { createCipheriv } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diagnose, plantFault, FAULTS, textMask, type DiagnoseInput } from '$lib/lessons/diagnose';

const KEY = Buffer.from('603deb1015ca71be2b73aef0857d7781', 'hex');
const IV = Buffer.from('f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff', 'hex');
const TEXT = 'Hello Client, message received securely. Café ☕ at noon.';

function enc(key: Buffer, iv: Buffer, pt: Buffer | string, autoPadding = true): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  c.setAutoPadding(autoPadding);
  return Buffer.concat([c.update(pt), c.final()]);
}
const CT = enc(KEY, IV, TEXT);
const good: DiagnoseInput = {
  key: { text: KEY.toString('hex'), encoding: 'hex' },
  iv: { text: IV.toString('hex'), encoding: 'hex' },
  ciphertext: { text: CT.toString('base64'), encoding: 'base64' }
};
const best = (input: DiagnoseInput) => diagnose(input).best;

describe('diagnose: planted by hand', () => {
  for (const expected of [undefined, TEXT]) {
    const tag = expected ? ' (plaintext known)' : '';
    const g = { ...good, expected };

    it('good input: ok, every fault ruled out' + tag, () => {
      const d = diagnose(g);
      expect(d.best.cause).toBe('ok');
      expect(d.best.fit).toBe('fits');
      expect(d.verdicts.slice(1).every((v) => v.fit === 'ruled-out')).toBe(true);
      expect(d.best.evidence.join(' ')).toContain('all 4 blocks');
    });

    it('wrong key: every block garbage, bad padding' + tag, () => {
      const other = Buffer.from(KEY);
      other[3] ^= 1;
      const v = best({ ...g, key: { text: other.toString('hex'), encoding: 'hex' } });
      expect(v.cause).toBe('wrong-key');
      expect(v.fit).toBe('fits');
      expect(v.evidence.join(' ')).toMatch(/none of the 4 blocks/);
    });

    it('wrong IV: only block 1 garbage' + tag, () => {
      const other = Buffer.alloc(16, 0x42);
      const d = diagnose({ ...g, iv: { text: other.toString('hex'), encoding: 'hex' } });
      expect(d.best.cause).toBe('wrong-iv');
      expect(d.best.evidence.join(' ')).toContain('blocks 2, 3, 4 of 4 decrypt to text-like bytes, block 1 does not');
      // knowing the plaintext recovers the true IV from C₁
      if (expected) expect(d.best.repair?.iv?.text).toBe(IV.toString('hex'));
    });

    it('hex key read as UTF-8 text' + tag, () => {
      const v = best({ ...g, key: { text: KEY.toString('hex'), encoding: 'utf8' } });
      expect(v.cause).toBe('key-encoding');
      expect(v.repair?.key).toEqual({ text: KEY.toString('hex'), encoding: 'hex' });
      expect(v.repair?.reading.plaintext).toBe(TEXT);
    });

    it('base64 key in a hex field' + tag, () => {
      const v = best({ ...g, key: { text: KEY.toString('base64'), encoding: 'hex' } });
      expect(v.cause).toBe('key-encoding');
      expect(v.evidence[0]).toMatch(/hex digit/);
    });

    it('base64 IV in a hex field' + tag, () => {
      const v = best({ ...g, iv: { text: IV.toString('base64'), encoding: 'hex' } });
      expect(v.cause).toBe('iv-encoding');
      expect(v.repair?.iv?.encoding).toBe('base64');
    });

    it('hex ciphertext claimed as base64' + tag, () => {
      const v = best({ ...g, ciphertext: { text: CT.toString('hex'), encoding: 'base64' } });
      expect(v.cause).toBe('ciphertext-encoding');
    });

    it('IV left on the front (wire form pasted as ciphertext)' + tag, () => {
      const wire = Buffer.concat([IV, CT]).toString('base64');
      const d = diagnose({ ...g, ciphertext: { text: wire, encoding: 'base64' } });
      expect(d.best.cause).toBe('iv-not-stripped');
      expect(d.best.repair?.reading.plaintext).toBe(TEXT);
      // as typed, it looks like a wrong IV; the diagnoser says that is explained
      expect(d.verdicts.find((v) => v.cause === 'wrong-iv')?.fit).toBe('possible');
    });

    it('IV left on the front, IV field empty' + tag, () => {
      const wire = Buffer.concat([IV, CT]).toString('base64');
      const v = best({ ...g, iv: { text: '', encoding: 'hex' }, ciphertext: { text: wire, encoding: 'base64' } });
      expect(v.cause).toBe('iv-not-stripped');
    });

    it('truncated ciphertext' + tag, () => {
      const v = best({
        ...g,
        ciphertext: { text: CT.subarray(0, CT.length - 5).toString('base64'), encoding: 'base64' }
      });
      expect(v.cause).toBe('length');
      expect(v.evidence[0]).toContain(`${CT.length - 5} bytes`);
    });

    it('extra bytes at the end' + tag, () => {
      const v = best({
        ...g,
        ciphertext: { text: Buffer.concat([CT, Buffer.from([1, 2, 3])]).toString('base64'), encoding: 'base64' }
      });
      expect(v.cause).toBe('length');
      expect(v.summary).toMatch(/3 extra bytes/);
      expect(v.repair?.reading.plaintext).toBe(TEXT);
    });

    it('zero padding instead of PKCS#7' + tag, () => {
      const bytes = Buffer.from(TEXT);
      const zero = Buffer.alloc(Math.ceil(bytes.length / 16) * 16);
      bytes.copy(zero);
      const v = best({ ...g, ciphertext: { text: enc(KEY, IV, zero, false).toString('base64'), encoding: 'base64' } });
      expect(v.cause).toBe('bad-padding');
      expect(v.evidence.join(' ')).toMatch(/zero padding/);
      expect(v.repair?.padding).toBe('none');
    });

    it('no padding at all' + tag, () => {
      const pt = Buffer.from('exactly thirty-two bytes of txt!');
      expect(pt.length).toBe(32);
      const v = best({ ...g, ciphertext: { text: enc(KEY, IV, pt, false).toString('base64'), encoding: 'base64' } });
      expect(v.cause).toBe('bad-padding');
      expect(v.evidence.join(' ')).toMatch(/no padding/);
    });
  }

  it('an IV wrong only in low bits still reads as text; with the expected plaintext it is named wrong IV', () => {
    const near = Buffer.from(IV.map((b) => b ^ 0x07));
    const input = { ...good, iv: { text: near.toString('hex'), encoding: 'hex' as const } };
    const withText = diagnose({ ...input, expected: TEXT });
    expect(withText.best.cause).toBe('wrong-iv');
    expect(withText.best.repair?.iv?.text).toBe(IV.toString('hex'));
    // without it, the bytes alone cannot tell: the diagnoser does not claim a fault it cannot see
    expect(['ok', 'wrong-iv']).toContain(diagnose(input).best.cause);
  });

  it('one block: a wrong IV and a wrong key cannot be told apart, and it says so', () => {
    const ct = enc(KEY, IV, 'short');
    const d = diagnose({
      ...good,
      iv: { text: '00'.repeat(16), encoding: 'hex' },
      ciphertext: { text: ct.toString('base64'), encoding: 'base64' }
    });
    expect(d.verdicts.find((v) => v.cause === 'wrong-iv')?.fit).toBe('possible');
  });

  it('the plant-a-mistake helper produces faults that get their own verdict', () => {
    for (const { fault, cause } of FAULTS) {
      const input = plantFault({ key: KEY, iv: IV, plaintext: TEXT }, fault);
      expect([fault, best(input).cause]).toEqual([fault, cause]);
      expect([fault, best({ ...input, expected: undefined }).cause]).toEqual([fault, cause]);
    }
  });
});

describe('diagnose: properties', () => {
  const textArb = fc.string({
    unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ.,;!?0123456789é☕'),
    minLength: 1,
    maxLength: 90
  });
  const keyArb = fc.constantFrom(16, 24, 32).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));
  const ivArb = fc.uint8Array({ minLength: 16, maxLength: 16 });

  it('honest on good input: random text, keys and IVs always give ok', () => {
    fc.assert(
      fc.property(keyArb, ivArb, textArb, (key, iv, text) => {
        const ct = enc(Buffer.from(key), Buffer.from(iv), text);
        const input: DiagnoseInput = {
          key: { text: Buffer.from(key).toString('hex'), encoding: 'hex' },
          iv: { text: Buffer.from(iv).toString('base64'), encoding: 'base64' },
          ciphertext: { text: ct.toString('hex'), encoding: 'hex' }
        };
        expect(best(input).cause).toBe('ok');
        expect(best({ ...input, expected: text }).cause).toBe('ok');
      }),
      { numRuns: 150 }
    );
  });

  it('a wrong key on a random text message is named wrong key (multi-block)', () => {
    fc.assert(
      fc.property(
        keyArb,
        keyArb,
        ivArb,
        textArb.filter((t) => Buffer.byteLength(t) >= 16),
        (key, other, iv, text) => {
          fc.pre(Buffer.compare(Buffer.from(key), Buffer.from(other)) !== 0);
          const ct = enc(Buffer.from(key), Buffer.from(iv), text);
          const d = diagnose({
            key: { text: Buffer.from(other).toString('hex'), encoding: 'hex' },
            iv: { text: Buffer.from(iv).toString('hex'), encoding: 'hex' },
            ciphertext: { text: ct.toString('base64'), encoding: 'base64' },
            expected: text
          });
          expect(d.best.cause).toBe('wrong-key');
        }
      ),
      { numRuns: 100 }
    );
  });

  it('textMask: UTF-8 text is all text; a cut multi-byte character is not', () => {
    expect([...textMask(Buffer.from('Café ☕\n'))].every((b) => b === 1)).toBe(true);
    const cut = Buffer.from('☕').subarray(0, 2);
    expect([...textMask(cut)]).toEqual([0, 0]);
    expect([...textMask(Uint8Array.of(0, 0x7f, 0xff, 0x41))]).toEqual([0, 0, 0, 1]);
  });
});

describe('diagnose: hex pasted where base64 is expected', () => {
  // 39 bytes of text + 9 of PKCS#7 pad = 48 bytes of ciphertext (node:crypto), 96 hex digits. Read
  // as base64 those 96 characters are 96 / 4 · 3 = 72 bytes = 4 blocks + 8: a length that is
  // only an artefact of the wrong encoding.
  const SHORT = 'Hello Client, message received securely';
  const ct = enc(KEY, IV, SHORT);
  const hexAsB64 = (bytes: Buffer, key = KEY): DiagnoseInput => ({
    key: { text: key.toString('hex'), encoding: 'hex' },
    iv: { text: IV.toString('hex'), encoding: 'hex' },
    ciphertext: { text: bytes.toString('hex'), encoding: 'base64' }
  });
  const verdict = (input: DiagnoseInput, cause: string) => diagnose(input).verdicts.find((v) => v.cause === cause)!;

  it('names the wrong encoding, and rules the length out: as hex it is whole blocks', () => {
    expect(ct.length).toBe(48);
    expect(Buffer.from(ct.toString('hex'), 'base64').length).toBe(72);
    for (const expected of [undefined, SHORT]) {
      const input = { ...hexAsB64(ct), expected };
      const d = diagnose(input);
      expect(d.best.cause).toBe('ciphertext-encoding');
      expect(d.best.fit).toBe('fits');
      expect(d.best.repair?.reading.plaintext).toBe(SHORT);
      const length = verdict(input, 'length');
      expect(length.fit).toBe('ruled-out');
      expect(length.summary).toBe('The length is fine once the ciphertext is read as hex.');
      expect(length.evidence).toEqual([
        'the ciphertext, read as hex, as it was meant (as base64, as typed, it would be 72 bytes), is 48 bytes = 3 whole blocks'
      ]);
      expect(d.verdicts.filter((v) => v.fit === 'fits').map((v) => v.cause)).toEqual(['ciphertext-encoding']);
    }
  });

  it('hex as base64: the fix decrypts with the key and IV as typed, so key, IV and padding are ruled out', () => {
    // the 72 bytes do not decrypt as typed, but read as hex they are node:crypto's 48 bytes and open
    // cleanly with the same key and IV: none of the three is the problem
    const d = diagnose(hexAsB64(ct));
    for (const cause of ['wrong-key', 'wrong-iv', 'bad-padding']) {
      const v = verdict(hexAsB64(ct), cause);
      expect(v.fit).toBe('ruled-out');
      expect(v.summary).toContain('the fix for');
      expect(v.evidence[0]).toContain('3 blocks');
    }
    expect(d.verdicts.filter((v) => v.fit === 'possible').map((v) => v.cause)).not.toContain('wrong-key');
  });

  it('hex that is also cut short: the length is judged on the hex bytes (43 = 2 blocks + 11)', () => {
    const cut = ct.subarray(0, 43);
    const length = verdict(hexAsB64(cut), 'length');
    expect(length.fit).toBe('fits');
    expect(length.evidence[0]).toBe(
      // 86 hex digits read as base64: 84 characters + 2 → not a multiple of 4, so it does not decode
      'the ciphertext, read as hex, as it was meant (as base64, as typed, it does not decode), is 43 bytes = 2 whole blocks + 11 bytes; CBC ciphertext is always whole 16-byte blocks'
    );
  });

  it('hex with a wrong key too: hex by its alphabet (possible), the length still judged as hex', () => {
    const other = Buffer.from(KEY.map((b) => b ^ 0xa5));
    const input = hexAsB64(ct, other);
    const enc = verdict(input, 'ciphertext-encoding');
    expect(enc.fit).toBe('possible');
    expect(enc.summary).toBe(
      'The ciphertext is hex, not base64: it uses only hex digits. Read as hex it still does not decrypt, so something else is wrong as well.'
    );
    expect(enc.evidence[0]).toBe('read as base64 the ciphertext is 72 bytes; read as hex it is 48 bytes');
    const length = verdict(input, 'length');
    expect(length.fit).toBe('ruled-out');
    expect(length.evidence[0]).toMatch(/is 48 bytes = 3 whole blocks$/);
  });

  it('real base64 that happens to be valid hex is not claimed as hex below 32 digits', () => {
    // 'deadbeef' is valid base64 (6 bytes) and valid hex (4 bytes): too short to tell by alphabet
    const d = diagnose({
      key: { text: KEY.toString('hex'), encoding: 'hex' },
      iv: { text: IV.toString('hex'), encoding: 'hex' },
      ciphertext: { text: 'deadbeef', encoding: 'base64' }
    });
    expect(d.verdicts.find((v) => v.cause === 'ciphertext-encoding')!.fit).toBe('ruled-out');
    expect(d.verdicts.find((v) => v.cause === 'length')!.evidence[0]).toMatch(/^the ciphertext is 6 bytes = 0 whole/);
  });
});
