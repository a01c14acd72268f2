// A program that says it is ready must be ready for what it says: once `cbc-lab server` prints
// "Server listening", `cbc-lab tap` "Tap listening" and the demo "Press Ctrl-C to stop.", a stop
// signal already has its handler. Before, the demo printed its banner and only then listened for
// signals, and a Ctrl-C read off the banner could kill it at once with no clean stop (8 of 40
// stops under load). Checked at the moment of the write, in this process, with the CLI's own
// signal source (tests/helpers/spawn-cli.ts), then each is stopped by the signal it names.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEmitter } from 'node:events';
import { startInProcess } from '../../helpers/spawn-cli.ts';
import { KEY_HEX, startServer, waitFor } from '../../helpers/net.ts';

const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-ready-'));

function listenersWhen(ready: RegExp, signals: readonly string[]) {
  const at: Record<string, number>[] = [];
  return {
    at,
    onStdout: (printed: string, s: EventEmitter) => {
      if (at.length === 0 && ready.test(printed))
        at.push(Object.fromEntries(signals.map((n) => [n, s.listenerCount(n)])));
    }
  };
}

describe('the ready line comes after the stop handlers', () => {
  it('cbc-lab server: SIGINT and SIGTERM are handled when "Server listening" is printed', async () => {
    const w = listenersWhen(/Server listening on /, ['SIGINT', 'SIGTERM']);
    const p = startInProcess(['server', '--port', '0', '--key', KEY_HEX, '--log', 'none'], { onStdout: w.onStdout });
    await waitFor(() => w.at.length > 0, 'the listening line');
    expect(w.at[0].SIGINT).toBeGreaterThan(0);
    expect(w.at[0].SIGTERM).toBeGreaterThan(0);
    p.signal('SIGINT');
    expect(await p.exited).toBe(0);
    expect(p.out()).toContain('Server stopped');
  });

  it('cbc-lab tap: the same when "Tap listening" is printed', async () => {
    const { server, port } = await startServer();
    try {
      const w = listenersWhen(/Tap listening on /, ['SIGINT', 'SIGTERM']);
      const p = startInProcess(
        [
          'tap',
          '--listen',
          '0',
          '--target',
          `127.0.0.1:${port}`,
          '--pcap',
          join(dir, 't.pcapng'),
          '--json',
          join(dir, 't.jsonl')
        ],
        { onStdout: w.onStdout }
      );
      await waitFor(() => w.at.length > 0, 'the listening line');
      expect(w.at[0].SIGINT).toBeGreaterThan(0);
      expect(w.at[0].SIGTERM).toBeGreaterThan(0);
      p.signal('SIGTERM');
      expect(await p.exited).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('the demo: SIGINT, SIGTERM and SIGHUP are handled when "Press Ctrl-C to stop." is printed', async () => {
    const w = listenersWhen(/Press Ctrl-C to stop\./, ['SIGINT', 'SIGTERM', 'SIGHUP']);
    const p = startInProcess(['demo', '--web-port', '0', '--chat-port', '0', '--no-bots'], {
      onStdout: w.onStdout,
      env: { ...process.env, CBC_LAB_NO_BUILD: '1', CBC_LAB_CAPTURE_DIR: dir, npm_lifecycle_event: undefined }
    });
    await waitFor(() => w.at.length > 0 || /cbc-lab demo: /.test(p.err()), 'the banner', 60_000);
    expect(p.err()).toBe('');
    expect(w.at[0]).toEqual({ SIGINT: 1, SIGTERM: 1, SIGHUP: 1 });
    p.signal('SIGHUP');
    expect(await p.exited).toBe(0);
    expect(p.out()).toMatch(/Stopping: [\s\S]*Stopped\. The capture is in /);
  }, 90_000);
});
