// The independent truth for our capture files: the real tshark (installed by .ci/run).
import { execFileSync, spawnSync } from 'node:child_process';

const TSHARK = process.env.TSHARK ?? '/usr/bin/tshark';

function run(args: string[]): string {
  return execFileSync(TSHARK, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe']
  });
}

// Validate both checksums; hand port 5000's payload to the plain data dissector so random bytes
// are not taken for some other protocol and flagged as malformed.
const VALIDATE = ['-o', 'tcp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE', '-d', 'tcp.port==5000,data'];

/** Number of TCP packets carrying payload, per tcp.stream. */
export function payloadPacketsPerStream(file: string): Map<number, number> {
  const out = run(['-r', file, ...VALIDATE, '-Y', 'tcp.len > 0', '-T', 'fields', '-e', 'tcp.stream', '-e', 'tcp.len']);
  const counts = new Map<number, number>();
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const stream = Number(line.split('\t')[0]);
    counts.set(stream, (counts.get(stream) ?? 0) + 1);
  }
  return counts;
}

/**
 * Packets tshark flags: any TCP analysis flag (retransmission, out-of-order, window full, ACKed
 * unseen segment …), a bad or unverified checksum, or an expert item of severity warning or error
 * (0x600000 and up) other than on a reset packet. Returns tshark's one-line summaries; empty means clean.
 */
export function problems(file: string): string[] {
  const filter =
    'tcp.analysis.flags || tcp.checksum.status != 1 || ip.checksum.status != 1 || ' +
    // An RST is itself a warning-level expert item ("Connection reset"); it is what we wrote.
    '(_ws.expert.severity >= 6291456 && !tcp.connection.rst)';
  return run(['-r', file, ...VALIDATE, '-Y', filter])
    .split('\n')
    .filter((l) => l.trim());
}

/** Packets tshark reads; a file cut inside a block still counts what precedes the cut (tshark exits 2 then). */
export function packetCount(file: string): number {
  const r = spawnSync(TSHARK, ['-r', file, '-T', 'fields', '-e', 'frame.number'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024
  });
  if (r.status !== 0 && !/cut short/.test(r.stderr)) throw new Error(`tshark failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l.trim()).length;
}

export function frameComments(file: string): string[] {
  return run(['-r', file, '-T', 'fields', '-e', 'frame.comment'])
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.trim());
}

export interface Followed {
  node0: string;
  node1: string;
  /** Bytes sent by node 0 (the side that sent the first packet: our client). */
  fromNode0: Buffer;
  fromNode1: Buffer;
}

/** `tshark -q -z follow,tcp,raw,N` for each stream, in one run. */
export function follow(file: string, streams: number[]): Map<number, Followed> {
  const args = ['-r', file, '-q'];
  for (const s of streams) args.push('-z', `follow,tcp,raw,${s}`);
  const out = run(args);
  const result = new Map<number, Followed>();
  for (const section of out.split(/^=+$/m)) {
    const m = /^Filter: tcp\.stream eq (\d+)$/m.exec(section);
    if (!m) continue;
    const node0 = /^Node 0: (.*)$/m.exec(section)?.[1] ?? '';
    const node1 = /^Node 1: (.*)$/m.exec(section)?.[1] ?? '';
    const hex0: string[] = [];
    const hex1: string[] = [];
    const lines = section.split('\n');
    const start = lines.findIndex((l) => l.startsWith('Node 1:')) + 1;
    for (const line of lines.slice(start)) {
      if (!line.trim()) continue;
      if (line.startsWith('\t')) hex1.push(line.trim());
      else hex0.push(line.trim());
    }
    result.set(Number(m[1]), {
      node0,
      node1,
      fromNode0: Buffer.from(hex0.join(''), 'hex'),
      fromNode1: Buffer.from(hex1.join(''), 'hex')
    });
  }
  return result;
}
