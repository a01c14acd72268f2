// Where `cbc-lab server` and `cbc-lab client` get their key: --key, --key-file (hex text or raw
// bytes, refused when it reads both ways), CBC_LAB_KEY, --key-format. Each key is proven on a
// real socket: the client's --message gets the server's ack only when both hold the key that
// the spec says the file means (docs/protocol.md §4.2, §8.2), and fails to decrypt it otherwise.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../../../server/cli/flags.ts';
import { KEY_FLAGS, resolveKey } from '../../../server/cli/key-source.ts';
import { Recorder, inProcess, startServer, waitFor } from '../../helpers/net.ts';
import { startInProcess, type InProcessCli } from '../../helpers/spawn-cli.ts';
const ACK = 'Hello Client, message received securely';
const SEED_ASCII = '0123456789abcdef0123456789abcdef'; // a seed's KEY = b"0123456789abcdef0123456789abcdef"
const SEED_AS_RAW = Buffer.from(SEED_ASCII, 'latin1'); // 32 bytes: AES-256
const SEED_AS_HEX = Buffer.from(SEED_ASCII, 'hex'); // 16 bytes: AES-128
const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-key-file-'));
function file(name: string, content: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const children: InProcessCli[] = [];
const cleanups: (() => unknown)[] = [];
let savedEnv: string | undefined;
beforeEach(() => {
  savedEnv = process.env.CBC_LAB_KEY;
  delete process.env.CBC_LAB_KEY;
});
afterEach(async () => {
  if (savedEnv === undefined) delete process.env.CBC_LAB_KEY;
  else process.env.CBC_LAB_KEY = savedEnv;
  for (const c of children.splice(0)) c.signal('SIGTERM');
  for (const c of cleanups.splice(0)) await c();
});

/** A server holding `key`; the client with `keyArgs` sends one message: does it get the ack? */
async function exchange(serverKey: Uint8Array, keyArgs: string[]) {
  const { server, port } = await startServer({ key: serverKey, logPath: null });
  cleanups.push(() => server.close());
  return inProcess(['client', '--port', String(port), ...keyArgs, '--message', 'hi']);
}

function expectAck(r: { code: number; stdout: string; stderr: string }) {
  expect(r.stdout, r.stderr).toBe(`Connected to server\nEncrypted message sent\nDecrypted reply: ${ACK}\n`);
  expect(r.code).toBe(0);
}

function expectUsage(r: { code: number; stderr: string }, code: string) {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toMatch(new RegExp(`^cbc-lab: ${code}: `));
  expect(r.stderr).toMatch(/\nusage: cbc-lab (client|server) /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('a key file that reads two ways is refused, naming both readings and --key-format', () => {
  const cases: [string, string, RegExp][] = [
    [
      '32 hex digits, no line end (the seed key as bytes)',
      SEED_ASCII,
      /as hex, its 32 characters are a 16-byte AES-128 key; as raw bytes, they are a 32-byte AES-256 key/
    ],
    ['32 hex digits and the line end echo writes', SEED_ASCII + '\n', /AES-128[\s\S]*AES-256/],
    ['32 hex digits and a Windows line end', SEED_ASCII + '\r\n', /AES-128[\s\S]*AES-256/],
    [
      '16 hex digits: too short as hex, AES-128 as raw',
      '0123456789abcdef\n',
      /as hex, its 16 characters[^;]* are 8 bytes, too short for AES; as raw bytes, they are a 16-byte AES-128 key/
    ],
    [
      '24 hex digits: too short as hex, AES-192 as raw',
      '0123456789abcdef01234567',
      /12 bytes, too short for AES; as raw bytes, they are a 24-byte AES-192 key/
    ]
  ];
  for (const [what, content, re] of cases) {
    it(what, async () => {
      const f = file(`ambiguous-${what.length}.key`, content);
      for (const cmd of ['client', 'server']) {
        const r = await inProcess([
          cmd,
          '--key-file',
          f,
          ...(cmd === 'client' ? ['--message', 'hi'] : ['--log', 'none'])
        ]);
        expectUsage(r, 'ERR_AMBIGUOUS_KEY');
        expect(r.stderr).toMatch(re);
        expect(r.stderr).toContain(`--key-file ${f} reads two ways`);
        expect(r.stderr).toContain('--key-format hex or --key-format raw');
      }
    });
  }
});

describe('--key-format chooses, and the chosen key is the one on the wire', () => {
  it('the seed\'s 32 characters with --key-format raw are the AES-256 key b"0123…"; --key-format hex the AES-128 key 01 23 45 …', async () => {
    const f = file('seed.key', SEED_ASCII);
    const raw = await exchange(SEED_AS_RAW, ['--key-file', f, '--key-format', 'raw']);
    expectAck(raw);
    expect(raw.stderr).toContain(`key: AES-256 (32 bytes, from --key-file ${f} read as raw bytes)\n`);
    const hex = await exchange(SEED_AS_HEX, ['--key-file', f, '--key-format', 'hex']);
    expectAck(hex);
    expect(hex.stderr).toContain(`key: AES-128 (16 bytes, from --key-file ${f} read as hex)\n`);
    // the other reading does not talk to that server
    const wrong = await exchange(SEED_AS_HEX, ['--key-file', f, '--key-format', 'raw']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/cannot decrypt the server's reply/);
  });

  it('raw reading of a text file leaves out one final line end (as echo writes); a binary file stays whole', async () => {
    const echoed = file('echoed.key', SEED_ASCII + '\n');
    const r = await exchange(SEED_AS_RAW, ['--key-file', echoed, '--key-format', 'raw']);
    expectAck(r);
    expect(r.stderr).toContain(
      `key: AES-256 (32 bytes, from --key-file ${echoed} read as raw bytes, the final line end left out)\n`
    );
    // 32 random bytes that happen to end in 0x0a: a key of 32 bytes, not 31
    const bin = Buffer.concat([Buffer.from([0x00, 0xff, 0x1b]), Buffer.alloc(28, 0xab), Buffer.from([0x0a])]);
    expect(bin.length).toBe(32);
    const b = await exchange(bin, ['--key-file', file('binary.key', bin)]);
    expectAck(b);
    expect(b.stderr).toMatch(/key: AES-256 \(32 bytes, from --key-file \S+ read as raw bytes\)\n/);
  });

  it('--key-format raw on a file that is no key as raw bytes says so', async () => {
    const r = await inProcess([
      'client',
      '--key-file',
      file('hex64-raw.key', 'ab'.repeat(32) + '\n'),
      '--key-format',
      'raw',
      '--message',
      'x'
    ]);
    expectUsage(r, 'ERR_BAD_OPTION_VALUE');
    expect(r.stderr).toMatch(
      /--key-file: expected 16, 24 or 32 raw bytes with --key-format raw, got \S+: 64 bytes without the final line end, not a key/
    );
  });
});

describe('unambiguous key files need no --key-format', () => {
  it('64 hex digits: AES-256 from hex (64 raw bytes are no AES key); 48: AES-192', async () => {
    const hex64 = 'f0'.repeat(8) + '0f'.repeat(8) + '5a'.repeat(16);
    const r = await exchange(Buffer.from(hex64, 'hex'), ['--key-file', file('hex64.key', hex64 + '\n')]);
    expectAck(r);
    expect(r.stderr).toMatch(/key: AES-256 \(32 bytes, from --key-file \S+ read as hex\)\n/);
    const hex48 = '0123456789abcdef'.repeat(3);
    const r2 = await exchange(Buffer.from(hex48, 'hex'), ['--key-file', file('hex48.key', hex48)]);
    expectAck(r2);
    expect(r2.stderr).toMatch(/key: AES-192 \(24 bytes/);
  });

  it('16 or 24 characters that are not all hex: the raw bytes (AES-128, AES-192)', async () => {
    const r = await exchange(Buffer.from('my-secret-key-16'), ['--key-file', file('pass16.key', 'my-secret-key-16\n')]);
    expectAck(r);
    expect(r.stderr).toMatch(
      /key: AES-128 \(16 bytes, from --key-file \S+ read as raw bytes, the final line end left out\)\n/
    );
    const r2 = await exchange(Buffer.from('twenty-four characters!!'), [
      '--key-file',
      file('pass24.key', 'twenty-four characters!!')
    ]);
    expectAck(r2);
    expect(r2.stderr).toMatch(/key: AES-192 \(24 bytes, from --key-file \S+ read as raw bytes\)\n/);
  });

  it('files that are no key either way: what is wrong, and what to do', async () => {
    const cases: [string, string, RegExp][] = [
      [
        'short',
        'abcd\n',
        /--key-file: expected 16, 24 or 32 bytes .*: 4 hex digits are 2 bytes, not a key; make one with `openssl rand -hex 32`/
      ],
      ['odd', SEED_ASCII.slice(1) + '\n', /an even number of hex digits \(two per byte\), got 31/],
      [
        '0x',
        '0x' + SEED_ASCII + '\n',
        /34 bytes without the final line end, not a key as raw bytes, and not hex .*leave out the 0x prefix/
      ],
      ['empty', '', /--key-file: \S+ is empty; put a key in it, e\.g\. `openssl rand -hex 32 > /]
    ];
    for (const [name, content, re] of cases) {
      const r = await inProcess(['server', '--key-file', file(`${name}.key`, content), '--log', 'none']);
      expectUsage(r, 'ERR_BAD_OPTION_VALUE');
      expect(r.stderr, name).toMatch(re);
    }
    const missing = await inProcess(['client', '--key-file', join(dir, 'nope.key'), '--message', 'x']);
    expectUsage(missing, 'ERR_BAD_OPTION_VALUE');
    expect(missing.stderr).toMatch(/--key-file: cannot read \S+nope\.key: ENOENT \(no such file\)/);
  });
});

describe('CBC_LAB_KEY, and which source wins', () => {
  it('CBC_LAB_KEY alone: hex by default; --key-format raw takes its characters', async () => {
    process.env.CBC_LAB_KEY = SEED_ASCII;
    const hex = await exchange(SEED_AS_HEX, []);
    expectAck(hex);
    expect(hex.stderr).toContain('key: AES-128 (16 bytes, from CBC_LAB_KEY read as hex)\n');
    const raw = await exchange(SEED_AS_RAW, ['--key-format', 'raw']);
    expectAck(raw);
    expect(raw.stderr).toContain('key: AES-256 (32 bytes, from CBC_LAB_KEY read as raw bytes)\n');
  });

  it('--key, then --key-file, then CBC_LAB_KEY; start-up says which was used', async () => {
    process.env.CBC_LAB_KEY = 'ee'.repeat(16); // not the server's key
    const right = '00112233445566778899aabbccddeeff';
    const k = await exchange(Buffer.from(right, 'hex'), ['--key', right]);
    expectAck(k);
    expect(k.stderr).toContain(
      'key: AES-128 (16 bytes, from --key read as hex; CBC_LAB_KEY is set too and not used)\n'
    );
    const right64 = right.repeat(2); // what `openssl rand -hex 32 > key.txt` writes: not ambiguous
    const f = file('right.key', right64 + '\n');
    const kf = await exchange(Buffer.from(right64, 'hex'), ['--key-file', f]);
    expectAck(kf);
    expect(kf.stderr).toContain(
      `key: AES-256 (32 bytes, from --key-file ${f} read as hex; CBC_LAB_KEY is set too and not used)\n`
    );
  });

  it('usage errors: two key flags, --key with --key-format raw, a bad or empty CBC_LAB_KEY, no key at all', async () => {
    const f = file('any.key', 'ab'.repeat(16));
    const both = await inProcess(['server', '--key', 'ab'.repeat(16), '--key-file', f]);
    expectUsage(both, 'ERR_CONFLICTING_OPTIONS');
    expect(both.stderr).toContain('give either --key or --key-file, not both');
    const rawKey = await inProcess(['client', '--key', 'ab'.repeat(16), '--key-format', 'raw', '--message', 'x']);
    expectUsage(rawKey, 'ERR_CONFLICTING_OPTIONS');
    expect(rawKey.stderr).toContain('--key is always hex');
    const badFormat = await inProcess(['client', '--key-file', f, '--key-format', 'base64', '--message', 'x']);
    expectUsage(badFormat, 'ERR_BAD_OPTION_VALUE');
    process.env.CBC_LAB_KEY = 'zz'.repeat(16);
    const bad = await inProcess(['client', '--message', 'x']);
    expectUsage(bad, 'ERR_BAD_OPTION_VALUE');
    expect(bad.stderr).toMatch(/^cbc-lab: ERR_BAD_OPTION_VALUE: CBC_LAB_KEY: expected a hex digit/);
    process.env.CBC_LAB_KEY = 'abcd';
    const short = await inProcess(['server']);
    expectUsage(short, 'ERR_BAD_OPTION_VALUE');
    expect(short.stderr).toMatch(/CBC_LAB_KEY: expected 16, 24 or 32 bytes \(32, 48 or 64 hex digits\), got 2 bytes/);
    process.env.CBC_LAB_KEY = '';
    const empty = await inProcess(['server']);
    expectUsage(empty, 'ERR_MISSING_OPTION');
    expect(empty.stderr).toContain('CBC_LAB_KEY is set but empty');
    delete process.env.CBC_LAB_KEY;
    const none = await inProcess(['client', '--message', 'x']);
    expectUsage(none, 'ERR_MISSING_OPTION');
    expect(none.stderr).toMatch(
      /a key is needed: --key <hex>, --key-file <path> or the environment variable CBC_LAB_KEY/
    );
  });
});

describe("cbc-lab server reads the key the same way (its own environment, not the test process's)", () => {
  async function serverCommand(args: string[], env: Record<string, string> = {}) {
    const p = startInProcess(['server', '--port', '0', '--log', 'none', ...args], {
      env: { ...process.env, CBC_LAB_KEY: '', ...env }
    });
    children.push(p);
    let code: number | null = null;
    const exited = p.exited.then((c) => (code = c));
    await waitFor(() => /Server listening on/.test(p.out()) || code !== null, 'the server to listen', 20_000);
    const m = /^Server listening on 127\.0\.0\.1:(\d+)$/m.exec(p.out());
    expect(m, p.err()).not.toBeNull();
    return { p: { kill: (sig: 'SIGTERM') => p.signal(sig) }, port: Number(m![1]), err: () => p.err(), exited };
  }

  it("--key-file with --key-format raw: AES-256 from the seed's characters, said on stderr; a seed-keyed client is answered", async () => {
    const f = file('server-seed.key', SEED_ASCII + '\n');
    const s = await serverCommand(['--key-file', f, '--key-format', 'raw']);
    expect(s.err()).toContain(
      `key: AES-256 (32 bytes, from --key-file ${f} read as raw bytes, the final line end left out)\n`
    );
    const c = await Recorder.open({ port: s.port, framing: 'line', key: SEED_AS_RAW });
    cleanups.push(() => c.client.destroy());
    c.client.send('hi');
    await c.until((m) => m.kind === 'ack', 'the ack');
    s.p.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 40_000);

  it('CBC_LAB_KEY (not in ps): hex, said on stderr; and the client reads it the same way', async () => {
    const hex = '8899aabbccddeeff0011223344556677';
    const s = await serverCommand([], { CBC_LAB_KEY: hex });
    expect(s.err()).toContain('key: AES-128 (16 bytes, from CBC_LAB_KEY read as hex)\n');
    process.env.CBC_LAB_KEY = hex;
    expectAck(await inProcess(['client', '--port', String(s.port), '--message', 'hi']));
    s.p.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  }, 40_000);
});

it('the key flags are declared once (server/cli/key-source.ts) and read by one helper for both commands', () => {
  const f = parseFlags(['--key-file', file('compat.key', SEED_ASCII), '--key-format', 'raw'], KEY_FLAGS);
  expect(Buffer.from(resolveKey(f, {}).key)).toEqual(SEED_AS_RAW);
});
