// The engine section of `npm run bench`: what the full CBC-level trace costs next to plain AES-CBC.
// Baselines, measured in the same run and interleaved sample by sample so that the shared
// machine's noise falls on all of them alike:
//   - node-forge's own AES-CBC as people use it: createCipher / start / update / finish, with the
//     Uint8Array → binary string → Uint8Array conversions that its string buffers need, done two
//     ways (Node's Buffer, and portable code a browser can run: see Conversion below);
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

// Two ways into and out of forge's binary strings, both measured:
//   - 'buffer': Node's Buffer latin1 conversion, native code, available only in Node;
//   - 'portable': what a browser caller has to write: String.fromCharCode.apply on 8 KiB pieces in
//     (forge's own createBuffer(Uint8Array) tries one apply of the whole array, and above ~100 K
//     arguments falls back to one putByte per byte: 94 ms for 1 MiB), forge.util.binary.raw.decode
//     (its public charCodeAt loop) out. The trace runs in the browser, so this is the like-for-like one.
type Conversion = 'buffer' | 'portable';

function toBinary(bytes: Uint8Array, conv: Conversion): string {
  if (conv === 'buffer') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192)
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

function fromBinary(s: string, conv: Conversion): Uint8Array {
  return conv === 'buffer' ? new Uint8Array(Buffer.from(s, 'latin1')) : forge.util.binary.raw.decode(s);
}

function forgeEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array, conv: Conversion = 'buffer'): Uint8Array {
  const cipher = forge.cipher.createCipher('AES-CBC', forge.util.createBuffer(toBinary(key, conv)));
  cipher.start({ iv: forge.util.createBuffer(toBinary(iv, conv)) });
  cipher.update(forge.util.createBuffer(toBinary(plaintext, conv)));
  cipher.finish();
  return fromBinary(cipher.output.getBytes(), conv);
}

function forgeDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  ciphertext: Uint8Array,
  conv: Conversion = 'buffer'
): Uint8Array {
  const decipher = forge.cipher.createDecipher('AES-CBC', forge.util.createBuffer(toBinary(key, conv)));
  decipher.start({ iv: forge.util.createBuffer(toBinary(iv, conv)) });
  decipher.update(forge.util.createBuffer(toBinary(ciphertext, conv)));
  if (!decipher.finish()) throw new Error('forge: bad padding');
  return fromBinary(decipher.output.getBytes(), conv);
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
  if (res.status !== 0)
    throw new Error(`heap child failed: ${(res.stderr || res.error?.message || '').split('\n')[0]}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as HeapResult;
}

// --- the section --------------------------------------------------------------------------

export async function run(): Promise<Section> {
  const key = new Uint8Array(randomBytes(16));
  const iv = new Uint8Array(randomBytes(16));
  const rows: (string | number)[][] = [];
  const encRatio: Record<number, number> = {};
  const decRatio: Record<number, number> = {};
  const encPortable: Record<number, number> = {};
  const decPortable: Record<number, number> = {};
  const cells = (size: number, t: Record<string, number>) => [
    sizeLabel(size),
    mbps(size, t.trace),
    mbps(size, t.forge),
    mbps(size, t.portable),
    mbps(size, t.node),
    ratio(t.trace, t.forge),
    ratio(t.trace, t.portable),
    ratio(t.forge, t.node)
  ];

  for (const size of SIZES) {
    const plaintext = new Uint8Array(randomBytes(size));
    // The three must agree before their speed means anything.
    const ours = encryptTrace({ key, iv, plaintext }).ciphertext;
    if (
      !equalBytes(ours, forgeEncrypt(key, iv, plaintext)) ||
      !equalBytes(ours, forgeEncrypt(key, iv, plaintext, 'portable')) ||
      !equalBytes(ours, nodeEncrypt(key, iv, plaintext))
    ) {
      throw new Error(`encrypt ${size} B: the trace, forge and node:crypto disagree`);
    }
    const samples = size >= MiB ? 21 : 31;
    const t = measure(
      {
        trace: () => encryptTrace({ key, iv, plaintext }),
        forge: () => forgeEncrypt(key, iv, plaintext),
        portable: () => forgeEncrypt(key, iv, plaintext, 'portable'),
        node: () => nodeEncrypt(key, iv, plaintext)
      },
      samples
    );
    encRatio[size] = t.trace / t.forge;
    encPortable[size] = t.trace / t.portable;
    rows.push(['encrypt', ...cells(size, t)]);
  }

  for (const size of [64 * KiB, MiB]) {
    const plaintext = new Uint8Array(randomBytes(size));
    const ciphertext = new Uint8Array(nodeEncrypt(key, iv, plaintext));
    const ours = decryptTrace({ key, iv, ciphertext }).plaintext;
    if (
      !ours ||
      !equalBytes(ours, plaintext) ||
      !equalBytes(forgeDecrypt(key, iv, ciphertext), plaintext) ||
      !equalBytes(forgeDecrypt(key, iv, ciphertext, 'portable'), plaintext)
    ) {
      throw new Error(`decrypt ${size} B: the trace, forge and node:crypto disagree`);
    }
    const t = measure(
      {
        trace: () => decryptTrace({ key, iv, ciphertext }),
        forge: () => forgeDecrypt(key, iv, ciphertext),
        portable: () => forgeDecrypt(key, iv, ciphertext, 'portable'),
        node: () => nodeDecrypt(key, iv, ciphertext)
      },
      size >= MiB ? 21 : 31
    );
    decRatio[size] = t.trace / t.forge;
    decPortable[size] = t.trace / t.portable;
    rows.push(['decrypt', ...cells(size, t)]);
  }

  const heap = measureHeap();
  const retained = heap.heapMiB + heap.buffersMiB;
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const targets = [
    ...[64 * KiB, MiB].map(
      (s) =>
        `encrypt trace ≤ ${TARGET_RATIO}× forge's time (Buffer conversions) at ${sizeLabel(s)}: ${met(encRatio[s] <= TARGET_RATIO)} ` +
        `(${encRatio[s].toFixed(2)}×; ${encPortable[s].toFixed(2)}× forge with portable conversions)`
    ),
    `a 1 MiB encrypt trace retains < ${TARGET_HEAP_MIB} MiB: ${met(retained < TARGET_HEAP_MIB)} ` +
      `(${retained.toFixed(1)} MiB: ${heap.heapMiB.toFixed(1)} MiB V8 heap + ${heap.buffersMiB.toFixed(1)} MiB array buffers)`,
    `(no target) decrypt trace vs forge (Buffer; portable): ${[64 * KiB, MiB]
      .map((s) => `${decRatio[s].toFixed(2)}×; ${decPortable[s].toFixed(2)}× at ${sizeLabel(s)}`)
      .join(', ')}`
  ];

  return {
    title: 'CBC engine: full trace vs node-forge vs node:crypto',
    about:
      'AES-128-CBC with PKCS#7 on random data. "trace" is encryptTrace/decryptTrace from src/lib/crypto ' +
      "(every block's plaintext, chain input, XOR and cipher block as views, plus the base64 wire form); " +
      '"forge" is node-forge\'s own AES-CBC (createCipher, start, update, finish) including the conversions ' +
      'to and from its binary strings, twice: "Buffer" converts with Node\'s Buffer latin1 (native, Node only), ' +
      '"portable" as a browser caller must (String.fromCharCode.apply on 8 KiB pieces in, forge.util.binary.raw.decode out); ' +
      'the trace converts portably (src/lib/crypto/forge-aes.ts). "node" is node:crypto createCipheriv. Median time per operation ' +
      'over interleaved samples; ratios are of times (lower is faster for the first).',
    header: [
      'op',
      'size',
      'trace MB/s',
      'forge (Buffer) MB/s',
      'forge (portable) MB/s',
      'node:crypto MB/s',
      'trace ÷ forge (Buffer)',
      'trace ÷ forge (portable)',
      'forge (Buffer) ÷ node:crypto'
    ],
    rows,
    targets
  };
}

// The child that measures retained heap: `node --expose-gc --import tsx bench/engine.ts --measure-heap`.
if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv.includes('--measure-heap')
) {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  console.log(JSON.stringify(heapInProcess(gc)));
}
