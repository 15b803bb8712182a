// Passpoint (issue 12): a Wi-Fi profile's Hotspot2 settings are stored with the profile in the machine state; a
// profile whose Passpoint settings Windows refuses fails alone with ERROR_BAD_PROFILE (800704b6).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WLANProfile } from '@mbprov/core';
import { HRESULT, Machine } from '../src/index.ts';
import { CARRIER, doc, NOW, wlan, xml } from './helpers/documents.ts';

const carrierKey = CARRIER.toLowerCase();
const ONEX =
  '<OneX xmlns="http://www.microsoft.com/networking/OneX/v1"><EAPConfig><EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig"><EapMethod><Type xmlns="http://www.microsoft.com/provisioning/EapCommon">18</Type><VendorId xmlns="http://www.microsoft.com/provisioning/EapCommon">0</VendorId><VendorType xmlns="http://www.microsoft.com/provisioning/EapCommon">0</VendorType><AuthorId xmlns="http://www.microsoft.com/provisioning/EapCommon">311</AuthorId></EapMethod></EapHostConfig></EAPConfig></OneX>';

const COMMON = 'http://www.microsoft.com/provisioning/EapCommon';
/** An EAP-TTLS OneX configuration whose Phase2Authentication holds `phase2`. */
const ttls = (phase2: string) =>
  ONEX.replace(`>18</Type>`, '>21</Type>').replace(
    '</EapMethod>',
    `</EapMethod><Config xmlns="http://www.microsoft.com/provisioning/EapHostConfig"><EapTtls xmlns="http://www.microsoft.com/provisioning/EapTtlsConnectionPropertiesV1"><Phase2Authentication>${phase2}</Phase2Authentication></EapTtls></Config>`,
  );
const innerTls = `<EapHostConfig xmlns="http://www.microsoft.com/provisioning/EapHostConfig"><EapMethod><Type xmlns="${COMMON}">13</Type><VendorId xmlns="${COMMON}">0</VendorId><VendorType xmlns="${COMMON}">0</VendorType><AuthorId xmlns="${COMMON}">311</AuthorId></EapMethod></EapHostConfig>`;

function passpoint(name: string, oui = '00AABB'): WLANProfile {
  return {
    name,
    SSIDConfig: { SSID: [{ name }] },
    MSM: {
      security: {
        authEncryption: { authentication: 'WPA2', encryption: 'AES', useOneX: true },
        OneX: ONEX,
        Hotspot2: {
          DomainName: 'contoso.com',
          NAIRealm: { name: ['contoso.com'] },
          Network3GPP: { PLMNID: ['310260'] },
          RoamingConsortium: { OUI: [oui] },
        },
      },
    },
  };
}

describe('Passpoint profiles in the simulator', () => {
  it('stores the Hotspot2 settings of a profile in the machine state', () => {
    const m = Machine.create({ now: NOW });
    const outcome = m.provision(
      xml(doc({ WLANProfiles: { WLANProfile: [passpoint('Contoso Passpoint')] } })),
      {
        source: 'app',
      },
    );
    assert.equal(outcome.result.WLANProfiles?.items[0]?.errorCode, HRESULT.S_OK);
    assert.deepEqual(m.state.carriers[carrierKey]?.WLANProfiles[0]?.MSM?.security?.Hotspot2, {
      DomainName: 'contoso.com',
      NAIRealm: { name: ['contoso.com'] },
      Network3GPP: { PLMNID: ['310260'] },
      RoamingConsortium: { OUI: ['00AABB'] },
    });
  });

  it('a profile with a 6-octet roaming consortium OI fails alone with 800704b6; a 4-octet one (schema-valid, a warning) is stored', () => {
    const m = Machine.create({ now: NOW });
    const outcome = m.provision(
      xml(
        doc({
          WLANProfiles: {
            WLANProfile: [passpoint('Bad', '00AABBCCDDEE'), passpoint('Four', '00AABBCC'), wlan('Open')],
          },
        }),
      ),
      { source: 'app' },
    );
    assert.deepEqual(
      outcome.result.WLANProfiles?.items.map((i) => [i.name, i.errorCode]),
      [
        ['Bad', HRESULT.BAD_PROFILE],
        ['Four', HRESULT.S_OK],
        ['Open', HRESULT.S_OK],
      ],
    );
    assert.match(outcome.result.WLANProfiles?.items[0]?.reason ?? '', /OUI "00AABBCCDDEE"/);
    assert.deepEqual(
      m.state.carriers[carrierKey]?.WLANProfiles.map((p) => p.name),
      ['Four', 'Open'],
    );
  });

  it('a profile with two DomainName or two Network3GPP elements, or 257 PLMN ids, fails alone with 800704b6', () => {
    const many = passpoint('Many');
    const hs = many.MSM?.security?.Hotspot2;
    assert.ok(hs);
    hs.Network3GPP = { PLMNID: Array.from({ length: 257 }, (_, i) => String(310000 + i)) };
    const text = xml(
      doc({
        WLANProfiles: {
          WLANProfile: [wlan('Open'), passpoint('Two domains'), passpoint('Two networks'), many],
        },
      }),
    );
    // Profiles in order: the first Hotspot2 gets a second DomainName, the second a second Network3GPP.
    const domain = [...text.matchAll(/<DomainName>[\s\S]*?<\/DomainName>/g)][0];
    const network = [...text.matchAll(/<Network3GPP>[\s\S]*?<\/Network3GPP>/g)][1];
    assert.ok(domain?.index !== undefined && network?.index !== undefined);
    const twice = [
      text.slice(0, domain.index),
      domain[0],
      text.slice(domain.index, network.index),
      network[0],
      text.slice(network.index),
    ].join('');
    const m = Machine.create({ now: NOW });
    const outcome = m.provision(twice, { source: 'app' });
    assert.deepEqual(
      outcome.result.WLANProfiles?.items.map((i) => [i.name, i.errorCode]),
      [
        ['Open', HRESULT.S_OK],
        ['Two domains', HRESULT.BAD_PROFILE],
        ['Two networks', HRESULT.BAD_PROFILE],
        ['Many', HRESULT.BAD_PROFILE],
      ],
    );
    const reasons = outcome.result.WLANProfiles?.items.map((i) => i.reason ?? '') ?? [];
    assert.match(reasons[1] as string, /DomainName occurs again in Hotspot2/);
    assert.match(reasons[2] as string, /Network3GPP occurs again in Hotspot2/);
    assert.match(reasons[3] as string, /257 PLMNID elements.*allows 256/);
    assert.deepEqual(
      m.state.carriers[carrierKey]?.WLANProfiles.map((p) => p.name),
      ['Open'],
    );
  });

  it('EAP-TTLS with PAP inside fails alone with 800704b6; with EAP-TLS inside (a warning only) it is stored', () => {
    const withOneX = (name: string, oneX: string): WLANProfile => {
      const p = passpoint(name);
      (p.MSM?.security as { OneX?: string }).OneX = oneX;
      return p;
    };
    const m = Machine.create({ now: NOW });
    const outcome = m.provision(
      xml(
        doc({
          WLANProfiles: {
            WLANProfile: [
              withOneX('TTLS PAP', ttls('<PAPAuthentication/>')),
              withOneX('TTLS TLS', ttls(innerTls)),
            ],
          },
        }),
      ),
      { source: 'app' },
    );
    assert.deepEqual(
      outcome.result.WLANProfiles?.items.map((i) => [i.name, i.errorCode]),
      [
        ['TTLS PAP', HRESULT.BAD_PROFILE],
        ['TTLS TLS', HRESULT.S_OK],
      ],
    );
    assert.match(outcome.result.WLANProfiles?.items[0]?.reason ?? '', /EAP-TTLS with PAP inside/);
    assert.deepEqual(
      m.state.carriers[carrierKey]?.WLANProfiles.map((p) => p.name),
      ['TTLS TLS'],
    );
  });

  it('a profile whose NAIRealm follows Network3GPP fails alone with 800704b6 (Windows reads schema order)', () => {
    const text = xml(doc({ WLANProfiles: { WLANProfile: [wlan('Open'), passpoint('Misordered')] } }));
    const realm = /<NAIRealm>[\s\S]*?<\/NAIRealm>/.exec(text)?.[0] as string;
    const network = /<Network3GPP>[\s\S]*?<\/Network3GPP>/.exec(text)?.[0] as string;
    assert.ok(realm && network, 'the document has both elements');
    const swapped = text.replace(realm, '\u0000').replace(network, realm).replace('\u0000', network);
    const m = Machine.create({ now: NOW });
    const outcome = m.provision(swapped, { source: 'app' });
    assert.deepEqual(
      outcome.result.WLANProfiles?.items.map((i) => [i.name, i.errorCode]),
      [
        ['Open', HRESULT.S_OK],
        ['Misordered', HRESULT.BAD_PROFILE],
      ],
    );
    assert.match(outcome.result.WLANProfiles?.items[1]?.reason ?? '', /NAIRealm comes after Network3GPP/);
  });
});
