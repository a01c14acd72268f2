// Every answer under /api is JSON with a code (docs/api.md "The API": the three rules, and the
// status tables), against the built app over real HTTP: the demo as `npm start` runs it, one with
// adapter-node's BODY_SIZE_LIMIT set below ours, and `node build` without a demo. Expected codes and
// statuses are the ones docs/api.md lists; bodies go over real sockets, chunked or not.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIfNeeded } from '../../../server/start.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
const LIMIT = 64 * 1024; // docs/api.md: a send body of at most 64 KiB
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain;charset=UTF-8'];
const captures = mkdtempSync(join(tmpdir(), 'cbc-lab-api-errors-'));

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolvePort(port));
    });
  });
}

interface Child {
  base: string;
  log(): string;
  stop(): Promise<void>;
}

async function waitUp(child: ChildProcess, base: string, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}):\n${log()}`);
    try {
      await fetch(base + '/api/demo');
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`no answer on ${base} within 60 s:\n${log()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function stopper(child: ChildProcess, after?: () => void): () => Promise<void> {
  return () =>
    new Promise<void>((done) => {
      const finish = () => {
        after?.();
        done();
      };
      if (child.exitCode !== null) return finish();
      child.once('exit', finish);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    });
}

/** The demo as `npm start` runs it (package.json "start"), on free ports, serving the build. */
async function startDemo(extraEnv: Record<string, string> = {}): Promise<Child> {
  const webPort = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/demo.ts', '--web-port', String(webPort), '--chat-port', '0', '--no-bots'],
    {
      cwd: ROOT,
      env: { ...process.env, CBC_LAB_NO_BUILD: '1', CBC_LAB_CAPTURE_DIR: captures, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe']
    }
  );
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${webPort}`;
  await waitUp(child, base, () => log);
  return { base, log: () => log, stop: stopper(child) };
}

/** `node build` alone (no demo), from a private copy of the build, as tests/e2e/harness.ts does. */
async function startNodeBuild(): Promise<Child> {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'cbc-lab-api-errors-'));
  cpSync(join(ROOT, 'build'), join(dir, 'build'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  const port = await freePort();
  const child = spawn(process.execPath, [join(dir, 'build', 'index.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const base = `http://127.0.0.1:${port}`;
  await waitUp(child, base, () => log);
  return { base, log: () => log, stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })) };
}

interface Answer {
  status: number;
  type: string;
  headers: IncomingMessage['headers'];
  text: string;
  json: { code?: unknown; message?: unknown; allowed?: unknown } | null;
}

/**
 * One request over node:http. `body` goes with a Content-Length unless `chunked`. `trickle` sends
 * it 16 KiB at a time and stops once the answer is in, as a client does that reads while it
 * uploads (curl, browsers). `endless` sends chunks until the answer.
 */
function send(
  base: string,
  method: string,
  path: string,
  o: {
    type?: string;
    body?: string | Buffer;
    chunked?: boolean;
    trickle?: boolean;
    endless?: boolean;
    headers?: Record<string, string>;
  } = {}
): Promise<Answer> {
  return new Promise((resolveAnswer, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.type) headers['content-type'] = o.type;
    if (o.chunked || o.endless) headers['transfer-encoding'] = 'chunked';
    else if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
    // keep-alive, as browsers and curl speak: with `Connection: close` node:http would close the
    // connection right after its early answer, and a client still writing would miss it
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const req = httpRequest(base + path, { method, headers, agent });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      const done = () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const type = String(res.headers['content-type'] ?? '');
        let json: Answer['json'] = null;
        if (type.startsWith('application/json') && text) json = JSON.parse(text) as Answer['json'];
        resolveAnswer({ status: res.statusCode!, type, headers: res.headers, text, json });
        req.destroy();
        agent.destroy();
      };
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', done);
      res.on('error', done);
    });
    req.on('error', (err) => {
      if (!answered) {
        agent.destroy();
        reject(err);
      }
    });
    const pieces: Buffer[] = [];
    if (o.endless) {
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      const pump = () => {
        while (!answered && !req.destroyed && req.write(chunk));
        if (!answered && !req.destroyed) req.once('drain', pump);
      };
      return pump();
    }
    if (o.body !== undefined) {
      const all = Buffer.from(o.body);
      const size = o.trickle ? 16 * 1024 : all.length;
      for (let i = 0; i < all.length; i += size) pieces.push(all.subarray(i, i + size));
    }
    const next = () => {
      if (answered || req.destroyed) return;
      const piece = pieces.shift();
      if (!piece) return void req.end();
      if (req.write(piece)) setImmediate(next);
      else req.once('drain', next);
    };
    next();
  });
}

/** status, code and the rest of the contract every /api error keeps */
function expectError(a: Answer, status: number, code: string): void {
  expect({ status: a.status, type: a.type.split(';')[0], code: a.json?.code }, a.text.slice(0, 300)).toEqual({
    status,
    type: 'application/json',
    code
  });
  expect(typeof a.json?.message).toBe('string');
  expect((a.json!.message as string).length).toBeGreaterThan(10);
  expect(a.headers['cache-control']).toBe('no-store');
}

const json = (v: unknown) => JSON.stringify(v);

beforeAll(() => buildIfNeeded(), 240_000);
afterAll(() => rmSync(captures, { recursive: true, force: true }));

describe('the demo (npm start): no text, no HTML, always JSON with a code', () => {
  let demo: Child;
  beforeAll(async () => {
    demo = await startDemo();
  }, 90_000);
  afterAll(() => demo?.stop());

  it('unknown paths under /api are 404 ERR_NOT_FOUND, whatever the method', async () => {
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['GET', '/api'],
      ['GET', '/api/'],
      ['GET', '/api/frames/1'],
      ['POST', '/api/nope'],
      ['DELETE', '/api/nope/deeper']
    ]) {
      const a = await send(demo.base, method, path, method === 'POST' ? { type: 'application/json', body: '{}' } : {});
      expectError(a, 404, 'ERR_NOT_FOUND');
      expect(a.json!.message).toContain('/api/send'); // the message lists the endpoints
    }
    // pages are not the API: their 404 stays the app's page
    const page = await send(demo.base, 'GET', '/nope');
    expect(page.status).toBe(404);
    expect(page.type).toMatch(/^text\/html/);
  });

  it('a method the endpoint does not take is 405 ERR_METHOD_NOT_ALLOWED with `allowed` and an Allow header', async () => {
    const cases: [string, string, string[]][] = [
      ['GET', '/api/send', ['POST']],
      ['PUT', '/api/send', ['POST']],
      ['OPTIONS', '/api/send', ['POST']], // no CORS preflight is granted
      ['DELETE', '/api/frames', ['GET', 'HEAD']],
      ['POST', '/api/frames', ['GET', 'HEAD']],
      ['PATCH', '/api/demo', ['GET', 'HEAD']],
      ['POST', '/api/stream', ['GET', 'HEAD']],
      ['DELETE', '/api/capture.pcapng', ['GET', 'HEAD']],
      ['GET', '/api/replay', ['POST']],
      ['DELETE', '/api/oracle', ['GET', 'HEAD', 'POST']],
      ['GET', '/api/oracle/batch', ['POST']]
    ];
    for (const [method, path, allowed] of cases) {
      const a = await send(
        demo.base,
        method,
        path,
        method === 'GET' || method === 'OPTIONS' ? {} : { type: 'application/json', body: '{"text":"hi"}' }
      );
      expectError(a, 405, 'ERR_METHOD_NOT_ALLOWED');
      expect({ method, path, allowed: a.json!.allowed, header: a.headers.allow }).toEqual({
        method,
        path,
        allowed,
        header: allowed.join(', ')
      });
      expect(a.json!.message).toContain(method);
    }
    // and the methods it does take still work
    expect((await send(demo.base, 'HEAD', '/api/demo')).status).toBe(200);
    expect((await send(demo.base, 'GET', '/api/frames')).status).toBe(200);
  });

  it('form bodies (what a page elsewhere can POST without a preflight) are 415 ERR_BAD_CONTENT_TYPE, with no Origin or a foreign one', async () => {
    for (const path of ['/api/send', '/api/oracle', '/api/oracle/batch', '/api/replay']) {
      for (const type of FORM_TYPES) {
        for (const origin of [undefined, 'http://evil.example', demo.base]) {
          const a = await send(demo.base, 'POST', path, { type, body: 'text=hi', headers: origin ? { origin } : {} });
          expectError(a, 415, 'ERR_BAD_CONTENT_TYPE');
          expect(a.json!.message).toContain('application/json');
        }
      }
    }
    // other non-JSON types too (the route's own check), and a form body with PUT on a POST-only route is 405 first
    expectError(
      await send(demo.base, 'POST', '/api/send', { type: 'application/xml', body: '<text>hi</text>' }),
      415,
      'ERR_BAD_CONTENT_TYPE'
    );
    expectError(await send(demo.base, 'POST', '/api/send', { body: '{"text":"hi"}' }), 415, 'ERR_BAD_CONTENT_TYPE');
    expectError(
      await send(demo.base, 'PUT', '/api/send', { type: 'text/plain', body: 'hi' }),
      405,
      'ERR_METHOD_NOT_ALLOWED'
    );
  });

  it('a body over 64 KiB is 413 ERR_BODY_TOO_LARGE: by Content-Length (under and over the adapter’s 512K), chunked, and a chunked body that never ends', async () => {
    const body = (n: number) => json({ text: 'x'.repeat(n) });
    // up to about 1 MiB the server reads and drops the body before it answers, so even a client that
    // writes all of it before reading gets the answer; past adapter-node's 512K the answer comes
    // at once, for a client that reads as it uploads
    for (const [size, trickle] of [
      [LIMIT + 1, false],
      [100_000, false],
      [500_000, false],
      [600_000, true],
      [5_000_000, true]
    ] as const) {
      const b = body(size);
      const a = await send(demo.base, 'POST', '/api/send', { type: 'application/json', body: b, trickle });
      expectError(a, 413, 'ERR_BODY_TOO_LARGE');
      expect(a.json!.message).toContain(String(LIMIT));
      expect(a.json!.message).toContain(String(Buffer.byteLength(b))); // the size it got, from Content-Length
    }
    for (const size of [LIMIT + 1, 600_000]) {
      const a = await send(demo.base, 'POST', '/api/send', {
        type: 'application/json',
        body: body(size),
        chunked: true
      });
      expectError(a, 413, 'ERR_BODY_TOO_LARGE');
      expect(a.json!.message).toContain(String(LIMIT));
    }
    const endless = await send(demo.base, 'POST', '/api/oracle', { type: 'application/json', endless: true });
    expectError(endless, 413, 'ERR_BODY_TOO_LARGE');
    // the method is judged before the size
    expectError(
      await send(demo.base, 'DELETE', '/api/oracle', { type: 'application/json', body: body(LIMIT) }),
      405,
      'ERR_METHOD_NOT_ALLOWED'
    );
    // at the limit it is read, and judged as JSON
    const atLimit = json({ text: 'x'.repeat(LIMIT - 20), name: 'n' }).slice(0, LIMIT);
    expectError(
      await send(demo.base, 'POST', '/api/send', { type: 'application/json', body: atLimit }),
      400,
      'ERR_BAD_BODY'
    );
  });

  it('after all that the demo still answers, and a good send still goes through', async () => {
    const a = await send(demo.base, 'POST', '/api/send', {
      type: 'application/json',
      body: json({ text: 'still here', suite: 'gcm' })
    });
    expect({ status: a.status, body: a.json }).toEqual({ status: 200, body: { ok: true } });
    expect(demo.log()).not.toMatch(/\n\s+at |Error:/);
  });

  it('POST /api/oracle/batch answers each guess as POST /api/oracle does, in order; bad ivs are 400 ERR_BAD_BODY', async () => {
    expect(
      (
        await send(demo.base, 'POST', '/api/send', {
          type: 'application/json',
          body: json({ text: 'hi', suite: 'cbc' })
        })
      ).status
    ).toBe(200);
    const blocks = [0, 1, 2].map((i) => Buffer.alloc(16, i));
    const ciphertext = Buffer.alloc(32, 7).toString('base64');
    const batch = await send(demo.base, 'POST', '/api/oracle/batch', {
      type: 'application/json',
      body: json({ ivs: Buffer.concat(blocks).toString('base64'), ciphertext })
    });
    expect(batch.status).toBe(200);
    const singles = [];
    for (const x of blocks) {
      const a = await send(demo.base, 'POST', '/api/oracle', {
        type: 'application/json',
        body: json({ iv: x.toString('base64'), ciphertext })
      });
      expect(a.status).toBe(200);
      const { valid, answer } = a.json as unknown as { valid: boolean; answer: string };
      singles.push({ valid, answer });
    }
    expect((batch.json as unknown as { answers: unknown }).answers).toEqual(singles);
    for (const [ivs, says] of [
      [Buffer.alloc(17), 'ivs: expected whole 16-byte blocks'],
      [Buffer.alloc(16 * 257), 'ivs: expected at most 4096 bytes'],
      [undefined, 'ivs: expected base64 text, got nothing']
    ] as const) {
      const a = await send(demo.base, 'POST', '/api/oracle/batch', {
        type: 'application/json',
        body: json({ ...(ivs ? { ivs: ivs.toString('base64') } : {}), ciphertext })
      });
      expectError(a, 400, 'ERR_BAD_BODY');
      expect(a.json!.message).toContain(says);
    }
  });

  it('the pages keep SvelteKit’s cross-site form check: 403 from another origin, not from this one', async () => {
    for (const type of FORM_TYPES) {
      const cross = await send(demo.base, 'POST', '/learn', {
        type,
        body: 'a=b',
        headers: { origin: 'http://evil.example' }
      });
      expect({ type, status: cross.status, text: cross.text }).toEqual({
        type,
        status: 403,
        text: 'Cross-site POST form submissions are forbidden'
      });
      const none = await send(demo.base, 'POST', '/learn', { type, body: 'a=b' });
      expect(none.status).toBe(403);
      const same = await send(demo.base, 'POST', '/learn', { type, body: 'a=b', headers: { origin: demo.base } });
      expect(same.status).not.toBe(403); // same site: on to the page, which has no form actions (405)
    }
  });
});

describe('BODY_SIZE_LIMIT set below 64 KiB: the adapter’s own refusal is JSON too', () => {
  let demo: Child;
  beforeAll(async () => {
    demo = await startDemo({ BODY_SIZE_LIMIT: '1K' });
  }, 90_000);
  afterAll(() => demo?.stop());

  it('by Content-Length and chunked', async () => {
    const b = json({ text: 'y'.repeat(4000) });
    for (const chunked of [false, true]) {
      const a = await send(demo.base, 'POST', '/api/send', {
        type: 'application/json',
        body: b,
        chunked,
        trickle: true
      });
      expectError(a, 413, 'ERR_BODY_TOO_LARGE');
      expect(a.json!.message).toContain('BODY_SIZE_LIMIT');
    }
    const small = await send(demo.base, 'POST', '/api/send', {
      type: 'application/json',
      body: json({ text: 'fits' })
    });
    expect(small.status).toBe(200);
  });
});

describe('node build without a demo: the same rules come before the 503', () => {
  let app: Child;
  beforeAll(async () => {
    app = await startNodeBuild();
  }, 90_000);
  afterAll(() => app?.stop());

  it('404, 405, 415 and 413 as with the demo; a good request is 503 ERR_NO_CAPTURE', async () => {
    expectError(await send(app.base, 'GET', '/api/nope'), 404, 'ERR_NOT_FOUND');
    expectError(await send(app.base, 'GET', '/api/send'), 405, 'ERR_METHOD_NOT_ALLOWED');
    expectError(
      await send(app.base, 'POST', '/api/send', { type: 'text/plain', body: 'hi' }),
      415,
      'ERR_BAD_CONTENT_TYPE'
    );
    expectError(
      await send(app.base, 'POST', '/api/send', {
        type: 'application/json',
        body: json({ text: 'z'.repeat(600_000) }),
        trickle: true
      }),
      413,
      'ERR_BODY_TOO_LARGE'
    );
    expectError(
      await send(app.base, 'POST', '/api/send', { type: 'application/json', body: json({ text: 'hi' }) }),
      503,
      'ERR_NO_CAPTURE'
    );
    expectError(await send(app.base, 'GET', '/api/frames'), 503, 'ERR_NO_CAPTURE');
  });
});
