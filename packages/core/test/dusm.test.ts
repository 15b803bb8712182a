// DUSM Cost (reference schemas/dusm): a document of its own, validated against dusm-v1.xsd with xmllint's verdict,
// plus the DUSM reference's constraints the XSD cannot state; and no CarrierProvisioning element can hold it (K-17).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  buildCost,
  type Cost,
  MAX_DUSM_VALUE,
  NS,
  parseCost,
  validateCost,
  validateDocument,
} from '../src/index.ts';

const schemaDir = fileURLToPath(new URL('../schema/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mbprov-dusm-'));
let n = 0;

/** xmllint's verdict on a document against one of the bundled schemas. */
function xmllint(xml: string, schema: string): boolean {
  const file = join(dir, `doc-${n++}.xml`);
  writeFileSync(file, xml);
  return spawnSync('xmllint', ['--noout', '--schema', join(schemaDir, schema), file]).status === 0;
}

const full: Cost = {
  PlanType: 'Fixed',
  OverDataLimit: true,
  UsageInMegabytes: { value: 2048, Timestamp: '2026-11-21T08:00:00Z' },
  DataLimitInMegabytes: 2048,
  BillingCycle: { StartDate: '2026-11-01T00:00:00Z', Duration: 'P30D' },
  BandwidthInKbps: 0,
  CarrierPolicy: { UserSMSEnabled: true },
};

const cost = (body: string, attrs = 'PlanType="Fixed"') =>
  `<?xml version="1.0" encoding="utf-8"?>\n<Cost xmlns="${NS.dusm}" ${attrs}>${body}</Cost>\n`;

describe('DUSM Cost documents', () => {
  it('a built Cost is valid, and xmllint agrees', () => {
    const xml = buildCost(full);
    const result = validateCost(xml);
    assert.deepEqual(result.diagnostics, []);
    assert.equal(result.valid, true);
    assert.equal(xmllint(xml, 'dusm-v1.xsd'), true);
    assert.deepStrictEqual(parseCost(xml).model, full);
  });

  const cases: Array<[string, string, boolean]> = [
    ['no PlanType', cost('', ''), false],
    ['PlanType outside the enumeration', cost('', 'PlanType="Capped"'), false],
    [
      'DataLimitInMegabytes 0 (positiveInteger)',
      cost('<DataLimitInMegabytes>0</DataLimitInMegabytes>'),
      false,
    ],
    ['UsageInMegabytes without Timestamp', cost('<UsageInMegabytes>1</UsageInMegabytes>'), false],
    [
      'children out of order',
      cost('<BandwidthInKbps>1</BandwidthInKbps><DataLimitInMegabytes>1</DataLimitInMegabytes>'),
      false,
    ],
    [
      'BillingCycle Duration PT0S',
      cost('<BillingCycle StartDate="2026-11-01T00:00:00Z" Duration="PT0S"/>'),
      false,
    ],
    ['an empty CarrierPolicy', cost('<CarrierPolicy/>', 'PlanType="Unrestricted"'), true],
    [
      'Variable with usage',
      cost('<UsageInMegabytes Timestamp="2026-11-21T00:00:00Z">0</UsageInMegabytes>', 'PlanType="Variable"'),
      true,
    ],
  ];
  for (const [title, xml, valid] of cases) {
    it(`${title}: ${valid ? 'valid' : 'invalid'}, as xmllint says`, () => {
      assert.equal(xmllint(xml, 'dusm-v1.xsd'), valid);
      const result = validateCost(xml);
      assert.equal(result.schemaValid, valid, JSON.stringify(result.diagnostics));
      assert.equal(result.valid, valid);
    });
  }

  it('numbers above 2^32 are MBPROV_DUSM_VALUE_TOO_HIGH although the XSD accepts them; 2^32 itself is allowed', () => {
    const over = validateCost(buildCost({ PlanType: 'Fixed', DataLimitInMegabytes: MAX_DUSM_VALUE + 1 }));
    assert.equal(over.schemaValid, true);
    assert.equal(over.valid, false);
    assert.deepEqual(
      over.diagnostics.map((d) => [d.code, d.path, d.line]),
      [['MBPROV_DUSM_VALUE_TOO_HIGH', '/Cost/DataLimitInMegabytes', 3]],
    );
    const usage = validateCost(
      buildCost({
        PlanType: 'Fixed',
        UsageInMegabytes: { value: MAX_DUSM_VALUE + 1, Timestamp: '2026-11-21T00:00:00Z' },
      }),
    );
    assert.deepEqual(
      usage.diagnostics.map((d) => d.code),
      ['MBPROV_DUSM_VALUE_TOO_HIGH'],
    );
    assert.equal(validateCost(buildCost({ PlanType: 'Fixed', BandwidthInKbps: MAX_DUSM_VALUE })).valid, true);
  });

  it('a date not in UTC is a warning (MBPROV_DUSM_NOT_UTC), the document stays valid', () => {
    const result = validateCost(
      buildCost({
        PlanType: 'Fixed',
        BillingCycle: { StartDate: '2026-11-01T00:00:00+09:00', Duration: 'P1M' },
      }),
    );
    assert.equal(result.valid, true);
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.severity]),
      [['MBPROV_DUSM_NOT_UTC', 'warning']],
    );
  });

  it('another root is MBPROV_XML_WRONG_ROOT', () => {
    const result = validateCost(`<Cost PlanType="Fixed"/>`);
    assert.equal(result.valid, false);
    assert.deepEqual(
      result.diagnostics.map((d) => d.code),
      ['MBPROV_XML_WRONG_ROOT'],
    );
  });

  it('a CarrierProvisioning document cannot hold a Cost: in Extensions it is invalid, as xmllint says (K-17)', () => {
    const body = buildCost(full, { declaration: false }).trim();
    const xml = [
      '<?xml version="1.0" encoding="utf-8"?>',
      `<CarrierProvisioning xmlns="${NS.cc}">`,
      '  <Global><CarrierId>{00000000-1111-2222-3333-444444444444}</CarrierId><SubscriberId>310260123456789</SubscriberId></Global>',
      `  <Extensions>${body}</Extensions>`,
      '</CarrierProvisioning>',
      '',
    ].join('\n');
    assert.equal(xmllint(xml, 'carrier-control-v1.xsd'), false);
    const result = validateDocument(xml);
    assert.equal(result.schemaValid, false);
    assert.equal(result.valid, false);
    assert.match(result.diagnostics[0]?.message ?? '', /strict wildcard/);
  });
});
