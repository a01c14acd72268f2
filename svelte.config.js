import adapterNode from '@sveltejs/adapter-node';
import adapterStatic from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// `npm run build:static` (CBC_LAB_STATIC=1): the pages alone, as files any static host serves,
// under BASE_PATH (e.g. /cbc-lab for https://host/cbc-lab/). Its own outDir, so it can be built
// while the Node build is. The pages find out at run time whether a demo answers (src/lib/demo.ts);
// nothing else in src/ knows which build it is in but src/routes/+layout.ts.
const STATIC = process.env.CBC_LAB_STATIC === '1';
const BASE = (process.env.BASE_PATH ?? '').replace(/\/+$/, '');
if (BASE && !/^\/[\w\-./]+$/.test(BASE)) {
  // one line and exit 2, as the CLI answers a bad option: a stack trace here says nothing more
  console.error(
    `ERR_BAD_OPTION_VALUE: BASE_PATH: expected a path such as /cbc-lab (a leading /, letters, digits, - _ . /), got ${JSON.stringify(process.env.BASE_PATH)}; leave it unset to host at the root`
  );
  process.exit(2);
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: STATIC
      ? adapterStatic({ pages: process.env.CBC_LAB_STATIC_OUT || 'build-static', fallback: '404.html' })
      : adapterNode({ out: 'build' }),
    outDir: STATIC ? '.svelte-kit-static' : '.svelte-kit',
    paths: { base: STATIC ? BASE : '', relative: true },
    // the static site's service worker (src/service-worker.ts) keeps it working offline; the
    // demo's pages are live and never cached
    serviceWorker: { register: STATIC },
    // SvelteKit's own cross-site form check answers 403 in plain text before any hook runs, and
    // refuses a form body from curl (no Origin) to /api before the API can answer 415 in JSON.
    // '*' turns it off (kit 2's replacement for the deprecated checkOrigin: false); the same check
    // is made in src/hooks.server.ts for the pages, and /api refuses form bodies outright.
    csrf: { trustedOrigins: ['*'] },
    prerender: { entries: ['*'], handleHttpError: 'warn', handleUnseenRoutes: 'ignore' }
  }
};

export default config;
