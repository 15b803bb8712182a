import type { X509Certificate } from 'node:crypto';
import { BoundedMemo, fingerprintOf } from './cache.ts';
import { evPolicyProblem } from './ev-policy.ts';
import { certificateFacts, issuerName, subjectName } from './facts.ts';
import { type CertificateProblem, certificateProblem, purposeProblem, signerProblem } from './profile.ts';

/** A reason a certificate chain is refused. */
export type ChainProblem = CertificateProblem;

/** Options of {@link buildChain}. */
export interface ChainOptions {
  /** Certificates trusted as roots. */
  trustAnchors: readonly X509Certificate[];
  /** Certificates that may complete the path (from KeyInfo). */
  intermediates?: readonly X509Certificate[];
  /** Time at which validity is checked (default now). */
  now?: Date;
  /** Require the EV policy on the leaf and valid along the path (ev-policy.ts). */
  requireEv?: boolean;
}

// Whether one certificate issued another never changes, so the signature check of each link is remembered.
const links = new BoundedMemo<boolean>(1024);

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  return links.get(
    `${fingerprintOf(child)}|${fingerprintOf(issuer)}`,
    () => child.checkIssued(issuer) && child.verify(issuer.publicKey),
  );
}

/**
 * Builds the path from a signer certificate to a trust anchor and checks it as Windows would for a
 * provisioning signature: signatures and names along the path; for every certificate, extensions it can process
 * (no unknown critical one) and a strong enough key (profile.ts); validity at `now`, CA flags and path lengths;
 * the signer's key usage and the extended key usages down the path; EV along the path when required. Returns
 * the path (leaf first) or the first problem found.
 */
export function buildChain(
  leaf: X509Certificate,
  options: ChainOptions,
): { chain: X509Certificate[] } | ChainProblem {
  const now = options.now ?? new Date();
  // The signer's own extensions first: a repeated one also makes OpenSSL's issuer check fail, which would
  // otherwise be reported as an untrusted chain.
  const leafProblem = certificateProblem(leaf);
  if (leafProblem) return leafProblem;
  const isAnchor = (c: X509Certificate) =>
    options.trustAnchors.some((a) => fingerprintOf(a) === fingerprintOf(c));
  const path = [leaf];
  let current = leaf;
  while (!isAnchor(current)) {
    const anchor = options.trustAnchors.find((a) => issuedBy(current, a));
    if (anchor) {
      path.push(anchor);
      break;
    }
    const next = (options.intermediates ?? []).find((c) => !path.includes(c) && issuedBy(current, c));
    if (!next || path.length > 8) {
      return {
        code: 'MBPROV_CERT_CHAIN_UNTRUSTED',
        message: `${subjectName(current)} (issued by ${issuerName(current)}) does not chain to a trusted root.`,
      };
    }
    path.push(next);
    current = next;
  }
  for (const cert of path) {
    const problem = certificateProblem(cert);
    if (problem) return problem;
  }
  for (const cert of path) {
    const name = subjectName(cert);
    if (now < new Date(cert.validFrom))
      return { code: 'MBPROV_CERT_NOT_YET_VALID', message: `${name} is not valid before ${cert.validFrom}.` };
    if (now > new Date(cert.validTo))
      return { code: 'MBPROV_CERT_EXPIRED', message: `${name} expired on ${cert.validTo}.` };
  }
  for (const issuer of path.slice(1)) {
    if (!issuer.ca)
      return {
        code: 'MBPROV_CERT_ISSUER_NOT_CA',
        message: `${subjectName(issuer)} issued a certificate but is not a CA.`,
      };
  }
  // path[i] has i - 1 CA certificates below it (path[1..i-1]); its pathLenConstraint caps that number.
  for (let i = 2; i < path.length; i++) {
    const cert = path[i] as X509Certificate;
    const limit = certificateFacts(cert).pathLength;
    if (limit !== undefined && i - 1 > limit)
      return {
        code: 'MBPROV_CERT_CHAIN_UNTRUSTED',
        message: `${subjectName(cert)} allows ${limit} CA certificate(s) below it (path length constraint); the path has ${i - 1}.`,
      };
  }
  const signer = signerProblem(leaf) ?? purposeProblem(path);
  if (signer) return signer;
  if (options.requireEv) {
    const ev = evPolicyProblem(path);
    if (ev) return ev;
  }
  return { chain: path };
}
