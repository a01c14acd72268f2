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
  return c.who ? `#${conn} ${c.who.name}` : `#${conn} ${c.client.replace(/^127\.0\.0\.1:/, ':')}`;
}
