// Body field checks shared by POST /api/oracle and POST /api/replay (docs/api.md "Lessons").
import { apiError } from '$lib/server/demo';
import { base64ToBytes } from '$lib/crypto/bytes';

/** A base64 field of an exact length, or of whole blocks within [min, max] bytes. */
export function bytesField(b: Record<string, unknown>, name: string, o: { exact?: number; min?: number; max?: number; blocks?: boolean; optional?: boolean }): Uint8Array | Response | undefined {
  const v = b[name];
  if (v === undefined && o.optional) return undefined;
  if (typeof v !== 'string') return apiError(400, 'ERR_BAD_BODY', `${name}: expected base64 text, got ${v === undefined ? 'nothing' : typeof v}`);
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(v, name);
  } catch (err) {
    return apiError(400, 'ERR_BAD_BODY', (err as Error).message);
  }
  if (o.exact !== undefined && bytes.length !== o.exact) return apiError(400, 'ERR_BAD_BODY', `${name}: expected ${o.exact} bytes, got ${bytes.length}`);
  if (o.min !== undefined && bytes.length < o.min) return apiError(400, 'ERR_BAD_BODY', `${name}: expected at least ${o.min} bytes, got ${bytes.length}`);
  if (o.max !== undefined && bytes.length > o.max) return apiError(400, 'ERR_BAD_BODY', `${name}: expected at most ${o.max} bytes, got ${bytes.length}`);
  if (o.blocks && bytes.length % 16 !== 0) return apiError(400, 'ERR_BAD_BODY', `${name}: expected whole 16-byte blocks, got ${bytes.length} bytes`);
  return bytes;
}
