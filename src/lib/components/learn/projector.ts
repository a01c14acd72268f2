// Projector mode: a class in front of one screen. It lives in the URL (`?projector=1`), so a
// teacher's link or a reload keeps it, and links between /learn and the lessons carry it on.

export const PROJECTOR_PARAM = 'projector';

/** The pages that draw themselves for a projector; elsewhere the parameter only rides along. */
export const PROJECTOR_PAGES = ['/learn', '/lessons/bit-flipping', '/lessons/aes-rounds'] as const;

/** below this width the mode stays in the link but the page keeps its phone layout */
export const PROJECTOR_MIN_WIDTH = 900;

export function isProjector(url: URL): boolean {
  return url.searchParams.get(PROJECTOR_PARAM) === '1';
}

export function projectorPage(pathname: string): boolean {
  return PROJECTOR_PAGES.some((p) => pathname === p || pathname === p + '/');
}

/** `url` with projector mode on or off; every other part of it (query, hash) kept as it is. */
export function withProjector(url: URL, on: boolean): URL {
  const out = new URL(url);
  if (on) out.searchParams.set(PROJECTOR_PARAM, '1');
  else out.searchParams.delete(PROJECTOR_PARAM);
  return out;
}
