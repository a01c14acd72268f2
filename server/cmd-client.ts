// `cbc-lab client`: one message and its reply, in the style of the seed client, or an
// interactive chat (docs/protocol.md §9).
import { createInterface } from 'node:readline';
import { bytesToHex } from '../src/lib/crypto/bytes.ts';
import { EXIT_DATA, EXIT_OK, UsageError, parseFlags, type CliIo, type Command } from './cli.ts';
import { ChatClient, type Incoming } from './chat-client.ts';
import { DEFAULT_PORT } from './chat-server.ts';
import { KEY_FLAGS, hostFlag, portFlag, readKeyFlags } from './cmd-server.ts';
import type { FrameError, SealedSuite } from '../src/lib/protocol/index.ts';

const USAGE =
  'cbc-lab client [--host 127.0.0.1] [--port 5000] (--key <hex> | --key-file <path>) [--name alice] [--framing line|native] [--suite cbc|cbc-hmac|gcm] [--message TEXT] [--show-wire]';

const HELP = `usage: ${USAGE}

Connect to \`cbc-lab server\` (or a seed project's server, with --framing line).

Options:
  --host <addr>          server address (default 127.0.0.1)
  --port <n>             server port (default ${DEFAULT_PORT})
  --key <hex>            the pre-shared key, the same as the server's: 16, 24 or 32 bytes as hex
  --key-file <path>      read the key from a file: hex text, or 16, 24 or 32 raw bytes
  --name <name>          how others see you (default alice; native framing only: a line client
                         is named guest-N by the server)
  --framing line|native  line: base64(IV ‖ AES-CBC) + "\\n", what the seed projects speak (the default,
                         unless --name or --suite cbc-hmac|gcm asks for native);
                         native: binary frames with a header (docs/protocol.md §3)
  --suite <suite>        native framing only: cbc (default), cbc-hmac (encrypt-then-MAC) or gcm
  --message <text>       send one message, print the decrypted reply, exit
  --show-wire            also print every frame as it is on the wire (→ sent, ← received)
  -h, --help             this text

Without --message: an interactive chat. Type a line to send it; others' messages appear
decrypted. End with Ctrl-D or Ctrl-C.
Exit status: 0 success, 1 no connection, no reply, or a reply that does not decrypt, 2 a usage error.
`;

const REASON: Record<string, string> = {
  ERR_BAD_PADDING: 'bad padding',
  ERR_BAD_UTF8: 'the plaintext is not UTF-8',
  ERR_BAD_MAC: 'bad MAC',
  ERR_BAD_TAG: 'bad GCM tag',
  ERR_DECRYPT: 'bad padding or not UTF-8 text',
  ERR_BAD_NAME: 'the name is not valid text',
  ERR_PAYLOAD_LENGTH: 'the payload has the wrong length',
  ERR_BAD_BASE64: 'the line is not base64'
};
const KEY_CODES = new Set(['ERR_BAD_PADDING', 'ERR_BAD_UTF8', 'ERR_DECRYPT', 'ERR_BAD_MAC', 'ERR_BAD_TAG', 'ERR_BAD_NAME']);
const SAME_KEY = ' — do both sides use the same key?';

function why(code: string, message: string): string {
  return (REASON[code] ?? `${code}: ${message}`) + (KEY_CODES.has(code) ? SAME_KEY : '');
}

function wireLine(dir: 'in' | 'out', wire: Uint8Array | string): string {
  return `${dir === 'out' ? '→' : '←'} wire: ${typeof wire === 'string' ? wire : bytesToHex(wire)}\n`;
}

export const clientCommand: Command = {
  name: 'client',
  summary: 'connect to the chat server: send one message, or chat interactively',
  usage: USAGE,
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const f = parseFlags(argv, {
      values: { host: null, port: null, ...KEY_FLAGS, name: null, framing: ['line', 'native'], suite: ['cbc', 'cbc-hmac', 'gcm'], message: null },
      booleans: ['show-wire']
    });
    if (f.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (f.positionals.length) throw new UsageError('ERR_EXTRA_ARGUMENT', `unexpected argument ${JSON.stringify(f.positionals[0])}; to send a message use --message TEXT`);
    const host = hostFlag(f.values.host);
    const port = portFlag(f.values.port, DEFAULT_PORT);
    if (port === 0) throw new UsageError('ERR_BAD_OPTION_VALUE', '--port: expected the server\'s port 1..65535, got 0');
    const key = readKeyFlags(f);
    // Only native framing carries a name and the authenticated suites: asking for either without
    // --framing picks native; otherwise line, what the seed projects speak.
    const wantsNative = f.values.suite !== undefined && f.values.suite !== 'cbc' || f.values.name !== undefined;
    const framing = (f.values.framing ?? (wantsNative ? 'native' : 'line')) as 'line' | 'native';
    const suite = (f.values.suite ?? 'cbc') as SealedSuite;
    if (framing === 'line' && suite !== 'cbc') throw new UsageError('ERR_BAD_OPTION_VALUE', `--suite ${suite} needs --framing native: line framing carries only unauthenticated cbc, as the seed projects do`);
    const name = f.values.name ?? 'alice';
    if (framing === 'line' && f.values.name !== undefined) io.stderr('note: --name is sent only with --framing native; the server names a line client guest-N\n');
    if (name.length === 0 || name.length > 32 || /[\u0000-\u001f\u007f:]/.test(name) || name !== name.trim()) {
      throw new UsageError('ERR_BAD_OPTION_VALUE', `--name: expected 1 to 32 characters, no ":" and no spaces at either end, got ${JSON.stringify(name)}`);
    }
    const message = f.values.message;
    if (message !== undefined && message.length === 0) throw new UsageError('ERR_BAD_OPTION_VALUE', '--message: expected some text, got an empty string');

    const client = new ChatClient({ host, port, key, name, framing, suite });
    if (f.booleans['show-wire']) client.on('wire', (dir: 'in' | 'out', wire: Uint8Array | string) => io.stdout(wireLine(dir, wire)));
    try {
      await client.connect();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const hint = e.code === 'ECONNREFUSED' ? 'connection refused: is `cbc-lab server` running there?' : e.code === 'ENOTFOUND' ? 'no such host' : e.message;
      io.stderr(`cbc-lab: ERR_CONNECT: cannot connect to ${host}:${port}: ${hint}\n`);
      return EXIT_DATA;
    }
    io.stdout('Connected to server\n');
    return message !== undefined ? oneMessage(client, message, io) : interactive(client, io);
  }
};

/** The seed client's exchange: hello (native), one message, its reply. */
function oneMessage(client: ChatClient, message: string, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    let sent = false;
    let done = false;
    const finish = (code: number, err?: string) => {
      if (done) return;
      done = true;
      if (err) io.stderr(err);
      void client.end().then(() => resolve(code));
    };
    const sendIt = () => {
      sent = true;
      client.send(message);
      io.stdout('Encrypted message sent\n');
    };
    const timer = setTimeout(() => finish(EXIT_DATA, `cbc-lab: ERR_NO_REPLY: no reply from the server within 10 s\n`), 10_000);
    timer.unref();
    client.on('message', (m: Incoming) => {
      if (m.kind === 'undecryptable') {
        return finish(EXIT_DATA, `cbc-lab: ${m.error.code}: cannot decrypt the server's reply: ${why(m.error.code, m.error.message)}\n`);
      }
      if (m.kind === 'error') {
        const what = sent ? 'the server refused our message' : 'the server refused our hello';
        const could = KEY_CODES.has(m.code) ? `the server cannot decrypt our ${sent ? 'message' : 'hello'}: ` : `${what}: `;
        return finish(EXIT_DATA, `cbc-lab: ${m.code}: ${could}${KEY_CODES.has(m.code) ? why(m.code, m.message) : m.message}\n`);
      }
      if (m.kind === 'bye') return finish(EXIT_DATA, `cbc-lab: ERR_NO_REPLY: the server said bye before replying (${m.text})\n`);
      if (m.kind === 'hello' && !sent) return sendIt();
      if (m.kind === 'ack' && sent) {
        clearTimeout(timer);
        io.stdout(`Decrypted reply: ${m.text}\n`);
        return finish(EXIT_OK);
      }
      // others' chat and notices are not the reply: skip them
    });
    client.on('close', (err: FrameError | null) => {
      finish(EXIT_DATA, `cbc-lab: ${err?.code ?? 'ERR_NO_REPLY'}: the server closed the connection before replying${err ? `: ${err.message}` : ''}\n`);
    });
    if (client.framing === 'line') sendIt();
  });
}

function interactive(client: ChatClient, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    let done = false;
    const rl = createInterface({ input: process.stdin, terminal: false });
    const finish = (code: number, text?: string) => {
      if (done) return;
      done = true;
      if (text) io.stderr(text);
      rl.close();
      process.off('SIGINT', onSigint);
      void client.end().then(() => resolve(code));
    };
    const onSigint = () => finish(EXIT_OK);
    process.on('SIGINT', onSigint);
    io.stderr(client.framing === 'native' ? `Joining as ${client.name} (${client.suite}); type a message and press Enter, Ctrl-D to leave\n` : 'Type a message and press Enter (you join the room with your first message); Ctrl-D to leave\n');
    client.on('message', (m: Incoming) => {
      switch (m.kind) {
        case 'chat':
          return io.stdout(`${m.text}\n`);
        case 'join':
          return io.stdout(`* ${m.text} joined\n`);
        case 'leave':
          return io.stdout(`* ${m.text} left\n`);
        case 'hello':
          return io.stdout(`* ${m.text}\n`);
        case 'ack':
          return;
        case 'error':
          if (KEY_CODES.has(m.code)) return finish(EXIT_DATA, `cbc-lab: ${m.code}: the server cannot decrypt our frames: ${why(m.code, m.message)}\n`);
          return io.stderr(`! server: ${m.code}: ${m.message}\n`);
        case 'bye':
          io.stdout(`* server: ${m.text}: bye\n`);
          return finish(EXIT_OK);
        case 'undecryptable':
          return finish(EXIT_DATA, `cbc-lab: ${m.error.code}: cannot decrypt the server's reply: ${why(m.error.code, m.error.message)}\n`);
      }
    });
    client.on('close', (err: FrameError | null) => finish(err ? EXIT_DATA : EXIT_OK, err ? `cbc-lab: ${err.code}: ${err.message}\n` : '* connection closed by the server\n'));
    rl.on('line', (line) => {
      if (line.length > 0 && !client.closed) client.send(line);
    });
    rl.on('close', () => finish(EXIT_OK));
  });
}

export const commands: Command[] = [clientCommand];
