import { createPrivateKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  certificateProblem,
  createTestEvChain,
  describeCertificate,
  evChainProblem,
  hasEvPolicy,
  loadCertificates,
  MbprovError,
  purposeProblem,
  signerProblem,
  signModel,
  type TrustedCertificate,
  trustedCertificateEntry,
} from '@mbprov/core';
import type { Config } from '../config/schema.ts';
import { makePrivateDir } from '../security/private-files.ts';

/** The key and certificates the portal signs provisioning documents with. */
export interface Signer {
  key: KeyObject;
  certificate: X509Certificate;
  chain: X509Certificate[];
  /** The generated TEST chain is in use: pages and logs say so. */
  test: boolean;
  /** The certificate that will sign after the next rotation, when configured. */
  next?: X509Certificate;
  /**
   * Provisioning/TrustedCertificates entries, so the PC trusts the carrier's later documents: the signer, then the
   * next signer when its names differ.
   */
  trusted: TrustedCertificate[];
  /** The test root (PEM) when test: what a test PC must trust. */
  testRootPem?: string;
}

/**
 * Loads the configured EV signer, or creates (once) and loads a TEST chain under `<dataDir>/signing/`, labelled
 * "TEST ONLY - NOT TRUSTED": Windows accepts its documents only on a PC that trusts the test root.
 */
export async function loadSigner(
  config: Config,
  env: Record<string, string | undefined> = process.env,
): Promise<Signer> {
  const { keyFile, certFile, passphraseEnv } = config.signing;
  if (keyFile && certFile) {
    const read = (file: string) => {
      try {
        return readFileSync(file);
      } catch (error) {
        throw new MbprovError('MBPROV_IO_ERROR', `cannot read ${file}: ${(error as Error).message}`);
      }
    };
    const [certificate, ...chain] = loadCertificates(read(certFile));
    if (!certificate) throw new MbprovError('MBPROV_CERT_INVALID', `${certFile} holds no certificate.`);
    const passphrase = passphraseEnv ? env[passphraseEnv] : undefined;
    let key: KeyObject;
    try {
      key = createPrivateKey(
        passphrase === undefined ? { key: read(keyFile) } : { key: read(keyFile), passphrase },
      );
    } catch (error) {
      throw new MbprovError(
        'MBPROV_SIG_KEY_MISMATCH',
        `cannot read the signing key ${keyFile}: ${(error as Error).message}`,
      );
    }
    const next = config.signing.nextCertFile
      ? loadCertificates(read(config.signing.nextCertFile))[0]
      : undefined;
    if (config.signing.nextCertFile && !next)
      throw new MbprovError('MBPROV_CERT_INVALID', `${config.signing.nextCertFile} holds no certificate.`);
    return {
      key,
      certificate,
      chain,
      test: false,
      ...(next ? { next } : {}),
      trusted: trustedEntries(certificate, next),
    };
  }
  const dir = join(config.dataDir, 'signing');
  const files = {
    key: join(dir, 'signer.key.pem'),
    cert: join(dir, 'signer.crt.pem'),
    root: join(dir, 'root.crt.pem'),
  };
  const present = existsSync(files.key) && existsSync(files.cert) && existsSync(files.root);
  // A generated test chain about to expire is replaced (testers install the new root from /test-root.crt).
  if (!present || expiresWithin(loadCertificates(readFileSync(files.cert))[0], new Date(), WARN_DAYS)) {
    makePrivateDir(dir);
    const chain = await createTestEvChain({ name: `${config.operator.homeProviderName} Portal`, days: 825 });
    writeFileSync(files.root, chain.root.certificatePem);
    writeFileSync(files.cert, chain.signer.certificatePem);
    writeFileSync(files.key, chain.signer.privateKeyPem, { mode: 0o600 });
  }
  const [certificate] = loadCertificates(readFileSync(files.cert));
  return {
    key: createPrivateKey(readFileSync(files.key)),
    certificate: certificate as X509Certificate,
    chain: [],
    test: true,
    trusted: trustedEntries(certificate as X509Certificate),
    testRootPem: readFileSync(files.root, 'utf8'),
  };
}

/** TrustedCertificates entries for a signer and its announced successor (once when their names are the same). */
export function trustedEntries(current: X509Certificate, next?: X509Certificate): TrustedCertificate[] {
  const entries = [trustedCertificateEntry(current)];
  const following = next && trustedCertificateEntry(next);
  if (
    following &&
    !entries.some((e) => e.SubjectName === following.SubjectName && e.IssuerName === following.IssuerName)
  )
    entries.push(following);
  return entries;
}

/** Days before its end from which a signing certificate is reported as expiring. */
export const WARN_DAYS = 30;
const DAY_MS = 86_400_000;

function expiresWithin(cert: X509Certificate | undefined, now: Date, days: number): boolean {
  return !cert || new Date(cert.validTo).getTime() - now.getTime() < days * DAY_MS;
}

/**
 * Checks the signer before the portal takes any payment, so that a misconfiguration stops the start instead of
 * selling plans whose documents Windows refuses: the key must sign for the certificate (a signature is made), and
 * the certificate must be valid now and pass verification's own signer checks (@mbprov/core signerProblem: not a
 * CA, no unknown critical extension, a strong key, digitalSignature, an extended key usage that signs documents),
 * refused with the same codes verification gives; the intermediates of signing.certFile pass the checks every
 * certificate of a chain must (extensions, key) and leave the signer a purpose that signs documents.
 * Without the EV policy the signer is refused too (MBPROV_CERT_NOT_EV): "Account provisioning metadata must be
 * signed with an extended validation (EV) certificate when provided by the web site" (docs/certificates.md), and so
 * is a configured intermediate CA carrying neither the EV policy nor anyPolicy (@mbprov/core evChainProblem, the
 * EV walk verification makes), unless `requireEv` is false (configuration `signing.requireEv`), when each is a
 * warning.
 * Returns warnings for what Windows may refuse in some cases or soon: expiry within 30 days, no EV when allowed.
 */
export function checkSigner(
  signer: Signer,
  now: Date,
  carrierId: string,
  options: { requireEv?: boolean } = {},
): string[] {
  const requireEv = options.requireEv !== false;
  // The certificate first: signing refuses a certificate it must not sign with, in fewer words.
  const warnings = certificateProblems(signer.certificate, now, 'The signing certificate', requireEv);
  signModel(
    { Global: { CarrierId: carrierId, SubscriberId: '001010000000000' } },
    { key: signer.key, certificate: signer.certificate },
  );
  const chainProblem =
    signer.chain.map(certificateProblem).find((p) => p !== undefined) ??
    purposeProblem([signer.certificate, ...signer.chain]);
  if (chainProblem)
    throw new MbprovError(
      chainProblem.code,
      `The signing certificate's chain (signing.certFile): ${chainProblem.message} Windows would refuse every document signed with it.`,
    );
  // EV along the chain, as verification checks it (buildChain with requireEv); an EV-less signer was named above.
  const evProblem = hasEvPolicy(signer.certificate)
    ? evChainProblem(signer.certificate, signer.chain)
    : undefined;
  if (evProblem && requireEv)
    throw new MbprovError(
      evProblem.code,
      `The signing certificate's chain (signing.certFile): ${evProblem.message} Windows refuses the documents a web site hands over signed with it (docs/certificates.md). Configure the issuing CA certificate that carries the EV policy, or set signing.requireEv to false for a test PC that trusts this signer some other way.`,
    );
  if (evProblem)
    warnings.push(
      `The signing certificate's chain (signing.certFile): ${evProblem.message} Started anyway because signing.requireEv is false.`,
    );
  if (signer.next) {
    // The next signer may start later; it must not have ended, and must be able to sign when its turn comes.
    const later = new Date(Math.max(now.getTime(), Date.parse(signer.next.validFrom)));
    warnings.push(
      ...certificateProblems(
        signer.next,
        later,
        'The next signing certificate (signing.nextCertFile)',
        requireEv,
      ),
    );
  }
  return warnings;
}

/** Throws what makes a signing certificate unusable at `now`; returns the warnings. */
function certificateProblems(
  certificate: X509Certificate,
  now: Date,
  what: string,
  requireEv: boolean,
): string[] {
  const cert = describeCertificate(certificate);
  const who = `${what} ${cert.subject}`;
  if (now < new Date(cert.notBefore))
    throw new MbprovError(
      'MBPROV_CERT_NOT_YET_VALID',
      `${who} is not valid before ${cert.notBefore}: Windows would refuse every document signed with it.`,
    );
  if (now > new Date(cert.notAfter))
    throw new MbprovError(
      'MBPROV_CERT_EXPIRED',
      `${who} expired on ${cert.notAfter}: Windows would refuse every document signed with it.`,
    );
  const problem = signerProblem(certificate);
  if (problem) {
    const hint =
      problem.code === 'MBPROV_CERT_SIGNER_IS_CA'
        ? ' Sign with an end-entity certificate issued by it.'
        : problem.code === 'MBPROV_CERT_KEY_USAGE'
          ? ` Its key usage: ${cert.keyUsage.join(', ')}.`
          : '';
    throw new MbprovError(problem.code, `${what} ${problem.message}${hint}`);
  }
  const warnings: string[] = [];
  if (!cert.ev && requireEv)
    throw new MbprovError(
      'MBPROV_CERT_NOT_EV',
      `${who} has no EV policy (2.23.140.1.1): Windows refuses the documents a web site hands over signed with it ("must be signed with an extended validation (EV) certificate when provided by the web site"). Use an EV certificate (docs/certificates.md), or set signing.requireEv to false for a test PC that trusts this signer some other way.`,
    );
  if (!cert.ev)
    warnings.push(
      `${who} has no EV policy (2.23.140.1.1): Windows refuses the documents a web site hands over signed with it (docs/certificates.md); started anyway because signing.requireEv is false.`,
    );
  if (expiresWithin(certificate, now, WARN_DAYS))
    warnings.push(`${who} expires on ${cert.notAfter}; renew it and update the configuration.`);
  return warnings;
}
