import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificate, MbprovError } from '@mbprov/core';
import type { Config } from '../config/schema.ts';

/** TLS key and certificate of the HTTPS server. */
export interface TlsFiles {
  key: string;
  cert: string;
  /** A generated development certificate is in use. */
  development: boolean;
  certFile: string;
}

/**
 * The configured TLS certificate, or a development certificate for localhost and 127.0.0.1 generated once
 * under `<dataDir>/tls/` (browsers warn about it; tests trust it explicitly).
 */
export async function loadTls(config: Config): Promise<TlsFiles> {
  const { tlsCertFile, tlsKeyFile } = config.server;
  if (tlsCertFile && tlsKeyFile) {
    try {
      return {
        cert: readFileSync(tlsCertFile, 'utf8'),
        key: readFileSync(tlsKeyFile, 'utf8'),
        development: false,
        certFile: tlsCertFile,
      };
    } catch (error) {
      throw new MbprovError('MBPROV_IO_ERROR', `cannot read the TLS files: ${(error as Error).message}`);
    }
  }
  const dir = join(config.dataDir, 'tls');
  const certFile = join(dir, 'localhost.crt.pem');
  const keyFile = join(dir, 'localhost.key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true });
    const tls = await createCertificate({
      subject: 'CN=localhost, O=mbprov development, OU=DEVELOPMENT ONLY',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
      days: 825,
    });
    writeFileSync(certFile, tls.certificatePem);
    writeFileSync(keyFile, tls.privateKeyPem, { mode: 0o600 });
  }
  return {
    cert: readFileSync(certFile, 'utf8'),
    key: readFileSync(keyFile, 'utf8'),
    development: true,
    certFile,
  };
}
