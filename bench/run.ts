// `npm run bench`: runs every benchmark section in one process, prints the tables, and writes
// docs/benchmarks.md. Sections live one per file in bench/ and export `run(): Promise<Section>`.
// Ratios are measured against a baseline inside the same run, because this machine is shared.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Section {
  title: string;
  /** one paragraph: what is measured, against which baseline */
  about: string;
  header: string[];
  rows: (string | number)[][];
  /** target lines, each saying met or not with the measured number */
  targets?: string[];
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// Each entry is loaded lazily so that `npm run bench -- engine` runs only that section.
const SECTIONS: Record<string, () => Promise<{ run: () => Promise<Section | Section[]> }>> = {
  engine: () => import('./engine.ts'),
  learn: () => import('./learn.ts'),
  wire: () => import('./wire.ts'),
  tap: () => import('./tap.ts'),
  live: () => import('./live.ts'),
  class: () => import('./class.ts'),
  seed: () => import('./seed.ts'),
  static: () => import('./static.ts')
};

function table(s: Section): string {
  const lines = [`| ${s.header.join(' | ')} |`, `| ${s.header.map(() => '---').join(' | ')} |`];
  for (const r of s.rows) lines.push(`| ${r.join(' | ')} |`);
  return lines.join('\n');
}

async function main() {
  const only = process.argv.slice(2);
  const names = Object.keys(SECTIONS).filter((n) => only.length === 0 || only.includes(n));
  const out: string[] = [];
  for (const name of names) {
    const mod = await SECTIONS[name]();
    const result = await mod.run();
    for (const s of Array.isArray(result) ? result : [result]) {
      const md = [
        `## ${s.title}`,
        '',
        s.about,
        '',
        table(s),
        ...(s.targets?.length ? ['', ...s.targets.map((t) => `- ${t}`)] : [])
      ].join('\n');
      console.log(`\n${md}\n`);
      out.push(md);
    }
  }
  const header = [
    '# Benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB. ` +
      'The machine is shared and noisy: read the ratios (measured in the same run) rather than the absolute numbers.',
    ''
  ];
  if (only.length === 0)
    writeFileSync(
      join(root, 'docs', 'benchmarks.md'),
      [...header, ...out].join('\n\n').replace(/\n{3,}/g, '\n\n') + '\n'
    );
  else console.log('(a partial run: docs/benchmarks.md is written only when every section runs)');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
