// What a certificate must be to take part in a provisioning signature beyond names, signatures and dates
// (src/certificates/profile.ts), tried as an attacker would: an unknown critical extension anywhere in the chain,
// weak keys in the signer or its CAs, a signer that may only make non-repudiation claims or only time-stamp,
// extended key usages narrowed by a CA, repeated or undecodable extensions. Each is refused with a named code by
// buildChain, by verifyDocument end to end and by signerProblem (the portal's check of its own signer). Where
// xmlsec1 (OpenSSL) is the reference, it refuses the same certificates; where mbprov is narrower than xmlsec1, the
// test says so.
import assert from 'node:assert/strict';
import { sign as cryptoSign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ANY_POLICY_OID } from '../src/certificates/ev-policy.ts';
import { UNDERSTOOD_EXTENSIONS } from '../src/certificates/profile.ts';
import {
  buildChain,
  buildDocument,
  C14N,
  type CreateCertificateOptions,
  createCertificate,
  describeCertificate,
  EV_POLICY_OID,
  MbprovError,
  SIGNING_PURPOSES,
  signDocument,
  signerProblem,
  type TestCertificate,
  type TestEvChain,
  verifyDocument,
} from '../src/index.ts';
import { BROKEN_SIGNER_KINDS, createBrokenSigner, UNKNOWN_EXTENSION_OID } from '../src/testing.ts';
import { minimalModel } from './helpers/samples.ts';
import {
  assertRefused,
  assertValid,
  RSA_SHA256,
  rsaChain,
  SHA256,
  signingTemplate,
  Xmlsec,
} from './helpers/signing.ts';

const guard = { timeout: 120_000 };
const xmlsec = new Xmlsec();
after(() => xmlsec.dispose());

const KU_DIGITAL_SIGNATURE = new Uint8Array([0x03, 0x02, 0x07, 0x80]); // BIT STRING: digitalSignature
const EKU = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  any: '2.5.29.37.0',
};

let chain: TestEvChain;
before(async () => {
  chain = await rsaChain();
});

/** A leaf issued by `issuer` (the test root unless given) with the EV policy, changed by `extra`. */
function leaf(extra: Partial<CreateCertificateOptions> = {}, issuer: TestCertificate = chain.root) {
  return createCertificate({
    subject: 'CN=Contoso Leaf, O=mbprov test, OU=TEST ONLY',
    issuer,
    policies: [EV_POLICY_OID],
    ...extra,
  });
}

/** An intermediate CA under the test root, changed by `extra`. */
function intermediate(extra: Partial<CreateCertificateOptions> = {}) {
  return createCertificate({
    subject: 'CN=Contoso Intermediate CA, O=mbprov test, OU=TEST ONLY',
    issuer: chain.root,
    ca: true,
    // anyPolicy keeps the EV leaf EV through it (requireEv checks the policy along the chain).
    policies: [ANY_POLICY_OID],
    ...extra,
  });
}

/** The first problem buildChain finds, or 'ok'. */
function chainCode(signer: X509Certificate, intermediates: X509Certificate[] = [], root = chain.root) {
  const r = buildChain(signer, { trustAnchors: [root.certificate], intermediates, requireEv: true });
  return 'code' in r ? r.code : 'ok';
}

/** Signs the minimal document with `signer` (and intermediates in KeyInfo). */
function signedBy(signer: TestCertificate, intermediates: TestCertificate[] = []): string {
  return signDocument(buildDocument(minimalModel()), {
    key: signer.privateKey,
    certificate: signer.certificate,
    chain: intermediates.map((c) => c.certificate),
  });
}

/** verifyDocument trusting `root` (the test root unless given). */
function verified(xml: string, root = chain.root) {
  return verifyDocument(xml, { trustAnchors: [root.certificate] });
}

describe('unknown critical extensions (RFC 5280 4.2)', () => {
  it('the extensions the verifier processes are listed, and documented', () => {
    assert.deepEqual(Object.values(UNDERSTOOD_EXTENSIONS).sort(), [
      'basicConstraints',
      'certificatePolicies',
      'extendedKeyUsage',
      'keyUsage',
      'subjectAltName',
    ]);
    const doc = readFileSync(new URL('../../../docs/certificates.md', import.meta.url), 'utf8');
    for (const name of [...Object.values(UNDERSTOOD_EXTENSIONS), ...Object.values(SIGNING_PURPOSES)])
      assert.ok(doc.includes(name), `docs/certificates.md names ${name}`);
  });

  it('a signer with one: MBPROV_CERT_CRITICAL_EXTENSION; xmlsec1 refuses it too', guard, async () => {
    const signer = await leaf({ extensions: [{ oid: UNKNOWN_EXTENSION_OID, critical: true }] });
    assert.equal(chainCode(signer.certificate), 'MBPROV_CERT_CRITICAL_EXTENSION');
    const xml = signedBy(signer);
    const result = verified(xml);
    assertRefused(result, 'MBPROV_CERT_CRITICAL_EXTENSION');
    assert.match(result.errors[0]?.message ?? '', new RegExp(UNKNOWN_EXTENSION_OID.replace(/\./g, '\\.')));
    assert.notEqual(xmlsec.verify(xml, chain.root.certificatePem).status, 0, 'xmlsec1 refuses it');
  });

  it('the same extension not critical is ignored (xmlsec1 agrees)', guard, async () => {
    const signer = await leaf({ extensions: [{ oid: UNKNOWN_EXTENSION_OID, critical: false }] });
    const xml = signedBy(signer);
    assertValid(verified(xml));
    assert.equal(xmlsec.verify(xml, chain.root.certificatePem).status, 0);
  });

  it(
    'an intermediate CA with one: MBPROV_CERT_CRITICAL_EXTENSION; xmlsec1 refuses it too',
    guard,
    async () => {
      const ca = await intermediate({ extensions: [{ oid: UNKNOWN_EXTENSION_OID, critical: true }] });
      const signer = await leaf({}, ca);
      assert.equal(chainCode(signer.certificate, [ca.certificate]), 'MBPROV_CERT_CRITICAL_EXTENSION');
      const xml = signedBy(signer, [ca]);
      const result = verified(xml);
      assertRefused(result, 'MBPROV_CERT_CRITICAL_EXTENSION');
      assert.match(result.errors[0]?.message ?? '', /Intermediate CA/);
      assert.notEqual(xmlsec.verify(xml, chain.root.certificatePem).status, 0, 'xmlsec1 refuses it');
    },
  );

  it('a trust anchor with one: refused, as OpenSSL refuses it', guard, async () => {
    const root = await createCertificate({
      subject: 'CN=Critical Root, O=mbprov test',
      ca: true,
      extensions: [{ oid: UNKNOWN_EXTENSION_OID, critical: true }],
    });
    const signer = await leaf({}, root);
    assert.equal(chainCode(signer.certificate, [], root), 'MBPROV_CERT_CRITICAL_EXTENSION');
    assert.notEqual(xmlsec.verify(signedBy(signer), root.certificatePem).status, 0, 'xmlsec1 refuses it');
  });

  it(
    'critical nameConstraints (not processed here): refused, narrower than xmlsec1, which processes them',
    guard,
    async () => {
      // nameConstraints with an empty permittedSubtrees-less body: a SEQUENCE with nothing in it.
      const ca = await intermediate({
        extensions: [{ oid: '2.5.29.30', critical: true, value: new Uint8Array([0x30, 0x00]) }],
      });
      const signer = await leaf({}, ca);
      assert.equal(chainCode(signer.certificate, [ca.certificate]), 'MBPROV_CERT_CRITICAL_EXTENSION');
    },
  );
});

describe('weak keys', () => {
  it('an RSA-1024 signer: MBPROV_CERT_WEAK_KEY (xmlsec1 accepts it: mbprov is narrower)', guard, async () => {
    const signer = await leaf({ rsaBits: 1024 });
    assert.equal(chainCode(signer.certificate), 'MBPROV_CERT_WEAK_KEY');
    assert.throws(() => signedBy(signer), { code: 'MBPROV_CERT_WEAK_KEY' }, 'signDocument refuses the key');
    // Signed by xmlsec1, which does: verification refuses it.
    const template = signingTemplate(buildDocument(minimalModel()), {
      canonicalization: C14N.c14n,
      signatureMethod: RSA_SHA256,
      digestMethod: SHA256,
    });
    const xml = xmlsec.sign(template, signer.privateKeyPem, [signer.certificatePem]);
    assert.equal(xmlsec.verify(xml, chain.root.certificatePem).status, 0, 'xmlsec1 accepts it');
    const result = verified(xml);
    assertRefused(result, 'MBPROV_CERT_WEAK_KEY');
    assert.match(result.errors[0]?.message ?? '', /RSA key of 1024 bits; at least 2048/);
  });

  it('an RSA-1024 root or intermediate CA: MBPROV_CERT_WEAK_KEY naming it', guard, async () => {
    const root = await createCertificate({ subject: 'CN=Weak Root, O=mbprov test', ca: true, rsaBits: 1024 });
    const signer = await leaf({}, root);
    const result = verified(signedBy(signer), root);
    assertRefused(result, 'MBPROV_CERT_WEAK_KEY');
    assert.match(result.errors[0]?.message ?? '', /Weak Root/);

    const ca = await intermediate({ rsaBits: 1024 });
    const below = await leaf({}, ca);
    assert.equal(chainCode(below.certificate, [ca.certificate]), 'MBPROV_CERT_WEAK_KEY');
  });

  it('an EC P-521 intermediate CA: MBPROV_CERT_WEAK_KEY (only P-256 and P-384)', guard, async () => {
    const ca = await intermediate({ keyType: 'ecdsa', curve: 'P-521' });
    const signer = await leaf({}, ca);
    assert.equal(chainCode(signer.certificate, [ca.certificate]), 'MBPROV_CERT_WEAK_KEY');
    const result = verified(signedBy(signer, [ca]));
    assertRefused(result, 'MBPROV_CERT_WEAK_KEY');
    assert.match(result.errors[0]?.message ?? '', /secp521r1; only P-256 and P-384/);
  });

  it('RSA-3072, and EC P-256 and P-384, in the signer and its CAs are accepted', guard, async () => {
    const ca = await intermediate({ keyType: 'ecdsa', curve: 'P-384' });
    for (const extra of [
      { rsaBits: 3072 },
      { keyType: 'ecdsa' as const },
      { keyType: 'ecdsa' as const, curve: 'P-384' as const },
    ]) {
      const signer = await leaf(extra, ca);
      assertValid(verified(signedBy(signer, [ca])));
    }
  });
});

describe('key usage and extended key usage of the signer', () => {
  it(
    'keyUsage nonRepudiation only: MBPROV_CERT_KEY_USAGE (xmlsec1 accepts it: mbprov is narrower)',
    guard,
    async () => {
      const signer = await leaf({ keyUsage: ['nonRepudiation'] });
      assertRefused(verified(signedBy(signer)), 'MBPROV_CERT_KEY_USAGE');
      const both = await leaf({ keyUsage: ['digitalSignature', 'nonRepudiation'] });
      assertValid(verified(signedBy(both)));
    },
  );

  it('no keyUsage extension at all is accepted (no restriction)', guard, async () => {
    assertValid(verified(signedBy(await leaf({ keyUsage: [] }))));
  });

  it(
    'an extendedKeyUsage without a purpose that signs documents: MBPROV_CERT_EXTENDED_KEY_USAGE',
    guard,
    async () => {
      for (const only of [[EKU.timeStamping], [EKU.ocspSigning], [EKU.clientAuth]]) {
        const signer = await leaf({ extendedKeyUsage: only });
        assert.equal(chainCode(signer.certificate), 'MBPROV_CERT_EXTENDED_KEY_USAGE', only.join());
      }
      const result = verified(signedBy(await leaf({ extendedKeyUsage: [EKU.timeStamping] })));
      assertRefused(result, 'MBPROV_CERT_EXTENDED_KEY_USAGE');
      assert.match(result.errors[0]?.message ?? '', /timeStamping \(1\.3\.6\.1\.5\.5\.7\.3\.8\)/);
    },
  );

  it('each signing purpose, alone or with others, is accepted', guard, async () => {
    for (const oid of Object.keys(SIGNING_PURPOSES)) {
      const signer = await leaf({ extendedKeyUsage: [EKU.clientAuth, oid] });
      assert.equal(chainCode(signer.certificate), 'ok', oid);
    }
  });

  it("a CA's extendedKeyUsage narrows the chain below it, as Windows chains do", guard, async () => {
    const tlsClientCa = await intermediate({ extendedKeyUsage: [EKU.clientAuth] });
    const plain = await leaf({}, tlsClientCa);
    assert.equal(chainCode(plain.certificate, [tlsClientCa.certificate]), 'MBPROV_CERT_EXTENDED_KEY_USAGE');
    const result = verified(signedBy(plain, [tlsClientCa]));
    assertRefused(result, 'MBPROV_CERT_EXTENDED_KEY_USAGE');
    assert.match(result.errors[0]?.message ?? '', /Intermediate CA, .*restricts it/);

    const tlsCa = await intermediate({ extendedKeyUsage: [EKU.serverAuth] });
    const codeSigner = await leaf({ extendedKeyUsage: [EKU.codeSigning] }, tlsCa);
    assert.equal(chainCode(codeSigner.certificate, [tlsCa.certificate]), 'MBPROV_CERT_EXTENDED_KEY_USAGE');
    const tlsSigner = await leaf({ extendedKeyUsage: [EKU.serverAuth, EKU.clientAuth] }, tlsCa);
    assert.equal(chainCode(tlsSigner.certificate, [tlsCa.certificate]), 'ok');
    const anyCa = await intermediate({ extendedKeyUsage: [EKU.any] });
    const below = await leaf({ extendedKeyUsage: [EKU.codeSigning] }, anyCa);
    assert.equal(chainCode(below.certificate, [anyCa.certificate]), 'ok');
  });
});

/** Minimal DER reading: the tag, header length and end of the TLV at `offset`. */
function tlv(der: Buffer, offset: number): { header: number; end: number } {
  const first = der[offset + 1] as number;
  if (first < 0x80) return { header: 2, end: offset + 2 + first };
  let length = 0;
  for (let i = 0; i < (first & 0x7f); i++) length = length * 256 + (der[offset + 2 + i] as number);
  const header = 2 + (first & 0x7f);
  return { header, end: offset + header + length };
}

/**
 * A leaf like {@link leaf} with one critical extension whose OID is `target` (DER content bytes, hex): made with a
 * placeholder OID of the same encoded length, whose bytes are then replaced and the certificate signed again by
 * the root. For OIDs and values the certificate generator cannot encode.
 */
async function withRawOid(target: string, value: Uint8Array, placeholder: string): Promise<TestCertificate> {
  const made = await leaf({ keyUsage: [], extensions: [{ oid: placeholder, critical: true, value }] });
  const der = Buffer.from(made.certificate.raw);
  const to = Buffer.from(target, 'hex');
  const from = Buffer.concat([Buffer.from([0x06, to.length]), oidBytes(placeholder)]);
  assert.equal(from.length, to.length + 2, 'the placeholder encodes to as many bytes as the target');
  const at = der.indexOf(from);
  assert.ok(at > 0 && der.indexOf(from, at + 1) < 0, 'the placeholder OID is found once');
  to.copy(der, at + 2);
  const outer = tlv(der, 0);
  const tbsStart = outer.header;
  const tbs = tlv(der, tbsStart);
  const algorithm = tlv(der, tbs.end);
  const bits = tlv(der, algorithm.end);
  const signature = cryptoSign('sha256', der.subarray(tbsStart, tbs.end), chain.root.privateKey);
  assert.equal(signature.length, bits.end - algorithm.end - bits.header - 1);
  signature.copy(der, algorithm.end + bits.header + 1);
  const certificate = new X509Certificate(der);
  assert.ok(certificate.verify(chain.root.certificate.publicKey), 'the certificate is well signed');
  return { ...made, certificate };
}

/** DER content bytes of a dotted OID with arcs below 2^53. */
function oidBytes(oid: string): Buffer {
  const [a, b, ...rest] = oid.split('.').map(Number) as [number, number, ...number[]];
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const groups = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    out.push(...groups);
  }
  return Buffer.from(out);
}

describe('malformed extensions', () => {
  it('a repeated keyUsage: MBPROV_CERT_EXTENSION_INVALID; xmlsec1 refuses it too', guard, async () => {
    const signer = await leaf({
      extensions: [{ oid: '2.5.29.15', critical: true, value: KU_DIGITAL_SIGNATURE }],
    });
    assert.equal(chainCode(signer.certificate), 'MBPROV_CERT_EXTENSION_INVALID');
    const xml = signedBy(signer);
    assertRefused(verified(xml), 'MBPROV_CERT_EXTENSION_INVALID');
    assert.notEqual(xmlsec.verify(xml, chain.root.certificatePem).status, 0, 'xmlsec1 refuses it');
  });

  it(
    'a keyUsage that does not decode: a named refusal, where verifyDocument threw a TypeError; xmlsec1 refuses it',
    guard,
    async () => {
      // keyUsage (2.5.29.15) whose value is an OCTET STRING instead of a BIT STRING.
      const signer = await withRawOid('551d0f', new Uint8Array([0x04, 0x01, 0x00]), '2.5.29.99');
      const xml = signedBy(signer);
      const result = verified(xml);
      assertRefused(result, 'MBPROV_CERT_EXTENSION_INVALID');
      assert.match(result.signer?.subject ?? '', /Contoso Leaf/);
      assert.equal(signerProblem(signer.certificate)?.code, 'MBPROV_CERT_EXTENSION_INVALID');
      assert.throws(
        () => describeCertificate(signer.certificate),
        (e) => e instanceof MbprovError && e.code === 'MBPROV_CERT_INVALID',
      );
      assert.notEqual(xmlsec.verify(xml, chain.root.certificatePem).status, 0, 'xmlsec1 refuses it');
    },
  );
});

describe('extension OIDs beyond 2^53', () => {
  it(
    'a critical 2.5.29.15.18446744073709551616, which @peculiar/x509 reads as keyUsage: refused, as xmlsec1 refuses it',
    guard,
    async () => {
      // 2.5.29.15 then the arc 2^64 (ten base-128 bytes), in place of 1.3.6.1.4.1.32473.1.2097152 (as long).
      const target = `551d0f82${'80'.repeat(8)}00`;
      const signer = await withRawOid(target, KU_DIGITAL_SIGNATURE, '1.3.6.1.4.1.32473.1.2097152');
      const xml = signedBy(signer);
      const result = verified(xml);
      assert.equal(result.valid, false, 'the lookalike is not taken for a keyUsage with digitalSignature');
      assert.match(result.errors[0]?.code ?? '', /^MBPROV_CERT_(CRITICAL_EXTENSION|EXTENSION_INVALID)$/);
      assert.match(result.errors[0]?.message ?? '', /2\.5\.29\.15\.18446744073709551616/);
      assert.notEqual(xmlsec.verify(xml, chain.root.certificatePem).status, 0, 'xmlsec1 refuses it');
    },
  );
});

describe('signerProblem (the portal checks its own signer with it) agrees with verification', () => {
  it(
    'every broken signer: the same code as buildChain, or none for what only the chain decides',
    guard,
    async () => {
      const chainOnly = new Set(['expired', 'not-yet-valid', 'no-ev-policy', 'self-signed', 'other-root']);
      for (const kind of BROKEN_SIGNER_KINDS) {
        const broken = await createBrokenSigner(kind, chain);
        const own = signerProblem(broken.signer.certificate)?.code;
        if (chainOnly.has(kind)) {
          assert.equal(own, undefined, kind);
          continue;
        }
        assert.equal(own, chainCode(broken.signer.certificate, [broken.root.certificate]), kind);
        assert.ok(own, kind);
      }
      assert.equal(signerProblem(chain.signer.certificate), undefined);
    },
  );
});
