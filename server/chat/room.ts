// The one room (docs/protocol.md §8): every open connection, who is a member, and the seats of
// §8.7. Membership is the connection's state ('in-room'), changed only here.
import type { Conn, ConnState } from './conn.ts';

export class Room {
  /** every connection the server accepted and has not yet seen close, in the order they came */
  readonly conns = new Set<Conn>();
  private speakers = 0;
  private listeners = 0;

  constructor(
    private readonly maxClients: number,
    private readonly maxListeners: number
  ) {}

  /** clients who have spoken (§8.7) */
  get speakerCount(): number {
    return this.speakers;
  }
  /** silent line listeners (§8.7) */
  get listenerCount(): number {
    return this.listeners;
  }

  /**
   * §8.7: a seat among the speakers or the listeners; a listener who speaks moves to a speaker's
   * seat. null when taken, else what is full.
   */
  seat(c: Conn, as: 'speaker' | 'listener'): string | null {
    if (c.seat === as) return null;
    const full = as === 'speaker' ? this.speakers >= this.maxClients : this.listeners >= this.maxListeners;
    if (full) return as === 'speaker' ? `${this.maxClients} clients` : `${this.maxListeners} listeners`;
    if (c.seat === 'listener') this.listeners--;
    if (as === 'speaker') this.speakers++;
    else this.listeners++;
    c.seat = as;
    return null;
  }

  enter(c: Conn): void {
    c.to('in-room');
  }

  /** Out of the room and closing; true if it was a member (the others are told, §8.2). */
  leave(c: Conn): boolean {
    const was = c.state === 'in-room';
    c.to('closing');
    return was;
  }

  /** The socket closed: the connection and its seat are gone. */
  remove(c: Conn): boolean {
    if (!this.conns.delete(c)) return false;
    if (c.seat === 'speaker') this.speakers--;
    else if (c.seat === 'listener') this.listeners--;
    c.seat = 'none';
    c.to('closed');
    return true;
  }

  /** How many connections are in each state: what the server is doing, at a glance. */
  stateCounts(): Record<ConnState, number> {
    const counts: Record<ConnState, number> = {
      pending: 0,
      'native-hello-wait': 0,
      'in-room': 0,
      closing: 0,
      closed: 0
    };
    for (const c of this.conns) counts[c.state]++;
    return counts;
  }
}
