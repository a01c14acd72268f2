// Lesson 1, part 3: a frame captured on /live, as pasted, opened with the key the learner gives:
// the IV and ciphertext blocks the bit grids flip, or the field that is wrong and why. Pure.
import { base64ToBytes, hexToBytes, type CryptoError } from '$lib/crypto';
import { deriveOpenKeys, openCaptured, type OpenKeys, type Opened } from '$lib/protocol/open';
import { encodeLine } from '$lib/protocol/line';
import { MAGIC_0 } from '$lib/protocol/frame';

export type CapturedInput =
  | { state: 'empty' }
  | { state: 'opened'; opened: Opened; iv: Uint8Array; ciphertext: Uint8Array; keys: OpenKeys }
  | { state: 'refused'; field: 'frame' | 'key'; error: CryptoError | { code: string; message: string } };

export function openPasted(frameText: string, keyText: string): CapturedInput {
  if (!frameText.trim()) return { state: 'empty' };
  let keys: OpenKeys;
  try {
    keys = deriveOpenKeys(hexToBytes(keyText.trim(), 'key'));
  } catch (err) {
    return { state: 'refused', field: 'key', error: err as CryptoError };
  }
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(frameText.trim(), 'frame');
  } catch (err) {
    return { state: 'refused', field: 'frame', error: err as CryptoError };
  }
  // the bytes of a captured frame (a native frame, or a line as sent), or else the wire form
  // IV ‖ C itself, which is what a line carries (docs/protocol.md §5.1)
  let opened = openCaptured(bytes, keys);
  if (!opened.iv && bytes[0] !== MAGIC_0 && bytes.length >= 32 && bytes.length % 16 === 0)
    opened = openCaptured(encodeLine(bytes), keys);
  if (!opened.iv || !opened.ciphertext) {
    return {
      state: 'refused',
      field: 'frame',
      error: {
        code: opened.ok ? 'ERR_CLEAR' : opened.code,
        message: opened.ok ? 'frame: expected an encrypted chat frame, got one sent in the clear' : opened.message
      }
    };
  }
  if (opened.suite === 'gcm') {
    return {
      state: 'refused',
      field: 'frame',
      error: {
        code: 'ERR_NOT_CBC',
        message: 'frame: this is a gcm frame; pick a cbc or line frame (gcm is not CBC, and its tag stops every edit)'
      }
    };
  }
  return { state: 'opened', opened, iv: opened.iv, ciphertext: opened.ciphertext, keys };
}
