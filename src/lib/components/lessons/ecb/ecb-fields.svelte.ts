// Lesson 4's two fields, the key and the IV, read once for the experiment and the page: the
// pictures and the summary are stale together when either does not read.
import { checkKey, CryptoError, hexToBytes, IvLengthError } from '$lib/crypto';

type Read = { bytes: Uint8Array; error: undefined } | { bytes: null; error: CryptoError | undefined };

function read(text: string, what: 'key' | 'iv'): Read {
  try {
    const bytes = hexToBytes(text, what);
    if (what === 'key') checkKey(bytes);
    else if (bytes.length !== 16) throw new IvLengthError(bytes.length);
    return { bytes, error: undefined };
  } catch (e) {
    return { bytes: null, error: e instanceof CryptoError ? e : undefined };
  }
}

export class EcbFields {
  keyText = $state('2b7e151628aed2a6abf7158809cf4f3c');
  ivText = $state('000102030405060708090a0b0c0d0e0f');
  key = $derived(read(this.keyText, 'key'));
  iv = $derived(read(this.ivText, 'iv'));
  /** both read: a new encryption can run */
  valid = $derived(this.key.bytes !== null && this.iv.bytes !== null);
}
