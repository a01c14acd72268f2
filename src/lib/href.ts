// Links and requests under the site's base path (svelte.config.js: `paths.base`, set for the static
// site hosted at https://host/some/path/; empty for `npm start`). Paths the pure modules build
// (`/learn?…`, `/lessons/…`) and the API's (`/api/…`) pass through here where a page uses them;
// anything that is not a root-relative path (`#stage-pad`, `?mode=…`, https://…) is left as it is.
// (`base`, not `resolve()`: resolve's types want a route id, and these paths carry queries)
import { base } from '$app/paths';

/** the base path without its final slash: '' or '/some/path' */
export const BASE: string = base;

/** `path` under the base path when it starts at the root (one `/`), else unchanged */
export function href(path: string): string {
  return path.startsWith('/') && !path.startsWith('//') ? BASE + path : path;
}

/** `pathname` with the base path taken off its front (for comparing with the routes' own paths) */
export function routePath(pathname: string): string {
  return BASE && pathname.startsWith(BASE) ? pathname.slice(BASE.length) || '/' : pathname;
}
