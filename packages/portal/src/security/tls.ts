import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { createCertificate, MbprovError } from '@mbprov/core';
import type { Config } from '../config/schema.ts';
import { makePrivateDir } from './private-files.ts';

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
  if (tlsCertFile && tlsKeyFile) return { ...readTlsFiles(tlsCertFile, tlsKeyFile), development: false };
  const dir = join(config.dataDir, 'tls');
  const certFile = join(dir, 'localhost.crt.pem');
  const keyFile = join(dir, 'localhost.key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    makePrivateDir(dir);
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

/**
 * Reads configured TLS files and checks them as the HTTPS server will load them, so that a key that is not the
 * certificate's is a named error at start (and in `mbprov config check`) rather than an OpenSSL message.
 */
export function readTlsFiles(certFile: string, keyFile: string): Omit<TlsFiles, 'development'> {
  let cert: string;
  let key: string;
  try {
    cert = readFileSync(certFile, 'utf8');
    key = readFileSync(keyFile, 'utf8');
  } catch (error) {
    throw new MbprovError('MBPROV_IO_ERROR', `cannot read the TLS files: ${(error as Error).message}`);
  }
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    throw new MbprovError(
      'MBPROV_TLS_INVALID',
      `${certFile} and ${keyFile} are not a certificate and its private key: ${(error as Error).message}`,
    );
  }
  return { cert, key, certFile };
}
