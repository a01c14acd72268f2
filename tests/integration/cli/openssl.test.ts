// `cbc-lab encrypt`/`decrypt` against the real `openssl enc` on this machine: the ciphertext part
// of our wire form (after the 16-byte IV) must equal OpenSSL's output byte for byte, and each
// side must decrypt the other's, for AES-128/192/256, PKCS#7 and no padding. cbc-lab runs in this
// process (runCli); openssl, the independent truth, is spawned; one encrypt goes through the real
// bin (spawned) into openssl -d.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cli as spawnCli, inProcessCli as cli, openssl, pool } from '../../helpers/spawn-cli';

const KEY_BYTES = [16, 24, 32] as const;
// 0 and 16 are the PKCS#7 edge cases (a whole pad block); 1000 spans many chained blocks.
const PKCS7_LENGTHS = [0, 1, 15, 16, 17, 33, 100, 1000];
const NOPAD_LENGTHS = [0, 16, 48];

interface Case {
  keyHex: string;
  ivHex: string;
  plaintext: Buffer;
  nopad: boolean;
}

function makeCase(keyBytes: number, length: number, nopad: boolean): Case {
  return {
    keyHex: randomBytes(keyBytes).toString('hex'),
    ivHex: randomBytes(16).toString('hex'),
    plaintext: randomBytes(length),
    nopad
  };
}

const padArgs = (c: Case) => (c.nopad ? ['--padding', 'none'] : []);

describe.each(KEY_BYTES)('AES-%i-byte key', (keyBytes) => {
  const cases = [
    ...PKCS7_LENGTHS.map((n) => makeCase(keyBytes, n, false)),
    ...NOPAD_LENGTHS.map((n) => makeCase(keyBytes, n, true))
  ];

  it('encrypt: the wire form is IV ‖ the bytes openssl enc writes (base64 and hex)', async () => {
    await pool(
      cases.map((c) => async () => {
        const expected = openssl({ keyHex: c.keyHex, ivHex: c.ivHex, nopad: c.nopad }, c.plaintext);
        const wire = Buffer.concat([Buffer.from(c.ivHex, 'hex'), expected]);
        // hex input so that the exact random bytes go in as the argument
        const r = await cli([
          'encrypt',
          '--key',
          c.keyHex,
          '--iv',
          c.ivHex,
          '--in',
          'hex',
          ...padArgs(c),
          c.plaintext.toString('hex')
        ]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.out).toBe(wire.toString('base64') + '\n');
        expect(Buffer.from(r.out.trim(), 'base64').subarray(16).equals(expected)).toBe(true);
      })
    );
    // --out hex on two of them
    for (const c of [cases[0], cases[3]]) {
      const expected = openssl({ keyHex: c.keyHex, ivHex: c.ivHex }, c.plaintext);
      const r = await cli([
        'encrypt',
        '--key',
        c.keyHex,
        '--iv',
        c.ivHex,
        '--in',
        'hex',
        '--out',
        'hex',
        c.plaintext.toString('hex')
      ]);
      expect(r.code).toBe(0);
      expect(r.out).toBe(c.ivHex + expected.toString('hex') + '\n');
    }
  });

  it('encrypt: stdin is encrypted as-is, like openssl enc (binary bytes, trailing newline kept)', async () => {
    const keyHex = randomBytes(keyBytes).toString('hex');
    const ivHex = randomBytes(16).toString('hex');
    // not valid UTF-8 on purpose, and ending in a newline as `echo` would leave it
    const input = Buffer.concat([randomBytes(40), Buffer.from([0xff, 0xfe, 0x0a])]);
    const r = await cli(['encrypt', '--key', keyHex, '--iv', ivHex], input);
    expect(r.code).toBe(0);
    const expected = openssl({ keyHex, ivHex }, input);
    expect(Buffer.from(r.out.trim(), 'base64').subarray(16).equals(expected)).toBe(true);
  });

  it('decrypt: recovers what openssl enc encrypted, and openssl -d recovers what we encrypted', async () => {
    const decryptCases = cases.filter((c) => !(c.nopad && c.plaintext.length === 0));
    await pool(
      decryptCases.map((c) => async () => {
        const ct = openssl({ keyHex: c.keyHex, ivHex: c.ivHex, nopad: c.nopad }, c.plaintext);
        const wire = Buffer.concat([Buffer.from(c.ivHex, 'hex'), ct]).toString('base64');
        const r = await cli(['decrypt', '--key', c.keyHex, '--out', 'hex', ...padArgs(c), wire]);
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.out).toBe(c.plaintext.toString('hex') + '\n');
      })
    );
    // the other way round: our random-IV wire form, split and handed to openssl -d (from the real
    // bin for AES-128: a smoke test of its stdout pipe)
    const c = cases[4];
    const ours = await (keyBytes === 16 ? spawnCli : cli)([
      'encrypt',
      '--key',
      c.keyHex,
      '--in',
      'hex',
      c.plaintext.toString('hex')
    ]);
    expect(ours.code).toBe(0);
    const wire = Buffer.from(ours.out.trim(), 'base64');
    const back = openssl(
      { keyHex: c.keyHex, ivHex: wire.subarray(0, 16).toString('hex'), decrypt: true },
      wire.subarray(16)
    );
    expect(back.equals(c.plaintext)).toBe(true);
  });

  it('decrypt --out utf8 writes the plaintext bytes exactly as openssl enc -d does', async () => {
    const keyHex = randomBytes(keyBytes).toString('hex');
    const ivHex = randomBytes(16).toString('hex');
    const text = Buffer.from('Hello Client, message received securely ✓\n', 'utf8');
    const ct = openssl({ keyHex, ivHex }, text);
    const wire = Buffer.concat([Buffer.from(ivHex, 'hex'), ct]).toString('base64');
    const r = await cli(['decrypt', '--key', keyHex], wire + '\n');
    expect(r.code).toBe(0);
    expect(r.stdout.equals(openssl({ keyHex, ivHex, decrypt: true }, ct))).toBe(true);
    expect(r.stdout.equals(text)).toBe(true);
  });
});
