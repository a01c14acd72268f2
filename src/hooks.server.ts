// Every answer under /api is JSON with a `code` (docs/api.md): the checks SvelteKit or the adapter
// would otherwise answer in text or HTML (no such route, a method the route does not take, a form
// body, a body over the limit) are made here first, and anything else that is not JSON is turned
// into JSON on the way out. The cross-site form check that `csrf.trustedOrigins: ['*']` turns off
// in svelte.config.js is made here too, for the pages.
import { json, type Handle, type HandleServerError, type RequestEvent } from '@sveltejs/kit';
import { apiError } from '$lib/server/demo';
import { FORM_CONTENT_TYPES, MAX_BODY_BYTES, badContentType, mediaType, refuseTooLarge } from '$lib/server/json-body';

/** RFC 9110 §9.3: the methods whose request carries content. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** the methods SvelteKit dispatches to a +server.ts export (ENDPOINT_METHODS) */
const ENDPOINT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];

const endpointModules = import.meta.glob<Record<string, unknown>>('./routes/api/**/+server.ts');
/** route id → its module loader, e.g. '/api/send' → ./routes/api/send/+server.ts */
const endpoints = new Map(
  Object.entries(endpointModules).map(([file, load]) => [file.slice('./routes'.length, -'/+server.ts'.length), load])
);
const allowedCache = new Map<string, string[]>();

/** The methods a route answers, as SvelteKit's 405 lists them: its exports, and HEAD wherever GET is. */
async function allowedMethods(routeId: string): Promise<string[] | null> {
  const cached = allowedCache.get(routeId);
  if (cached) return cached;
  const load = endpoints.get(routeId);
  if (!load) return null;
  const mod = await load();
  const allowed = ENDPOINT_METHODS.filter((m) => typeof mod[m] === 'function');
  if (allowed.includes('GET') && !allowed.includes('HEAD')) allowed.splice(allowed.indexOf('GET') + 1, 0, 'HEAD');
  allowedCache.set(routeId, allowed);
  return allowed;
}

function isApi(pathname: string): boolean {
  return pathname === '/api' || pathname.startsWith('/api/');
}

function orList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** The /api checks that come before the route: 404, 405, 415 for form bodies, 413 by content-length. */
async function apiPrecheck(event: RequestEvent): Promise<Response | null> {
  const { request, url } = event;
  const allowed = event.route.id ? await allowedMethods(event.route.id) : null;
  if (!allowed) {
    const known = [...endpoints.keys()].sort();
    return apiError(
      404,
      'ERR_NOT_FOUND',
      `path: expected one of ${known.join(', ')}, got ${JSON.stringify(url.pathname.slice(0, 200))}; the API is in docs/api.md`
    );
  }
  if (!allowed.includes(request.method)) {
    const message = `method: expected ${orList(allowed)} for ${url.pathname}, got ${request.method}`;
    return json(
      { code: 'ERR_METHOD_NOT_ALLOWED', message, allowed },
      { status: 405, headers: { 'cache-control': 'no-store', allow: allowed.join(', ') } }
    );
  }
  if (BODY_METHODS.has(request.method)) {
    const type = mediaType(request);
    if (FORM_CONTENT_TYPES.includes(type)) return badContentType(type);
    const length = Number(request.headers.get('content-length') ?? NaN);
    if (Number.isFinite(length) && length > MAX_BODY_BYTES) return refuseTooLarge(request, length);
  }
  return null;
}

/** A code for an answer that did not come from our routes (SvelteKit's or the adapter's). */
function codeFor(status: number): string {
  if (status === 404) return 'ERR_NOT_FOUND';
  if (status === 405) return 'ERR_METHOD_NOT_ALLOWED';
  if (status === 413) return 'ERR_BODY_TOO_LARGE';
  if (status === 415) return 'ERR_BAD_CONTENT_TYPE';
  return status >= 500 ? 'ERR_INTERNAL' : 'ERR_BAD_REQUEST';
}

/** An /api error answer that is not JSON with a code becomes one, keeping its status and message. */
async function asJsonError(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  const type = (response.headers.get('content-type') ?? '').toLowerCase();
  let message = '';
  if (type.startsWith('application/json')) {
    const body = (await response
      .clone()
      .json()
      .catch(() => null)) as { code?: unknown; message?: unknown } | null;
    if (typeof body?.code === 'string') return response;
    if (typeof body?.message === 'string') message = body.message;
  } else if (type.startsWith('text/plain')) {
    message = (await response.text()).slice(0, 300);
  }
  const body: Record<string, unknown> = {
    code: codeFor(response.status),
    message: message || `the request failed with status ${response.status}`
  };
  const headers: Record<string, string> = { 'cache-control': 'no-store' };
  const allow = response.headers.get('allow');
  if (allow) {
    headers.allow = allow;
    if (response.status === 405) body.allowed = allow.split(',').map((m) => m.trim());
  }
  return json(body, { status: response.status, headers });
}

/**
 * SvelteKit's cross-site form check (kit.csrf.checkOrigin), for everything but /api: a form body
 * sent with an unsafe method from another origin is refused. /api refuses form bodies outright.
 */
function crossSiteForm(event: RequestEvent): Response | null {
  const { request, url } = event;
  if (!BODY_METHODS.has(request.method) || !FORM_CONTENT_TYPES.includes(mediaType(request))) return null;
  const origin = request.headers.get('origin');
  if (origin === url.origin) return null;
  // adapter-node takes the protocol to be https unless told (ORIGIN, PROTOCOL_HEADER), and the
  // demo serves http: the same host and port is the same site.
  if (origin && URL.canParse(origin) && new URL(origin).host === url.host) return null;
  const message = `Cross-site ${request.method} form submissions are forbidden`;
  if (request.headers.get('accept') === 'application/json') return Response.json({ message }, { status: 403 });
  return new Response(message, { status: 403, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
}

export const handle: Handle = async ({ event, resolve }) => {
  if (!isApi(event.url.pathname)) return crossSiteForm(event) ?? resolve(event);
  const early = await apiPrecheck(event);
  if (early) return early;
  return asJsonError(await resolve(event));
};

export const handleError: HandleServerError = ({ error, event, status, message }) => {
  // A bug, not a bad request: say so in the terminal (never to the client), once, without the stack.
  if (status >= 500) {
    const e = error as Error | undefined;
    process.stderr.write(
      `cbc-lab web: ${event.request.method} ${event.url.pathname}: ${e?.message ?? String(error)}\n`
    );
  }
  return {
    message: status >= 500 ? 'internal error: the server failed to answer; the demo terminal says why' : message
  };
};
