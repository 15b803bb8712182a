// The Apple profile checked by independent tools: `openssl cms -verify` against the signer's root (content attached,
// DER) with RSA and ECDSA signers, `openssl cms -cmsout -print` and `asn1parse` for the structure (compared with what
// `openssl cms -sign` and the former node-forge signer write), and Python's plistlib for the verified content.
// Hostile strings stay the strings they were.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  buildMobileconfig,
  type CertificateCurve,
  caCertificateDer,
  createCertificate,
  MbprovError,
  type ProfileSigner,
  signMobileconfig,
} from '../src/index.ts';
import { forgeSignMobileconfig } from './helpers/forge-cms.ts';
import { radiusCa, run, sampleHotspot, workDir } from './helpers/hotspot.ts';
import { type Dict, opensslVerify, plistOf } from './helpers/profile-checks.ts';
import { ecdsaChain, type IntermediateChain, intermediateChain, rsaChain } from './helpers/signing.ts';

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
    const signed = signMobileconfig(plist, withIntermediate(chain));
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

  it('refuses an Ed25519 or secp256k1 signer, a key of another certificate and an unreadable certificate by name', async () => {
    const { plist } = buildMobileconfig(await sampleHotspot());
    for (const newkey of [['ed25519'], ['ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1']]) {
      const unsupported = opensslSigner(newkey);
      assert.throws(
        () => signMobileconfig(plist, unsupported),
        (e: unknown) =>
          e instanceof MbprovError &&
          e.code === 'MBPROV_PROFILE_SIGNER_UNSUPPORTED' &&
          e.message.includes(newkey[0] === 'ed25519' ? 'ed25519' : 'secp256k1'),
      );
    }
    const rsa = await rsaChain();
    // The signer is remembered once it signed (sign.ts): the same certificate with another key is still refused.
    signMobileconfig(plist, rsa.signer);
    assert.throws(
      () =>
        signMobileconfig(plist, {
          certificatePem: rsa.signer.certificatePem,
          privateKeyPem: rsa.root.privateKeyPem,
        }),
      (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_SIG_KEY_MISMATCH',
    );
    const ec = await ecdsaChain();
    assert.throws(
      () => signMobileconfig(plist, { ...ec.signer, privateKeyPem: rsa.signer.privateKeyPem }),
      (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_SIG_KEY_MISMATCH',
    );
    assert.throws(
      () => signMobileconfig(plist, { ...rsa.signer, certificatePem: 'not a certificate' }),
      (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_CERT_INVALID',
    );
    assert.throws(
      () => signMobileconfig(plist, { ...rsa.signer, chainPems: ['not a certificate'] }),
      (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_CERT_INVALID',
    );
    assert.throws(
      () => signMobileconfig(plist, { ...rsa.signer, privateKeyPem: 'not a key' }),
      (e: unknown) => e instanceof MbprovError && e.code === 'MBPROV_KEY_INVALID',
    );
  });

  it('signs like the former node-forge signer: openssl verifies both alike, the same content, the same failures', async () => {
    const chain = await intermediateChain('rsa');
    const signer = withIntermediate(chain);
    const { plist } = buildMobileconfig(await sampleHotspot());
    const other = await createCertificate({ subject: 'CN=Other Root, O=mbprov test', ca: true });
    const outcome = (signed: Uint8Array) => {
      const good = opensslVerify(signed, chain.root.certificatePem);
      return {
        status: good.status,
        content: good.content && createHash('sha256').update(good.content).digest('hex'),
        otherRoot: opensslVerify(signed, other.certificatePem).status === 0,
        tamperedSignature: opensslVerify(flipLastByte(signed), chain.root.certificatePem).status === 0,
        // forge wrote the attributes in the order given, not sorted as DER requires (and openssl writes): as a set.
        signedAttributes: signedAttributeNames(opensslPrint(signed)).sort(),
      };
    };
    const before = outcome(forgeSignMobileconfig(plist, signer));
    const now = outcome(signMobileconfig(plist, signer));
    assert.equal(now.status, 0);
    assert.equal(now.content, createHash('sha256').update(plist, 'utf8').digest('hex'));
    assert.deepEqual(now, before);
  });

  it('writes what openssl cms -sign writes for the same signer, but for the signing time and signature', async () => {
    for (const chain of [
      { ...(await intermediateChain('rsa')), hash: 'sha256' },
      { ...(await ecChain('P-256')), hash: 'sha256' },
      { ...(await ecChain('P-384')), hash: 'sha384' },
      { ...(await ecChain('P-521')), hash: 'sha512' },
    ]) {
      const signer = withIntermediate(chain);
      const { plist } = buildMobileconfig(await sampleHotspot());
      const ours = opensslPrint(signMobileconfig(plist, signer));
      const theirs = opensslPrint(opensslSign(plist, signer, chain.hash));
      assert.match(ours, new RegExp(`digestAlgorithm: \\n\\s+algorithm: ${chain.hash} `));
      assert.equal(withoutTimeAndSignature(ours), withoutTimeAndSignature(theirs));
    }
  });

  it('asn1parse shows SignedData with the profile attached as id-data and the signed attributes', async () => {
    const chain = await rsaChain();
    const { plist } = buildMobileconfig(await sampleHotspot());
    const w = workDir();
    try {
      const r = run('openssl', [
        'asn1parse',
        '-inform',
        'DER',
        '-in',
        w.file('p.der', signMobileconfig(plist, chain.signer)),
      ]);
      assert.equal(r.status, 0, r.stderr);
      const objects = [...r.stdout.matchAll(/OBJECT\s+:(\S+)/g)].map((m) => m[1]);
      assert.equal(objects[0], 'pkcs7-signedData');
      assert.deepEqual(objects.slice(1, 3), ['sha256', 'pkcs7-data']);
      // The content follows id-data as an OCTET STRING of exactly the plist's length: attached, not detached.
      const attached = new RegExp(
        `OBJECT\\s+:pkcs7-data\\n.*cont \\[ 0 \\]\\s*\\n.*l=\\s*${Buffer.byteLength(plist)} prim: OCTET STRING`,
      );
      assert.match(r.stdout, attached);
      const tail = objects.slice(objects.lastIndexOf('sha256') + 1);
      assert.deepEqual(tail, ['contentType', 'pkcs7-data', 'signingTime', 'messageDigest', 'rsaEncryption']);
    } finally {
      w.done();
    }
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

describe('Apple .mobileconfig with an ECDSA signer', () => {
  for (const [curve, hash, signatureAlgorithm] of [
    ['P-256', 'sha256', 'ecdsa-with-SHA256'],
    ['P-384', 'sha384', 'ecdsa-with-SHA384'],
  ] as const)
    it(`${curve}: openssl verifies it against the root with the plist byte for byte, and refuses every change`, async () => {
      const chain = await ecChain(curve);
      const { plist } = buildMobileconfig(await sampleHotspot());
      const signed = signMobileconfig(plist, withIntermediate(chain));
      const verified = opensslVerify(signed, chain.root.certificatePem);
      assert.equal(verified.status, 0, verified.stderr);
      assert.deepEqual(verified.content, Buffer.from(plist, 'utf8'));
      assert.equal(plistOf(verified.content as Buffer).PayloadIdentifier, 'net.contoso.wifi');

      const other = await ecChain(curve, 'Other');
      assert.notEqual(opensslVerify(signed, other.root.certificatePem).status, 0, 'another root');
      assert.notEqual(opensslVerify(flipLastByte(signed), chain.root.certificatePem).status, 0, 'signature');
      const content = Buffer.from(signed);
      const at = content.indexOf('correct horse battery');
      assert.ok(at > 0, 'the content is attached');
      content[at] = 'C'.charCodeAt(0);
      assert.notEqual(opensslVerify(content, chain.root.certificatePem).status, 0, 'content');

      const printed = opensslPrint(signed);
      assert.deepEqual(signedAttributeNames(printed), ['contentType', 'signingTime', 'messageDigest']);
      assert.match(printed, /d\.issuerAndSerialNumber:/);
      assert.match(printed, new RegExp(`digestAlgorithm: \\n\\s+algorithm: ${hash} `));
      assert.match(printed, new RegExp(`signatureAlgorithm: \\n\\s+algorithm: ${signatureAlgorithm} `));
      const digest = createHash(hash).update(plist, 'utf8').digest('hex');
      assert.equal(messageDigestOf(printed), digest);
    });
});

/** The chain's signer with its intermediate CA as `chainPems`. */
function withIntermediate(chain: IntermediateChain): ProfileSigner {
  return { ...chain.signer, chainPems: [chain.intermediate.certificatePem] };
}

/** Root → intermediate CA → signer, all ECDSA on one curve. */
const ecChains = new Map<string, Promise<IntermediateChain>>();
function ecChain(curve: CertificateCurve, name = 'mbprov'): Promise<IntermediateChain> {
  const key = `${curve} ${name}`;
  let chain = ecChains.get(key);
  if (!chain) {
    chain = (async () => {
      const ec = { keyType: 'ecdsa', curve } as const;
      const root = await createCertificate({
        subject: `CN=${name} ${curve} Root, O=mbprov test`,
        ca: true,
        ...ec,
      });
      const intermediate = await createCertificate({
        subject: `CN=${name} ${curve} Intermediate, O=mbprov test`,
        issuer: root,
        ca: true,
        ...ec,
      });
      const signer = await createCertificate({
        subject: `CN=${name} ${curve} Signer, O=mbprov test`,
        issuer: intermediate,
        ...ec,
      });
      return { root, intermediate, signer };
    })();
    ecChains.set(key, chain);
  }
  return chain;
}

/** A self-signed signer made by openssl with `openssl req -newkey <args>` (key types mbprov cannot generate). */
function opensslSigner(newkey: string[]): ProfileSigner {
  const w = workDir();
  try {
    const r = run('openssl', [
      'req',
      '-x509',
      '-newkey',
      ...newkey,
      '-nodes',
      '-keyout',
      w.file('key.pem'),
      '-out',
      w.file('cert.pem'),
      '-subj',
      '/CN=mbprov unsupported signer',
      '-days',
      '1',
    ]);
    assert.equal(r.status, 0, r.stderr);
    return {
      privateKeyPem: readFileSync(w.file('key.pem'), 'utf8'),
      certificatePem: readFileSync(w.file('cert.pem'), 'utf8'),
    };
  } finally {
    w.done();
  }
}

/** `openssl cms -sign` of the same content with the same signer: attached, DER, no S/MIME capabilities. */
function opensslSign(plist: string, signer: ProfileSigner, hash: string): Buffer {
  const w = workDir();
  try {
    const r = run('openssl', [
      'cms',
      '-sign',
      '-binary',
      '-nodetach',
      '-nosmimecap',
      '-md',
      hash,
      '-outform',
      'DER',
      '-in',
      w.file('content.plist', plist),
      '-signer',
      w.file('signer.pem', signer.certificatePem),
      '-inkey',
      w.file('key.pem', signer.privateKeyPem),
      '-certfile',
      w.file('chain.pem', (signer.chainPems ?? []).join('')),
      '-out',
      w.file('signed.der'),
    ]);
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(w.file('signed.der'));
  } finally {
    w.done();
  }
}

/** `openssl cms -cmsout -print` of a signed profile: the whole structure as openssl reads it. */
function opensslPrint(signed: Uint8Array): string {
  const w = workDir();
  try {
    const r = run('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER', '-in', w.file('p.der', signed)]);
    assert.equal(r.status, 0, r.stderr);
    return r.stdout;
  } finally {
    w.done();
  }
}

/** The names of the signed attributes in openssl's print, in order. */
function signedAttributeNames(printed: string): string[] {
  const block = /signedAttrs:\n([\s\S]*?)\n {8}signatureAlgorithm:/.exec(printed);
  assert.ok(block, 'the print shows signed attributes');
  return [...(block[1] as string).matchAll(/object: (\w+) \(/g)].map((m) => m[1] as string);
}

/** The message digest attribute's value in openssl's print, as hex. */
function messageDigestOf(printed: string): string {
  const block =
    /object: messageDigest [^\n]*\n\s+set:\n\s+OCTET STRING:\n((?:\s+[0-9a-f]{4} - [^\n]*\n)+)/.exec(printed);
  assert.ok(block, 'the print shows the message digest');
  return [...(block[1] as string).matchAll(/^\s+[0-9a-f]{4} - ([0-9a-f -]+?)\s{2,}/gm)]
    .map((m) => (m[1] as string).replace(/[ -]/g, ''))
    .join('');
}

/** openssl's print with the signing time and the signature value (which differ on every signing) blanked. */
function withoutTimeAndSignature(printed: string): string {
  return printed
    .replace(/UTCTIME:[^\n]*/, 'UTCTIME:<time>')
    .replace(/(\n {8}signature: \n)(?: {10}[0-9a-f]{4} - [^\n]*\n)+/, '$1<signature>\n');
}

/** The signed profile with its last byte (the end of the signature value) changed. */
function flipLastByte(signed: Uint8Array): Buffer {
  const out = Buffer.from(signed);
  out.writeUInt8((out.at(-1) as number) ^ 0x01, out.length - 1);
  return out;
}
