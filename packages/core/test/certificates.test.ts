// Test certificates (the Install-TestEVCert equivalent), reading and describing certificates, PKCS#12 files
// and TrustedCertificate entries. Claims about interoperability are checked with OpenSSL when it is installed.
import 'reflect-metadata'; // before @peculiar/x509, which needs it
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, type X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import {
  buildChain,
  createCertificate,
  createTestEvChain,
  describeCertificate,
  EV_POLICY_OID,
  fromPkcs12,
  isEv,
  loadCertificates,
  parseWindowsDn,
  sha256Fingerprint,
  type TestEvChain,
  thumbprint,
  toPkcs12,
  trustedCertificateEntry,
  trustedCertificateXml,
} from '../src/certificates/index.ts';
import { buildDocument } from '../src/document/build.ts';
import { validateDocument } from '../src/document/validate.ts';
import { MbprovError } from '../src/errors/mbprov-error.ts';
import { BROKEN_SIGNER_KINDS, createBrokenSigner } from '../src/testing.ts';

const hasOpenssl = spawnSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'mbprov-cert-'));
const now = new Date('2026-06-01T12:00:00Z');

const parsed = (cert: X509Certificate) => new x509.X509Certificate(cert.raw);
const rejectsWith = (code: string, pattern?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof MbprovError, `expected MbprovError, got ${error}`);
  assert.equal(error.code, code);
  if (pattern) assert.match(error.message, pattern);
  return true;
};
const issuedBy = (child: X509Certificate, issuer: X509Certificate) =>
  child.checkIssued(issuer) && child.verify(issuer.publicKey);

let rsa: TestEvChain;
let ecdsa: TestEvChain;
before(async () => {
  [rsa, ecdsa] = await Promise.all([
    createTestEvChain({ now }),
    createTestEvChain({ now, keyType: 'ecdsa' }),
  ]);
});

describe('createTestEvChain', () => {
  it('names the root and signer like Install-TestEVCert (default MBAPTestCert) and marks them TEST ONLY', () => {
    assert.equal(
      describeCertificate(rsa.root.certificate).subject,
      'CN=MBAPTestCert Test Root, O=mbprov test, OU=TEST ONLY - NOT TRUSTED',
    );
    assert.equal(
      describeCertificate(rsa.signer.certificate).subject,
      'CN=MBAPTestCert, O=mbprov test, OU=TEST ONLY',
    );
    assert.equal(
      describeCertificate(rsa.signer.certificate).issuer,
      describeCertificate(rsa.root.certificate).subject,
    );
  });

  it('the signer chains to the root with node:crypto (checkIssued and verify), the root is self-signed', () => {
    for (const chain of [rsa, ecdsa]) {
      assert.ok(chain.signer.certificate.checkIssued(chain.root.certificate));
      assert.ok(chain.signer.certificate.verify(chain.root.certificate.publicKey));
      assert.ok(issuedBy(chain.root.certificate, chain.root.certificate));
      assert.ok(!chain.signer.certificate.verify(chain.signer.certificate.publicKey));
    }
  });

  it('root: cA=true and keyCertSign+cRLSign, both critical; signer: cA=false and digitalSignature, both critical', () => {
    const root = parsed(rsa.root.certificate);
    const signer = parsed(rsa.signer.certificate);
    const rootBc = root.getExtension(x509.BasicConstraintsExtension);
    const signerBc = signer.getExtension(x509.BasicConstraintsExtension);
    assert.equal(rootBc?.ca, true);
    assert.equal(rootBc?.critical, true);
    assert.equal(signerBc?.ca, false);
    assert.equal(signerBc?.critical, true);
    assert.equal(root.getExtension(x509.KeyUsagesExtension)?.critical, true);
    assert.equal(signer.getExtension(x509.KeyUsagesExtension)?.critical, true);
    assert.deepEqual(describeCertificate(rsa.root.certificate).keyUsage, ['keyCertSign', 'cRLSign']);
    assert.deepEqual(describeCertificate(rsa.signer.certificate).keyUsage, ['digitalSignature']);
    assert.equal(rsa.root.certificate.ca, true);
    assert.equal(rsa.signer.certificate.ca, false);
  });

  it('EV is detected on the signer (certificatePolicies 2.23.140.1.1, one PolicyInformation) and not on the root', () => {
    assert.equal(EV_POLICY_OID, '2.23.140.1.1');
    assert.equal(isEv(rsa.signer.certificate), true);
    assert.equal(isEv(rsa.root.certificate), false);
    assert.equal(isEv(ecdsa.signer.certificate), true);
    const policies = parsed(rsa.signer.certificate).getExtension(x509.CertificatePolicyExtension);
    assert.deepEqual([...(policies?.policies ?? [])], [EV_POLICY_OID]);
    // CertificatePolicies ::= SEQUENCE { PolicyInformation ::= SEQUENCE { policyIdentifier OID 2.23.140.1.1 } }
    assert.equal(Buffer.from(policies?.value as ArrayBuffer).toString('hex'), '30093007060567810c0101');
  });

  it('links the signer to the root by key identifiers', () => {
    const ski = parsed(rsa.root.certificate).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    const aki = parsed(rsa.signer.certificate).getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId;
    assert.ok(ski);
    assert.equal(aki, ski);
    assert.ok(parsed(rsa.signer.certificate).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
  });

  it('uses RSA-2048 with SHA-256 by default, ECDSA P-256 with SHA-256 on request', () => {
    assert.equal(describeCertificate(rsa.signer.certificate).keyAlgorithm, 'RSA 2048');
    assert.deepEqual(parsed(rsa.signer.certificate).signatureAlgorithm, {
      name: 'RSASSA-PKCS1-v1_5',
      hash: { name: 'SHA-256' },
    });
    assert.equal(describeCertificate(ecdsa.signer.certificate).keyAlgorithm, 'ECDSA P-256');
    assert.deepEqual(parsed(ecdsa.signer.certificate).signatureAlgorithm, {
      name: 'ECDSA',
      hash: { name: 'SHA-256' },
    });
    assert.match(rsa.signer.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(rsa.signer.privateKey.asymmetricKeyType, 'rsa');
    assert.equal(ecdsa.signer.privateKey.asymmetricKeyType, 'ec');
  });

  it('is valid for `days` from `now` (10 minutes earlier for clock skew) and has random positive serials', async () => {
    const d = describeCertificate(rsa.signer.certificate);
    assert.equal(d.notBefore, '2026-06-01T11:50:00.000Z');
    assert.equal(d.notAfter, '2027-06-01T12:00:00.000Z');
    const short = await createTestEvChain({ now, days: 7, keyType: 'ecdsa', name: 'Contoso' });
    assert.equal(describeCertificate(short.signer.certificate).notAfter, '2026-06-08T12:00:00.000Z');
    assert.equal(describeCertificate(short.root.certificate).subject.split(',')[0], 'CN=Contoso Test Root');
    const serials = [rsa.root, rsa.signer, ecdsa.root, ecdsa.signer, short.root, short.signer].map(
      (c) => c.certificate.serialNumber,
    );
    assert.equal(new Set(serials).size, serials.length);
    for (const s of serials) assert.match(s, /^[0-7][0-9A-F]{31}$/, 'positive 16-byte INTEGER');
  });

  it('quotes a name with DN special characters the Windows way', async () => {
    const chain = await createTestEvChain({ now, name: 'Contoso, "Mobile"', keyType: 'ecdsa' });
    const subject = describeCertificate(chain.signer.certificate).subject;
    assert.equal(subject, 'CN="Contoso, ""Mobile""", O=mbprov test, OU=TEST ONLY');
    assert.deepEqual(parseWindowsDn(subject).reverse()[0], [{ oid: '2.5.4.3', value: 'Contoso, "Mobile"' }]);
  });

  it('OpenSSL verifies the chain strictly (openssl verify -x509_strict) when openssl is installed', {
    skip: !hasOpenssl && 'openssl is not installed',
  }, () => {
    for (const [name, chain] of [
      ['rsa', rsa],
      ['ecdsa', ecdsa],
    ] as const) {
      writeFileSync(join(dir, `${name}-root.pem`), chain.root.certificatePem);
      writeFileSync(join(dir, `${name}-signer.pem`), chain.signer.certificatePem);
      const out = execFileSync(
        'openssl',
        [
          'verify',
          '-x509_strict',
          '-attime',
          String(now.getTime() / 1000),
          '-CAfile',
          join(dir, `${name}-root.pem`),
          join(dir, `${name}-signer.pem`),
        ],
        { encoding: 'utf8' },
      );
      assert.match(out, /: OK$/m);
    }
  });
});

describe('createCertificate and createBrokenSigner', () => {
  it('each broken signer has the one property it claims', async () => {
    const at = (kind: (typeof BROKEN_SIGNER_KINDS)[number]) => createBrokenSigner(kind, rsa, { now });
    const expired = (await at('expired')).signer.certificate;
    assert.ok(new Date(expired.validTo) < now);
    assert.ok(issuedBy(expired, rsa.root.certificate));

    const future = (await at('not-yet-valid')).signer.certificate;
    assert.ok(new Date(future.validFrom) > now);

    const ca = (await at('ca-as-signer')).signer.certificate;
    assert.equal(ca.ca, true);
    assert.ok(issuedBy(ca, rsa.root.certificate));

    const keyEnc = (await at('wrong-key-usage')).signer.certificate;
    assert.deepEqual(describeCertificate(keyEnc).keyUsage, ['keyEncipherment']);

    const noEv = (await at('no-ev-policy')).signer.certificate;
    assert.equal(isEv(noEv), false);
    assert.deepEqual(describeCertificate(noEv).policies, []);

    const self = await at('self-signed');
    assert.equal(self.root, self.signer);
    const selfDescription = describeCertificate(self.signer.certificate);
    assert.equal(selfDescription.issuer, selfDescription.subject);
    assert.ok(self.signer.certificate.verify(self.signer.certificate.publicKey));
    assert.equal(selfDescription.selfSigned, true);
    assert.equal(selfDescription.isCa, false);
    assert.equal(selfDescription.ev, true);

    const other = await at('other-root');
    // Same issuer name as the trusted root but another key: names alone cannot tell them apart.
    assert.equal(
      describeCertificate(other.signer.certificate).issuer,
      describeCertificate(rsa.root.certificate).subject,
    );
    assert.equal(
      describeCertificate(other.root.certificate).subject,
      describeCertificate(rsa.root.certificate).subject,
    );
    assert.ok(!other.signer.certificate.verify(rsa.root.certificate.publicKey));
    assert.ok(issuedBy(other.signer.certificate, other.root.certificate));
    assert.notEqual(thumbprint(other.root.certificate), thumbprint(rsa.root.certificate));
  });

  it('the chain checker refuses each broken signer with its own code, and accepts the good one', async () => {
    const anchors = [rsa.root.certificate];
    const check = (leaf: X509Certificate, extra: X509Certificate[] = []) => {
      const r = buildChain(leaf, { trustAnchors: anchors, intermediates: extra, now, requireEv: true });
      return 'code' in r ? r.code : 'ok';
    };
    assert.equal(check(rsa.signer.certificate), 'ok');
    const expected = {
      expired: 'MBPROV_CERT_EXPIRED',
      'not-yet-valid': 'MBPROV_CERT_NOT_YET_VALID',
      'ca-as-signer': 'MBPROV_CERT_SIGNER_IS_CA',
      'wrong-key-usage': 'MBPROV_CERT_KEY_USAGE',
      'no-ev-policy': 'MBPROV_CERT_NOT_EV',
      'self-signed': 'MBPROV_CERT_CHAIN_UNTRUSTED',
      'other-root': 'MBPROV_CERT_CHAIN_UNTRUSTED',
      'weak-key': 'MBPROV_CERT_WEAK_KEY',
      'unknown-critical-extension': 'MBPROV_CERT_CRITICAL_EXTENSION',
      'non-repudiation-only': 'MBPROV_CERT_KEY_USAGE',
      'time-stamping-only': 'MBPROV_CERT_EXTENDED_KEY_USAGE',
    } as const;
    for (const kind of BROKEN_SIGNER_KINDS) {
      const broken = await createBrokenSigner(kind, rsa, { now });
      assert.equal(check(broken.signer.certificate, [broken.root.certificate]), expected[kind], kind);
    }
  });

  it('broken ECDSA signers keep the chain key type', async () => {
    const broken = await createBrokenSigner('no-ev-policy', ecdsa, { now });
    assert.equal(describeCertificate(broken.signer.certificate).keyAlgorithm, 'ECDSA P-256');
    assert.ok(issuedBy(broken.signer.certificate, ecdsa.root.certificate));
  });

  it('an RSA root can issue an ECDSA leaf (signature follows the issuer key) with extended key usage', async () => {
    const leaf = await createCertificate({
      subject: 'CN=leaf, O=Contoso, C=US',
      issuer: rsa.root,
      keyType: 'ecdsa',
      now,
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.3'],
    });
    assert.ok(issuedBy(leaf.certificate, rsa.root.certificate));
    assert.equal(parsed(leaf.certificate).signatureAlgorithm.name, 'RSASSA-PKCS1-v1_5');
    assert.deepEqual(describeCertificate(leaf.certificate).extendedKeyUsage, ['1.3.6.1.5.5.7.3.3']);
  });

  it('refuses a subject that is not a distinguished name and an issuer key it cannot read', async () => {
    await assert.rejects(
      createCertificate({ subject: 'Contoso' }),
      rejectsWith('MBPROV_CERT_INVALID', /NAME=value/),
    );
    await assert.rejects(
      createCertificate({ subject: 'XX=1' }),
      rejectsWith('MBPROV_CERT_INVALID', /unknown attribute name "XX"/),
    );
    await assert.rejects(
      createCertificate({ subject: 'CN="open' }),
      rejectsWith('MBPROV_CERT_INVALID', /unterminated/),
    );
    await assert.rejects(
      createCertificate({
        subject: 'CN=x',
        issuer: { certificatePem: rsa.root.certificatePem, privateKeyPem: 'nope' },
      }),
      rejectsWith('MBPROV_KEY_INVALID'),
    );
    await assert.rejects(
      createCertificate({
        subject: 'CN=x',
        issuer: { certificatePem: rsa.root.certificatePem, privateKeyPem: rsa.signer.privateKeyPem },
      }),
      rejectsWith('MBPROV_SIG_KEY_MISMATCH', /issuer private key does not belong/),
    );
  });
});

describe('distinguished names (Windows / .NET X500DistinguishedName style)', () => {
  it('writes the most specific RDN first, Windows attribute names, OID.x for others; DER keeps C first', async () => {
    const subject =
      'CN=Contoso Mobile, O="Contoso, Inc.", L=Redmond, S=WA, C=US, E=pki@contoso.com, OID.2.5.4.15=Private Organization';
    const cert = (await createCertificate({ subject, keyType: 'ecdsa', now })).certificate;
    assert.equal(describeCertificate(cert).subject, subject);
    // node prints the DER order, one attribute per line: the least specific (last in the Windows string) first.
    assert.deepEqual(cert.subject.split('\n').slice(0, 2), [
      'businessCategory=Private Organization',
      'emailAddress=pki@contoso.com',
    ]);
    assert.equal(cert.subject.split('\n').at(-1), 'CN=Contoso Mobile');
  });

  it('reads multi-valued RDNs, ST/EMAIL aliases and semicolons', () => {
    assert.deepEqual(parseWindowsDn('CN=a + OU=b; ST=WA, EMAIL=x@y'), [
      [{ oid: '1.2.840.113549.1.9.1', value: 'x@y' }],
      [{ oid: '2.5.4.8', value: 'WA' }],
      [
        { oid: '2.5.4.3', value: 'a' },
        { oid: '2.5.4.11', value: 'b' },
      ],
    ]);
  });
});

describe('loadCertificates, thumbprint, describeCertificate', () => {
  it('reads PEM bundles (string or bytes, CRLF, text before blocks, other blocks ignored) and DER', () => {
    const bundle = rsa.signer.certificatePem + rsa.signer.privateKeyPem + rsa.root.certificatePem;
    const fromText = loadCertificates(bundle);
    assert.deepEqual(fromText.map(thumbprint), [
      thumbprint(rsa.signer.certificate),
      thumbprint(rsa.root.certificate),
    ]);
    assert.equal(loadCertificates(Buffer.from(bundle.replace(/\n/g, '\r\n'))).length, 2);
    assert.equal(
      loadCertificates(`Bag Attributes\n    friendlyName: x\n${rsa.root.certificatePem}`).length,
      1,
    );
    const der = loadCertificates(new Uint8Array(rsa.root.certificate.raw));
    assert.equal(der.length, 1);
    assert.equal(thumbprint(der[0] as X509Certificate), thumbprint(rsa.root.certificate));
  });

  it('refuses anything else with MBPROV_CERT_INVALID and says why', () => {
    const b64 = rsa.root.certificatePem.split('\n').slice(1, -2).join('\n');
    const cases: Array<[string | Uint8Array, RegExp]> = [
      ['', /empty/],
      ['hello world', /neither PEM .* nor a DER certificate/],
      [rsa.root.privateKeyPem, /no CERTIFICATE block .*found only PRIVATE KEY/],
      [`-----BEGIN CERTIFICATE-----\n${b64}\n`, /BEGIN CERTIFICATE line at line 1 has no matching END/],
      [
        `-----BEGIN CERTIFICATE-----\n!!!${b64}\n-----END CERTIFICATE-----\n`,
        /PEM block 1 \(line 1\) is not valid base64/,
      ],
      [
        `${rsa.root.certificatePem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`,
        /PEM block 2 \(line \d+\) is not a valid X.509 certificate/,
      ],
      [new Uint8Array(rsa.root.certificate.raw.subarray(0, 100)), /not a DER X.509 certificate/],
      [new Uint8Array([0, 1, 2, 3]), /neither PEM/],
    ];
    for (const [input, message] of cases)
      assert.throws(() => loadCertificates(input), rejectsWith('MBPROV_CERT_INVALID', message));
  });

  it('thumbprint is the SHA-1 of the DER, uppercase hex without colons (openssl -fingerprint -sha1 without colons)', () => {
    const cert = rsa.signer.certificate;
    assert.match(thumbprint(cert), /^[0-9A-F]{40}$/);
    assert.equal(thumbprint(cert), cert.fingerprint.replace(/:/g, ''));
    assert.equal(sha256Fingerprint(cert), cert.fingerprint256.replace(/:/g, ''));
    if (hasOpenssl) {
      const file = join(dir, 'thumb.pem');
      writeFileSync(file, rsa.signer.certificatePem);
      const out = execFileSync('openssl', ['x509', '-in', file, '-noout', '-fingerprint', '-sha1'], {
        encoding: 'utf8',
      });
      assert.equal(
        out
          .trim()
          .replace(/^.*Fingerprint=/i, '')
          .replace(/:/g, ''),
        thumbprint(cert),
      );
    }
  });

  it('describes a certificate', () => {
    const d = describeCertificate(rsa.signer.certificate);
    assert.deepEqual(
      { ...d, thumbprint: undefined, sha256: undefined, serialNumber: undefined },
      {
        subject: 'CN=MBAPTestCert, O=mbprov test, OU=TEST ONLY',
        issuer: 'CN=MBAPTestCert Test Root, O=mbprov test, OU=TEST ONLY - NOT TRUSTED',
        notBefore: '2026-06-01T11:50:00.000Z',
        notAfter: '2027-06-01T12:00:00.000Z',
        serialNumber: undefined,
        thumbprint: undefined,
        sha256: undefined,
        ev: true,
        isCa: false,
        selfSigned: false,
        keyUsage: ['digitalSignature'],
        extendedKeyUsage: [],
        policies: ['2.23.140.1.1'],
        keyAlgorithm: 'RSA 2048',
      },
    );
    assert.equal(d.serialNumber, rsa.signer.certificate.serialNumber.toUpperCase());
    assert.equal(describeCertificate(rsa.root.certificate).selfSigned, true);
  });
});

describe('TrustedCertificate entries', () => {
  it('gives SubjectName and IssuerName in the Windows DN style', () => {
    assert.deepEqual(trustedCertificateEntry(rsa.signer.certificate), {
      SubjectName: 'CN=MBAPTestCert, O=mbprov test, OU=TEST ONLY',
      IssuerName: 'CN=MBAPTestCert Test Root, O=mbprov test, OU=TEST ONLY - NOT TRUSTED',
    });
  });

  it('entries and pasted XML make a valid document without name warnings', () => {
    const Global = { CarrierId: '{00000000-1111-2222-3333-444444444444}', SubscriberId: '1234567890' };
    const certs = [rsa.signer.certificate, ecdsa.signer.certificate];
    const fromModel = buildDocument({
      Global,
      Provisioning: { TrustedCertificates: { TrustedCertificate: certs.map(trustedCertificateEntry) } },
    });
    const fromXml = fromModel.replace(
      /<TrustedCertificates>[\s\S]*<\/TrustedCertificates>/,
      `<TrustedCertificates>\n${trustedCertificateXml(certs)}\n</TrustedCertificates>`,
    );
    assert.notEqual(fromXml, fromModel);
    for (const xml of [fromModel, fromXml]) {
      const result = validateDocument(xml);
      assert.deepEqual(result.diagnostics, []);
      assert.equal(result.valid, true);
    }
    assert.ok(
      fromModel.includes(
        trustedCertificateXml(certs, { standalone: false, indent: '  ' }).split('\n')[1] as string,
      ),
    );
  });
});

describe('PKCS#12', () => {
  const pack = (chain: TestEvChain, extra: { legacy?: boolean; password?: string } = {}) =>
    toPkcs12({
      certificatePem: chain.signer.certificatePem,
      privateKeyPem: chain.signer.privateKeyPem,
      chainPems: [chain.root.certificatePem],
      password: extra.password ?? 'mbprov-test',
      friendlyName: 'MBAPTestCert',
      ...(extra.legacy !== undefined ? { legacy: extra.legacy } : {}),
    });

  it('round trip (node-forge read-back): the same key, certificate, chain and friendly name, RSA and ECDSA, AES and 3DES', () => {
    for (const chain of [rsa, ecdsa]) {
      for (const legacy of [false, true]) {
        const back = fromPkcs12(pack(chain, { legacy }), 'mbprov-test');
        assert.equal(back.certificatePem, chain.signer.certificatePem);
        assert.deepEqual(back.chainPems, [chain.root.certificatePem]);
        assert.equal(back.privateKeyPem, chain.signer.privateKeyPem);
        assert.equal(back.friendlyName, 'MBAPTestCert');
      }
    }
  });

  it('an empty password works; a wrong one, garbage or a non-ASCII password is refused with MBPROV_PKCS12_INVALID', () => {
    assert.equal(fromPkcs12(pack(rsa, { password: '' }), '').certificatePem, rsa.signer.certificatePem);
    assert.throws(
      () => fromPkcs12(pack(rsa), 'wrong'),
      rejectsWith('MBPROV_PKCS12_INVALID', /wrong password/),
    );
    assert.throws(() => fromPkcs12(new Uint8Array([1, 2, 3]), 'x'), rejectsWith('MBPROV_PKCS12_INVALID'));
    assert.throws(
      () => pack(rsa, { password: 'pässword' }),
      rejectsWith('MBPROV_PKCS12_INVALID', /printable ASCII/),
    );
  });

  it('refuses a key that does not belong to the certificate, and a key it cannot read', () => {
    assert.throws(
      () =>
        toPkcs12({
          certificatePem: rsa.signer.certificatePem,
          privateKeyPem: rsa.root.privateKeyPem,
          password: 'x',
        }),
      rejectsWith('MBPROV_SIG_KEY_MISMATCH'),
    );
    assert.throws(
      () => toPkcs12({ certificatePem: rsa.signer.certificatePem, privateKeyPem: 'junk', password: 'x' }),
      rejectsWith('MBPROV_KEY_INVALID'),
    );
  });

  it('OpenSSL reads our file (openssl pkcs12 -info -nokeys; AES-256/PBKDF2-SHA256 key, SHA-256 MAC) and its key, when openssl is installed', {
    skip: !hasOpenssl && 'openssl is not installed',
  }, () => {
    for (const [name, chain] of [
      ['rsa', rsa],
      ['ecdsa', ecdsa],
    ] as const) {
      const file = join(dir, `${name}.p12`);
      writeFileSync(file, pack(chain));
      const info = execFileSync(
        'openssl',
        ['pkcs12', '-info', '-nokeys', '-in', file, '-passin', 'pass:mbprov-test'],
        {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      const certs = loadCertificates(info);
      assert.deepEqual(certs.map(thumbprint), [
        thumbprint(chain.signer.certificate),
        thumbprint(chain.root.certificate),
      ]);
      const details = spawnSync(
        'openssl',
        ['pkcs12', '-info', '-noout', '-in', file, '-passin', 'pass:mbprov-test'],
        {
          encoding: 'utf8',
        },
      );
      assert.match(details.stderr + details.stdout, /MAC: sha256/);
      assert.match(
        details.stderr + details.stdout,
        /PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256/,
      );
      const keyPem = execFileSync(
        'openssl',
        ['pkcs12', '-in', file, '-passin', 'pass:mbprov-test', '-nocerts', '-nodes'],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const spki = (k: string) => createPublicKey(k).export({ type: 'spki', format: 'der' }).toString('hex');
      assert.equal(spki(keyPem.slice(keyPem.indexOf('-----BEGIN'))), spki(chain.signer.privateKeyPem));
    }
  });

  it('reads a file OpenSSL wrote (encrypted certificate bags), when openssl is installed', {
    skip: !hasOpenssl && 'openssl is not installed',
  }, () => {
    for (const [name, chain] of [
      ['rsa', rsa],
      ['ecdsa', ecdsa],
    ] as const) {
      const [cert, key, ca, out] = ['crt', 'key', 'ca', 'p12'].map((ext) =>
        join(dir, `openssl-${name}.${ext}`),
      ) as [string, string, string, string];
      writeFileSync(cert, chain.signer.certificatePem);
      writeFileSync(key, chain.signer.privateKeyPem);
      writeFileSync(ca, chain.root.certificatePem);
      execFileSync('openssl', [
        'pkcs12',
        '-export',
        '-in',
        cert,
        '-inkey',
        key,
        '-certfile',
        ca,
        '-out',
        out,
        '-passout',
        'pass:s3cret',
        '-name',
        'from openssl',
      ]);
      const back = fromPkcs12(readFileSync(out), 's3cret');
      assert.equal(back.certificatePem, chain.signer.certificatePem);
      assert.deepEqual(back.chainPems, [chain.root.certificatePem]);
      assert.equal(back.privateKeyPem, chain.signer.privateKeyPem);
      assert.equal(back.friendlyName, 'from openssl');
    }
  });
});
