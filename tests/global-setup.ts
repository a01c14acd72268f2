// Build the web app once before any test file runs, so that end-to-end files running in
// parallel workers never race each other into `vite build` (their own buildIfNeeded() then
// finds the build up to date).
import { buildIfNeeded } from '../server/start.ts';

export default function setup(): void {
  buildIfNeeded();
}
