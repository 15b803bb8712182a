// A passpoint network (user name and password, EAP-TTLS with MS-CHAP-V2): the signed document carries Hotspot2 and
// the OneX configuration that validates the RADIUS server by name and CA, core validates it, the simulator applies
// it, and the credentials the user then enters (user@realm and the hotspot password) authenticate with EAP-TTLS at
// FreeRADIUS using a server certificate that CA issued.
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificate, parseDocument, trustedCertificateEntry, validateDocument } from '@mbprov/core';
import { Machine } from '@mbprov/simulator';
import type { FastifyInstance } from 'fastify';
import { openStoredDocument } from '../src/activation/documents-at-rest.ts';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { createApiKey } from '../src/backoffice/api-keys.ts';
import { freeLoopbackPort } from '../src/free-port.ts';
import { buildServer } from '../src/server.ts';
import { latestDocument } from '../src/storage/documents.ts';
import { findSim } from '../src/storage/sims.ts';
import type { Subscriber } from '../src/storage/subscribers.ts';
import { type TestContext, testContext, testTls } from './helpers/context.ts';
import { eapTtls, installed, type RunningFreeRadius, startFreeRadius } from './helpers/freeradius.ts';
import { contosoPasspoint } from './helpers/passpoint.ts';
import { buyPlan } from './helpers/purchase.ts';

const REALM = 'wifi.contoso.example';
const ICCID = '8901260000000000018';
const IMSI = '310260000000001';
// Setup installs them (scripts/setup.sh): a missing tool fails the tests rather than skipping them.
if (!((await installed('freeradius')) && (await installed('eapol_test'))))
  throw new Error('freeradius and eapol_test (eapoltest) are not installed: run npm run setup');

describe('a passpoint network with EAP-TTLS credentials', () => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let radius: RunningFreeRadius;
  let subscriber: Subscriber;
  let document: string;
  let caPem: string;

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mbprov-passpoint-'));
    const ca = await createCertificate({ subject: 'CN=Contoso RADIUS Root, O=Contoso', ca: true });
    const server = await createCertificate({
      subject: 'CN=radius.test, O=Contoso',
      issuer: ca,
      dnsNames: ['radius.test'],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
    });
    caPem = ca.certificatePem;
    const files = {
      ca: join(dir, 'ca.pem'),
      cert: join(dir, 'server.pem'),
      key: join(dir, 'server.key'),
      portalCa: join(dir, 'portal-ca.pem'),
    };
    writeFileSync(files.ca, ca.certificatePem);
    writeFileSync(files.cert, server.certificatePem);
    writeFileSync(files.key, server.privateKeyPem, { mode: 0o600 });
    writeFileSync(files.portalCa, (await testTls()).cert);
    ctx = await testContext('sqlite', {
      configure: (config) => {
        config.operator.wifi.push(contosoPasspoint(REALM, 'radius.test', files.ca));
      },
    });
    const port = await freeLoopbackPort();
    ctx.config.server.publicUrl = `https://127.0.0.1:${port}`;
    app = await buildServer(ctx, { https: await testTls(), logger: false });
    await app.listen({ host: '127.0.0.1', port });
    const key = (await createApiKey(ctx.store.db, 'freeradius', ['radius'], ctx.clock().toISOString())).key;
    radius = await startFreeRadius(ctx.config, {
      apiKey: key,
      portalCaFile: files.portalCa,
      server: { certFile: files.cert, keyFile: files.key, caFile: files.ca },
    });
    const sim = await findSim(ctx.store.db, { iccid: ICCID });
    assert.ok(sim);
    subscriber = await subscriberForSim(ctx, sim, undefined);
    await buyPlan(ctx, subscriber.id, 'day-1gb');
    const stored = await latestDocument(ctx.store.db, subscriber.id);
    assert.ok(stored);
    document = await openStoredDocument(ctx, stored.sealed);
  });
  after(async () => {
    await radius?.stop();
    await app?.close();
    await ctx?.close();
  });

  it('the signed document carries Hotspot2 and EAP-TTLS/MS-CHAP-V2 validating the server by name and CA', () => {
    const validation = validateDocument(document);
    assert.equal(validation.valid, true, JSON.stringify(validation.diagnostics));
    const profile = parseDocument(document).model?.WLANProfiles?.WLANProfile.find(
      (p) => p.name === 'Contoso Passpoint',
    );
    const security = profile?.MSM?.security;
    assert.deepEqual(security?.authEncryption, { authentication: 'WPA2', encryption: 'AES', useOneX: true });
    assert.deepEqual(security?.Hotspot2, {
      DomainName: REALM,
      NAIRealm: { name: [REALM] },
      RoamingConsortium: { OUI: ['5A03BA0000', '004096'] },
    });
    const oneX = security?.OneX ?? '';
    assert.match(oneX, /<Type[^>]*>21<\/Type>/, 'EAP-TTLS');
    assert.match(oneX, /<MSCHAPv2Authentication>/);
    assert.match(oneX, /<ServerNames>radius\.test<\/ServerNames>/);
    const sha1 = createHash('sha1').update(new X509Certificate(caPem).raw).digest('hex');
    const hashes = [...oneX.matchAll(/<TrustedRootCAHash>([^<]+)<\/TrustedRootCAHash>/g)].map((m) =>
      (m[1] as string).replace(/ /g, ''),
    );
    assert.ok(hashes.includes(sha1), `the CA's SHA-1 thumbprint among ${hashes.join(', ')}`);
    assert.match(oneX, /<AnonymousIdentity>anonymous@wifi\.contoso\.example<\/AnonymousIdentity>/);
    assert.doesNotMatch(oneX, new RegExp(ctx.secrets.hotspotPassword(subscriber.id)), 'no password in OneX');
  });

  it('the simulator applies it with the Passpoint profile', () => {
    const pc = Machine.create({
      trustedRoots: [ctx.rootPem],
      hardwareCertificates: [trustedCertificateEntry(ctx.signer.certificate)],
      capabilities: { sim: { iccid: ICCID, imsi: IMSI } },
    });
    const outcome = pc.provision(document, { source: 'website' });
    assert.ok(outcome.ok, JSON.stringify(outcome.result));
    const carrier = Object.values(pc.state.carriers)[0];
    const passpoint = carrier?.WLANProfiles.find((p) => p.name === 'Contoso Passpoint');
    assert.equal(passpoint?.MSM?.security?.Hotspot2?.DomainName, REALM);
  });

  it('the credentials the user enters authenticate with EAP-TTLS/MS-CHAP-V2 at FreeRADIUS; a wrong password does not', async () => {
    const password = ctx.secrets.hotspotPassword(subscriber.id);
    const identity = `${subscriber.refresh_user}@${REALM}`;
    const accepted = await eapTtls(radius, identity, password, 'MSCHAPV2');
    assert.ok(accepted.ok, accepted.output.slice(-3000));
    const refused = await eapTtls(radius, identity, `${password}x`, 'MSCHAPV2');
    assert.equal(refused.ok, false);
  });
});
