// Passpoint (Hotspot 2.0): the native WLAN profile's Hotspot2 element carried in a Wi-Fi profile's security
// (issue 12). Round trip, element order, the formats of its identifiers and the EAP methods Windows Passpoint uses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildDocument,
  type CarrierProvisioning,
  type Code,
  checkRules,
  type Hotspot2,
  parseDocument,
  validateDocument,
} from '../src/index.ts';
import { readEapConfig } from '../src/rules/eap-config.ts';
import { HOTSPOT2_LIST_MAX } from '../src/rules/passpoint-rules.ts';
import { fullModel } from './helpers/samples.ts';

const HS2 = 'http://www.microsoft.com/networking/WLAN/profile/v1';
const HOST = 'http://www.microsoft.com/provisioning/EapHostConfig';
const COMMON = 'http://www.microsoft.com/provisioning/EapCommon';
const TTLS = 'http://www.microsoft.com/provisioning/EapTtlsConnectionPropertiesV1';
const MSCHAPV2 =
  '<MSCHAPv2Authentication><UseWinlogonCredentials>false</UseWinlogonCredentials></MSCHAPv2Authentication>';

/** An EapHostConfig EapMethod element naming an EAP type. */
const eapMethod = (type: number) =>
  `<EapMethod><Type xmlns="${COMMON}">${type}</Type><VendorId xmlns="${COMMON}">0</VendorId><VendorType xmlns="${COMMON}">0</VendorType><AuthorId xmlns="${COMMON}">311</AuthorId></EapMethod>`;

/** A Phase2Authentication child naming an inner EAP method through its own EapHostConfig. */
const innerEap = (type: number) => `<EapHostConfig xmlns="${HOST}">${eapMethod(type)}</EapHostConfig>`;

/** A OneX configuration of EAP-TTLS (Windows' EapTtls configuration) with `phase2` as its inner method. */
const ttlsOneX = (phase2: string) =>
  `<OneX xmlns="http://www.microsoft.com/networking/OneX/v1"><EAPConfig><EapHostConfig xmlns="${HOST}">${eapMethod(21)}<Config xmlns="${HOST}"><EapTtls xmlns="${TTLS}"><ServerValidation><ServerNames>radius.contoso.com</ServerNames><DisablePrompt>false</DisablePrompt></ServerValidation><Phase2Authentication>${phase2}</Phase2Authentication><Phase1Identity><IdentityPrivacy>true</IdentityPrivacy><AnonymousIdentity>anonymous</AnonymousIdentity></Phase1Identity></EapTtls></Config></EapHostConfig></EAPConfig></OneX>`;
const PROFILE = '/CarrierProvisioning/WLANProfiles/WLANProfile[2]';

const hotspot2 = (): Hotspot2 => ({
  DomainName: 'contoso.com',
  NAIRealm: { name: ['test1@contoso.com', 'roam.example.net'] },
  Network3GPP: { PLMNID: ['31015', '310150'] },
  RoamingConsortium: { OUI: ['00AABB', '001122DDEE'] },
});

/** The full sample with Passpoint on its WPA2-Enterprise EAP-SIM profile. */
function passpointModel(hs: Hotspot2 = hotspot2()): CarrierProvisioning {
  const m = fullModel();
  const security = m.WLANProfiles?.WLANProfile[1]?.MSM?.security;
  assert.ok(security);
  security.Hotspot2 = hs;
  return m;
}

/** The full sample without its Passpoint settings (for tests that write their own Hotspot2 element). */
function withoutPasspoint(): CarrierProvisioning {
  const m = fullModel();
  delete security(m).Hotspot2;
  return m;
}

const security = (m: CarrierProvisioning) => {
  const s = m.WLANProfiles?.WLANProfile[1]?.MSM?.security;
  assert.ok(s);
  return s;
};

const codes = (m: CarrierProvisioning): Code[] =>
  checkRules(m)
    .filter((d) => d.code.startsWith('MBPROV_PASSPOINT_'))
    .map((d) => d.code);

describe('Passpoint Hotspot2', () => {
  it('round-trips as a typed element, in schema order, in the native WLAN profile namespace', () => {
    const m = passpointModel();
    const xml = buildDocument(m);
    assert.match(
      xml,
      /<Hotspot2 xmlns="http:\/\/www.microsoft.com\/networking\/WLAN\/profile\/v1">\s*<DomainName>contoso.com<\/DomainName>\s*<NAIRealm>[\s\S]*<\/NAIRealm>\s*<Network3GPP>[\s\S]*<\/Network3GPP>\s*<RoamingConsortium>/,
    );
    const parsed = parseDocument(xml);
    assert.deepEqual(parsed.model, m);
    assert.equal(parsed.model?.WLANProfiles?.WLANProfile[1]?.MSM?.security?.any, undefined);
    const v = validateDocument(xml);
    assert.deepEqual(
      v.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    assert.equal(v.valid, true);
  });

  it('reads a Hotspot2 element from received XML (it was opaque extension XML before)', () => {
    const xml = buildDocument(withoutPasspoint()).replace(
      /(<OneX[\s\S]*?<\/OneX>)/,
      `$1<Hotspot2 xmlns="${HS2}"><DomainName>contoso.com</DomainName><Network3GPP><PLMNID>310150</PLMNID></Network3GPP></Hotspot2>`,
    );
    const parsed = parseDocument(xml);
    assert.deepEqual(parsed.model?.WLANProfiles?.WLANProfile[1]?.MSM?.security?.Hotspot2, {
      DomainName: 'contoso.com',
      Network3GPP: { PLMNID: ['310150'] },
    });
  });

  it('a NAIRealm after Network3GPP is refused with MBPROV_PASSPOINT_ELEMENT_ORDER', () => {
    const xml = buildDocument(withoutPasspoint()).replace(
      /(<OneX[\s\S]*?<\/OneX>)/,
      `$1<Hotspot2 xmlns="${HS2}"><DomainName>contoso.com</DomainName><Network3GPP><PLMNID>310150</PLMNID></Network3GPP><NAIRealm><name>contoso.com</name></NAIRealm></Hotspot2>`,
    );
    const v = validateDocument(xml);
    const order = v.diagnostics.filter((d) => d.code === 'MBPROV_PASSPOINT_ELEMENT_ORDER');
    assert.equal(order.length, 1);
    assert.match(order[0]?.message ?? '', /NAIRealm comes after Network3GPP/);
    assert.equal(v.valid, false);
    // In order, the same content is valid.
    const ok = validateDocument(
      xml.replace(/(<Network3GPP>[\s\S]*?<\/Network3GPP>)(<NAIRealm>[\s\S]*?<\/NAIRealm>)/, '$2$1'),
    );
    assert.equal(ok.valid, true, JSON.stringify(ok.diagnostics));
  });

  for (const [name, twice] of [
    ['DomainName', '<DomainName>contoso.com</DomainName><DomainName>fabrikam.com</DomainName>'],
    [
      'Network3GPP',
      '<DomainName>contoso.com</DomainName><Network3GPP><PLMNID>310150</PLMNID></Network3GPP><Network3GPP><PLMNID>310260</PLMNID></Network3GPP>',
    ],
    [
      'NAIRealm',
      '<NAIRealm><name>contoso.com</name></NAIRealm><NAIRealm><name>fabrikam.com</name></NAIRealm>',
    ],
    [
      'RoamingConsortium',
      '<RoamingConsortium><OUI>00AABB</OUI></RoamingConsortium><RoamingConsortium><OUI>001122</OUI></RoamingConsortium>',
    ],
  ] as const) {
    it(`a second ${name} is refused with MBPROV_PASSPOINT_DUPLICATE_ELEMENT (the schema allows it once)`, () => {
      const xml = buildDocument(withoutPasspoint()).replace(
        /(<OneX[\s\S]*?<\/OneX>)/,
        `$1<Hotspot2 xmlns="${HS2}">${twice}</Hotspot2>`,
      );
      const v = validateDocument(xml);
      const found = v.diagnostics.filter((d) => d.code.startsWith('MBPROV_PASSPOINT_'));
      assert.deepEqual(
        found.map((d) => [d.code, d.severity]),
        [['MBPROV_PASSPOINT_DUPLICATE_ELEMENT', 'error']],
      );
      assert.match(found[0]?.message ?? '', new RegExp(`${name} occurs again in Hotspot2`));
      assert.match(found[0]?.path ?? '', new RegExp(`Hotspot2/${name}\\[2\\]$`));
      assert.equal(v.valid, false);
    });
  }

  it('a roaming consortium OI of 4 octets passes the schema (hexBinary 3 to 5) with a warning: no IEEE OI has 4', () => {
    const m = passpointModel();
    (security(m).Hotspot2 as Hotspot2).RoamingConsortium = { OUI: ['00AABB', '00AABBCC', '001122DDEE'] };
    const found = checkRules(m).filter((d) => d.code.startsWith('MBPROV_PASSPOINT_'));
    assert.deepEqual(
      found.map((d) => [d.code, d.severity, d.path]),
      [
        [
          'MBPROV_PASSPOINT_OUI_LENGTH',
          'warning',
          `${PROFILE}/MSM/security/Hotspot2/RoamingConsortium/OUI[2]`,
        ],
      ],
    );
    assert.equal(validateDocument(buildDocument(m)).valid, true);
  });

  it(`${HOTSPOT2_LIST_MAX} entries in each list are accepted`, () => {
    const m = passpointModel();
    const many = (f: (i: number) => string) => Array.from({ length: HOTSPOT2_LIST_MAX }, (_, i) => f(i));
    (security(m).Hotspot2 as Hotspot2).Network3GPP = { PLMNID: many((i) => String(310000 + i)) };
    (security(m).Hotspot2 as Hotspot2).NAIRealm = { name: many((i) => `r${i}.contoso.com`) };
    assert.deepEqual(codes(m), []);
  });

  const cases: Array<{ rule: string; code: Code; breaks: (m: CarrierProvisioning) => void; path: string }> = [
    {
      rule: 'a DomainName that is not a DNS name',
      code: 'MBPROV_PASSPOINT_DOMAIN_NAME',
      breaks: (m) => {
        (security(m).Hotspot2 as Hotspot2).DomainName = 'https://contoso.com/';
      },
      path: `${PROFILE}/MSM/security/Hotspot2/DomainName`,
    },
    {
      rule: 'an NAI realm whose realm is not a DNS name',
      code: 'MBPROV_PASSPOINT_NAI_REALM',
      breaks: (m) => {
        (security(m).Hotspot2 as Hotspot2).NAIRealm = { name: ['contoso.com', 'user@bad realm'] };
      },
      path: `${PROFILE}/MSM/security/Hotspot2/NAIRealm/name[2]`,
    },
    {
      rule: 'a PLMN id that is not 3 MCC digits and 2 or 3 MNC digits',
      code: 'MBPROV_PASSPOINT_PLMN_ID',
      breaks: (m) => {
        (security(m).Hotspot2 as Hotspot2).Network3GPP = { PLMNID: ['3101'] };
      },
      path: `${PROFILE}/MSM/security/Hotspot2/Network3GPP/PLMNID`,
    },
    {
      rule: 'a roaming consortium OI of 6 octets (the schema allows 3 to 5)',
      code: 'MBPROV_PASSPOINT_OUI_FORMAT',
      breaks: (m) => {
        (security(m).Hotspot2 as Hotspot2).RoamingConsortium = { OUI: ['00AABB', '00AABBCCDDEE'] };
      },
      path: `${PROFILE}/MSM/security/Hotspot2/RoamingConsortium/OUI[2]`,
    },
    {
      rule: `${HOTSPOT2_LIST_MAX + 1} PLMN ids (maxOccurs ${HOTSPOT2_LIST_MAX})`,
      code: 'MBPROV_PASSPOINT_TOO_MANY',
      breaks: (m) => {
        const plmns = Array.from({ length: HOTSPOT2_LIST_MAX + 1 }, (_, i) => String(310000 + i));
        (security(m).Hotspot2 as Hotspot2).Network3GPP = { PLMNID: plmns };
      },
      path: `${PROFILE}/MSM/security/Hotspot2/Network3GPP`,
    },
    {
      rule: `${HOTSPOT2_LIST_MAX + 1} NAI realms`,
      code: 'MBPROV_PASSPOINT_TOO_MANY',
      breaks: (m) => {
        const realms = Array.from({ length: HOTSPOT2_LIST_MAX + 1 }, (_, i) => `r${i}.contoso.com`);
        (security(m).Hotspot2 as Hotspot2).NAIRealm = { name: realms };
      },
      path: `${PROFILE}/MSM/security/Hotspot2/NAIRealm`,
    },
    {
      rule: `${HOTSPOT2_LIST_MAX + 1} roaming consortium OIs`,
      code: 'MBPROV_PASSPOINT_TOO_MANY',
      breaks: (m) => {
        const ouis = Array.from({ length: HOTSPOT2_LIST_MAX + 1 }, (_, i) =>
          (0x001000 + i).toString(16).toUpperCase().padStart(6, '0'),
        );
        (security(m).Hotspot2 as Hotspot2).RoamingConsortium = { OUI: ouis };
      },
      path: `${PROFILE}/MSM/security/Hotspot2/RoamingConsortium`,
    },
    {
      rule: 'a roaming consortium OI that is not hex',
      code: 'MBPROV_PASSPOINT_OUI_FORMAT',
      breaks: (m) => {
        (security(m).Hotspot2 as Hotspot2).RoamingConsortium = { OUI: ['00AAGG'] };
      },
      path: `${PROFILE}/MSM/security/Hotspot2/RoamingConsortium/OUI`,
    },
    {
      rule: 'Passpoint on a PSK network',
      code: 'MBPROV_PASSPOINT_NOT_ENTERPRISE',
      breaks: (m) => {
        const s = security(m);
        s.authEncryption = { authentication: 'WPA2PSK', encryption: 'AES', useOneX: false };
        s.OneX = undefined;
        s.sharedKey = { keyType: 'passPhrase', protected: false, keyMaterial: 'correct horse' };
      },
      path: `${PROFILE}/MSM/security/authEncryption`,
    },
    {
      rule: 'an EAP method Windows Passpoint does not use (EAP-MD5, type 4)',
      code: 'MBPROV_PASSPOINT_EAP_METHOD',
      breaks: (m) => {
        const s = security(m);
        s.OneX = s.OneX?.replace('>18</Type>', '>4</Type>');
      },
      path: `${PROFILE}/MSM/security/OneX`,
    },
  ];

  for (const c of cases) {
    it(`${c.rule} is ${c.code}`, () => {
      assert.deepEqual(codes(passpointModel()), []);
      const m = passpointModel();
      c.breaks(m);
      const found = checkRules(m).filter((d) => d.code === c.code);
      assert.equal(found.length, 1, JSON.stringify(checkRules(m)));
      assert.equal(found[0]?.path, c.path);
      assert.equal(validateDocument(buildDocument(m)).valid, false);
    });
  }

  it("accepts every EAP method of the Passpoint table (TLS, SIM, TTLS, AKA, PEAP, AKA', TEAP); TLS with a warning", () => {
    for (const type of [13, 18, 21, 23, 25, 50, 55]) {
      const m = passpointModel();
      const s = security(m);
      s.OneX = s.OneX?.replace('>18</Type>', `>${type}</Type>`);
      assert.deepEqual(
        codes(m),
        type === 13 ? ['MBPROV_PASSPOINT_CERTIFICATE_ELSEWHERE'] : [],
        `type ${type}`,
      );
      assert.equal(validateDocument(buildDocument(m)).valid, true, `type ${type}`);
    }
  });

  describe('the inner method of EAP-TTLS', () => {
    const withInner = (phase2: string) => {
      const m = passpointModel();
      security(m).OneX = ttlsOneX(phase2);
      return m;
    };
    const accepted: Array<[string, string, Code[]]> = [
      ['MS-CHAP-V2 (non-EAP)', MSCHAPV2, []],
      ['EAP-MSCHAPv2 (type 26)', innerEap(26), []],
      [
        'EAP-TLS (type 13), with the certificate warning',
        innerEap(13),
        ['MBPROV_PASSPOINT_CERTIFICATE_ELSEWHERE'],
      ],
    ];
    for (const [name, phase2, expected] of accepted) {
      it(`accepts ${name}`, () => {
        const m = withInner(phase2);
        assert.deepEqual(codes(m), expected);
        assert.equal(validateDocument(buildDocument(m)).valid, true);
      });
    }
    const refused: Array<[string, string]> = [
      ['PAP', '<PAPAuthentication/>'],
      ['CHAP', '<CHAPAuthentication/>'],
      ['MS-CHAP (v1)', '<MSCHAPAuthentication/>'],
      ['an inner EAP-MD5 (type 4)', innerEap(4)],
      ['an inner EAP-SIM (type 18)', innerEap(18)],
      [
        'an inner EapHostConfig without a Type',
        `<EapHostConfig xmlns="${HOST}"><EapMethod/></EapHostConfig>`,
      ],
      ['an element Windows does not know', '<KerberosAuthentication/>'],
    ];
    for (const [name, phase2] of refused) {
      it(`refuses ${name} with MBPROV_PASSPOINT_TTLS_INNER_METHOD`, () => {
        const m = withInner(phase2);
        const found = checkRules(m).filter((d) => d.code === 'MBPROV_PASSPOINT_TTLS_INNER_METHOD');
        assert.equal(found.length, 1, JSON.stringify(checkRules(m)));
        assert.equal(found[0]?.path, `${PROFILE}/MSM/security/OneX`);
        assert.equal(validateDocument(buildDocument(m)).valid, false);
      });
    }
    it('reads the configuration through the parser, whatever the prefixes', () => {
      const prefixed = ttlsOneX(MSCHAPV2).replace(
        `<EapTtls xmlns="${TTLS}">`,
        `<t:EapTtls xmlns:t="${TTLS}">`,
      );
      assert.notEqual(prefixed, ttlsOneX(MSCHAPV2));
      const ok = readEapConfig(prefixed.replace('</EapTtls>', '</t:EapTtls>'));
      assert.deepEqual(ok, { method: 21, ttlsInner: { kind: 'MSCHAPv2' } });
      assert.deepEqual(readEapConfig(ttlsOneX('<PAPAuthentication/>')), {
        method: 21,
        ttlsInner: { kind: 'PAP' },
      });
      assert.deepEqual(readEapConfig('<not-xml'), {});
    });
    it('an inner method of PAP is not checked when the outer method is not EAP-TTLS', () => {
      const m = withInner('<PAPAuthentication/>');
      security(m).OneX = security(m).OneX?.replace('>21</Type>', '>25</Type>');
      assert.deepEqual(codes(m), []);
    });
  });

  it('accepts 3- and 5-octet OIs in either case and 2- or 3-digit MNCs', () => {
    const m = passpointModel({
      DomainName: 'bücher.example',
      Network3GPP: { PLMNID: ['00101', '310410'] },
      RoamingConsortium: { OUI: ['5a03ba', '004096A0FF'] },
    });
    assert.deepEqual(codes(m), []);
  });
});
