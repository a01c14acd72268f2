// The demo's defaults and its key, apart from the demo itself so that `cbc-lab --help` can show
// them, and `cbc-lab demo` check its flags, without loading the chat server, the tap and the web app.
import { randomBytes } from 'node:crypto';
import { hexToBytes } from '../../src/lib/crypto/bytes.ts';
import { checkKeyLength } from '../key-length.ts';

export const DEFAULT_WEB_PORT = 3000;
export const DEFAULT_CHAT_PORT = 5000;
/** a bot speaks about this often (the two take turns, so the room hears one every half of it) */
export const DEFAULT_BOT_INTERVAL_MS = 4000;
/** AES-256, as the multi-client chat seed uses */
export const DEMO_KEY_BYTES = 32;

/** The demo's key: the one given (bytes or hex), else a fresh random AES-256 key for this run. */
export function demoKey(key: Uint8Array | string | undefined): Uint8Array {
  if (key === undefined) return new Uint8Array(randomBytes(DEMO_KEY_BYTES));
  const bytes = typeof key === 'string' ? hexToBytes(key, '--key') : key;
  checkKeyLength(bytes, '--key');
  return bytes;
}
