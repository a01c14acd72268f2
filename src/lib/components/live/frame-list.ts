// What the two views of a capture on /live, the packet list and the chat transcript, both take,
// and the one way they name a connection.
import type { CapturedConnection, CapturedFrame } from '$lib/protocol/capture';
import type { Opener } from './opener';

export interface FrameListProps {
  frames: CapturedFrame[];
  /** positions in `frames` to show, ascending */
  indices: number[];
  /** changes whenever `frames` or `indices` grew */
  version: number;
  connections: Map<number, CapturedConnection>;
  opener: Opener;
  selected: number | null;
  onselect: (seq: number) => void;
}

/** `#3 :52114`: the connection number and its client's address, 127.0.0.1 left out; `#3` when unknown. */
export function connectionLabel(connections: Map<number, CapturedConnection>, conn: number): string {
  const c = connections.get(conn);
  if (!c) return `#${conn}`;
  // who the demo says it is (its bots, the page's sender, a lesson's probes), else the port
  // short in a list column ("#2 bob"); connectionTitle has the whole name and the address
  return c.who
    ? `#${conn} ${c.who.name.replace(/ \(.*\)$/, '')}`
    : `#${conn} ${c.client.replace(/^127\.0\.0\.1:/, ':')}`;
}

/** The connection in full, for a title or a header: "bob (bot), 127.0.0.1:53890". */
export function connectionTitle(connections: Map<number, CapturedConnection>, conn: number): string | undefined {
  const c = connections.get(conn);
  if (!c) return undefined;
  return c.who ? `${c.who.name}, ${c.client}` : c.client;
}
