import type { X509Certificate } from 'node:crypto';
import { BoundedMemo, fingerprintOf } from './cache.ts';
import { type CertificateFields, certificateFields } from './certificate-fields.ts';
import { type ExtensionEntry, extensionsOf } from './der.ts';
import { formatWindowsDn } from './distinguished-name.ts';

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
  /** No key usage extension, or one with digitalSignature (nonRepudiation alone does not sign documents). */
  signing: boolean;
  /** basicConstraints pathLenConstraint: how many CA certificates may follow this one down the path. */
  pathLength?: number;
  /** certificatePolicies policy identifiers (none without the extension). */
  policies: readonly string[];
  /** extendedKeyUsage purposes (OIDs); undefined when there is no extendedKeyUsage extension. */
  extendedKeyUsage?: string[];
  /**
   * Every extension, by OID and criticality, in certificate order (a repeated one appears twice), read from the
   * DER here (der.ts), not through @peculiar/x509, which loses OID arcs beyond 2^53.
   */
  extensions: readonly ExtensionEntry[];
  /** Why the extensions cannot be decoded, when one of them cannot (nothing else above is then known). */
  unreadable?: string;
}

// Parsing extensions in JavaScript costs about a millisecond; certificates are immutable, so facts are kept by fingerprint.
const memo = new BoundedMemo<CertificateFacts>();

/** The facts of a certificate, parsed once per certificate (by SHA-256 fingerprint). */
export function certificateFacts(cert: X509Certificate): CertificateFacts {
  return memo.get(fingerprintOf(cert), () => {
    try {
      return readFacts(certificateFields(cert.raw), extensionsOf(cert.raw));
    } catch (error) {
      // OpenSSL read the certificate (node made an X509Certificate of it) but an extension value does not decode,
      // e.g. a keyUsage that is not a BIT STRING (@peculiar/x509 decodes extensions when first asked). The
      // certificate is refused for it (profile.ts); nothing may throw here, where the signer certificate of any
      // received document is described.
      return {
        subject: nodeDn(cert.subject),
        issuer: nodeDn(cert.issuer),
        ev: false,
        signing: false,
        policies: [],
        extensions: [],
        unreadable: (error as Error).message,
      };
    }
  });
}

function readFacts(fields: CertificateFields, extensions: ExtensionEntry[]): CertificateFacts {
  // The typed extensions below are found by the OIDs the ASN.1 reader decodes: they must be the exact ones.
  const types = fields.extensionOids;
  const differs = types.findIndex((type, i) => type !== extensions[i]?.oid);
  if (types.length !== extensions.length || differs >= 0) {
    const oid = extensions[differs]?.oid ?? extensions[types.length]?.oid ?? '?';
    throw new Error(`the extension OID ${oid} is read as ${types[differs] ?? 'nothing'} by the decoder`);
  }
  const DIGITAL_SIGNATURE = 1;
  return {
    subject: formatWindowsDn(fields.subject),
    issuer: formatWindowsDn(fields.issuer),
    ev: fields.policies?.includes(EV_POLICY_OID) ?? false,
    signing: fields.keyUsage === undefined || (fields.keyUsage & DIGITAL_SIGNATURE) !== 0,
    pathLength: fields.pathLength,
    policies: fields.policies ?? [],
    ...(fields.extendedKeyUsage ? { extendedKeyUsage: fields.extendedKeyUsage } : {}),
    extensions,
  };
}

/** node's (OpenSSL's) one-attribute-per-line name, most specific last, written Windows style (most specific first). */
function nodeDn(name: string): string {
  return name.split('\n').reverse().join(', ');
}

/** True when the certificate's policies include the EV policy OID. */
export function hasEvPolicy(cert: X509Certificate): boolean {
  return certificateFacts(cert).ev;
}

/** True unless a key usage extension is present without digitalSignature (nonRepudiation alone is not enough). */
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
