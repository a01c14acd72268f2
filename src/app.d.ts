// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {}
  /** true in `npm run build:static` (vite.config.ts); read by src/routes/+layout.ts alone */
  const __STATIC_SITE__: boolean;
}
export {};
