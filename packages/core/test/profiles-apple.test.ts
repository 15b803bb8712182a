// The Apple profile checked by independent tools: `openssl cms -verify` against the signer's root (content attached,
// DER) and Python's plistlib for the verified content. Hostile strings stay the strings they were.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  buildMobileconfig,
  caCertificateDer,
  createCertificate,
  MbprovError,
  signMobileconfig,
} from '../src/index.ts';
import { python, radiusCa, run, sampleHotspot, workDir } from './helpers/hotspot.ts';
import { ecdsaChain, intermediateChain, rsaChain } from './helpers/signing.ts';

/** Reads a plist file with plistlib and prints it as JSON (data as base64). */
const PLIST_TO_JSON = `
import base64, json, plistlib, sys
with open(sys.argv[1], 'rb') as f:
    value = plistlib.load(f)
def plain(v):
    if isinstance(v, bytes): return {'data': base64.b64encode(v).decode()}
    if isinstance(v, dict): return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list): return [plain(x) for x in v]
    return v
print(json.dumps(plain(value)))
`;

type Dict = Record<string, unknown>;

/** Verifies a signed profile with openssl against a root and returns the verified content. */
function opensslVerify(
  signed: Uint8Array,
  rootPem: string,
): { status: number | null; stderr: string; content?: Buffer } {
  const w = workDir();
  try {
    const r = run('openssl', [
      'cms',
      '-verify',
      '-inform',
      'DER',
      '-in',
      w.file('profile.mobileconfig', signed),
      '-CAfile',
      w.file('root.pem', rootPem),
      '-binary',
      '-out',
      w.file('content.plist'),
    ]);
    return r.status === 0
      ? { status: 0, stderr: r.stderr, content: readFileSync(w.file('content.plist')) }
      : { status: r.status, stderr: r.stderr };
  } finally {
    w.done();
  }
}

function plistOf(bytes: Uint8Array): Dict {
  const w = workDir();
  try {
    return python(PLIST_TO_JSON, w.file('p.plist', bytes)) as Dict;
  } finally {
    w.done();
  }
}

describe('Apple .mobileconfig', () => {
  it('signs CMS SignedData that openssl verifies against the root, whose content plistlib reads as the profile', async () => {
    const chain = await rsaChain();
    const hotspot = await sampleHotspot();
    const { plist, uuid } = buildMobileconfig(hotspot);
    const signed = signMobileconfig(plist, chain.signer);
    const verified = opensslVerify(signed, chain.root.certificatePem);
    assert.equal(verified.status, 0, verified.stderr);
    assert.deepEqual(verified.content, Buffer.from(plist, 'utf8'));
    const top = plistOf(verified.content as Buffer);
    assert.equal(top.PayloadType, 'Configuration');
    assert.equal(top.PayloadVersion, 1);
    assert.equal(top.PayloadIdentifier, 'net.contoso.wifi');
    assert.equal(top.PayloadUUID, uuid);
    assert.equal(top.PayloadOrganization, 'Contoso Ltd');
    const content = top.PayloadContent as Dict[];
    assert.deepEqual(
      content.map((p) => p.PayloadType),
      [
        'com.apple.wifi.managed',
        'com.apple.security.root',
        'com.apple.wifi.managed',
        'com.apple.wifi.managed',
      ],
    );
    const uuids = [uuid, ...content.map((p) => p.PayloadUUID as string)];
    assert.equal(new Set(uuids).size, uuids.length, 'every PayloadUUID is distinct');
    for (const u of uuids)
      assert.match(u, /^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
    const [wifi, root, open1, open2] = content as [Dict, Dict, Dict, Dict];
    assert.equal(wifi.IsHotspot, true);
    assert.equal(wifi.DomainName, 'wifi.contoso.net');
    assert.deepEqual(wifi.NAIRealmNames, ['contoso.net']);
    assert.deepEqual(wifi.RoamingConsortiumOIs, ['5A03BA0000', '004096']);
    assert.equal(wifi.ServiceProviderRoamingEnabled, true);
    assert.equal(wifi.DisplayedOperatorName, 'Contoso Hotspot');
    assert.equal(wifi.EncryptionType, 'WPA2');
    assert.equal(wifi.PayloadVersion, 1);
    assert.deepEqual(wifi.EAPClientConfiguration, {
      AcceptEAPTypes: [21],
      TTLSInnerAuthentication: 'MSCHAPv2',
      UserName: 'u12345@contoso.net',
      UserPassword: 'correct horse battery',
      OuterIdentity: 'anonymous@contoso.net',
      TLSTrustedServerNames: ['radius.contoso.net'],
      PayloadCertificateAnchorUUID: [root.PayloadUUID],
    });
    assert.deepEqual(root.PayloadContent, {
      data: caCertificateDer((await radiusCa()).certificatePem).toString('base64'),
    });
    assert.equal(open1.SSID_STR, 'Contoso Free');
    assert.equal(open2.SSID_STR, 'Contoso Café');
    assert.equal(open2.EncryptionType, 'None');
    assert.notEqual(open1.PayloadIdentifier, open2.PayloadIdentifier);
  });

  it('includes the intermediate CA, so openssl verifies against the root alone', async () => {
    const chain = await intermediateChain('rsa');
    const { plist } = buildMobileconfig(await sampleHotspot());
    const signed = signMobileconfig(plist, {
      ...chain.signer,
      chainPems: [chain.intermediate.certificatePem],
    });
    const verified = opensslVerify(signed, chain.root.certificatePem);
    assert.equal(verified.status, 0, verified.stderr);
    const without = opensslVerify(signMobileconfig(plist, chain.signer), chain.root.certificatePem);
    assert.notEqual(without.status, 0, 'without the intermediate the chain does not build');
  });

  it('fails verification when the content was changed after signing, or against another root', async () => {
    const chain = await rsaChain();
    const { plist } = buildMobileconfig(await sampleHotspot());
    const signed = Buffer.from(signMobileconfig(plist, chain.signer));
    const at = signed.indexOf('correct horse battery');
    assert.ok(at > 0, 'the content is attached');
    const tampered = Buffer.from(signed);
    tampered[at] = 'C'.charCodeAt(0);
    assert.notEqual(opensslVerify(tampered, chain.root.certificatePem).status, 0);
    const other = await createCertificate({ subject: 'CN=Other Root, O=mbprov test', ca: true });
    assert.notEqual(opensslVerify(signed, other.certificatePem).status, 0);
  });

  it('refuses an ECDSA signer and a key of another certificate by name', async () => {
    const { plist } = buildMobileconfig(await sampleHotspot());
    const ec = await ecdsaChain();
    assert.throws(
      () => signMobileconfig(plist, ec.signer),
      (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_PROFILE_SIGNER_UNSUPPORTED',
    );
    const rsa = await rsaChain();
    assert.throws(
      () =>
        signMobileconfig(plist, {
          certificatePem: rsa.signer.certificatePem,
          privateKeyPem: rsa.root.privateKeyPem,
        }),
      (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_SIG_KEY_MISMATCH',
    );
    assert.throws(
      () => signMobileconfig(plist, { ...rsa.signer, certificatePem: 'not a certificate' }),
      (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_CERT_INVALID',
    );
  });

  it('escapes plist metacharacters and keeps unicode: plistlib reads back exactly the strings given', async () => {
    const hostile = {
      name: 'Contoso <b>&amp; "Wi-Fi"</b> ]]> \r\n\t日本語 😀',
      ssid: '</string><key>x',
      password: '&lt;<![CDATA[ x ]]>\'"\r',
      friendly: 'Opérateur <&> ホットスポット',
    };
    const hotspot = await sampleHotspot();
    const { plist } = buildMobileconfig({
      ...hotspot,
      name: hostile.name,
      wisprSsids: [hostile.ssid],
      passpoint: { ...hotspot.passpoint, friendlyName: hostile.friendly },
      credentials: { userName: 'u<1>&', password: hostile.password },
    });
    const run1 = run('xmllint', ['--noout', '-'], plist);
    assert.equal(run1.status, 0, run1.stderr);
    const top = plistOf(Buffer.from(plist, 'utf8'));
    assert.equal(top.PayloadDisplayName, hostile.name);
    const [wifi, , open] = top.PayloadContent as [Dict, Dict, Dict];
    assert.equal(open.SSID_STR, hostile.ssid);
    assert.equal(wifi.DisplayedOperatorName, hostile.friendly);
    const eap = wifi.EAPClientConfiguration as Dict;
    assert.equal(eap.UserPassword, hostile.password);
    assert.equal(eap.UserName, 'u<1>&@contoso.net');
  });

  it('refuses a description no platform can carry before writing anything', async () => {
    const hotspot = await sampleHotspot();
    for (const bad of [
      { ...hotspot, name: 'nul \u0000 inside' },
      { ...hotspot, name: 'lone \uD800 surrogate' },
      { ...hotspot, credentials: { userName: 'u@contoso.net', password: 'x' } },
      { ...hotspot, wisprSsids: [], passpoint: undefined },
      { ...hotspot, identifier: 'not reverse dns' },
      {
        ...hotspot,
        passpoint: {
          ...hotspot.passpoint,
          caCertificatePem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
        },
      },
      null,
      'text',
    ])
      assert.throws(
        () => buildMobileconfig(bad),
        (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_HOTSPOT_INVALID',
      );
  });
});
