// The server side's check of a pre-shared key's length (FIPS-197 §5, via isAesKeyLength): a
// RangeError naming the flag or field it came from, as deriveKeys and the demo have thrown it.
import { isAesKeyLength } from '../src/lib/crypto/key-length.ts';

export function checkKeyLength(key: Uint8Array, what: string): void {
  if (!isAesKeyLength(key.length)) {
    throw new RangeError(`${what}: expected 16, 24 or 32 bytes (32, 48 or 64 hex digits), got ${key.length} bytes`);
  }
}
