// Fresh key, IV or block bytes for the "random" buttons of the step-through forms, as hex.
import { bytesToHex } from '$lib/crypto';

export function randomHex(bytes: number): string {
  return bytesToHex(crypto.getRandomValues(new Uint8Array(bytes)));
}
