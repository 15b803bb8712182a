// The simulator answers in ResultsSchema v1 (Windows 8) when asked and in v2 (Windows 8.1 and later) by default;
// both answers conform to their schema (docs/simulator.md, *Result*).
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseXmlSafely, trustedCertificateEntry, validateXsd } from '@mbprov/core';
import { Machine, parseMachineState, RESULTS_V1, RESULTS_V2 } from '../src/index.ts';
import { certificates, doc, NOW, purchaseDocument, signed, wlan, xml } from './helpers/documents.ts';

let certs: Awaited<ReturnType<typeof certificates>>;
before(async () => {
  certs = await certificates();
});

function schemaErrors(text: string, kind: 'resultV1' | 'resultV2'): string[] {
  const parsed = parseXmlSafely(text);
  assert.ok(parsed.ok);
  try {
    return validateXsd(parsed.xml, kind).map((d) => d.message);
  } finally {
    parsed.xml.dispose();
  }
}

describe('CarrierProvisioningResult v1 and v2', () => {
  it('a Windows 8 PC answers a refresh in v1 too: the version asked for first is remembered, in the saved state as well', async () => {
    const m = Machine.create({ now: NOW, trustedRoots: [certs.ev.root.certificatePem] });
    const model = purchaseDocument();
    model.Provisioning = {
      TrustedCertificates: { TrustedCertificate: [trustedCertificateEntry(certs.ev.signer.certificate)] },
      RefreshParameters: { DelayInDays: 30, RefreshURL: 'https://portal.example/refresh/1' },
    };
    assert.match(m.provision(xml(model), { source: 'app', results: 'v1' }).xml, new RegExp(RESULTS_V1));
    // As `mbprov sim` does between commands: the state goes through JSON.
    const pc = new Machine(parseMachineState(JSON.stringify(m.state)));
    pc.advanceDays(30);
    const usage = doc({
      Plans: {
        Plan: [{ Name: 'Monthly', Usage: { CurrentUsage: 700, UsageTimestamp: '2026-12-21T00:00:00Z' } }],
      },
    });
    const [attempt] = await pc.runDueRefreshes(async () => ({
      status: 200,
      headers: { get: () => null },
      text: async () => signed(usage, certs.ev),
    }));
    const answer = attempt?.outcome?.xml ?? '';
    assert.equal(attempt?.outcome?.ok, true, answer);
    assert.match(answer, new RegExp(`xmlns="${RESULTS_V1}"`));
    assert.match(answer, /<Signature errorCode="00000000">/);
    assert.deepEqual(schemaErrors(answer, 'resultV1'), []);
    // A PC never asked answers in v2, refreshes included (the default of Windows 8.1 and later).
    assert.equal(Machine.create({ now: NOW }).state.resultsVersion, undefined);
    assert.throws(
      () => parseMachineState(JSON.stringify({ ...m.state, resultsVersion: 'v3' })),
      /MBPROV_SIM_STATE_INVALID|resultsVersion/,
    );
  });

  it('answers in v2 by default', () => {
    const outcome = Machine.create({ now: NOW }).provision(xml(purchaseDocument()), { source: 'app' });
    assert.match(outcome.xml, new RegExp(`xmlns="${RESULTS_V2}"`));
    assert.match(outcome.xml, /<Plans>/);
    assert.deepEqual(schemaErrors(outcome.xml, 'resultV2'), []);
  });

  it('answers in v1 when asked: no Plans, WLANProfile Name, unnamed MBN profiles, a Signature element; valid against results-v1.xsd', () => {
    const outcome = Machine.create({ now: NOW }).provision(xml(purchaseDocument()), {
      source: 'app',
      results: 'v1',
    });
    assert.equal(outcome.ok, true);
    assert.equal(
      outcome.xml,
      [
        '<?xml version="1.0" encoding="utf-8"?>',
        `<CarrierProvisioningResult xmlns="${RESULTS_V1}">`,
        '  <Issuer>{00000000-1111-2222-3333-444444444444}</Issuer>',
        '  <Subscriber>310260123456789</Subscriber>',
        '  <MBNProfiles>',
        '    <DefaultProfile errorCode="00000000"/>',
        '  </MBNProfiles>',
        '  <WLANProfiles>',
        '    <WLANProfile errorCode="00000000" Name="Contoso Hotspot"/>',
        '  </WLANProfiles>',
        '  <Signature errorCode="00000000"/>',
        '</CarrierProvisioningResult>',
        '',
      ].join('\n'),
    );
    // The plan is still applied; only the v1 schema has no element to report it.
    assert.equal(outcome.result.Plans?.items[0]?.name, 'Monthly');
    assert.deepEqual(schemaErrors(outcome.xml, 'resultV1'), []);
    assert.notDeepEqual(schemaErrors(outcome.xml, 'resultV2'), []);
  });

  it('v1 of a signed document names the signer: Subject, and as Thumbprint the SignatureValue ("Contains the SignatureValue element of the Signature")', () => {
    const m = Machine.create({
      now: NOW,
      trustedRoots: [certs.ev.root.certificatePem],
      hardwareCertificates: [trustedCertificateEntry(certs.ev.signer.certificate)],
    });
    const document = signed(purchaseDocument(), certs.ev);
    const outcome = m.provision(document, { source: 'website', results: 'v1' });
    const signer = outcome.signer?.signer;
    assert.ok(signer);
    const signatureValue = /<SignatureValue>([^<]+)<\/SignatureValue>/
      .exec(document)?.[1]
      ?.replace(/\s+/g, '');
    assert.ok(signatureValue);
    assert.match(outcome.xml, /<Signature errorCode="00000000">\n {4}<Subject>[^<]+<\/Subject>/);
    const thumbprint = /<Thumbprint>([^<]+)<\/Thumbprint>/.exec(outcome.xml)?.[1];
    assert.equal(thumbprint, signatureValue);
    // Not the certificate's SHA-1, which the name might suggest.
    assert.notEqual(thumbprint, Buffer.from(signer.thumbprint, 'hex').toString('base64'));
    assert.deepEqual(schemaErrors(outcome.xml, 'resultV1'), []);
  });

  it('v1 of a failed section and of Provisioning and Activation sections is valid too', () => {
    const m = Machine.create({ now: NOW });
    m.state.capabilities.wlanServiceRunning = false;
    const outcome = m.provision(
      xml(
        doc({
          Activation: { ReconnectToNetwork: {} },
          WLANProfiles: { WLANProfile: [wlan('A'), wlan('B')] },
          Provisioning: { RefreshParameters: { RefreshURL: 'https://example.com/r', DelayInDays: 7 } },
        }),
      ),
      { source: 'app', results: 'v1' },
    );
    assert.deepEqual(schemaErrors(outcome.xml, 'resultV1'), []);
    assert.match(outcome.xml, /<Activation errorCode="[0-9a-f]{8}"\/>/);
    assert.match(outcome.xml, /<WLANProfiles errorCode="8[0-9a-f]{7}"\/>/);
    assert.match(outcome.xml, /<Provisioning>\n {4}<RefreshParameters errorCode="00000000"\/>/);
  });
});
