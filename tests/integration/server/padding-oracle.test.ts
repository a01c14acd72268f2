// The padding oracle on real sockets (127.0.0.1, listen(0)). A victim talks to the chat server; the
// attacker holds only what crossed the wire (the victim's hello and one chat frame), replays the
// hello to get a session, and sends one crafted chat frame per guess. With --padding-oracle and
// the cbc suite, the answers (ERR_BAD_PADDING vs anything else) give away the plaintext; with
// cbc-hmac and gcm the MAC/tag is checked first and every answer is the same; without the flag the
// server answers ERR_DECRYPT for bad padding and bad UTF-8 alike, and the attack learns nothing.
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { root } from '../../helpers/spawn-cli.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { deriveKeys, sealFrame } from '../../../server/suites.ts';
import type { ChatServer } from '../../../server/chat/server.ts';
import { OracleSession, guessPayload } from '../../../src/lib/server/oracle.ts';
import { paddingOracleAttack } from '../../../src/lib/crypto/padding-oracle.ts';
import { HEADER_LENGTH, type SealedSuite } from '../../../src/lib/protocol/frame.ts';
import { RawPeer, startServer, waitFor } from '../../helpers/net.ts';

const servers: ChatServer[] = [];
const sessions: OracleSession[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) s.close();
  for (const s of servers.splice(0)) await s.close();
});

async function victim(o: { key: Buffer; suite: SealedSuite; text: string; paddingOracle: boolean }) {
  const { server, port } = await startServer({ key: o.key, paddingOracle: o.paddingOracle } as Parameters<
    typeof startServer
  >[0]);
  servers.push(server);
  const keys = deriveKeys(o.key);
  const hello = sealFrame(keys, { type: 'hello', suite: o.suite, seq: 0, plaintext: Buffer.from('victim') });
  const chat = sealFrame(keys, { type: 'chat', suite: o.suite, seq: 1, plaintext: Buffer.from(o.text) });
  // the victim really sends them: the attacker's copies are what crossed the wire
  const v = await RawPeer.open(port);
  v.write(hello);
  v.write(chat);
  await waitFor(() => server.stats.framesIn >= 2, 'the victim frames');
  const payload = chat.subarray(HEADER_LENGTH);
  return { port, hello, payload };
}

function attacker(port: number, suite: SealedSuite, hello: Uint8Array, tag?: Uint8Array) {
  const session = new OracleSession({ host: '127.0.0.1', port, suite, hello });
  sessions.push(session);
  const answers: string[] = [];
  const oracle = async (iv: Uint8Array, ciphertext: Uint8Array) => {
    const r = await session.ask(guessPayload(suite, iv, ciphertext, tag));
    answers.push(r.answer);
    return r.valid;
  };
  return { oracle, answers, session };
}

describe('cbc-lab server --padding-oracle', () => {
  it('cbc: the attack recovers a captured message without the key, ≤ 256 queries per byte', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(16, 24, 32),
        fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme-ascii' }),
        async (keyLength, text) => {
          const key = randomBytes(keyLength);
          const { port, hello, payload } = await victim({ key, suite: 'cbc', text, paddingOracle: true });
          const { oracle, answers } = attacker(port, 'cbc', hello);
          const r = await paddingOracleAttack({
            iv: payload.subarray(0, 16),
            ciphertext: payload.subarray(16),
            oracle
          });
          expect(r.ok).toBe(true);
          if (!r.ok) return;
          expect(Buffer.from(r.plaintext!).toString()).toBe(text);
          expect(r.maxByteQueries).toBeLessThanOrEqual(256);
          expect(answers.length).toBe(r.queries);
          expect(new Set(answers).has('ERR_BAD_PADDING')).toBe(true);
          for (const s of sessions.splice(0)) s.close();
          for (const s of servers.splice(0)) await s.close();
        }
      ),
      { numRuns: 4 }
    );
  }, 120_000);

  it('cbc, guesses pipelined 16 at a time (askMany): the same answers in the same order, and the attack still recovers the text', async () => {
    const key = randomBytes(32);
    const text = 'pipelined guesses, one write';
    const { port, hello, payload } = await victim({ key, suite: 'cbc', text, paddingOracle: true });
    const iv = payload.subarray(0, 16);
    const last = payload.subarray(payload.length - 16);
    // all 256 values of X[15] for the last block: one of them (at least) passes the padding check
    const guesses = Array.from({ length: 256 }, (_, g) => {
      const x = Buffer.alloc(16);
      x[15] = g;
      return guessPayload('cbc', x, last);
    });
    const one = attacker(port, 'cbc', hello);
    const serial = [];
    for (const g of guesses) serial.push(await one.session.ask(g));
    const many = new OracleSession({ host: '127.0.0.1', port, suite: 'cbc', hello });
    sessions.push(many);
    const piped = await many.askMany(guesses);
    expect(piped).toEqual(serial);
    expect(piped.filter((a) => a.valid).length).toBeGreaterThanOrEqual(1);
    expect(new Set(piped.map((a) => a.answer)).has('ERR_BAD_PADDING')).toBe(true);

    let requests = 0;
    const r = await paddingOracleAttack({
      iv,
      ciphertext: payload.subarray(16),
      oracle: async (x, c) => (requests++, many.ask(guessPayload('cbc', x, c))),
      batch: {
        size: 16,
        oracle: async (xs, c) => (requests++, many.askMany(xs.map((x) => guessPayload('cbc', x, c))))
      }
    });
    expect(r.ok && Buffer.from(r.plaintext!).toString()).toBe(text);
    expect(r.ok && r.maxByteQueries).toBeLessThanOrEqual(256);
    expect(requests).toBeLessThan(r.queries / 8);
  }, 60_000);

  for (const [suite, code] of [
    ['cbc-hmac', 'ERR_BAD_MAC'],
    ['gcm', 'ERR_BAD_TAG']
  ] as const) {
    it(`${suite}: the ${suite === 'gcm' ? 'tag' : 'MAC'} is checked first: every answer is ${code}, no byte recovered`, async () => {
      const key = randomBytes(16);
      const { port, hello, payload } = await victim({
        key,
        suite,
        text: 'attack at dawn, bring the keys',
        paddingOracle: true
      });
      const tagLength = suite === 'gcm' ? 16 : 32;
      const tag = payload.subarray(payload.length - tagLength);
      const body = payload.subarray(0, payload.length - tagLength);
      // for gcm the "IV" is the 12-byte nonce padded out, and the blocks are its ciphertext
      const iv = suite === 'gcm' ? Buffer.concat([body.subarray(0, 12), Buffer.alloc(4)]) : body.subarray(0, 16);
      const ct =
        suite === 'gcm'
          ? Buffer.concat([body.subarray(12), Buffer.alloc((16 - ((body.length - 12) % 16)) % 16)])
          : body.subarray(16);
      const { oracle, answers } = attacker(port, suite, hello, tag);
      const r = await paddingOracleAttack({ iv, ciphertext: ct, oracle });
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r).toMatchObject({ block: 0, byte: 15, reason: 'no-valid-guess', queries: 256 });
      expect(r.recovered.length).toBe(0);
      expect(answers.length).toBe(256);
      expect(new Set(answers)).toEqual(new Set([code]));
    }, 60_000);
  }

  it('without the flag, cbc answers ERR_DECRYPT for bad padding and bad text alike: nothing is recovered', async () => {
    const key = randomBytes(32);
    const { port, hello, payload } = await victim({
      key,
      suite: 'cbc',
      text: 'the default server keeps quiet',
      paddingOracle: false
    });
    const { oracle, answers } = attacker(port, 'cbc', hello);
    const r = await paddingOracleAttack({ iv: payload.subarray(0, 16), ciphertext: payload.subarray(16), oracle });
    expect(r.ok).toBe(false);
    expect(new Set(answers)).toEqual(new Set(['ERR_DECRYPT']));
  }, 60_000);
});

describe('the command line: cbc-lab server --padding-oracle', () => {
  it('says so loudly, and the attack recovers a message from it; without the flag it does not', async () => {
    for (const flag of [true, false]) {
      const key = randomBytes(16);
      const child = spawn(
        process.execPath,
        [
          join(root, 'server', 'cli.js'),
          'server',
          '--port',
          '0',
          '--key',
          key.toString('hex'),
          '--log',
          'none',
          ...(flag ? ['--padding-oracle'] : [])
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] }
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      try {
        await waitFor(() => /listening on 127\.0\.0\.1:(\d+)/.test(out), 'the server to listen', 15_000);
        const port = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)![1]);
        if (flag) await waitFor(() => err.includes('WARNING'), 'the warning');
        if (flag)
          expect(err).toContain(
            'WARNING: --padding-oracle makes this server answer differently for bad padding; for teaching only'
          );
        else expect(err).not.toContain('WARNING');
        const keys = deriveKeys(key);
        const hello = sealFrame(keys, { type: 'hello', suite: 'cbc', seq: 0, plaintext: Buffer.from('victim') });
        const chat = sealFrame(keys, {
          type: 'chat',
          suite: 'cbc',
          seq: 1,
          plaintext: Buffer.from('from the CLI')
        }).subarray(HEADER_LENGTH);
        const { oracle, answers } = attacker(port, 'cbc', hello);
        const r = await paddingOracleAttack({ iv: chat.subarray(0, 16), ciphertext: chat.subarray(16), oracle });
        if (flag) expect(r.ok && Buffer.from(r.plaintext!).toString()).toBe('from the CLI');
        else {
          expect(r.ok).toBe(false);
          expect(new Set(answers)).toEqual(new Set(['ERR_DECRYPT']));
        }
      } finally {
        for (const s of sessions.splice(0)) s.close();
        child.kill('SIGTERM');
        await new Promise((r) => child.once('close', r));
      }
    }
  }, 60_000);
});
