// Each semantic rule that XSD cannot express, shown failing on a document that breaks it and silent on
// the same document without the problem. Sources: the account provisioning page and the schema pages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildDocument,
  type CarrierProvisioning,
  type Code,
  checkRules,
  validateDocument,
} from '../src/index.ts';
import { fullModel, minimalModel } from './helpers/samples.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex').toString(
  'base64',
);
const BMP = (() => {
  const b = Buffer.alloc(58);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(58, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  return b.toString('base64');
})();

interface Case {
  rule: string;
  code: Code;
  breaks: (m: CarrierProvisioning) => void;
  path?: string;
  /** true when XSD alone would also reject (the rule gives the clearer message). */
  alsoXsd?: boolean;
}

const wlan = (m: CarrierProvisioning, i = 0) =>
  m.WLANProfiles?.WLANProfile[i] as NonNullable<CarrierProvisioning['WLANProfiles']>['WLANProfile'][number];
const security = (m: CarrierProvisioning, i = 0) =>
  wlan(m, i).MSM?.security as NonNullable<NonNullable<ReturnType<typeof wlan>['MSM']>['security']>;
const message = (m: CarrierProvisioning, i = 0) =>
  m.MBNProfiles?.Messages?.Message[i] as NonNullable<
    NonNullable<CarrierProvisioning['MBNProfiles']>['Messages']
  >['Message'][number];
const plan = (m: CarrierProvisioning) =>
  m.Plans?.Plan[0] as NonNullable<CarrierProvisioning['Plans']>['Plan'][number];

const cases: Case[] = [
  {
    rule: 'a profile naming a plan absent from the file is an error',
    code: 'MBPROV_PLAN_MISSING',
    breaks: (m) => {
      wlan(m, 2).AssociatedPlan = 'Gone';
    },
    path: '/CarrierProvisioning/WLANProfiles/WLANProfile[3]/AssociatedPlan',
  },
  {
    rule: 'a plan no profile names is a warning',
    code: 'MBPROV_PLAN_UNREFERENCED',
    breaks: (m) => {
      m.Plans?.Plan.push({ Name: 'Spare', Description: { PlanType: 'Unrestricted' } });
    },
    path: '/CarrierProvisioning/Plans/Plan[2]',
  },
  {
    rule: 'duplicate plan names',
    code: 'MBPROV_PLAN_DUPLICATE',
    breaks: (m) => {
      m.Plans?.Plan.push({ ...plan(m) });
    },
  },
  {
    rule: 'bandwidth at most 2 Gbps',
    code: 'MBPROV_PLAN_BANDWIDTH_TOO_HIGH',
    breaks: (m) => {
      (plan(m).Description as { InboundBandwidthInKbps?: number }).InboundBandwidthInKbps = 2_000_001;
    },
    path: '/CarrierProvisioning/Plans/Plan/Description/InboundBandwidthInKbps',
  },
  {
    rule: 'a Fixed plan needs a data limit',
    code: 'MBPROV_PLAN_FIXED_WITHOUT_LIMIT',
    breaks: (m) => {
      delete plan(m).Description?.DataLimitInMegabytes;
      delete plan(m).Description?.MaxTransferSizeInMegabytes;
    },
  },
  {
    rule: 'a data limit only applies to Fixed plans',
    code: 'MBPROV_PLAN_LIMIT_NOT_FIXED',
    breaks: (m) => {
      (plan(m).Description as { PlanType: string }).PlanType = 'Variable';
    },
  },
  {
    rule: 'usage above the limit needs OverLimit',
    code: 'MBPROV_PLAN_USAGE_OVER_LIMIT',
    breaks: (m) => {
      (plan(m).Usage as { CurrentUsage: number }).CurrentUsage = 2048;
    },
  },
  {
    rule: 'a transfer size above the limit is suspicious',
    code: 'MBPROV_PLAN_TRANSFER_ABOVE_LIMIT',
    breaks: (m) => {
      (plan(m).Description as { MaxTransferSizeInMegabytes?: number }).MaxTransferSizeInMegabytes = 4096;
    },
  },
  {
    rule: 'Branding is ignored since Windows 10 1709 (warning)',
    code: 'MBPROV_BRANDING_IGNORED',
    breaks: (m) => {
      (m.MBNProfiles as object as { Branding: object }).Branding = { Logo: PNG, Name: 'Contoso' };
    },
  },
  {
    rule: 'a Branding Logo that is not PNG or BMP by content is a warning (Windows 1709+ ignores Branding without error)',
    code: 'MBPROV_BRANDING_LOGO_FORMAT',
    breaks: (m) => {
      (m.MBNProfiles as object as { Branding: object }).Branding = {
        Logo: Buffer.from('GIF89a-not-an-image').toString('base64'),
      };
    },
    path: '/CarrierProvisioning/MBNProfiles/Branding/Logo',
  },
  {
    rule: 'a password with AuthProtocol NONE is never sent',
    code: 'MBPROV_MBN_PASSWORD_WITHOUT_AUTH',
    breaks: (m) => {
      (m.MBNProfiles?.DefaultProfile?.Context as { AuthProtocol?: string }).AuthProtocol = 'NONE';
    },
  },
  {
    rule: 'RefreshURL must be https',
    code: 'MBPROV_REFRESH_URL_NOT_HTTPS',
    breaks: (m) => {
      (m.Provisioning?.RefreshParameters as { RefreshURL: string }).RefreshURL =
        'http://portal.contoso.com/refresh';
    },
    path: '/CarrierProvisioning/Provisioning/RefreshParameters/RefreshURL',
    alsoXsd: true,
  },
  {
    rule: 'DelayInDays is 1 to 730',
    code: 'MBPROV_REFRESH_DELAY_RANGE',
    breaks: (m) => {
      (m.Provisioning?.RefreshParameters as { DelayInDays?: number }).DelayInDays = 731;
    },
    alsoXsd: true,
  },
  {
    rule: 'a refresh password needs a user name',
    code: 'MBPROV_REFRESH_PASSWORD_WITHOUT_USER',
    breaks: (m) => {
      delete m.Provisioning?.RefreshParameters?.UserName;
    },
  },
  {
    rule: 'a refresh user name without password',
    code: 'MBPROV_REFRESH_USER_WITHOUT_PASSWORD',
    breaks: (m) => {
      delete m.Provisioning?.RefreshParameters?.Password;
    },
  },
  {
    rule: 'TrustedCertificate names are distinguished names',
    code: 'MBPROV_TRUSTED_CERT_NAME_FORMAT',
    breaks: (m) => {
      (m.Provisioning?.TrustedCertificates?.TrustedCertificate[0] as { SubjectName: string }).SubjectName =
        'Contoso';
    },
  },
  {
    rule: 'an SMS Pattern must compile',
    code: 'MBPROV_SMS_PATTERN_INVALID',
    breaks: (m) => {
      message(m).Pattern = 'used (\\d+ of';
    },
    path: '/CarrierProvisioning/MBNProfiles/Messages/Message[1]/Pattern',
  },
  {
    rule: 'every Group a field names must exist in the Pattern',
    code: 'MBPROV_SMS_GROUP_MISSING',
    breaks: (m) => {
      (message(m).Fields?.DataLimit as { UnitGroup?: number }).UnitGroup = 9;
    },
    path: '/CarrierProvisioning/MBNProfiles/Messages/Message[1]/Fields/DataLimit',
  },
  {
    rule: 'Usage* fields require UsageTimestamp',
    code: 'MBPROV_SMS_USAGE_WITHOUT_TIMESTAMP',
    breaks: (m) => {
      delete message(m).Fields?.UsageTimestamp;
    },
  },
  {
    rule: 'a UsageTimestamp Format identifier outside the documented table is a warning (the timestamp is not read)',
    code: 'MBPROV_SMS_TIMESTAMP_FORMAT',
    breaks: (m) => {
      (message(m).Fields?.UsageTimestamp as { Format: string }).Format = '%d %b %Y';
    },
  },
  {
    rule: 'an SMSBearer without Sender accepts anyone (warning)',
    code: 'MBPROV_SMS_NO_SENDER',
    breaks: (m) => {
      message(m).SMSBearer = [{}];
    },
  },
  {
    rule: 'an SMSBearer Sender looks like a sender',
    code: 'MBPROV_SMS_SENDER_FORMAT',
    breaks: (m) => {
      message(m).SMSBearer = [{ Sender: 'not a sender!' }];
    },
  },
  {
    rule: 'an empty WLANProfiles deletes every Wi-Fi profile (warning)',
    code: 'MBPROV_WLAN_EMPTY_DELETES_ALL',
    breaks: (m) => {
      m.WLANProfiles = { WLANProfile: [] };
    },
    path: '/CarrierProvisioning/WLANProfiles',
  },
  {
    rule: 'WLAN profile names are unique',
    code: 'MBPROV_WLAN_DUPLICATE_NAME',
    breaks: (m) => {
      wlan(m, 1).name = wlan(m, 0).name;
    },
  },
  {
    rule: 'at most 32 v2 SSID prefixes',
    code: 'MBPROV_WLAN_TOO_MANY_SSIDS',
    breaks: (m) => {
      wlan(m).SSIDConfig.v2SSIDPrefix = Array.from({ length: 33 }, (_, i) => ({ name: `PFX${i}_` }));
    },
  },
  {
    rule: 'at most 10,000 v2 SSIDs',
    code: 'MBPROV_WLAN_TOO_MANY_SSIDS',
    breaks: (m) => {
      wlan(m).SSIDConfig.v2SSID = Array.from({ length: 10_001 }, (_, i) => ({ name: `S${i}` }));
    },
  },
  {
    rule: 'an SSID is at most 32 bytes of UTF-8',
    code: 'MBPROV_WLAN_SSID_TOO_LONG',
    breaks: (m) => {
      wlan(m).SSIDConfig.SSID = [{ name: 'コントソ・ワイファイ・ラウンジ' }];
    },
    path: '/CarrierProvisioning/WLANProfiles/WLANProfile[1]/SSIDConfig/SSID[1]',
  },
  {
    rule: 'a PSK network needs a sharedKey',
    code: 'MBPROV_WLAN_KEY_REQUIRED',
    breaks: (m) => {
      delete security(m, 2).sharedKey;
    },
  },
  {
    rule: 'a passphrase is 8 to 63 characters',
    code: 'MBPROV_WLAN_KEY_FORMAT',
    breaks: (m) => {
      (security(m, 2).sharedKey as { keyMaterial: string }).keyMaterial = 'short';
    },
  },
  {
    rule: 'a protected key cannot be provisioned',
    code: 'MBPROV_WLAN_KEY_PROTECTED',
    breaks: (m) => {
      (security(m, 2).sharedKey as { protected: boolean }).protected = true;
    },
  },
  {
    rule: 'authentication and encryption must fit',
    code: 'MBPROV_WLAN_AUTH_COMBINATION',
    breaks: (m) => {
      security(m, 2).authEncryption.encryption = 'none';
    },
  },
  {
    rule: 'useOneX needs a OneX configuration',
    code: 'MBPROV_WLAN_ONEX_MISSING',
    breaks: (m) => {
      delete security(m, 1).OneX;
    },
  },
  {
    rule: 'WISPr HotspotProfile belongs on open networks',
    code: 'MBPROV_WLAN_HOTSPOT_NOT_OPEN',
    breaks: (m) => {
      security(m, 2).HotspotProfile = { ExtAuth: { ExtensionId: 'Contoso.App_abc' } };
    },
  },
  {
    rule: 'TrustedDomain is a host or .domain',
    code: 'MBPROV_WLAN_TRUSTED_DOMAIN_FORMAT',
    breaks: (m) => {
      security(m).HotspotProfile = {
        ExtAuth: { ExtensionId: 'x' },
        TrustedDomains: { TrustedDomain: ['https://hotspot.contoso.com/'] },
      };
    },
  },
  {
    rule: 'CarrierId is a GUID in braces',
    code: 'MBPROV_CARRIER_ID_FORMAT',
    breaks: (m) => {
      m.Global.CarrierId = '00000000-1111-2222-3333-444444444444';
    },
    path: '/CarrierProvisioning/Global/CarrierId',
    alsoXsd: true,
  },
  {
    rule: 'DeviceId is 15-16 digits or a MAC address',
    code: 'MBPROV_DEVICE_ID_FORMAT',
    breaks: (m) => {
      m.Global.DeviceId = '12345';
    },
    alsoXsd: true,
  },
  {
    rule: 'SubscriberId is at most 20 word characters',
    code: 'MBPROV_SUBSCRIBER_ID_FORMAT',
    breaks: (m) => {
      m.Global.SubscriberId = '89014103211118510720123';
    },
    alsoXsd: true,
  },
];

describe('semantic rules', () => {
  it('the full sample document breaks no rule', () => {
    assert.deepEqual(checkRules(fullModel()), []);
  });

  for (const c of cases) {
    it(`${c.rule} (${c.code})`, () => {
      const m = fullModel();
      c.breaks(m);
      const result = validateDocument(buildDocument(m));
      const found = result.diagnostics.filter((d) => d.code === c.code);
      assert.ok(found.length > 0, `expected ${c.code}, got ${JSON.stringify(result.diagnostics)}`);
      const d = found[0];
      assert.ok(d?.line && d.column, 'located by line and column');
      if (c.path) assert.equal(d?.path, c.path);
      if (d?.severity === 'error') assert.equal(result.valid, false);
      else assert.equal(result.valid, true, JSON.stringify(result.diagnostics));
      if (c.alsoXsd) {
        assert.ok(
          !result.diagnostics.some((x) => x.code === 'MBPROV_SCHEMA_INVALID' && x.path === d?.path),
          'the schema error on the same element is folded into the rule',
        );
      }
    });
  }

  it('accepts PNG and BMP logos by content', () => {
    for (const Logo of [PNG, BMP]) {
      const m = fullModel();
      (m.MBNProfiles as object as { Branding: object }).Branding = { Logo };
      const codes = validateDocument(buildDocument(m)).diagnostics.map((d) => d.code);
      assert.deepEqual(codes, ['MBPROV_BRANDING_IGNORED']);
    }
  });

  it('a plans-only document (updating existing profiles) does not warn about unreferenced plans', () => {
    const m = minimalModel();
    m.Plans = fullModel().Plans;
    assert.deepEqual(checkRules(m), []);
  });

  it('a profile naming a plan with no Plans section at all is an error', () => {
    const m = fullModel();
    delete m.Plans;
    const codes = new Set(checkRules(m).map((d) => d.code));
    assert.ok(codes.has('MBPROV_PLAN_MISSING'));
  });

  it('the documented catch-all pattern [^]* compiles (ECMAScript syntax)', () => {
    const m = fullModel();
    message(m).Pattern = '[^]*';
    delete message(m).Fields;
    assert.deepEqual(checkRules(m), []);
  });
});
