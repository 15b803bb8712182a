import { createPrivateKey, type KeyObject, type X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTestEvChain,
  loadCertificates,
  MbprovError,
  type TrustedCertificate,
  trustedCertificateEntry,
} from '@mbprov/core';
import type { Config } from '../config/schema.ts';

/** The key and certificates the portal signs provisioning documents with. */
export interface Signer {
  key: KeyObject;
  certificate: X509Certificate;
  chain: X509Certificate[];
  /** The generated TEST chain is in use: pages and logs say so. */
  test: boolean;
  /** The signer as a Provisioning/TrustedCertificates entry, so the PC trusts its later documents. */
  trustedEntry: TrustedCertificate;
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
    return { key, certificate, chain, test: false, trustedEntry: trustedCertificateEntry(certificate) };
  }
  const dir = join(config.dataDir, 'signing');
  const files = {
    key: join(dir, 'signer.key.pem'),
    cert: join(dir, 'signer.crt.pem'),
    root: join(dir, 'root.crt.pem'),
  };
  if (!existsSync(files.key) || !existsSync(files.cert) || !existsSync(files.root)) {
    mkdirSync(dir, { recursive: true });
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
    trustedEntry: trustedCertificateEntry(certificate as X509Certificate),
    testRootPem: readFileSync(files.root, 'utf8'),
  };
}
