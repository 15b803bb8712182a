// Hostile signed documents: every variant of a correctly signed document that an attacker (or a careless tool)
// could produce is refused with valid:false and a NAMED first error. The variants are built by editing the signed
// text. Structure checks run before cryptography, so variants of SignedInfo need no valid signature.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { ANY_POLICY_OID } from '../src/certificates/ev-policy.ts';
import {
  buildDocument,
  createCertificate,
  EV_POLICY_OID,
  MbprovError,
  NS,
  parseDocument,
  type SignOptions,
  signDocument,
  type TestEvChain,
  type VerifyOptions,
  verifyDocument,
} from '../src/index.ts';
import { createBrokenSigner } from '../src/testing.ts';
import { fullModel, minimalModel, sampleGlobal } from './helpers/samples.ts';
import {
  assertRefused,
  assertValid,
  ecdsaChain,
  elementText,
  replaceOnce,
  rsaChain,
  signatureElement,
} from './helpers/signing.ts';

const guard = { timeout: 60_000 };
const DS = NS.ds;
const ALG = {
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  hmacSha1: 'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  c14nWithComments: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  xpath: 'http://www.w3.org/TR/1999/REC-xpath-19991116',
};
const CARRIER_ID = sampleGlobal.CarrierId;

let rsa: TestEvChain;
let ecdsa: TestEvChain;
/** The full sample document signed by the RSA test signer (C14N 1.0, SHA-256). */
let signed: string;

before(async () => {
  rsa = await rsaChain();
  ecdsa = await ecdsaChain();
  signed = sign(buildDocument(fullModel()));
  assertValid(verify(signed));
});

function sign(xml: string, options: Partial<SignOptions> = {}, chain: TestEvChain = rsa): string {
  return signDocument(xml, {
    key: chain.signer.privateKeyPem,
    certificate: chain.signer.certificatePem,
    ...options,
  });
}

function verify(xml: string, options: Partial<VerifyOptions> = {}, chain: TestEvChain = rsa) {
  return verifyDocument(xml, { trustAnchors: [chain.root.certificatePem], requireEv: true, ...options });
}

/** Verifies a hostile variant and asserts it is refused for the named reason. */
function refused(
  xml: string,
  code: string,
  options: Partial<VerifyOptions> = {},
  chain: TestEvChain = rsa,
): void {
  assert.notEqual(xml, signed, 'the hostile variant is not the signed document');
  assertRefused(verify(xml, options, chain), code);
}

/** Asserts signing throws an MbprovError with the code. */
function signRefused(run: () => unknown, code: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof MbprovError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

const ROOT_END = '</CarrierProvisioning>';
const SIG_START = `<Signature xmlns="${DS}">`;

describe('signature wrapping', () => {
  it('the signed root moved under a new root element: MBPROV_XML_WRONG_ROOT', guard, () => {
    const body = signed.replace(/^<\?xml[^>]*\?>\s*/, '');
    refused(`<Envelope xmlns="urn:example:evil">${body}</Envelope>`, 'MBPROV_XML_WRONG_ROOT');
  });

  it(
    'the signed root moved under a new CarrierProvisioning with forged content: MBPROV_SIG_NOT_LAST_CHILD',
    guard,
    () => {
      const body = signed.replace(/^<\?xml[^>]*\?>\s*/, '');
      const forged = `<CarrierProvisioning xmlns="${NS.cc}"><Global><CarrierId>{99999999-1111-2222-3333-444444444444}</CarrierId><SubscriberId>1</SubscriberId></Global>${body}</CarrierProvisioning>`;
      refused(forged, 'MBPROV_SIG_NOT_LAST_CHILD');
    },
  );

  it(
    'a forged second Global added at root level before the signed one: MBPROV_SIG_DIGEST_MISMATCH',
    guard,
    () => {
      const forged = replaceOnce(
        signed,
        '<Global>',
        '<Global><CarrierId>{99999999-1111-2222-3333-444444444444}</CarrierId><SubscriberId>1</SubscriberId></Global>\n  <Global>',
      );
      refused(forged, 'MBPROV_SIG_DIGEST_MISMATCH');
    },
  );

  it('a copy of the signed content added after the Signature: MBPROV_SIG_NOT_LAST_CHILD', guard, () => {
    const global = /<Global>[\s\S]*?<\/Global>/.exec(signed)?.[0] as string;
    refused(replaceOnce(signed, ROOT_END, `${global}\n${ROOT_END}`), 'MBPROV_SIG_NOT_LAST_CHILD');
  });

  it('the Signature moved to be the first child of the root: MBPROV_SIG_NOT_LAST_CHILD', guard, () => {
    const signature = signatureElement(signed);
    const moved = replaceOnce(signed.replace(signature, ''), '<Global>', `${signature}<Global>`);
    refused(moved, 'MBPROV_SIG_NOT_LAST_CHILD');
  });

  it('the Signature moved inside a section (Global): MBPROV_SIG_NOT_LAST_CHILD', guard, () => {
    const signature = signatureElement(signed);
    const moved = replaceOnce(signed.replace(signature, ''), '</Global>', `${signature}</Global>`);
    refused(moved, 'MBPROV_SIG_NOT_LAST_CHILD');
  });

  it('two Signature elements: MBPROV_SIG_MULTIPLE', guard, () => {
    const signature = signatureElement(signed);
    refused(replaceOnce(signed, signature, `${signature}${signature}`), 'MBPROV_SIG_MULTIPLE');
  });

  it('a second, nested Signature inside a section: MBPROV_SIG_MULTIPLE', guard, () => {
    const signature = signatureElement(signed);
    refused(replaceOnce(signed, '</Global>', `${signature}</Global>`), 'MBPROV_SIG_MULTIPLE');
  });
});

describe('SignedInfo outside the strict profile', () => {
  const reference = () => /<Reference URI="">[\s\S]*?<\/Reference>/.exec(signed)?.[0] as string;

  it('two References: MBPROV_SIG_REFERENCE_COUNT', guard, () => {
    refused(replaceOnce(signed, reference(), `${reference()}${reference()}`), 'MBPROV_SIG_REFERENCE_COUNT');
  });

  it('no Reference: MBPROV_SIG_REFERENCE_COUNT', guard, () => {
    refused(replaceOnce(signed, reference(), ''), 'MBPROV_SIG_REFERENCE_COUNT');
  });

  it('Reference URI="#id" (a fragment, the usual wrapping target): MBPROV_SIG_REFERENCE_URI', guard, () => {
    const withId = replaceOnce(signed, '<Global>', '<Global Id="id">');
    refused(replaceOnce(withId, '<Reference URI="">', '<Reference URI="#id">'), 'MBPROV_SIG_REFERENCE_URI');
  });

  it('Reference without a URI attribute: MBPROV_SIG_REFERENCE_URI', guard, () => {
    refused(replaceOnce(signed, '<Reference URI="">', '<Reference>'), 'MBPROV_SIG_REFERENCE_URI');
  });

  it('Reference URI="#xpointer(/)": MBPROV_SIG_REFERENCE_URI', guard, () => {
    refused(
      replaceOnce(signed, '<Reference URI="">', '<Reference URI="#xpointer(/)">'),
      'MBPROV_SIG_REFERENCE_URI',
    );
  });

  it('an XPath transform after the enveloped transform: MBPROV_SIG_TRANSFORM', guard, () => {
    const xpath = `<Transform Algorithm="${ALG.xpath}"><XPath>not(ancestor-or-self::*[local-name()='Plans'])</XPath></Transform>`;
    refused(replaceOnce(signed, '</Transforms>', `${xpath}</Transforms>`), 'MBPROV_SIG_TRANSFORM');
  });

  it('an XPath transform instead of the enveloped transform: MBPROV_SIG_TRANSFORM', guard, () => {
    const xpath = `<Transform Algorithm="${ALG.xpath}"><XPath>not(ancestor-or-self::*[local-name()='Signature'])</XPath></Transform>`;
    refused(replaceOnce(signed, `<Transform Algorithm="${ALG.enveloped}"/>`, xpath), 'MBPROV_SIG_TRANSFORM');
  });

  it('an extra exclusive C14N transform: MBPROV_SIG_TRANSFORM', guard, () => {
    refused(
      replaceOnce(signed, '</Transforms>', `<Transform Algorithm="${ALG.excC14n}"/></Transforms>`),
      'MBPROV_SIG_TRANSFORM',
    );
  });

  it('the enveloped transform with a child element: MBPROV_SIG_TRANSFORM', guard, () => {
    refused(
      replaceOnce(
        signed,
        `<Transform Algorithm="${ALG.enveloped}"/>`,
        `<Transform Algorithm="${ALG.enveloped}"><XPath>1</XPath></Transform>`,
      ),
      'MBPROV_SIG_TRANSFORM',
    );
  });

  it('HMAC SignatureMethod (hmac-sha1 with HMACOutputLength): MBPROV_SIG_ALGORITHM', guard, () => {
    const hmac = `<SignatureMethod Algorithm="${ALG.hmacSha1}"><HMACOutputLength>8</HMACOutputLength></SignatureMethod>`;
    const result = verify(replaceOnce(signed, `<SignatureMethod Algorithm="${ALG.rsaSha256}"/>`, hmac));
    assertRefused(result, 'MBPROV_SIG_ALGORITHM');
    assert.match(result.errors[0]?.message ?? '', /HMAC/);
  });

  it('HMAC SignatureMethod without HMACOutputLength: MBPROV_SIG_ALGORITHM', guard, () => {
    refused(
      replaceOnce(
        signed,
        `<SignatureMethod Algorithm="${ALG.rsaSha256}"/>`,
        `<SignatureMethod Algorithm="${ALG.hmacSha1}"/>`,
      ),
      'MBPROV_SIG_ALGORITHM',
    );
  });

  it(
    'InclusiveNamespaces parameters in an exclusive CanonicalizationMethod: MBPROV_SIG_C14N_ALGORITHM',
    guard,
    () => {
      const c14n = `<CanonicalizationMethod Algorithm="${ALG.excC14n}"><InclusiveNamespaces xmlns="${ALG.excC14n}" PrefixList="ds xs"/></CanonicalizationMethod>`;
      refused(
        replaceOnce(signed, `<CanonicalizationMethod Algorithm="${ALG.c14n}"/>`, c14n),
        'MBPROV_SIG_C14N_ALGORITHM',
      );
    },
  );

  it('an unknown CanonicalizationMethod (C14N 1.1): MBPROV_SIG_C14N_ALGORITHM', guard, () => {
    refused(
      replaceOnce(
        signed,
        `<CanonicalizationMethod Algorithm="${ALG.c14n}"/>`,
        '<CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"/>',
      ),
      'MBPROV_SIG_C14N_ALGORITHM',
    );
  });

  it('an unknown DigestMethod (MD5): MBPROV_SIG_DIGEST_ALGORITHM', guard, () => {
    refused(
      replaceOnce(
        signed,
        `<DigestMethod Algorithm="${ALG.sha256}"/>`,
        '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#md5"/>',
      ),
      'MBPROV_SIG_DIGEST_ALGORITHM',
    );
  });
});

describe('KeyInfo and Signature children outside the strict profile', () => {
  const keyInfo = () => /<KeyInfo>[\s\S]*?<\/KeyInfo>/.exec(signed)?.[0] as string;
  const x509Data = () => /<X509Data>[\s\S]*?<\/X509Data>/.exec(signed)?.[0] as string;

  it('RetrievalMethod instead of X509Data: MBPROV_SIG_KEYINFO', guard, () => {
    const retrieval =
      '<KeyInfo><RetrievalMethod URI="http://127.0.0.1:9/cert.cer" Type="http://www.w3.org/2000/09/xmldsig#rawX509Certificate"/></KeyInfo>';
    refused(replaceOnce(signed, keyInfo(), retrieval), 'MBPROV_SIG_KEYINFO');
  });

  it('KeyName instead of X509Data: MBPROV_SIG_KEYINFO', guard, () => {
    refused(
      replaceOnce(signed, keyInfo(), '<KeyInfo><KeyName>MBAPTestCert</KeyName></KeyInfo>'),
      'MBPROV_SIG_KEYINFO',
    );
  });

  it('KeyName alongside X509Data: MBPROV_SIG_KEYINFO', guard, () => {
    refused(
      replaceOnce(signed, '<KeyInfo>', '<KeyInfo><KeyName>MBAPTestCert</KeyName>'),
      'MBPROV_SIG_KEYINFO',
    );
  });

  it('KeyValue (a bare public key) instead of X509Data: MBPROV_SIG_KEYINFO', guard, () => {
    const jwk = rsa.signer.certificate.publicKey.export({ format: 'jwk' });
    const b64 = (s: string | undefined) => Buffer.from(s as string, 'base64url').toString('base64');
    const keyValue = `<KeyInfo><KeyValue><RSAKeyValue><Modulus>${b64(jwk.n)}</Modulus><Exponent>${b64(jwk.e)}</Exponent></RSAKeyValue></KeyValue></KeyInfo>`;
    refused(replaceOnce(signed, keyInfo(), keyValue), 'MBPROV_SIG_KEYINFO');
  });

  it('no KeyInfo at all: MBPROV_SIG_KEYINFO', guard, () => {
    refused(replaceOnce(signed, keyInfo(), ''), 'MBPROV_SIG_KEYINFO');
  });

  it('X509IssuerSerial in X509Data: MBPROV_SIG_KEYINFO', guard, () => {
    const issuerSerial = `<X509IssuerSerial><X509IssuerName>CN=mbprov RSA Test Root</X509IssuerName><X509SerialNumber>1</X509SerialNumber></X509IssuerSerial>`;
    refused(replaceOnce(signed, '</X509Data>', `${issuerSerial}</X509Data>`), 'MBPROV_SIG_KEYINFO');
  });

  it('an empty X509Data: MBPROV_SIG_KEYINFO', guard, () => {
    refused(replaceOnce(signed, x509Data(), '<X509Data></X509Data>'), 'MBPROV_SIG_KEYINFO');
  });

  it('an Object element in the Signature: MBPROV_SIG_STRUCTURE', guard, () => {
    refused(
      replaceOnce(
        signed,
        '</KeyInfo></Signature>',
        '</KeyInfo><Object Id="o"><Global>forged</Global></Object></Signature>',
      ),
      'MBPROV_SIG_STRUCTURE',
    );
  });

  it('KeyInfo before SignatureValue: MBPROV_SIG_STRUCTURE', guard, () => {
    const value = /<SignatureValue>[\s\S]*?<\/SignatureValue>/.exec(signed)?.[0] as string;
    const swapped = replaceOnce(signed.replace(value, ''), '</KeyInfo>', `</KeyInfo>${value}`);
    refused(swapped, 'MBPROV_SIG_STRUCTURE');
  });
});

describe('comments and whitespace in signed text', () => {
  it(
    'a comment inside a text value keeps the signature valid AND the parsed model sees the whole value',
    guard,
    () => {
      const [head, tail] = [CARRIER_ID.slice(0, 9), CARRIER_ID.slice(9)];
      const commented = replaceOnce(
        signed,
        `<CarrierId>${CARRIER_ID}<`,
        `<CarrierId>${head}<!-- -->${tail}<`,
      );
      // Signed side: URI="" drops comments, so the signed text is unchanged.
      assertValid(verify(commented));
      // Parsed side: the model is not truncated at the comment (the comment-truncation attack on SAML).
      const parsed = parseDocument(commented);
      assert.equal(parsed.model?.Global.CarrierId, CARRIER_ID);
    },
  );

  it('text inserted beside a comment changes the signed text: MBPROV_SIG_DIGEST_MISMATCH', guard, () => {
    const [head, tail] = [CARRIER_ID.slice(0, 9), CARRIER_ID.slice(9)];
    refused(
      replaceOnce(signed, `<CarrierId>${CARRIER_ID}<`, `<CarrierId>${head}<!-- -->9${tail}<`),
      'MBPROV_SIG_DIGEST_MISMATCH',
    );
  });

  it('whitespace added inside a text value: MBPROV_SIG_DIGEST_MISMATCH', guard, () => {
    refused(
      replaceOnce(signed, `<CarrierId>${CARRIER_ID}<`, `<CarrierId> ${CARRIER_ID}<`),
      'MBPROV_SIG_DIGEST_MISMATCH',
    );
  });

  it('whitespace added between elements: MBPROV_SIG_DIGEST_MISMATCH', guard, () => {
    refused(replaceOnce(signed, '</Global>', '</Global>\n'), 'MBPROV_SIG_DIGEST_MISMATCH');
  });

  it(
    'a CDATA section with the same text keeps the signature valid (C14N replaces CDATA by its text)',
    guard,
    () => {
      assertValid(
        verify(replaceOnce(signed, `<CarrierId>${CARRIER_ID}<`, `<CarrierId><![CDATA[${CARRIER_ID}]]><`)),
      );
    },
  );

  it('a comment inserted in SignedInfo under C14N 1.0 without comments: still valid', guard, () => {
    assertValid(verify(replaceOnce(signed, '<SignedInfo>', '<SignedInfo><!-- x -->')));
  });

  it(
    'a comment inserted in SignedInfo under C14N WithComments changes it: MBPROV_SIG_SIGNATURE_MISMATCH',
    guard,
    () => {
      const withComments = sign(buildDocument(minimalModel()), { canonicalization: 'c14nWithComments' });
      assertValid(verify(withComments));
      assertRefused(
        verify(replaceOnce(withComments, '<SignedInfo>', '<SignedInfo><!-- x -->')),
        'MBPROV_SIG_SIGNATURE_MISMATCH',
      );
    },
  );
});

describe('certificates', () => {
  it(
    'a signer that chains to another root (same root name, other key): MBPROV_CERT_CHAIN_UNTRUSTED',
    guard,
    async () => {
      const other = await createBrokenSigner('other-root', rsa);
      const doc = sign(buildDocument(minimalModel()), {}, other);
      assertValid(verify(doc, {}, other)); // the signature itself is good
      refused(doc, 'MBPROV_CERT_CHAIN_UNTRUSTED');
    },
  );

  it('a self-signed signer: MBPROV_CERT_CHAIN_UNTRUSTED', guard, async () => {
    const self = await createBrokenSigner('self-signed', rsa);
    refused(sign(buildDocument(minimalModel()), {}, self), 'MBPROV_CERT_CHAIN_UNTRUSTED');
  });

  it(
    "the trusted signer's certificate swapped in over an attacker's signature: MBPROV_SIG_SIGNATURE_MISMATCH",
    guard,
    async () => {
      const other = await createBrokenSigner('other-root', rsa);
      const forged = sign(buildDocument(minimalModel()), {}, other);
      const trustedCert = rsa.signer.certificate.raw.toString('base64');
      const swapped = replaceOnce(forged, elementText(forged, 'X509Certificate'), trustedCert);
      refused(swapped, 'MBPROV_SIG_SIGNATURE_MISMATCH');
    },
  );

  it('an expired signer: MBPROV_CERT_EXPIRED', guard, async () => {
    refused(
      sign(buildDocument(minimalModel()), {}, await createBrokenSigner('expired', rsa)),
      'MBPROV_CERT_EXPIRED',
    );
  });

  it('a not-yet-valid signer: MBPROV_CERT_NOT_YET_VALID', guard, async () => {
    const early = await createBrokenSigner('not-yet-valid', rsa);
    refused(sign(buildDocument(minimalModel()), {}, early), 'MBPROV_CERT_NOT_YET_VALID');
  });

  it('a good signer checked at a time after it expires: MBPROV_CERT_EXPIRED', guard, () => {
    const later = new Date(Date.parse(rsa.signer.certificate.validTo) + 86_400_000);
    assertValid(verify(signed));
    assertRefused(verify(signed, { now: later }), 'MBPROV_CERT_EXPIRED');
  });

  it('a good signer checked at a time before it is valid: MBPROV_CERT_NOT_YET_VALID', guard, () => {
    const earlier = new Date(Date.parse(rsa.signer.certificate.validFrom) - 86_400_000);
    assertRefused(verify(signed, { now: earlier }), 'MBPROV_CERT_NOT_YET_VALID');
  });

  it('a CA certificate as signer: MBPROV_CERT_SIGNER_IS_CA', guard, async () => {
    refused(
      sign(buildDocument(minimalModel()), {}, await createBrokenSigner('ca-as-signer', rsa)),
      'MBPROV_CERT_SIGNER_IS_CA',
    );
  });

  it('the root CA itself as signer: MBPROV_CERT_SIGNER_IS_CA', guard, () => {
    const rootSigned = sign(buildDocument(minimalModel()), {}, { root: rsa.root, signer: rsa.root });
    refused(rootSigned, 'MBPROV_CERT_SIGNER_IS_CA');
  });

  it('a signer with keyEncipherment only (wrong key usage): MBPROV_CERT_KEY_USAGE', guard, async () => {
    refused(
      sign(buildDocument(minimalModel()), {}, await createBrokenSigner('wrong-key-usage', rsa)),
      'MBPROV_CERT_KEY_USAGE',
    );
  });

  it(
    'a signer without the EV policy when EV is required: MBPROV_CERT_NOT_EV (accepted when it is not)',
    guard,
    async () => {
      const doc = sign(buildDocument(minimalModel()), {}, await createBrokenSigner('no-ev-policy', rsa));
      refused(doc, 'MBPROV_CERT_NOT_EV');
      assertValid(verify(doc, { requireEv: false }));
    },
  );

  it(
    'a CA with pathLenConstraint 0 that issued a sub-CA above the signer: MBPROV_CERT_CHAIN_UNTRUSTED',
    guard,
    async () => {
      const signedUnder = async (pathLength: number) => {
        const ca = await createCertificate({
          subject: `CN=Issuing CA ${pathLength}`,
          issuer: rsa.root,
          ca: true,
          pathLength,
          policies: [ANY_POLICY_OID],
        });
        const sub = await createCertificate({
          subject: `CN=Sub CA ${pathLength}`,
          issuer: ca,
          ca: true,
          policies: [ANY_POLICY_OID],
        });
        const leaf = await createCertificate({
          subject: 'CN=Deep Signer',
          issuer: sub,
          policies: [EV_POLICY_OID],
        });
        const chain = [sub.certificatePem, ca.certificatePem];
        return sign(buildDocument(minimalModel()), { chain }, { root: rsa.root, signer: leaf });
      };
      refused(await signedUnder(0), 'MBPROV_CERT_CHAIN_UNTRUSTED');
      assertValid(verify(await signedUnder(1))); // the same path is fine when the constraint allows it
    },
  );

  it(
    'an end-entity signer used as the issuer of another signer: MBPROV_CERT_CHAIN_UNTRUSTED',
    guard,
    async () => {
      const leaf = await createCertificate({
        subject: 'CN=Issued By A Leaf',
        issuer: rsa.signer,
        policies: [EV_POLICY_OID],
      });
      const doc = sign(
        buildDocument(minimalModel()),
        { chain: [rsa.signer.certificatePem] },
        { root: rsa.root, signer: leaf },
      );
      refused(doc, 'MBPROV_CERT_CHAIN_UNTRUSTED');
    },
  );

  it('a CA whose key usage lacks keyCertSign as issuer: MBPROV_CERT_CHAIN_UNTRUSTED', guard, async () => {
    const ca = await createCertificate({
      subject: 'CN=No CertSign CA',
      issuer: rsa.root,
      ca: true,
      keyUsage: ['cRLSign'],
    });
    const leaf = await createCertificate({ subject: 'CN=Signer', issuer: ca, policies: [EV_POLICY_OID] });
    const doc = sign(
      buildDocument(minimalModel()),
      { chain: [ca.certificatePem] },
      { root: rsa.root, signer: leaf },
    );
    refused(doc, 'MBPROV_CERT_CHAIN_UNTRUSTED');
  });

  it('a non-CA certificate without key usage as issuer: MBPROV_CERT_ISSUER_NOT_CA', guard, async () => {
    const notCa = await createCertificate({ subject: 'CN=Not A CA', issuer: rsa.root, keyUsage: [] });
    const leaf = await createCertificate({ subject: 'CN=Signer', issuer: notCa, policies: [EV_POLICY_OID] });
    const doc = sign(
      buildDocument(minimalModel()),
      { chain: [notCa.certificatePem] },
      { root: rsa.root, signer: leaf },
    );
    refused(doc, 'MBPROV_CERT_ISSUER_NOT_CA');
  });

  it('an X509Certificate that is base64 of garbage: MBPROV_CERT_INVALID', guard, () => {
    const garbage = randomBytes(300).toString('base64');
    refused(replaceOnce(signed, elementText(signed, 'X509Certificate'), garbage), 'MBPROV_CERT_INVALID');
  });

  it('an X509Certificate that is not base64 at all: MBPROV_CERT_INVALID', guard, () => {
    refused(
      replaceOnce(signed, elementText(signed, 'X509Certificate'), 'not a certificate!'),
      'MBPROV_CERT_INVALID',
    );
  });

  it('an ECDSA signer certificate with an rsa-sha256 SignatureMethod: MBPROV_SIG_ALGORITHM', guard, () => {
    const ecSigned = sign(buildDocument(minimalModel()), {}, ecdsa);
    assertValid(verify(ecSigned, {}, ecdsa));
    const mismatched = replaceOnce(
      ecSigned,
      `<SignatureMethod Algorithm="${ALG.ecdsaSha256}"/>`,
      `<SignatureMethod Algorithm="${ALG.rsaSha256}"/>`,
    );
    assertRefused(verify(mismatched, {}, ecdsa), 'MBPROV_SIG_ALGORITHM');
  });

  it('an RSA signer certificate with an ecdsa-sha256 SignatureMethod: MBPROV_SIG_ALGORITHM', guard, () => {
    refused(
      replaceOnce(
        signed,
        `<SignatureMethod Algorithm="${ALG.rsaSha256}"/>`,
        `<SignatureMethod Algorithm="${ALG.ecdsaSha256}"/>`,
      ),
      'MBPROV_SIG_ALGORITHM',
    );
  });
});

describe('SHA-1', () => {
  let sha1Signed: string;
  before(() => {
    sha1Signed = sign(buildDocument(minimalModel()), {
      digest: 'sha1',
      allowSha1: true,
      onWarning: () => {},
    });
    assert.ok(sha1Signed.includes(`<SignatureMethod Algorithm="${ALG.rsaSha1}"/>`));
    assert.ok(sha1Signed.includes(`<DigestMethod Algorithm="${ALG.sha1}"/>`));
  });

  it('rsa-sha1 with a sha1 digest when SHA-1 is not allowed: MBPROV_SIG_SHA1_NOT_ALLOWED', guard, () => {
    assertRefused(verify(sha1Signed), 'MBPROV_SIG_SHA1_NOT_ALLOWED');
  });

  it('rsa-sha1 with a sha1 digest is accepted with allowSha1', guard, () => {
    assertValid(verify(sha1Signed, { allowSha1: true }));
  });

  it('only the SignatureMethod switched to rsa-sha1: MBPROV_SIG_SHA1_NOT_ALLOWED', guard, () => {
    refused(
      replaceOnce(
        signed,
        `<SignatureMethod Algorithm="${ALG.rsaSha256}"/>`,
        `<SignatureMethod Algorithm="${ALG.rsaSha1}"/>`,
      ),
      'MBPROV_SIG_SHA1_NOT_ALLOWED',
    );
  });

  it('only the DigestMethod switched to sha1: MBPROV_SIG_SHA1_NOT_ALLOWED', guard, () => {
    refused(
      replaceOnce(
        signed,
        `<DigestMethod Algorithm="${ALG.sha256}"/>`,
        `<DigestMethod Algorithm="${ALG.sha1}"/>`,
      ),
      'MBPROV_SIG_SHA1_NOT_ALLOWED',
    );
  });
});

describe('DTDs, values and missing signatures', () => {
  it(
    'a relative namespace URI, which Canonical XML refuses: MBPROV_XML_NOT_CANONICALIZABLE, not an exception',
    guard,
    () => {
      refused(
        replaceOnce(signed, '</Global>', '<X xmlns="relative"/></Global>'),
        'MBPROV_XML_NOT_CANONICALIZABLE',
      );
    },
  );

  it('a DTD with an entity that expands to the signed text: MBPROV_XML_DTD_FORBIDDEN', guard, () => {
    const withDtd = replaceOnce(
      signed,
      /^(<\?xml[^>]*\?>)/,
      `$1\n<!DOCTYPE CarrierProvisioning [<!ENTITY carrier "${CARRIER_ID}">]>`,
    );
    refused(
      replaceOnce(withDtd, `<CarrierId>${CARRIER_ID}<`, '<CarrierId>&carrier;<'),
      'MBPROV_XML_DTD_FORBIDDEN',
    );
  });

  it('an internal DTD subset without entities: MBPROV_XML_DTD_FORBIDDEN', guard, () => {
    refused(
      replaceOnce(
        signed,
        /^(<\?xml[^>]*\?>)/,
        '$1\n<!DOCTYPE CarrierProvisioning [<!ATTLIST Global Id ID #IMPLIED>]>',
      ),
      'MBPROV_XML_DTD_FORBIDDEN',
    );
  });

  it(
    'a SignatureValue truncated by four characters (valid base64, too short): MBPROV_SIG_VALUE_FORMAT',
    guard,
    () => {
      const value = elementText(signed, 'SignatureValue');
      refused(replaceOnce(signed, value, value.slice(4)), 'MBPROV_SIG_VALUE_FORMAT');
    },
  );

  it('a SignatureValue truncated by one character (broken base64): MBPROV_SIG_VALUE_FORMAT', guard, () => {
    const value = elementText(signed, 'SignatureValue');
    refused(replaceOnce(signed, value, value.slice(0, -1)), 'MBPROV_SIG_VALUE_FORMAT');
  });

  it('a SignatureValue that is not base64: MBPROV_SIG_VALUE_FORMAT', guard, () => {
    const value = elementText(signed, 'SignatureValue');
    refused(
      replaceOnce(signed, value, `${value.slice(0, 40)}*${value.slice(41)}`),
      'MBPROV_SIG_VALUE_FORMAT',
    );
  });

  it('an empty SignatureValue: MBPROV_SIG_VALUE_FORMAT', guard, () => {
    const value = elementText(signed, 'SignatureValue');
    refused(replaceOnce(signed, `<SignatureValue>${value}<`, '<SignatureValue><'), 'MBPROV_SIG_VALUE_FORMAT');
  });

  it('a DigestValue that is not base64: MBPROV_SIG_VALUE_FORMAT', guard, () => {
    const value = elementText(signed, 'DigestValue');
    refused(replaceOnce(signed, value, `${value.slice(0, -2)}!=`), 'MBPROV_SIG_VALUE_FORMAT');
  });

  it('an unsigned document: MBPROV_SIG_MISSING', guard, () => {
    refused(buildDocument(fullModel()), 'MBPROV_SIG_MISSING');
  });

  it('a Signature in the wrong namespace only: MBPROV_SIG_MISSING', guard, () => {
    refused(
      replaceOnce(signed, SIG_START, '<Signature xmlns="http://www.w3.org/2000/09/xmldsig-more#">'),
      'MBPROV_SIG_MISSING',
    );
  });
});

describe('signing refusals', () => {
  it('a private key that does not belong to the certificate: MBPROV_SIG_KEY_MISMATCH', guard, () => {
    signRefused(
      () =>
        signDocument(buildDocument(minimalModel()), {
          key: ecdsa.signer.privateKeyPem,
          certificate: rsa.signer.certificatePem,
        }),
      'MBPROV_SIG_KEY_MISMATCH',
    );
    signRefused(
      () =>
        signDocument(buildDocument(minimalModel()), {
          key: rsa.root.privateKey,
          certificate: rsa.signer.certificate,
        }),
      'MBPROV_SIG_KEY_MISMATCH',
    );
  });

  it('SHA-1 without allowSha1: MBPROV_SIG_SHA1_NOT_ALLOWED', guard, () => {
    signRefused(() => sign(buildDocument(minimalModel()), { digest: 'sha1' }), 'MBPROV_SIG_SHA1_NOT_ALLOWED');
  });

  it('a relative namespace URI: MBPROV_XML_NOT_CANONICALIZABLE', guard, () => {
    signRefused(
      () => sign(replaceOnce(buildDocument(minimalModel()), '</Global>', '<X xmlns="relative"/></Global>')),
      'MBPROV_XML_NOT_CANONICALIZABLE',
    );
  });

  it('an already signed document: MBPROV_SIG_ALREADY_SIGNED', guard, () => {
    signRefused(() => sign(signed), 'MBPROV_SIG_ALREADY_SIGNED');
    signRefused(() => sign(signed, { canonicalization: 'excC14n' }), 'MBPROV_SIG_ALREADY_SIGNED');
  });

  it('a document with a DTD is not signed: MBPROV_XML_DTD_FORBIDDEN', guard, () => {
    const xml = replaceOnce(
      buildDocument(minimalModel()),
      /^(<\?xml[^>]*\?>)/,
      '$1\n<!DOCTYPE CarrierProvisioning [<!ENTITY e "x">]>',
    );
    signRefused(() => sign(xml), 'MBPROV_XML_DTD_FORBIDDEN');
  });
});
