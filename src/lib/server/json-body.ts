// Reading a JSON request body for the demo's POST routes (docs/api.md): JSON only, at most
// 64 KiB, an object, and no field the route does not know.
import { apiError } from './demo';

const MAX_BODY_BYTES = 64 * 1024;

export interface JsonBodyShape {
  /** the fields a body may have; any other is refused */
  fields: readonly string[];
  /** how messages list the fields (default: comma-separated) */
  fieldsText?: string;
  /** a body to show in messages, as in `expected JSON like {"text":"hello"}` */
  example?: string;
}

function kind(v: unknown): string {
  return Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;
}

/** The body as an object, or the 400/413/415 Response that says what is wrong with it. */
export async function readJsonBody(request: Request, { fields, fieldsText = fields.join(', '), example }: JsonBodyShape): Promise<Record<string, unknown> | Response> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json') {
    // JSON only: a cross-site page cannot send that without a CORS preflight, which we never grant.
    return apiError(415, 'ERR_BAD_CONTENT_TYPE', `content-type: expected application/json, got ${JSON.stringify(type || '(none)')}`);
  }
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) return apiError(413, 'ERR_BODY_TOO_LARGE', `body: expected at most ${MAX_BODY_BYTES} bytes, got ${Buffer.byteLength(raw)}`);
  const like = example ? ` like ${example}` : '';
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    return apiError(400, 'ERR_BAD_BODY', `body: expected JSON${like}, got invalid JSON (${(err as Error).message})`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return apiError(400, 'ERR_BAD_BODY', `body: expected a JSON object${like}${example ? `, got ${kind(body)}` : ''}`);
  }
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!fields.includes(k)) return apiError(400, 'ERR_BAD_BODY', `body: unknown field ${JSON.stringify(k)}; expected ${fieldsText}`);
  return b;
}
