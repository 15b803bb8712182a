/**
 * Reading and describing certificates: PEM bundles or DER, thumbprints as Windows shows them, the EV policy,
 * and a one-object summary. Names are written in the Windows style (see distinguished-name.ts).
 */
import { createHash, X509Certificate } from 'node:crypto';
import { MbprovError } from '../errors/mbprov-error.ts';
import { certificateFields } from './certificate-fields.ts';
import { formatWindowsDn } from './distinguished-name.ts';
import { EV_POLICY_OID, hasEvPolicy } from './facts.ts';
import { KEY_USAGES, type KeyUsage } from './generate.ts';

/** A readable summary of one certificate. */
export interface CertificateDescription {
  /** Subject, Windows style: `CN=Contoso, O=Contoso, C=US` (most specific first). */
  subject: string;
  /** Issuer, same style. */
  issuer: string;
  /** Start of validity, ISO 8601 UTC. */
  notBefore: string;
  /** End of validity, ISO 8601 UTC. */
  notAfter: string;
  /** Serial number, uppercase hex. */
  serialNumber: string;
  /** SHA-1 of the DER certificate, uppercase hex without separators (as Windows shows it). */
  thumbprint: string;
  /** SHA-256 of the DER certificate, uppercase hex without separators. */
  sha256: string;
  /** True when certificatePolicies holds the EV policy 2.23.140.1.1. */
  ev: boolean;
  /** basicConstraints cA. */
  isCa: boolean;
  /** True when subject and issuer are the same name and the certificate verifies with its own key. */
  selfSigned: boolean;
  /** Key usage names; empty when the certificate has no keyUsage extension (no restriction). */
  keyUsage: KeyUsage[];
  /** Extended key usage OIDs; empty when there is no extendedKeyUsage extension. */
  extendedKeyUsage: string[];
  /** certificatePolicies policy OIDs. */
  policies: string[];
  /** Key algorithm and size: `RSA 2048`, `ECDSA P-256`, `Ed25519`. */
  keyAlgorithm: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/**
 * Reads every certificate in a PEM bundle (one or more `BEGIN CERTIFICATE` blocks, other blocks ignored) or one
 * DER certificate. Throws MbprovError MBPROV_CERT_INVALID naming the block and line on anything else.
 */
export function loadCertificates(pemOrDer: string | Uint8Array): X509Certificate[] {
  let text: string;
  if (typeof pemOrDer === 'string') {
    text = pemOrDer;
  } else {
    const bytes = Buffer.from(pemOrDer);
    text = bytes.toString('latin1');
    // DER starts with a SEQUENCE tag (0x30); PEM is text with BEGIN lines (OpenSSL may put "Bag Attributes" first).
    if (bytes[0] === 0x30 && !text.includes('-----BEGIN')) return [derCertificate(bytes)];
  }
  if (!text.includes('-----BEGIN')) {
    if (text.trim() === '') {
      throw new MbprovError('MBPROV_CERT_INVALID', 'the input is empty; expected a PEM or DER certificate');
    }
    throw new MbprovError(
      'MBPROV_CERT_INVALID',
      'the input is neither PEM (-----BEGIN CERTIFICATE-----) nor a DER certificate',
    );
  }
  const certs: X509Certificate[] = [];
  const others: string[] = [];
  let block = 0;
  for (const match of text.matchAll(PEM_BLOCK)) {
    block++;
    const label = match[1] as string;
    const line = text.slice(0, match.index).split('\n').length;
    if (!CERT_LABELS.has(label)) {
      others.push(label);
      continue;
    }
    const body = (match[2] as string).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body) || body.length % 4 !== 0) {
      throw new MbprovError('MBPROV_CERT_INVALID', `PEM block ${block} (line ${line}) is not valid base64`);
    }
    try {
      certs.push(new X509Certificate(Buffer.from(body, 'base64')));
    } catch (error) {
      throw new MbprovError(
        'MBPROV_CERT_INVALID',
        `PEM block ${block} (line ${line}) is not a valid X.509 certificate: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  const begins = [...text.matchAll(/-----BEGIN ((?:X509 |TRUSTED )?CERTIFICATE)-----/g)];
  if (begins.length !== certs.length) {
    const ends = new Set([...text.matchAll(PEM_BLOCK)].map((m) => m.index));
    const open = begins.find((b) => !ends.has(b.index)) ?? begins[begins.length - 1];
    const line = text.slice(0, open?.index).split('\n').length;
    throw new MbprovError(
      'MBPROV_CERT_INVALID',
      `the BEGIN ${open?.[1]} line at line ${line} has no matching END line`,
    );
  }
  if (certs.length === 0) {
    const found = others.length ? `found only ${others.join(', ')}` : 'a BEGIN line has no matching END line';
    throw new MbprovError('MBPROV_CERT_INVALID', `no CERTIFICATE block in the input (${found})`);
  }
  return certs;
}

function derCertificate(bytes: Buffer): X509Certificate {
  try {
    return new X509Certificate(bytes);
  } catch (error) {
    throw new MbprovError(
      'MBPROV_CERT_INVALID',
      `the input is not a DER X.509 certificate: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** SHA-1 of the DER certificate, uppercase hex without separators: the thumbprint Windows shows and certutil prints. */
export function thumbprint(cert: X509Certificate): string {
  return createHash('sha1').update(cert.raw).digest('hex').toUpperCase();
}

/** SHA-256 of the DER certificate, uppercase hex without separators. */
export function sha256Fingerprint(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex').toUpperCase();
}

/** True when the certificate's certificatePolicies include the CA/Browser Forum EV policy 2.23.140.1.1. */
export function isEv(cert: X509Certificate): boolean {
  return hasEvPolicy(cert);
}

/**
 * Summarizes a certificate: names, validity, serial, thumbprints, EV, CA, key usage and key algorithm.
 * Throws MbprovError MBPROV_CERT_INVALID when an extension cannot be decoded.
 */
export function describeCertificate(cert: X509Certificate): CertificateDescription {
  try {
    return describe(cert);
  } catch (error) {
    if (error instanceof MbprovError) throw error;
    throw new MbprovError(
      'MBPROV_CERT_INVALID',
      `the certificate ${cert.subject.split('\n').reverse().join(', ')} has an extension that cannot be decoded: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function describe(cert: X509Certificate): CertificateDescription {
  // The fields facts.ts reads (certificate-fields.ts): an extension that does not decode throws here the same way.
  const fields = certificateFields(cert.raw);
  const usage = fields.keyUsage;
  const policies = fields.policies ?? [];
  const subject = formatWindowsDn(fields.subject);
  const issuer = formatWindowsDn(fields.issuer);
  return {
    subject,
    issuer,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    serialNumber: cert.serialNumber.toUpperCase(),
    thumbprint: thumbprint(cert),
    sha256: sha256Fingerprint(cert),
    ev: policies.includes(EV_POLICY_OID),
    isCa: cert.ca,
    selfSigned: subject === issuer && safeVerify(cert),
    keyUsage:
      usage === undefined ? [] : KEY_USAGES.filter(([, flag]) => (usage & flag) !== 0).map(([name]) => name),
    extendedKeyUsage: fields.extendedKeyUsage ?? [],
    policies,
    keyAlgorithm: keyAlgorithm(cert),
  };
}

function safeVerify(cert: X509Certificate): boolean {
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** `RSA 2048`, `ECDSA P-256`, `Ed25519`, ... */
function keyAlgorithm(cert: X509Certificate): string {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return `RSA ${details.modulusLength}`;
    case 'rsa-pss':
      return `RSA-PSS ${details.modulusLength}`;
    case 'ec':
      return `ECDSA ${CURVES[details.namedCurve ?? ''] ?? details.namedCurve}`;
    case 'ed25519':
      return 'Ed25519';
    case 'ed448':
      return 'Ed448';
    default:
      return String(key.asymmetricKeyType);
  }
}
