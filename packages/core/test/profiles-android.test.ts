// Android's application/x-wifi-config checked by independent tools: Python's email package splits the decoded
// multipart into the PPS-MO and CA parts (content types, no Content-Disposition), xmllint checks the PPS-MO is
// well-formed XML and Python's ElementTree walks its nodes; the password base64 decodes back.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildWifiConfig,
  CA_CERT_MIME_TYPE,
  caCertificateDer,
  MbprovError,
  PASSPOINT_PROFILE_MIME_TYPE,
  PPS_MO_URN,
} from '../src/index.ts';
import { radiusCa, sampleHotspot } from './helpers/hotspot.ts';
import { ppsLeaves, type Split, split } from './helpers/profile-checks.ts';

const P = 'PerProviderSubscription/i001';

describe('Android application/x-wifi-config', () => {
  it('decodes into the PPS-MO and the CA certificate, with their content types and no Content-Disposition', async () => {
    const answer = buildWifiConfig(await sampleHotspot());
    assert.deepEqual(answer.headers, {
      'Content-Type': 'application/x-wifi-config',
      'Content-Transfer-Encoding': 'base64',
    });
    for (const line of answer.body.split('\r\n'))
      assert.ok(line.length <= 76, 'RFC 2045 lines of at most 76');
    const decoded = Buffer.from(answer.body, 'base64').toString('utf8');
    assert.doesNotMatch(decoded, /content-disposition/i);
    const msg = split(answer.body);
    assert.equal(msg.type, 'multipart/mixed');
    assert.equal(msg.multipart, true);
    // RFC 2045 allows only 7bit/8bit/binary on a multipart, so Python notes the one defect AOSP requires: its
    // ConfigParser refuses the message unless the multipart header says Content-Transfer-Encoding: base64.
    assert.deepEqual(msg.defects, ['InvalidMultipartContentTransferEncodingDefect']);
    assert.equal(msg.disposition, null);
    assert.deepEqual(
      msg.parts.map((p) => [p.type, p.encoding, p.disposition]),
      [
        [PASSPOINT_PROFILE_MIME_TYPE, 'base64', null],
        [CA_CERT_MIME_TYPE, 'base64', null],
      ],
    );
    const [pps, ca] = msg.parts as [Split['parts'][0], Split['parts'][0]];
    assert.equal(ca.payload, caCertificateDer((await radiusCa()).certificatePem).toString('base64'));
    const ppsXml = Buffer.from(pps.payload, 'base64');
    assert.equal(ppsXml.toString('utf8'), answer.ppsMo);
    const leaves = ppsLeaves(ppsXml);
    assert.deepEqual(leaves, {
      VerDTD: '1.2',
      'PerProviderSubscription@DDFName': PPS_MO_URN,
      [`${P}/HomeSP/FriendlyName`]: 'Contoso Hotspot',
      [`${P}/HomeSP/FQDN`]: 'wifi.contoso.net',
      [`${P}/HomeSP/RoamingConsortiumOI`]: '5A03BA0000,004096',
      [`${P}/Credential/Realm`]: 'contoso.net',
      [`${P}/Credential/UsernamePassword/Username`]: 'u12345@contoso.net',
      [`${P}/Credential/UsernamePassword/Password`]: Buffer.from('correct horse battery').toString('base64'),
      [`${P}/Credential/UsernamePassword/EAPMethod/EAPType`]: '21',
      [`${P}/Credential/UsernamePassword/EAPMethod/InnerMethod`]: 'MS-CHAP-V2',
    });
    const password = leaves[`${P}/Credential/UsernamePassword/Password`] as string;
    assert.equal(Buffer.from(password, 'base64').toString('utf8'), 'correct horse battery');
  });

  it('writes PAP as the PPS-MO inner method, upper-cases OIs and leaves out an empty OI list', async () => {
    const hotspot = await sampleHotspot();
    const pap = buildWifiConfig({
      ...hotspot,
      passpoint: { ...hotspot.passpoint, innerMethod: 'PAP', roamingConsortiumOis: ['5a03ba0000'] },
    });
    const leaves = ppsLeaves(Buffer.from(pap.ppsMo));
    assert.equal(leaves[`${P}/Credential/UsernamePassword/EAPMethod/InnerMethod`], 'PAP');
    assert.equal(leaves[`${P}/HomeSP/RoamingConsortiumOI`], '5A03BA0000');
    assert.deepEqual(pap.warnings.map((w) => w.code).sort(), [
      'MBPROV_PROFILE_INNER_METHOD',
      'MBPROV_PROFILE_RCOI_CASE',
    ]);
    const none = buildWifiConfig({
      ...hotspot,
      passpoint: { ...hotspot.passpoint, roamingConsortiumOis: [] },
    });
    assert.equal(`${P}/HomeSP/RoamingConsortiumOI` in ppsLeaves(Buffer.from(none.ppsMo)), false);
  });

  it('escapes XML metacharacters and keeps unicode in the PPS-MO; the password round-trips through base64', async () => {
    const hotspot = await sampleHotspot();
    const friendly = 'Opérateur </Value><Node> & ]]> ホットスポット 😀';
    const password = 'p<&>"\'\r\n ÿ 密码 😀';
    const answer = buildWifiConfig({
      ...hotspot,
      passpoint: { ...hotspot.passpoint, friendlyName: friendly },
      credentials: { userName: 'u<&>', password },
    });
    const msg = split(answer.body);
    const leaves = ppsLeaves(Buffer.from((msg.parts[0] as { payload: string }).payload, 'base64'));
    assert.equal(leaves[`${P}/HomeSP/FriendlyName`], friendly);
    assert.equal(leaves[`${P}/Credential/UsernamePassword/Username`], 'u<&>@contoso.net');
    const b64 = leaves[`${P}/Credential/UsernamePassword/Password`] as string;
    assert.equal(Buffer.from(b64, 'base64').toString('utf8'), password);
  });

  it('refuses a description without Passpoint, with a lint error, or with a bad boundary', async () => {
    const hotspot = await sampleHotspot();
    const refused = (input: unknown, code: string, options = {}) =>
      assert.throws(
        () => buildWifiConfig(input, options),
        (e: unknown) => e instanceof MbprovError && e.code === code,
      );
    refused({ ...hotspot, passpoint: undefined }, 'MBPROV_HOTSPOT_INVALID');
    refused(
      { ...hotspot, passpoint: { ...hotspot.passpoint, caCertificatePem: '' } },
      'MBPROV_PROFILE_CA_MISSING',
    );
    refused(
      { ...hotspot, passpoint: { ...hotspot.passpoint, naiRealm: 'contoso' } },
      'MBPROV_PROFILE_REALM_SYNTAX',
    );
    refused(hotspot, 'MBPROV_MODEL_BAD_VALUE', { boundary: 'QUJD' });
    refused(hotspot, 'MBPROV_MODEL_BAD_VALUE', { boundary: 'a-b\r\nX: y' });
  });
});
