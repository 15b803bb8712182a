// Rotating the signing certificate. A PC accepts a refreshed document only from a signer the carrier's earlier
// documents trusted (Provisioning/TrustedCertificates) or one tied to its hardware. When the new certificate has
// another subject or issuer, the PCs provisioned before the rotation refuse every refresh, unless the documents
// they hold already announced it: signing.nextCertFile puts it in TrustedCertificates beside the current signer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestEvChain, type TestEvChain, trustedCertificateEntry } from '@mbprov/core';
import { Machine } from '@mbprov/simulator';
import type { FastifyInstance } from 'fastify';
import { trustedEntries } from '../src/activation/signer.ts';
import { regenerateDocuments } from '../src/jobs/tasks.ts';
import { buildServer } from '../src/server.ts';
import { type TestContext, testContext } from './helpers/context.ts';
import { Browser, embeddedDocument, field, payAndReturn } from './helpers/http.ts';

const SIM = { SubId: '310260000000001', DevId: '358470110000011', IccId: '8901260000000000018' };
const guard = { timeout: 120_000 };

let next: TestEvChain;
before(async () => {
  // Another CA and another subject: a PC cannot tie it to the current signer by names.
  next = await createTestEvChain({ name: 'Contoso Rotated' });
});

/** A portal whose signer may announce its successor; the PC that bought a plan there; its refresh credentials. */
async function provisionedPc(announce: boolean) {
  const ctx: TestContext = await testContext('sqlite', {
    configure: (c) => Object.assign(c.rateLimits, { entryPerMinute: 1000, checkoutPerMinute: 1000 }),
  });
  if (announce)
    ctx.signer = {
      ...ctx.signer,
      next: next.signer.certificate,
      trusted: trustedEntries(ctx.signer.certificate, next.signer.certificate),
    };
  const app = await buildServer(ctx, { logger: false });
  const browser = new Browser(app);
  const page = await browser.get(`/?${new URLSearchParams(SIM)}`);
  const checkout = await browser.post('/checkout', {
    planId: 'day-1gb',
    checkoutId: field(page.body, 'checkoutId'),
    _csrf: field(page.body, '_csrf'),
  });
  const bought = await payAndReturn(browser, checkout, ctx.tlsCa);
  assert.equal(bought.statusCode, 303, bought.body.slice(0, 300));
  const complete = await browser.get(bought.headers.location as string);
  const document = embeddedDocument(complete.body);
  const pc = Machine.create({
    trustedRoots: [ctx.rootPem, next.root.certificatePem],
    hardwareCertificates: [trustedCertificateEntry(ctx.signer.certificate)],
    capabilities: { sim: { iccid: SIM.IccId, imsi: SIM.SubId } },
  });
  assert.ok(pc.provision(document, { source: 'website' }).ok, 'the PC applies the purchase document');
  const refresh =
    /<RefreshURL>([^<]+)<\/RefreshURL>[\s\S]*?<UserName>([^<]+)<\/UserName>[\s\S]*?<Password>([^<]+)</.exec(
      document,
    );
  assert.ok(refresh, 'the document carries refresh parameters');
  const [, url, user, password] = refresh as unknown as [string, string, string, string];
  return { ctx, app, pc, document, path: new URL(url).pathname, user, password };
}

/**
 * Rotates the portal to the next signer, re-signs the stored documents, fetches the refresh as Windows does and
 * applies it (the simulated PC throws when it refuses the signer).
 */
async function rotateAndRefresh(p: Awaited<ReturnType<typeof provisionedPc>>) {
  p.ctx.signer = {
    key: next.signer.privateKey,
    certificate: next.signer.certificate,
    chain: [],
    test: true,
    trusted: trustedEntries(next.signer.certificate),
  };
  assert.ok((await regenerateDocuments(p.ctx)) >= 1, 'the active document is signed again');
  const answer = await p.app.inject({
    method: 'GET',
    url: p.path,
    headers: { authorization: `Basic ${Buffer.from(`${p.user}:${p.password}`).toString('base64')}` },
  });
  assert.equal(answer.statusCode, 200);
  assert.match(answer.body, /Contoso Rotated/, 'the refreshed document is signed by the next signer');
  return p.pc.provision(answer.body, { source: 'refresh' });
}

describe('signing certificate rotation', () => {
  const opened: Array<{ app: FastifyInstance; ctx: TestContext }> = [];
  after(async () => {
    for (const { app, ctx } of opened) {
      await app.close();
      await ctx.close();
    }
  });

  it(
    'announced with signing.nextCertFile: documents trust both signers, and the PC accepts the refresh signed by the new one',
    guard,
    async () => {
      const p = await provisionedPc(true);
      opened.push(p);
      const trusted = [...p.document.matchAll(/<TrustedCertificate>([\s\S]*?)<\/TrustedCertificate>/g)];
      assert.equal(trusted.length, 2);
      assert.match(trusted[1]?.[1] as string, /Contoso Rotated/);
      const outcome = await rotateAndRefresh(p);
      assert.ok(outcome.ok, JSON.stringify(outcome.result));
      assert.equal(outcome.signer?.trustedBy, 'trusted-certificates');
      assert.match(outcome.signer?.signer.subject ?? '', /Contoso Rotated/);
    },
  );

  it(
    'not announced: the PC refuses the refresh signed by the new certificate (MBPROV_SIM_CERT_NOT_TRUSTED)',
    guard,
    async () => {
      const p = await provisionedPc(false);
      opened.push(p);
      assert.equal([...p.document.matchAll(/<TrustedCertificate>/g)].length, 1);
      await assert.rejects(rotateAndRefresh(p), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'MBPROV_SIM_CERT_NOT_TRUSTED');
        return true;
      });
    },
  );
});
