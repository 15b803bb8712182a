import type { X509Certificate } from 'node:crypto';
import { certificateFacts, EV_POLICY_OID, subjectName } from './facts.ts';
import type { CertificateProblem } from './profile.ts';

/** anyPolicy (RFC 5280 §4.2.1.4): a CA certificate carrying it lets every policy through, EV included. */
export const ANY_POLICY_OID = '2.5.29.32.0';

/** The certificatePolicies OIDs of a certificate; none without the extension (or when it does not decode). */
function policiesOf(cert: X509Certificate): readonly string[] {
  // An undecodable extension leaves the facts unreadable, which the chain's certificate checks refuse first (profile.ts).
  return certificateFacts(cert).policies;
}

/**
 * Why a path (leaf first, trust anchor last) is not an EV path, or undefined when it is. The EV policy must be valid
 * along the chain, as Windows' EV check requires: the leaf asserts the CA/Browser Forum EV OID 2.23.140.1.1, and every
 * CA certificate between it and the root asserts that OID or anyPolicy. The root is the trust anchor, whose policies
 * a validator does not constrain. CA-specific EV OIDs are not recognised (docs/certificates.md).
 */
export function evPolicyProblem(path: readonly X509Certificate[]): CertificateProblem | undefined {
  const leaf = path[0];
  return leaf ? evAlong(leaf, path.slice(1, -1)) : undefined;
}

/**
 * Why a signer and the certificates configured with it (signing.certFile: the CAs that issue it, with or without the
 * root at the end) do not make an EV path, or undefined when they do: the check {@link evPolicyProblem} makes on a
 * built path, for a chain that has not met its trust anchor yet. A last certificate that issued itself is the root
 * and, as the trust anchor, is not constrained; every other one is a CA between the signer and the root.
 */
export function evChainProblem(
  signer: X509Certificate,
  issuers: readonly X509Certificate[],
): CertificateProblem | undefined {
  const last = issuers.at(-1);
  return evAlong(signer, last?.checkIssued(last) ? issuers.slice(0, -1) : issuers);
}

/** The EV walk: the leaf asserts the EV OID, each CA in `cas` the EV OID or anyPolicy. */
function evAlong(leaf: X509Certificate, cas: readonly X509Certificate[]): CertificateProblem | undefined {
  if (!policiesOf(leaf).includes(EV_POLICY_OID)) {
    return {
      code: 'MBPROV_CERT_NOT_EV',
      message: `${subjectName(leaf)} has no EV policy (${EV_POLICY_OID}).`,
    };
  }
  for (const ca of cas) {
    const held = policiesOf(ca);
    if (!held.includes(EV_POLICY_OID) && !held.includes(ANY_POLICY_OID)) {
      return {
        code: 'MBPROV_CERT_NOT_EV',
        message: `${subjectName(ca)}, a CA between ${subjectName(leaf)} and the root, has neither the EV policy (${EV_POLICY_OID}) nor anyPolicy (${ANY_POLICY_OID}), so the EV policy is not valid along the chain.`,
      };
    }
  }
  return undefined;
}
