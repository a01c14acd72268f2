// The tap section of `npm run bench`: what putting the capture tap on the wire costs a chat.
// A client streams realistic sealed frames to the real chat server, which opens each one and
// acknowledges it; we time until every ack is back. Baseline: the same client straight to the same
// server, in the same run, interleaved run by run so the shared machine's noise falls on both.
// The tap runs in its own process (as `cbc-lab tap` does), recording everything: pcapng and the
// JSON-lines spool on disk, frames decoded both ways. The client and the server share this one.
// BENCH_DEBUG=1 prints each run; BENCH_TAP_PROF=<dir> writes a CPU profile of the tap process;
// BENCH_TAP_ONLY=<name prefix> runs one workload; BENCH_TAP_NO_PCAP=1 and BENCH_TAP_MEMBYTES=<n> vary the tap.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ACK_TEXT, startChatServer } from '../server/chat/server.ts';
import { deriveKeys, sealFrame, sealLine } from '../server/suites.ts';
import { startTap } from '../server/tap/tap.ts';
import { FrameDecoder } from '../src/lib/protocol/index.ts';
import type { Section } from './run.ts';

const TARGET_RATIO = 0.8;
const KEY = Buffer.from('2b7e151628aed2a6abf7158809cf4f3c', 'hex');
const REPS = 5;
/** base64(IV ‖ one PKCS#7-padded ciphertext of ACK_TEXT) + "\n" */
const ACK_LINE_LENGTH = 4 * Math.ceil((16 + 16 * (Math.floor(Buffer.byteLength(ACK_TEXT) / 16) + 1)) / 3) + 1;

interface Workload {
  name: string;
  framing: 'native' | 'line';
  suite: 'gcm' | 'cbc-hmac' | 'cbc';
  textBytes: number;
  frames: number;
  /** frames in flight (sent, not yet acknowledged) */
  window: number;
}

const WORKLOADS: Workload[] = [
  {
    name: 'chat messages (native gcm, 200 B text)',
    framing: 'native',
    suite: 'gcm',
    textBytes: 200,
    frames: 12_000,
    window: 2048
  },
  {
    name: 'seed-client lines (base64 cbc, 200 B text)',
    framing: 'line',
    suite: 'cbc',
    textBytes: 200,
    frames: 12_000,
    window: 2048
  },
  {
    name: 'bulk (native cbc-hmac, 16 KiB text)',
    framing: 'native',
    suite: 'cbc-hmac',
    textBytes: 16 * 1024,
    frames: 2_500,
    window: 256
  }
];

interface Run {
  seconds: number;
  /** CPU µs used meanwhile: by this process (client + server), and by the tap's */
  cpuHere: number;
  cpuTap: number;
  bytes: number;
  frames: number;
}

/** hello (native) then the chat frames, sealed ahead of time so the clock sees only the wire. */
function prepare(w: Workload): { hello: Buffer | null; stream: Buffer; ends: number[] } {
  const keys = deriveKeys(KEY);
  const text = Buffer.alloc(w.textBytes, 'a');
  const parts: Buffer[] = [];
  for (let i = 0; i < w.frames; i++) {
    text.write(String(i).padStart(8, '0'));
    parts.push(
      w.framing === 'line'
        ? Buffer.from(sealLine(KEY, text))
        : sealFrame(keys, { type: 'chat', suite: w.suite as 'gcm', seq: i + 1, plaintext: text })
    );
  }
  const ends: number[] = [];
  let at = 0;
  for (const p of parts) ends.push((at += p.length));
  const hello =
    w.framing === 'native'
      ? sealFrame(keys, { type: 'hello', suite: w.suite as 'gcm', seq: 0, plaintext: Buffer.from('bench') })
      : null;
  return { hello, stream: Buffer.concat(parts), ends };
}

/** Stream the frames with at most `window` unacknowledged; resolve when every ack is back. */
function drive(port: number, w: Workload, p: ReturnType<typeof prepare>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, noDelay: true });
    const decoder = new FrameDecoder();
    let sent = 0;
    let acked = 0;
    let helloBack = w.framing === 'line';
    let start = 0;
    const pump = () => {
      const upTo = Math.min(w.frames, acked + w.window);
      if (upTo <= sent) return;
      const from = sent === 0 ? 0 : p.ends[sent - 1];
      s.write(p.stream.subarray(from, p.ends[upTo - 1]));
      sent = upTo;
    };
    s.on('error', reject);
    if (process.env.BENCH_DEBUG) {
      const t = setInterval(
        () =>
          process.stderr.write(`  ${port}: sent ${sent} acked ${acked} pending ${decoder.pending} ${s.destroyed}\n`),
        2000
      );
      s.on('close', () => clearInterval(t));
    }
    s.on('data', (chunk: Buffer) => {
      decoder.push(chunk, (f) => {
        if (f.framing === 'native' && f.type === 'hello') {
          helloBack = true;
          start = performance.now();
          pump();
          return;
        }
        // only acks count: not the join/leave notices of other connections coming and going
        if (f.framing === 'native' ? f.type !== 'ack' : f.raw.length !== ACK_LINE_LENGTH) return;
        acked++;
      });
      if (acked === w.frames) {
        const seconds = (performance.now() - start) / 1000;
        s.destroy();
        if (process.env.BENCH_DEBUG) process.stderr.write(`${w.name} port ${port}: ${seconds.toFixed(3)} s\n`);
        resolve({ seconds, bytes: p.stream.length, frames: w.frames, cpuHere: 0, cpuTap: 0 });
        return;
      }
      if (helloBack) pump();
    });
    s.on('connect', () => {
      if (p.hello) s.write(p.hello);
      else {
        start = performance.now();
        pump();
      }
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The tap in a child process, as `cbc-lab tap` runs it; resolves with its port. */
function spawnTap(
  targetPort: number,
  dir: string
): Promise<{ child: ChildProcess; port: number; cpu: () => Promise<number>; stop: () => Promise<string> }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_TAP_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.BENCH_TAP_PROF] : []),
      '--import',
      'tsx',
      self,
      '--tap-child',
      String(targetPort),
      dir
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] }
  );
  return new Promise((resolve, reject) => {
    let buffered = '';
    let last = '';
    const waiting: ((us: number) => void)[] = [];
    child.on('error', reject);
    child.stdout!.on('data', (d) => {
      buffered += d;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const port = /^port (\d+)$/.exec(line);
        const cpu = /^cpu (\d+)$/.exec(line);
        if (cpu) waiting.shift()?.(Number(cpu[1]));
        else if (port) {
          resolve({
            child,
            port: Number(port[1]),
            cpu: () =>
              new Promise((r) => {
                waiting.push(r);
                child.stdin!.write('cpu\n');
              }),
            stop: () =>
              new Promise((r) => {
                child.on('close', () => r(last));
                child.stdin!.end();
              })
          });
        } else last = line;
      }
    });
  });
}

async function tapChild(targetPort: number, dir: string): Promise<void> {
  // BENCH_TAP_NO_PCAP=1: no pcapng, to see what it costs
  const tap = await startTap({
    listenPort: 0,
    targetHost: '127.0.0.1',
    targetPort,
    pcapPath: process.env.BENCH_TAP_NO_PCAP ? null : join(dir, 'bench.pcapng'),
    spoolPath: join(dir, 'bench.jsonl'),
    memoryBytes: process.env.BENCH_TAP_MEMBYTES ? Number(process.env.BENCH_TAP_MEMBYTES) : undefined
  });
  process.stdout.on('error', () => {}); // the parent may be gone first
  process.stdout.write(`port ${tap.port}\n`);
  process.stdin.setEncoding('utf8');
  // "cpu" on stdin: answer with the CPU time (user + system, µs) this process has used so far
  process.stdin.on('data', (d: string) => {
    for (const line of d.split('\n')) {
      if (line === 'cpu') {
        const u = process.cpuUsage();
        process.stdout.write(`cpu ${u.user + u.system}\n`);
      }
    }
  });
  process.stdin.on('end', async () => {
    await tap.close();
    process.stdout.write(JSON.stringify(tap.stats) + '\n');
  });
}

export async function run(): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-bench-tap-'));
  const { server, address } = await startChatServer({
    key: KEY,
    port: 0,
    logPath: null,
    idleTimeout: 0,
    maxClients: 1000
  });
  const tap = await spawnTap(address.port, dir);
  const rows: (string | number)[][] = [];
  const targets: string[] = [];
  try {
    for (const w of WORKLOADS.filter(
      (x) => !process.env.BENCH_TAP_ONLY || x.name.startsWith(process.env.BENCH_TAP_ONLY)
    )) {
      const p = prepare(w);
      await drive(address.port, { ...w, frames: Math.min(w.frames, 500) }, p); // warm up both paths
      await drive(tap.port, { ...w, frames: Math.min(w.frames, 500) }, p);
      const direct: Run[] = [];
      const tapped: Run[] = [];
      const measured = async (port: number): Promise<Run> => {
        const here = process.cpuUsage();
        const there = await tap.cpu();
        const r = await drive(port, w, p);
        const u = process.cpuUsage(here);
        return { ...r, cpuHere: u.user + u.system, cpuTap: (await tap.cpu()) - there };
      };
      for (let r = 0; r < REPS; r++) {
        // alternate which goes first, so neither always meets a warmer machine
        if (r % 2 === 0) {
          direct.push(await measured(address.port));
          tapped.push(await measured(tap.port));
        } else {
          tapped.push(await measured(tap.port));
          direct.push(await measured(address.port));
        }
      }
      const d = median(direct.map((x) => x.seconds));
      const t = median(tapped.map((x) => x.seconds));
      // the ratio of each back-to-back pair, then the median: a load spike hits one pair, not the result
      const ratio = median(direct.map((x, i) => x.seconds / tapped[i].seconds));
      const spread = direct.map((x, i) => x.seconds / tapped[i].seconds).sort((a, b) => a - b);
      const mb = (x: number) => (p.stream.length / x / 1e6).toFixed(1);
      const fps = (x: number) => Math.round(w.frames / x).toLocaleString('en-US');
      // CPU cost per frame: independent of how busy the shared machine is (within reason)
      const usPerFrame = (xs: number[]) => (median(xs) / w.frames).toFixed(1);
      rows.push([
        w.name,
        `${fps(d)} frames/s, ${mb(d)} MB/s`,
        `${fps(t)} frames/s, ${mb(t)} MB/s`,
        `${(ratio * 100).toFixed(0)}% (${(spread[0] * 100).toFixed(0)}–${(spread[spread.length - 1] * 100).toFixed(0)}%)`,
        `${usPerFrame(direct.map((x) => x.cpuHere))} µs`,
        `${usPerFrame(tapped.map((x) => x.cpuTap))} µs (${(median(tapped.map((x) => x.cpuTap)) / 1000 / (p.stream.length / 1e6)).toFixed(1)} ms/MB)`
      ]);
      targets.push(
        `${w.name}: through the tap at ${(ratio * 100).toFixed(0)}% of direct (target ≥ ${TARGET_RATIO * 100}%): ${ratio >= TARGET_RATIO ? 'met' : 'not met'}`
      );
    }
  } finally {
    const stats = await tap.stop();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    if (stats) process.stderr.write(`(tap recorded: ${stats})\n`);
  }
  return {
    title: 'Capture tap: throughput through the tap vs direct',
    about:
      `A client streams sealed chat frames (${REPS} runs each way; at most a window of frames unacknowledged) to the real chat server, ` +
      'which opens each one and answers with a sealed ack; the clock stops at the last ack. Direct: client → server. Tapped: client → tap → server, ' +
      'the tap in its own process (as `cbc-lab tap`) writing the pcapng and the JSON-lines spool and decoding frames both ways. ' +
      'Frames are sealed before the clock starts. Both paths are measured in the same run, back to back in pairs (alternating which goes first); ' +
      "the ratio is the median of the pairs' ratios, with their range. Load generator and tap share the machine's two cores with whatever else runs, " +
      'so the last two columns give the CPU time each side spent per frame (each frame is also acked: the tap records both), which depends much less on the load.',
    header: [
      'workload',
      'direct (median)',
      'through the tap (median)',
      'tap / direct (median of pairs, range)',
      'client + server CPU per frame',
      'tap CPU per frame'
    ],
    rows,
    targets
  };
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv.includes('--tap-child')
) {
  const i = process.argv.indexOf('--tap-child');
  void tapChild(Number(process.argv[i + 1]), process.argv[i + 2]);
}
