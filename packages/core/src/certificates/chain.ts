// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import type { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { Code } from '../errors/codes.ts';
import { BoundedMemo } from './cache.ts';

/** The CA/Browser Forum Extended Validation certificate policy. */
export const EV_POLICY_OID = '2.23.140.1.1';

/** A reason a certificate chain is refused. */
export interface ChainProblem {
  code: Code;
  message: string;
}

/** Options of {@link buildChain}. */
export interface ChainOptions {
  /** Certificates trusted as roots. */
  trustAnchors: readonly X509Certificate[];
  /** Certificates that may complete the path (from KeyInfo). */
  intermediates?: readonly X509Certificate[];
  /** Time at which validity is checked (default now). */
  now?: Date;
  /** Require the EV policy on the leaf. */
  requireEv?: boolean;
}

/** One line distinguished name, e.g. "CN=Contoso, O=Contoso, C=US" (node prints one attribute per line). */
export function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** Extension facts the chain checks need, parsed once per certificate. */
interface ExtensionFacts {
  ev: boolean;
  signing: boolean;
  /** basicConstraints pathLenConstraint: how many CA certificates may follow this one down the path. */
  pathLength?: number;
}

const extensionFacts = new BoundedMemo<ExtensionFacts>();

function factsOf(cert: X509Certificate): ExtensionFacts {
  return extensionFacts.get(cert.fingerprint256, () => {
    const parsed = new x509.X509Certificate(cert.raw);
    const policies = parsed.getExtension(x509.CertificatePolicyExtension);
    const usage = parsed.getExtension(x509.KeyUsagesExtension);
    const signingFlags = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;
    return {
      ev: policies?.policies.includes(EV_POLICY_OID) ?? false,
      signing: !usage || (usage.usages & signingFlags) !== 0,
      pathLength: parsed.getExtension(x509.BasicConstraintsExtension)?.pathLength,
    };
  });
}

/** True when the certificate's policies include the EV policy OID. */
export function hasEvPolicy(cert: X509Certificate): boolean {
  return factsOf(cert).ev;
}

/** True unless a key usage extension is present without digitalSignature (or nonRepudiation). */
export function allowsDigitalSignature(cert: X509Certificate): boolean {
  return factsOf(cert).signing;
}

const issuedBy = (child: X509Certificate, issuer: X509Certificate) =>
  child.checkIssued(issuer) && child.verify(issuer.publicKey);

/**
 * Builds the path from a signer certificate to a trust anchor and checks it as Windows would for a
 * provisioning signature: signatures and names along the path, validity at `now`, CA flags, the signer's
 * key usage, and EV when required. Returns the path (leaf first) or the first problem found.
 */
export function buildChain(
  leaf: X509Certificate,
  options: ChainOptions,
): { chain: X509Certificate[] } | ChainProblem {
  const now = options.now ?? new Date();
  const isAnchor = (c: X509Certificate) =>
    options.trustAnchors.some((a) => a.fingerprint256 === c.fingerprint256);
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
        message: `${oneLineName(current.subject)} (issued by ${oneLineName(current.issuer)}) does not chain to a trusted root.`,
      };
    }
    path.push(next);
    current = next;
  }
  for (const cert of path) {
    const name = oneLineName(cert.subject);
    if (now < new Date(cert.validFrom))
      return { code: 'MBPROV_CERT_NOT_YET_VALID', message: `${name} is not valid before ${cert.validFrom}.` };
    if (now > new Date(cert.validTo))
      return { code: 'MBPROV_CERT_EXPIRED', message: `${name} expired on ${cert.validTo}.` };
  }
  for (const issuer of path.slice(1)) {
    if (!issuer.ca)
      return {
        code: 'MBPROV_CERT_ISSUER_NOT_CA',
        message: `${oneLineName(issuer.subject)} issued a certificate but is not a CA.`,
      };
  }
  // path[i] has i - 1 CA certificates below it (path[1..i-1]); its pathLenConstraint caps that number.
  for (let i = 2; i < path.length; i++) {
    const cert = path[i] as X509Certificate;
    const limit = factsOf(cert).pathLength;
    if (limit !== undefined && i - 1 > limit)
      return {
        code: 'MBPROV_CERT_CHAIN_UNTRUSTED',
        message: `${oneLineName(cert.subject)} allows ${limit} CA certificate(s) below it (path length constraint); the path has ${i - 1}.`,
      };
  }
  if (leaf.ca)
    return {
      code: 'MBPROV_CERT_SIGNER_IS_CA',
      message: `${oneLineName(leaf.subject)} is a CA certificate, not an end-entity signer.`,
    };
  if (!allowsDigitalSignature(leaf)) {
    return {
      code: 'MBPROV_CERT_KEY_USAGE',
      message: `${oneLineName(leaf.subject)} has a key usage without digitalSignature.`,
    };
  }
  if (options.requireEv && !hasEvPolicy(leaf)) {
    return {
      code: 'MBPROV_CERT_NOT_EV',
      message: `${oneLineName(leaf.subject)} has no EV policy (${EV_POLICY_OID}).`,
    };
  }
  return { chain: path };
}
