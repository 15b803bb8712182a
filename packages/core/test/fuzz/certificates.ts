// The fuzzer's certificates: one TEST root and signers issued by it, each right or wrong in one named way, committed
// as a fixture (packages/core/test/fixtures/fuzz/certificates.json) so a signed input is the same bytes in every run
// and a signed regression fixture verifies years later (validity 2025-2125). Regenerate with
//   node --import tsx packages/core/test/fuzz/certificates.ts --write
// (every signed regression fixture then needs re-signing: their certificates would no longer chain).
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as x509 from '@peculiar/x509';
import { EV_POLICY_OID } from '../../src/index.ts';

x509.cryptoProvider.set(globalThis.crypto);

/** A certificate with its key, PEM. */
export interface FuzzCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

/** A signer: its key and certificate, the intermediates to send after it, and what verification must say. */
export interface FuzzSigner extends FuzzCertificate {
  /** Intermediate certificates (PEM) placed after the signer in X509Data. */
  chain: string[];
  /** What the signer is, for notes and reports. */
  description: string;
}

/** The committed set: the trusted root and the signers, by name. */
export interface FuzzCertificates {
  root: FuzzCertificate;
  signers: Record<string, FuzzSigner>;
}

/** Path of the committed fixture. */
export const certificatesFile = fileURLToPath(new URL('../fixtures/fuzz/certificates.json', import.meta.url));

let loaded: FuzzCertificates | undefined;

/** The committed certificate set (read once per process). */
export function fuzzCertificates(): FuzzCertificates {
  loaded ??= JSON.parse(readFileSync(certificatesFile, 'utf8')) as FuzzCertificates;
  return loaded;
}

/** Names of the signers whose signature is good and whose chain every verifier should accept. */
export const GOOD_SIGNERS = ['rsa', 'ecdsa', 'intermediate', 'no-ev'] as const;

/**
 * Signers mbprov must never accept, whatever xmlsec1 says (OpenSSL accepts some of them: it does not check key
 * usage for XML-DSig, allows RSA-1024 and CA signers), and why.
 */
export const MUST_REFUSE_SIGNERS: Record<string, string> = {
  'critical-extension': 'an unknown critical extension must make the certificate unusable (RFC 5280, 4.2)',
  'rsa-1024': 'RSA keys under 2048 bits are not accepted for signing (CA/Browser Forum, NIST SP 800-131A)',
  'non-repudiation-only': 'keyUsage without digitalSignature does not allow signing documents',
  'key-encipherment-only': 'keyUsage without digitalSignature does not allow signing documents',
  expired: 'the certificate has expired',
  'not-yet-valid': 'the certificate is not valid yet',
  'ca-as-signer': 'a CA certificate is not a document signer',
  'issuer-not-ca': 'the issuer is not a CA',
  'self-signed': 'a self-signed signer does not chain to the trust anchor',
  'other-root': 'the issuer only shares the trust anchor name',
};

const NOT_BEFORE = new Date('2025-01-01T00:00:00Z');
const NOT_AFTER = new Date('2125-01-01T00:00:00Z');
const RSA = (bits: number): RsaHashedKeyGenParams => ({
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: bits,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
});
const EC: EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };

interface Make {
  subject: string;
  issuer?: { cert: x509.X509Certificate; key: CryptoKey };
  keyAlgorithm?: RsaHashedKeyGenParams | EcKeyGenParams;
  ca?: boolean;
  keyUsage?: x509.KeyUsageFlags | 0;
  policies?: string[];
  extendedKeyUsage?: string[];
  extra?: x509.Extension[];
  notBefore?: Date;
  notAfter?: Date;
}

interface Made {
  cert: x509.X509Certificate;
  key: CryptoKey;
  pem: FuzzCertificate;
}

let serial = 0x1000;

async function make(m: Make): Promise<Made> {
  const subtle = globalThis.crypto.subtle;
  const algorithm = m.keyAlgorithm ?? RSA(2048);
  const keys = (await subtle.generateKey(algorithm, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = m.ca ?? false;
  const usage =
    m.keyUsage ??
    (ca ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign : x509.KeyUsageFlags.digitalSignature);
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(ca, undefined, true)];
  if (usage) extensions.push(new x509.KeyUsagesExtension(usage, true));
  if (m.policies?.length) extensions.push(new x509.CertificatePolicyExtension(m.policies, false));
  if (m.extendedKeyUsage?.length)
    extensions.push(new x509.ExtendedKeyUsageExtension(m.extendedKeyUsage, false));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(keys.publicKey));
  extensions.push(
    await x509.AuthorityKeyIdentifierExtension.create(m.issuer?.cert.publicKey ?? keys.publicKey),
  );
  extensions.push(...(m.extra ?? []));
  const signingKey = m.issuer?.key ?? keys.privateKey;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(8, '0'),
    subject: m.subject,
    issuer: m.issuer ? m.issuer.cert.subject : m.subject,
    notBefore: m.notBefore ?? NOT_BEFORE,
    notAfter: m.notAfter ?? NOT_AFTER,
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm:
      signingKey.algorithm.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : signingKey.algorithm,
    extensions,
  });
  const pkcs8 = await subtle.exportKey('pkcs8', keys.privateKey);
  return {
    cert,
    key: keys.privateKey,
    pem: {
      certificatePem: `${cert.toString('pem')}\n`,
      privateKeyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
    },
  };
}

/** Makes a fresh set (new keys); see the header for when to do that. */
export async function generateFuzzCertificates(): Promise<FuzzCertificates> {
  const OU = 'OU=TEST ONLY - NOT TRUSTED';
  const root = await make({ subject: `CN=mbprov fuzz Test Root, O=mbprov test, ${OU}`, ca: true });
  const issuer = { cert: root.cert, key: root.key };
  const leaf = (name: string, extra: Partial<Make> = {}) =>
    make({
      subject: `CN=mbprov fuzz ${name}, O=mbprov test, OU=TEST ONLY`,
      issuer,
      policies: [EV_POLICY_OID],
      ...extra,
    });
  const signers: Record<string, FuzzSigner> = {};
  const add = (name: string, made: Made, description: string, chain: string[] = []) => {
    signers[name] = { ...made.pem, chain, description };
  };
  add('rsa', await leaf('RSA'), 'EV signer, RSA-2048, digitalSignature');
  add('ecdsa', await leaf('ECDSA', { keyAlgorithm: EC }), 'EV signer, ECDSA P-256');
  const intermediate = await make({
    subject: `CN=mbprov fuzz Intermediate CA, O=mbprov test, ${OU}`,
    issuer,
    ca: true,
  });
  add(
    'intermediate',
    await make({
      subject: 'CN=mbprov fuzz Leaf, O=mbprov test, OU=TEST ONLY',
      issuer: { cert: intermediate.cert, key: intermediate.key },
      policies: [EV_POLICY_OID],
    }),
    'EV signer under an intermediate CA (sent in X509Data)',
    [intermediate.pem.certificatePem],
  );
  add(
    'no-ev',
    await leaf('No EV', { policies: [] }),
    'signer without the EV policy (fine without requireEv)',
  );
  add(
    'critical-extension',
    await leaf('Critical Extension', {
      extra: [new x509.Extension('1.3.6.1.4.1.55555.1', true, new Uint8Array([0x05, 0x00]))],
    }),
    'signer with an unknown critical extension (RFC 5280: must be rejected)',
  );
  add('rsa-1024', await leaf('RSA 1024', { keyAlgorithm: RSA(1024) }), 'signer with an RSA-1024 key');
  add(
    'non-repudiation-only',
    await leaf('Non Repudiation', { keyUsage: x509.KeyUsageFlags.nonRepudiation }),
    'signer whose key usage is nonRepudiation only',
  );
  add(
    'key-encipherment-only',
    await leaf('Key Encipherment', { keyUsage: x509.KeyUsageFlags.keyEncipherment }),
    'signer whose key usage is keyEncipherment only',
  );
  add('no-key-usage', await leaf('No Key Usage', { keyUsage: 0 }), 'signer without a keyUsage extension');
  add(
    'server-auth-only',
    await leaf('Server Auth', { extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'] }),
    'signer whose extended key usage is serverAuth only',
  );
  add(
    'expired',
    await leaf('Expired', {
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    }),
    'signer valid 2020-2021',
  );
  add(
    'not-yet-valid',
    await leaf('Not Yet Valid', { notBefore: new Date('2100-01-01T00:00:00Z') }),
    'signer valid from 2100',
  );
  add('ca-as-signer', await leaf('CA Signer', { ca: true }), 'signer that is a CA');
  const notCa = await make({
    subject: `CN=mbprov fuzz Not A CA, O=mbprov test, ${OU}`,
    issuer,
  });
  add(
    'issuer-not-ca',
    await make({
      subject: 'CN=mbprov fuzz Under Not A CA, O=mbprov test, OU=TEST ONLY',
      issuer: { cert: notCa.cert, key: notCa.key },
      policies: [EV_POLICY_OID],
    }),
    'signer issued by a certificate that is not a CA',
    [notCa.pem.certificatePem],
  );
  add(
    'self-signed',
    await make({
      subject: 'CN=mbprov fuzz Self Signed, O=mbprov test, OU=TEST ONLY',
      policies: [EV_POLICY_OID],
    }),
    'self-signed signer (untrusted)',
  );
  const otherRoot = await make({ subject: `CN=mbprov fuzz Test Root, O=mbprov test, ${OU}`, ca: true });
  add(
    'other-root',
    await make({
      subject: 'CN=mbprov fuzz Other Root Signer, O=mbprov test, OU=TEST ONLY',
      issuer: { cert: otherRoot.cert, key: otherRoot.key },
      policies: [EV_POLICY_OID],
    }),
    'signer under another root with the same name as the trusted one',
  );
  return { root: root.pem, signers };
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(certificatesFile, `${JSON.stringify(await generateFuzzCertificates(), null, 2)}\n`);
  console.log(`wrote ${certificatesFile}`);
}
