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
import { fullModel } from './helpers/samples.ts';

const HS2 = 'http://www.microsoft.com/networking/WLAN/profile/v1';
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
    const xml = buildDocument(fullModel()).replace(
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
    const xml = buildDocument(fullModel()).replace(
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
      rule: 'a roaming consortium OI of 4 octets',
      code: 'MBPROV_PASSPOINT_OUI_FORMAT',
      breaks: (m) => {
        (security(m).Hotspot2 as Hotspot2).RoamingConsortium = { OUI: ['00AABB', '00AABBCC'] };
      },
      path: `${PROFILE}/MSM/security/Hotspot2/RoamingConsortium/OUI[2]`,
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

  it("accepts every EAP method of the Passpoint table (TLS, SIM, TTLS, AKA, PEAP, AKA', TEAP)", () => {
    for (const type of [13, 18, 21, 23, 25, 50, 55]) {
      const m = passpointModel();
      const s = security(m);
      s.OneX = s.OneX?.replace('>18</Type>', `>${type}</Type>`);
      assert.deepEqual(codes(m), [], `type ${type}`);
    }
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
