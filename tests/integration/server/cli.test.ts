// `cbc-lab server` and `cbc-lab client` as a user runs them: the real CLI in a child process for
// the signals (smoke tests of the bin: a real SIGINT and SIGTERM); in process (runCli) for the
// seed-style exchange, the interactive chat and the many usage errors.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KEY_HEX, Recorder, inProcess, startServer, waitFor } from '../../helpers/net.ts';
import { startInProcess } from '../../helpers/spawn-cli.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const CLI = join(root, 'server', 'cli.js');
const children: ChildProcess[] = [];
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const c of cleanups.splice(0)) await c();
});

async function spawnServer(extra: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-cli-'));
  const log = join(dir, 'chat.log');
  const p = spawn(process.execPath, [CLI, 'server', '--port', '0', '--key', KEY_HEX, '--log', log, ...extra], {
    cwd: root
  });
  children.push(p);
  let stdout = '';
  p.stdout.on('data', (d) => (stdout += d));
  p.stderr.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  await waitFor(() => /Server listening on/.test(stdout), 'the server to listen', 15_000);
  const m = /^Server listening on 127\.0\.0\.1:(\d+)$/m.exec(stdout);
  expect(m).not.toBeNull();
  return { p, port: Number(m![1]), log, exited, out: () => stdout };
}

describe('cbc-lab server: signals', () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: a bye to every client, the log flushed, exit 0`, async () => {
      const { p, port, log, exited, out } = await spawnServer();
      const native = await Recorder.open({ port, framing: 'native', suite: 'gcm', name: 'n' });
      const line = await Recorder.open({ port, framing: 'line' });
      cleanups.push(
        () => native.client.destroy(),
        () => line.client.destroy()
      );
      line.client.send('here');
      await line.until((m) => m.kind === 'ack', 'the ack');
      p.kill(signal);
      expect(await exited).toBe(0);
      await native.until((m) => m.kind === 'bye', 'the native bye');
      await line.until((m) => m.kind === 'bye', 'the line bye');
      expect(native.of('bye')[0]).toMatchObject({ text: 'server shutting down' });
      expect(out()).toMatch(/Server stopped/);
      const lines = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.at(-1)).toMatchObject({ event: 'shutdown', told: 2 });
      expect(readFileSync(log, 'utf8')).not.toContain('here');
    }, 30_000);
  }
});

describe('cbc-lab client', () => {
  it("--message: the seed client's three lines, exit 0 (against `cbc-lab server`, both in this process)", async () => {
    const server = startInProcess(['server', '--port', '0', '--key', KEY_HEX, '--log', 'none']);
    cleanups.push(
      () => server.signal('SIGTERM'),
      () => server.exited
    );
    await waitFor(() => /Server listening on/.test(server.out()), 'the server to listen', 15_000);
    const port = Number(/^Server listening on 127\.0\.0\.1:(\d+)$/m.exec(server.out())![1]);
    const r = await inProcess(['client', '--port', String(port), '--key', KEY_HEX, '--message', 'hi']);
    expect(r.stdout).toBe(
      'Connected to server\nEncrypted message sent\nDecrypted reply: Hello Client, message received securely\n'
    );
    expect(r.code).toBe(0);
  }, 30_000);

  it('--framing native with every suite, and --show-wire prints the frames', async () => {
    const { server, port } = await startServer({ logPath: null });
    cleanups.push(() => server.close());
    for (const suite of ['cbc', 'cbc-hmac', 'gcm']) {
      const r = await inProcess([
        'client',
        '--port',
        String(port),
        '--key',
        KEY_HEX,
        '--framing',
        'native',
        '--suite',
        suite,
        '--name',
        'bo',
        '--message',
        'yo',
        '--show-wire'
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^→ wire: cbc10101/m); // hello
      expect(r.stdout).toMatch(/^← wire: cbc10103/m); // ack
      expect(r.stdout).toMatch(/Decrypted reply: Hello Client, message received securely\n/);
    }
  });

  it('--suite cbc-hmac|gcm or --name without --framing picks native framing; plain --message stays line', async () => {
    const { server, port } = await startServer({ logPath: null });
    cleanups.push(() => server.close());
    for (const extra of [
      ['--suite', 'gcm'],
      ['--suite', 'cbc-hmac'],
      ['--name', 'zed']
    ]) {
      const r = await inProcess([
        'client',
        '--port',
        String(port),
        '--key',
        KEY_HEX,
        ...extra,
        '--message',
        'yo',
        '--show-wire'
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^→ wire: cbc10101/m); // a native hello (docs/protocol.md §3: magic cb c1, version 1, type 1)
    }
    const line = await inProcess([
      'client',
      '--port',
      String(port),
      '--key',
      KEY_HEX,
      '--message',
      'yo',
      '--show-wire'
    ]);
    expect(line.code, line.stderr).toBe(0);
    expect(line.stdout).not.toMatch(/wire: cbc1/);
  });

  it("interactive: lines typed are sent, others' messages appear decrypted, end of input says bye, exit 0", async () => {
    const { server, port } = await startServer({ logPath: null });
    cleanups.push(() => server.close());
    const rec = await Recorder.open({ port, framing: 'native', suite: 'gcm', name: 'rec' });
    cleanups.push(() => rec.client.destroy());
    for (const framing of ['native', 'line']) {
      const p = startInProcess([
        'client',
        '--port',
        String(port),
        '--key',
        KEY_HEX,
        '--framing',
        framing,
        '--name',
        'ivy'
      ]);
      cleanups.push(() => p.stdin.end());
      const out = () => p.out();
      const exited = p.exited;
      await waitFor(() => out().includes('Connected to server'), 'the client to connect', 15_000);
      p.stdin.write(`typed on ${framing}\n`);
      await rec.until((m) => m.kind === 'chat' && m.text.endsWith(`: typed on ${framing}`), 'the typed line');
      rec.client.send(`hello ${framing}`);
      await waitFor(() => out().includes(`rec: hello ${framing}`), 'the reply shown', 5000);
      p.stdin.end();
      expect(await exited).toBe(0);
      await rec.until(
        // line framing: --name is sent as "/name ivy" (docs/protocol.md §8.2.5), so both leave as ivy
        (m) => m.kind === 'leave' && m.text === 'ivy' && rec.of('leave').length === (framing === 'native' ? 1 : 2),
        'the leave notice'
      );
    }
  }, 60_000);

  it('a wrong key says so plainly, exit 1', async () => {
    const { server, port } = await startServer({ logPath: null });
    cleanups.push(() => server.close());
    const r = await inProcess(['client', '--port', String(port), '--key', 'ff'.repeat(16), '--message', 'hi']);
    expect(r.code).toBe(1);
    // 255 times in 256 the server's reply fails the padding check; else it is not UTF-8
    expect(r.stderr).toMatch(
      /cannot decrypt the server's reply: (bad padding|the plaintext is not UTF-8) — do both sides use the same key\?/
    );
    const n = await inProcess([
      'client',
      '--port',
      String(port),
      '--key',
      'ff'.repeat(16),
      '--framing',
      'native',
      '--suite',
      'cbc-hmac',
      '--message',
      'hi'
    ]);
    expect(n.code).toBe(1);
    expect(n.stderr).toContain('bad MAC — do both sides use the same key?');
  });

  it('no server: exit 1 with a hint', async () => {
    const { server, port } = await startServer({ logPath: null });
    await server.close();
    const r = await inProcess(['client', '--port', String(port), '--key', KEY_HEX, '--message', 'hi']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /ERR_CONNECT: cannot connect to 127\.0\.0\.1:\d+: connection refused: is `cbc-lab server` running there\?/
    );
  });

  it('the port in use: the server exits 1 and says why', async () => {
    const { server, port } = await startServer({ logPath: null });
    cleanups.push(() => server.close());
    const r = await inProcess(['server', '--port', String(port), '--key', KEY_HEX, '--log', 'none']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ERR_LISTEN: cannot listen on 127\.0\.0\.1:\d+: the port is in use/);
  });
});

describe('usage errors: exit 2 with the usage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-keys-'));
  const shortKey = join(dir, 'short.key');
  writeFileSync(shortKey, 'abcd\n');
  const cases: [string, string[], RegExp][] = [
    ['server without a key', ['server'], /ERR_MISSING_OPTION: a key is needed/],
    ['client without a key', ['client', '--message', 'x'], /ERR_MISSING_OPTION/],
    ['both key flags', ['server', '--key', KEY_HEX, '--key-file', shortKey], /either --key or --key-file/],
    ['a short key', ['server', '--key', 'abcd'], /expected 16, 24 or 32 bytes/],
    [
      'a key that is not hex',
      ['client', '--key', 'zz'.repeat(16)],
      /ERR_BAD_OPTION_VALUE: --key: expected a hex digit/
    ],
    ['a key file that is too short', ['server', '--key-file', shortKey], /--key-file: expected 16, 24 or 32 bytes/],
    ['a missing key file', ['server', '--key-file', join(dir, 'nope')], /cannot read .*ENOENT/],
    ['an unknown flag', ['server', '--key', KEY_HEX, '--verbose'], /ERR_UNKNOWN_OPTION/],
    ['a bad port', ['server', '--key', KEY_HEX, '--port', '70000'], /--port: expected a number 0\.\.65535/],
    [
      'a bad max-clients',
      ['server', '--key', KEY_HEX, '--max-clients', '0'],
      /--max-clients: expected a whole number ≥ 1/
    ],
    ['a bad idle timeout', ['server', '--key', KEY_HEX, '--idle-timeout', 'soon'], /--idle-timeout: expected seconds/],
    ['a bad framing', ['client', '--key', KEY_HEX, '--framing', 'json'], /--framing: expected line or native/],
    [
      'a suite on line framing',
      ['client', '--key', KEY_HEX, '--framing', 'line', '--suite', 'gcm'],
      /--suite gcm needs --framing native/
    ],
    [
      'a bad name',
      ['client', '--key', KEY_HEX, '--framing', 'native', '--name', 'a:b'],
      /--name: expected 1 to 32 characters/
    ],
    ['an empty message', ['client', '--key', KEY_HEX, '--message', ''], /--message: expected some text/],
    ['a stray argument', ['client', '--key', KEY_HEX, 'hello'], /ERR_EXTRA_ARGUMENT/]
  ];
  for (const [what, args, re] of cases) {
    it(what, async () => {
      const r = await inProcess(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr).toMatch(new RegExp(`usage: cbc-lab ${args[0]} `));
      expect(r.stderr).not.toMatch(/\n\s+at /); // never a stack trace
    });
  }

  it('--help prints the options, exit 0', async () => {
    for (const c of ['server', 'client']) {
      const r = await inProcess([c, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/--key-file/);
    }
  });

  it('--key-file takes hex text or raw bytes (32 hex digits read both ways: --key-format says which)', async () => {
    const { server, port } = await startServer({ logPath: null });
    cleanups.push(() => server.close());
    const hexFile = join(dir, 'hex.key');
    writeFileSync(hexFile, KEY_HEX + '\n');
    const rawFile = join(dir, 'raw.key');
    writeFileSync(rawFile, Buffer.from(KEY_HEX, 'hex'));
    for (const [f, format] of [
      [hexFile, ['--key-format', 'hex']],
      [rawFile, []]
    ] as const) {
      const r = await inProcess(['client', '--port', String(port), '--key-file', f, ...format, '--message', 'hi']);
      expect(r.code, r.stderr).toBe(0);
    }
  });
});
