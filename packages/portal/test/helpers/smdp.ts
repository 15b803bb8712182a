import { createCertificate } from '@mbprov/core';

/** A certificate and its key, PEM. */
export interface Pem {
  cert: string;
  key: string;
}

/** The PKI of the ES2+ tests: a CA, the SM-DP+'s server certificate, a client it trusts and one it does not. */
export interface SmdpPki {
  ca: string;
  server: Pem;
  client: Pem;
  /** A client certificate of another CA. */
  stranger: Pem;
}

let pki: Promise<SmdpPki> | undefined;

/** The ES2+ test PKI, made once per test file. */
export function smdpPki(): Promise<SmdpPki> {
  pki ??= (async () => {
    const ca = await createCertificate({ subject: 'CN=ES2 test CA', ca: true });
    const other = await createCertificate({ subject: 'CN=Another CA', ca: true });
    const leaf = async (issuer: typeof ca, subject: string, eku: string, hosts: boolean): Promise<Pem> => {
      const c = await createCertificate({
        subject,
        issuer: { certificatePem: issuer.certificatePem, privateKeyPem: issuer.privateKeyPem },
        keyUsage: ['digitalSignature', 'keyEncipherment'],
        extendedKeyUsage: [eku],
        ...(hosts ? { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] } : {}),
      });
      return { cert: c.certificatePem, key: c.privateKeyPem };
    };
    return {
      ca: ca.certificatePem,
      server: await leaf(ca, 'CN=localhost, O=test SMDP', '1.3.6.1.5.5.7.3.1', true),
      client: await leaf(ca, 'CN=operator', '1.3.6.1.5.5.7.3.2', false),
      stranger: await leaf(other, 'CN=stranger', '1.3.6.1.5.5.7.3.2', false),
    };
  })();
  return pki;
}

/** `count` ICCIDs of 19 digits from `start` (a test's own range). */
export function iccids(start: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `89000${String(start + i).padStart(14, '0')}`);
}

/** An EID of 32 digits ending in `n`. */
export const eidOf = (n: number) => `8904${String(n).padStart(28, '0')}`;
