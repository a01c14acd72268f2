// cbc-lab as a user meets it: help, exit statuses 0/1/2, stdin, --json, and error lines.
// Independent truth for the bytes is node:crypto; tests/integration/cli/openssl.test.ts compares with OpenSSL.
// The commands run in this process (runCli with our own streams); the bin itself, spawned, is
// proven by the few smoke tests marked (spawned).
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cli as spawnCli, inProcessCli as cli, oneLine, pool } from '../../helpers/spawn-cli';

const KEY = '000102030405060708090a0b0c0d0e0f';
const IV = '00112233445566778899aabbccddeeff';
const STACK = /\n\s+at |node:internal|\.ts:\d+/;

function nodeWire(keyHex: string, ivHex: string, plaintext: Uint8Array): Buffer {
  const c = createCipheriv(`aes-${keyHex.length * 4}-cbc`, Buffer.from(keyHex, 'hex'), Buffer.from(ivHex, 'hex'));
  return Buffer.concat([Buffer.from(ivHex, 'hex'), c.update(plaintext), c.final()]);
}

describe('help', () => {
  it('cbc-lab --help lists the commands and exits 0', async () => {
    for (const flag of ['--help', '-h']) {
      const r = await cli([flag]);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/usage: cbc-lab <command>/);
      expect(r.out).toMatch(/\bencrypt\b.*\n.*\bdecrypt\b/);
      expect(r.stderr).toBe('');
    }
  });

  it('each command has --help (exit 0) with its synopsis and exit statuses', async () => {
    const [enc, dec, viaHelp] = await pool([
      () => cli(['encrypt', '--help']),
      () => cli(['decrypt', '-h']),
      () => cli(['help', 'encrypt'])
    ]);
    expect(enc.code).toBe(0);
    expect(enc.out).toContain(
      'cbc-lab encrypt --key <hex> [--iv <hex>] [--in utf8|hex|base64] [--out base64|hex] [--padding pkcs7|none] [--json] [TEXT]'
    );
    expect(enc.out).toMatch(/as-is/); // the stdin rule is documented
    expect(dec.code).toBe(0);
    expect(dec.out).toContain(
      'cbc-lab decrypt --key <hex> [--in base64|hex] [--out utf8|hex] [--padding pkcs7|none] [--json] [WIRE]'
    );
    for (const r of [enc, dec]) expect(r.out).toMatch(/0 {2}success[\s\S]*1 {2}the data[\s\S]*2 {2}a usage error/);
    // the --json limit is documented where the flag is (docs/errors.md ERR_INPUT_TOO_LARGE)
    for (const r of [enc, dec])
      expect(r.out).toMatch(/--json[^]*up to 1 MiB, 1048576 bytes[^]*ERR_INPUT_TOO_LARGE, exit 1/);
    expect(viaHelp.out).toBe(enc.out);
  });

  it('options are read left to right: an unknown one before --help is an error, a bad value is not checked', async () => {
    const r = await cli(['encrypt', '--bogus', '--help']);
    expect(r.code).toBe(2);
    const ok = await cli(['encrypt', '--key', 'zz', '--help']);
    expect(ok.code).toBe(0);
  });

  it("no command: the help on stderr, exit 2 (spawned: the bin's exit status); an unknown command: exit 2", async () => {
    const [none, unknown] = await pool([() => spawnCli([]), () => cli(['frobnicate'])]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/usage: cbc-lab <command>/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^cbc-lab: ERR_UNKNOWN_COMMAND: unknown command "frobnicate"/);
  });

  it('npx cbc-lab resolves the package bin (server/cli.js) with no build step (spawned)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { root } = await import('../../helpers/spawn-cli');
    const r = spawnSync('npx', ['--no-install', 'cbc-lab', '--help'], { cwd: root, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/usage: cbc-lab <command>/);
  });

  it('also runs as `node --import tsx server/cli/main.ts` (command modules import its neighbours without a deadlock) (spawned)', async () => {
    const { spawnSync } = await import('node:child_process');
    const { root } = await import('../../helpers/spawn-cli');
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'server/cli/main.ts', 'encrypt', '--key', KEY, '--iv', IV, 'hello'],
      {
        cwd: root,
        encoding: 'utf8'
      }
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(nodeWire(KEY, IV, Buffer.from('hello')).toString('base64') + '\n');
  });
});

describe('encrypt', () => {
  it('prints base64(IV ‖ C) on one line, equal to node:crypto', async () => {
    const r = await cli(['encrypt', '--key', KEY, '--iv', IV, 'hello']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.out).toBe(nodeWire(KEY, IV, Buffer.from('hello')).toString('base64') + '\n');
  });

  it('--out hex, --in hex, --in base64, --key with spaces and upper case, AES-256', async () => {
    const key256 = randomBytes(32).toString('hex');
    const data = Buffer.from('CBC Lab');
    const expected = nodeWire(key256, IV, data);
    const spaced = key256.toUpperCase().replace(/(..)/g, '$1 ').trim();
    const [hexOut, hexIn, b64In] = await pool([
      () => cli(['encrypt', '--key', key256, '--iv', IV, '--out', 'hex', 'CBC Lab']),
      () => cli(['encrypt', '--key', spaced, '--iv', IV, '--in', 'hex', data.toString('hex')]),
      () => cli(['encrypt', `--key=${key256}`, `--iv=${IV}`, '--in=base64', data.toString('base64')])
    ]);
    expect(hexOut.out).toBe(expected.toString('hex') + '\n');
    expect(hexIn.out).toBe(expected.toString('base64') + '\n');
    expect(b64In.out).toBe(expected.toString('base64') + '\n');
  });

  it('without --iv a fresh random IV leads the output, and decrypt takes it back', async () => {
    const [a, b] = await pool([
      () => cli(['encrypt', '--key', KEY, 'same text']),
      () => cli(['encrypt', '--key', KEY, 'same text'])
    ]);
    expect(a.code).toBe(0);
    expect(a.out).not.toBe(b.out);
    const wireA = Buffer.from(a.out.trim(), 'base64');
    expect(wireA.length).toBe(32);
    expect(wireA.equals(nodeWire(KEY, wireA.subarray(0, 16).toString('hex'), Buffer.from('same text')))).toBe(true);
    const back = await cli(['decrypt', '--key', KEY], a.out);
    expect(back.out).toBe('same text');
  });

  it('reads TEXT from stdin when there is no argument, bytes as-is (the newline is encrypted)', async () => {
    const r = await cli(['encrypt', '--key', KEY, '--iv', IV], 'hi\n');
    expect(r.out).toBe(nodeWire(KEY, IV, Buffer.from('hi\n')).toString('base64') + '\n');
    const hex = await cli(['encrypt', '--key', KEY, '--iv', IV, '--in', 'hex'], '68 69\n0a\n');
    expect(hex.out).toBe(r.out);
  });

  it('an empty input encrypts to one block of PKCS#7 padding', async () => {
    const r = await cli(['encrypt', '--key', KEY, '--iv', IV, '']);
    expect(r.code).toBe(0);
    expect(Buffer.from(r.out.trim(), 'base64').length).toBe(32);
  });

  it('-- lets TEXT start with a dash', async () => {
    const r = await cli(['encrypt', '--key', KEY, '--iv', IV, '--', '-5']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(nodeWire(KEY, IV, Buffer.from('-5')).toString('base64') + '\n');
  });
});

describe('decrypt', () => {
  it('prints the UTF-8 plaintext exactly; --out hex prints hex; stdin with line breaks works', async () => {
    const wire = nodeWire(KEY, IV, Buffer.from('Grüße, CBC'));
    const b64 = wire.toString('base64');
    const wrapped = '\n  ' + b64.replace(/(.{8})/g, '$1\n') + '\n\n';
    const [arg, hex, stdin, hexIn] = await pool([
      () => cli(['decrypt', '--key', KEY, b64]),
      () => cli(['decrypt', '--key', KEY, '--out', 'hex', b64]),
      () => cli(['decrypt', '--key', KEY], wrapped),
      () => cli(['decrypt', '--key', KEY, '--in', 'hex'], wire.toString('hex').toUpperCase() + '\n')
    ]);
    for (const r of [arg, stdin, hexIn]) {
      expect(r.code).toBe(0);
      expect(r.out).toBe('Grüße, CBC');
    }
    expect(hex.out).toBe(Buffer.from('Grüße, CBC').toString('hex') + '\n');
  });

  it('--padding none keeps the pad bytes', async () => {
    const wire = nodeWire(KEY, IV, Buffer.from('abc'));
    const r = await cli(['decrypt', '--key', KEY, '--padding', 'none', '--out', 'hex', wire.toString('base64')]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('616263' + '0d'.repeat(13) + '\n');
  });
});

describe('--json on a large input (docs/errors.md ERR_INPUT_TOO_LARGE: at most 1 MiB, 1048576 bytes)', () => {
  it('30 MB on stdin: one error line naming the limit and saying to drop --json, exit 1, at once (it used to run out of heap) (spawned: a real pipe)', async () => {
    const t0 = Date.now();
    const r = await spawnCli(['encrypt', '--key', KEY, '--iv', IV, '--json'], randomBytes(30_000_000));
    const ms = Date.now() - t0;
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.stderr).not.toMatch(STACK);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^cbc-lab: ERR_INPUT_TOO_LARGE: --json: expected at most 1048576 bytes \(1 MiB\) of input, got more than 1048576 on standard input; .*Drop --json to encrypt large inputs/
    );
    expect(ms).toBeLessThan(20_000);
  }, 60_000);

  it('one byte over the limit is refused for decrypt too; without --json the same input encrypts', async () => {
    const plaintext = randomBytes(1024 * 1024 + 1);
    const [dec, enc] = await pool([
      () => cli(['decrypt', '--key', KEY, '--json'], 'A'.repeat(1024 * 1024 + 1)),
      () => cli(['encrypt', '--key', KEY, '--iv', IV], plaintext)
    ]);
    expect(dec.code).toBe(1);
    expect(oneLine(dec.stderr)).toEqual([
      expect.stringMatching(
        /^cbc-lab: ERR_INPUT_TOO_LARGE: --json: expected at most 1048576 bytes \(1 MiB\) of input, got more than 1048576 on standard input; .*Drop --json to decrypt large inputs/
      )
    ]);
    expect(enc.code).toBe(0);
    expect(enc.out).toBe(nodeWire(KEY, IV, plaintext).toString('base64') + '\n');
  }, 60_000);
});

describe('--json', () => {
  it('encrypt: the whole trace with hex bytes, per-block entries, padding and base64 groups', async () => {
    const text = 'seventeen bytes!!';
    const r = await cli(['encrypt', '--key', KEY, '--iv', IV, '--json', text]);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out);
    const wire = nodeWire(KEY, IV, Buffer.from(text));
    expect(t.direction).toBe('encrypt');
    expect(t.keySize).toBe(128);
    expect(t.key).toBe(KEY);
    expect(t.iv).toBe(IV);
    expect(t.input).toBe(Buffer.from(text).toString('hex'));
    expect(t.padding).toEqual({ scheme: 'pkcs7', padLength: 15, padBytes: '0f'.repeat(15), fullBlock: false });
    expect(t.padded).toBe(Buffer.from(text).toString('hex') + '0f'.repeat(15));
    expect(t.ciphertext).toBe(wire.subarray(16).toString('hex'));
    expect(t.blocks).toHaveLength(2);
    for (const [i, b] of t.blocks.entries()) {
      expect(Object.keys(b).sort()).toEqual(['chainInput', 'cipherBlock', 'index', 'plaintextBlock', 'xored']);
      expect(b.index).toBe(i);
      expect(b.chainInput).toBe(i === 0 ? IV : t.blocks[i - 1].cipherBlock);
      expect(b.plaintextBlock).toBe(t.padded.slice(32 * i, 32 * i + 32));
      expect(b.cipherBlock).toBe(t.ciphertext.slice(32 * i, 32 * i + 32));
      const x = Buffer.from(b.plaintextBlock, 'hex').map((v, j) => v ^ Buffer.from(b.chainInput, 'hex')[j]);
      expect(Buffer.from(x).toString('hex')).toBe(b.xored);
    }
    expect(t.wire.bytes).toBe(wire.toString('hex'));
    expect(t.wire.base64).toBe(wire.toString('base64'));
    expect(t.wire.groupCount).toBe(Math.ceil(48 / 3));
    expect(t.wire.groups).toHaveLength(16);
    expect(t.wire.groups.map((g: { chars: string }) => g.chars).join('')).toBe(t.wire.base64);
    expect(t.wire.groups[0]).toMatchObject({ index: 0, byteStart: 0, byteEnd: 3, charStart: 0 });
  });

  it('decrypt: the trace with a valid padding outcome and the plaintext', async () => {
    const wire = nodeWire(KEY, IV, Buffer.from('exactly 16 bytes'));
    const r = await cli(['decrypt', '--key', KEY, '--json', wire.toString('base64')]);
    expect(r.code).toBe(0);
    const t = JSON.parse(r.out);
    expect(t.direction).toBe('decrypt');
    expect(t.padding).toEqual({ scheme: 'pkcs7', ok: true, padLength: 16, padBytes: '10'.repeat(16), fullBlock: true });
    expect(t.plaintext).toBe(Buffer.from('exactly 16 bytes').toString('hex'));
    expect(t.blocks).toHaveLength(2);
    expect(t.wire.groups).toHaveLength(t.wire.groupCount);
  });

  it('decrypt with bad padding: the trace still prints (the outcome says what failed), exit 1', async () => {
    const wire = nodeWire(KEY, IV, Buffer.from('attack at dawn'));
    const wrongKey = 'ff' + KEY.slice(2);
    const r = await cli(['decrypt', '--key', wrongKey, '--json', wire.toString('base64')]);
    expect(r.code).toBe(1);
    const t = JSON.parse(r.out);
    expect(t.padding.ok).toBe(false);
    expect(t.padding.check.fault).toMatch(/^(zero|too-large|longer-than-data|mismatch)$/);
    expect(typeof t.padding.check.position).toBe('number');
    expect(t.padding.check.message).toMatch(/^bad padding/);
    expect(t.plaintext).toBeNull();
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^cbc-lab: ERR_BAD_PADDING: /);
  });
});

describe('exit 1: the data cannot be decrypted (one line on stderr, no usage)', () => {
  const wire = nodeWire(KEY, IV, Buffer.from('attack at dawn'));
  const cases: [string, string[], string | undefined, RegExp][] = [
    [
      'wrong key → bad padding',
      ['decrypt', '--key', 'ff' + KEY.slice(2), wire.toString('base64')],
      undefined,
      /^cbc-lab: ERR_BAD_PADDING: bad padding: .*check the key and the IV/
    ],
    [
      'wire too short',
      ['decrypt', '--key', KEY, wire.subarray(0, 24).toString('base64')],
      undefined,
      /^cbc-lab: ERR_WIRE_LENGTH: .*IV/
    ],
    [
      'ciphertext not whole blocks',
      ['decrypt', '--key', KEY, '--in', 'hex', wire.toString('hex') + 'abcd'],
      undefined,
      /^cbc-lab: ERR_CIPHERTEXT_LENGTH: /
    ],
    [
      'plaintext not UTF-8',
      ['decrypt', '--key', KEY],
      nodeWire(KEY, IV, Buffer.from([0x41, 0xff, 0x42])).toString('base64'),
      /^cbc-lab: ERR_BAD_UTF8: .*--out hex/
    ],
    [
      'padding none, input not whole blocks',
      ['encrypt', '--key', KEY, '--iv', IV, '--padding', 'none', 'abc'],
      undefined,
      /^cbc-lab: ERR_PLAINTEXT_LENGTH: /
    ],
    ['empty stdin for decrypt', ['decrypt', '--key', KEY], '', /^cbc-lab: ERR_WIRE_LENGTH: /]
  ];
  it.each(cases)('%s', async (_name, args, stdin, line) => {
    const r = await cli(args, stdin);
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(line);
    expect(r.stderr).not.toMatch(STACK);
  });
});

describe('exit 2: usage errors (the error line, then the usage)', () => {
  const wire = nodeWire(KEY, IV, Buffer.from('x')).toString('base64');
  const cases: [string, string[], RegExp][] = [
    ['missing --key', ['encrypt', 'hi'], /ERR_MISSING_OPTION: --key is required/],
    ['bad hex in the key', ['encrypt', '--key', '0x' + KEY, 'hi'], /ERR_BAD_HEX: key: .*position 1.*leave out the 0x/],
    [
      'key of the wrong length',
      ['encrypt', '--key', KEY.slice(0, 30), 'hi'],
      /ERR_KEY_LENGTH: key: expected 16, 24 or 32 bytes/
    ],
    ['IV of the wrong length', ['encrypt', '--key', KEY, '--iv', '0011', 'hi'], /ERR_IV_LENGTH: /],
    ['unknown flag', ['encrypt', '--key', KEY, '--verbose', 'hi'], /ERR_UNKNOWN_OPTION: unknown option --verbose/],
    [
      'bad --in value',
      ['encrypt', '--key', KEY, '--in', 'latin1', 'hi'],
      /ERR_BAD_OPTION_VALUE: --in: expected utf8 or hex or base64, got "latin1"/
    ],
    ['bad --out value for decrypt', ['decrypt', '--key', KEY, '--out', 'base64', wire], /ERR_BAD_OPTION_VALUE: --out/],
    ['bad --padding value', ['encrypt', '--key', KEY, '--padding', 'zero', 'hi'], /ERR_BAD_OPTION_VALUE: --padding/],
    ['a flag given twice', ['encrypt', '--key', KEY, '--key', KEY, 'hi'], /ERR_REPEATED_OPTION: /],
    ['a flag without its value', ['encrypt', 'hi', '--key'], /ERR_MISSING_VALUE: --key needs a value/],
    ['two TEXT arguments', ['encrypt', '--key', KEY, 'hello', 'world'], /ERR_EXTRA_ARGUMENT: /],
    ['bad hex TEXT', ['encrypt', '--key', KEY, '--in', 'hex', 'abcg'], /ERR_BAD_HEX: TEXT: .*position 3/],
    [
      'bad base64 WIRE',
      ['decrypt', '--key', KEY, wire.replace('+', '-').slice(0, -2) + '-_'],
      /ERR_BAD_BASE64: WIRE: /
    ],
    [
      '--json with a value',
      ['decrypt', '--key', KEY, '--json=yes', wire],
      /ERR_BAD_OPTION_VALUE: --json takes no value/
    ]
  ];
  it.each(cases)('%s', async (_name, args, line) => {
    const r = await cli(args, 'not read');
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
    const lines = oneLine(r.stderr);
    expect(lines[0]).toMatch(/^cbc-lab: ERR_[A-Z0-9_]+: /);
    expect(lines[0]).toMatch(line);
    expect(r.stderr).toContain(`usage: cbc-lab ${args[0]} --key <hex>`);
    expect(r.stderr).not.toMatch(STACK);
  });
});
