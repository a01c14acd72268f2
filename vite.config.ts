import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// Three tiers (tests/README.md): unit (pure, no sockets, no child processes, no browser),
// integration (real sockets on 127.0.0.1, the CLI, openssl, Python, tshark) and e2e (the built app
// in real Chromium; built once, in the global setup).
export default defineConfig({
  plugins: [sveltekit()],
  // the static site's build (svelte.config.js); read by src/routes/+layout.ts alone
  define: { __STATIC_SITE__: JSON.stringify(process.env.CBC_LAB_STATIC === '1') },
  test: {
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/vectors/**/*.test.ts'],
          testTimeout: 30_000,
          // pure modules, no globals changed: the files share one module graph (29 s → 16 s alone)
          isolate: false
        }
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000
        }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          globalSetup: ['tests/e2e/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000
        }
      }
    ]
  }
});
