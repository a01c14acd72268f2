// The one bridge between the SvelteKit server and the running demo (server/demo.ts, docs/api.md).
// server/demo.ts runs the chat server, the tap and the bots in this same process and registers a
// handle on globalThis; the API routes read it here. Nothing from server/ is imported at run time,
// so the SvelteKit bundle stays free of node:net shells: when the web app runs alone (`npm run dev`,
// `node build`) there is no handle, and every capture endpoint answers 503 ERR_NO_CAPTURE.
import { json } from '@sveltejs/kit';
import type { CapturedFrame } from '$lib/protocol/capture';
import type { ApiErrorBody } from '$lib/api/types';
import { CodedError } from '$lib/errors/coded-error';

export {
  DEMO_SYMBOL,
  SEND_SUITES,
  type DemoCaptureStore,
  type DemoHandle,
  type SendFailure,
  type SendSuite
} from './demo-handle';
import { DEMO_SYMBOL, type DemoCaptureStore, type DemoHandle } from './demo-handle';

export function getDemo(): DemoHandle | null {
  const h = (globalThis as Record<symbol, unknown>)[DEMO_SYMBOL] as DemoHandle | undefined;
  return h && !h.signal.aborted ? h : null;
}

export type { ApiErrorBody };

export function apiError(status: number, code: string, message: string, headers?: Record<string, string>): Response {
  return json({ code, message } satisfies ApiErrorBody, {
    status,
    headers: { 'cache-control': 'no-store', ...headers }
  });
}

export function noCapture(): Response {
  return apiError(503, 'ERR_NO_CAPTURE', 'no capture is running: start the demo with npm start');
}

/** A query parameter the route cannot take: answered 400 with this code and message. */
export class BadParam extends CodedError<'ERR_BAD_PARAM'> {
  constructor(message: string) {
    super('ERR_BAD_PARAM', message);
  }
}

/**
 * A non-negative integer query parameter: digits only, at most one occurrence, within [min, max].
 * Absent gives `fallback`.
 */
export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const all = url.searchParams.getAll(name);
  if (all.length > 1) throw new BadParam(`${name}: expected one value, got ${all.length}`);
  if (all.length === 0) return fallback;
  return intValue(name, all[0], min, max);
}

export function intValue(name: string, raw: string, min: number, max: number): number {
  if (!/^\d{1,16}$/.test(raw))
    throw new BadParam(`${name}: expected an integer ${min}..${max}, got ${JSON.stringify(raw.slice(0, 40))}`);
  const n = Number(raw);
  if (n < min || n > max) throw new BadParam(`${name}: expected an integer ${min}..${max}, got ${n}`);
  return n;
}

export { MAX_SEQ } from '$lib/api/types';

const LOCAL_HOSTS = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

/**
 * The demo binds 127.0.0.1 only; refusing other Host names as well keeps a web page on another
 * site from reading the demo key through DNS rebinding (a name that resolves to 127.0.0.1).
 */
export function checkHost(request: Request): Response | null {
  const host = request.headers.get('host') ?? '';
  if (LOCAL_HOSTS.test(host)) return null;
  return apiError(
    403,
    'ERR_FORBIDDEN_HOST',
    `host: the demo API answers only 127.0.0.1, localhost or [::1], got ${JSON.stringify(host.slice(0, 80))}`
  );
}

/** The running demo, or the response to send instead (403 foreign host, 503 no demo). */
export function demoOrResponse(request: Request): DemoHandle | Response {
  const denied = checkHost(request);
  if (denied) return denied;
  return getDemo() ?? noCapture();
}

/** The highest seq a capture holds, never below what a page of frames already showed. */
export function lastSeq(store: DemoCaptureStore, frames: CapturedFrame[]): number {
  return Math.max(store.lastSeq, frames.length ? frames[frames.length - 1].seq : 0);
}

/** A store read that failed (the spool could not be read back): 500 with the store's code, never a stack. */
export function storeError(err: unknown): Response {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' && /^ERR_[A-Z0-9_]+$/.test(e.code) ? e.code : 'ERR_INTERNAL';
  return apiError(500, code, `capture: ${typeof e?.message === 'string' ? e.message : String(err)}`);
}
