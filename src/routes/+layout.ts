// The static site (`npm run build:static`, svelte.config.js) writes every page as a shell that
// renders in the browser: a deep link such as /learn/?mode=decrypt&… works on first load from any
// static host, with no server to render it. The Node build renders on the server as before.
// (__STATIC_SITE__ is set by vite.config.ts from CBC_LAB_STATIC; nothing else reads it.)
export const prerender = __STATIC_SITE__;
export const ssr = !__STATIC_SITE__;
export const trailingSlash = __STATIC_SITE__ ? 'always' : 'never';
