// What the hot paths cost in statements, counted by a Kysely plugin on SQLite and PostgreSQL: a RefreshURL 304 is
// one statement (refreshState), a 200 one more (the document row), a re-sign after a usage change more; a
// back-office call with a key verified moments ago reads no key row.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { KyselyPlugin } from 'kysely';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { createApiKey } from '../src/backoffice/api-keys.ts';
import { buildServer } from '../src/server.ts';
import { findSim } from '../src/storage/sims.ts';
import type { Subscriber } from '../src/storage/subscribers.ts';
import { DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { buyPlan } from './helpers/purchase.ts';
import { refreshAs } from './helpers/refresh.ts';

const ICCID = '8901260000000000018';

for (const dialect of DIALECTS) {
  describe(`hot paths on ${dialect}`, () => {
    let ctx: TestContext;
    let app: FastifyInstance;
    let subscriber: Subscriber;
    let statements = 0;
    // Counts results, not transformQuery calls: a subquery built on the plugged Db is transformed on its own too.
    const counter: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        statements++;
        return args.result;
      },
    };
    /** The statements `work` ran. */
    const counted = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
      const start = statements;
      const result = await work();
      return [result, statements - start];
    };

    before(async () => {
      ctx = await testContext(dialect);
      const sim = await findSim(ctx.store.db, { iccid: ICCID });
      assert.ok(sim);
      subscriber = await subscriberForSim(ctx, sim, undefined);
      await buyPlan(ctx, subscriber.id);
      const db = ctx.store.db.withPlugin(counter);
      app = await buildServer(
        { ...ctx, store: { ...ctx.store, db, transaction: (work) => db.transaction().execute(work) } },
        { logger: false },
      );
    });
    after(async () => {
      await app.close();
      await ctx.close();
    });

    const refresh = (etag?: string) => refreshAs(app, ctx, subscriber, etag);

    it('a RefreshURL 304 is one statement and a 200 two; a usage change signs first, then 304s are one again', async () => {
      const [ok, okCost] = await counted(() => refresh());
      assert.equal(ok.statusCode, 200);
      assert.equal(okCost, 2);
      const etag = String(ok.headers.etag);
      const [same, sameCost] = await counted(() => refresh(etag));
      assert.equal(same.statusCode, 304);
      assert.equal(sameCost, 1);

      const { key } = await createApiKey(ctx.store.db, 'billing', ['usage:write'], ctx.clock().toISOString());
      const at = new Date(ctx.clock().getTime() + 60_000).toISOString();
      ctx.setNow(new Date(ctx.clock().getTime() + 120_000));
      const usage = await app.inject({
        method: 'POST',
        url: '/api/v1/usage',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ updates: [{ iccid: ICCID, usageMegabytes: 5, at }] }),
      });
      assert.equal(usage.statusCode, 200, usage.body);
      const [resigned, resignedCost] = await counted(() => refresh(etag));
      assert.equal(resigned.statusCode, 200, 'the usage-only document has a new ETag');
      assert.notEqual(resigned.headers.etag, etag);
      assert.ok(resignedCost > 2);
      const [again, againCost] = await counted(() => refresh(String(resigned.headers.etag)));
      assert.equal(again.statusCode, 304);
      assert.equal(againCost, 1);
    });

    it('a usage update is one statement, and so is a batch of 1,000 on PostgreSQL (a read and an update in one transaction on SQLite)', async () => {
      const { key } = await createApiKey(
        ctx.store.db,
        'billing2',
        ['usage:write'],
        ctx.clock().toISOString(),
      );
      const post = (updates: object[]) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/usage',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ updates }),
        });
      await post([{ iccid: ICCID, usageMegabytes: 6, at: ctx.clock().toISOString() }]); // reads the key row once
      const start = ctx.clock().getTime();
      const [one, oneCost] = await counted(() =>
        post([{ iccid: ICCID, usageMegabytes: 7, at: new Date(start + 1000).toISOString() }]),
      );
      assert.equal(one.json().results[0].status, 'applied', one.body);
      // Every SIM of the demo inventory, reported again and again: applied, stale, duplicate and unknown.
      const updates = Array.from({ length: 1000 }, (_, i) => ({
        iccid: `89012600000000000${String(10 + (i % 90)).padStart(2, '0')}`,
        usageMegabytes: 10 + i,
        at: new Date(start + 2000 + (i % 7) * 1000).toISOString(),
      }));
      const [batch, batchCost] = await counted(() => post(updates));
      assert.equal(batch.statusCode, 200, batch.body);
      assert.equal(batch.json().results.length, 1000);
      assert.deepEqual([oneCost, batchCost], [1, dialect === 'postgres' ? 1 : 2]);
    });

    it('a key verified moments ago costs no statement to check', async () => {
      const { key } = await createApiKey(ctx.store.db, 'gateway', ['policy:read'], ctx.clock().toISOString());
      const policy = () =>
        app.inject({
          method: 'GET',
          url: `/api/v1/policy?iccid=${ICCID}`,
          headers: { authorization: `Bearer ${key}` },
        });
      const [first, firstCost] = await counted(policy);
      const [second, secondCost] = await counted(policy);
      assert.deepEqual([first.statusCode, second.statusCode], [200, 200]);
      assert.equal(firstCost - secondCost, 1, 'only the first call reads the key row');
    });
  });
}
