import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MbprovError } from '@mbprov/core';

/** CA certificates by file, read once (documents and profiles are rendered often; the file changes with a restart). */
const certificates = new Map<string, X509Certificate>();

/**
 * The root CA that issued the RADIUS server's certificate (operator.wifi[].radiusCaFile), read once per path.
 * MBPROV_CONFIG_INVALID when the file is unreadable or not a PEM certificate.
 */
export function radiusCa(file: string): X509Certificate {
  let known = certificates.get(file);
  if (!known) {
    try {
      known = new X509Certificate(readFileSync(file));
    } catch (error) {
      throw new MbprovError(
        'MBPROV_CONFIG_INVALID',
        `operator.wifi[].radiusCaFile ${file} is not a readable PEM certificate: ${(error as Error).message}`,
      );
    }
    certificates.set(file, known);
  }
  return known;
}
