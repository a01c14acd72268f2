// Interop with programs that share no code with ours: Python's `cryptography` decrypts our wire
// form base64(IV ‖ C) the way the seed projects' Python servers do, and `openssl enc` works both
// ways.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptTrace, encryptTrace, parseWireBase64 } from '$lib/crypto';

const PYTHON = `
import sys, json, base64
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives import padding
out = []
for case in json.load(sys.stdin):
    wire = base64.b64decode(case["wire"], validate=True)
    iv, ct = wire[:16], wire[16:]
    d = Cipher(algorithms.AES(bytes.fromhex(case["key"])), modes.CBC(iv)).decryptor()
    padded = d.update(ct) + d.finalize()
    u = padding.PKCS7(128).unpadder()
    out.append((u.update(padded) + u.finalize()).hex())
print(json.dumps(out))
`;

function run(cmd: string, args: string[], input: string | Buffer) {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 24 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}: ${r.stderr.toString()}`);
  return r.stdout;
}

const lengths = [0, 1, 15, 16, 17, 31, 32, 33, 100, 1000, 65536];

describe('Python cryptography decrypts our wire form', () => {
  it('every key size, many lengths, in one python3 process', () => {
    const cases = [16, 24, 32].flatMap((n) =>
      lengths.map((len) => {
        const key = new Uint8Array(randomBytes(n));
        const plaintext = new Uint8Array(randomBytes(len));
        const t = encryptTrace({ key, iv: new Uint8Array(randomBytes(16)), plaintext });
        return {
          key: Buffer.from(key).toString('hex'),
          wire: t.wire.base64,
          plaintext: Buffer.from(plaintext).toString('hex')
        };
      })
    );
    const text = new TextEncoder().encode('Hello Client, message received securely');
    const key = new Uint8Array(randomBytes(16));
    const t = encryptTrace({ key, iv: new Uint8Array(randomBytes(16)), plaintext: text });
    cases.push({
      key: Buffer.from(key).toString('hex'),
      wire: t.wire.base64,
      plaintext: Buffer.from(text).toString('hex')
    });

    const got: string[] = JSON.parse(run('python3', ['-c', PYTHON], JSON.stringify(cases)).toString());
    expect(got).toEqual(cases.map((c) => c.plaintext));
  });
});

describe('openssl enc', () => {
  for (const n of [16, 24, 32]) {
    it(`AES-${n * 8}: openssl decrypts our ciphertext, and we decrypt openssl's`, () => {
      const key = new Uint8Array(randomBytes(n));
      const iv = new Uint8Array(randomBytes(16));
      const plaintext = new Uint8Array(randomBytes(777));
      const args = [
        `-aes-${n * 8}-cbc`,
        '-K',
        Buffer.from(key).toString('hex'),
        '-iv',
        Buffer.from(iv).toString('hex')
      ];

      const ours = encryptTrace({ key, iv, plaintext });
      const { ciphertext } = parseWireBase64(ours.wire.base64);
      const opened = run('openssl', ['enc', '-d', ...args], Buffer.from(ciphertext));
      expect(opened.equals(Buffer.from(plaintext))).toBe(true);

      // `-a` writes base64 with a line break every 64 characters
      const theirs = run('openssl', ['enc', '-a', ...args], Buffer.from(plaintext)).toString();
      expect(theirs.split('\n').length).toBeGreaterThan(2);
      expect(theirs.replace(/\n/g, '')).toBe(Buffer.from(ours.ciphertext).toString('base64'));
      const c = Buffer.from(theirs, 'base64');
      // the wire as `openssl base64` spells it, line breaks included
      const wire = run('openssl', ['base64'], Buffer.concat([iv, c])).toString();
      const back = decryptTrace({ key, ...parseWireBase64(wire) });
      expect(Buffer.from(back.plaintext!).equals(Buffer.from(plaintext))).toBe(true);
    });
  }
});
