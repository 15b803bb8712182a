// Refresh (account provisioning page, *Refresh*): Windows fetches the RefreshURL with HTTP Basic credentials when
// DelayInDays have passed (or an SMS asks), applies the signed answer and schedules the next refresh.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createCertificate, trustedCertificateEntry } from '@mbprov/core';
import { httpsRefreshFetch, Machine, type RefreshFetch } from '../src/index.ts';
import {
  CARRIER,
  certificates,
  doc,
  NOW,
  OTHER_CARRIER,
  purchaseDocument,
  signed,
  xml,
} from './helpers/documents.ts';

let certs: Awaited<ReturnType<typeof certificates>>;
const carrierKey = CARRIER.toLowerCase();

/** A PC provisioned by the app with a refresh every 30 days, trusting the EV signer for later documents. */
function provisioned(url = 'https://portal.example/refresh/1'): Machine {
  const m = Machine.create({ now: NOW, trustedRoots: [certs.ev.root.certificatePem] });
  const model = purchaseDocument();
  model.Provisioning = {
    TrustedCertificates: { TrustedCertificate: [trustedCertificateEntry(certs.ev.signer.certificate)] },
    RefreshParameters: { DelayInDays: 30, RefreshURL: url, UserName: 'sub-1', Password: 's3cret' },
  };
  m.provision(xml(model), { source: 'app' });
  return m;
}

/** A usage-only document, as the RefreshURL serves after usage changed. */
const usageDocument = (megabytes: number) =>
  doc({
    Plans: {
      Plan: [{ Name: 'Monthly', Usage: { CurrentUsage: megabytes, UsageTimestamp: '2026-12-21T00:00:00Z' } }],
    },
  });

interface Call {
  url: string;
  headers: Record<string, string>;
}

function fakeServer(respond: (call: Call) => { status: number; body?: string; etag?: string }): {
  fetch: RefreshFetch;
  calls: Call[];
} {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (url, init) => {
      const call = { url, headers: init.headers };
      calls.push(call);
      const r = respond(call);
      return {
        status: r.status,
        headers: { get: (n: string) => (n === 'etag' ? (r.etag ?? null) : null) },
        text: async () => r.body ?? '',
      };
    },
  };
}

before(async () => {
  certs = await certificates();
});

describe('refresh', () => {
  it('nothing is fetched before DelayInDays have passed', async () => {
    const m = provisioned();
    const server = fakeServer(() => ({ status: 200 }));
    m.advanceDays(29);
    assert.deepEqual(await m.runDueRefreshes(server.fetch), []);
    assert.equal(server.calls.length, 0);
  });

  it('when due: GET with HTTP Basic credentials, applies the signed answer, schedules the next refresh', async () => {
    const m = provisioned();
    const server = fakeServer(() => ({
      status: 200,
      body: signed(usageDocument(700), certs.ev),
      etag: '"v2"',
    }));
    m.advanceDays(30);
    const [attempt] = await m.runDueRefreshes(server.fetch);
    assert.equal(server.calls[0]?.url, 'https://portal.example/refresh/1');
    assert.equal(
      server.calls[0]?.headers.Authorization,
      `Basic ${Buffer.from('sub-1:s3cret').toString('base64')}`,
    );
    assert.equal(attempt?.outcome?.ok, true);
    assert.equal(m.state.carriers[carrierKey]?.Plans.Monthly?.Usage?.CurrentUsage, 700);
    assert.equal(attempt?.nextDueAt, '2027-01-20T00:00:00.000Z');
  });

  it('sends the last ETag in If-None-Match; 304 applies nothing and reschedules', async () => {
    const m = provisioned();
    const server = fakeServer((call) =>
      call.headers['If-None-Match'] === '"v2"'
        ? { status: 304 }
        : { status: 200, body: signed(usageDocument(700), certs.ev), etag: '"v2"' },
    );
    m.advanceDays(30);
    await m.runDueRefreshes(server.fetch);
    m.advanceDays(30);
    const [attempt] = await m.runDueRefreshes(server.fetch);
    assert.equal(attempt?.notModified, true);
    assert.equal(attempt?.nextDueAt, '2027-02-19T00:00:00.000Z');
  });

  it('an unsigned answer is rejected (MBPROV_SIM_SIGNATURE_REQUIRED), nothing changes, and it is retried a day later', async () => {
    const m = provisioned();
    const server = fakeServer(() => ({ status: 200, body: xml(usageDocument(999)) }));
    m.advanceDays(30);
    const [attempt] = await m.runDueRefreshes(server.fetch);
    assert.equal(attempt?.error?.code, 'MBPROV_SIM_SIGNATURE_REQUIRED');
    assert.equal(m.state.carriers[carrierKey]?.Plans.Monthly?.Usage?.CurrentUsage, 0);
    assert.equal(attempt?.nextDueAt, '2026-12-22T00:00:00.000Z');
  });

  it('an answer signed by a certificate the carrier never trusted is rejected (MBPROV_SIM_CERT_NOT_TRUSTED)', async () => {
    const m = provisioned();
    m.state.trustedRoots.push(certs.otherEv.root.certificatePem);
    const server = fakeServer(() => ({ status: 200, body: signed(usageDocument(5), certs.otherEv) }));
    m.advanceDays(30);
    assert.equal((await m.runDueRefreshes(server.fetch))[0]?.error?.code, 'MBPROV_SIM_CERT_NOT_TRUSTED');
  });

  it("a document of another carrier served by this carrier's RefreshURL is rejected", async () => {
    const m = provisioned();
    const server = fakeServer(() => ({ status: 200, body: signed(doc({}, OTHER_CARRIER), certs.ev) }));
    m.advanceDays(30);
    assert.equal(
      (await m.runDueRefreshes(server.fetch))[0]?.error?.code,
      'MBPROV_SIM_REFRESH_CARRIER_MISMATCH',
    );
  });

  it('HTTP 401 and network failures are recorded and retried a day later', async () => {
    const m = provisioned();
    m.advanceDays(30);
    const denied = await m.runDueRefreshes(fakeServer(() => ({ status: 401 })).fetch);
    assert.equal(denied[0]?.status, 401);
    assert.equal(denied[0]?.error?.code, 'MBPROV_SIM_REFRESH_FAILED');
    assert.deepEqual(m.dueRefreshes(), []);
    m.advanceDays(1);
    const failing: RefreshFetch = async () => {
      throw new Error('ECONNREFUSED');
    };
    const down = await m.runDueRefreshes(failing);
    assert.match(down[0]?.error?.message ?? '', /ECONNREFUSED/);
  });

  it('over real HTTPS: the Basic credentials reach the server and its signed document is applied', async () => {
    // TLS is checked against the real clock, so this certificate is made for real time, not the virtual clock.
    const tls = await createCertificate({
      subject: 'CN=localhost',
      days: 30,
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    });
    let seen = '';
    const server: Server = createServer({ key: tls.privateKeyPem, cert: tls.certificatePem }, (req, res) => {
      seen = req.headers.authorization ?? '';
      res.writeHead(200, { 'content-type': 'application/xml', etag: '"1"' });
      res.end(signed(usageDocument(321), certs.ev));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const m = provisioned(`https://localhost:${port}/refresh/1`);
    m.advanceDays(30);
    const [attempt] = await m.runDueRefreshes(httpsRefreshFetch({ ca: tls.certificatePem }));
    assert.equal(attempt?.error, undefined, JSON.stringify(attempt?.error));
    assert.equal(seen, `Basic ${Buffer.from('sub-1:s3cret').toString('base64')}`);
    assert.equal(m.state.carriers[carrierKey]?.Plans.Monthly?.Usage?.CurrentUsage, 321);
  });

  it('the HTTPS client refuses a server whose certificate it does not trust', async () => {
    const tls = await createCertificate({ subject: 'CN=localhost', days: 30 });
    const server = createServer({ key: tls.privateKeyPem, cert: tls.certificatePem }, (_req, res) =>
      res.end('x'),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const m = provisioned(`https://localhost:${port}/refresh/1`);
    m.advanceDays(30);
    const [attempt] = await m.runDueRefreshes(httpsRefreshFetch());
    assert.equal(attempt?.error?.code, 'MBPROV_SIM_REFRESH_FAILED');
    assert.match(attempt?.error?.message ?? '', /self.signed|certificate/i);
  });
});
