// The chat server (docs/protocol.md §8): one TCP port, both framings, one room. A thin shell over
// the pure codec (src/lib/protocol) and the suites' crypto (server/suites.ts): this file listens,
// accepts, runs the timers of §5.2, §8.2, §8.6 and §8.7 on the injected clock, and shuts down.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { TimerHandle } from '../clock.ts';
import { deriveKeys, type SuiteKeys } from '../suites.ts';
import { Broadcaster } from './broadcast.ts';
import { Conn, type ConnState } from './conn.ts';
import { Frames } from './frames.ts';
import { JsonLog } from './log.ts';
import {
  CLOSE_DEADLINE_MS,
  resolveOptions,
  type ChatLimits,
  type ChatServerOptions,
  type ChatStats
} from './options.ts';
import { ChatProtocol } from './protocol.ts';
import { Room } from './room.ts';

export * from './options.ts';
export type { ConnState } from './conn.ts';

export class ChatServer {
  readonly keys: SuiteKeys;
  readonly host: string;
  readonly maxPayload: number;
  readonly stats: ChatStats = { framesIn: 0, deliveries: 0, errors: 0, dropped: 0, peakQueuedBytes: 0 };
  private readonly limits: ChatLimits;
  private readonly log: JsonLog;
  private readonly room: Room;
  private readonly frames: Frames;
  private readonly out: Broadcaster;
  private readonly protocol: ChatProtocol;
  private server: Server | null = null;
  private sweeper: TimerHandle | undefined;
  private nextId = 1;
  private closing: Promise<void> | null = null;

  constructor(o: ChatServerOptions) {
    this.limits = resolveOptions(o);
    this.keys = deriveKeys(o.key);
    this.host = this.limits.host;
    this.maxPayload = this.limits.maxPayload;
    this.log = new JsonLog(this.limits.logPath, this.limits.clock);
    this.room = new Room(this.limits.maxClients, this.limits.maxListeners);
    this.frames = new Frames(this.keys, this.log);
    this.out = new Broadcaster(this.limits, this.room, this.frames, this.log, this.stats);
    this.protocol = new ChatProtocol(this.limits, this.room, this.out, this.frames, this.log, this.stats);
  }

  /** clients who have spoken, and silent listeners (§8.7) */
  get clientCount(): number {
    return this.room.speakerCount;
  }
  get listenerCount(): number {
    return this.room.listenerCount;
  }
  /** how many connections are in each state of conn.ts */
  stateCounts(): Record<ConnState, number> {
    return this.room.stateCounts();
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const server = createServer({ noDelay: true }, (s) => this.accept(s));
      this.server = server;
      server.once('error', reject);
      server.listen(this.limits.port, this.limits.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.log.write({ event: 'error', code: 'ERR_INTERNAL', message: err.message }));
        const addr = server.address() as AddressInfo;
        this.log.write({ event: 'listen', host: addr.address, port: addr.port });
        const { idleMs, pauseMs, graceMs, clock } = this.limits;
        // often enough that each timer below fires within a fifth of its time (a quarter of the idle time)
        const every = Math.max(10, Math.min(100, idleMs > 0 ? idleMs / 4 : Infinity, pauseMs / 5, graceMs / 5));
        this.sweeper = clock.setInterval(() => this.sweep(), every).unref();
        resolve(addr);
      });
    });
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const peer = `${socket.remoteAddress}:${socket.remotePort}`;
    const c = new Conn(this.nextId++, socket, peer, this.limits.maxPayload, this.limits.clock.monotonic());
    this.room.conns.add(c);
    if (this.out.inputPaused) socket.pause();
    this.log.write({ event: 'connect', conn: c.id, peer });
    socket.on('data', (chunk: Buffer) => this.protocol.onData(c, chunk));
    socket.on('end', () => this.protocol.onEnd(c));
    socket.on('drain', () => this.out.drained(c));
    socket.on('error', () => {}); // ECONNRESET and friends: 'close' follows and cleans up
    socket.on('close', () => this.cleanup(c));
  }

  private cleanup(c: Conn): void {
    if (c.state === 'closed') return;
    this.out.drop(c);
    this.room.remove(c);
    this.out.unbacklog(c);
    this.log.write({ event: 'close', conn: c.id, peer: c.peer });
  }

  /** The timers: slow readers (§8.6), the listener grace (§8.2), the line pause (§5.2), idleness (§8.7). */
  private sweep(): void {
    const { clock, graceMs, pauseMs, idleMs } = this.limits;
    const now = clock.monotonic();
    this.out.dropStalled(now);
    if (!this.out.inputPaused) {
      for (const c of this.room.conns) {
        if (!c.open) continue;
        if (c.state === 'pending' && now - c.connectedAt >= graceMs) this.protocol.becomeListener(c);
        else if (c.held && c.framing === 'line' && now - c.connectedAt >= graceMs) this.out.release(c);
        if (c.framing === 'line' && c.decoder.pending > 0 && now - c.lastByteAt >= pauseMs) this.protocol.onPause(c);
      }
    }
    if (idleMs <= 0 || this.out.inputPaused) return;
    for (const c of this.room.conns) {
      // §8.7: only an unfinished frame times out; a listener with nothing pending stays
      if (!c.open || c.outbox.backlogSince !== null || c.decoder.pending === 0 || now - c.lastFrameAt <= idleMs)
        continue;
      this.protocol.idleTimeout(c);
    }
  }

  /** §8.8: a bye to every client, the log flushed, the port closed. */
  close(reason = 'server shutting down'): Promise<void> {
    if (this.closing) return this.closing;
    const { clock } = this.limits;
    clock.clearInterval(this.sweeper);
    this.out.quiet = true;
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    let told = 0;
    for (const c of this.room.conns) {
      if (!c.open) continue;
      const bye = this.frames.bye(c, reason);
      if (bye) told++;
      this.protocol.finish(c, bye);
    }
    const deadline = new Promise<void>((resolve) => clock.setTimeout(resolve, CLOSE_DEADLINE_MS).unref());
    this.closing = (async () => {
      await Promise.race([closed, deadline]);
      for (const c of this.room.conns) c.socket.destroy();
      await new Promise((r) => setImmediate(r)); // let the 'close' events log first
      this.log.write({ event: 'shutdown', told });
      await this.log.close();
    })();
    return this.closing;
  }
}

export async function startChatServer(o: ChatServerOptions): Promise<{ server: ChatServer; address: AddressInfo }> {
  const server = new ChatServer(o);
  const address = await server.listen();
  return { server, address };
}
