// The pages' side of /api (docs/api.md): typed reads and JSON posts. An error answer becomes an
// ApiError carrying the route's code and message, so a page shows "CODE: message" as sent.
import { CodedError } from '../errors/coded-error';
import type { ApiErrorBody } from './types';
import { href } from '../href';

export class ApiError extends CodedError {
  constructor(
    code: string,
    message: string,
    readonly status: number
  ) {
    super(code, message);
  }
}

/** what a page says when no demo answers its /api request: the static site, or a demo stopped */
export const NO_DEMO =
  'no CBC Lab demo answers here (this is the static site, or the demo stopped): run `npm start` and open its address';

/** the API's own answer (JSON, docs/api.md), not a static host's 404 page for a path it lacks */
export const isApiAnswer = (r: Response): boolean => (r.headers.get('content-type') ?? '').includes('application/json');

async function answer<T>(r: Response): Promise<T> {
  if (!isApiAnswer(r)) {
    throw new ApiError('ERR_NO_DEMO', NO_DEMO, r.status);
  }
  const d = (await r.json()) as T | ApiErrorBody;
  if (!r.ok) {
    const e = d as ApiErrorBody;
    throw new ApiError(e.code, e.message, r.status);
  }
  return d as T;
}

/** GET a JSON route; an error answer throws ApiError. */
export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(href(path)));
}

/** GET a JSON route, or null when it answers an error (503: no demo running). */
export async function getJsonOrNull<T>(path: string): Promise<T | null> {
  const r = await fetch(href(path));
  return r.ok && isApiAnswer(r) ? ((await r.json()) as T) : null;
}

/** POST a JSON body; an error answer throws ApiError. */
export async function postJson<Req, Res>(path: string, body: Req): Promise<Res> {
  return answer<Res>(
    await fetch(href(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body)
    })
  );
}
