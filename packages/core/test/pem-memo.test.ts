// Keys, certificates and trust anchors given as PEM text (or DER bytes) are parsed once per text (signature/keys.ts):
// the same text gives the same object, a different text never does, a passphrase is part of what is remembered,
// failures are not remembered, and bytes changed after a call are read again.
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { buildDocument, MbprovError, signDocument, verifyDocument } from '../src/index.ts';
import { toCertificate, toPrivateKey } from '../src/signature/keys.ts';
import { minimalModel } from './helpers/samples.ts';
import { ecdsaChain, rsaChain } from './helpers/signing.ts';

describe('PEM inputs are parsed once per text', () => {
  it('gives the same object for the same text and different objects for different texts', async () => {
    const rsa = await rsaChain();
    const ec = await ecdsaChain();
    const a = toCertificate(rsa.signer.certificatePem);
    assert.equal(toCertificate(rsa.signer.certificatePem), a);
    // An equal text in a different string object is the same text.
    assert.equal(toCertificate(`${rsa.signer.certificatePem} `.slice(0, -1)), a);
    const b = toCertificate(ec.signer.certificatePem);
    assert.notEqual(b, a);
    assert.equal(a.fingerprint256, rsa.signer.certificate.fingerprint256);
    assert.equal(b.fingerprint256, ec.signer.certificate.fingerprint256);
    const der = Buffer.from(rsa.root.certificate.raw);
    const c = toCertificate(der);
    assert.equal(toCertificate(Buffer.from(der)), c);
    assert.equal(c.fingerprint256, rsa.root.certificate.fingerprint256);
    const key = toPrivateKey(rsa.signer.privateKeyPem);
    assert.equal(toPrivateKey(rsa.signer.privateKeyPem), key);
    assert.notEqual(toPrivateKey(ec.signer.privateKeyPem), key);
    assert.equal(toPrivateKey(ec.signer.privateKeyPem).asymmetricKeyType, 'ec');
  });

  it('reads bytes again when they changed after a call', async () => {
    const rsa = await rsaChain();
    const ec = await ecdsaChain();
    const first = Buffer.from(rsa.signer.certificate.raw);
    const second = Buffer.from(ec.signer.certificate.raw);
    const bytes = Buffer.alloc(Math.max(first.length, second.length));
    first.copy(bytes);
    const one = toCertificate(bytes.subarray(0, first.length));
    assert.equal(one.fingerprint256, rsa.signer.certificate.fingerprint256);
    second.copy(bytes);
    const two = toCertificate(bytes.subarray(0, second.length));
    assert.equal(two.fingerprint256, ec.signer.certificate.fingerprint256);
  });

  it('keeps a passphrase part of the key: a wrong or missing one still fails after a right one', () => {
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'prime256v1',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'right one' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const key = toPrivateKey(privateKey, 'right one');
    assert.equal(key.asymmetricKeyType, 'ec');
    assert.equal(toPrivateKey(privateKey, 'right one'), key);
    for (const wrong of ['wrong one', 'right on', 'right one ', undefined]) {
      assert.throws(
        () => toPrivateKey(privateKey, wrong),
        (error) => error instanceof MbprovError && error.code === 'MBPROV_SIG_KEY_MISMATCH',
        String(wrong),
      );
    }
    // A text that is not a key fails every time (failures are not remembered).
    for (let i = 0; i < 2; i++) {
      assert.throws(
        () => toPrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
        (error) => error instanceof MbprovError && error.code === 'MBPROV_SIG_KEY_MISMATCH',
      );
      assert.throws(
        () => toCertificate('not a certificate'),
        (error) => error instanceof MbprovError && error.code === 'MBPROV_CERT_INVALID',
      );
    }
  });

  it('stays correct past its bound', async () => {
    const rsa = await rsaChain();
    const ec = await ecdsaChain();
    // 600 distinct texts (the PEM with a varying trailing comment line is still the same certificate): more
    // entries than the memo holds, then the first texts again.
    const texts = Array.from({ length: 600 }, (_, i) =>
      i % 2 ? `${rsa.signer.certificatePem}\n${i}\n` : `${ec.signer.certificatePem}\n${i}\n`,
    );
    for (const text of [...texts, ...texts.slice(0, 10)]) {
      const expected = text.startsWith(rsa.signer.certificatePem)
        ? rsa.signer.certificate
        : ec.signer.certificate;
      assert.equal(toCertificate(text).fingerprint256, expected.fingerprint256);
      assert.ok(toCertificate(text) instanceof X509Certificate);
    }
  });

  it('signs and verifies alike with PEM text and with objects, and never trusts an anchor it was not given', async () => {
    const rsa = await rsaChain();
    const ec = await ecdsaChain();
    const xml = buildDocument(minimalModel());
    const withObjects = signDocument(xml, {
      key: rsa.signer.privateKey,
      certificate: rsa.signer.certificate,
    });
    const withPem = signDocument(xml, {
      key: rsa.signer.privateKeyPem,
      certificate: rsa.signer.certificatePem,
    });
    assert.equal(withPem, withObjects);
    assert.equal(verifyDocument(withPem, { trustAnchors: [rsa.root.certificatePem] }).valid, true);
    const other = verifyDocument(withPem, { trustAnchors: [ec.root.certificatePem] });
    assert.equal(other.valid, false);
    assert.equal(other.errors[0]?.code, 'MBPROV_CERT_CHAIN_UNTRUSTED');
    assert.equal(verifyDocument(withPem, { trustAnchors: [rsa.root.certificatePem] }).valid, true);
  });
});
