// The demo of bench/class.ts, in a process of its own so that its CPU time is the demo's alone:
// startDemo (no bots) on free ports with the key given, "ready <web url> <chat port>" on stdout,
// "cpu" on stdin answered with "cpu <µs>" (process.cpuUsage, user + system), a clean stop when
// stdin ends (the bench is done, or died).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDemo } from '../server/demo.ts';

const key = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'cbc-lab-bench-class-'));
const demo = await startDemo({ webPort: 0, chatPort: 0, key, bots: false, build: false, captureDir: dir });
process.stdout.on('error', () => {}); // the parent may be gone first
process.stdout.write(`ready ${demo.webUrl} ${demo.chatPort}\n`);
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => {
  for (const line of d.split('\n')) {
    if (line !== 'cpu') continue;
    const u = process.cpuUsage();
    process.stdout.write(`cpu ${u.user + u.system}\n`);
  }
});
process.stdin.on('end', async () => {
  await demo.stop();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
