// One proxied connection (docs/tap.md, "Sockets"): the client the tap accepted, the socket it
// opened to the target, both directions forwarded untouched and recorded first, and the close.
//
// The pair's life is one `state`:
//
// | state         | meaning                                                          |
// | ------------- | ---------------------------------------------------------------- |
// | connecting    | accepted; connecting to the target; the client is not read yet  |
// | open          | the target answered; both directions flow, with backpressure     |
// | closing       | told to close after it was open: FIN queued to both, grace armed |
// | aborting      | told to close before the target answered: nothing was forwarded, |
// |               | what the client sends is recorded only                           |
// | client-closed | the client socket closed; waiting for the target socket          |
// | server-closed | the target socket closed; waiting for the client socket          |
// | closed        | both closed, the connection recorded closed (`done` resolved)    |
//
// | from                   | event                              | to            | also                           |
// | ---------------------- | ---------------------------------- | ------------- | ------------------------------ |
// | connecting             | the target accepts                 | open          | pipe both ways, read the client |
// | connecting             | a socket error, close(), a close   | aborting      | FIN both, grace timer          |
// | open                   | a socket error, close(), a close   | closing       | FIN both, grace timer          |
// | aborting               | the target accepts (late)          | aborting      | destroy the target socket      |
// | connecting, aborting   | the client socket closes           | client-closed | destroy the target socket      |
// | open, closing          | the client socket closes           | client-closed |                                |
// | any but client-closed  | the target socket closes           | server-closed |                                |
// | client-closed          | the target socket closes           | closed        | record the close               |
// | server-closed          | the client socket closes           | closed        | record the close               |
//
// A socket that closes while the other is up first closes the pair ("a close" above), so the
// other side gets its FIN after what is queued for it.
import { connect, type Socket } from 'node:net';
import type { Direction } from '../../src/lib/protocol/capture.ts';
import type { CaptureStore } from '../capture/capture-store.ts';
import type { Clock, TimerHandle } from '../clock.ts';
import { hostPort, socketError } from './address.ts';
import type { PcapSink } from './pcap-sink.ts';
import { nsToMs } from './records.ts';
import { DirectionStream, type StreamOutput } from './stream.ts';
import type { TapStats } from './types.ts';

export type PairState = 'connecting' | 'open' | 'closing' | 'aborting' | 'client-closed' | 'server-closed' | 'closed';

/** What every pair of one tap shares. */
export interface PairContext {
  readonly targetHost: string;
  readonly targetPort: number;
  /** host:port of the target, as the connection records name it */
  readonly target: string;
  readonly connectTimeoutMs: number;
  readonly graceMs: number;
  readonly linePauseMs: number;
  readonly maxPayload?: number;
  readonly clock: Clock;
  /** capture timestamps in ns (server/clock.ts nanoClock) */
  readonly nanos: () => bigint;
  readonly store: CaptureStore;
  readonly pcap: PcapSink;
  readonly stats: TapStats;
  /** the next capture-wide seq */
  nextSeq(): number;
  warn(message: string): void;
  /** the pair reached 'closed' */
  finished(pair: Pair): void;
}

export class Pair {
  state: PairState = 'connecting';
  /** the socket to the target; set by start() */
  server: Socket | null = null;
  readonly streams: Record<Direction, DirectionStream>;
  /** resolves when both sockets closed and the connection is recorded as closed */
  readonly done: Promise<void>;
  private resolveDone!: () => void;
  /** the direction whose sender ended first (its FIN leads in the pcapng) */
  private firstEnd: Direction | null = null;
  /** the first socket error; the connection is recorded with it, the pcapng ends with an RST */
  private error: { code: string; message: string; dir: Direction } | null = null;
  private graceTimer: TimerHandle | null = null;
  private connectTimer: TimerHandle | null = null;

  constructor(
    readonly id: number,
    readonly client: Socket,
    private readonly ctx: PairContext
  ) {
    const out: StreamOutput = {
      nextSeq: () => ctx.nextSeq(),
      late: (frames, raws) => {
        ctx.stats.frames += frames.length;
        ctx.store.appendMany(frames, raws);
      },
      countError: () => void ctx.stats.errors++
    };
    const options = {
      maxPayload: ctx.maxPayload,
      linePauseMs: ctx.linePauseMs,
      clock: ctx.clock,
      wallMs: () => nsToMs(ctx.nanos())
    };
    this.streams = {
      c2s: new DirectionStream(id, 'c2s', out, options),
      s2c: new DirectionStream(id, 's2c', out, options)
    };
    this.done = new Promise<void>((resolve) => (this.resolveDone = resolve));
  }

  /** Record the connection and connect to the target; the client stays paused (pauseOnConnect) until it answers. */
  start(): void {
    const { ctx, client } = this;
    client.setNoDelay(true);
    const ns = ctx.nanos();
    ctx.store.openConnection({
      conn: this.id,
      client: hostPort(client.remoteAddress, client.remotePort),
      server: ctx.target,
      opened: nsToMs(ns)
    });
    ctx.pcap.open(this.id, client, ns);
    client.on('error', (err) => this.fail('c2s', err));
    client.on('close', () => this.clientClosed());

    const server = connect({ host: ctx.targetHost, port: ctx.targetPort, allowHalfOpen: true, noDelay: true });
    this.server = server;
    this.connectTimer = ctx.clock
      .setTimeout(() => {
        this.connectTimer = null;
        server.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' }));
      }, ctx.connectTimeoutMs)
      .unref();
    server.on('error', (err) => this.fail('s2c', err));
    server.on('close', () => this.serverClosed());
    server.once('connect', () => this.targetAccepted(server));
  }

  /** Close the pair: FIN to both sides after what is queued for them; destroyed if they linger. */
  shutdown(): void {
    if (this.state !== 'connecting' && this.state !== 'open') return;
    const unconnected = this.state === 'connecting';
    this.state = unconnected ? 'aborting' : 'closing';
    const { client, server } = this;
    if (unconnected && !client.destroyed) {
      // No target: what the client sent still crossed the wire to us; record it, forward nothing.
      client.on('data', (chunk: Buffer) => this.record('c2s', chunk));
      client.on('end', () => this.streams.c2s.end(true));
    }
    for (const s of [client, server]) {
      if (!s || s.destroyed) continue;
      if (!s.writableEnded) s.end();
      s.resume(); // keep reading (and recording) what still arrives: nothing waits for a drain now
    }
    this.graceTimer = this.ctx.clock
      .setTimeout(() => {
        client.destroy();
        server?.destroy();
      }, this.ctx.graceMs)
      .unref();
  }

  private targetAccepted(server: Socket): void {
    this.ctx.clock.clearTimeout(this.connectTimer ?? undefined);
    this.connectTimer = null;
    if (this.state !== 'connecting' || this.client.destroyed) {
      server.destroy();
      return;
    }
    this.state = 'open';
    this.pipe(this.client, server, 'c2s');
    this.pipe(server, this.client, 's2c');
    this.client.resume();
  }

  private fail(dir: Direction, err: NodeJS.ErrnoException): void {
    if (!this.error) this.error = { ...socketError(dir === 'c2s' ? 'client' : `target ${this.ctx.target}`, err), dir };
    this.shutdown();
  }

  private clientClosed(): void {
    if (this.state === 'connecting' || this.state === 'aborting') this.server?.destroy();
    else if (this.server && !this.server.destroyed) this.shutdown();
    this.socketGone('client');
  }

  private serverClosed(): void {
    if (!this.client.destroyed) this.shutdown();
    this.socketGone('server');
  }

  private socketGone(side: 'client' | 'server'): void {
    if (this.state === (side === 'client' ? 'server-closed' : 'client-closed')) this.finalize();
    else this.state = side === 'client' ? 'client-closed' : 'server-closed';
  }

  /** One chunk read from one side: decode, write to the pcapng and the spool; the caller forwards it after. */
  private record(dir: Direction, chunk: Buffer): void {
    const { ctx } = this;
    try {
      const ns = ctx.nanos();
      ctx.stats.bytes[dir] += chunk.length;
      const { frames, raws, note } = this.streams[dir].push(chunk, nsToMs(ns));
      ctx.stats.chunks[dir]++;
      ctx.stats.payloadPackets += ctx.pcap.data(this.id, dir, chunk, ns, note);
      ctx.stats.frames += frames.length;
      ctx.store.appendMany(frames, raws);
    } catch (err) {
      // A bug in recording must not stop the forwarding (nor the process): say so, go on.
      ctx.warn(
        `cbc-lab tap: connection ${this.id} ${dir}: a chunk of ${chunk.length} bytes could not be recorded (${(err as Error)?.message ?? err}); it is forwarded all the same`
      );
    }
  }

  /** Forward `from` → `to` untouched, recording first; while open, pause `from` while `to` is full. */
  private pipe(from: Socket, to: Socket, dir: Direction): void {
    from.on('data', (chunk: Buffer) => {
      this.record(dir, chunk);
      if (to.destroyed || to.writableEnded) return; // the other side is gone: recorded, nothing to forward to
      if (!to.write(chunk) && this.state === 'open') from.pause();
    });
    to.on('drain', () => {
      if (this.state === 'open') from.resume();
    });
    from.on('end', () => {
      if (!this.firstEnd) this.firstEnd = dir;
      this.streams[dir].end(true);
      if (!to.destroyed && !to.writableEnded) to.end(); // half-close travels on
      if (this.streams[dir === 'c2s' ? 's2c' : 'c2s'].ended)
        this.ctx.pcap.close(this.id, this.ctx.nanos(), this.firstEnd ?? dir, this.endNote());
    });
  }

  private endNote(first?: string): string | undefined {
    return [first, this.streams.c2s.endNote, this.streams.s2c.endNote].filter(Boolean).join(' ') || undefined;
  }

  private finalize(): void {
    const { ctx } = this;
    this.state = 'closed';
    ctx.clock.clearTimeout(this.graceTimer ?? undefined);
    ctx.clock.clearTimeout(this.connectTimer ?? undefined);
    this.streams.c2s.end(false);
    this.streams.s2c.end(false);
    const ns = ctx.nanos();
    if (this.error) ctx.pcap.reset(this.id, ns, this.error.dir, this.endNote(this.error.code));
    else ctx.pcap.close(this.id, ns, this.firstEnd ?? 'c2s', this.endNote());
    ctx.pcap.forget(this.id);
    ctx.stats.open--;
    ctx.finished(this);
    ctx.store.closeConnection(
      this.id,
      nsToMs(ns),
      this.error ? { code: this.error.code, message: this.error.message } : undefined
    );
    this.resolveDone();
  }
}
