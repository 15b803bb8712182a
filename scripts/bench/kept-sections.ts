// Sections of docs/benchmarks.md that record a measurement no single `npm run bench` repeats (a before/after series
// against an older commit, say). A full run rewrites the page from its suites; sections marked with KEEP_MARKER
// right under their heading survive it, in their order, after the generated tables.
import { existsSync, readFileSync } from 'node:fs';

/** Written on the line under a section's heading to keep the section through full benchmark runs. */
export const KEEP_MARKER = '<!-- kept by npm run bench: a recorded measurement, not regenerated -->';

/** Every kept section of the page as it stands, each from its heading to the next section or the end. */
export function keptSections(page = new URL('../../docs/benchmarks.md', import.meta.url)): string[] {
  if (!existsSync(page)) return [];
  const text = readFileSync(page, 'utf8');
  const sections: string[] = [];
  let at = text.indexOf('\n## ');
  while (at >= 0) {
    const next = text.indexOf('\n## ', at + 1);
    const section = text.slice(at + 1, next < 0 ? text.length : next + 1).trimEnd();
    if (section.split('\n')[1] === KEEP_MARKER) sections.push(section);
    at = next;
  }
  return sections;
}
