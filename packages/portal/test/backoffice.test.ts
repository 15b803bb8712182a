// The back-office API on SQLite and PostgreSQL: every endpoint with good and bad input (no key, wrong scope,
// malformed bodies, unknown subscribers, replayed and out-of-order usage), the walled-garden policy before and
// after purchase, after exhaustion and after expiry, and the RefreshURL's usage-only documents.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseDocument, verifyDocument } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { API_KEY_CACHE_TTL_MS, apiKeyCacheOf } from '../src/backoffice/api-key-cache.ts';
import { createApiKey, revokeApiKey, SCOPES } from '../src/backoffice/api-keys.ts';
import { LocalQueue } from '../src/jobs/local-queue.ts';
import { startJobs } from '../src/jobs/tasks.ts';
import { createMetrics } from '../src/metrics.ts';
import { MOBILE_PLANS_WALLED_GARDEN } from '../src/mobile-plans/walled-garden.ts';
import { buildServer } from '../src/server.ts';
import { getPlan, seedPlans, updatePlan } from '../src/storage/plans.ts';
import { findSim } from '../src/storage/sims.ts';
import { type Subscriber, subscriberById } from '../src/storage/subscribers.ts';
import { activeSubscription, subscriptionsOf } from '../src/storage/subscriptions.ts';
import { DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { buyPlan } from './helpers/purchase.ts';
import { refreshAs } from './helpers/refresh.ts';

const ICCID = '8901260000000000018';
const IMSI = '310260000000001';
/** The fields of a plan answer, in order: the definition (a body) and the read-only status and updatedAt. */
const PLAN_FIELDS = [
  'id',
  'name',
  'nameJa',
  'planType',
  'dataLimitMb',
  'durationDays',
  'bandwidthKbps',
  'priceMinor',
  'currency',
  'kind',
  'status',
  'updatedAt',
];
const SUBSCRIPTION_FIELDS = [
  'id',
  'subscriberId',
  'planId',
  'status',
  'startsAt',
  'endsAt',
  'dataLimitMegabytes',
  'usageMegabytes',
  'usageAt',
  'checkoutId',
  'createdAt',
];

for (const dialect of DIALECTS) {
  describe(`back-office API on ${dialect}`, () => {
    let ctx: TestContext;
    let app: FastifyInstance;
    let admin: string;
    let billing: string;
    let gateway: string;
    let subscriber: Subscriber;

    before(async () => {
      ctx = await testContext(dialect);
      ctx.queue = new LocalQueue(ctx.store.db, ctx.clock, 3_600_000);
      ctx.metrics = createMetrics(() => (ctx.queue as LocalQueue).depth());
      await startJobs(ctx, ctx.queue);
      app = await buildServer(ctx, { logger: false });
      const iso = ctx.clock().toISOString();
      admin = (await createApiKey(ctx.store.db, 'ops', ['admin'], iso)).key;
      billing = (await createApiKey(ctx.store.db, 'billing', ['usage:write'], iso)).key;
      gateway = (await createApiKey(ctx.store.db, 'gateway', ['policy:read'], iso)).key;
      const sim = await findSim(ctx.store.db, { iccid: ICCID });
      assert.ok(sim);
      subscriber = await subscriberForSim(ctx, sim, undefined);
    });
    after(async () => {
      await app.close();
      await ctx.queue?.stop();
      await ctx.close();
    });

    const call = (
      method: 'GET' | 'POST' | 'PATCH',
      url: string,
      key?: string,
      payload?: unknown,
      contentType = 'application/json',
    ) =>
      app.inject({
        method,
        url,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(payload !== undefined ? { 'content-type': contentType } : {}),
        },
        ...(payload !== undefined
          ? { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }
          : {}),
      });
    const policy = async () =>
      (await call('GET', `/api/v1/policy?iccid=${ICCID}`, gateway)).json() as {
        internet: boolean;
        reason: string;
        connectivityTest: { allowed: boolean; hosts: string[] };
      };
    const buy = () => buyPlan(ctx, subscriber.id);

    describe('authentication and scopes', () => {
      it('no key: 401 with a Bearer challenge; a forged or revoked key: 401; a key without the scope: 403', async () => {
        const none = await call('GET', `/api/v1/policy?iccid=${ICCID}`);
        assert.equal(none.statusCode, 401);
        assert.match(String(none.headers['www-authenticate']), /^Bearer/);
        assert.equal(none.json().code, 'MBPROV_AUTH_REQUIRED');
        assert.equal(
          (await call('GET', `/api/v1/policy?iccid=${ICCID}`, `${gateway.slice(0, -4)}AAAA`)).statusCode,
          401,
        );
        const temp = await createApiKey(ctx.store.db, 'temp', ['policy:read'], ctx.clock().toISOString());
        await revokeApiKey(ctx.store.db, temp.id, ctx.clock().toISOString());
        assert.equal((await call('GET', `/api/v1/policy?iccid=${ICCID}`, temp.key)).statusCode, 401);
        const wrong = await call('GET', `/api/v1/policy?iccid=${ICCID}`, billing);
        assert.equal(wrong.statusCode, 403);
        assert.equal(wrong.json().code, 'MBPROV_API_SCOPE');
      });
    });

    describe('API key cache', () => {
      const policyWith = async (key: string) =>
        (await call('GET', `/api/v1/policy?iccid=${ICCID}`, key)).statusCode;

      it('a key revoked through the same store handle is refused at once', async () => {
        const temp = await createApiKey(ctx.store.db, 'temp', ['policy:read'], ctx.clock().toISOString());
        assert.equal(await policyWith(temp.key), 200);
        assert.ok(
          apiKeyCacheOf(ctx.store.db).get(temp.id, ctx.clock().getTime()),
          'the verified key is cached',
        );
        await revokeApiKey(ctx.store.db, temp.id, ctx.clock().toISOString());
        assert.equal(await policyWith(temp.key), 401);
      });

      it('a key revoked by another process is refused once the cache TTL has passed, not before', async () => {
        const temp = await createApiKey(ctx.store.db, 'temp', ['policy:read'], ctx.clock().toISOString());
        assert.equal(await policyWith(temp.key), 200);
        const other = await ctx.openSibling();
        const start = ctx.clock();
        try {
          assert.equal(await revokeApiKey(other.db, temp.id, start.toISOString()), true);
          ctx.setNow(new Date(start.getTime() + API_KEY_CACHE_TTL_MS - 1));
          assert.equal(await policyWith(temp.key), 200, 'still cached: the documented staleness');
          ctx.setNow(new Date(start.getTime() + API_KEY_CACHE_TTL_MS));
          assert.equal(await policyWith(temp.key), 401);
        } finally {
          ctx.setNow(start);
          await other.close();
        }
      });

      it('unknown ids and wrong secrets do not enter the cache', async () => {
        const cache = apiKeyCacheOf(ctx.store.db);
        const before = cache.size;
        for (let i = 0; i < 5; i++) {
          const id = i.toString(16).padStart(16, 'e');
          assert.equal(await policyWith(`mbp_${id}_${'A'.repeat(32)}`), 401);
        }
        const temp = await createApiKey(ctx.store.db, 'temp', ['policy:read'], ctx.clock().toISOString());
        assert.equal(await policyWith(`${temp.key.slice(0, -4)}AAAA`), 401);
        assert.equal(cache.size, before);
        assert.equal(cache.get(temp.id, ctx.clock().getTime()), undefined);
      });
    });

    describe('walled-garden policy', () => {
      it('before purchase: no internet, connectivity-test hosts blocked, the portal allowed', async () => {
        const p = await policy();
        assert.deepEqual([p.internet, p.reason, p.connectivityTest.allowed], [false, 'no-plan', false]);
        assert.ok(p.connectivityTest.hosts.includes('www.msftconnecttest.com'));
        assert.ok(p.connectivityTest.hosts.includes('www.msftncsi.com'));
      });

      it('after purchase: internet and the connectivity test allowed', async () => {
        await buy();
        const p = await policy();
        assert.deepEqual([p.internet, p.reason, p.connectivityTest.allowed], [true, 'active', true]);
      });

      it('the walled-garden host list, the portal, the payment page and the Mobile Plans endpoints, downloads as text and JSON', async () => {
        // The test payment service listens on 127.0.0.1 here: its page is reached by that host. The demo has Mobile
        // Plans enabled: the app's documented endpoints follow.
        const mobilePlans = MOBILE_PLANS_WALLED_GARDEN.map((e) => e.host);
        const text = await call('GET', '/api/v1/walled-garden', gateway);
        assert.equal(text.statusCode, 200);
        assert.equal(text.body, `${['localhost', '127.0.0.1', ...mobilePlans].join('\n')}\n`);
        assert.deepEqual((await call('GET', '/api/v1/walled-garden?format=json', gateway)).json(), {
          hosts: ['localhost', '127.0.0.1', ...mobilePlans],
          mobilePlans: MOBILE_PLANS_WALLED_GARDEN,
        });
      });

      it('an unknown SIM is reported as such; no identifier is a 400', async () => {
        assert.equal(
          ((await call('GET', '/api/v1/policy?imsi=999999999999999', gateway)).json() as { reason: string })
            .reason,
          'unknown-sim',
        );
        assert.equal((await call('GET', '/api/v1/policy', gateway)).statusCode, 400);
      });
    });

    describe('usage updates', () => {
      // The plan was bought at the test clock's 10:00; reports come from the minutes after it.
      const report = (usageMegabytes: number, at: string) => ({
        updates: [{ iccid: ICCID, usageMegabytes, at }],
      });
      const refresh = () => refreshAs(app, ctx, subscriber);
      const documents = async () =>
        Number(
          (
            await ctx.store.db
              .selectFrom('documents')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('subscriber_id', '=', subscriber.id)
              .executeTakeFirst()
          )?.n,
        );
      const usageNow = async () => {
        const s = await activeSubscription(ctx.store.db, subscriber.id);
        return { usage_mb: s?.usage_mb, usage_at: s?.usage_at };
      };

      it('applies a report, and answers duplicate for the same timestamp and stale for an older one', async () => {
        const first = await call('POST', '/api/v1/usage', billing, report(300, '2026-11-21T10:01:00Z'));
        assert.equal(first.statusCode, 200);
        assert.equal(first.json().results[0].status, 'applied');
        assert.equal(
          (await call('POST', '/api/v1/usage', billing, report(300, '2026-11-21T10:01:00Z'))).json()
            .results[0].status,
          'duplicate',
        );
        assert.equal(
          (await call('POST', '/api/v1/usage', billing, report(100, '2026-11-21T10:00:30Z'))).json()
            .results[0].status,
          'stale',
        );
      });

      it('never moves usage backwards, even with a newer timestamp', async () => {
        const r = await call('POST', '/api/v1/usage', billing, report(200, '2026-11-21T10:02:00Z'));
        assert.equal(r.json().results[0].usageMegabytes, 300);
      });

      it('refuses a call with a report dated past usageReports.maxFutureSeconds or before maxAgeDays, applying none of it', async () => {
        assert.deepEqual(ctx.config.usageReports, { maxFutureSeconds: 300, maxAgeDays: 30 });
        const before = await usageNow();
        for (const at of ['9999-12-31T23:59:59Z', '2026-11-21T10:05:01Z', '2026-10-22T09:59:59Z']) {
          const r = await call('POST', '/api/v1/usage', billing, {
            updates: [
              { iccid: ICCID, usageMegabytes: 400, at: '2026-11-21T10:02:30Z' },
              { iccid: ICCID, usageMegabytes: 500, at },
            ],
          });
          assert.equal(r.statusCode, 400, at);
          assert.equal(r.json().code, 'MBPROV_USAGE_TIMESTAMP_OUT_OF_RANGE', at);
          assert.match(r.json().message, /updates\[1\]\.at/);
          assert.deepEqual(await usageNow(), before, 'the good report of the call is not applied either');
        }
      });

      it('the next refresh answers a signed usage-only document with the new usage', async () => {
        const r = await refresh();
        assert.equal(r.statusCode, 200);
        assert.equal(verifyDocument(r.body, { trustAnchors: [ctx.rootPem] }).valid, true);
        const model = parseDocument(r.body).model;
        assert.equal(model?.MBNProfiles, undefined, 'usage only');
        assert.deepEqual(model?.Plans?.Plan[0]?.Usage?.CurrentUsage, 300);
        assert.equal(model?.Plans?.Plan[0]?.Description, undefined);
        const stored = await documents();
        assert.equal((await refresh()).statusCode, 200);
        assert.equal(await documents(), stored, 'unchanged usage: nothing signed');
      });

      it('a usage time the clock never reaches (stored before the window existed) signs one document, not one per refresh, and does not freeze the usage', async () => {
        await ctx.store.db
          .updateTable('subscriptions')
          .set({ usage_at: '9999-12-31T00:00:00.000Z' })
          .where('subscriber_id', '=', subscriber.id)
          .where('status', '=', 'active')
          .execute();
        const stored = await documents();
        assert.equal((await refresh()).statusCode, 200);
        assert.equal(await documents(), stored + 1, 'the usage changed: one usage document');
        for (let n = 0; n < 3; n++) assert.equal((await refresh()).statusCode, 200);
        assert.equal(await documents(), stored + 1, 'then nothing changed: nothing signed');
        const real = await call('POST', '/api/v1/usage', billing, report(300, '2026-11-21T10:02:40Z'));
        assert.equal(real.json().results[0].status, 'applied', 'a real report is not stale');
        assert.equal((await usageNow()).usage_at, '2026-11-21T10:02:40.000Z');
        const r = await refresh();
        assert.equal(await documents(), stored + 2);
        assert.equal(
          parseDocument(r.body).model?.Plans?.Plan[0]?.Usage?.UsageTimestamp,
          '2026-11-21T10:02:40.000Z',
        );
      });

      it('crossing the allowance exhausts a Fixed plan: the policy closes the walled garden', async () => {
        const r = await call('POST', '/api/v1/usage', billing, report(1500, '2026-11-21T10:03:00Z'));
        assert.deepEqual(r.json().results[0], {
          index: 0,
          status: 'applied',
          usageMegabytes: 1500,
          exhausted: true,
        });
        const p = await policy();
        assert.deepEqual([p.internet, p.reason, p.connectivityTest.allowed], [false, 'exhausted', false]);
      });

      it('after expiry by date the policy says expired', async () => {
        ctx.setNow(new Date('2026-11-23T00:00:00Z'));
        try {
          await buy();
          ctx.setNow(new Date('2026-11-25T00:00:00Z'));
          const p = await policy();
          assert.deepEqual([p.internet, p.reason], [false, 'expired']);
        } finally {
          ctx.setNow(new Date('2026-11-21T10:00:00Z'));
        }
      });

      it('unknown SIMs, malformed and out-of-range reports are reported per item or refused whole', async () => {
        const mixed = await call('POST', '/api/v1/usage', billing, {
          updates: [{ imsi: '310260999999999', usageMegabytes: 1, at: '2026-11-21T10:01:00Z' }],
        });
        assert.equal(mixed.json().results[0].status, 'unknown-sim');
        for (const bad of [
          {},
          { updates: [] },
          { updates: [{ iccid: ICCID, usageMegabytes: -1, at: '2026-11-21T11:00:00Z' }] },
          { updates: [{ iccid: ICCID, usageMegabytes: 1, at: 'yesterday' }] },
          // More than the database's integer column holds (2,047 TB): a refusal, not an internal error.
          { updates: [{ iccid: ICCID, usageMegabytes: 2 ** 31, at: '2026-11-21T11:00:00Z' }] },
          { updates: [{ iccid: ICCID, usageMegabytes: 1, at: '2026-11-21T11:00:00Z', extra: 1 }] },
        ]) {
          const r = await call('POST', '/api/v1/usage', billing, bad);
          assert.equal(r.statusCode, 400, JSON.stringify(bad));
          assert.equal(r.json().code, 'MBPROV_API_BAD_REQUEST');
        }
        assert.equal(
          (await call('POST', '/api/v1/usage', billing, '{"updates": [', 'application/json')).statusCode,
          400,
        );
      });
    });

    describe('catalog, inventory, subscribers, documents, audit', () => {
      it('creates, updates and retires a plan; refuses a duplicate, an unknown plan and a Fixed plan without allowance', async () => {
        const plan = {
          id: 'weekend',
          name: 'Weekend',
          planType: 'Unrestricted',
          durationDays: 2,
          priceMinor: 500,
          currency: 'USD',
        };
        assert.equal((await call('POST', '/api/v1/plans', admin, plan)).statusCode, 201);
        assert.equal((await call('POST', '/api/v1/plans', admin, plan)).statusCode, 409);
        assert.equal(
          (await call('POST', '/api/v1/plans', admin, { ...plan, id: 'fixed', planType: 'Fixed' }))
            .statusCode,
          400,
        );
        const patched = await call('PATCH', '/api/v1/plans/weekend', admin, { priceMinor: 450 });
        assert.equal(patched.json().priceMinor, 450);
        assert.equal((await call('PATCH', '/api/v1/plans/nope', admin, { priceMinor: 1 })).statusCode, 404);
        assert.equal((await call('POST', '/api/v1/plans/weekend/retire', admin)).json().status, 'retired');
      });

      it('a restart (seeding the configured plans again) keeps what the API changed in the catalog', async () => {
        const plan = {
          id: 'holiday',
          name: 'Holiday',
          planType: 'Unrestricted',
          durationDays: 3,
          priceMinor: 700,
          currency: 'USD',
        };
        assert.equal((await call('POST', '/api/v1/plans', admin, plan)).statusCode, 201);
        assert.equal(
          (await call('PATCH', '/api/v1/plans/day-1gb', admin, { priceMinor: 123 })).json().priceMinor,
          123,
        );
        assert.equal((await call('POST', '/api/v1/plans/month-10gb/retire', admin)).json().status, 'retired');
        await seedPlans(ctx.store.db, ctx.config.plans, ctx.clock().toISOString());
        const holiday = await getPlan(ctx.store.db, 'holiday');
        assert.equal(holiday?.status, 'active', 'a plan created through the API is not retired');
        assert.equal((await getPlan(ctx.store.db, 'day-1gb'))?.price_minor, 123, 'an API edit is not undone');
        assert.equal(
          (await getPlan(ctx.store.db, 'month-10gb'))?.status,
          'retired',
          'a retired plan stays retired',
        );
        await call('PATCH', '/api/v1/plans/day-1gb', admin, {
          priceMinor: ctx.config.plans.find((p) => p.id === 'day-1gb')?.priceMinor,
        });
        await ctx.store.db
          .updateTable('plans')
          .set({ status: 'active' })
          .where('id', '=', 'month-10gb')
          .execute();
        await call('POST', '/api/v1/plans/holiday/retire', admin);
      });

      const auditCount = async () =>
        ((await call('GET', '/api/v1/audit?limit=1000', admin)).json() as { entries: unknown[] }).entries
          .length;
      /** Runs `step` with the clock a minute later (so that a write shows in updatedAt), then puts the clock back. */
      const aMinuteLater = async <T>(step: () => Promise<T>): Promise<T> => {
        const start = ctx.clock();
        ctx.setNow(new Date(start.getTime() + 60_000));
        try {
          return await step();
        } finally {
          ctx.setNow(start);
        }
      };

      it('answers every field of a plan; GET /api/v1/plans/{id} is the catalog entry; an unknown plan is 404', async () => {
        const stored = await getPlan(ctx.store.db, 'week-unlimited');
        assert.ok(stored);
        const r = await call('GET', '/api/v1/plans/week-unlimited', admin);
        assert.equal(r.statusCode, 200);
        assert.deepEqual(Object.keys(r.json()), PLAN_FIELDS);
        assert.deepEqual(r.json(), {
          id: 'week-unlimited',
          name: stored.name,
          nameJa: stored.name_ja,
          planType: 'Unrestricted',
          dataLimitMb: null,
          durationDays: stored.duration_days,
          bandwidthKbps: 10000,
          priceMinor: stored.price_minor,
          currency: stored.currency,
          kind: 'mobile',
          status: 'active',
          updatedAt: stored.updated_at,
        });
        const listed = (await call('GET', '/api/v1/plans', admin)).json() as { plans: Array<{ id: string }> };
        assert.deepEqual(
          listed.plans.find((p) => p.id === 'week-unlimited'),
          r.json(),
        );
        assert.equal((await call('GET', '/api/v1/plans/nope', admin)).statusCode, 404);
        assert.equal((await call('GET', '/api/v1/plans/week-unlimited', billing)).statusCode, 403);
      });

      it('a plan answer sent back unchanged as a PATCH body changes nothing: same answer, no audit entry, no job', async () => {
        await (ctx.queue as LocalQueue).drain();
        for (const id of ['day-1gb', 'week-unlimited', 'weekend']) {
          const read = (await call('GET', `/api/v1/plans/${id}`, admin)).json();
          const audited = await auditCount();
          const back = await aMinuteLater(() => call('PATCH', `/api/v1/plans/${id}`, admin, read));
          assert.equal(back.statusCode, 200, back.body);
          assert.deepEqual(back.json(), read, id);
          assert.deepEqual((await call('GET', `/api/v1/plans/${id}`, admin)).json(), read, id);
          assert.equal(await auditCount(), audited, 'nothing changed, nothing recorded');
          assert.equal(await (ctx.queue as LocalQueue).depth(), 0, 'no documents signed again');
        }
      });

      it('a changed answer sent back is written; null clears an optional field; a stale copy is 409 and writes nothing', async () => {
        const created = await call('POST', '/api/v1/plans', admin, {
          id: 'tour',
          name: 'Tour',
          nameJa: 'ツアー',
          planType: 'Fixed',
          dataLimitMb: 2048,
          durationDays: 7,
          bandwidthKbps: 5000,
          priceMinor: 900,
          currency: 'USD',
        });
        assert.equal(created.statusCode, 201, created.body);
        const read = created.json();
        assert.deepEqual(read, {
          id: 'tour',
          name: 'Tour',
          nameJa: 'ツアー',
          planType: 'Fixed',
          dataLimitMb: 2048,
          durationDays: 7,
          bandwidthKbps: 5000,
          priceMinor: 900,
          currency: 'USD',
          kind: 'mobile',
          status: 'active',
          updatedAt: ctx.clock().toISOString(),
        });
        const edited = { ...read, nameJa: null, bandwidthKbps: null, priceMinor: 800 };
        const written = await aMinuteLater(() => call('PATCH', '/api/v1/plans/tour', admin, edited));
        assert.equal(written.statusCode, 200, written.body);
        const later = new Date(ctx.clock().getTime() + 60_000).toISOString();
        assert.deepEqual(written.json(), { ...edited, updatedAt: later });
        const stored = await getPlan(ctx.store.db, 'tour');
        assert.deepEqual([stored?.name_ja, stored?.bandwidth_kbps, stored?.price_minor], [null, null, 800]);
        assert.equal(await (ctx.queue as LocalQueue).depth(), 1, 'documents are signed again');
        const entry = (
          (await call('GET', '/api/v1/audit?limit=1', admin)).json() as {
            entries: Array<{ action: string; details: { priceMinor?: number } }>;
          }
        ).entries[0];
        assert.deepEqual([entry?.action, entry?.details.priceMinor], ['plan.update', 800]);

        // The first copy is older than the plan now: sending it back would undo the edit.
        const stale = await call('PATCH', '/api/v1/plans/tour', admin, { ...read, priceMinor: 850 });
        assert.equal(stale.statusCode, 409);
        assert.equal(stale.json().code, 'MBPROV_API_CHANGED_SINCE_READ');
        assert.equal((await getPlan(ctx.store.db, 'tour'))?.price_minor, 800, 'nothing written');
        // A change racing another between its read and its write is refused by the storage, not just the route.
        const current = await getPlan(ctx.store.db, 'tour');
        assert.ok(current);
        assert.equal(await updatePlan(ctx.store.db, { ...current, price_minor: 1 }, read.updatedAt), false);
        assert.equal((await getPlan(ctx.store.db, 'tour'))?.price_minor, 800, 'nothing written');
        // The same instant spelled otherwise is the same copy.
        const sameInstant = later.replace(/\.000Z$/, 'Z');
        assert.notEqual(sameInstant, later);
        const fresh = await call('PATCH', '/api/v1/plans/tour', admin, {
          updatedAt: sameInstant,
          priceMinor: 850,
        });
        assert.equal(fresh.statusCode, 200, fresh.body);
        assert.equal(fresh.json().priceMinor, 850);
        await call('POST', '/api/v1/plans/tour/retire', admin);
        // The job was queued a minute ahead of the clock the other tests keep.
        await aMinuteLater(() => (ctx.queue as LocalQueue).drain());
      });

      it('refuses a patch that changes a read-only field or leaves a Fixed plan without allowance, and a new plan with read-only fields', async () => {
        const read = (await call('GET', '/api/v1/plans/day-1gb', admin)).json();
        for (const [patch, message] of [
          [{ ...read, id: 'other' }, /id is read-only/],
          [{ ...read, status: 'retired' }, /status is read-only.*retire/],
          [{ planType: 'Fixed', dataLimitMb: null }, /A Fixed plan needs dataLimitMb/],
          [{ price_minor: 1 }, /additional properties: \/price_minor$/],
        ] as const) {
          const r = await call('PATCH', '/api/v1/plans/day-1gb', admin, patch);
          assert.equal(r.statusCode, 400, JSON.stringify(patch));
          assert.equal(r.json().code, 'MBPROV_API_BAD_REQUEST');
          assert.match(r.json().message, message);
        }
        assert.deepEqual((await call('GET', '/api/v1/plans/day-1gb', admin)).json(), read, 'nothing written');
        const copy = await call('POST', '/api/v1/plans', admin, { ...read, id: 'day-1gb-copy' });
        assert.equal(copy.statusCode, 400, 'status and updatedAt are the portal’s');
        const { status: _status, updatedAt: _updatedAt, ...definition } = read;
        const created = await call('POST', '/api/v1/plans', admin, { ...definition, id: 'day-1gb-copy' });
        assert.equal(created.statusCode, 201, created.body);
        assert.deepEqual(created.json(), {
          ...read,
          id: 'day-1gb-copy',
          updatedAt: ctx.clock().toISOString(),
        });
        await call('POST', '/api/v1/plans/day-1gb-copy/retire', admin);
      });

      type ImportAnswer = {
        added: number;
        exists: number;
        rejected: number;
        rejectedByCode: Record<string, number>;
        rows: Array<{ line: number; iccid: string; status: string; code: string; reason: string }>;
        truncated: boolean;
      };
      const sims = async () =>
        Number(
          (
            await ctx.store.db
              .selectFrom('sims')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirst()
          )?.n,
        );

      it('imports SIMs from CSV: counts by outcome and by code, and each refused row with its line, code and reason', async () => {
        const csv =
          'ICCID,IMSI,MSISDN\n89012611111111111111,310261111111111,+15550111\n8901261111111111111X,310261111111112,\n89012611111111111111,310261111111113,\n8901260000000000018,310260000000001,\n89012622222222222222,310260000000001,\n89012633333333333333,310260000000002,\n';
        const r = await call('POST', '/api/v1/sims/import', admin, csv, 'text/csv');
        assert.equal(r.statusCode, 200);
        const body = r.json() as ImportAnswer;
        assert.deepEqual([body.added, body.exists, body.rejected, body.truncated], [1, 1, 4, false]);
        assert.deepEqual(body.rejectedByCode, {
          MBPROV_INVENTORY_ICCID_INVALID: 1,
          MBPROV_INVENTORY_DUPLICATE_IN_FILE: 2,
          MBPROV_INVENTORY_IMSI_TAKEN: 1,
        });
        assert.deepEqual(
          body.rows.map((row) => [row.line, row.status, row.code]),
          [
            [3, 'rejected', 'MBPROV_INVENTORY_ICCID_INVALID'],
            [4, 'rejected', 'MBPROV_INVENTORY_DUPLICATE_IN_FILE'],
            [6, 'rejected', 'MBPROV_INVENTORY_DUPLICATE_IN_FILE'],
            [7, 'rejected', 'MBPROV_INVENTORY_IMSI_TAKEN'],
          ],
        );
        assert.match(body.rows[0]?.reason ?? '', /ICCID/);
        assert.match(body.rows[1]?.reason ?? '', /ICCID repeated/);
        assert.match(body.rows[2]?.reason ?? '', /IMSI repeated/);
        assert.match(body.rows[3]?.reason ?? '', /another SIM/);
      });

      it('a huge CSV of bad rows gets a bounded report: counts by code, the first 100 refused rows, truncated; nothing written', async () => {
        const before = await sims();
        const long = '9'.repeat(100_000);
        const lines = ['ICCID,IMSI', `${long},${long}`];
        for (let n = 0; n < 60_000; n++)
          lines.push(n % 2 ? `123,310260000000001` : `89012699999999999999,12`);
        const r = await call('POST', '/api/v1/sims/import', admin, lines.join('\n'), 'text/csv');
        assert.equal(r.statusCode, 200);
        assert.ok(r.body.length < 32_000, `the report is ${r.body.length} bytes`);
        const body = r.json() as ImportAnswer;
        assert.deepEqual([body.added, body.exists, body.rejected, body.truncated], [0, 0, 60_001, true]);
        assert.deepEqual(body.rejectedByCode, {
          MBPROV_INVENTORY_ICCID_INVALID: 30_001,
          MBPROV_INVENTORY_IMSI_INVALID: 30_000,
        });
        assert.equal(body.rows.length, 100);
        assert.deepEqual(
          body.rows.slice(0, 3).map((row) => [row.line, row.code]),
          [
            [2, 'MBPROV_INVENTORY_ICCID_INVALID'],
            [3, 'MBPROV_INVENTORY_IMSI_INVALID'],
            [4, 'MBPROV_INVENTORY_ICCID_INVALID'],
          ],
        );
        assert.equal(body.rows[0]?.iccid, `${'9'.repeat(40)}…`, 'a long cell is echoed shortened');
        assert.equal(await sims(), before);
      });

      it('finds a subscriber by ICCID, IMSI or id, without its credential hash; 404 otherwise', async () => {
        for (const q of [`iccid=${ICCID}`, `imsi=${IMSI}`, `id=${subscriber.id}`]) {
          const r = await call('GET', `/api/v1/subscribers?${q}`, admin);
          assert.equal(r.statusCode, 200, q);
          const answer = r.json();
          assert.equal(answer.subscriber.id, subscriber.id);
          assert.match(answer.subscriber.refreshUrl, /\/refresh\//);
          assert.ok(!r.body.includes(subscriber.refresh_password_hash), 'no credential hash');
          // Every field the presenter writes reaches the client (a field the schema lacks would be dropped).
          const row = await subscriberById(ctx.store.db, subscriber.id);
          assert.ok(row);
          assert.deepEqual(answer.subscriber, {
            id: row.id,
            simId: row.sim_id,
            iccid: ICCID,
            imsi: IMSI,
            min: null,
            deviceId: row.device_id,
            refreshUser: row.refresh_user,
            credentialVersion: row.credential_version,
            status: 'active',
            createdAt: row.created_at,
            updatedAt: row.updated_at,
            refreshUrl: `${ctx.config.server.publicUrl.replace(/\/$/, '')}/refresh/${row.id}`,
          });
          // The purchases of the earlier tests, newest first, as the response schema lists them.
          const stored = await subscriptionsOf(ctx.store.db, subscriber.id);
          assert.equal(answer.subscriptions.length, stored.length);
          const [latest] = answer.subscriptions;
          assert.deepEqual(Object.keys(latest), SUBSCRIPTION_FIELDS);
          assert.deepEqual(latest, {
            id: stored[0]?.id,
            subscriberId: subscriber.id,
            planId: stored[0]?.plan_id,
            status: stored[0]?.status,
            startsAt: stored[0]?.starts_at,
            endsAt: stored[0]?.ends_at,
            dataLimitMegabytes: stored[0]?.data_limit_mb,
            usageMegabytes: stored[0]?.usage_mb,
            usageAt: stored[0]?.usage_at,
            checkoutId: stored[0]?.checkout_id,
            createdAt: stored[0]?.created_at,
          });
          assert.deepEqual(Object.keys(answer.latestDocument), ['version', 'kind', 'etag', 'createdAt']);
          assert.equal(typeof answer.latestDocument.version, 'number');
        }
        assert.equal(
          (await call('GET', '/api/v1/subscribers?iccid=8901269999999999999', admin)).statusCode,
          404,
        );
      });

      it('suspends (policy: suspended, no internet) and resumes a subscriber; unknown ids are 404', async () => {
        await buy().catch(() => undefined);
        assert.equal(
          (await call('POST', `/api/v1/subscribers/${subscriber.id}/suspend`, admin)).statusCode,
          200,
        );
        assert.equal((await policy()).reason, 'suspended');
        assert.equal(
          (await call('POST', `/api/v1/subscribers/${subscriber.id}/resume`, admin)).statusCode,
          200,
        );
        assert.notEqual((await policy()).reason, 'suspended');
        assert.equal((await call('POST', '/api/v1/subscribers/nope/suspend', admin)).statusCode, 404);
      });

      it('previews the document a subscriber would get, validated and with credentials masked', async () => {
        const r = await call('GET', `/api/v1/subscribers/${subscriber.id}/document/preview`, admin);
        assert.equal(r.statusCode, 200);
        const body = r.json() as { valid: boolean; xml: string };
        assert.equal(body.valid, true);
        assert.match(body.xml, /<Password>\*{8}<\/Password>/);
        assert.ok(!body.xml.includes(ctx.secrets.refreshPassword(subscriber.id, 1)));
      });

      it('re-signs every active subscriber’s document in the background after a certificate rotation', async () => {
        const before = await ctx.store.db.selectFrom('documents').select(['version']).execute();
        const r = await call('POST', '/api/v1/documents/regenerate', admin);
        assert.equal(r.statusCode, 202);
        assert.ok((await (ctx.queue as LocalQueue).depth()) >= 1);
        await (ctx.queue as LocalQueue).drain();
        const afterDocs = await ctx.store.db.selectFrom('documents').select(['version']).execute();
        assert.ok(afterDocs.length > before.length);
        assert.equal(await (ctx.queue as LocalQueue).depth(), 0);
      });

      it('keeps an audit log of every change, readable with audit:read', async () => {
        const r = await call('GET', '/api/v1/audit?limit=50', admin);
        const actions = (r.json() as { entries: Array<{ action: string; actor: string }> }).entries.map(
          (e) => e.action,
        );
        const [newest] = (r.json() as { entries: object[] }).entries;
        assert.deepEqual(Object.keys(newest ?? {}), ['id', 'at', 'actor', 'action', 'target', 'details']);
        for (const action of [
          'plan.create',
          'plan.update',
          'plan.retire',
          'sims.import',
          'subscriber.suspend',
          'subscriber.resume',
          'documents.regenerate',
        ]) {
          assert.ok(actions.includes(action), action);
        }
        assert.equal((await call('GET', '/api/v1/audit', billing)).statusCode, 403);
      });

      it('exports the COSA entries as JSON and CSV to cosa:read', async () => {
        const json = await call('GET', '/api/v1/cosa', admin);
        assert.equal(json.statusCode, 200);
        assert.match(json.body, /internet\.contoso\.example/);
        // The configured SIMs' network (310 260) and the one of the SIM imported through the API (310 261).
        const networks = new Set(
          (json.json() as Array<{ settings: Record<string, string> }>).map(
            (e) => `${e.settings.MCC} ${e.settings.MNC}`,
          ),
        );
        assert.deepEqual([...networks].sort(), ['310 260', '310 261']);
        const csv = await call('GET', '/api/v1/cosa?format=csv', admin);
        assert.match(String(csv.headers['content-type']), /text\/csv/);
        assert.match(csv.body, /AccountExperienceURL/);
        assert.equal((await call('GET', '/api/v1/cosa', billing)).statusCode, 403);
      });

      it('serves Prometheus metrics to metrics:read, and the OpenAPI document', async () => {
        const m = await call('GET', '/metrics', admin);
        assert.equal(m.statusCode, 200);
        assert.match(m.body, /mbprov_usage_reports_total\{status="applied"\} \d+/);
        // The usage tests refreshed the subscriber's document: RefreshURL answers are counted by status.
        assert.match(m.body, /mbprov_refresh_requests_total\{status="200"\} [1-9]/);
        assert.match(m.body, /mbprov_signing_duration_seconds_count\{kind="full"\} \d+/);
        assert.match(m.body, /mbprov_queue_depth \d+/);
        assert.equal((await call('GET', '/metrics', gateway)).statusCode, 403);
        type Responses = Record<string, { content?: Record<string, { schema?: { properties?: object } }> }>;
        const spec = (await call('GET', '/api/v1/openapi.json')).json() as {
          paths: Record<string, Record<string, { responses: Responses }>>;
        };
        // The answers gateways and billing systems read are described, errors included.
        const schemaOf = (path: string, method: string, status: string) =>
          spec.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema?.properties ??
          {};
        assert.deepEqual(Object.keys(schemaOf('/api/v1/usage', 'post', '200')), ['results']);
        for (const key of ['internet', 'reason', 'plan', 'allowedHosts', 'connectivityTest'])
          assert.ok(key in schemaOf('/api/v1/policy', 'get', '200'), key);
        assert.deepEqual(Object.keys(schemaOf('/api/v1/policy', 'get', '429')), ['code', 'message']);
        assert.deepEqual(Object.keys(schemaOf('/api/v1/subscribers', 'get', '200')), [
          'subscriber',
          'subscriptions',
          'latestDocument',
        ]);
        assert.deepEqual(Object.keys(schemaOf('/api/v1/plans', 'get', '200')), ['plans']);
        for (const [path, method, status] of [
          ['/api/v1/plans/{id}', 'get', '200'],
          ['/api/v1/plans', 'post', '201'],
          ['/api/v1/plans/{id}', 'patch', '200'],
          ['/api/v1/plans/{id}/retire', 'post', '200'],
        ] as const)
          assert.deepEqual(Object.keys(schemaOf(path, method, status)), PLAN_FIELDS, `${method} ${path}`);
        assert.deepEqual(Object.keys(schemaOf('/api/v1/sims/import', 'post', '200')), [
          'added',
          'exists',
          'rejected',
          'rejectedByCode',
          'rows',
          'truncated',
        ]);
        // One naming style: every property of every body and JSON answer of the API is camelCase. (The keys of
        // rejectedByCode are catalog codes, data rather than names; the RADIUS endpoints speak FreeRADIUS's rest
        // module, whose bodies are RADIUS attribute names such as control:Cleartext-Password.)
        const names = new Set<string>();
        const collect = (schema: unknown, into: string): void => {
          if (!schema || typeof schema !== 'object') return;
          const s = schema as Record<string, unknown>;
          for (const [name, sub] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) {
            names.add(`${into}.${name}`);
            if (name !== 'rejectedByCode') collect(sub, `${into}.${name}`);
          }
          for (const key of ['items', 'additionalProperties']) collect(s[key], into);
          for (const key of ['anyOf', 'oneOf', 'allOf'])
            for (const sub of (s[key] ?? []) as unknown[]) collect(sub, into);
        };
        for (const [path, operations] of Object.entries(spec.paths).filter(
          ([path]) => !path.startsWith('/api/v1/radius/'),
        ))
          for (const [method, operation] of Object.entries(
            operations as Record<string, { requestBody?: unknown; responses: Responses }>,
          )) {
            collect(
              (operation.requestBody as { content?: Record<string, { schema?: unknown }> } | undefined)
                ?.content?.['application/json']?.schema,
              `${method} ${path} body`,
            );
            for (const [status, answer] of Object.entries(operation.responses))
              collect(answer.content?.['application/json']?.schema, `${method} ${path} ${status}`);
          }
        assert.ok(names.size > 100, `${names.size} names`);
        const notCamel = [...names].filter(
          (n) => !/^[a-z][a-zA-Z0-9]*$/.test(n.slice(n.lastIndexOf('.') + 1)),
        );
        assert.deepEqual(notCamel, []);
      });
    });

    it('every scope is listed', () => {
      assert.ok(SCOPES.includes('admin'));
    });
  });
}

describe('back-office API limits', () => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let keys: { first: string; second: string };
  before(async () => {
    ctx = await testContext('sqlite', {
      configure: (c) => Object.assign(c.rateLimits, { apiPerMinute: 3, apiAuthFailuresPerMinute: 2 }),
    });
    app = await buildServer(ctx, { logger: false });
    const iso = ctx.clock().toISOString();
    keys = {
      first: (await createApiKey(ctx.store.db, 'first', ['policy:read'], iso)).key,
      second: (await createApiKey(ctx.store.db, 'second', ['policy:read'], iso)).key,
    };
  });
  after(async () => {
    await app.close();
    await ctx.close();
  });
  const get = (key: string, remoteAddress = '192.0.2.10') =>
    app.inject({
      method: 'GET',
      url: `/api/v1/policy?iccid=${ICCID}`,
      headers: { authorization: `Bearer ${key}` },
      remoteAddress,
    });

  it('a key gets apiPerMinute requests, then 429 MBPROV_RATE_LIMITED with Retry-After; other keys are not affected; the next minute it may again', async () => {
    for (let n = 0; n < 3; n++) assert.equal((await get(keys.first)).statusCode, 200);
    const refused = await get(keys.first);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().code, 'MBPROV_RATE_LIMITED');
    const retry = Number(refused.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60, String(retry));
    assert.equal((await get(keys.second)).statusCode, 200);
    ctx.setNow(new Date(ctx.clock().getTime() + 61_000));
    assert.equal((await get(keys.first)).statusCode, 200);
  });

  it('an address that failed to authenticate apiAuthFailuresPerMinute times gets 429 before any key is checked, even a good one; other addresses do not', async () => {
    const forged = 'mbp_00000000-0000-0000-0000-000000000000_forged';
    for (let n = 0; n < 2; n++) assert.equal((await get(forged, '198.51.100.7')).statusCode, 401);
    const blocked = await get(keys.second, '198.51.100.7');
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json().code, 'MBPROV_RATE_LIMITED');
    assert.equal((await get(keys.second, '203.0.113.5')).statusCode, 200);
    ctx.setNow(new Date(ctx.clock().getTime() + 61_000));
    assert.equal((await get(keys.second, '198.51.100.7')).statusCode, 200);
  });
});

describe('usage report window (usageReports)', () => {
  it('follows the configuration: reports up to maxFutureSeconds ahead and maxAgeDays back are taken, others refused', async () => {
    const ctx = await testContext('sqlite', {
      configure: (c) => Object.assign(c.usageReports, { maxFutureSeconds: 3600, maxAgeDays: 2 }),
    });
    const app = await buildServer(ctx, { logger: false });
    try {
      const { key } = await createApiKey(ctx.store.db, 'billing', ['usage:write'], ctx.clock().toISOString());
      const post = (at: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/usage',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ updates: [{ imsi: '310260999999999', usageMegabytes: 1, at }] }),
        });
      // The clock is 2026-11-21T10:00:00Z.
      for (const at of ['2026-11-21T11:00:00Z', '2026-11-19T10:00:00Z']) {
        const r = await post(at);
        assert.equal(r.statusCode, 200, at);
        assert.equal(r.json().results[0].status, 'unknown-sim', at);
      }
      for (const at of ['2026-11-21T11:00:01Z', '2026-11-19T09:59:59Z']) {
        const r = await post(at);
        assert.equal(r.statusCode, 400, at);
        assert.equal(r.json().code, 'MBPROV_USAGE_TIMESTAMP_OUT_OF_RANGE', at);
      }
    } finally {
      await app.close();
      await ctx.close();
    }
  });
});
