import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificate } from '@mbprov/core';
import { createApiKey } from '../backoffice/api-keys.ts';
import type { Config } from '../config/schema.ts';
import type { PortalContext } from '../context.ts';
import { makePrivateDir } from '../security/private-files.ts';
import type { Store } from '../storage/database.ts';
import { allEsimIccids } from '../storage/esim-profiles.ts';
import { Es2plusClient } from './es2plus-client.ts';
import { readEs2plusCredentials } from './es2plus-credentials.ts';
import { createEsimOrders } from './esim-orders.ts';
import type { EsimOrders } from './orders.ts';
import type { Smdp } from './smdp.ts';
import { startTestSmdp, type TestSmdp } from './test-smdp.ts';

/** What openEsim needs of the portal being started. */
export interface EsimSetup {
  config: Config;
  ctx: PortalContext;
  store: Store;
  /** PEM to trust for the portal's own certificate (a development one), for the test SM-DP+'s notifications. */
  portalCa?: string;
}

/** The eSIM orders of the portal, and the test SM-DP+ when it runs one. */
export interface OpenEsim {
  orders: EsimOrders;
  testSmdp?: TestSmdp;
  close(): Promise<void>;
}

/**
 * Opens the configured SM-DP+ (`esim`; loadConfig checked that exactly one of es2plus and testSmdp is set): the ES2+ client with the configured client certificate, key and CA, or the
 * built-in test SM-DP+ (`esim.testSmdp`) with a TEST PKI generated once under `<dataDir>/esim-test/`, the profiles of
 * the inventory (read again before each order), and an API key of scope smdp for its notifications to the portal. Undefined when `esim` is not set.
 */
export async function openEsim(setup: EsimSetup): Promise<OpenEsim | undefined> {
  const settings = setup.config.esim;
  if (!settings) return undefined;
  if (settings.es2plus) {
    const { url, timeoutMs } = settings.es2plus;
    const client = new Es2plusClient({
      url,
      functionRequesterIdentifier: settings.functionRequesterIdentifier,
      ...readEs2plusCredentials(settings.es2plus),
      timeoutMs,
    });
    return { orders: createEsimOrders(setup.ctx, client), close: async () => client.close() };
  }
  const pki = await testPki(join(setup.config.dataDir, 'esim-test'));
  const keyFile = join(setup.config.dataDir, 'esim-test', 'smdp-api-key.txt');
  if (!existsSync(keyFile)) {
    const { key } = await createApiKey(setup.store.db, 'test-smdp', ['smdp'], new Date().toISOString());
    writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  }
  const testSmdp = await startTestSmdp({
    tls: pki.server,
    clientCa: pki.ca,
    functionRequesterIdentifier: settings.functionRequesterIdentifier,
    address: settings.smdpAddress,
    profiles: (await allEsimIccids(setup.store.db)).map((iccid) => ({ iccid })),
    host: setup.config.server.host,
    port: settings.testSmdp?.port ?? 0,
    notifications: {
      url: setup.config.server.publicUrl,
      apiKey: readFileSync(keyFile, 'utf8').trim(),
      ...(setup.portalCa ? { ca: setup.portalCa } : {}),
    },
  });
  const client = new Es2plusClient({
    url: testSmdp.url,
    functionRequesterIdentifier: settings.functionRequesterIdentifier,
    ...pki.client,
    ca: pki.ca,
    timeoutMs: 10_000,
  });
  // The test SM-DP+ holds what the inventory holds, as a real SM-DP+ holds the profiles its provider delivered with
  // the file the operator imports: a profile imported while the portal runs is added when it is ordered (the
  // portal orders only ICCIDs of its inventory), not by reading the whole inventory before every order.
  const synced: Smdp = {
    downloadOrder: (input) => {
      if (input.iccid) testSmdp.addProfiles([{ iccid: input.iccid }]);
      return client.downloadOrder(input);
    },
    confirmOrder: (input) => client.confirmOrder(input),
    cancelOrder: (input) => client.cancelOrder(input),
    releaseProfile: (input) => client.releaseProfile(input),
  };
  return {
    orders: createEsimOrders(setup.ctx, synced),
    testSmdp,
    close: async () => {
      client.close();
      await testSmdp.close();
    },
  };
}

/** A TEST CA, the test SM-DP+'s server certificate and the portal's client certificate, generated once in `dir`. */
async function testPki(dir: string): Promise<{
  ca: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
}> {
  const file = join(dir, 'pki.json');
  if (!existsSync(file)) {
    makePrivateDir(dir);
    const ca = await createCertificate({
      subject: 'CN=mbprov TEST SMDP CA, O=mbprov TEST',
      ca: true,
      days: 3650,
    });
    const issuer = { certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem };
    const leaf = async (subject: string, eku: string, hosts: boolean) => {
      const c = await createCertificate({
        subject,
        issuer,
        days: 825,
        keyUsage: ['digitalSignature', 'keyEncipherment'],
        extendedKeyUsage: [eku],
        ...(hosts ? { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1', '::1'] } : {}),
      });
      return { cert: c.certificatePem, key: c.privateKeyPem };
    };
    const pki = {
      ca: ca.certificatePem,
      server: await leaf('CN=localhost, O=mbprov TEST SMDP', '1.3.6.1.5.5.7.3.1', true),
      client: await leaf('CN=mbprov portal, O=mbprov TEST ES2 client', '1.3.6.1.5.5.7.3.2', false),
    };
    writeFileSync(file, JSON.stringify(pki), { mode: 0o600 });
  }
  return JSON.parse(readFileSync(file, 'utf8'));
}
