/**
 * What a certificate must be to take part in a provisioning signature, beyond names, signatures and dates
 * (chain.ts): extensions the verifier processes (RFC 5280 §4.2: a critical extension it does not process refuses
 * the certificate), keys strong enough, and for the signer a key usage and extended key usage that allow signing
 * documents. Shared by verification (buildChain) and the portal's check of its own signer, so both refuse the same
 * certificates with the same codes. The decisions and their sources are in docs/certificates.md.
 */
import type { X509Certificate } from 'node:crypto';
import type { Code } from '../errors/codes.ts';
import { BoundedMemo, fingerprintOf } from './cache.ts';
import { certificateFacts, subjectName } from './facts.ts';

/** A reason a certificate is refused. */
export interface CertificateProblem {
  code: Code;
  message: string;
}

/**
 * The extensions this verifier processes, by OID. A certificate with any other extension marked critical is
 * refused (MBPROV_CERT_CRITICAL_EXTENSION); non-critical ones are ignored, as RFC 5280 allows.
 * - basicConstraints: cA (a signer must not be a CA, an issuer must be one) and pathLenConstraint;
 * - keyUsage: digitalSignature for the signer; keyCertSign for an issuer (node's X509Certificate.ca, OpenSSL);
 * - extendedKeyUsage: the purposes of {@link SIGNING_PURPOSES}, for the signer and through every CA above it;
 * - certificatePolicies: the EV policy 2.23.140.1.1 (the policy OIDs are read; qualifiers are informational);
 * - subjectAltName: no name of the chain is matched against anything (Windows compares subject and issuer DNs),
 *   so a critical one (a certificate with an empty subject) has nothing left to process.
 * Not processed, so refused when critical: nameConstraints, policyConstraints, policyMappings, inhibitAnyPolicy
 * (no policy tree is built), and every extension RFC 5280 requires to be non-critical (key identifiers, CRL
 * distribution points, authority information access) or that is private to one vendor.
 */
export const UNDERSTOOD_EXTENSIONS: Readonly<Record<string, string>> = {
  '2.5.29.19': 'basicConstraints',
  '2.5.29.15': 'keyUsage',
  '2.5.29.37': 'extendedKeyUsage',
  '2.5.29.32': 'certificatePolicies',
  '2.5.29.17': 'subjectAltName',
};

/** Names of extensions that may appear in messages, by OID. */
const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  ...UNDERSTOOD_EXTENSIONS,
  '2.5.29.14': 'subjectKeyIdentifier',
  '2.5.29.35': 'authorityKeyIdentifier',
  '2.5.29.18': 'issuerAltName',
  '2.5.29.30': 'nameConstraints',
  '2.5.29.31': 'cRLDistributionPoints',
  '2.5.29.33': 'policyMappings',
  '2.5.29.36': 'policyConstraints',
  '2.5.29.54': 'inhibitAnyPolicy',
  '1.3.6.1.5.5.7.1.1': 'authorityInfoAccess',
};

/** anyExtendedKeyUsage: an extendedKeyUsage with it restricts nothing. */
export const ANY_EXTENDED_KEY_USAGE = '2.5.29.37.0';

/**
 * Extended key usages that allow a key to sign a provisioning document, by OID. Windows documents none for
 * provisioning signatures; these are the purposes of the EV certificates Windows knows (EV TLS, what
 * Install-TestEVCert registers its root for, and EV code signing) and the purposes meant for signing documents
 * and messages. An extendedKeyUsage listing none of them dedicates the key to something else (a TLS client, a
 * time-stamping authority, an OCSP responder, a smart card logon) and is refused.
 */
export const SIGNING_PURPOSES: Readonly<Record<string, string>> = {
  [ANY_EXTENDED_KEY_USAGE]: 'anyExtendedKeyUsage',
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.36': 'documentSigning',
  '1.3.6.1.4.1.311.10.3.12': 'Microsoft document signing',
};

/** Names of other purposes, for messages. */
const PURPOSE_NAMES: Readonly<Record<string, string>> = {
  ...SIGNING_PURPOSES,
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '1.3.6.1.4.1.311.20.2.2': 'smartcardLogon',
};

/** The smallest RSA modulus accepted, in bits (NIST SP 800-131A, CA/Browser Forum, Windows for TLS and code signing). */
export const MIN_RSA_BITS = 2048;
/** The largest RSA modulus accepted, in bits (Windows CNG's limit, and OpenSSL's for verification). */
export const MAX_RSA_BITS = 16384;
/** Elliptic curves accepted, node's name to the usual one: those of the signature profile (ECDSA P-256/P-384). */
export const ACCEPTED_CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384' };

const named = (names: Readonly<Record<string, string>>, oid: string) =>
  names[oid] ? `${names[oid]} (${oid})` : oid;

/** A key too weak, or of a kind the signature profile and Windows chains do not use; undefined when it is fine. */
export function keyProblem(cert: X509Certificate): string | undefined {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) return `an RSA key of ${bits} bits; at least ${MIN_RSA_BITS} are required`;
    if (bits > MAX_RSA_BITS) return `an RSA key of ${bits} bits; at most ${MAX_RSA_BITS} are accepted`;
    return undefined;
  }
  if (key.asymmetricKeyType === 'ec') {
    const curve = details.namedCurve ?? 'an unnamed curve';
    return ACCEPTED_CURVES[curve] ? undefined : `an EC key on ${curve}; only P-256 and P-384 are accepted`;
  }
  return `a ${key.asymmetricKeyType} key; only RSA (${MIN_RSA_BITS} bits or more) and EC P-256/P-384 keys are accepted`;
}

// A certificate's own problems never change, so they are remembered by fingerprint (verification asks per document).
const own = new BoundedMemo<CertificateProblem | 'none'>(1024);

/**
 * What refuses any certificate of a chain, the trust anchor included (as OpenSSL checks its critical extensions):
 * extensions that cannot be decoded or are repeated (RFC 5280 §4.2: "MUST NOT include more than one instance"),
 * a critical extension not in {@link UNDERSTOOD_EXTENSIONS}, a key {@link keyProblem} refuses.
 */
export function certificateProblem(cert: X509Certificate): CertificateProblem | undefined {
  const found = own.get(fingerprintOf(cert), () => findProblem(cert) ?? 'none');
  return found === 'none' ? undefined : found;
}

function findProblem(cert: X509Certificate): CertificateProblem | undefined {
  const facts = certificateFacts(cert);
  const name = subjectName(cert);
  if (facts.unreadable !== undefined)
    return {
      code: 'MBPROV_CERT_EXTENSION_INVALID',
      message: `${name} has an extension that cannot be decoded (${facts.unreadable}).`,
    };
  const seen = new Set<string>();
  for (const { oid } of facts.extensions) {
    if (seen.has(oid))
      return {
        code: 'MBPROV_CERT_EXTENSION_INVALID',
        message: `${name} has the ${named(EXTENSION_NAMES, oid)} extension more than once.`,
      };
    seen.add(oid);
  }
  const unknown = facts.extensions.filter((e) => e.critical && !UNDERSTOOD_EXTENSIONS[e.oid]);
  if (unknown.length)
    return {
      code: 'MBPROV_CERT_CRITICAL_EXTENSION',
      message: `${name} has a critical extension this verifier does not process: ${unknown.map((e) => named(EXTENSION_NAMES, e.oid)).join(', ')} (processed: ${Object.values(UNDERSTOOD_EXTENSIONS).join(', ')}).`,
    };
  const weak = keyProblem(cert);
  if (weak) return { code: 'MBPROV_CERT_WEAK_KEY', message: `${name} has ${weak}.` };
  return undefined;
}

/**
 * The purposes an extendedKeyUsage leaves for signing documents: undefined when it restricts nothing (absent, or
 * with anyExtendedKeyUsage), else the {@link SIGNING_PURPOSES} it lists (possibly none).
 */
function signingPurposes(cert: X509Certificate): string[] | undefined {
  const eku = certificateFacts(cert).extendedKeyUsage;
  if (!eku || eku.includes(ANY_EXTENDED_KEY_USAGE)) return undefined;
  return eku.filter((oid) => SIGNING_PURPOSES[oid]);
}

/**
 * Whether the extended key usages along a path (signer first) leave a purpose that signs documents. As Windows
 * builds chains, a CA's extendedKeyUsage restricts every certificate below it: the purposes left are those every
 * certificate of the path allows. Undefined when one is left.
 */
export function purposeProblem(path: readonly X509Certificate[]): CertificateProblem | undefined {
  let left: string[] | undefined;
  for (const [i, cert] of path.entries()) {
    const allowed = signingPurposes(cert);
    if (allowed === undefined) continue;
    left = left === undefined ? allowed : left.filter((oid) => allowed.includes(oid));
    if (left.length > 0) continue;
    const eku = (certificateFacts(cert).extendedKeyUsage ?? []).map((oid) => named(PURPOSE_NAMES, oid));
    const accepted = Object.values(SIGNING_PURPOSES).join(', ');
    return {
      code: 'MBPROV_CERT_EXTENDED_KEY_USAGE',
      message:
        i === 0
          ? `${subjectName(cert)} has an extended key usage (${eku.join(', ')}) without a purpose that signs documents (${accepted}).`
          : `${subjectName(cert)}, which issued the signer's chain, restricts it to ${eku.join(', ')}: no purpose the certificates below it allow that signs documents is left (${accepted}).`,
    };
  }
  return undefined;
}

/**
 * What refuses a certificate as the signer of provisioning documents, on its own (no chain): the problems of any
 * certificate ({@link certificateProblem}), a CA certificate, a keyUsage without digitalSignature, an
 * extendedKeyUsage without a purpose that signs documents. The portal checks its signer with this before it takes
 * payments; verification applies the same checks (and the CAs' extended key usages) in buildChain.
 */
export function signerProblem(cert: X509Certificate): CertificateProblem | undefined {
  const problem = certificateProblem(cert);
  if (problem) return problem;
  const name = subjectName(cert);
  if (cert.ca)
    return {
      code: 'MBPROV_CERT_SIGNER_IS_CA',
      message: `${name} is a CA certificate, not an end-entity signer.`,
    };
  if (!certificateFacts(cert).signing)
    return {
      code: 'MBPROV_CERT_KEY_USAGE',
      message: `${name} has a key usage without digitalSignature (nonRepudiation alone does not allow signing documents).`,
    };
  return purposeProblem([cert]);
}
