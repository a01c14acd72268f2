// The capture tap (docs/tap.md): a TCP proxy that sits on the wire between chat clients and a
// server. It forwards both directions untouched, records every chunk it reads with a time, a
// connection id and a direction (to pcapng, as it happens), and reassembles frames per direction
// with the pure decoder of src/lib/protocol. It never needs the key, so it works in front of any
// peer that speaks a framing of docs/protocol.md. Nothing a peer sends can change what the tap
// forwards or stop it: a stream the decoder rejects is recorded as 'unknown' frames and still
// forwarded byte for byte.
//
// This file listens, accepts and closes; ./pair.ts is one connection's life, ./stream.ts one
// direction's reassembly, ./pcap-sink.ts the pcapng, ../capture/ the frames' store.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureStore } from '../capture/capture-store.ts';
import { DEFAULT_LINE_PAUSE_MS } from '../../src/lib/protocol/index.ts';
import { nanoClock, systemClock } from '../clock.ts';
import { hostPort } from './address.ts';
import { Pair, type PairContext } from './pair.ts';
import { PcapSink } from './pcap-sink.ts';
import type { Tap, TapOptions, TapStats } from './types.ts';

export type { Tap, TapOptions, TapStats } from './types.ts';

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_GRACE_MS = 2_000;

export async function startTap(o: TapOptions): Promise<Tap> {
  const listenHost = o.listenHost ?? '127.0.0.1';
  const clock = o.clock ?? systemClock;
  const nanos = nanoClock(clock);
  const warn = o.onWarning ?? ((m: string) => process.emitWarning(m));

  const needTemp = o.spoolPath === undefined || o.pcapPath === undefined;
  const tempDir = needTemp ? mkdtempSync(join(tmpdir(), 'cbc-lab-tap-')) : null;
  const removeTemp = () => {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  };
  const pcapPath = o.pcapPath === null ? null : (o.pcapPath ?? join(tempDir!, 'capture.pcapng'));
  const spoolPath = o.spoolPath ?? join(tempDir!, 'frames.jsonl');

  let pcap: PcapSink;
  try {
    pcap = new PcapSink(pcapPath, nanos, warn); // a path we cannot open is the caller's error: throw now
  } catch (err) {
    removeTemp();
    throw err;
  }
  let store: CaptureStore;
  try {
    store = new CaptureStore({
      spoolPath,
      memoryFrames: o.memoryFrames,
      memoryBytes: o.memoryBytes,
      pcapngPath: pcapPath,
      clock
    });
  } catch (err) {
    pcap.end();
    removeTemp();
    throw err;
  }

  const stats: TapStats = {
    connections: 0,
    open: 0,
    frames: 0,
    errors: 0,
    bytes: { c2s: 0, s2c: 0 },
    chunks: { c2s: 0, s2c: 0 },
    payloadPackets: 0
  };
  const pairs = new Set<Pair>();
  let nextConn = 1;
  let nextSeq = 1;
  let closing: Promise<void> | null = null;

  const context: PairContext = {
    targetHost: o.targetHost,
    targetPort: o.targetPort,
    target: hostPort(o.targetHost, o.targetPort),
    connectTimeoutMs: o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    graceMs: o.graceMs ?? DEFAULT_GRACE_MS,
    linePauseMs: o.linePauseMs ?? DEFAULT_LINE_PAUSE_MS,
    maxPayload: o.maxPayload,
    clock,
    nanos,
    store,
    pcap,
    stats,
    nextSeq: () => nextSeq++,
    warn,
    finished: (pair) => void pairs.delete(pair)
  };

  const accept = (client: Socket): void => {
    if (closing) {
      client.destroy();
      return;
    }
    const pair = new Pair(nextConn++, client, context);
    pairs.add(pair);
    stats.connections++;
    stats.open++;
    pair.start();
  };

  const listener: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, accept);
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(o.listenPort, listenHost, () => {
      listener.off('error', reject);
      resolve();
    });
  }).catch((err) => {
    pcap.end();
    store.close();
    removeTemp();
    throw err;
  });
  listener.on('error', (err) => warn(`cbc-lab tap: listener error: ${err.message}`));
  const address = listener.address() as AddressInfo;

  return {
    host: address.address,
    port: address.port,
    target: context.target,
    store,
    pcapPath,
    get pcapError() {
      return pcap.error;
    },
    stats,
    close() {
      if (closing) return closing;
      closing = (async () => {
        const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
        const all = [...pairs].map((p) => {
          p.shutdown();
          return p.done;
        });
        await Promise.all([stopped, ...all]);
        store.flushListeners();
        pcap.end();
        store.close();
        removeTemp();
      })();
      return closing;
    }
  };
}
