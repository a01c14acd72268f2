// The tap's pcapng (docs/tap.md, "Sockets"; docs/pcapng.md): one synthesized TCP conversation per
// IPv4 connection. A write that fails stops the pcapng, never the tap: the JSON capture goes on.
import type { Socket } from 'node:net';
import type { Direction } from '../../src/lib/protocol/capture.ts';
import { TCP_MAX_SEGMENT } from '../../src/lib/protocol/pcapng/index.ts';
import { openPcapngWriter, type PcapngWriter } from '../pcapng-writer.ts';
import { ipv4 } from './address.ts';

/** A connection's conversation in the pcapng: 'open' until its FIN or RST packets are written. */
type Conversation = 'open' | 'closed';

export class PcapSink {
  /** set when the pcapng could not be written; it stopped there */
  error: Error | null = null;
  private writer: PcapngWriter | null;
  /** connections in the pcapng; one not listed (IPv6, or accepted after a failure) is in the JSON capture only */
  private readonly conversations = new Map<number, Conversation>();
  private warnedIpv6 = false;

  /** `path` null: no pcapng. A path that cannot be opened throws here: the caller's error. */
  constructor(
    readonly path: string | null,
    nanos: () => bigint,
    private readonly warn: (message: string) => void
  ) {
    this.writer = path ? openPcapngWriter(path, { clock: nanos }) : null;
  }

  /** A connection accepted: its SYN handshake, when both ends are IPv4. */
  open(conn: number, client: Socket, ns: bigint): void {
    if (!this.writer) return;
    const cIp = ipv4(client.remoteAddress);
    const sIp = ipv4(client.localAddress);
    if (cIp && sIp && client.remotePort && client.localPort) {
      this.conversations.set(conn, 'open');
      this.write(conn, (w) =>
        w.open(conn, { ip: cIp, port: client.remotePort! }, { ip: sIp, port: client.localPort! }, ns)
      );
      if (!this.writer) this.conversations.set(conn, 'closed');
    } else if (!this.warnedIpv6) {
      this.warnedIpv6 = true;
      this.warn(
        `cbc-lab tap: the pcapng holds IPv4 only; connection ${conn} from ${client.remoteAddress} is in the JSON capture but not in the pcapng`
      );
    }
  }

  /** One chunk as TCP segments; returns how many packets with payload were written. */
  data(conn: number, dir: Direction, chunk: Buffer, ns: bigint, note?: string): number {
    let packets = 0;
    this.write(conn, (w) => {
      w.data(conn, dir, chunk, ns, note);
      packets = Math.ceil(chunk.length / TCP_MAX_SEGMENT);
    });
    return packets;
  }

  /** FIN both ways (the encoder closes a conversation both ways at once); `by` ended first. */
  close(conn: number, ns: bigint, by: Direction, note?: string): void {
    if (this.conversations.get(conn) !== 'open') return;
    this.conversations.set(conn, 'closed');
    this.write(conn, (w) => w.close(conn, ns, by, note));
  }

  /** RST from the side whose socket failed. */
  reset(conn: number, ns: bigint, by: Direction, note?: string): void {
    if (this.conversations.get(conn) !== 'open') return;
    this.conversations.set(conn, 'closed');
    this.write(conn, (w) => w.reset(conn, ns, by, note));
  }

  /** The connection is over: nothing more of it is written. */
  forget(conn: number): void {
    this.conversations.delete(conn);
  }

  /** Finish the file. Idempotent; an error here loses nothing more. */
  end(): void {
    try {
      this.writer?.end();
    } catch {
      /* nothing more to lose */
    }
    this.writer = null;
  }

  private write(conn: number, what: (w: PcapngWriter) => void): void {
    if (!this.writer || !this.conversations.has(conn)) return;
    try {
      what(this.writer);
    } catch (err) {
      this.error = err as Error;
      this.warn(
        `cbc-lab tap: the pcapng ${this.path} cannot be written (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it ends here, the JSON capture goes on`
      );
      this.end();
    }
  }
}
