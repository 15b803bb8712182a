/**
 * A certificate's names and the extensions the checks use, read with the X.509 ASN.1 schemas (@peculiar/asn1-x509)
 * rather than the whole @peculiar/x509 library: verification reads certificates on every `mbprov verify`, and the
 * schemas load in half the time. As strict as @peculiar/x509's X509Certificate, which the earlier code used: every
 * extension type that library decodes is decoded here too, so a value that does not decode throws the same way
 * (facts.ts then marks the certificate unreadable, and profile.ts refuses it). Tested against @peculiar/x509 on
 * generated, broken and fuzz certificates (certificate-fields.test.ts).
 */
import type { RdnSequence } from './distinguished-name.ts';
import { asn1X509 } from './libraries.ts';

/** What facts.ts reads from a certificate. */
export interface CertificateFields {
  subject: RdnSequence;
  issuer: RdnSequence;
  /** Every extension's OID as the ASN.1 reader decodes it, in certificate order. */
  extensionOids: string[];
  /** certificatePolicies policy identifiers; undefined without the extension. */
  policies?: string[];
  /** keyUsage bits (digitalSignature = 1, nonRepudiation = 2, ...); undefined without the extension. */
  keyUsage?: number;
  /** extendedKeyUsage purposes; undefined without the extension. */
  extendedKeyUsage?: string[];
  /** basicConstraints pathLenConstraint. */
  pathLength?: number;
}

/** The RDNs of an ASN.1 Name, in DER order; a value of no string type as `#` and its DER in hex (RFC 4514). */
export function rdnsOf(
  name: Iterable<Iterable<{ type: string; value: { anyValue?: ArrayBuffer; toString(): string } }>>,
): RdnSequence {
  return Array.from(name, (rdn) =>
    Array.from(rdn, (attribute) => ({
      oid: attribute.type,
      value: attribute.value.anyValue
        ? `#${Buffer.from(attribute.value.anyValue).toString('hex')}`
        : attribute.value.toString(),
    })),
  );
}

/** Reads a DER certificate's names and extensions; throws when the certificate or a known extension does not decode. */
export function certificateFields(der: Uint8Array): CertificateFields {
  const { schema, x509 } = asn1X509();
  const parse = <T>(bytes: ArrayBuffer | Uint8Array, type: new () => T): T =>
    schema.AsnConvert.parse(bytes, type);
  const tbs = parse(der, x509.Certificate).tbsCertificate;
  // The extension types @peculiar/x509 decodes when a certificate's extensions are read: decoding them all keeps the
  // same certificates unreadable.
  const decoders: Record<string, new () => unknown> = {
    [x509.id_ce_certificatePolicies]: x509.CertificatePolicies,
    [x509.id_ce_basicConstraints]: x509.BasicConstraints,
    [x509.id_ce_extKeyUsage]: x509.ExtendedKeyUsage,
    [x509.id_ce_keyUsage]: x509.KeyUsage,
    [x509.id_ce_subjectKeyIdentifier]: x509.SubjectKeyIdentifier,
    [x509.id_ce_authorityKeyIdentifier]: x509.AuthorityKeyIdentifier,
    [x509.id_ce_subjectAltName]: x509.SubjectAlternativeName,
    [x509.id_ce_cRLDistributionPoints]: x509.CRLDistributionPoints,
    [x509.id_pe_authorityInfoAccess]: x509.AuthorityInfoAccessSyntax,
    [x509.id_ce_issuerAltName]: x509.IssueAlternativeName,
  };
  const fields: CertificateFields = {
    subject: rdnsOf(tbs.subject),
    issuer: rdnsOf(tbs.issuer),
    extensionOids: [],
  };
  for (const extension of tbs.extensions ?? []) {
    fields.extensionOids.push(extension.extnID);
    const type = decoders[extension.extnID];
    if (!type) continue;
    const value = parse(extension.extnValue.buffer, type);
    if (value instanceof x509.CertificatePolicies)
      fields.policies = Array.from(value, (p) => p.policyIdentifier);
    else if (value instanceof x509.KeyUsage) fields.keyUsage = value.toNumber();
    else if (value instanceof x509.ExtendedKeyUsage) fields.extendedKeyUsage = Array.from(value, String);
    else if (value instanceof x509.BasicConstraints) fields.pathLength = value.pathLenConstraint;
  }
  return fields;
}
