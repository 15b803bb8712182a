// Diagnostics point at the element: line, column of its start tag, and an element path.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDiagnostic, validateDocument } from '../src/index.ts';

const xml = `<?xml version="1.0" encoding="utf-8"?>
<CarrierProvisioning xmlns="http://www.microsoft.com/networking/CarrierControl/v1">
  <Global><CarrierId>{00000000-1111-2222-3333-444444444444}</CarrierId><SubscriberId>1234567890</SubscriberId></Global>
  <WLANProfiles>
    <WLANProfile xmlns="http://www.microsoft.com/networking/CarrierControl/WLAN/v1"><name>A</name><AssociatedPlan>P</AssociatedPlan>
      <SSIDConfig><SSID><name>A</name></SSID></SSIDConfig></WLANProfile>
    <w:WLANProfile xmlns:w="http://www.microsoft.com/networking/CarrierControl/WLAN/v1"><w:name>B</w:name><w:AssociatedPlan>Missing</w:AssociatedPlan>
      <w:SSIDConfig><w:SSID><w:name>B</w:name></w:SSID></w:SSIDConfig><w:Bogus/></w:WLANProfile>
  </WLANProfiles>
  <Plans><Plan xmlns="http://www.microsoft.com/networking/CarrierControl/Plans/v1" Name="P"><Description PlanType="Unrestricted"/></Plan></Plans>
</CarrierProvisioning>
`;

describe('diagnostic locations', () => {
  const result = validateDocument(xml);

  it('locates a semantic error by line, column and path, with prefixed elements', () => {
    const d = result.diagnostics.find((x) => x.code === 'MBPROV_PLAN_MISSING');
    const column = (xml.split('\n')[6] as string).indexOf('<w:AssociatedPlan') + 1;
    assert.deepEqual(
      { line: d?.line, column: d?.column, path: d?.path },
      { line: 7, column, path: '/CarrierProvisioning/WLANProfiles/WLANProfile[2]/AssociatedPlan' },
    );
  });

  it('locates a schema error on the offending element', () => {
    const d = result.diagnostics.find((x) => x.code === 'MBPROV_SCHEMA_INVALID');
    assert.equal(d?.line, 8);
    assert.equal(
      xml
        .split('\n')[7]
        ?.slice((d?.column ?? 0) - 1)
        .startsWith('<w:Bogus'),
      true,
    );
    assert.match(d?.message ?? '', /wlan:Bogus/);
  });

  it('formats as file:line:col: severity CODE: message, sorted by position', () => {
    const lines = result.diagnostics.map((d) => formatDiagnostic('doc.xml', d));
    assert.match(
      lines[0] ?? '',
      /^doc\.xml:7:107: error MBPROV_PLAN_MISSING: WLANProfile "B" names plan "Missing"/,
    );
    assert.match(lines[1] ?? '', /^doc\.xml:8:\d+: error MBPROV_SCHEMA_INVALID: /);
  });
});
