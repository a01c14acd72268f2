// ESLint flat config, as `sv add eslint` (with prettier and TypeScript) writes it for SvelteKit:
// js + typescript-eslint + eslint-plugin-svelte recommended, then eslint-config-prettier so that
// formatting is Prettier's alone (.prettierrc). The ignores repeat .gitignore's generated folders
// and the data files Prettier also leaves alone (.prettierignore).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default defineConfig(
  globalIgnores([
    'build/',
    'build-static/',
    '.svelte-kit-static/',
    '.svelte-kit/',
    'node_modules/',
    'captures/',
    'coverage/',
    'tmp/',
    '.build-lock/',
    'docs/screenshots/',
    'tests/vectors/**/*.json',
    'package-lock.json'
  ]),
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // typescript-eslint: the compiler already reports undefined names, and no-undef knows no types
      // https://typescript-eslint.io/troubleshooting/faqs/eslint/#i-get-errors-from-the-no-undef-rule-about-global-variables-not-being-defined-even-though-there-are-no-typescript-errors
      'no-undef': 'off',
      // names and peer text are refused or escaped, never interpreted: matching C0/C1 controls is
      // the point of those patterns (docs/protocol.md §3.2, server/terminal-text.ts)
      'no-control-regex': 'off',
      // adapter-node serves the app at the root (no kit.paths.base): internal links are plain
      // paths, some with a query string resolve() cannot take; revisit with a base path
      'svelte/no-navigation-without-resolve': 'off',
      // scratch collections inside $derived.by and whole-value replacement in $state.raw: nothing
      // there is meant to be reactive entry by entry
      'svelte/prefer-svelte-reactivity': 'off',
      // a leading _ marks a value kept for its position or to re-run an attachment
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }]
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig
      }
    }
  }
);
