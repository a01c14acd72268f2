// The seed projects, rebuilt in Python from their description (random 16-byte IV, PKCS#7,
// base64(IV ‖ C) + "\n", the server answering "Hello Client, message received securely"
// encrypted), talk to CBC Lab: a seed client to `cbc-lab server`, `cbc-lab client` to a seed
// server. Python's `cryptography` shares no code with ours.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { inProcess } from '../../helpers/spawn-cli.ts';
import { KEY_HEX, Recorder, startServer, waitFor } from '../../helpers/net.ts';

const HAVE_PYTHON = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;

const COMMON = `
import socket, os, sys, base64
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives import padding
def enc(key, text):
    iv = os.urandom(16)
    p = padding.PKCS7(128).padder()
    data = p.update(text.encode()) + p.finalize()
    e = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + e.update(data) + e.finalize()) + b"\\n"
def dec(key, line):
    raw = base64.b64decode(line)
    d = Cipher(algorithms.AES(key), modes.CBC(raw[:16])).decryptor()
    u = padding.PKCS7(128).unpadder()
    return (u.update(d.update(raw[16:]) + d.finalize()) + u.finalize()).decode()
def readline(s):
    buf = b""
    while not buf.endswith(b"\\n"):
        chunk = s.recv(1024)
        if not chunk: break
        buf += chunk
    return buf.strip()
`;

const SEED_CLIENT = `${COMMON}
key = bytes.fromhex(sys.argv[2])
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
print("Connected to server")
s.sendall(enc(key, sys.argv[3]))
print("Encrypted message sent")
print("Decrypted reply:", dec(key, readline(s)))
s.close()
`;

const SEED_SERVER = `${COMMON}
key = bytes.fromhex(sys.argv[1])
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
print(srv.getsockname()[1], flush=True)
conn, _ = srv.accept()
print("Received:", dec(key, readline(conn)), flush=True)
reply = enc(key, "Hello Client, message received securely")
conn.sendall(reply if sys.argv[2] == "newline" else reply.strip())
conn.close()
`;

const children: ChildProcess[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const c of cleanups.splice(0)) await c();
});

function python(script: string, args: string[]) {
  const p = spawn('python3', ['-c', script, ...args]);
  children.push(p);
  let out = '';
  let err = '';
  p.stdout.on('data', (d) => (out += d));
  p.stderr.on('data', (d) => (err += d));
  const done = new Promise<number | null>((r) => p.on('close', r));
  return { out: () => out, err: () => err, done };
}

describe.skipIf(!HAVE_PYTHON)('seed projects (Python) ↔ CBC Lab', () => {
  it('a seed client gets the seed reply from cbc-lab server, and the room hears it', async () => {
    const { server, port } = await startServer();
    cleanups.push(() => server.close());
    const native = await Recorder.open({ port, framing: 'native', suite: 'cbc-hmac', name: 'n' });
    cleanups.push(() => native.client.destroy());
    const py = python(SEED_CLIENT, [String(port), KEY_HEX, 'hello from python ✓']);
    expect(await py.done, py.err()).toBe(0);
    expect(py.out()).toBe(
      'Connected to server\nEncrypted message sent\nDecrypted reply: Hello Client, message received securely\n'
    );
    await native.until((m) => m.kind === 'chat', 'the relay');
    expect(native.texts('chat')[0]).toMatch(/^guest-\d+: hello from python ✓$/);
  });

  for (const ending of ['newline', 'close'])
    it(`cbc-lab client talks to a seed server (reply ended by ${ending === 'newline' ? '"\\n"' : 'closing the connection'})`, async () => {
      const py = python(SEED_SERVER, [KEY_HEX, ending]);
      await waitFor(() => /^\d+\n/.test(py.out()), 'the seed server port');
      const port = py.out().split('\n')[0];
      const { code, stdout } = await inProcess(['client', '--port', port, '--key', KEY_HEX, '--message', 'hi seed']);
      expect(code).toBe(0);
      expect(stdout).toBe(
        'Connected to server\nEncrypted message sent\nDecrypted reply: Hello Client, message received securely\n'
      );
      await py.done;
      expect(py.out()).toContain('Received: hi seed');
    });
});
