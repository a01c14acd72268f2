// `cbc-lab tap`: the capture tap (server/tap/tap.ts) from the terminal, one line per captured frame.
import type { CapturedConnection, CapturedFrame } from '../../../src/lib/protocol/capture.ts';
import { startTap, type Tap } from '../../tap/tap.ts';
import { defineCommand, flagsOrHelp, type Command } from '../command.ts';
import { UsageError, refuseOperands, type Flag } from '../flags.ts';
import { EXIT_DATA, EXIT_OK, untilStopped } from '../io.ts';
import { hostFlag, listenErrorLine } from '../net-flags.ts';

const FLAGS: readonly Flag[] = [
  {
    name: 'listen',
    type: 'string',
    valueName: '<port>',
    required: true,
    help: ['port the clients connect to (0 picks a free one; the line printed says which)']
  },
  {
    name: 'target',
    type: 'string',
    valueName: '<host:port>',
    required: true,
    help: ['the server to forward to, e.g. 127.0.0.1:5001']
  },
  {
    name: 'host',
    type: 'string',
    valueName: '<addr>',
    synopsis: '127.0.0.1',
    default: '127.0.0.1',
    help: ['address to listen on (default 127.0.0.1: this machine only)']
  },
  {
    name: 'pcap',
    type: 'string',
    valueName: '<path>',
    synopsis: 'capture.pcapng',
    default: 'capture.pcapng',
    help: [
      'pcapng written as packets happen (default capture.pcapng; --pcap none for none);',
      'open it in Wireshark: Follow TCP Stream gives back the exact bytes'
    ]
  },
  {
    name: 'json',
    type: 'string',
    valueName: '<path>',
    synopsis: 'frames.jsonl',
    help: [
      'every frame as a JSON line (CapturedFrame, docs/tap.md), written as it arrives',
      '(default: a temporary file, removed on exit)'
    ]
  }
];

function portValue(name: string, v: string, min: number): number {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > 65535) {
    throw new UsageError(
      'ERR_BAD_OPTION_VALUE',
      `--${name}: expected a port number ${min}..65535, got ${JSON.stringify(v)}`
    );
  }
  return Number(v);
}

/** "host:port" or "[v6]:port". */
export function parseTarget(v: string): { host: string; port: number } {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(v) ?? /^([^:\s]+):(\d+)$/.exec(v);
  if (!m)
    throw new UsageError(
      'ERR_BAD_OPTION_VALUE',
      `--target: expected host:port such as 127.0.0.1:5001, got ${JSON.stringify(v)}`
    );
  return { host: m[1], port: portValue('target', m[2], 1) };
}

/** One line per frame: "#12 conn 3 c2s native chat/gcm 77 B" (+ the error code). */
export function frameLine(f: CapturedFrame): string {
  const kind = f.framing === 'unknown' ? 'unknown' : `${f.framing} ${f.type ?? '?'}/${f.suite ?? '?'}`;
  const seq = f.frameSeq !== undefined ? ` seq ${f.frameSeq}` : '';
  const form = f.form ? ` (${f.form})` : ''; // docs/protocol.md §5.5
  return `#${f.seq} conn ${f.conn} ${f.dir} ${kind}${form}${seq} ${f.length} B${f.error ? ` ${f.error.code}` : ''}`;
}

function connectionLine(c: CapturedConnection, event: 'open' | 'close' | 'name'): string {
  if (event === 'open') return `conn ${c.conn} open ${c.client} -> ${c.server}`;
  if (event === 'name') return `conn ${c.conn} is ${c.who?.name ?? '?'}`;
  return c.error ? `conn ${c.conn} closed: ${c.error.code}: ${c.error.message}` : `conn ${c.conn} closed`;
}

export const command: Command = defineCommand(
  {
    name: 'tap',
    summary: 'capture the wire: a TCP proxy that records every frame (pcapng + JSON lines)',
    flags: FLAGS,
    helpColumn: 23,
    description: `A capture tap on the wire: clients connect to --listen, the tap connects each of them to
--target and forwards both directions untouched, recording every byte. It reassembles the
frames of docs/protocol.md (line and native framing) without the key, and prints one line per
frame: its number, connection, direction, framing, type/suite, length, and the decoder's error
code when the stream could not be framed (those bytes are forwarded unchanged all the same).`,
    epilog: `Ctrl-C or SIGTERM: every connection is closed (FIN both ways), the files are complete, exit 0.
Exit status: 0 stopped by a signal, 1 could not listen or open the pcapng, 2 a usage error.
`
  },
  async (argv, io) => {
    const f = flagsOrHelp(argv, command, io);
    if (!f) return EXIT_OK;
    refuseOperands(f, 'the tap takes only options');
    if (f.values.listen === undefined)
      throw new UsageError('ERR_MISSING_OPTION', '--listen <port> is needed: the port clients connect to');
    const listenPort = portValue('listen', f.values.listen, 0);
    if (f.values.target === undefined)
      throw new UsageError('ERR_MISSING_OPTION', '--target <host:port> is needed: the server to forward to');
    const target = parseTarget(f.values.target);
    const host = hostFlag(f.values.host!);
    const pcapFlag = f.values.pcap!;
    const pcapPath = pcapFlag === 'none' || pcapFlag === '' ? null : pcapFlag;
    const spoolPath = f.values.json || undefined;

    let tap: Tap;
    try {
      tap = await startTap({
        listenHost: host,
        listenPort,
        targetHost: target.host,
        targetPort: target.port,
        pcapPath,
        spoolPath,
        onWarning: (m) => io.stderr.write(`${m}\n`)
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.syscall === 'listen') {
        io.stderr.write(listenErrorLine(e, host, listenPort, '--listen'));
      } else {
        io.stderr.write(
          `cbc-lab: ERR_CAPTURE_FILE: cannot write ${e.path ?? 'the capture files'}: ${e.code ?? e.message}; check the --pcap and --json paths\n`
        );
      }
      return EXIT_DATA;
    }
    const shown = tap.host.includes(':') ? `[${tap.host}]` : tap.host;
    const stopped = untilStopped(io); // before the line that says so: a signal from then on stops cleanly
    io.stdout.write(`Tap listening on ${shown}:${tap.port}, forwarding to ${tap.target}\n`);
    const offFrames = tap.store.subscribe((frames) =>
      io.stdout.write(frames.map((fr) => frameLine(fr) + '\n').join(''))
    );
    const offConns = tap.store.watchConnections((c, event) => io.stdout.write(connectionLine(c, event) + '\n'));
    await stopped;
    await tap.close();
    offFrames();
    offConns();
    const s = tap.stats;
    io.stdout.write(
      `Tap stopped: ${s.frames} frames (${s.errors} not decodable) on ${s.connections} connections` +
        (pcapPath ? `; pcapng: ${pcapPath}` : '') +
        (spoolPath ? `; frames: ${spoolPath}` : '') +
        '\n'
    );
    return EXIT_OK;
  }
);
