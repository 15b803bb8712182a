// certificate-fields.ts reads names and extensions with @peculiar/asn1-x509 alone; before, facts came from
// @peculiar/x509's X509Certificate. The two must agree on every certificate: the same names, policies, key usage,
// extended key usage and path length, and the same certificates unreadable. Checked on generated chains (RSA and EC),
// every broken signer, the fuzzer's committed certificates, and single-byte mutations of them that OpenSSL still reads.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { windowsDnOfName } from '../src/certificates/distinguished-name.ts';
import { certificateFacts } from '../src/certificates/facts.ts';
import { createTestEvChain } from '../src/index.ts';
import { BROKEN_SIGNER_KINDS, createBrokenSigner } from '../src/testing.ts';
import { seededRandom } from './helpers/random.ts';

/** The facts as the earlier code read them, through @peculiar/x509; 'unreadable' where it threw. */
function viaPeculiarX509(cert: X509Certificate) {
  try {
    const parsed = new x509.X509Certificate(cert.raw);
    void parsed.extensions;
    const policies = parsed.getExtension(x509.CertificatePolicyExtension);
    const usage = parsed.getExtension(x509.KeyUsagesExtension);
    const eku = parsed.getExtension(x509.ExtendedKeyUsageExtension);
    return {
      subject: windowsDnOfName(parsed.subjectName.toArrayBuffer()),
      issuer: windowsDnOfName(parsed.issuerName.toArrayBuffer()),
      ev: policies?.policies.includes('2.23.140.1.1') ?? false,
      signing: !usage || (usage.usages & x509.KeyUsageFlags.digitalSignature) !== 0,
      pathLength: parsed.getExtension(x509.BasicConstraintsExtension)?.pathLength,
      policies: [...(policies?.policies ?? [])],
      extendedKeyUsage: eku ? Array.from(eku.usages, String) : undefined,
    };
  } catch {
    return 'unreadable';
  }
}

function viaFields(cert: X509Certificate) {
  const f = certificateFacts(cert);
  if (f.unreadable) return 'unreadable';
  return {
    subject: f.subject,
    issuer: f.issuer,
    ev: f.ev,
    signing: f.signing,
    pathLength: f.pathLength,
    policies: [...f.policies],
    extendedKeyUsage: f.extendedKeyUsage,
  };
}

describe('certificate fields: @peculiar/asn1-x509 alone reads what @peculiar/x509 read', () => {
  const certificates: X509Certificate[] = [];

  before(async () => {
    for (const keyType of ['rsa', 'ecdsa'] as const) {
      const chain = await createTestEvChain({ name: `Fields ${keyType}, "quoted" + more`, keyType });
      certificates.push(chain.root.certificate, chain.signer.certificate);
      for (const kind of BROKEN_SIGNER_KINDS) {
        const broken = await createBrokenSigner(kind, chain);
        certificates.push(broken.signer.certificate, broken.root.certificate);
      }
    }
    const fuzz = JSON.parse(
      readFileSync(new URL('./fixtures/fuzz/certificates.json', import.meta.url), 'utf8'),
    ) as {
      root: { certificatePem: string };
      signers: Record<string, { certificatePem: string; chain: string[] }>;
    };
    certificates.push(new X509Certificate(fuzz.root.certificatePem));
    for (const signer of Object.values(fuzz.signers)) {
      certificates.push(new X509Certificate(signer.certificatePem));
      for (const pem of signer.chain) certificates.push(new X509Certificate(pem));
    }
  });

  it('agree on every generated, broken and fuzz certificate', () => {
    assert.ok(certificates.length > 50);
    for (const cert of certificates) assert.deepEqual(viaFields(cert), viaPeculiarX509(cert), cert.subject);
  });

  it('agree on single-byte mutations that OpenSSL still reads (names, extensions, unreadable ones)', () => {
    const random = seededRandom(7122026);
    let compared = 0;
    let unreadable = 0;
    for (let n = 0; n < 3000; n++) {
      const original = certificates[Math.floor(random() * certificates.length)] as X509Certificate;
      const der = Buffer.from(original.raw);
      der[Math.floor(random() * der.length)] = Math.floor(random() * 256);
      let cert: X509Certificate;
      try {
        cert = new X509Certificate(der);
      } catch {
        continue;
      }
      const expected = viaPeculiarX509(cert);
      assert.deepEqual(viaFields(cert), expected, der.toString('base64'));
      compared++;
      if (expected === 'unreadable') unreadable++;
    }
    assert.ok(compared > 500, `only ${compared} mutants read by OpenSSL`);
    assert.ok(unreadable > 0, 'no mutant was unreadable: the check of strictness saw nothing');
  });
});
