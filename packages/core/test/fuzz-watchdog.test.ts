// The fuzzer's own machinery: the watchdog calls a hang and goes on with a new worker, a worker that dies or a
// property that throws is a crash of that input only, every other input still runs; inputs are reproducible from
// (seed, index).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCorpus } from './fuzz/corpus.ts';
import { generateInput, sweepCount } from './fuzz/generate.ts';
import type { FuzzInput } from './fuzz/inputs.ts';
import { runFuzz } from './fuzz/run.ts';

const SELF_TEST = new URL('./fuzz/self-test-property.ts', import.meta.url).href;

describe('fuzz machinery', { timeout: 120_000 }, () => {
  it('a hang is called after the bound, the worker replaced, and the run goes on; throws and deaths are crashes', async () => {
    const bases = ['ok', 'hang', 'ok', 'throw', 'ok', 'die', 'ok', 'fail', 'hang', 'ok'];
    const inputs: FuzzInput[] = bases.map((base, index) => ({
      index,
      kind: 'document',
      base,
      ops: [],
      data: '<a/>',
    }));
    const s = await runFuzz({
      seed: 0,
      inputs,
      modules: [SELF_TEST],
      oracles: false,
      hangMs: 1_000,
      examplesPerGroup: 10,
    });
    assert.equal(s.inputs, bases.length);
    assert.equal(s.hangs, 2);
    assert.equal(s.crashes, 2);
    assert.equal(s.propertyFailures, 1);
    assert.equal(s.workers, 4, 'one worker to start, one after each hang and after the death');
    const indices = (type: string) =>
      s.groups
        .filter((g) => g.type === type)
        .flatMap((g) => g.examples.map((e) => e.index))
        .sort();
    assert.deepEqual(indices('hang'), [1, 8]);
    assert.deepEqual(indices('crash'), [3, 5]);
    const died = s.groups.find((g) => g.property === 'worker');
    assert.match(died?.message ?? '', /died in property self-test/);
  });

  it('an input is the same from the same seed and index, and differs between seeds', () => {
    const corpus = buildCorpus();
    const first = sweepCount(corpus);
    for (const index of [0, 300, first - 1, first, first + 17, first + 500]) {
      assert.deepEqual(generateInput(corpus, 7, index), generateInput(corpus, 7, index), `index ${index}`);
    }
    const differing = [first, first + 1, first + 2].filter(
      (i) => JSON.stringify(generateInput(corpus, 7, i)) !== JSON.stringify(generateInput(corpus, 8, i)),
    );
    assert.ok(differing.length > 0);
  });
});
