/** Certificates: test EV chains, reading and describing certificates, PKCS#12 files, TrustedCertificate entries. */
export { buildChain, type ChainOptions, type ChainProblem } from './chain.ts';
export {
  formatWindowsDn,
  type NameAttribute,
  parseWindowsDn,
  type RdnSequence,
  windowsDnOfName,
} from './distinguished-name.ts';
/**
 * EV along the chain: why a built path ({@link evPolicyProblem}) or a configured signer and its issuers
 * ({@link evChainProblem}, the portal's start check) is not an EV path; anyPolicy lets EV through a CA.
 */
export { ANY_POLICY_OID, evChainProblem, evPolicyProblem } from './ev-policy.ts';
export {
  allowsDigitalSignature,
  type CertificateFacts,
  certificateFacts,
  EV_POLICY_OID,
  hasEvPolicy,
  issuerName,
  subjectName,
} from './facts.ts';
export {
  type CertificateCurve,
  type CertificateIssuer,
  type CertificateKeyType,
  type CreateCertificateOptions,
  createCertificate,
  createTestEvChain,
  type KeyUsage,
  type RawExtension,
  type TestCertificate,
  type TestEvChain,
  type TestEvChainOptions,
  testRootSubject,
  testSignerSubject,
} from './generate.ts';
export {
  type CertificateDescription,
  describeCertificate,
  isEv,
  loadCertificates,
  sha256Fingerprint,
  thumbprint,
} from './inspect.ts';
export { fromPkcs12, type Pkcs12Contents, type Pkcs12Input, toPkcs12 } from './pkcs12.ts';
export {
  ACCEPTED_CURVES,
  type CertificateProblem,
  certificateProblem,
  MAX_RSA_BITS,
  MIN_RSA_BITS,
  purposeProblem,
  SIGNING_PURPOSES,
  signerProblem,
} from './profile.ts';
export { trustedCertificateEntry, trustedCertificateXml } from './trusted-certificates.ts';
