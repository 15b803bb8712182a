/**
 * Signers wrong in exactly one way, for tests of verification (here and in the packages that verify documents).
 * Exported from `@mbprov/core/testing`, not from the library's entry: nothing in production makes broken signers.
 */
import type { X509Certificate } from 'node:crypto';
import { EV_POLICY_OID, subjectName } from './facts.ts';
import {
  type CertificateKeyType,
  type CreateCertificateOptions,
  createCertificate,
  type TestEvChain,
} from './generate.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The ways {@link createBrokenSigner} can break a signing certificate. */
export type BrokenSignerKind =
  | 'expired'
  | 'not-yet-valid'
  | 'ca-as-signer'
  | 'wrong-key-usage'
  | 'no-ev-policy'
  | 'self-signed'
  | 'other-root'
  | 'weak-key'
  | 'unknown-critical-extension'
  | 'non-repudiation-only'
  | 'time-stamping-only';

/**
 * An extension OID no verifier processes: under the private enterprise number 32473 that IANA reserves for
 * documentation (RFC 5612), so no product gives it a meaning. Marked critical, it must make every verifier refuse
 * the certificate (RFC 5280 §4.2).
 */
export const UNKNOWN_EXTENSION_OID = '1.3.6.1.4.1.32473.1.1';

/** id-kp-timeStamping: a key dedicated to a time-stamping authority. */
const TIME_STAMPING = '1.3.6.1.5.5.7.3.8';

/** Every {@link BrokenSignerKind}. */
export const BROKEN_SIGNER_KINDS: readonly BrokenSignerKind[] = [
  'expired',
  'not-yet-valid',
  'ca-as-signer',
  'wrong-key-usage',
  'no-ev-policy',
  'self-signed',
  'other-root',
  'weak-key',
  'unknown-critical-extension',
  'non-repudiation-only',
  'time-stamping-only',
];

/**
 * Makes a signer that is like `chain.signer` but wrong in exactly one way, for tests of verification:
 * - `expired`: issued by chain.root, valid until one day before `now`;
 * - `not-yet-valid`: issued by chain.root, valid from 30 days after `now`;
 * - `ca-as-signer`: issued by chain.root with basicConstraints cA=true (and keyCertSign, cRLSign, digitalSignature);
 * - `wrong-key-usage`: issued by chain.root with keyUsage keyEncipherment only;
 * - `no-ev-policy`: issued by chain.root without certificatePolicies;
 * - `self-signed`: an EV leaf that issued itself (root is the signer);
 * - `other-root`: issued by a new root with the SAME subject name as chain.root but another key, so names alone
 *   cannot tell them apart (the signature and the authority key identifier do);
 * - `weak-key`: issued by chain.root with an RSA-1024 key (whatever the chain's key type);
 * - `unknown-critical-extension`: issued by chain.root with a critical extension {@link UNKNOWN_EXTENSION_OID};
 * - `non-repudiation-only`: issued by chain.root with keyUsage nonRepudiation only (no digitalSignature);
 * - `time-stamping-only`: issued by chain.root with extendedKeyUsage timeStamping only.
 * Returns the signer and the certificate that issued it.
 */
export async function createBrokenSigner(
  kind: BrokenSignerKind,
  chain: TestEvChain,
  options: { now?: Date; keyType?: CertificateKeyType } = {},
): Promise<TestEvChain> {
  const now = options.now ?? new Date();
  const subject = subjectName(chain.signer.certificate);
  const keyType = options.keyType ?? keyTypeOf(chain.signer.certificate);
  const base: CreateCertificateOptions = {
    subject,
    issuer: chain.root,
    keyType,
    now,
    policies: [EV_POLICY_OID],
  };
  const issued = async (extra: Partial<CreateCertificateOptions>): Promise<TestEvChain> => ({
    root: chain.root,
    signer: await createCertificate({ ...base, ...extra }),
  });
  switch (kind) {
    case 'expired':
      return issued({
        notBefore: new Date(now.getTime() - 400 * DAY_MS),
        notAfter: new Date(now.getTime() - DAY_MS),
      });
    case 'not-yet-valid':
      return issued({ notBefore: new Date(now.getTime() + 30 * DAY_MS), days: 365 + 30 });
    case 'ca-as-signer':
      return issued({ ca: true, keyUsage: ['digitalSignature', 'keyCertSign', 'cRLSign'] });
    case 'wrong-key-usage':
      return issued({ keyUsage: ['keyEncipherment'] });
    case 'no-ev-policy':
      return issued({ policies: [] });
    case 'self-signed': {
      const { issuer: _issuer, ...selfSigned } = base;
      const signer = await createCertificate(selfSigned);
      return { root: signer, signer };
    }
    case 'other-root': {
      const root = await createCertificate({
        subject: subjectName(chain.root.certificate),
        keyType,
        now,
        ca: true,
      });
      return { root, signer: await createCertificate({ ...base, issuer: root }) };
    }
    case 'weak-key':
      return issued({ keyType: 'rsa', rsaBits: 1024 });
    case 'unknown-critical-extension':
      return issued({ extensions: [{ oid: UNKNOWN_EXTENSION_OID, critical: true }] });
    case 'non-repudiation-only':
      return issued({ keyUsage: ['nonRepudiation'] });
    case 'time-stamping-only':
      return issued({ extendedKeyUsage: [TIME_STAMPING] });
  }
}

/** The key type of a certificate generated here (RSA or ECDSA). */
function keyTypeOf(cert: X509Certificate): CertificateKeyType {
  return cert.publicKey.asymmetricKeyType === 'ec' ? 'ecdsa' : 'rsa';
}
