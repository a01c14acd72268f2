// `cbc-lab client`: one message and its reply, in the style of the seed client, or an
// interactive chat (docs/protocol.md §9).
import { createInterface } from 'node:readline';
import { bytesToHex } from '../../../src/lib/crypto/bytes.ts';
import {
  FRAME_TYPES,
  isClientNameFault,
  nameFault,
  type FrameError,
  type SealedSuite
} from '../../../src/lib/protocol/index.ts';
import { ChatClient, type Incoming } from '../../chat-client.ts';
import { DEFAULT_PORT } from '../../chat/options.ts';
import { defineCommand, flagsOrHelp, type Command } from '../command.ts';
import { UsageError, refuseOperands, type Flag } from '../flags.ts';
import { EXIT_DATA, EXIT_OK, stopSignals, type CliIo } from '../io.ts';
import { KEY_ENV_HELP, KEY_FLAGS, keyLine, resolveKey } from '../key-source.ts';
import { hostFlag, portFlag } from '../net-flags.ts';
import { escapeTerminalText as shown } from '../terminal-text.ts';

const FLAGS: readonly Flag[] = [
  {
    name: 'host',
    type: 'string',
    valueName: '<addr>',
    synopsis: '127.0.0.1',
    default: '127.0.0.1',
    help: ['server address (default 127.0.0.1)']
  },
  {
    name: 'port',
    type: 'string',
    valueName: '<n>',
    synopsis: String(DEFAULT_PORT),
    default: String(DEFAULT_PORT),
    help: [`server port (default ${DEFAULT_PORT})`]
  },
  ...KEY_FLAGS,
  {
    name: 'name',
    type: 'string',
    valueName: '<name>',
    synopsis: 'alice',
    help: [
      'how others see you (default alice): native framing says it in the hello;',
      'line framing sends "/name <name>" first (without --name a line client is guest-N)'
    ]
  },
  {
    name: 'framing',
    type: 'string',
    choices: ['line', 'native'],
    help: [
      'line: base64(IV ‖ AES-CBC) + "\\n", what the seed projects speak (the default,',
      'unless --name or --suite cbc-hmac|gcm asks for native);',
      'native: binary frames with a header (docs/protocol.md §3)'
    ]
  },
  {
    name: 'suite',
    type: 'string',
    choices: ['cbc', 'cbc-hmac', 'gcm'],
    valueName: '<suite>',
    synopsis: 'cbc|cbc-hmac|gcm',
    help: ['native framing only: cbc (default), cbc-hmac (encrypt-then-MAC) or gcm']
  },
  {
    name: 'message',
    type: 'string',
    valueName: '<text>',
    synopsis: 'TEXT',
    help: ['send one message, print the decrypted reply, exit']
  },
  { name: 'show-wire', type: 'boolean', help: ['also print every frame as it is on the wire (→ sent, ← received)'] }
];

const REASON: Record<string, string> = {
  ERR_SEQUENCE: 'a replayed or reordered frame',
  ERR_BAD_PADDING: 'bad padding',
  ERR_BAD_UTF8: 'the plaintext is not UTF-8',
  ERR_BAD_MAC: 'bad MAC',
  ERR_BAD_TAG: 'bad GCM tag',
  ERR_DECRYPT: 'bad padding or not UTF-8 text',
  ERR_BAD_NAME: 'the name is not valid text',
  ERR_PAYLOAD_LENGTH: 'the payload has the wrong length',
  ERR_BAD_BASE64: 'the line is not base64'
};
const KEY_CODES = new Set([
  'ERR_BAD_PADDING',
  'ERR_BAD_UTF8',
  'ERR_DECRYPT',
  'ERR_BAD_MAC',
  'ERR_BAD_TAG',
  'ERR_BAD_NAME'
]);
const SAME_KEY = ' — do both sides use the same key?';

function reason(code: string, message: string): string {
  return REASON[code] ?? `${shown(code)}: ${shown(message)}`;
}

function why(code: string, message: string): string {
  return reason(code, message) + (KEY_CODES.has(code) ? SAME_KEY : '');
}

/**
 * A received frame or line that does not open, in place of the message it was. "That sender" may
 * be the server itself (a reply to us) when our key is the wrong one: the line is true either way.
 */
function undecryptableLine(code: string, message: string): string {
  if (code === 'ERR_SEQUENCE') return '! dropped a replayed or reordered frame\n';
  return `! cannot decrypt a message: ${reason(code, message)}${KEY_CODES.has(code) ? ' — that sender may use another key' : ''}\n`;
}

/** Native framing: the type byte of the header is in the clear (docs/protocol.md §3.1). */
function nativeType(wire: Uint8Array | string): string | undefined {
  return typeof wire === 'string' || wire.length < 4 ? undefined : FRAME_TYPES[wire[3] - 1];
}

/** A line server answered our `/name` with an ack: it does not know the command (§8.2.5). */
function notNamedNote(name: string): string {
  return `note: the server answered "/name ${shown(name)}" with an ack, not "* you are now …": it does not know /name (a seed server?) and took it for a message\n`;
}

function wireLine(dir: 'in' | 'out', wire: Uint8Array | string): string {
  // a line that is not base64 arrives as the peer wrote it
  return `${dir === 'out' ? '→' : '←'} wire: ${typeof wire === 'string' ? shown(wire) : bytesToHex(wire)}\n`;
}

export const command: Command = defineCommand(
  {
    name: 'client',
    summary: 'connect to the chat server: send one message, or chat interactively',
    flags: FLAGS,
    helpColumn: 25,
    description: "Connect to `cbc-lab server` (or a seed project's server, with --framing line).",
    epilog: `Without --message: an interactive chat. Type a line to send it; others' messages appear
decrypted. End with Ctrl-D or Ctrl-C. What others chose (their text, names, the server's errors
and bye reasons) is shown, never interpreted: control characters, terminal escapes and bidi
controls appear escaped (\\n, \\x1b, \\u202e; a backslash as \\\\), so every message is one line.
A message that does not decrypt (in a seed room, a peer with another key; or every message, if
ours is the wrong key) is shown in its place as one line, e.g. \`! cannot decrypt a message: bad
padding — that sender may use another key\`, and the chat goes on.

With --message, which message is the reply to ours: with native framing the frame type says
(hello, ack); with line framing it is the first line after our message (docs/protocol.md §8.2:
the server answers a line client before it relays anything to it; a seed server that relays
without answering makes the first relayed line count as the reply). With --framing line and
--name, the client first sends "/name NAME" and waits for its answer, "* you are now NAME"
(docs/protocol.md §8.2.5); a refused name ends it with exit 1. The reply not decrypting
ends the client with exit 1; any other frame or line that does not decrypt is someone else's: a
\`!\` line on stderr, and the client waits on for its reply.

${KEY_ENV_HELP}

Exit status: 0 success, 1 no connection, no reply, or a reply that does not decrypt, 2 a usage error.
`
  },
  async (argv, io) => {
    const f = flagsOrHelp(argv, command, io);
    if (!f) return EXIT_OK;
    refuseOperands(f, 'to send a message use --message TEXT');
    const host = hostFlag(f.values.host!);
    const port = portFlag(f.values.port!);
    if (port === 0) throw new UsageError('ERR_BAD_OPTION_VALUE', "--port: expected the server's port 1..65535, got 0");
    const resolved = resolveKey(f, io.env);
    // Only native framing carries a name and the authenticated suites: asking for either without
    // --framing picks native; otherwise line, what the seed projects speak.
    const wantsNative = (f.values.suite !== undefined && f.values.suite !== 'cbc') || f.values.name !== undefined;
    const framing = (f.values.framing ?? (wantsNative ? 'native' : 'line')) as 'line' | 'native';
    const suite = (f.values.suite ?? 'cbc') as SealedSuite;
    if (framing === 'line' && suite !== 'cbc')
      throw new UsageError(
        'ERR_BAD_OPTION_VALUE',
        `--suite ${suite} needs --framing native: line framing carries only unauthenticated cbc, as the seed projects do`
      );
    const name = f.values.name ?? 'alice';
    // the hello name rule of docs/protocol.md §3.2, the part a client checks before sending
    if (isClientNameFault(nameFault(name))) {
      throw new UsageError(
        'ERR_BAD_OPTION_VALUE',
        `--name: expected 1 to 32 characters, no ":" and no spaces at either end, got ${JSON.stringify(name)}`
      );
    }
    const message = f.values.message;
    if (message !== undefined && message.length === 0)
      throw new UsageError('ERR_BAD_OPTION_VALUE', '--message: expected some text, got an empty string');

    io.stderr.write(keyLine(resolved));
    // line framing: only a --name given is sent (as /name, §8.2.5); without one the server says guest-N
    const client = new ChatClient({
      host,
      port,
      key: resolved.key,
      name: framing === 'line' ? f.values.name : name,
      framing,
      suite
    });
    if (f.booleans['show-wire'])
      client.on('wire', (dir: 'in' | 'out', wire: Uint8Array | string) => io.stdout.write(wireLine(dir, wire)));
    try {
      await client.connect();
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const hint =
        e.code === 'ECONNREFUSED'
          ? 'connection refused: is `cbc-lab server` running there?'
          : e.code === 'ENOTFOUND'
            ? 'no such host'
            : shown(e.message);
      io.stderr.write(`cbc-lab: ERR_CONNECT: cannot connect to ${host}:${port}: ${hint}\n`);
      return EXIT_DATA;
    }
    io.stdout.write('Connected to server\n');
    return message !== undefined ? oneMessage(client, message, io) : interactive(client, io);
  }
);

/** The seed client's exchange: hello (native), one message, its reply. */
function oneMessage(client: ChatClient, message: string, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    // awaiting-hello (native: the server's hello comes before we send; line with --name: the
    // answer to our /name, §8.2.5), sent, then done
    let state: 'awaiting-hello' | 'sent' | 'done' = 'awaiting-hello';
    let linesSinceSent = 0;
    const finish = (code: number, err?: string) => {
      if (state === 'done') return;
      state = 'done';
      if (err) io.stderr.write(err);
      void client.end().then(() => resolve(code));
    };
    const sendIt = () => {
      state = 'sent';
      client.send(message);
      io.stdout.write('Encrypted message sent\n');
    };
    const timer = setTimeout(
      () => finish(EXIT_DATA, `cbc-lab: ERR_NO_REPLY: no reply from the server within 10 s\n`),
      10_000
    );
    timer.unref();
    client.on('message', (m: Incoming) => {
      if (state === 'done') return;
      const sent = state === 'sent';
      // Line framing: the first line after our message is its reply (§8.2); native: the type says.
      const firstLine = client.framing === 'line' && sent && linesSinceSent++ === 0;
      if (m.kind === 'undecryptable') {
        const type = nativeType(m.wire);
        const ours = client.framing === 'line' ? firstLine : type === 'hello' || type === 'ack';
        if (!ours) return io.stderr.write(undecryptableLine(m.error.code, m.error.message));
        return finish(
          EXIT_DATA,
          `cbc-lab: ${m.error.code}: cannot decrypt the server's reply: ${why(m.error.code, m.error.message)}\n`
        );
      }
      if (m.kind === 'error' && !sent && client.framing === 'line')
        return finish(EXIT_DATA, `cbc-lab: ${shown(m.code)}: the server refused our /name: ${shown(m.message)}\n`);
      if (m.kind === 'error') {
        const what = sent ? 'the server refused our message' : 'the server refused our hello';
        const could = KEY_CODES.has(m.code)
          ? `the server cannot decrypt our ${sent ? 'message' : 'hello'}: `
          : `${what}: `;
        return finish(
          EXIT_DATA,
          `cbc-lab: ${shown(m.code)}: ${could}${KEY_CODES.has(m.code) ? why(m.code, m.message) : shown(m.message)}\n`
        );
      }
      if (m.kind === 'bye')
        return finish(EXIT_DATA, `cbc-lab: ERR_NO_REPLY: the server said bye before replying (${shown(m.text)})\n`);
      if (m.kind === 'hello' && !sent) return sendIt();
      if (client.framing === 'line' && !sent && (m.kind === 'named' || m.kind === 'ack')) {
        // an ack instead: a server that does not know /name (a seed server) took it for a message
        if (m.kind === 'ack') io.stderr.write(notNamedNote(client.name));
        return sendIt();
      }
      if (m.kind === 'ack' && sent) {
        clearTimeout(timer);
        io.stdout.write(`Decrypted reply: ${shown(m.text)}\n`);
        return finish(EXIT_OK);
      }
      // others' chat and notices are not the reply: skip them
    });
    client.on('close', (err: FrameError | null) => {
      finish(
        EXIT_DATA,
        `cbc-lab: ${err?.code ?? 'ERR_NO_REPLY'}: the server closed the connection before replying${err ? `: ${shown(err.message)}` : ''}\n`
      );
    });
    if (client.framing === 'line' && !client.sendsName) sendIt();
  });
}

function interactive(client: ChatClient, io: CliIo): Promise<number> {
  return new Promise((resolve) => {
    let done = false;
    const rl = createInterface({ input: io.stdin, terminal: false });
    const signals = stopSignals(io);
    const finish = (code: number, text?: string) => {
      if (done) return;
      done = true;
      if (text) io.stderr.write(text);
      rl.close();
      signals.off('SIGINT', onSigint);
      void client.end().then(() => resolve(code));
    };
    const onSigint = () => finish(EXIT_OK);
    signals.on('SIGINT', onSigint);
    io.stderr.write(
      client.framing === 'native'
        ? `Joining as ${client.name} (${client.suite}); type a message and press Enter, Ctrl-D to leave\n`
        : client.sendsName
          ? `Joining as ${client.name} (line framing, /name); type a message and press Enter, Ctrl-D to leave\n`
          : 'Type a message and press Enter (you join the room with your first message); Ctrl-D to leave\n'
    );
    // line framing with --name: the first reply is the answer to our /name (§8.2.5)
    let awaitingName = client.sendsName;
    client.on('message', (m: Incoming) => {
      if (awaitingName && (m.kind === 'named' || m.kind === 'ack' || m.kind === 'error')) {
        awaitingName = false;
        if (m.kind === 'error')
          return finish(EXIT_DATA, `cbc-lab: ${shown(m.code)}: the server refused our /name: ${shown(m.message)}\n`);
        if (m.kind === 'ack') return io.stderr.write(notNamedNote(client.name));
      }
      switch (m.kind) {
        case 'chat':
          return io.stdout.write(`${shown(m.text)}\n`);
        case 'join':
          return io.stdout.write(`* ${shown(m.text)} joined\n`);
        case 'leave':
          return io.stdout.write(`* ${shown(m.text)} left\n`);
        case 'hello':
          return io.stdout.write(`* ${shown(m.text)}\n`);
        case 'named':
          return io.stdout.write(`* you are now ${shown(m.text)}\n`);
        case 'ack':
          return;
        case 'error':
          // Native error frames come from the server alone. A line client cannot read an error
          // about its key (the server encrypts it with its own, §5.4), and a peer named
          // "ERROR ERR_DECRYPT" can make a relayed line look like one: report it, chat on.
          if (client.framing === 'native' && KEY_CODES.has(m.code))
            return finish(
              EXIT_DATA,
              `cbc-lab: ${m.code}: the server cannot decrypt our frames: ${why(m.code, m.message)}\n`
            );
          return io.stderr.write(`! server: ${shown(m.code)}: ${shown(m.message)}\n`);
        case 'bye':
          io.stdout.write(`* server: ${shown(m.text)}: bye\n`);
          // A line bye is text a peer's name can imitate; the server closes right after a real one.
          if (client.framing === 'native') finish(EXIT_OK);
          return;
        case 'undecryptable':
          // One peer with another key (a seed room relays ciphertext as it is) must not end the chat.
          return io.stdout.write(undecryptableLine(m.error.code, m.error.message));
      }
    });
    client.on('close', (err: FrameError | null) =>
      finish(
        err ? EXIT_DATA : EXIT_OK,
        err ? `cbc-lab: ${err.code}: ${shown(err.message)}\n` : '* connection closed by the server\n'
      )
    );
    rl.on('line', (line) => {
      if (line.length > 0 && !client.closed) client.send(line);
    });
    rl.on('close', () => finish(EXIT_OK));
  });
}
