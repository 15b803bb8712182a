import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { MbprovError } from '@mbprov/core';
import type { Config } from '../config/schema.ts';
import { readTlsFiles } from '../security/tls.ts';

/** The ES2+ settings of a configuration that reaches a real SM-DP+. */
export type Es2plusSettings = NonNullable<NonNullable<Config['esim']>['es2plus']>;

/** The client certificate, its key and the CA the portal's ES2+ client uses (PEM). */
export interface Es2plusCredentials {
  cert: string;
  key: string;
  ca?: string;
}

/**
 * Reads the ES2+ client certificate, key and CA files and checks them as the mutual TLS connection will load them:
 * unreadable is MBPROV_IO_ERROR; a key that is not the certificate's, or a CA file without a certificate, is
 * MBPROV_TLS_INVALID. The portal's start and `mbprov config check` both call it, so they refuse alike.
 */
export function readEs2plusCredentials(settings: Es2plusSettings): Es2plusCredentials {
  const { cert, key } = readTlsFiles(settings.clientCertFile, settings.clientKeyFile);
  if (!settings.caFile) return { cert, key };
  let ca: string;
  try {
    ca = readFileSync(settings.caFile, 'utf8');
  } catch (error) {
    throw new MbprovError('MBPROV_IO_ERROR', `cannot read ${settings.caFile}: ${(error as Error).message}`);
  }
  // createSecureContext skips what is not a certificate: ask for one first, then let OpenSSL parse them all.
  try {
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error('it holds no PEM certificate');
    createSecureContext({ ca });
  } catch (error) {
    throw new MbprovError(
      'MBPROV_TLS_INVALID',
      `${settings.caFile} is not a file of CA certificates: ${(error as Error).message}`,
    );
  }
  return { cert, key, ca };
}
