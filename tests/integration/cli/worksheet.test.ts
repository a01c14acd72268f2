// `cbc-lab worksheet`: the bin spawned with --json, its cipher-block, xor-byte and padding-verdict
// answers checked against `openssl enc` on this machine (AES-128 and AES-256); the seed repeats a
// sheet; the answer key only with --answers; bad flags give the usual usage errors (in process).
import { describe, expect, it } from 'vitest';
import { cli as spawnCli, inProcessCli as cli, openssl } from '../../helpers/spawn-cli';

interface Item {
  number: number;
  kind: string;
  question: string;
  block: number | null;
  byte: number | null;
  bit: number | null;
  mask?: number;
  wire?: string;
  answer: string | number | number[];
  seed: string;
  key: string;
  iv: string;
  plaintext: string;
}

const B = 16;

/** RFC 5652 §6.3 by hand: null when valid, else the index of the first failing byte from the end. */
function pkcs7Fault(padded: Buffer): number | null {
  const k = padded[padded.length - 1];
  if (k < 1 || k > B) return padded.length - 1;
  for (let i = padded.length - 2; i >= padded.length - k; i--) if (padded[i] !== k) return i;
  return null;
}

function opensslOpens(keyHex: string, wire: Buffer): boolean {
  try {
    openssl({ keyHex, ivHex: wire.subarray(0, B).toString('hex'), decrypt: true }, wire.subarray(B));
    return true;
  } catch {
    return false;
  }
}

describe.each([
  ['AES-128', '2b7e151628aed2a6abf7158809cf4f3c', 'attack at dawn, then lunch at noon'],
  [
    'AES-256',
    '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4',
    'Hello Client, message received securely'
  ]
])('%s: the spawned --json sheet against openssl enc', (_, keyHex, text) => {
  const ivHex = '000102030405060708090a0b0c0d0e0f';

  it('cipher-block, xor-byte and padding-verdict answers are what openssl computes', async () => {
    const r = await spawnCli([
      'worksheet',
      '--json',
      '--seed',
      'openssl',
      '--count',
      '30',
      '--kinds',
      'cipher-block,xor-byte,padding-verdict',
      '--key',
      keyHex,
      '--iv',
      ivHex,
      '--text',
      text
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sheet = JSON.parse(r.out) as Item[];
    expect(sheet).toHaveLength(30);
    const plaintext = Buffer.from(text, 'utf8');
    const ciphertext = openssl({ keyHex, ivHex }, plaintext);
    const padded = openssl({ keyHex, ivHex, decrypt: true, nopad: true }, ciphertext);
    const C = (i: number) => (i === 0 ? Buffer.from(ivHex, 'hex') : ciphertext.subarray((i - 1) * B, i * B));
    const P = (i: number) => padded.subarray((i - 1) * B, i * B);
    const n = ciphertext.length / B;
    for (const q of sheet) {
      expect(q).toMatchObject({ seed: 'openssl', key: keyHex, iv: ivHex, plaintext: plaintext.toString('hex') });
      if (q.kind === 'cipher-block') expect(q.answer, q.question).toBe(C(q.block!).toString('hex'));
      else if (q.kind === 'xor-byte') {
        const x = P(q.block!)[q.byte!] ^ C(q.block! - 1)[q.byte!];
        expect(q.answer, q.question).toBe(x.toString(16).padStart(2, '0'));
      } else {
        expect(q.kind).toBe('padding-verdict');
        const wire = Buffer.concat([C(0), ciphertext]);
        wire[q.block! * B + q.byte!] ^= q.mask!; // C_{n−1}, with C₀ the IV at offset 0
        expect(q.block).toBe(n - 1);
        expect(q.wire).toBe(wire.toString('hex'));
        const tampered = openssl(
          { keyHex, ivHex: wire.subarray(0, B).toString('hex'), decrypt: true, nopad: true },
          wire.subarray(B)
        );
        const fault = pkcs7Fault(tampered);
        expect(q.answer, q.question).toBe(fault === null ? 'valid' : fault - (n - 1) * B);
        expect(opensslOpens(keyHex, wire), q.question).toBe(fault === null);
      }
    }
    expect(new Set(sheet.map((q) => q.kind))).toEqual(new Set(['cipher-block', 'xor-byte', 'padding-verdict']));
  });
});

describe('cbc-lab worksheet, in process', () => {
  it('without a seed: a random one, reported, and with it the same sheet again', async () => {
    const first = await cli(['worksheet', '--json']);
    expect(first.code).toBe(0);
    const sheet = JSON.parse(first.out) as Item[];
    expect(sheet.map((q) => q.number)).toEqual([1, 2, 3, 4, 5, 6]);
    const seed = sheet[0].seed;
    expect(seed).toMatch(/^[0-9a-f]{8}$/);
    const again = await cli(['worksheet', '--json', '--seed', seed]);
    expect(again.out).toBe(first.out);
    const other = await cli(['worksheet', '--json', '--seed', `${seed}x`]);
    expect(other.out).not.toBe(first.out);
  });

  it('the cipher block of a seed-drawn key, IV and message is the one openssl computes', async () => {
    const r = await cli(['worksheet', '--json', '--seed', 'drawn', '--kinds', 'cipher-block', '--count', '5']);
    const sheet = JSON.parse(r.out) as Item[];
    const { key, iv, plaintext } = sheet[0];
    const c = openssl({ keyHex: key, ivHex: iv }, Buffer.from(plaintext, 'hex'));
    for (const q of sheet) expect(q.answer).toBe(c.subarray((q.block! - 1) * B, q.block! * B).toString('hex'));
  });

  it('plain text: numbered questions, the seed to repeat it, the answer key only with --answers', async () => {
    const args = ['worksheet', '--seed', 'class 7b', '--text', "it's me", '--count', '8'];
    const sheet = await cli(args);
    expect(sheet.code).toBe(0);
    expect(sheet.out).toContain(
      `(the same sheet again: cbc-lab worksheet --seed 'class 7b' --count 8 --text 'it'\\''s me')`
    );
    expect(sheet.out).toMatch(/^1\. /m);
    expect(sheet.out).toMatch(/^8\. /m);
    expect(sheet.out).not.toContain('answer key');
    const key = await cli([...args, '--answers']);
    expect(key.out.startsWith(sheet.out)).toBe(true);
    expect(key.out).toContain('--- answer key (seed class 7b) ---');
    expect(key.out.slice(sheet.out.length)).toMatch(/^8\. \[[a-z-]+\] /m);
  });

  it("a message with a line end and an escape is repeated as bash $'…', never printed raw", async () => {
    const r = await cli(['worksheet', '--seed', 's', '--text', 'a\nb\x1b[31m', '--count', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toContain("--text $'a\\nb\\x1b[31m'");
    expect(r.out).toContain('"a\\nb\\x1b[31m" (8 bytes)');
    expect(r.out).not.toContain('\x1b');
  });

  it.each([
    [['--count', '0'], 'ERR_BAD_OPTION_VALUE', '--count: expected a whole number from 1 to 100, got "0"'],
    [['--count', '101'], 'ERR_BAD_OPTION_VALUE', '--count'],
    [['--count', '2.5'], 'ERR_BAD_OPTION_VALUE', '--count'],
    [['--kinds', 'xor-byte,guess'], 'ERR_BAD_OPTION_VALUE', 'got "guess"'],
    [['--key', 'abcd'], 'ERR_KEY_LENGTH', 'got 2 bytes'],
    [['--iv', 'zz'], 'ERR_BAD_HEX', 'iv'],
    [['--iv', '00'], 'ERR_IV_LENGTH', 'got 1 bytes'],
    [['--text', '<4097 bytes>'], 'ERR_BAD_OPTION_VALUE', 'at most 4096 bytes, got 4097'],
    [['hello'], 'ERR_EXTRA_ARGUMENT', 'give the message with --text'],
    [['--seeed', 'x'], 'ERR_UNKNOWN_OPTION', '--seeed']
  ])('%j: %s, exit 2, with the usage', async (args, code, part) => {
    const r = await cli(['worksheet', ...args.map((a) => (a === '<4097 bytes>' ? 'x'.repeat(4097) : a))]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const line = r.stderr.split('\n')[0];
    expect(line.startsWith(`cbc-lab: ${code}: `)).toBe(true);
    expect(line).toContain(part);
    expect(r.stderr).toMatch(/^usage: cbc-lab worksheet /m);
  });

  it('is listed in cbc-lab --help', async () => {
    const r = await cli(['--help']);
    expect(r.out).toMatch(/^ {2}worksheet +print questions/m);
  });
});
