// Shared by the server tests: a server on 127.0.0.1:0, clients that record what they receive.
import { connect, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatServer, type ChatServerOptions } from '../../server/chat/server.ts';
import { ChatClient, type ChatClientOptions, type Incoming } from '../../server/chat-client.ts';
import type { FakeClock } from './fake-clock.ts';

export const KEY_HEX = '000102030405060708090a0b0c0d0e0f';
export const KEY = Buffer.from(KEY_HEX, 'hex');

export async function startServer(o: Partial<ChatServerOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-test-'));
  const logPath = join(dir, 'chat.log');
  const server = new ChatServer({ key: KEY, port: 0, logPath, ...o });
  const address = await server.listen();
  return { server, port: address.port, logPath, dir };
}

export async function waitFor(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export class Recorder {
  readonly client: ChatClient;
  readonly got: Incoming[] = [];
  closedWith: unknown = undefined;
  constructor(o: Omit<ChatClientOptions, 'key'> & { key?: Uint8Array }) {
    this.client = new ChatClient({ key: KEY, ...o });
    this.client.on('message', (m: Incoming) => this.got.push(m));
    this.client.on('close', (err: unknown) => (this.closedWith = err));
  }
  static async open(o: Omit<ChatClientOptions, 'key'> & { key?: Uint8Array }): Promise<Recorder> {
    const r = new Recorder(o);
    await r.client.connect();
    if (r.client.framing === 'native')
      await r.until((m) => m.kind === 'hello' || m.kind === 'error', 'the hello reply');
    return r;
  }
  of(kind: Incoming['kind']): Incoming[] {
    return this.got.filter((m) => m.kind === kind);
  }
  texts(kind: Incoming['kind']): string[] {
    return this.of(kind).map((m) => ('text' in m ? m.text : ''));
  }
  async until(pred: (m: Incoming) => boolean, what: string, ms = 5000): Promise<Incoming> {
    await waitFor(() => this.got.some(pred), what, ms);
    return this.got.find(pred)!;
  }
}

/** A raw TCP peer: writes what it is told, records every byte and when it was closed. */
export class RawPeer {
  readonly socket: Socket;
  data = Buffer.alloc(0);
  closed = false;
  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d) => (this.data = Buffer.concat([this.data, d])));
    socket.on('error', () => {});
    socket.on('close', () => (this.closed = true));
  }
  static open(port: number, opts: { read?: boolean } = {}): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        const p = new RawPeer(s);
        if (opts.read === false) s.pause();
        resolve(p);
      });
      s.once('error', reject);
    });
  }
  write(b: Uint8Array | string): void {
    this.socket.write(b);
  }
  lines(): string[] {
    return this.data.toString('latin1').split('\n').filter(Boolean);
  }
}

/** `cbc-lab ARGS…` in this process (no tsx start-up): its exit status and what it printed. */
export { inProcess } from './spawn-cli.ts';

/**
 * A condition for waitFor that moves a FakeClock on `step` ms each time it is polled (every 5 ms
 * or more), so a server's timers fire about as they would while real time passed: for waits that
 * have no point after which to move the clock once.
 */
export function ticking(clock: FakeClock, cond: () => boolean, step = 10): () => boolean {
  return () => {
    clock.advance(step);
    return cond();
  };
}

/** Move a FakeClock on `step` ms at a time until `cond` holds (checked after each step); the ms it took. */
export function advanceUntil(clock: FakeClock, cond: () => boolean, what: string, step = 10, max = 60_000): number {
  const t0 = clock.monotonic();
  while (!cond()) {
    if (clock.monotonic() - t0 >= max) throw new Error(`${what}: not after ${max} ms of the fake clock`);
    clock.advance(step);
  }
  return clock.monotonic() - t0;
}
