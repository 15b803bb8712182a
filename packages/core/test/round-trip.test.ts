// Build and parse are inverse: parse(build(m)) equals m, and build(parse(x)) validates, for every fixture.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { XmlC14NMode } from 'libxml2-wasm';
import { writeElement } from '../src/document/write.ts';
import {
  buildCost,
  buildDocument,
  type Cost,
  carrierProvisioningSpec,
  costSpec,
  parseCost,
  parseDocument,
  parseXmlSafely,
  schemaDir,
  validateCost,
  validateDocument,
} from '../src/index.ts';
import { canonicalFragment } from '../src/signature/canonicalize.ts';
import { fullModel, minimalModel } from './helpers/samples.ts';

const dir = new URL('./fixtures/reference/', import.meta.url);
const validFixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.xml'))
  .filter((f) => validateDocument(readFileSync(new URL(f, dir))).valid);

describe('model round trips', () => {
  it('parse(build(m)) equals m for a document using every section', () => {
    const model = fullModel();
    const xml = buildDocument(model);
    const parsed = parseDocument(xml);
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepStrictEqual(parsed.model, model);
  });

  it('the built full document validates without errors', () => {
    const result = validateDocument(buildDocument(fullModel()));
    assert.deepEqual(
      result.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.equal(result.valid, true);
  });

  it('the full sample carries Passpoint (Hotspot2) through build and parse, and xmllint finds it valid', () => {
    const xml = buildDocument(fullModel());
    assert.match(xml, /<Hotspot2 xmlns="http:\/\/www.microsoft.com\/networking\/WLAN\/profile\/v1">/);
    const hs = parseDocument(xml).model?.WLANProfiles?.WLANProfile[1]?.MSM?.security?.Hotspot2;
    assert.deepEqual(hs, fullModel().WLANProfiles?.WLANProfile[1]?.MSM?.security?.Hotspot2);
    assert.ok(hs?.RoamingConsortium?.OUI.length);
    const dirName = mkdtempSync(join(tmpdir(), 'mbprov-full-'));
    try {
      const file = join(dirName, 'full.xml');
      writeFileSync(file, xml);
      const lint = spawnSync(
        'xmllint',
        ['--noout', '--schema', join(schemaDir, 'carrier-control-v1.xsd'), file],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(lint.status, 0, lint.stderr);
    } finally {
      rmSync(dirName, { recursive: true, force: true });
    }
  });

  it('parse(build(m)) equals m for the minimal document, compact or indented', () => {
    for (const indent of ['', '  ', '\t']) {
      assert.deepStrictEqual(parseDocument(buildDocument(minimalModel(), { indent })).model, minimalModel());
    }
  });

  it('writes sections in schema order whatever the order of the model keys', () => {
    const m = fullModel();
    const reversed = Object.fromEntries(Object.entries(m).reverse()) as typeof m;
    const xml = buildDocument(reversed);
    const order = [
      '<Global',
      '<Activation',
      '<MBNProfiles',
      '<WLANProfiles',
      '<Plans',
      '<Provisioning',
      '<Extensions',
    ].map((t) => xml.indexOf(t));
    assert.deepEqual(
      [...order].sort((a, b) => a - b),
      order,
    );
    assert.equal(xml, buildDocument(m));
  });

  it('escapes markup in text and attributes and reads it back', () => {
    const m = minimalModel();
    m.Plans = {
      Plan: [
        {
          Name: 'A "quoted" <plan> & more',
          Usage: { CurrentUsage: 1, UsageTimestamp: '2026-01-01T00:00:00Z' },
        },
      ],
    };
    const xml = buildDocument(m);
    assert.ok(xml.includes('Name="A &quot;quoted&quot; &lt;plan> &amp; more"'));
    assert.deepStrictEqual(parseDocument(xml).model, m);
  });

  it('keeps OneX configuration and unknown extension elements intact as XML', () => {
    const m = fullModel();
    const oneX = m.WLANProfiles?.WLANProfile[1]?.MSM?.security?.OneX;
    const parsed = parseDocument(buildDocument(m)).model;
    assert.equal(parsed?.WLANProfiles?.WLANProfile[1]?.MSM?.security?.OneX, oneX);
    m.Global.any = ['<Tag xmlns="urn:example:operator">value</Tag>'];
    assert.deepStrictEqual(parseDocument(buildDocument(m)).model, m);
  });

  it('canonical writing gives text that Canonical XML 1.0 leaves unchanged (what signModel digests)', () => {
    const models = [
      fullModel(),
      minimalModel(),
      ...validFixtures.map((f) => parseDocument(readFileSync(new URL(f, dir))).model),
    ];
    for (const model of models) {
      assert.ok(model);
      const text = writeElement(carrierProvisioningSpec, model, null, {
        canonical: { fragment: canonicalFragment },
      });
      const parsed = parseXmlSafely(text);
      assert.ok(parsed.ok);
      try {
        assert.equal(parsed.xml.doc.canonicalizeToString({ mode: XmlC14NMode.XML_C14N_1_0 }), text);
      } finally {
        parsed.xml.dispose();
      }
    }
  });

  it('an empty WLANProfiles section survives as an empty list (it means: delete all)', () => {
    const m = minimalModel();
    m.WLANProfiles = { WLANProfile: [] };
    const xml = buildDocument(m);
    assert.match(xml, /<WLANProfiles\/>/);
    assert.deepStrictEqual(parseDocument(xml).model, m);
  });

  for (const file of validFixtures) {
    it(`build(parse(x)) validates and is stable for ${file}`, () => {
      const parsed = parseDocument(readFileSync(new URL(file, dir)));
      assert.ok(parsed.model);
      const rebuilt = buildDocument(parsed.model);
      const result = validateDocument(rebuilt);
      assert.equal(result.valid, true, JSON.stringify(result.diagnostics));
      assert.deepStrictEqual(parseDocument(rebuilt).model, parsed.model);
    });
  }
});

describe('DUSM Cost round trips', () => {
  const cost: Cost = {
    OverDataLimit: false,
    Congested: true,
    PlanType: 'Fixed',
    UsageInMegabytes: { value: 1024, Timestamp: '2026-11-21T08:00:00Z' },
    DataLimitInMegabytes: 10240,
    BillingCycle: { StartDate: '2026-11-01T00:00:00Z', Duration: 'P1M', Resets: true },
    BandwidthInKbps: 50000,
    MaxDownloadFileSizeInMegabytes: 25,
    CarrierPolicy: { SecurityUpdatesExempt: true, UserSMSEnabled: false },
  };

  it('parseCost(buildCost(m)) equals m, with every element, and the text validates', () => {
    const xml = buildCost(cost);
    const parsed = parseCost(xml);
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepStrictEqual(parsed.model, cost);
    const result = validateCost(xml);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.valid, true);
  });

  it('the smallest Cost (PlanType only) and canonical writing round-trip', () => {
    const minimal: Cost = { PlanType: 'Unrestricted' };
    assert.deepStrictEqual(parseCost(buildCost(minimal)).model, minimal);
    const canonical = writeElement(costSpec, cost, null, {
      indent: '',
      canonical: { fragment: canonicalFragment },
    });
    assert.deepStrictEqual(parseCost(canonical).model, cost);
  });
});
