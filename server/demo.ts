// `npm start`'s entry (`node --import tsx server/demo.ts [flags]`): the `cbc-lab demo` command in
// this process. The demo itself is in server/demo/ (start-demo.ts wires it; bots, the page's
// senders, the ports and the one teardown each have a file); its flags in server/cli/commands/demo.ts.
import { pathToFileURL } from 'node:url';

export { startDemo, type DemoOptions, type RunningDemo } from './demo/start-demo.ts';
export { ALICE_LINES, BOB_LINES } from './demo/bots.ts';
export { DEFAULT_BOT_INTERVAL_MS, DEFAULT_CHAT_PORT, DEFAULT_WEB_PORT, DEMO_KEY_BYTES } from './demo/defaults.ts';
export { PortInUseError } from './demo/ports.ts';
export { DEMO_SYMBOL } from '../src/lib/server/demo-handle.ts';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { runMain } = await import('./cli/main.ts');
  await runMain(['demo', ...process.argv.slice(2)]);
}
