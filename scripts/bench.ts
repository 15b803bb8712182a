// npm run bench: builds the packages, runs every benchmark suite on the built packages (dist/, as installed) and
// writes docs/benchmarks.md.
// Ratios compare against a baseline measured in the same run on the same machine.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { runBackoffice } from './bench/backoffice.ts';
import { runCliStartup } from './bench/cli-startup.ts';
import { keptSections } from './bench/kept-sections.ts';
import { fmt, type SuiteResult } from './bench/measure.ts';
import { runOperatorMessages } from './bench/operator-messages.ts';
import { runPortal } from './bench/portal.ts';
import { runRateLimits } from './bench/rate-limits.ts';
import { runScale } from './bench/scale.ts';
import { runSignatures } from './bench/signatures.ts';
import { runSimulator } from './bench/simulator.ts';
import { runValidation } from './bench/validation.ts';
import { fuzzSection } from './fuzz-figures.ts';

// `npm run bench -- scale --subscribers N [--rebuild-indexes]` (default 10,000): the scale suite runs only when
// named; it loads N subscribers into PostgreSQL and its figures are kept in docs/benchmarks.md by hand
// (kept-sections.ts). --rebuild-indexes builds the keys and indexes after the load instead of during it (faster at
// millions, but packed indexes: scale-load.ts).
const given = process.argv.slice(2);
const rebuildIndexes = given.includes('--rebuild-indexes');
const args = given.filter((a) => a !== '--rebuild-indexes');
const flag = args.indexOf('--subscribers');
const subscribers = flag < 0 ? 10_000 : Number(args[flag + 1]);
if (!Number.isInteger(subscribers) || subscribers < 1)
  throw new Error('--subscribers takes a positive integer');
const only = args.filter((_, i) => i !== flag && (flag < 0 || i !== flag + 1));
const suites: Array<[string, () => SuiteResult | Promise<SuiteResult>]> = [
  ['validation', runValidation],
  ['signatures', runSignatures],
  ['simulator', runSimulator],
  ['portal', runPortal],
  ['backoffice', runBackoffice],
  ['rate-limits', runRateLimits],
  ['operator-messages', runOperatorMessages],
  ['cli', runCliStartup],
  ...(only.includes('scale')
    ? [['scale', () => runScale(subscribers, { rebuildIndexes })] as [string, () => Promise<SuiteResult>]]
    : []),
];

const results: SuiteResult[] = [];
for (const [name, run] of suites) {
  if (only.length && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name}...\n`);
  const result = await run();
  results.push(result);
  for (const row of result.rows) {
    process.stderr.write(
      `  ${row.name}: ${fmt(row.value)} ${row.unit}${row.ratio !== undefined ? ` (${row.ratio.toFixed(2)}x ${row.baseline})` : ''}\n`,
    );
  }
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  '# Benchmarks',
  '',
  'Reproduce with `npm run bench` (after `npm run setup`; it builds the packages and measures dist/, as installed).',
  'Numbers are from one run on one machine;',
  'compare the ratios, which set each result against a baseline measured in the same run.',
  'Functions compared with each other run in interleaved rounds of 200 ms; a rate is the median of its rounds and a',
  'ratio the median of the ratios within each round (measurements moments apart, so drift of a shared machine cancels',
  'out); a ratio can therefore differ a little from the quotient of the two rates shown.',
  '',
  `Machine: ${cpu}, ${cpus().length} cores, Node.js ${process.version}, ${new Date().toISOString().slice(0, 10)}.`,
  '',
];
const firstSection = lines.length;
for (const r of results) {
  lines.push(`## ${r.title}`, '', r.description, '', '| measurement | rate | ratio |', '|---|---:|---:|');
  for (const row of r.rows) {
    const ratio =
      row.ratio === undefined
        ? ''
        : row.baseline === 'baseline'
          ? 'baseline'
          : `${row.ratio.toFixed(2)}x ${row.baseline}`;
    lines.push(`| ${row.name} | ${fmt(row.value)} ${row.unit} | ${ratio} |`);
  }
  for (const note of r.notes ?? []) lines.push('', note);
  lines.push('');
}
const ranSections = lines.slice(firstSection);
// The fuzz figures come from `npm run fuzz -- --write-docs`, not from this run: keep them.
const fuzz = fuzzSection();
if (fuzz) lines.push(fuzz, '');
for (const section of keptSections()) lines.push(section, '');
if (!only.length) writeFileSync(new URL('../docs/benchmarks.md', import.meta.url), `${lines.join('\n')}\n`);
else {
  // The sections of the suites that ran, as docs/benchmarks.md would show them, for whoever updates it by hand.
  process.stdout.write(`${ranSections.join('\n')}\n`);
  process.stderr.write(
    'bench: partial run, docs/benchmarks.md not rewritten (its sections are on standard output)\n',
  );
}
