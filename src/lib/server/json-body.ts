// Reading a JSON request body for the demo's POST routes (docs/api.md): JSON only, at most
// 64 KiB, an object, and no field the route does not know. src/hooks.server.ts applies the
// content-type and content-length rules to every /api request before a route sees it; the route
// applies them again here (a chunked body has no content-length to check up front).
import { apiError } from './demo';
import { validate, type Parsed, type Schema } from '$lib/api/schema';
import type { BodySpec } from '$lib/api/bodies';

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The types an HTML form (or `fetch` without a CORS preflight) can send from another site: they
 * must never reach a handler that acts on the body (SvelteKit's own CSRF list, is_form_content_type).
 */
export const FORM_CONTENT_TYPES: readonly string[] = [
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
  'application/x-sveltekit-formdata'
];

/** The media type of the request, lower-cased, without parameters ('' when there is none). */
export function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

export function badContentType(type: string): Response {
  // JSON only: a cross-site page cannot send that without a CORS preflight, which we never grant.
  return apiError(
    415,
    'ERR_BAD_CONTENT_TYPE',
    `content-type: expected application/json, got ${JSON.stringify(type || '(none)')}`
  );
}

/** `got`: the body's size when it is known (content-length, or read to the end). */
export function bodyTooLarge(got?: number): Response {
  return apiError(
    413,
    'ERR_BODY_TOO_LARGE',
    `body: expected at most ${MAX_BODY_BYTES} bytes, got ${got ?? `more than ${MAX_BODY_BYTES}`}; send less`
  );
}

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

/** Past the limit, a chunked body is still read (and dropped) this far, for the client's sake. */
const DRAIN_BYTES = 1024 * 1024;

/**
 * Read a body declared too large and drop it (up to DRAIN_BYTES), then answer 413. node:http
 * closes a connection it answered before the body was read, and a client that wrote the whole
 * body first then gets a reset instead of the answer. Past adapter-node's BODY_SIZE_LIMIT the
 * body cannot be read here (the stream fails at once): the answer goes out at once, which a client
 * that reads while it uploads (curl, browsers) still gets.
 */
export async function refuseTooLarge(request: Request, declared: number): Promise<Response> {
  if (request.body && declared <= MAX_BODY_BYTES + DRAIN_BYTES) {
    const reader = request.body.getReader();
    try {
      for (;;) if ((await reader.read()).done) break;
    } catch {
      /* over BODY_SIZE_LIMIT, or the client went away */
    }
  }
  return bodyTooLarge(declared);
}

/**
 * The body's bytes, or the 413 Response once more than MAX_BODY_BYTES arrived: read chunk by chunk
 * so that a chunked body is never held past the limit.
 */
async function readLimited(request: Request): Promise<Uint8Array | Response> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) return refuseTooLarge(request, declared);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return size > MAX_BODY_BYTES ? bodyTooLarge(size) : Buffer.concat(chunks);
      size += value.length;
      if (size <= MAX_BODY_BYTES) chunks.push(value);
      else if (size > MAX_BODY_BYTES + DRAIN_BYTES) break;
      // else read on and drop it: a client that sends its whole body before it reads the answer
      // would otherwise wait on a full socket and never see it
    }
  } catch (err) {
    // adapter-node's own limit (BODY_SIZE_LIMIT) errors the stream with status 413
    if ((err as { status?: unknown })?.status === 413) {
      if (size > MAX_BODY_BYTES) return bodyTooLarge();
      // BODY_SIZE_LIMIT set below our own limit: its message names it
      return apiError(
        413,
        'ERR_BODY_TOO_LARGE',
        `body: over the server's BODY_SIZE_LIMIT (${(err as Error).message}); send less`
      );
    }
    return apiError(400, 'ERR_BAD_BODY', `body: could not be read (${(err as Error)?.message ?? String(err)})`);
  }
  // Not reader.cancel(): adapter-node destroys the socket on cancel and the answer would be lost.
  reader.releaseLock();
  return bodyTooLarge();
}

/** The body as an object, or the 400/413/415 Response that says what is wrong with it. */
export async function readJsonBody(
  request: Request,
  { fields, fieldsText = fields.join(', '), example }: JsonBodyShape
): Promise<Record<string, unknown> | Response> {
  const type = mediaType(request);
  if (type !== 'application/json') return badContentType(type);
  const bytes = await readLimited(request);
  if (bytes instanceof Response) return bytes;
  const raw = new TextDecoder().decode(bytes);
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
  for (const k of Object.keys(b))
    if (!fields.includes(k))
      return apiError(400, 'ERR_BAD_BODY', `body: unknown field ${JSON.stringify(k)}; expected ${fieldsText}`);
  return b;
}

/**
 * The body read as JSON and validated against its schema (src/lib/api/bodies.ts): the typed
 * fields, or the 400/413/415 Response that says what is wrong.
 */
export async function readBody<S extends Schema>(request: Request, spec: BodySpec<S>): Promise<Parsed<S> | Response> {
  const b = await readJsonBody(request, {
    fields: Object.keys(spec.schema),
    fieldsText: spec.fieldsText,
    example: spec.example
  });
  if (b instanceof Response) return b;
  const v = validate(spec.schema, b);
  return v.ok ? v.value : apiError(400, 'ERR_BAD_BODY', v.message);
}
