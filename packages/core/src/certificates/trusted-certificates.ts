/**
 * Provisioning/TrustedCertificates entries from certificates: the Subject and Issuer names Windows matches
 * later documents' signers against, in the Windows distinguished-name style (`CN=Contoso, O=Contoso, C=US`).
 */
import type { X509Certificate } from 'node:crypto';
import { writeElement } from '../document/write.ts';
import type { TrustedCertificate } from '../model/provisioning.ts';
import { provisioningSpec } from '../model/provisioning.ts';
import type { ElementSpec } from '../model/spec.ts';
import { NS } from '../xml/namespaces.ts';
import { issuerName, subjectName } from './facts.ts';

/** The TrustedCertificate entry of a certificate: its subject and issuer names, Windows style. */
export function trustedCertificateEntry(cert: X509Certificate): TrustedCertificate {
  return { SubjectName: subjectName(cert), IssuerName: issuerName(cert) };
}

const trustedCertificatesSpec = provisioningSpec.children?.find((c) => c.name === 'TrustedCertificates');
const trustedCertificateSpec = trustedCertificatesSpec?.children?.find(
  (c) => c.name === 'TrustedCertificate',
) as ElementSpec;

/**
 * Writes TrustedCertificate elements for certificates, one per certificate, ready to paste into
 * `<Provisioning><TrustedCertificates>`. With `standalone` (the default) each element declares the CarrierControl
 * namespace itself, so it is correct wherever it is pasted; without it the elements assume a parent in that namespace.
 */
export function trustedCertificateXml(
  certs: readonly X509Certificate[],
  options: { standalone?: boolean; indent?: string } = {},
): string {
  const parentNs = options.standalone === false ? NS.cc : null;
  return certs
    .map((cert) =>
      writeElement(trustedCertificateSpec, trustedCertificateEntry(cert), parentNs, {
        indent: options.indent ?? '  ',
      }),
    )
    .join('\n');
}
