/**
 * Signs a `.mobileconfig` as iOS and macOS expect: CMS SignedData (RFC 5652) with the profile attached as content
 * (id-data), DER, signed attributes (content type, message digest, signing time), the signer identified by issuer and
 * serial number, the signer certificate and its chain included. The structure is written with @peculiar/asn1-cms (the
 * schemas under @peculiar/x509), the digest and signature with node:crypto, so RSA and ECDSA signers both work.
 *
 * Algorithms, as `openssl cms -sign -md <hash>` writes them (a test compares the two): RSA signs SHA-256 with
 * PKCS #1 v1.5 under rsaEncryption; ECDSA uses the hash that matches the curve's strength (RFC 5753, RFC 5480:
 * SHA-256 for P-256, SHA-384 for P-384, SHA-512 for P-521) under ecdsa-with-SHA*, the signature DER-encoded. Ed25519
 * and Ed448 (RFC 8419), RSA-PSS, DSA and other curves are refused (MBPROV_PROFILE_SIGNER_UNSUPPORTED): iOS and macOS
 * are not known to verify them in a profile, so an operator would serve profiles no device shows as signed.
 */

import { createHash, createPrivateKey, type KeyObject, sign, X509Certificate } from 'node:crypto';
import type * as Asn1Cms from '@peculiar/asn1-cms';
import type * as Asn1Schema from '@peculiar/asn1-schema';
import { BoundedMemo } from '../../certificates/cache.ts';
import { asn1Cms } from '../../certificates/libraries.ts';
import { MbprovError } from '../../errors/mbprov-error.ts';

/** The operator's signer: its key, its certificate and the CAs between it and a root the device trusts. */
export interface ProfileSigner {
  /** The signer's private key, unencrypted PEM (PKCS#1, SEC 1 or PKCS#8); RSA or ECDSA P-256, P-384 or P-521. */
  privateKeyPem: string;
  /** The signer certificate, PEM. */
  certificatePem: string;
  /** Intermediate CA certificates (PEM), signer's issuer first; the root may be left out. */
  chainPems?: readonly string[];
}

/** The digest and signature algorithms for one kind of signer key. */
interface SignerAlgorithm {
  /** node:crypto's name of the digest. */
  hash: 'sha256' | 'sha384' | 'sha512';
  digestOid: string;
  signatureOid: string;
  /** rsaEncryption carries NULL parameters; ecdsa-with-SHA* carries none (RFC 5758). */
  signatureParameters: null | undefined;
}

const SHA256 = '2.16.840.1.101.3.4.2.1';
const RSA: SignerAlgorithm = {
  hash: 'sha256',
  digestOid: SHA256,
  signatureOid: '1.2.840.113549.1.1.1',
  signatureParameters: null,
};
/** By node:crypto's curve name. */
const ECDSA: Readonly<Record<string, SignerAlgorithm>> = {
  prime256v1: {
    hash: 'sha256',
    digestOid: SHA256,
    signatureOid: '1.2.840.10045.4.3.2',
    signatureParameters: undefined,
  },
  secp384r1: {
    hash: 'sha384',
    digestOid: '2.16.840.1.101.3.4.2.2',
    signatureOid: '1.2.840.10045.4.3.3',
    signatureParameters: undefined,
  },
  secp521r1: {
    hash: 'sha512',
    digestOid: '2.16.840.1.101.3.4.2.3',
    signatureOid: '1.2.840.10045.4.3.4',
    signatureParameters: undefined,
  },
};

function certificate(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new MbprovError('MBPROV_CERT_INVALID', `The ${what} is not a PEM certificate.`, { cause });
  }
}

/** The algorithms for the signer certificate's key; refuses a key a device is not known to verify. */
function algorithmFor(cert: X509Certificate): SignerAlgorithm {
  const { asymmetricKeyType: type, asymmetricKeyDetails: details } = cert.publicKey;
  if (type === 'rsa') return RSA;
  const ecdsa = type === 'ec' && details?.namedCurve ? ECDSA[details.namedCurve] : undefined;
  if (ecdsa) return ecdsa;
  const what = type === 'ec' ? `an EC key on ${details?.namedCurve ?? 'an unnamed curve'}` : `a ${type} key`;
  throw new MbprovError(
    'MBPROV_PROFILE_SIGNER_UNSUPPORTED',
    `The signer certificate has ${what}; Apple profiles are signed with RSA or ECDSA P-256, P-384 or P-521 keys.`,
  );
}

function privateKey(pem: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (cause) {
    throw new MbprovError('MBPROV_KEY_INVALID', 'The signer key is not an unencrypted PEM private key.', {
      cause,
    });
  }
}

/** ASN.1 types the CMS schemas lack, declared once on first use (their library loads lazily). */
interface ExtraTypes {
  /** SET OF values given as DER, written byte for byte in the order given. */
  DerSet: new (
    items: ArrayBuffer[],
  ) => Asn1Schema.AsnArray<ArrayBuffer>;
  /** An OBJECT IDENTIFIER on its own (the value of the content-type attribute). */
  Oid: new (
    value: string,
  ) => { value: string };
  /** ContentInfo holding SignedData as such, not as ANY (which the library would parse again to write it). */
  SignedContentInfo: new (
    content: Asn1Cms.SignedData,
  ) => object;
}
let extraTypes: ExtraTypes | undefined;

function types(): ExtraTypes {
  if (extraTypes) return extraTypes;
  const { schema, cms } = asn1Cms();
  class DerSet extends schema.AsnArray<ArrayBuffer> {}
  schema.AsnType({ type: schema.AsnTypeTypes.Set, itemType: schema.AsnPropTypes.Any })(DerSet);
  class Oid {
    value: string;
    constructor(value = '') {
      this.value = value;
    }
  }
  schema.AsnProp({ type: schema.AsnPropTypes.ObjectIdentifier })(Oid.prototype, 'value');
  schema.AsnType({ type: schema.AsnTypeTypes.Choice })(Oid);
  class SignedContentInfo {
    contentType = cms.id_signedData;
    content: Asn1Cms.SignedData;
    constructor(content = new cms.SignedData()) {
      this.content = content;
    }
  }
  schema.AsnProp({ type: schema.AsnPropTypes.ObjectIdentifier })(SignedContentInfo.prototype, 'contentType');
  schema.AsnProp({ type: cms.SignedData, context: 0 })(SignedContentInfo.prototype, 'content');
  schema.AsnType({ type: schema.AsnTypeTypes.Sequence })(SignedContentInfo);
  extraTypes = { DerSet, Oid, SignedContentInfo };
  return extraTypes;
}

/** DER orders a SET OF by the encodings of its elements (X.690 11.6): the comparator of that order. */
function derOrder(a: ArrayBuffer, b: ArrayBuffer): number {
  return Buffer.compare(new Uint8Array(a), new Uint8Array(b));
}

/** What signing needs of a signer, independent of the profile. */
interface PreparedSigner {
  key: KeyObject;
  algorithm: SignerAlgorithm;
  sid: Asn1Cms.SignerIdentifier;
  /** DER of the signer and chain certificates, in DER SET order. */
  certificates: ArrayBuffer[];
}

// A portal signs every profile with the same signer: its key, certificates and identifier are read once per signer
// (reading them costs more than the signature). Keyed by the whole texts, length-prefixed, so that two different
// signers never share an entry; only signers that passed every check are remembered; bounded.
const preparedSigners = new BoundedMemo<PreparedSigner>(16);

function prepared(signer: ProfileSigner): PreparedSigner {
  const texts = [signer.privateKeyPem, signer.certificatePem, ...(signer.chainPems ?? [])].map(String);
  return preparedSigners.get(texts.map((t) => `${t.length}:${t}`).join(''), () => prepare(signer));
}

function prepare(signer: ProfileSigner): PreparedSigner {
  const cert = certificate(signer.certificatePem, 'signer certificate');
  const algorithm = algorithmFor(cert);
  const chain = (signer.chainPems ?? []).map((pem, i) => certificate(pem, `chain certificate ${i + 1}`));
  const key = privateKey(signer.privateKeyPem);
  if (!cert.checkPrivateKey(key))
    throw new MbprovError(
      'MBPROV_SIG_KEY_MISMATCH',
      'The signer key does not belong to the signer certificate.',
    );
  const { schema, x509, cms } = asn1Cms();
  let tbsCertificate: InstanceType<typeof x509.TBSCertificate>;
  try {
    tbsCertificate = schema.AsnConvert.parse(cert.raw, x509.Certificate).tbsCertificate;
  } catch (cause) {
    throw new MbprovError('MBPROV_CERT_INVALID', 'The signer certificate cannot be read as X.509.', {
      cause,
    });
  }
  const sid = new cms.SignerIdentifier({
    issuerAndSerialNumber: new cms.IssuerAndSerialNumber({
      issuer: tbsCertificate.issuer,
      serialNumber: tbsCertificate.serialNumber,
    }),
  });
  // The certificates' own bytes, not a re-encoding of their parsed form: the issuers' signatures cover them.
  const certificates = [cert, ...chain].map((c) => new Uint8Array(c.raw).buffer).sort(derOrder);
  return { key, algorithm, sid, certificates };
}

/**
 * Signs the profile text (UTF-8) and returns the DER of the CMS SignedData (ContentInfo), to serve as
 * `application/x-apple-aspen-config`. Signs with RSA (SHA-256) or ECDSA P-256/P-384/P-521 (SHA-256/384/512); refuses
 * any other signer key (MBPROV_PROFILE_SIGNER_UNSUPPORTED), a key that does not match the certificate
 * (MBPROV_SIG_KEY_MISMATCH), and an unreadable certificate (MBPROV_CERT_INVALID) or key (MBPROV_KEY_INVALID).
 * The chain certificates are carried as they are, whatever their keys: the device checks them, not the signer.
 * A signer is read once and remembered (bounded), as a server signs every profile with the same one.
 */
export function signMobileconfig(plist: string, signer: ProfileSigner): Uint8Array {
  const { key, algorithm, sid, certificates } = prepared(signer);
  const { schema, cms } = asn1Cms();
  const { DerSet, Oid, SignedContentInfo } = types();
  const content = Buffer.from(plist, 'utf8');
  const serialize = (value: unknown) => schema.AsnConvert.serialize(value);
  const attributes = [
    [cms.id_contentType, new Oid(cms.id_data)],
    [cms.id_messageDigest, new schema.OctetString(createHash(algorithm.hash).update(content).digest())],
    [cms.id_signingTime, new cms.SigningTime(new Date())],
  ].map(([attrType, value]) => {
    const attribute = new cms.Attribute({ attrType: attrType as string, attrValues: [serialize(value)] });
    return { attribute, der: serialize(attribute) };
  });
  attributes.sort((a, b) => derOrder(a.der, b.der));
  // The signature covers the attributes as a DER SET (tag 0x31); SignerInfo carries the same elements under [0].
  const signedAttributes = new Uint8Array(serialize(new DerSet(attributes.map((a) => a.der))));
  const signerInfo = new cms.SignerInfo({
    version: cms.CMSVersion.v1,
    sid,
    digestAlgorithm: new cms.DigestAlgorithmIdentifier({ algorithm: algorithm.digestOid }),
    signedAttrs: attributes.map((a) => a.attribute),
    signatureAlgorithm: new cms.SignatureAlgorithmIdentifier({
      algorithm: algorithm.signatureOid,
      parameters: algorithm.signatureParameters,
    }),
    signature: new schema.OctetString(sign(algorithm.hash, signedAttributes, key)),
  });
  const signedData = new cms.SignedData({
    version: cms.CMSVersion.v1,
    digestAlgorithms: new cms.DigestAlgorithmIdentifiers([signerInfo.digestAlgorithm]),
    encapContentInfo: new cms.EncapsulatedContentInfo({
      eContentType: cms.id_data,
      eContent: new cms.EncapsulatedContent({ single: new schema.OctetString(content) }),
    }),
    certificates: new DerSet(certificates) as unknown as Asn1Cms.CertificateSet,
    signerInfos: new cms.SignerInfos([signerInfo]),
  });
  return new Uint8Array(serialize(new SignedContentInfo(signedData)));
}
