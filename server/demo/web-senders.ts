// The page's own participants (POST /api/send, docs/api.md): one native chat client per name and
// suite, through the tap like everyone else, kept open between sends, at most MAX_WEB_CLIENTS.
import type { SendFailure, SendSuite } from '../../src/lib/server/demo-handle.ts';
import { ChatClient, type Incoming } from '../chat-client.ts';

const SEND_TIMEOUT_MS = 5000;
const MAX_WEB_CLIENTS = 8;

type SendResult = { ok: true } | SendFailure;

interface Sender {
  client: ChatClient;
  ready: Promise<void>;
  /** the sends waiting for their answer, oldest first */
  waiting: ((r: SendResult) => void)[];
}

export class WebSenders {
  private readonly senders = new Map<string, Sender>();
  private state: 'open' | 'closed' = 'open';

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly key: Uint8Array,
    /** a sender connected from this host:port, as `name` */
    private readonly onConnect?: (name: string, localAddress: string) => void
  ) {}

  async send(o: { text: string; name: string; suite: SendSuite }): Promise<SendResult> {
    if (this.state === 'closed') return { status: 503, code: 'ERR_NO_CAPTURE', message: 'the demo is stopping' };
    const id = `${o.suite}\u0000${o.name}`;
    const sender = this.take(id, o);
    try {
      await sender.ready;
    } catch (err) {
      this.senders.delete(id);
      return {
        status: 502,
        code: 'ERR_CHAT_UNREACHABLE',
        message: `cannot reach the chat port ${this.port}: ${(err as Error).message}`
      };
    }
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: SendResult) => {
        if (done) return;
        done = true;
        clearTimeout(t);
        resolve(r);
      };
      const t = setTimeout(
        () =>
          finish({
            status: 504,
            code: 'ERR_SEND_TIMEOUT',
            message: `no answer from the chat server within ${SEND_TIMEOUT_MS / 1000} s`
          }),
        SEND_TIMEOUT_MS
      );
      sender.waiting.push(finish);
      sender.client.send(o.text);
    });
  }

  async close(): Promise<void> {
    this.state = 'closed';
    await Promise.all([...this.senders.values()].map((s) => s.client.end()));
    this.senders.clear();
  }

  /** The open sender for `id`, or a new one (the least recently used goes when the pool is full). */
  private take(id: string, o: { name: string; suite: SendSuite }): Sender {
    let sender = this.senders.get(id);
    if (sender && sender.client.closed) sender = undefined;
    this.senders.delete(id);
    if (!sender) {
      if (this.senders.size >= MAX_WEB_CLIENTS) {
        // Map keeps insertion order, and a use re-inserts: the first is the least recently used
        const [oldId, old] = this.senders.entries().next().value!;
        this.senders.delete(oldId);
        void old.client.end();
      }
      sender = this.open(o);
    }
    this.senders.set(id, sender);
    return sender;
  }

  private open(o: { name: string; suite: SendSuite }): Sender {
    const client = new ChatClient({
      host: this.host,
      port: this.port,
      key: this.key,
      name: o.name,
      framing: 'native',
      suite: o.suite
    });
    const waiting: Sender['waiting'] = [];
    client.on('message', (m: Incoming) => {
      // §8.3: the server answers each of our chats with an ack, or an error frame, in order
      if (m.kind === 'ack') waiting.shift()?.({ ok: true });
      else if (m.kind === 'error')
        waiting.shift()?.({ status: 502, code: m.code, message: `chat server: ${m.message}` });
    });
    client.on('close', (err: { code?: string; message?: string } | null) => {
      for (const w of waiting.splice(0))
        w({
          status: 502,
          code: err?.code ?? 'ERR_CHAT_CLOSED',
          message: `chat server closed the connection${err?.message ? `: ${err.message}` : ''}`
        });
    });
    const ready = client.connect().then(() => {
      if (client.localAddress) this.onConnect?.(o.name, client.localAddress);
    });
    return { client, ready, waiting };
  }
}
