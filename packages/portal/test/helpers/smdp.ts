import assert from 'node:assert/strict';
import { createCertificate } from '@mbprov/core';
import { Es2plusClient } from '../../src/esim/es2plus-client.ts';
import { startTestSmdp, type TestSmdp, type TestSmdpNotifications } from '../../src/esim/test-smdp.ts';

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

/** A running test SM-DP+ and an ES2+ client of its operator, on the ES2+ test PKI. */
export interface SmdpAndClient {
  smdp: TestSmdp;
  client: Es2plusClient;
  pki: SmdpPki;
  close(): Promise<void>;
}

/** Starts the test SM-DP+ of `operator` at `address` holding `profiles`, and a client it trusts (5 s timeout). */
export async function smdpAndClient(options: {
  operator: string;
  address: string;
  profiles: ReadonlyArray<{ iccid: string; profileType?: string }>;
  notifications?: TestSmdpNotifications;
}): Promise<SmdpAndClient> {
  const pki = await smdpPki();
  const smdp = await startTestSmdp({
    tls: pki.server,
    clientCa: pki.ca,
    functionRequesterIdentifier: options.operator,
    address: options.address,
    profiles: options.profiles,
    ...(options.notifications ? { notifications: options.notifications } : {}),
  });
  const client = new Es2plusClient({
    url: smdp.url,
    functionRequesterIdentifier: options.operator,
    ...pki.client,
    ca: pki.ca,
    timeoutMs: 5000,
  });
  return {
    smdp,
    client,
    pki,
    close: async () => {
      client.close();
      await smdp.close();
    },
  };
}

/** The ES2+ requests `smdp` received from the `from`th on: the function, the EID and ICCID, the status answered. */
export function es2Calls(
  smdp: TestSmdp | undefined,
  from = 0,
): Array<{ fn: string; eid?: string; iccid?: string; status?: string }> {
  assert.ok(smdp, 'the test SM-DP+ runs');
  return smdp.requests.slice(from).map((r) => {
    const body = r.body as { eid?: string; iccid?: string };
    return {
      fn: r.function,
      ...(body?.eid ? { eid: body.eid } : {}),
      ...(body?.iccid ? { iccid: body.iccid } : {}),
      ...(r.answer ? { status: r.answer.status } : {}),
    };
  });
}
