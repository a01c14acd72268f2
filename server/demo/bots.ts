// The demo's two bots: alice speaks the seeds' line framing (cbc), bob the native framing
// (cbc-hmac), both through the tap, so the class always has traffic of both kinds to look at.
// Both are named: bob in his hello, alice with "/name alice" as her first line (docs/protocol.md
// §8.2.5; ChatClient sends it), so the room and /live read "alice: …", not "guest-1: …".
import type { SealedSuite } from '../../src/lib/protocol/index.ts';
import { ChatClient, type Incoming } from '../chat-client.ts';

// Pleasant sentences that also say what the class is looking at.
export const ALICE_LINES = [
  'Good morning, Bob! The sun is out and the coffee is on.',
  'Every message I send gets a fresh random IV.',
  'Same words twice, different ciphertext: that is the IV at work.',
  'I speak the line framing: base64 of IV and ciphertext, then a newline.',
  'Shall we meet at the library at four?',
  'My short notes are padded up to a whole 16-byte block.'
];
export const BOB_LINES = [
  'Morning, Alice! I saved you a cinnamon roll.',
  'My frames carry an HMAC tag, so a flipped bit is caught.',
  'Encrypt, then MAC: the receiver checks the tag before it decrypts.',
  'Four works for me. I will bring the notes on block ciphers.',
  'AES only ever sees 16 bytes at a time; CBC chains the blocks.',
  'Did you spot my header? Type, suite, sequence number, length.'
];

const RECONNECT_MS = 1000;
/** how long a goodbye waits for its ack before the bot leaves anyway */
const GOODBYE_ACK_MS = 1000;

export interface Bot {
  name: string;
  start(): void;
  /** a last line the class can read, then (native) a bye frame; resolves when the bot is gone */
  sayBye(): Promise<void>;
}

export interface BotOptions {
  host: string;
  port: number;
  key: Uint8Array;
  name: string;
  framing: 'line' | 'native';
  suite: SealedSuite;
  lines: readonly string[];
  goodbye: string;
  /** ms between two of its lines */
  interval: number;
  /** ms before its first line */
  delay: number;
  /** told our end's host:port each time the bot connects (the demo names it in the capture) */
  onConnect?: (localAddress: string) => void;
}

/** A client that connects through the tap and speaks every `interval` ms; reconnects if dropped. */
export function makeBot(o: BotOptions): Bot {
  let client: ChatClient | null = null;
  let timer: NodeJS.Timeout | null = null;
  let next = 0;
  let state: 'talking' | 'leaving' = 'talking';
  const retry = () => {
    if (state === 'talking') setTimeout(() => void connect().catch(() => {}), RECONNECT_MS).unref();
  };
  const connect = async (): Promise<void> => {
    if (state !== 'talking') return;
    const c = new ChatClient({
      host: o.host,
      port: o.port,
      key: o.key,
      name: o.name,
      framing: o.framing,
      suite: o.suite
    });
    c.on('close', () => {
      if (client === c) client = null;
      retry();
    });
    try {
      await c.connect();
      client = c;
      if (c.localAddress) o.onConnect?.(c.localAddress);
    } catch {
      retry();
    }
  };
  const speak = () => {
    if (state !== 'talking') return;
    if (client && !client.closed) client.send(o.lines[next++ % o.lines.length]);
    timer = setTimeout(speak, o.interval);
  };
  return {
    name: o.name,
    start() {
      void connect().then(() => {
        if (state === 'talking') timer = setTimeout(speak, o.delay);
      });
    },
    async sayBye() {
      state = 'leaving';
      if (timer) clearTimeout(timer);
      const c = client;
      if (!c || c.closed) return;
      // Wait for the ack (§8.3) so that the goodbye and the bye are both on the wire, and captured.
      const acked = new Promise<void>((resolve) => {
        const t = setTimeout(resolve, GOODBYE_ACK_MS);
        const done = () => {
          clearTimeout(t);
          resolve();
        };
        c.on('message', (m: Incoming) => {
          if (m.kind === 'ack') done();
        });
        c.on('close', done);
      });
      c.send(o.goodbye);
      await acked;
      await c.end();
    }
  };
}

/** alice (line, cbc) and bob (native, cbc-hmac), taking turns. */
export function demoBots(o: {
  host: string;
  port: number;
  key: Uint8Array;
  interval: number;
  /** a bot connected from this host:port */
  onConnect?: (name: string, localAddress: string) => void;
}): Bot[] {
  const at = { host: o.host, port: o.port, key: o.key, interval: o.interval };
  const named = (name: string) => (address: string) => o.onConnect?.(name, address);
  return [
    makeBot({
      ...at,
      name: 'alice',
      onConnect: named('alice'),
      framing: 'line',
      suite: 'cbc',
      lines: ALICE_LINES,
      goodbye: 'Class is over. Bye, everyone!',
      delay: Math.min(500, o.interval / 4)
    }),
    makeBot({
      ...at,
      name: 'bob',
      onConnect: named('bob'),
      framing: 'native',
      suite: 'cbc-hmac',
      lines: BOB_LINES,
      goodbye: 'See you tomorrow, Alice. Bye!',
      delay: o.interval / 2
    })
  ];
}
