// The seed programs (tests/seeds/, Python) against `npm start` itself: the demo launched as
// `npm start` runs it (server/demo.ts in a child process), joined through its capture tap on the
// port it prints, with the key it prints. A listener that never sends hears the bots; a client
// that sends no line end gets its reply; the capture holds the frame, labelled (§5.5, §8.2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoChild, type DemoChild } from '../../helpers/demo-child';
import type { CapturedFrame } from '../../../src/lib/protocol/capture';

const SEEDS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'seeds');
const HAVE_PYTHON = spawnSync('python3', ['-c', 'import cryptography'], { stdio: 'ignore' }).status === 0;

function python(program: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn('python3', [join(SEEDS, program), ...args], { env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

let demo: DemoChild;
beforeAll(async () => {
  if (HAVE_PYTHON) demo = await startDemoChild();
}, 180_000);
afterAll(async () => {
  await demo?.stop();
});

describe.skipIf(!HAVE_PYTHON)('seed programs against npm start', () => {
  it('a listener that never sends hears the bots, decrypted with the printed key', async () => {
    const r = await python('chat_listener.py', ['127.0.0.1', String(demo.chatPort), demo.key, '12']);
    expect(r.code, r.err).toBe(0);
    const heard = r.out.split('\n').filter((l) => /^(alice|bob): /.test(l));
    expect(heard.length, r.out).toBeGreaterThanOrEqual(1);
    expect(r.out).not.toContain('cannot decrypt');
  }, 30_000);

  it('a client with no line end gets the seed reply, and the capture labels its frame', async () => {
    const r = await python('aes128_client.py', [
      '127.0.0.1',
      String(demo.chatPort),
      demo.key,
      'from a seed program, no newline',
      'no-newline'
    ]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Decrypted reply: Hello Client, message received securely');
    const frames = (
      (await (await fetch(`${demo.webUrl}/api/frames?after=0&limit=10000`)).json()) as { frames: CapturedFrame[] }
    ).frames;
    const mine = frames.filter((f) => f.dir === 'c2s' && f.form === 'line, no line end');
    expect(mine).toHaveLength(1);
    expect(Buffer.from(mine[0].bytes, 'base64').includes(0x0a)).toBe(false);
  }, 30_000);
});
