// The engine section of `npm run bench`: what the full CBC-level trace costs next to plain AES-CBC.
// Baselines, measured in the same run and interleaved sample by sample so that the shared
// machine's noise falls on all of them alike:
//   - node-forge's own AES-CBC as people use it: createCipher / start / update / finish, with the
//     Uint8Array → binary string → Uint8Array conversions that its string buffers need;
//   - node:crypto's createCipheriv (OpenSSL, AES-NI), the floor.
// Retained heap of a 1 MiB trace is measured after forced GCs, in a child process started with
// --expose-gc when this one has no `gc`.
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import forge from 'node-forge';
import { decryptTrace, encryptTrace, equalBytes } from '../src/lib/crypto/index.ts';
import type { Section } from './run.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES = [16, KiB, 64 * KiB, MiB];
const TARGET_RATIO = 1.5;
const TARGET_HEAP_MIB = 64;

type Op = () => unknown;

function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function forgeEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = forge.cipher.createCipher('AES-CBC', forge.util.createBuffer(binary(key)));
  cipher.start({ iv: forge.util.createBuffer(binary(iv)) });
  cipher.update(forge.util.createBuffer(binary(plaintext)));
  cipher.finish();
  return new Uint8Array(Buffer.from(cipher.output.getBytes(), 'latin1'));
}

function forgeDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const decipher = forge.cipher.createDecipher('AES-CBC', forge.util.createBuffer(binary(key)));
  decipher.start({ iv: forge.util.createBuffer(binary(iv)) });
  decipher.update(forge.util.createBuffer(binary(ciphertext)));
  if (!decipher.finish()) throw new Error('forge: bad padding');
  return new Uint8Array(Buffer.from(decipher.output.getBytes(), 'latin1'));
}

function nodeEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  return Buffer.concat([c.update(plaintext), c.final()]);
}

function nodeDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Operations per sample so that one sample lasts about `ms` (small inputs are batched). */
function calibrate(op: Op, ms: number): number {
  let n = 1;
  for (;;) {
    const t = performance.now();
    for (let i = 0; i < n; i++) op();
    const dt = performance.now() - t;
    if (dt >= ms / 4 || n >= 1 << 20) return Math.max(1, Math.ceil((n * ms) / Math.max(dt, 0.01)));
    n *= 4;
  }
}

/** Median milliseconds per operation for each op, samples interleaved round-robin. */
function measure(ops: Record<string, Op>, samples: number, sampleMs = 25): Record<string, number> {
  const names = Object.keys(ops);
  for (const name of names) for (let i = 0; i < 3; i++) ops[name](); // warm up the JIT
  const batch = Object.fromEntries(names.map((n) => [n, calibrate(ops[n], sampleMs)]));
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let s = 0; s < samples; s++) {
    for (const name of names) {
      const op = ops[name];
      const n = batch[name];
      const t = performance.now();
      for (let i = 0; i < n; i++) op();
      times[name].push((performance.now() - t) / n);
    }
  }
  return Object.fromEntries(names.map((n) => [n, median(times[n])]));
}

function sizeLabel(n: number): string {
  return n >= MiB ? `${n / MiB} MiB` : n >= KiB ? `${n / KiB} KiB` : `${n} B`;
}

const mbps = (bytes: number, ms: number) => (bytes / 1e6 / (ms / 1e3)).toFixed(1);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;

// --- retained heap ------------------------------------------------------------------------

interface HeapResult {
  /** V8 heap (objects, small typed arrays) retained by the trace */
  heapMiB: number;
  /** ArrayBuffer backing stores retained (large typed arrays live outside the V8 heap) */
  buffersMiB: number;
}

/** Retained memory of one 1 MiB encrypt trace; needs `gc`. Median of three. */
function heapInProcess(gc: () => void): HeapResult {
  const key = new Uint8Array(randomBytes(16));
  const iv = new Uint8Array(randomBytes(16));
  const plaintext = new Uint8Array(randomBytes(MiB));
  const runs: HeapResult[] = [];
  for (let r = 0; r < 3; r++) {
    gc();
    gc();
    const before = process.memoryUsage();
    let trace: ReturnType<typeof encryptTrace> | null = encryptTrace({ key, iv, plaintext });
    gc();
    gc();
    const after = process.memoryUsage();
    if (trace.blocks.length !== MiB / 16 + 1) throw new Error('unexpected block count');
    trace = null;
    runs.push({
      heapMiB: (after.heapUsed - before.heapUsed) / MiB,
      buffersMiB: (after.arrayBuffers - before.arrayBuffers) / MiB
    });
  }
  return { heapMiB: median(runs.map((r) => r.heapMiB)), buffersMiB: median(runs.map((r) => r.buffersMiB)) };
}

function measureHeap(): HeapResult {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) return heapInProcess(gc);
  const self = fileURLToPath(import.meta.url);
  const res = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', self, '--measure-heap'], {
    encoding: 'utf8',
    timeout: 60_000
  });
  if (res.status !== 0) throw new Error(`heap child failed: ${(res.stderr || res.error?.message || '').split('\n')[0]}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as HeapResult;
}

// --- the section --------------------------------------------------------------------------

export async function run(): Promise<Section> {
  const key = new Uint8Array(randomBytes(16));
  const iv = new Uint8Array(randomBytes(16));
  const rows: (string | number)[][] = [];
  const encRatio: Record<number, number> = {};
  const decRatio: Record<number, number> = {};

  for (const size of SIZES) {
    const plaintext = new Uint8Array(randomBytes(size));
    // The three must agree before their speed means anything.
    const ours = encryptTrace({ key, iv, plaintext }).ciphertext;
    if (!equalBytes(ours, forgeEncrypt(key, iv, plaintext)) || !equalBytes(ours, nodeEncrypt(key, iv, plaintext))) {
      throw new Error(`encrypt ${size} B: the trace, forge and node:crypto disagree`);
    }
    const samples = size >= MiB ? 21 : 31;
    const t = measure(
      {
        trace: () => encryptTrace({ key, iv, plaintext }),
        forge: () => forgeEncrypt(key, iv, plaintext),
        node: () => nodeEncrypt(key, iv, plaintext)
      },
      samples
    );
    encRatio[size] = t.trace / t.forge;
    rows.push(['encrypt', sizeLabel(size), mbps(size, t.trace), mbps(size, t.forge), mbps(size, t.node), ratio(t.trace, t.forge), ratio(t.forge, t.node)]);
  }

  for (const size of [64 * KiB, MiB]) {
    const plaintext = new Uint8Array(randomBytes(size));
    const ciphertext = new Uint8Array(nodeEncrypt(key, iv, plaintext));
    const ours = decryptTrace({ key, iv, ciphertext }).plaintext;
    if (!ours || !equalBytes(ours, plaintext) || !equalBytes(forgeDecrypt(key, iv, ciphertext), plaintext)) {
      throw new Error(`decrypt ${size} B: the trace, forge and node:crypto disagree`);
    }
    const t = measure(
      {
        trace: () => decryptTrace({ key, iv, ciphertext }),
        forge: () => forgeDecrypt(key, iv, ciphertext),
        node: () => nodeDecrypt(key, iv, ciphertext)
      },
      size >= MiB ? 21 : 31
    );
    decRatio[size] = t.trace / t.forge;
    rows.push(['decrypt', sizeLabel(size), mbps(size, t.trace), mbps(size, t.forge), mbps(size, t.node), ratio(t.trace, t.forge), ratio(t.forge, t.node)]);
  }

  const heap = measureHeap();
  const retained = heap.heapMiB + heap.buffersMiB;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const targets = [
    ...[64 * KiB, MiB].map(
      (s) => `encrypt trace ≤ ${TARGET_RATIO}× forge's time at ${sizeLabel(s)}: ${met(encRatio[s] <= TARGET_RATIO)} (${encRatio[s].toFixed(2)}×)`
    ),
    `a 1 MiB encrypt trace retains < ${TARGET_HEAP_MIB} MiB: ${met(retained < TARGET_HEAP_MIB)} ` +
      `(${retained.toFixed(1)} MiB: ${heap.heapMiB.toFixed(1)} MiB V8 heap + ${heap.buffersMiB.toFixed(1)} MiB array buffers)`,
    `(no target) decrypt trace vs forge: ${[64 * KiB, MiB].map((s) => `${decRatio[s].toFixed(2)}× at ${sizeLabel(s)}`).join(', ')}`
  ];

  return {
    title: 'CBC engine: full trace vs node-forge vs node:crypto',
    about:
      'AES-128-CBC with PKCS#7 on random data. "trace" is encryptTrace/decryptTrace from src/lib/crypto ' +
      '(every block\'s plaintext, chain input, XOR and cipher block as views, plus the base64 wire form); ' +
      '"forge" is node-forge\'s own AES-CBC (createCipher, start, update, finish, including the conversions ' +
      'to and from its binary strings); "node" is node:crypto createCipheriv. Median time per operation ' +
      'over interleaved samples; ratios are of times (lower is faster for the first).',
    header: ['op', 'size', 'trace MB/s', 'forge MB/s', 'node:crypto MB/s', 'trace ÷ forge', 'forge ÷ node:crypto'],
    rows,
    targets
  };
}

// The child that measures retained heap: `node --expose-gc --import tsx bench/engine.ts --measure-heap`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.includes('--measure-heap')) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  console.log(JSON.stringify(heapInProcess(gc)));
}
