// The areas of the registry: one docs/errors.md table each, and the shape of an entry.

/** One table of docs/errors.md each (its section's title is in DOC_SECTIONS). */
export type Area = 'crypto' | 'cli' | 'programs' | 'capture' | 'load' | 'api' | 'protocol' | 'browser';

export interface CodeInfo {
  /** the tables it is listed in: a code one layer raises and another passes on is in both */
  readonly areas: readonly Area[];
  readonly meaning: string;
  readonly fix: string;
}

/**
 * The title of the docs/errors.md section that holds each area's table: the heading is
 * `## <title>`, then the paths it covers in parentheses (those may change as files move).
 */
export const DOC_SECTIONS: Readonly<Record<Area, string>> = {
  crypto: 'Crypto',
  cli: 'Command line',
  programs: 'Programs',
  capture: 'Capture files',
  load: 'Loading a file on /live',
  api: 'HTTP API',
  protocol: 'Protocol and server',
  browser: 'In the browser'
};
