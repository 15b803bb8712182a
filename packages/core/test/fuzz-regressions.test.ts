// Every input the fuzzer found failing is kept in fixtures/fuzz-regressions/ (NAME.xml or NAME.bin, and NAME.json
// saying what it caught) and runs here through core's properties and both oracles, under the watchdog, every time.
// The simulator's property runs them in packages/simulator/test/fuzz.test.ts.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type Finding, loadFixtures } from './fuzz/findings.ts';
import { runFuzz } from './fuzz/run.ts';

const fixtures = loadFixtures();
const found = new Map<number, Finding[]>();

describe('fuzz regression fixtures', { timeout: 600_000 }, () => {
  before(
    async () => {
      const summary = await runFuzz({
        seed: 0,
        inputs: fixtures.map((f) => f.input),
        hangMs: 10_000,
        examplesPerGroup: Number.POSITIVE_INFINITY,
      });
      for (const g of summary.log.groups.values()) {
        for (const e of g.examples) {
          const list = found.get(e.index) ?? [];
          list.push({ type: g.type, property: g.property, message: g.message, input: e });
          found.set(e.index, list);
        }
      }
      assert.equal(summary.inputs, fixtures.length, 'every fixture ran');
    },
    { timeout: 600_000 },
  );

  it('has fixtures', () => {
    assert.ok(fixtures.length > 0);
  });
  for (const f of fixtures) {
    it(`${f.name}: ${f.note.caught.slice(0, 140)}`, () => {
      const findings = found.get(f.input.index) ?? [];
      assert.deepEqual(
        findings.map((x) => `${x.type} ${x.property}: ${x.message}`),
        [],
      );
    });
  }
});
