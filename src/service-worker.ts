// The static site's service worker (registered only by `npm run build:static`, svelte.config.js):
// once a page of the site has been opened, every page opens with no network, as a classroom's
// network often is. The app's files are cached on install under this build's version; pages are
// fetched from the network first and the cached copy is used when there is none, so a new
// deployment is picked up on the next visit and the old cache is dropped when it takes over.
// Nothing from another origin is fetched or cached, and the demo's /api never is.
/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
import { base, build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `cbc-lab-${version}`;
const APP = new Set([...build, ...files]);
const PAGES = prerendered;
// (404.html is adapter-static's fallback shell: it opens any page of the site)

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll([...APP, ...PAGES, `${base}/404.html`]);
      await sw.skipWaiting();
    })()
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })()
  );
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin || url.pathname.startsWith(`${base}/api/`)) return;
  if (APP.has(url.pathname)) {
    // hashed build files never change under one name: the cache answers
    event.respondWith(caches.match(req).then((hit) => hit ?? fetch(req)));
    return;
  }
  event.respondWith(
    (async () => {
      try {
        const res = await fetch(req);
        if (res.ok && req.mode === 'navigate') (await caches.open(CACHE)).put(url.pathname, res.clone());
        return res;
      } catch (err) {
        // offline: the page by its path (its query is read by the page itself), else the shell
        const hit =
          (await caches.match(url.pathname, { ignoreSearch: true })) ??
          (req.mode === 'navigate' ? await caches.match(`${base}/404.html`) : undefined);
        if (hit) return hit;
        throw err;
      }
    })()
  );
});
