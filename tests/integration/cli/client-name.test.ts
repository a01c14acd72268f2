// `cbc-lab client --framing line --name X` names itself with "/name X" (docs/protocol.md §8.2.5):
// real sockets on 127.0.0.1, a ChatServer in process or a seed-style server written here with
// node:crypto that knows nothing of /name; the CLI in process (runCli).
import { afterEach, describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { KEY, KEY_HEX, Recorder, inProcess, startServer, waitFor } from '../../helpers/net.ts';
import { startInProcess, type InProcessCli } from '../../helpers/spawn-cli.ts';

const ACK = 'Hello Client, message received securely'; // docs/protocol.md §8.2
const ENV = { ...process.env, CBC_LAB_KEY: '' };

const children: InProcessCli[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) c.stdin.end();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function room() {
  const { server, port } = await startServer({ logPath: null });
  cleanups.push(() => server.close());
  const watcher = await Recorder.open({ port, framing: 'native', name: 'watcher' });
  cleanups.push(() => watcher.client.destroy());
  return { port, watcher };
}

describe('cbc-lab client --framing line --name', () => {
  it('--message: sends "/name ivy" first, then the message; the room reads "ivy: hi"', async () => {
    const { port, watcher } = await room();
    const r = await inProcess(
      ['client', '--port', String(port), '--key', KEY_HEX, '--framing', 'line', '--name', 'ivy', '--message', 'hi'],
      { env: ENV }
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Connected to server\nEncrypted message sent\nDecrypted reply: ${ACK}\n`);
    expect(r.stderr).not.toMatch(/note:/);
    await watcher.until((m) => m.kind === 'chat' && m.text === 'ivy: hi', 'the relay');
    const guest = watcher.texts('join')[0];
    expect(guest).toMatch(/^guest-\d+$/);
    expect(watcher.texts('chat')).toEqual([`* ${guest} is now ivy`, 'ivy: hi']);
  });

  it('a name the server refuses (it starts with "* "): exit 1 with ERR_BAD_NAME, and the message is not sent', async () => {
    const { port, watcher } = await room();
    const r = await inProcess(
      ['client', '--port', String(port), '--key', KEY_HEX, '--framing', 'line', '--name', '* ivy', '--message', 'hi'],
      { env: ENV }
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Connected to server\n');
    expect(r.stderr).toMatch(
      /^cbc-lab: ERR_BAD_NAME: the server refused our \/name: \/name: the name must have no "\* " or "ERROR " at the start/m
    );
    // relays keep the sender's order (§8.3): a sent "hi" would come before its leave notice
    await watcher.until((m) => m.kind === 'leave', 'the client to leave');
    expect(watcher.texts('chat')).toEqual([]);
  });

  it('without --name a line client sends no /name and stays guest-N', async () => {
    const { port, watcher } = await room();
    const r = await inProcess(['client', '--port', String(port), '--key', KEY_HEX, '--message', 'plain'], {
      env: ENV
    });
    expect(r.code, r.stderr).toBe(0);
    await watcher.until((m) => m.kind === 'chat', 'the relay');
    expect(watcher.texts('chat')).toEqual([`${watcher.texts('join')[0]}: plain`]);
    expect(watcher.texts('join')[0]).toMatch(/^guest-\d+$/);
  });

  it('interactive: "* you are now ivy", then chat as ivy; a typed "/name ivo" renames again', async () => {
    const { port, watcher } = await room();
    const c = startInProcess(
      ['client', '--port', String(port), '--key', KEY_HEX, '--framing', 'line', '--name', 'ivy'],
      {
        env: ENV
      }
    );
    children.push(c);
    await waitFor(() => c.out().includes('* you are now ivy\n'), 'the answer to /name', 20_000);
    expect(c.err()).toMatch(/Joining as ivy \(line framing, \/name\)/);
    c.stdin.write('hello\n/name ivo\nagain\n');
    await watcher.until((m) => m.kind === 'chat' && m.text === 'ivo: again', 'the last relay');
    expect(watcher.texts('chat').slice(1)).toEqual(['ivy: hello', '* ivy is now ivo', 'ivo: again']);
    await waitFor(() => c.out().includes('* you are now ivo\n'), 'the answer to the typed /name');
    c.stdin.end();
    expect(await c.exited).toBe(0);
  });

  it('a seed server that does not know /name acks it: a note says so, and the message still goes', async () => {
    // a seed-style server (seed 2's room of one): each base64 line is answered with the ack
    const got: string[] = [];
    const seed: Server = createServer((s) => {
      let buf = '';
      s.on('data', (d) => {
        buf += d.toString('latin1');
        for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
          const raw = Buffer.from(buf.slice(0, i).trim(), 'base64');
          buf = buf.slice(i + 1);
          const dec = createDecipheriv('aes-128-cbc', KEY, raw.subarray(0, 16));
          got.push(Buffer.concat([dec.update(raw.subarray(16)), dec.final()]).toString());
          const iv = randomBytes(16);
          const enc = createCipheriv('aes-128-cbc', KEY, iv);
          s.write(Buffer.concat([iv, enc.update(ACK), enc.final()]).toString('base64') + '\n');
        }
      });
      s.on('error', () => {});
    });
    await new Promise<void>((r) => seed.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => seed.close(r)));
    const port = (seed.address() as { port: number }).port;
    const r = await inProcess(
      ['client', '--port', String(port), '--key', KEY_HEX, '--framing', 'line', '--name', 'ivy', '--message', 'hi'],
      { env: ENV }
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Connected to server\nEncrypted message sent\nDecrypted reply: ${ACK}\n`);
    expect(r.stderr).toMatch(
      /note: the server answered "\/name ivy" with an ack, not "\* you are now …": it does not know \/name/
    );
    expect(got).toEqual(['/name ivy', 'hi']);
  });

  it('--help says what --name does with line framing', async () => {
    const r = await inProcess(['client', '--help'], { env: ENV });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/line framing sends "\/name <name>" first/);
  });
});
