// How a demo stops, written once: the clean stop (a signal, npm gone) and the rollback of a start
// that failed half way run this same sequence over whatever has started so far.
import type { Server } from 'node:http';
import type { ChatServer } from '../chat/server.ts';
import type { Tap } from '../tap/tap.ts';
import type { Bot } from './bots.ts';
import type { WebSenders } from './web-senders.ts';

/** After this, a page still holding a connection (an open SSE stream) is cut off. */
const WEB_GRACE_MS = 200;

/** The running parts, each set once it has started. */
export interface DemoParts {
  chat?: ChatServer;
  tap?: Tap;
  web?: Server;
  senders?: WebSenders;
  /** takes the handle off globalThis and ends the streams that read it */
  unregister?: () => void;
  bots: Bot[];
}

/**
 * Bots say goodbye and bye; the page's clients leave; the server says bye to everyone else; then
 * the tap writes the last packets and closes the capture (so all of that is in it); then the web
 * app goes. The order is not the reverse of the start: the tap must outlive the chat server.
 */
export async function stopParts(parts: DemoParts): Promise<void> {
  await Promise.all(parts.bots.map((b) => b.sayBye()));
  await parts.senders?.close();
  await parts.chat?.close('the demo is stopping');
  await parts.tap?.close();
  parts.unregister?.();
  const web = parts.web;
  if (web?.listening) {
    await new Promise<void>((resolve) => {
      web.close(() => resolve());
      web.closeIdleConnections();
      setTimeout(() => web.closeAllConnections(), WEB_GRACE_MS).unref();
    });
  }
}
