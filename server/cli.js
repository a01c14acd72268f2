#!/usr/bin/env node
// `npx cbc-lab`: the package bin. Plain ESM so that it runs right after `npm install` with no
// build step; tsx (a dependency) compiles the TypeScript CLI (server/cli/main.ts) on load.
import { register } from 'tsx/esm/api';

register();
const { runMain } = await import('./cli/main.ts');
await runMain();
