// JSON body checks shared by POST /api/oracle and POST /api/replay (docs/api.md "Lessons").
import { apiError } from '$lib/server/demo';
import { base64ToBytes } from '$lib/crypto/bytes';

const MAX_BODY_BYTES = 64 * 1024;

export async function readJsonBody(request: Request, fields: string[]): Promise<Record<string, unknown> | Response> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    // JSON only: a cross-site page cannot send that without a CORS preflight, which we never grant.
    return apiError(415, 'ERR_BAD_CONTENT_TYPE', `content-type: expected application/json, got ${JSON.stringify(type || '(none)')}`);
  }
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return apiError(413, 'ERR_BODY_TOO_LARGE', `body: expected at most ${MAX_BODY_BYTES} bytes, got ${Buffer.byteLength(raw)}`);
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    return apiError(400, 'ERR_BAD_BODY', `body: expected JSON, got invalid JSON (${(err as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return apiError(400, 'ERR_BAD_BODY', 'body: expected a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!fields.includes(k)) return apiError(400, 'ERR_BAD_BODY', `body: unknown field ${JSON.stringify(k)}; expected ${fields.join(', ')}`);
  return b;
}

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
