// The standing fuzzer: the fixed sweeps (every seed unmutated, edits at every position of the small documents,
// every encoding) plus seeded random structure-aware mutations, each under the watchdog, with xmllint and xmlsec1 as
// oracles (packages/core/test/fuzz/). Sized for about 40 s on two cores; the long run is `npm run fuzz`.
// MBPROV_FUZZ_SEED and MBPROV_FUZZ_INPUTS (random inputs after the sweeps) change the run; a failure names the
// inputs (seed, index, mutations), and `npm run fuzz -- --seed S --from I --count 1 --dump` writes one out.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { buildCorpus } from './fuzz/corpus.ts';
import type { FindingType } from './fuzz/findings.ts';
import { sweepCount } from './fuzz/generate.ts';
import { runFuzz } from './fuzz/run.ts';
import { type FuzzSummary, formatSummary } from './fuzz/stats.ts';

const SEED = Number(process.env.MBPROV_FUZZ_SEED ?? 20261121);
const RANDOM_INPUTS = Number(process.env.MBPROV_FUZZ_INPUTS ?? 900);

let summary: FuzzSummary;

function groupsOf(type: FindingType): string {
  const lines = summary.groups
    .filter((g) => g.type === type)
    .map(
      (g) =>
        `${g.property} x${g.count}: ${g.message}\n${g.examples.map((e) => `    #${e.index} ${e.kind} ${e.base} [${e.ops.join(', ')}]`).join('\n')}`,
    );
  return `seed ${SEED}:\n${lines.join('\n')}`;
}

describe(`fuzz (seed ${SEED})`, { timeout: 900_000 }, () => {
  before(
    async () => {
      const corpus = buildCorpus();
      assert.deepEqual(corpus.skipped, [], 'xmlsec1 signed every template');
      summary = await runFuzz({
        seed: SEED,
        count: sweepCount(corpus) + RANDOM_INPUTS,
        corpus,
        hangMs: 10_000,
      });
      console.log(formatSummary(summary));
    },
    { timeout: 900_000 },
  );

  it('ran every input, documents and signatures', () => {
    assert.ok(summary.documents > 0 && summary.signatures > 0);
    assert.ok(summary.oracleCalls.xmllint > 0 && summary.oracleCalls.xmlsec1 > 0);
  });
  it('no input makes validateDocument, parseDocument or verifyDocument throw', () => {
    assert.equal(summary.crashes, 0, groupsOf('crash'));
  });
  it('no input hangs (10 s per input)', () => {
    assert.equal(summary.hangs, 0, groupsOf('hang'));
  });
  it('the functions agree with each other, strings with non-XML characters are refused, signer policy holds', () => {
    assert.equal(summary.propertyFailures, 0, groupsOf('property'));
  });
  it('verifyDocument never accepts what xmlsec1 refuses, and refuses what it accepts only for named reasons', () => {
    assert.equal(summary.xmlsec1Disagreements, 0, groupsOf('xmlsec1'));
  });
  it("the XSD verdict is xmllint's, except the named pre-parse refusals", () => {
    assert.equal(summary.xmllintDisagreements, 0, groupsOf('xmllint'));
  });
});
