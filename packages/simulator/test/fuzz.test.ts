// The simulator under the standing fuzzer: core's generators and watchdog (packages/core/test/fuzz/), the
// simulator's property (fuzz/property.ts) on seeded random mutants and on every regression fixture.
// MBPROV_FUZZ_SEED and MBPROV_FUZZ_SIMULATOR_INPUTS change the run.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildCorpus } from '../../core/test/fuzz/corpus.ts';
import { loadFixtures } from '../../core/test/fuzz/findings.ts';
import { sweepCount } from '../../core/test/fuzz/generate.ts';
import { runFuzz } from '../../core/test/fuzz/run.ts';
import { type FuzzSummary, failures, formatSummary } from '../../core/test/fuzz/stats.ts';

const SEED = Number(process.env.MBPROV_FUZZ_SEED ?? 20261121) + 1;
const INPUTS = Number(process.env.MBPROV_FUZZ_SIMULATOR_INPUTS ?? 700);
const PROPERTY = new URL('./fuzz/property.ts', import.meta.url).href;

const fixtures = loadFixtures();
let random: FuzzSummary;
let regressions: Awaited<ReturnType<typeof runFuzz>>;

describe('simulator fuzz', { timeout: 900_000 }, () => {
  before(
    async () => {
      const corpus = buildCorpus();
      // Random mutants only (the sweeps are core's business): index from the end of the sweeps on.
      random = await runFuzz({
        seed: SEED,
        start: sweepCount(corpus),
        count: INPUTS,
        corpus,
        modules: [PROPERTY],
        oracles: false,
        hangMs: 10_000,
      });
      console.log(formatSummary(random));
      regressions = await runFuzz({
        seed: 0,
        inputs: fixtures.map((f) => f.input),
        corpus,
        modules: [PROPERTY],
        oracles: false,
        hangMs: 10_000,
        examplesPerGroup: Number.POSITIVE_INFINITY,
      });
    },
    { timeout: 900_000 },
  );

  it(`Machine.provision on ${INPUTS} seeded mutants (seed ${SEED}): only MbprovErrors, invalid documents rejected, valid result XML`, () => {
    assert.equal(failures(random), 0, formatSummary(random));
  });
  for (const f of fixtures) {
    it(`regression fixture ${f.name}`, () => {
      const messages = [...regressions.log.groups.values()]
        .filter((g) => g.examples.some((e) => e.index === f.input.index))
        .map((g) => g.message);
      assert.deepEqual(messages, []);
    });
  }
});
