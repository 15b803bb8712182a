// eSIM orders through the test SM-DP+ on SQLite and PostgreSQL: an order reserves a profile, orders and releases it
// at the SM-DP+ and answers its Activation Code; ordering again answers the same order; SM-DP+ failures give the
// profile back; concurrent orders never share a profile; cancel returns it to stock. Then the SM-DP+'s
// HandleDownloadProgressInfo notifications through the portal's HTTPS endpoint: authenticated (scope smdp),
// validated (nothing written for a bad one), idempotent, moving the profile to downloaded and installed.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { MbprovError, parseActivationCode } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { newSubscriberRow } from '../src/activation/subscribers.ts';
import { createApiKey } from '../src/backoffice/api-keys.ts';
import { importEsimInventory, readEsimInventory } from '../src/backoffice/esim-inventory.ts';
import { Es2plusClient } from '../src/esim/es2plus-client.ts';
import { createEsimOrders } from '../src/esim/esim-orders.ts';
import type { EsimOrders } from '../src/esim/orders.ts';
import type { TestSmdp } from '../src/esim/test-smdp.ts';
import { buildServer } from '../src/server.ts';
import { addEsimProfiles, esimProfileByIccid, subscriberEids } from '../src/storage/esim-profiles.ts';
import { insertSubscriber } from '../src/storage/subscribers.ts';
import { DIALECTS, type TestContext, testContext, testTls } from './helpers/context.ts';
import { eidOf, iccids, type SmdpPki, smdpAndClient } from './helpers/smdp.ts';

const OPERATOR = 'mbprov-test';
const ADDRESS = 'smdp.operator.example';

for (const dialect of DIALECTS) {
  describe(`eSIM orders (${dialect})`, () => {
    let ctx: TestContext;
    let pki: SmdpPki;
    let smdp: TestSmdp;
    let client: Es2plusClient;
    let orders: EsimOrders;
    let app: FastifyInstance;
    let portalUrl: string;
    let smdpKey: string;
    const stock = iccids(1000, 30);

    const newSubscriber = async () => {
      const id = randomUUID();
      await insertSubscriber(ctx.store.db, newSubscriberRow(ctx, id, ctx.clock().toISOString()));
      return id;
    };
    const code = (e: unknown, expected: string) => {
      assert.ok(e instanceof MbprovError, String(e));
      assert.equal(e.code, expected, e.message);
      return true;
    };

    before(async () => {
      ctx = await testContext(dialect, {
        configure: (config) => {
          config.esim = { smdpAddress: ADDRESS, functionRequesterIdentifier: OPERATOR };
        },
      });
      const tls = await testTls();
      app = await buildServer(ctx, { https: tls, logger: false });
      portalUrl = (await app.listen({ port: 0, host: '127.0.0.1' })).replace(/^http:/, 'https:');
      smdpKey = (await createApiKey(ctx.store.db, 'smdp', ['smdp'], ctx.clock().toISOString())).key;
      const started = await smdpAndClient({
        operator: OPERATOR,
        address: ADDRESS,
        profiles: stock.map((iccid) => ({ iccid })),
        notifications: { url: portalUrl, apiKey: smdpKey, ca: tls.cert },
      });
      ({ smdp, client, pki } = started);
      orders = createEsimOrders(ctx, client);
      await addEsimProfiles(
        ctx.store.db,
        stock.slice(0, 10).map((iccid) => ({ iccid })),
        ctx.clock().toISOString(),
      );
    });
    after(async () => {
      client.close();
      await smdp.close();
      await app.close();
      await ctx.close();
    });

    it('orders a profile, answers the same order again, and learns the EID', async () => {
      const subscriberId = await newSubscriber();
      const eid = eidOf(10);
      const order = await orders.order({ subscriberId, eid, transactionId: 'tx-1' });
      const activation = parseActivationCode(order.activationCode);
      assert.equal(activation.smdpAddress, ADDRESS);
      const atSmdp = smdp.profile(order.iccid);
      assert.equal(atSmdp?.state, 'Released');
      assert.equal(atSmdp?.eid, eid);
      assert.equal(atSmdp?.matchingId, activation.matchingId);
      const stored = await esimProfileByIccid(ctx.store.db, order.iccid);
      assert.equal(stored?.state, 'released');
      assert.equal(stored?.transaction_id, 'tx-1');
      assert.deepEqual(await subscriberEids(ctx.store.db, subscriberId), [eid]);
      const calls = smdp.requests.length;
      assert.deepEqual(await orders.order({ subscriberId, eid }), order, 'a reload answers the same order');
      assert.equal(smdp.requests.length, calls, 'without asking the SM-DP+ again');
      // Another eSIM of the same subscriber gets another profile.
      const second = await orders.order({ subscriberId, eid: eidOf(11) });
      assert.notEqual(second.iccid, order.iccid);
      // (The test clock stands still: both were ordered at the same time.)
      assert.deepEqual((await subscriberEids(ctx.store.db, subscriberId)).sort(), [eid, eidOf(11)]);
    });

    it('refuses bad input before anything is reserved', async () => {
      const subscriberId = await newSubscriber();
      await assert.rejects(orders.order({ subscriberId, eid: '123' }), (e) =>
        code(e, 'MBPROV_ESIM_ORDER_INVALID'),
      );
      await assert.rejects(
        orders.order({ subscriberId, eid: eidOf(12), transactionId: 'x'.repeat(65) }),
        (e) => code(e, 'MBPROV_ESIM_ORDER_INVALID'),
      );
      await assert.rejects(orders.order({ subscriberId: 'nobody', eid: eidOf(12) }), (e) =>
        code(e, 'MBPROV_NOT_FOUND'),
      );
      assert.deepEqual(await subscriberEids(ctx.store.db, subscriberId), []);
    });

    it('gives the profile back when the SM-DP+ refuses or cannot be reached', async () => {
      const subscriberId = await newSubscriber();
      const wrong = new Es2plusClient({
        url: smdp.url,
        functionRequesterIdentifier: 'not-the-operator',
        ...pki.client,
        ca: pki.ca,
        timeoutMs: 5000,
      });
      const failing = createEsimOrders(ctx, wrong);
      const before = await availableCount();
      await assert.rejects(failing.order({ subscriberId, eid: eidOf(13) }), (e) =>
        code(e, 'MBPROV_SMDP_REFUSED'),
      );
      assert.equal(await availableCount(), before);
      wrong.close();
      const gone = new Es2plusClient({
        url: 'https://127.0.0.1:1',
        functionRequesterIdentifier: OPERATOR,
        ...pki.client,
        timeoutMs: 2000,
      });
      await assert.rejects(createEsimOrders(ctx, gone).order({ subscriberId, eid: eidOf(13) }), (e) =>
        code(e, 'MBPROV_SMDP_UNAVAILABLE'),
      );
      gone.close();
      assert.equal(await availableCount(), before);
      // ConfirmOrder refused after DownloadOrder succeeded: the order is cancelled at the SM-DP+ too.
      const confirmFails = createEsimOrders(ctx, {
        downloadOrder: (input) => client.downloadOrder(input),
        confirmOrder: (input) => client.confirmOrder({ ...input, smdsAddress: 'smds.example' }),
        cancelOrder: (input) => client.cancelOrder(input),
        releaseProfile: (input) => client.releaseProfile(input),
      });
      await assert.rejects(confirmFails.order({ subscriberId, eid: eidOf(13) }), (e) =>
        code(e, 'MBPROV_SMDP_UNAVAILABLE'),
      );
      assert.equal(await availableCount(), before);
      assert.equal(smdp.profiles().filter((p) => p.state === 'Linked').length, 0);
    });

    it('takes a profile the SM-DP+ does not know out of stock instead of offering it again', async () => {
      const [unknown] = iccids(9000, 1) as [string];
      await addEsimProfiles(ctx.store.db, [{ iccid: unknown }], ctx.clock().toISOString());
      // The lowest ICCID is taken first: 8900000000000009000 comes after the stock's 89000000000000010xx.
      const subscribers = await Promise.all(Array.from({ length: 12 }, () => newSubscriber()));
      const outcomes = [];
      for (const [i, subscriberId] of subscribers.entries())
        outcomes.push(
          await orders.order({ subscriberId, eid: eidOf(100 + i) }).catch((e: MbprovError) => e.code),
        );
      assert.ok(outcomes.includes('MBPROV_SMDP_REFUSED'), JSON.stringify(outcomes));
      assert.equal((await esimProfileByIccid(ctx.store.db, unknown))?.state, 'failed');
      assert.match((await esimProfileByIccid(ctx.store.db, unknown))?.failure ?? '', /8\.2\.1\/3\.9/);
    });

    it('never gives two concurrent orders the same profile', async () => {
      await addEsimProfiles(
        ctx.store.db,
        stock.slice(10, 20).map((iccid) => ({ iccid })),
        ctx.clock().toISOString(),
      );
      const free = await availableCount();
      const subscribers = await Promise.all(Array.from({ length: free + 5 }, () => newSubscriber()));
      const results = await Promise.allSettled(
        subscribers.map((subscriberId, i) => orders.order({ subscriberId, eid: eidOf(200 + i) })),
      );
      const won = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.iccid);
      assert.equal(won.length, free);
      assert.equal(new Set(won).size, won.length, 'distinct ICCIDs');
      for (const r of results) if (r.status === 'rejected') code(r.reason, 'MBPROV_ESIM_NO_PROFILE');
      // The same subscriber and EID ordering five times at once: one profile, the others wait or are told so.
      await addEsimProfiles(
        ctx.store.db,
        stock.slice(20, 25).map((iccid) => ({ iccid })),
        ctx.clock().toISOString(),
      );
      const subscriberId = await newSubscriber();
      const same = await Promise.allSettled(
        Array.from({ length: 5 }, () => orders.order({ subscriberId, eid: eidOf(300) })),
      );
      const answered = same.filter((r) => r.status === 'fulfilled').map((r) => r.value.iccid);
      assert.ok(answered.length >= 1);
      assert.equal(new Set(answered).size, 1);
      for (const r of same) if (r.status === 'rejected') code(r.reason, 'MBPROV_ESIM_ORDER_STATE');
      assert.equal(await availableCount(), 4);
    });

    it('cancels an order that was not downloaded, and refuses to cancel a downloaded one', async () => {
      await addEsimProfiles(
        ctx.store.db,
        stock.slice(25, 30).map((iccid) => ({ iccid })),
        ctx.clock().toISOString(),
      );
      const subscriberId = await newSubscriber();
      const order = await orders.order({ subscriberId, eid: eidOf(400) });
      await assert.rejects(orders.cancel({ subscriberId: await newSubscriber(), iccid: order.iccid }), (e) =>
        code(e, 'MBPROV_ESIM_ORDER_STATE'),
      );
      await orders.cancel({ subscriberId, iccid: order.iccid });
      assert.equal((await esimProfileByIccid(ctx.store.db, order.iccid))?.state, 'available');
      assert.equal(smdp.profile(order.iccid)?.state, 'Available');
      const again = await orders.order({ subscriberId, eid: eidOf(400) });
      const sent = await smdp.simulateDownload(
        parseActivationCode(again.activationCode).matchingId,
        eidOf(400),
      );
      assert.deepEqual(
        sent.map((n) => [n.notificationPointId, n.status, n.httpStatus]),
        [
          [3, 'Executed-Success', 204],
          [4, 'Executed-Success', 204],
        ],
      );
      const installed = await esimProfileByIccid(ctx.store.db, again.iccid);
      assert.equal(installed?.state, 'installed');
      assert.ok(installed?.downloaded_at && installed.installed_at);
      await assert.rejects(orders.cancel({ subscriberId, iccid: again.iccid }), (e) =>
        code(e, 'MBPROV_ESIM_ORDER_STATE'),
      );
      // A downloaded order is not answered again: the next order is a new profile.
      assert.notEqual((await orders.order({ subscriberId, eid: eidOf(400) })).iccid, again.iccid);
    });

    it('takes notifications only with a key of scope smdp, validates them and writes nothing for a bad one', async () => {
      const subscriberId = await newSubscriber();
      const eid = eidOf(500);
      const order = await orders.order({ subscriberId, eid });
      const note = (fields: Record<string, unknown> = {}) => ({
        header: { functionRequesterIdentifier: ADDRESS, functionCallIdentifier: randomUUID() },
        eid,
        iccid: order.iccid,
        profileType: 'default',
        timestamp: '2026-11-21T10:00:00Z',
        notificationPointId: 3,
        notificationPointStatus: { status: 'Executed-Success' },
        ...fields,
      });
      const other = (await createApiKey(ctx.store.db, 'usage', ['usage:write'], ctx.clock().toISOString()))
        .key;
      assert.equal((await notify(note(), undefined)).status, 401);
      assert.equal((await notify(note(), other)).status, 403);
      const refusals: Array<[Record<string, unknown>, string, Record<string, string>?]> = [
        [note({ eid: '1'.repeat(31) }), '1.6/2.1'],
        [note({ notificationPointId: 'three' }), '1.6/2.1'],
        [{ ...note(), iccid: undefined }, '1.6/2.2'],
        [note({ iccid: '8900000000000077777' }), '8.2.1/3.9'],
        [note({ eid: eidOf(501) }), '8.1.1/3.10'],
        [note(), '1.6/2.1', { 'x-admin-protocol': 'nope' }],
      ];
      for (const [body, pair, headers] of refusals) {
        const answer = await notify(body, smdpKey, headers);
        assert.equal(answer.status, 200, answer.body);
        const status = JSON.parse(answer.body).header.functionExecutionStatus;
        assert.equal(status.status, 'Failed');
        assert.equal(`${status.statusCodeData.subjectCode}/${status.statusCodeData.reasonCode}`, pair);
        assert.equal(answer.adminProtocol, 'gsma/rsp/v2.5.0');
      }
      assert.equal(
        (await esimProfileByIccid(ctx.store.db, order.iccid))?.state,
        'released',
        'nothing written',
      );
      // Applied once; the same notification again, or a late one, changes nothing and still succeeds.
      assert.equal((await notify(note(), smdpKey)).status, 204);
      const downloaded = await esimProfileByIccid(ctx.store.db, order.iccid);
      assert.equal(downloaded?.state, 'downloaded');
      assert.equal((await notify(note(), smdpKey)).status, 204);
      assert.deepEqual(await esimProfileByIccid(ctx.store.db, order.iccid), downloaded);
      const failure = { subjectCode: '8.1', reasonCode: '4.8', message: 'insufficient memory' };
      assert.equal(
        (
          await notify(
            note({
              notificationPointId: 4,
              notificationPointStatus: { status: 'Failed', statusCodeData: failure },
            }),
            smdpKey,
          )
        ).status,
        204,
      );
      const failed = await esimProfileByIccid(ctx.store.db, order.iccid);
      assert.equal(failed?.state, 'failed');
      assert.match(failed?.failure ?? '', /installation Failed 8\.1\/4\.8/);
      assert.equal((await notify(note({ notificationPointId: 4 }), smdpKey)).status, 204);
      assert.equal((await esimProfileByIccid(ctx.store.db, order.iccid))?.state, 'failed');
    });

    it('imports an inventory all or nothing', async () => {
      const [x, y, z] = iccids(8000, 3) as [string, string, string];
      const first = readEsimInventory(`iccid,profile_type\n${x},gold\n${y}F\n`, 'csv');
      assert.deepEqual(await importEsimInventory(ctx.store, first, ctx.clock().toISOString()), {
        added: 2,
        exists: 0,
      });
      const before = await availableCount();
      // z is new, x contradicts its stored type: nothing of the file is written.
      const contradicting = readEsimInventory(
        JSON.stringify([z, { iccid: x, profileType: 'silver' }]),
        'json',
      );
      await assert.rejects(importEsimInventory(ctx.store, contradicting, ctx.clock().toISOString()), (e) =>
        code(e, 'MBPROV_ESIM_INVENTORY_INVALID'),
      );
      assert.equal(await esimProfileByIccid(ctx.store.db, z), undefined);
      assert.equal(await availableCount(), before);
      assert.deepEqual(await importEsimInventory(ctx.store, first, ctx.clock().toISOString()), {
        added: 0,
        exists: 2,
      });
    });

    /** POSTs a notification to the portal as an SM-DP+ would. */
    function notify(
      body: unknown,
      key: string | undefined,
      headers: Record<string, string> = {},
    ): Promise<{ status: number; body: string; adminProtocol: string | undefined }> {
      return new Promise((resolve, reject) => {
        testTls().then((tls) => {
          const req = request(
            `${portalUrl}/gsma/rsp2/es2plus/handleDownloadProgressInfo`,
            {
              method: 'POST',
              ca: tls.cert,
              headers: {
                'content-type': 'application/json',
                'x-admin-protocol': 'gsma/rsp/v2.2.0',
                ...(key ? { authorization: `Bearer ${key}` } : {}),
                ...headers,
              },
            },
            (res) => {
              let text = '';
              res.on('data', (chunk) => {
                text += chunk;
              });
              res.on('end', () =>
                resolve({
                  status: res.statusCode ?? 0,
                  body: text,
                  adminProtocol: res.headers['x-admin-protocol'] as string | undefined,
                }),
              );
            },
          );
          req.on('error', reject);
          req.end(JSON.stringify(body));
        }, reject);
      });
    }

    async function availableCount(): Promise<number> {
      const { esimProfileCounts } = await import('../src/storage/esim-profiles.ts');
      return (await esimProfileCounts(ctx.store.db)).available ?? 0;
    }
  });
}
