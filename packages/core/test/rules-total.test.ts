// validateDocument and parseDocument are total: no input throws. The semantic rules run on the model as read from
// any well-formed tree (documents the schema rejects included, so a rule can give a clearer message than libxml2),
// so they must cope with every part missing; the model reader must cope with every tree the parser accepts.
// Checked three ways: seeded structure-aware mutants of the reference fixtures, pinned regressions (one fixture
// per crash found, fixtures/regressions/, each saying what it caught), and the rules on models with every part
// present but empty. (The larger standing fuzzer of the whole library is in the fuzz* tests.)
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  type Code,
  carrierProvisioningSpec,
  checkRules,
  codes,
  type Diagnostic,
  parseDocument,
  parseXmlSafely,
  validateDocument,
  validateXsd,
} from '../src/index.ts';
import type { ElementSpec } from '../src/model/spec.ts';
import { MUTATIONS, mutate, parseTree, serializeTree, type Tree } from './helpers/mutate-xml.ts';
import { seededRandom } from './helpers/random.ts';

const referenceDir = new URL('./fixtures/reference/', import.meta.url);
const regressionDir = new URL('./fixtures/regressions/', import.meta.url);
const fixtures = readdirSync(referenceDir)
  .filter((name) => name.endsWith('.xml'))
  .map((name) => ({ name, text: readFileSync(new URL(name, referenceDir), 'utf8') }));

/** The schema's own verdict, independent of the rules: errors of the corrected XSDs (or of parsing). */
function schemaErrors(xml: string): Diagnostic[] {
  const parsed = parseXmlSafely(xml);
  if (!parsed.ok) return parsed.diagnostics;
  try {
    return validateXsd(parsed.xml);
  } finally {
    parsed.xml.dispose();
  }
}

/** Runs both entry points on an input; fails with the input and how it was made when either throws. */
function assertTotal(xml: string, how: string): ReturnType<typeof validateDocument> {
  let validated: ReturnType<typeof validateDocument>;
  try {
    validated = validateDocument(xml);
    parseDocument(xml);
  } catch (error) {
    assert.fail(`${how} threw ${(error as Error).stack}\n--- input ---\n${xml}`);
  }
  for (const d of validated.diagnostics)
    assert.ok(d.code in codes, `${d.code} is not in the catalog (${how})`);
  return validated;
}

describe('validateDocument and parseDocument never throw', () => {
  it('on 4,000 structure-aware mutants of the reference fixtures (seeded)', { timeout: 120_000 }, () => {
    const seed = 20_260_601;
    const random = seededRandom(seed);
    // Whole documents are mutated; fragments and result documents only give elements to graft and names to use.
    const donors: Tree[] = fixtures.map((f) => parseTree(f.text));
    const documents = fixtures.filter((f) => parseTree(f.text).root.name === 'CarrierProvisioning');
    const seen = new Set<string>();
    let modelled = 0;
    let schemaRejected = 0;
    for (let i = 0; i < 4000; i++) {
      const fixture = documents[Math.floor(random() * documents.length)] as (typeof fixtures)[number];
      const tree = parseTree(fixture.text);
      const steps: string[] = [];
      for (let s = 1 + Math.floor(random() * 3); s > 0; s--) steps.push(mutate(tree, random, donors));
      for (const step of steps) seen.add(step.split(' ')[0] as string);
      const xml = serializeTree(tree);
      const how = `mutant ${i} of seed ${seed}: ${fixture.name} | ${steps.join(' | ')}`;
      const result = assertTotal(xml, how);
      if (result.model) modelled++;
      if (result.model && result.diagnostics.some((d) => d.code === 'MBPROV_SCHEMA_INVALID'))
        schemaRejected++;
      // Never an error swallowed into "valid": what the schema refuses is never valid.
      if (result.valid) assert.deepEqual(schemaErrors(xml), [], `${how} is valid but the schema refuses it`);
    }
    // The mutants reach the rules: most are read into a model, and many of those break the schema.
    assert.ok(modelled > 3000, `only ${modelled} mutants were read into a model`);
    assert.ok(schemaRejected > 1500, `only ${schemaRejected} read mutants break the schema`);
    assert.ok(seen.size >= 10, `mutations used: ${[...seen].join(', ')} (of ${MUTATIONS.join(', ')})`);
  });
});

/** What each regression fixture must give now (and it threw or misreported before). */
const regressions: Record<string, { codes: Code[]; absent?: Code[]; path?: string }> = {
  'wlan-without-authencryption.xml': {
    codes: ['MBPROV_SCHEMA_INVALID'],
    path: '/CarrierProvisioning/WLANProfiles/WLANProfile/MSM/security',
  },
  'wlan-authentication-constructor.xml': {
    codes: ['MBPROV_SCHEMA_INVALID'],
    path: '/CarrierProvisioning/WLANProfiles/WLANProfile/MSM/security/authEncryption/authentication',
  },
  'usage-timestamp-without-format.xml': {
    codes: ['MBPROV_SCHEMA_INVALID'],
    path: '/CarrierProvisioning/MBNProfiles/Messages/Message/Fields/UsageTimestamp',
  },
  'relative-namespace-extension.xml': {
    codes: ['MBPROV_SCHEMA_INVALID'],
    path: '/CarrierProvisioning/Global/Extra',
  },
  'relative-namespace-onex.xml': {
    codes: ['MBPROV_XML_NOT_CANONICALIZABLE'],
    path: '/CarrierProvisioning/WLANProfiles/WLANProfile/MSM/security/OneX',
  },
  'delay-not-a-number.xml': {
    codes: ['MBPROV_SCHEMA_INVALID'],
    absent: ['MBPROV_REFRESH_DELAY_RANGE'],
    path: '/CarrierProvisioning/Provisioning/RefreshParameters/DelayInDays',
  },
  'usage-over-limit-without-timestamp.xml': {
    codes: ['MBPROV_SCHEMA_INVALID', 'MBPROV_PLAN_USAGE_OVER_LIMIT'],
    absent: ['MBPROV_PLAN_BAD_TIMESTAMP'],
    path: '/CarrierProvisioning/Plans/Plan/Usage',
  },
};

describe('pinned regressions (fixtures/regressions/)', () => {
  const files = readdirSync(regressionDir).filter((name) => name.endsWith('.xml'));

  it('every regression fixture is pinned here and says what it caught', () => {
    assert.deepEqual(files.sort(), Object.keys(regressions).sort());
    for (const file of files)
      assert.match(readFileSync(new URL(file, regressionDir), 'utf8'), /<!-- Caught: /, file);
  });

  for (const [file, expected] of Object.entries(regressions)) {
    it(`${file}: ${expected.codes.join(', ')} at ${expected.path}`, () => {
      const xml = readFileSync(new URL(file, regressionDir), 'utf8');
      const result = assertTotal(xml, file);
      assert.equal(result.valid, false);
      for (const code of expected.codes)
        assert.ok(
          result.diagnostics.some((d) => d.code === code && d.path === expected.path),
          `${code} at ${expected.path}: ${JSON.stringify(result.diagnostics, null, 1)}`,
        );
      for (const code of expected.absent ?? [])
        assert.ok(!result.diagnostics.some((d) => d.code === code), `${code} must not be reported`);
      const parsed = parseDocument(xml);
      assert.ok(parsed.model, 'the document is still read into a model');
    });
  }

  it('a relative namespace URI in a kept fragment is a named reading problem of parseDocument', () => {
    const parsed = parseDocument(readFileSync(new URL('relative-namespace-extension.xml', regressionDir)));
    assert.deepEqual(
      parsed.diagnostics.map((d) => [d.code, d.path]),
      [['MBPROV_XML_NOT_CANONICALIZABLE', '/CarrierProvisioning/Global/Extra']],
    );
    assert.deepEqual(parsed.model?.Global.any, undefined, 'the fragment is left out, not kept half-read');
  });
});

/** A model with every element of the spec present once, each empty: records without values, one-item lists. */
function hollow(spec: ElementSpec, depth = 0): unknown {
  if (spec.text || spec.opaque || depth > 12) return undefined;
  const record: Record<string, unknown> = {};
  for (const child of spec.children ?? []) {
    const value = hollow(child, depth + 1);
    if (value === undefined) continue;
    record[child.key ?? child.name] = child.many ? [value, value] : value;
  }
  return record;
}

describe('the rules cope with whatever is missing', () => {
  it('an empty model, and one with every element present but empty (twice where repeated)', () => {
    assert.doesNotThrow(() => checkRules({}));
    const model = hollow(carrierProvisioningSpec) as Parameters<typeof checkRules>[0];
    assert.ok(model.WLANProfiles?.WLANProfile?.[0]?.MSM?.security, 'the hollow model reaches deep elements');
    assert.doesNotThrow(() => checkRules(model));
  });

  it('models with a random half of the hollow model left out (seeded)', () => {
    const random = seededRandom(7);
    const prune = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(prune);
      if (!value || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value)
          .filter(() => random() < 0.5)
          .map(([k, v]) => [k, prune(v)]),
      );
    };
    for (let i = 0; i < 500; i++) {
      const model = prune(hollow(carrierProvisioningSpec)) as Parameters<typeof checkRules>[0];
      assert.doesNotThrow(() => checkRules(model), JSON.stringify(model));
    }
  });
});
