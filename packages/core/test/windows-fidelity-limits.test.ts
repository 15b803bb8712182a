// Issue 12 ("Windows fidelity"): verdicts that follow the published schema and pages where mbprov was stricter or
// looser than they are. Each case was decided in docs/validation.md ("Decisions where the documents are silent or
// wrong") and failed before that decision: a DefaultProfile without AccessString, an undocumented UsageTimestamp
// identifier, a Branding logo of another format, more than ten WLAN profiles or 10,000 SSIDs, and IDN TrustedDomains.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildDocument,
  type CarrierProvisioning,
  evaluateOperatorMessage,
  isTrustedDomain,
  validateDocument,
} from '../src/index.ts';
import { fullModel } from './helpers/samples.ts';

type Profile = NonNullable<CarrierProvisioning['WLANProfiles']>['WLANProfile'][number];

const profiles = (m: CarrierProvisioning): Profile[] => m.WLANProfiles?.WLANProfile as Profile[];
const codesOf = (m: CarrierProvisioning) => validateDocument(buildDocument(m));

describe('a DefaultProfile without AccessString (WWAN schema: Context and AccessString are optional)', () => {
  it('is valid without any finding, with an empty Context or none (CDMA, or an APN the network assigns)', () => {
    for (const drop of ['Context', 'AccessString'] as const) {
      const m = fullModel();
      const def = m.MBNProfiles?.DefaultProfile as NonNullable<
        NonNullable<CarrierProvisioning['MBNProfiles']>['DefaultProfile']
      >;
      if (drop === 'Context') delete def.Context;
      else delete def.Context?.AccessString;
      const result = codesOf(m);
      assert.equal(result.valid, true, JSON.stringify(result.diagnostics));
      assert.deepEqual(result.diagnostics, [], drop);
    }
  });
});

describe('a UsageTimestamp identifier outside the documented table (the notification page example uses %b)', () => {
  const withFormat = (format: string) => {
    const m = fullModel();
    const message = m.MBNProfiles?.Messages?.Message[0] as {
      Fields?: { UsageTimestamp?: { Format: string } };
    };
    (message.Fields?.UsageTimestamp as { Format: string }).Format = format;
    return m;
  };

  it('is a warning at the UsageTimestamp field, not an invalid document', () => {
    const result = codesOf(withFormat('%d %b %Y'));
    assert.equal(result.valid, true, JSON.stringify(result.diagnostics));
    const d = result.diagnostics.find((x) => x.code === 'MBPROV_SMS_TIMESTAMP_FORMAT');
    assert.equal(d?.severity, 'warning');
    assert.match(d?.message ?? '', /%b/);
    assert.equal(d?.path, '/CarrierProvisioning/MBNProfiles/Messages/Message[1]/Fields/UsageTimestamp');
  });

  it('and the SMS extraction agrees: the rule still matches and reports usage, timed at receipt, with a warning', () => {
    const receivedAt = new Date('2026-03-15T09:00:00Z');
    const rules = [
      {
        SMSBearer: [{ Sender: '+15550100' }],
        Pattern: 'Used (\\d+) MB as of (.+)',
        Fields: {
          Usage: { Group: 1, DefaultUnit: 'M' as const },
          UsageTimestamp: { Group: 2, Format: '%d %b %Y' },
        },
      },
    ];
    const r = evaluateOperatorMessage(rules as never, {
      bearer: 'sms',
      sender: '+15550100',
      text: 'Used 512 MB as of 14 Mar 2026',
      receivedAt,
      classZero: true,
    });
    assert.equal(r.matched, true);
    if (!r.matched) return;
    assert.equal(r.usageUpdate?.CurrentUsage, 512);
    assert.equal(r.usageUpdate?.UsageTimestamp, receivedAt.toISOString());
    assert.deepEqual(
      r.warnings.map((w) => w.code),
      ['MBPROV_SMS_TIMESTAMP_MISMATCH'],
    );
  });
});

describe('a Branding Logo that is neither PNG nor BMP (Windows 1709+ ignores Branding "without error")', () => {
  it('is a warning, beside MBPROV_BRANDING_IGNORED, and the document stays valid', () => {
    const m = fullModel();
    (m.MBNProfiles as object as { Branding: object }).Branding = {
      Logo: Buffer.from('GIF89a-not-a-png').toString('base64'),
      Name: 'Contoso',
    };
    const result = codesOf(m);
    assert.equal(result.valid, true, JSON.stringify(result.diagnostics));
    assert.deepEqual(
      result.diagnostics.map((d) => [d.code, d.severity]),
      [
        ['MBPROV_BRANDING_IGNORED', 'warning'],
        ['MBPROV_BRANDING_LOGO_FORMAT', 'warning'],
      ],
    );
  });
});

describe('documented WLAN limits (handling-large-numbers-of-ssids.md)', () => {
  const copies = (m: CarrierProvisioning, count: number) => {
    const base = profiles(m)[0] as Profile;
    return Array.from({ length: count }, (_, i) => ({
      ...structuredClone(base),
      name: `Profile ${i + 1}`,
      SSIDConfig: { SSID: [{ name: `SSID-${i + 1}` }] },
    }));
  };

  it('ten WLAN profiles are accepted; an eleventh is MBPROV_WLAN_TOO_MANY_PROFILES on WLANProfiles', () => {
    const m = fullModel();
    (m.WLANProfiles as { WLANProfile: Profile[] }).WLANProfile = copies(m, 10);
    assert.equal(codesOf(m).valid, true, JSON.stringify(codesOf(m).diagnostics));
    (m.WLANProfiles as { WLANProfile: Profile[] }).WLANProfile = copies(m, 11);
    const result = codesOf(m);
    assert.equal(result.valid, false);
    const d = result.diagnostics.find((x) => x.code === 'MBPROV_WLAN_TOO_MANY_PROFILES');
    assert.equal(d?.severity, 'error');
    assert.equal(d?.path, '/CarrierProvisioning/WLANProfiles');
    assert.ok(d?.line);
  });

  it('10,000 SSIDs in total are clean; 10,001 to 25 + 10,000 are valid with the MBPROV_WLAN_TOO_MANY_SSIDS_IN_TOTAL warning (schema: "additional 10000"; page: "10,000 in total")', () => {
    const m = fullModel();
    const p = profiles(m)[0] as Profile;
    p.SSIDConfig = {
      SSID: Array.from({ length: 25 }, (_, i) => ({ name: `V1-${i}` })),
      v2SSID: Array.from({ length: 9_975 }, (_, i) => ({ name: `V2-${i}` })),
    };
    assert.deepEqual(
      codesOf(m).diagnostics.map((d) => d.code),
      [],
    );
    p.SSIDConfig.v2SSID?.push({ name: 'one-over-the-page' });
    for (const total of [10_001, 10_025]) {
      while ((p.SSIDConfig.v2SSID?.length ?? 0) + 25 < total)
        p.SSIDConfig.v2SSID?.push({ name: `X${total}-${p.SSIDConfig.v2SSID?.length}` });
      const result = codesOf(m);
      assert.equal(result.valid, true, String(total));
      assert.deepEqual(
        result.diagnostics.map((d) => [d.code, d.severity, d.path]),
        [
          [
            'MBPROV_WLAN_TOO_MANY_SSIDS_IN_TOTAL',
            'warning',
            '/CarrierProvisioning/WLANProfiles/WLANProfile[1]/SSIDConfig',
          ],
        ],
        String(total),
      );
    }
    // One more v2 SSID is beyond the schema's own 10,000: an error, and no second total finding.
    p.SSIDConfig.v2SSID?.push({ name: 'one-over-the-schema' });
    const beyond = codesOf(m);
    assert.equal(beyond.valid, false);
    assert.deepEqual(
      beyond.diagnostics.map((d) => d.code),
      ['MBPROV_WLAN_TOO_MANY_SSIDS'],
    );
  });

  it('more than 10,000 v2 SSIDs alone stays MBPROV_WLAN_TOO_MANY_SSIDS, without a second total finding', () => {
    const m = fullModel();
    (profiles(m)[0] as Profile).SSIDConfig.v2SSID = Array.from({ length: 10_001 }, (_, i) => ({
      name: `S${i}`,
    }));
    assert.deepEqual(
      codesOf(m)
        .diagnostics.map((d) => d.code)
        .filter((c) => c.startsWith('MBPROV_WLAN_TOO_MANY')),
      ['MBPROV_WLAN_TOO_MANY_SSIDS'],
    );
  });
});

describe('TrustedDomain: what DNS names allow', () => {
  it('accepts A-labels, U-labels, wildcards and one trailing dot', () => {
    for (const d of [
      'hotspot.contoso.com',
      '.contoso.com',
      'bücher.example',
      'xn--bcher-kva.example',
      '.bücher.example',
      'BÜCHER.example',
      '例え.テスト',
      'hotspot.contoso.com.',
      '.contoso.com.',
      'localhost',
    ]) {
      assert.equal(isTrustedDomain(d), true, d);
    }
  });

  it('refuses what is not a domain name', () => {
    for (const d of [
      '',
      '.',
      '..contoso.com',
      'contoso.com..',
      'a..b',
      'https://hotspot.contoso.com/',
      'hotspot.contoso.com:443',
      'hot spot.contoso.com',
      'a_b.contoso.com',
      '-a.contoso.com',
      'a-.contoso.com',
      'xn--zz.example',
      'xn--.example',
      '*.contoso.com',
      `${'a'.repeat(64)}.com`,
      `${'a.'.repeat(127)}com`,
      'a\u200db.example',
    ]) {
      assert.equal(isTrustedDomain(d), false, d);
    }
  });

  it('in a document: an IDN TrustedDomain is valid, a URL still MBPROV_WLAN_TRUSTED_DOMAIN_FORMAT', () => {
    const withDomain = (domain: string) => {
      const m = fullModel();
      const security = (profiles(m)[0] as Profile).MSM?.security as { HotspotProfile?: object };
      security.HotspotProfile = {
        ExtAuth: { ExtensionId: 'Contoso.App_abc' },
        TrustedDomains: { TrustedDomain: [domain] },
      };
      return validateDocument(buildDocument(m)).diagnostics.map((d) => d.code);
    };
    assert.deepEqual(withDomain('bücher.example'), []);
    assert.deepEqual(withDomain('xn--bcher-kva.example.'), []);
    assert.deepEqual(withDomain('https://bücher.example/'), ['MBPROV_WLAN_TRUSTED_DOMAIN_FORMAT']);
  });
});
