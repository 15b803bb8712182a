/**
 * Test certificates: a test root CA and an EV signer issued by it (the cross-platform equivalent of the
 * ProvisioningTestHelper cmdlet Install-TestEVCert), and lower-level certificate creation so tests can make
 * certificates that are broken in one named way. Everything here is for testing; nothing is trusted anywhere.
 */
import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import type * as X509 from '@peculiar/x509';
import { MbprovError } from '../errors/mbprov-error.ts';
import { nameFromRdns, parseWindowsDn } from './distinguished-name.ts';
import { EV_POLICY_OID } from './facts.ts';
import { peculiarX509 } from './libraries.ts';

/** Key algorithm of generated certificates: RSA (2048 bits unless `rsaBits`) or ECDSA (P-256 unless `curve`), signed with SHA-256. */
export type CertificateKeyType = 'rsa' | 'ecdsa';

/** Elliptic curves generated certificates may use (P-521 only to test that verification refuses it). */
export type CertificateCurve = 'P-256' | 'P-384' | 'P-521';

/** An extension added as it is given, for certificates broken in a way the typed options cannot express. */
export interface RawExtension {
  /** Extension OID, e.g. `1.3.6.1.4.1.99999.1` for one no verifier knows. */
  oid: string;
  critical: boolean;
  /** DER of the extension value (the content of extnValue); default an ASN.1 NULL. */
  value?: Uint8Array;
}

/** X.509 key usage bits, by their RFC 5280 names. */
export type KeyUsage =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

/** Key usage names in bit order, with their @peculiar/x509 flags (KeyUsageFlags, as numbers: the library loads lazily). */
export const KEY_USAGES: ReadonlyArray<readonly [KeyUsage, X509.KeyUsageFlags]> = [
  ['digitalSignature', 1],
  ['nonRepudiation', 2],
  ['keyEncipherment', 4],
  ['dataEncipherment', 8],
  ['keyAgreement', 16],
  ['keyCertSign', 32],
  ['cRLSign', 64],
  ['encipherOnly', 128],
  ['decipherOnly', 256],
];

/** A certificate with its private key. */
export interface TestCertificate {
  /** The certificate, PEM. */
  certificatePem: string;
  /** The private key, unencrypted PKCS#8 PEM. */
  privateKeyPem: string;
  /** The certificate, parsed by node:crypto. */
  certificate: X509Certificate;
  /** The private key as a node:crypto KeyObject (for crypto.sign). */
  privateKey: KeyObject;
}

/** A test root CA and the EV signing certificate it issued. */
export interface TestEvChain {
  root: TestCertificate;
  signer: TestCertificate;
}

/** A certificate and key able to issue certificates (a test root, or any CA whose key you hold). */
export interface CertificateIssuer {
  certificatePem: string;
  privateKeyPem: string;
}

/** Options of {@link createCertificate}. */
export interface CreateCertificateOptions {
  /** Subject, Windows style, most specific first: `CN=Contoso, O=Contoso, C=US`. */
  subject: string;
  /** The issuing CA; omitted, the certificate is self-signed. */
  issuer?: CertificateIssuer;
  /** Key of the new certificate (default 'rsa': RSA-2048). The signature algorithm follows the issuer's key. */
  keyType?: CertificateKeyType;
  /** RSA modulus length in bits for keyType 'rsa' (default 2048). */
  rsaBits?: number;
  /** Curve for keyType 'ecdsa' (default P-256). */
  curve?: CertificateCurve;
  /** Reference time (default: the current time). */
  now?: Date;
  /** Start of validity (default: 10 minutes before `now`, to tolerate clock skew on test PCs). */
  notBefore?: Date;
  /** End of validity (default: `now` plus `days`). */
  notAfter?: Date;
  /** Validity in days from `now` when `notAfter` is not given (default 365). */
  days?: number;
  /** basicConstraints cA (always written, critical); default false. */
  ca?: boolean;
  /** basicConstraints pathLenConstraint, for a CA. */
  pathLength?: number;
  /**
   * Key usages (critical). Default: keyCertSign + cRLSign for a CA, digitalSignature otherwise.
   * An empty list leaves the extension out.
   */
  keyUsage?: KeyUsage[];
  /** certificatePolicies policy OIDs (non-critical); default none, so no extension. */
  policies?: string[];
  /** extendedKeyUsage OIDs (non-critical); default none, so no extension. */
  extendedKeyUsage?: string[];
  /** Serial number, hex; default 16 random bytes (positive). */
  serialNumber?: string;
  /** subjectAltName DNS names (non-critical), e.g. a TLS server certificate for `localhost`. */
  dnsNames?: string[];
  /** subjectAltName IP addresses. */
  ipAddresses?: string[];
  /** Extensions added after the others, as given (an unknown critical extension, a repeated one, ...). */
  extensions?: RawExtension[];
}

/** Options of {@link createTestEvChain}. */
export interface TestEvChainOptions {
  /** Common name of the signer; the root is `<name> Test Root`. Default `MBAPTestCert` (the cmdlet's default). */
  name?: string;
  /** Validity in days of both certificates (default 365). */
  days?: number;
  /** Key algorithm of both certificates (default 'rsa'). */
  keyType?: CertificateKeyType;
  /** Reference time (default: the current time). */
  now?: Date;
}

const SKEW_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

const RSA_ALGORITHM: RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};
const ECDSA_ALGORITHM: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

const ASN1_NULL = new Uint8Array([0x05, 0x00]);

const NODE_CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

/** Creates one certificate (self-signed, or issued by `options.issuer`) with a fresh key pair. */
export async function createCertificate(options: CreateCertificateOptions): Promise<TestCertificate> {
  const x509 = peculiarX509();
  const subtle = globalThis.crypto.subtle;
  const algorithm =
    options.keyType === 'ecdsa'
      ? { ...ECDSA_ALGORITHM, namedCurve: options.curve ?? ECDSA_ALGORITHM.namedCurve }
      : { ...RSA_ALGORITHM, modulusLength: options.rsaBits ?? RSA_ALGORITHM.modulusLength };
  const keys = (await subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = options.now ?? new Date();
  const notBefore = options.notBefore ?? new Date(now.getTime() - SKEW_MS);
  const notAfter = options.notAfter ?? new Date(now.getTime() + (options.days ?? 365) * DAY_MS);
  const subject = nameFromRdns(parseWindowsDn(options.subject));

  let issuerName = subject;
  let signingKey = keys.privateKey;
  let authorityKey: X509.Extension;
  if (options.issuer) {
    const issuerCert = new x509.X509Certificate(options.issuer.certificatePem);
    issuerName = new x509.Name(issuerCert.subjectName.toArrayBuffer());
    signingKey = await importSigningKey(options.issuer.privateKeyPem, options.issuer.certificatePem);
    const ski = issuerCert.getExtension(x509.SubjectKeyIdentifierExtension);
    authorityKey = ski
      ? new x509.AuthorityKeyIdentifierExtension(ski.keyId)
      : await x509.AuthorityKeyIdentifierExtension.create(issuerCert.publicKey);
  } else {
    authorityKey = await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey);
  }

  const ca = options.ca ?? false;
  const usages = options.keyUsage ?? (ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']);
  const extensions: X509.Extension[] = [new x509.BasicConstraintsExtension(ca, options.pathLength, true)];
  if (usages.length > 0) extensions.push(new x509.KeyUsagesExtension(keyUsageFlags(usages), true));
  if (options.extendedKeyUsage?.length)
    extensions.push(new x509.ExtendedKeyUsageExtension(options.extendedKeyUsage, false));
  if (options.policies?.length) extensions.push(new x509.CertificatePolicyExtension(options.policies, false));
  const altNames = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(options.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  if (altNames.length) extensions.push(new x509.SubjectAlternativeNameExtension(altNames, false));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  extensions.push(authorityKey);
  for (const raw of options.extensions ?? [])
    extensions.push(new x509.Extension(raw.oid, raw.critical, Uint8Array.from(raw.value ?? ASN1_NULL)));

  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: options.serialNumber ?? randomSerial(),
    subject,
    issuer: issuerName,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey,
    extensions,
  });
  const pkcs8 = new Uint8Array(await subtle.exportKey('pkcs8', keys.privateKey));
  const privateKeyPem = x509.PemConverter.encode(pkcs8.buffer, 'PRIVATE KEY');
  const certificatePem = cert.toString('pem');
  return {
    certificatePem: ensureNewline(certificatePem),
    privateKeyPem: ensureNewline(privateKeyPem),
    certificate: new X509Certificate(certificatePem),
    privateKey: createPrivateKey(privateKeyPem),
  };
}

/**
 * Creates a test root CA (`CN=<name> Test Root, O=mbprov test, OU=TEST ONLY - NOT TRUSTED`) and an EV signer
 * (`CN=<name>, O=mbprov test, OU=TEST ONLY`, certificatePolicies 2.23.140.1.1) issued by it: what
 * Install-TestEVCert makes, as files instead of Windows certificate store entries.
 */
export async function createTestEvChain(options: TestEvChainOptions = {}): Promise<TestEvChain> {
  const name = options.name ?? 'MBAPTestCert';
  const base = {
    keyType: options.keyType ?? 'rsa',
    days: options.days ?? 365,
    now: options.now ?? new Date(),
  };
  const root = await createCertificate({ ...base, subject: testRootSubject(name), ca: true });
  const signer = await createCertificate({
    ...base,
    subject: testSignerSubject(name),
    issuer: root,
    policies: [EV_POLICY_OID],
  });
  return { root, signer };
}

/** Subject of the test root for a chain name, Windows style. */
export function testRootSubject(name: string): string {
  return `CN=${quoteIfNeeded(`${name} Test Root`)}, O=mbprov test, OU=TEST ONLY - NOT TRUSTED`;
}

/** Subject of the test EV signer for a chain name, Windows style. */
export function testSignerSubject(name: string): string {
  return `CN=${quoteIfNeeded(name)}, O=mbprov test, OU=TEST ONLY`;
}

/** Imports the issuer's PEM private key (PKCS#8, PKCS#1 or SEC1) as a WebCrypto signing key with SHA-256. */
async function importSigningKey(pem: string, certificatePem: string): Promise<CryptoKey> {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new MbprovError(
      'MBPROV_KEY_INVALID',
      `the issuer private key cannot be read: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const issuerSpki = new X509Certificate(certificatePem).publicKey.export({ type: 'spki', format: 'der' });
  if (!createPublicKey(key).export({ type: 'spki', format: 'der' }).equals(issuerSpki)) {
    throw new MbprovError(
      'MBPROV_SIG_KEY_MISMATCH',
      'the issuer private key does not belong to the issuer certificate',
    );
  }
  const der = key.export({ type: 'pkcs8', format: 'der' });
  if (key.asymmetricKeyType === 'rsa') {
    return globalThis.crypto.subtle.importKey(
      'pkcs8',
      der,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
  }
  const curve = NODE_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (key.asymmetricKeyType === 'ec' && curve) {
    return globalThis.crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: curve }, false, [
      'sign',
    ]);
  }
  throw new MbprovError(
    'MBPROV_KEY_INVALID',
    `the issuer private key is ${key.asymmetricKeyType}; only RSA and ECDSA P-256/P-384/P-521 keys can issue test certificates`,
  );
}

function keyUsageFlags(usages: readonly KeyUsage[]): number {
  let flags = 0;
  for (const [name, flag] of KEY_USAGES) if (usages.includes(name)) flags |= flag;
  return flags;
}

/** 16 random bytes, first byte in 0x01..0x7f so the INTEGER is positive and keeps its length. */
function randomSerial(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = ((bytes[0] as number) & 0x7f) | 0x01;
  return Buffer.from(bytes).toString('hex');
}

function quoteIfNeeded(value: string): string {
  return /^\s|\s$/.test(value) || /[,+="<>#;\r\n]/.test(value) || value === ''
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

function ensureNewline(text: string): string {
  const normalized = text.replace(/\r\n/g, '\n');
  return normalized.endsWith('\n') ? normalized : `${normalized}\n`;
}
