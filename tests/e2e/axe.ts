// axe-core inside a real page (docs: https://github.com/dequelabs/axe-core/blob/develop/doc/API.md):
// the WCAG 2.0/2.1/2.2 A and AA rules, run on what the page shows now. A violation comes back as
// its rule, its impact and the nodes (selector and axe's own summary), for a message that says
// where to look.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** The rule sets issue 11 names: WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  /** how many nodes fail the rule (only the first few are in `nodes`) */
  count: number;
  nodes: { target: string; summary: string }[];
}

/** Run axe on the page as it is; the violations, each with up to `maxNodes` nodes. */
export async function axeViolations(page: Page, maxNodes = 5): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE_PATH });
  return page.evaluate(
    async ({ tags, maxNodes }) => {
      const axe = (window as unknown as { axe: { run: (ctx: unknown, o: unknown) => Promise<AxeResults> } }).axe;
      interface AxeResults {
        violations: {
          id: string;
          impact: string | null;
          help: string;
          nodes: { target: unknown[]; failureSummary?: string }[];
        }[];
      }
      const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        count: v.nodes.length,
        nodes: v.nodes.slice(0, maxNodes).map((n) => ({
          target: n.target.map(String).join(' '),
          summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300)
        }))
      }));
    },
    { tags: WCAG_TAGS, maxNodes }
  );
}

/** One line per violation, for an assertion message a person can act on. */
export function describeViolations(vs: AxeViolation[]): string {
  return vs
    .map(
      (v) =>
        `${v.id} (${v.impact}, ${v.count} nodes): ${v.help}\n${v.nodes.map((n) => `    ${n.target}: ${n.summary}`).join('\n')}`
    )
    .join('\n');
}
