// The "Fuzzing" section of docs/benchmarks.md: written by `npm run fuzz -- --minutes N --write-docs`, and kept by
// `npm run bench`, which rewrites the rest of the page (a fuzz run takes minutes the benchmarks should not).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const PAGE = new URL('../docs/benchmarks.md', import.meta.url);
const HEADING = '## Fuzzing';

/** The Fuzzing section of the page as it stands (heading to the next section or the end), or ''. */
export function fuzzSection(page = existsSync(PAGE) ? readFileSync(PAGE, 'utf8') : ''): string {
  const start = page.indexOf(`\n${HEADING}\n`);
  if (start < 0) return '';
  const next = page.indexOf('\n## ', start + HEADING.length + 2);
  return page.slice(start + 1, next < 0 ? page.length : next + 1).trimEnd();
}

/** Replaces (or adds) the Fuzzing section of the page with the figures of a run. */
export function writeFuzzSection(table: string, date: string, machine: string): void {
  const page = existsSync(PAGE) ? readFileSync(PAGE, 'utf8') : '# Benchmarks\n';
  const section = [
    HEADING,
    '',
    `The long fuzz run before a release (docs/fuzzing.md), ${date}, ${machine}. Every input runs under a 10 s`,
    'watchdog; the time per input is of the whole property set (validate, parse, verify, the simulated PC, and the',
    'xmllint or xmlsec1 verdict where one is needed). Reproduce with the command in the table.',
    '',
    table,
  ].join('\n');
  const old = fuzzSection(page);
  const next = old ? page.replace(old, section) : `${page.trimEnd()}\n\n${section}\n`;
  writeFileSync(PAGE, next.endsWith('\n') ? next : `${next}\n`);
}
