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
import { python, radiusCa, run, sampleHotspot, workDir } from './helpers/hotspot.ts';

/** Decodes the answer body (base64) and splits it with the email package; prints every part as JSON. */
const SPLIT_MULTIPART = `
import base64, email, json, sys
with open(sys.argv[1], 'rb') as f:
    raw = base64.b64decode(f.read(), validate=False)
msg = email.message_from_bytes(raw)
parts = []
for part in msg.walk():
    if part.is_multipart(): continue
    parts.append({
        'type': part.get_content_type(),
        'encoding': part.get('Content-Transfer-Encoding'),
        'disposition': part.get('Content-Disposition'),
        'payload': base64.b64encode(part.get_payload(decode=True)).decode(),
    })
print(json.dumps({'type': msg.get_content_type(), 'multipart': msg.is_multipart(),
                  'disposition': msg.get('Content-Disposition'), 'defects': [type(d).__name__ for d in msg.defects],
                  'parts': parts}))
`;

/** Walks a PPS-MO with ElementTree into {"Path/To/Leaf": value}, checking the DDF name and version. */
const PPS_LEAVES = `
import json, sys
import xml.etree.ElementTree as ET
ns = {'d': 'syncml:dmddf1.2'}
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == '{syncml:dmddf1.2}MgmtTree', root.tag
leaves = {'VerDTD': root.find('d:VerDTD', ns).text}
def walk(node, path):
    name = node.find('d:NodeName', ns).text
    ddf = node.find('d:RTProperties/d:Type/d:DDFName', ns)
    if ddf is not None: leaves[path + name + '@DDFName'] = ddf.text
    value = node.find('d:Value', ns)
    children = node.findall('d:Node', ns)
    assert (value is None) != (len(children) == 0), name + ': a value or children, not both'
    if value is not None: leaves[path + name] = value.text or ''
    for c in children: walk(c, path + name + '/')
for n in root.findall('d:Node', ns): walk(n, '')
print(json.dumps(leaves))
`;

interface Split {
  type: string;
  multipart: boolean;
  disposition: string | null;
  defects: string[];
  parts: { type: string; encoding: string; disposition: string | null; payload: string }[];
}

function split(body: string): Split {
  const w = workDir();
  try {
    return python(SPLIT_MULTIPART, w.file('answer.b64', body)) as Split;
  } finally {
    w.done();
  }
}

function ppsLeaves(pps: Buffer): Record<string, string> {
  const w = workDir();
  try {
    const file = w.file('pps.xml', pps);
    const lint = run('xmllint', ['--noout', file]);
    assert.equal(lint.status, 0, lint.stderr);
    return python(PPS_LEAVES, file) as Record<string, string>;
  } finally {
    w.done();
  }
}

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
