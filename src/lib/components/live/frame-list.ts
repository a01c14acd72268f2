// What the two views of a capture on /live, the packet list and the chat transcript, both take,
// and the one way they name a connection.
import type { CapturedConnection, CapturedFrame } from '$lib/protocol/capture';
import type { Opener } from './opener';
import type { Follow } from './follow.svelte';

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
  /** following the newest frame, shared by both views */
  follow: Follow;
  /** what an empty list says (no demo behind the page: a file is the only source) */
  empty?: string;
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

/** How many of the frames shown (`indices` into `frames`, ascending seq) have a seq above `seq`. */
export function countAfter(frames: CapturedFrame[], indices: number[], seq: number): number {
  let lo = 0;
  let hi = indices.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (frames[indices[mid]].seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return indices.length - lo;
}

/** The position in `indices` of the frame with this seq, or -1 when it is not shown. */
export function positionOf(frames: CapturedFrame[], indices: number[], seq: number | null): number {
  if (seq === null) return -1;
  let lo = 0;
  let hi = indices.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = frames[indices[mid]].seq;
    if (s === seq) return mid;
    if (s < seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
