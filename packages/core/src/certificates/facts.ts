// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import type { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { BoundedMemo, fingerprintOf } from './cache.ts';
import { windowsDnOfName } from './distinguished-name.ts';

/** The CA/Browser Forum Extended Validation certificate policy. */
export const EV_POLICY_OID = '2.23.140.1.1';

/** What the signature and chain checks need from a certificate's names and extensions. */
export interface CertificateFacts {
  /** Subject, Windows style: `CN=Contoso, O=Contoso, C=US`. */
  subject: string;
  /** Issuer, Windows style. */
  issuer: string;
  /** The certificate policies include the EV policy. */
  ev: boolean;
  /** No key usage extension, or one with digitalSignature or nonRepudiation. */
  signing: boolean;
  /** basicConstraints pathLenConstraint: how many CA certificates may follow this one down the path. */
  pathLength?: number;
}

// Parsing extensions in JavaScript costs about a millisecond; certificates are immutable, so facts are kept by fingerprint.
const memo = new BoundedMemo<CertificateFacts>();

/** The facts of a certificate, parsed once per certificate (by SHA-256 fingerprint). */
export function certificateFacts(cert: X509Certificate): CertificateFacts {
  return memo.get(fingerprintOf(cert), () => {
    const parsed = new x509.X509Certificate(cert.raw);
    const policies = parsed.getExtension(x509.CertificatePolicyExtension);
    const usage = parsed.getExtension(x509.KeyUsagesExtension);
    const signingFlags = x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation;
    return {
      subject: windowsDnOfName(parsed.subjectName.toArrayBuffer()),
      issuer: windowsDnOfName(parsed.issuerName.toArrayBuffer()),
      ev: policies?.policies.includes(EV_POLICY_OID) ?? false,
      signing: !usage || (usage.usages & signingFlags) !== 0,
      pathLength: parsed.getExtension(x509.BasicConstraintsExtension)?.pathLength,
    };
  });
}

/** True when the certificate's policies include the EV policy OID. */
export function hasEvPolicy(cert: X509Certificate): boolean {
  return certificateFacts(cert).ev;
}

/** True unless a key usage extension is present without digitalSignature (or nonRepudiation). */
export function allowsDigitalSignature(cert: X509Certificate): boolean {
  return certificateFacts(cert).signing;
}

/** Subject of a certificate, Windows style (`CN=Contoso, O=Contoso, C=US`). */
export function subjectName(cert: X509Certificate): string {
  return certificateFacts(cert).subject;
}

/** Issuer of a certificate, Windows style. */
export function issuerName(cert: X509Certificate): string {
  return certificateFacts(cert).issuer;
}
