// npm run fuzz -- --minutes N: the long fuzz run for releases. Same generators, properties (core's and the
// simulator's), watchdog and oracles as the standing test (packages/core/test/fuzz/), for N minutes (default 2):
// progress every 5 s, a summary, a markdown table of the figures, and every failing input's first examples written
// to the findings folder (NAME.xml|.bin + NAME.json), ready to move into packages/core/test/fixtures/fuzz-regressions/.
//
//   --minutes N        run time (default 2); or --count N inputs
//   --seed S           the seed (default: random, printed); --from I starts at index I (0 = with the fixed sweeps)
//   --skip-sweeps      start after the fixed sweeps (random mutations only)
//   --findings DIR     where failing inputs go (default test-output/fuzz-findings/seed-S)
//   --hang-ms MS       the watchdog bound per input (default 10000)
//   --no-oracles       without xmllint and xmlsec1; --no-simulator without the simulator's property
//   --inputs DIR       run the fixtures of DIR (e.g. a findings folder) instead of generated inputs
//   --minimize         then shrink the first example of each kind of finding (not hangs) and write it as NAME-min
//   --write-docs       write the figures into the Fuzzing section of docs/benchmarks.md
//   --dump             also write every input of the run (with --count: `--seed S --from I --count 1 --dump`
//                      writes input I of seed S, e.g. one a test names) to the findings folder
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { buildCorpus } from '../packages/core/test/fuzz/corpus.ts';
import { loadFixtures, writeFinding, writeInput } from '../packages/core/test/fuzz/findings.ts';
import { generateInput, sweepCount } from '../packages/core/test/fuzz/generate.ts';
import { loadProperties, minimize, sameFinding } from '../packages/core/test/fuzz/minimize.ts';
import { Oracles } from '../packages/core/test/fuzz/oracles.ts';
import { CORE_PROPERTIES, runFuzz } from '../packages/core/test/fuzz/run.ts';
import { failures, formatSummary, markdownTable } from '../packages/core/test/fuzz/stats.ts';
import { writeFuzzSection } from './fuzz-figures.ts';

const SIMULATOR_PROPERTIES = new URL('../packages/simulator/test/fuzz/property.ts', import.meta.url).href;

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    count: { type: 'string' },
    seed: { type: 'string' },
    from: { type: 'string' },
    'skip-sweeps': { type: 'boolean', default: false },
    findings: { type: 'string' },
    'hang-ms': { type: 'string' },
    'no-oracles': { type: 'boolean', default: false },
    'no-simulator': { type: 'boolean', default: false },
    inputs: { type: 'string' },
    minimize: { type: 'boolean', default: false },
    dump: { type: 'boolean', default: false },
    'write-docs': { type: 'boolean', default: false },
  },
});

const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const minutes = values.count === undefined ? Number(values.minutes ?? 2) : undefined;
const corpus = buildCorpus();
if (corpus.skipped.length) console.error(`xmlsec1 could not sign: ${corpus.skipped.join('; ')}`);
const start =
  values.from !== undefined ? Number(values.from) : values['skip-sweeps'] ? sweepCount(corpus) : 0;
const findingsDir = values.findings ?? `test-output/fuzz-findings/seed-${seed}`;
const modules = values['no-simulator'] ? [CORE_PROPERTIES] : [CORE_PROPERTIES, SIMULATOR_PROPERTIES];
const fixtureInputs = values.inputs ? loadFixtures(values.inputs).map((f) => f.input) : undefined;

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
console.log(
  `fuzz: seed ${seed}, ${fixtureInputs ? `${fixtureInputs.length} inputs from ${values.inputs}` : minutes !== undefined ? `${minutes} min` : `${values.count} inputs`} from index ${start} (the first ${sweepCount(corpus)} are the fixed sweeps), ${modules.length} property module(s), oracles ${values['no-oracles'] ? 'off' : 'on'}; findings go to ${findingsDir}`,
);
const summary = await runFuzz({
  seed,
  start,
  ...(fixtureInputs
    ? { inputs: fixtureInputs }
    : minutes !== undefined
      ? { minutes }
      : { count: Number(values.count) }),
  corpus,
  modules,
  oracles: !values['no-oracles'],
  hangMs: Number(values['hang-ms'] ?? 10_000),
  findingsDir,
  onProgress: (p) => {
    const c = p.log.counts;
    console.log(
      `[${clock(p.elapsedMs)}] ${p.inputs} inputs (${p.perSecond.toFixed(0)}/s); findings: crashes ${c.crash}, hangs ${c.hang}, properties ${c.property}, xmlsec1 ${c.xmlsec1}, xmllint ${c.xmllint}`,
    );
  },
});
console.log(`\n${formatSummary(summary)}`);
if (summary.written.length)
  console.log(`\nwrote ${summary.written.length} failing input(s) to ${findingsDir}/`);
if (values.dump && !fixtureInputs) {
  const end = start + summary.inputs;
  for (let index = start; index < end; index++) {
    const input = generateInput(corpus, seed, index);
    const message = 'written by npm run fuzz -- --dump (not a finding by itself)';
    writeInput(findingsDir, `input-s${seed}-i${index}`, input, {
      caught: message,
      type: 'property',
      property: 'dump',
      message,
      seed,
    });
  }
  console.log(`wrote inputs ${start}..${end - 1} to ${findingsDir}/`);
}
if (values.minimize) {
  const properties = await loadProperties(modules, corpus);
  const oracles = new Oracles({ trustPem: corpus.trustPem });
  try {
    for (const g of summary.groups) {
      const example = g.examples[0];
      if (!example || g.type === 'hang' || g.property === 'worker') continue;
      const finding = { type: g.type, property: g.property, message: g.message, input: example };
      const small = await minimize(example.data, sameFinding(finding, properties, oracles));
      const path = writeFinding(
        findingsDir,
        { ...finding, input: { ...example, data: small, ops: [...example.ops, 'minimized'] } },
        fixtureInputs ? undefined : seed,
        '-min',
      );
      console.log(
        `minimized ${g.property} (#${example.index}): ${example.data.length} -> ${small.length}: ${path}`,
      );
    }
  } finally {
    oracles.dispose();
  }
}
const command = `npm run fuzz -- ${fixtureInputs ? `--inputs ${values.inputs}` : minutes !== undefined ? `--minutes ${minutes}` : `--count ${values.count}`} --seed ${seed}${start ? ` --from ${start}` : ''}`;
const table = markdownTable(summary, command);
console.log(`\n${table}`);
if (values['write-docs']) {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node.js ${process.version}`;
  writeFuzzSection(table, new Date().toISOString().slice(0, 10), machine);
  console.log('fuzz: figures written to docs/benchmarks.md');
}
process.exitCode = failures(summary) ? 1 : 0;
