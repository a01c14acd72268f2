// The pages' side of /api (docs/api.md): typed reads and JSON posts. An error answer becomes an
// ApiError carrying the route's code and message, so a page shows "CODE: message" as sent.
import { CodedError } from '../errors/coded-error';
import type { ApiErrorBody } from './types';

export class ApiError extends CodedError {
  constructor(
    code: string,
    message: string,
    readonly status: number
  ) {
    super(code, message);
  }
}

async function answer<T>(r: Response): Promise<T> {
  const d = (await r.json()) as T | ApiErrorBody;
  if (!r.ok) {
    const e = d as ApiErrorBody;
    throw new ApiError(e.code, e.message, r.status);
  }
  return d as T;
}

/** GET a JSON route; an error answer throws ApiError. */
export async function getJson<T>(path: string): Promise<T> {
  return answer<T>(await fetch(path));
}

/** GET a JSON route, or null when it answers an error (503: no demo running). */
export async function getJsonOrNull<T>(path: string): Promise<T | null> {
  const r = await fetch(path);
  return r.ok ? ((await r.json()) as T) : null;
}

/** POST a JSON body; an error answer throws ApiError. */
export async function postJson<Req, Res>(path: string, body: Req): Promise<Res> {
  return answer<Res>(
    await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  );
}
