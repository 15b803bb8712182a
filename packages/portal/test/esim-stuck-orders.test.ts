// The stuck-order job on SQLite and PostgreSQL, against the test SM-DP+: orders a crash left in `ordering` (before
// DownloadOrder, after it, after ConfirmOrder released them) are cancelled at the SM-DP+ and return to stock once
// older than the bound; younger ones and released ones are left; an SM-DP+ that cannot be reached leaves them for the
// next run; an ICCID the SM-DP+ does not know is taken out of stock; two runs at once cancel each order once; and the
// job runs through the deployment's queue (the jobs table on SQLite, pg-boss on PostgreSQL).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { newSubscriberRow } from '../src/activation/subscribers.ts';
import { Es2plusClient } from '../src/esim/es2plus-client.ts';
import { createEsimOrders } from '../src/esim/esim-orders.ts';
import type { EsimOrders } from '../src/esim/orders.ts';
import { STUCK_ORDER_MS } from '../src/esim/stuck-orders.ts';
import type { TestSmdp } from '../src/esim/test-smdp.ts';
import { LocalQueue } from '../src/jobs/local-queue.ts';
import { PgBossQueue } from '../src/jobs/pg-boss-queue.ts';
import type { JobQueue } from '../src/jobs/queue.ts';
import { startJobs } from '../src/jobs/tasks.ts';
import {
  addEsimProfiles,
  claimStuckEsimOrder,
  esimProfileByIccid,
  reserveEsimProfile,
} from '../src/storage/esim-profiles.ts';
import { insertSubscriber } from '../src/storage/subscribers.ts';
import { DIALECTS, POSTGRES_URL, type TestContext, testContext } from './helpers/context.ts';
import { eidOf, iccids, type SmdpPki, smdpAndClient } from './helpers/smdp.ts';

const OPERATOR = 'mbprov-test';
const ADDRESS = 'smdp.operator.example';
const START = new Date('2026-11-21T10:00:00Z');

for (const dialect of DIALECTS) {
  describe(`stuck eSIM orders (${dialect})`, () => {
    let ctx: TestContext;
    let pki: SmdpPki;
    let smdp: TestSmdp;
    let client: Es2plusClient;
    let closeSmdp: () => Promise<void>;
    let orders: EsimOrders;
    let queue: JobQueue;
    let minutes = 0;
    const stock = iccids(5000, 40);

    /** Moves the test clock on by `n` minutes. */
    const wait = (n: number) => {
      minutes += n;
      ctx.setNow(new Date(START.getTime() + minutes * 60_000));
    };
    /** Reserves the next profile for a new subscriber, as an order does before its ES2+ calls, and stops there. */
    const newSubscriber = async () => {
      const id = randomUUID();
      await insertSubscriber(ctx.store.db, newSubscriberRow(ctx, id, ctx.clock().toISOString()));
      return id;
    };
    const reserve = async (eid: string) => {
      const subscriberId = await newSubscriber();
      const now = ctx.clock().toISOString();
      const profile = await ctx.store.transaction((tx) => reserveEsimProfile(tx, { subscriberId, eid }, now));
      assert.ok(profile);
      return profile;
    };
    const stateOf = async (iccid: string) => (await esimProfileByIccid(ctx.store.db, iccid))?.state;
    const cancels = (iccid: string) =>
      smdp.requests.filter(
        (r) => r.function === 'cancelOrder' && (r.body as { iccid?: string } | undefined)?.iccid === iccid,
      );

    before(async () => {
      ctx = await testContext(dialect, {
        now: START,
        configure: (config) => {
          config.esim = { smdpAddress: ADDRESS, functionRequesterIdentifier: OPERATOR };
        },
      });
      const started = await smdpAndClient({
        operator: OPERATOR,
        address: ADDRESS,
        profiles: stock.map((iccid) => ({ iccid })),
      });
      ({ smdp, client, pki } = started);
      closeSmdp = started.close;
      orders = createEsimOrders(ctx, client);
      ctx.esim = orders;
      await addEsimProfiles(
        ctx.store.db,
        stock.map((iccid) => ({ iccid })),
        ctx.clock().toISOString(),
      );
      queue =
        dialect === 'postgres'
          ? await PgBossQueue.start(POSTGRES_URL, `t_boss_esim_${process.pid}_${Date.now()}`)
          : new LocalQueue(ctx.store.db, ctx.clock, 3_600_000);
      await startJobs(ctx, queue);
    });
    after(async () => {
      await queue.stop();
      await closeSmdp();
      await ctx.close();
    });

    it('cancels orders a crash left at any step and returns them to stock once older than the bound', async () => {
      const eids = [eidOf(1), eidOf(2), eidOf(3)];
      // Crashed before DownloadOrder: the SM-DP+ holds no order.
      const beforeDownload = await reserve(eids[0] as string);
      // Crashed after DownloadOrder.
      const afterDownload = await reserve(eids[1] as string);
      await client.downloadOrder({ eid: eids[1], iccid: afterDownload.iccid });
      // Crashed after ConfirmOrder released it, before the portal stored it.
      const afterConfirm = await reserve(eids[2] as string);
      await client.downloadOrder({ eid: eids[2], iccid: afterConfirm.iccid });
      await client.confirmOrder({ iccid: afterConfirm.iccid, eid: eids[2], releaseFlag: true });
      assert.equal(smdp.profile(afterConfirm.iccid)?.state, 'Released');
      // A finished order is none of the job's business.
      const finished = await orders.order({ subscriberId: await newSubscriber(), eid: eidOf(5) });
      const stuck = [beforeDownload, afterDownload, afterConfirm];

      wait(STUCK_ORDER_MS / 60_000 - 1);
      assert.deepEqual(
        await orders.returnStuck(),
        { returned: 0, failed: 0, left: 0 },
        'younger than the bound',
      );
      for (const p of stuck) assert.equal(await stateOf(p.iccid), 'ordering');

      wait(2);
      // A fresh reservation made now is younger than the bound: left.
      const fresh = await reserve(eidOf(6));
      assert.deepEqual(await orders.returnStuck({ pageSize: 2 }), { returned: 3, failed: 0, left: 0 });
      for (const p of stuck) {
        assert.equal(await stateOf(p.iccid), 'available', p.iccid);
        assert.equal(smdp.profile(p.iccid)?.state, 'Available', p.iccid);
        const [cancel, extra] = cancels(p.iccid);
        assert.equal(extra, undefined);
        assert.ok(cancel);
        const { header, ...body } = cancel.body as { header: { functionRequesterIdentifier: string } };
        assert.equal(header.functionRequesterIdentifier, OPERATOR);
        assert.deepEqual(body, { iccid: p.iccid, eid: p.eid, finalProfileStatusIndicator: 'Available' });
        // Before DownloadOrder the SM-DP+ had no order to cancel (8.2.1/3.5): the profile is returned all the same.
        assert.equal(cancel?.answer?.status, p === beforeDownload ? 'Failed' : 'Executed-Success');
      }
      assert.equal(await stateOf(fresh.iccid), 'ordering');
      assert.equal(await stateOf(finished.iccid), 'released');
      assert.equal(smdp.profile(finished.iccid)?.state, 'Released');
      const row = await esimProfileByIccid(ctx.store.db, beforeDownload.iccid);
      assert.equal(row?.subscriber_id, null);
      assert.equal(row?.eid, null);
    });

    it('leaves orders when the SM-DP+ cannot be reached, and takes them back on the next run', async () => {
      wait(STUCK_ORDER_MS / 60_000 + 1);
      await orders.returnStuck(); // what the test before left
      const p = await reserve(eidOf(10));
      const q = await reserve(eidOf(11));
      wait(STUCK_ORDER_MS / 60_000 + 1);
      const gone = new Es2plusClient({
        url: 'https://127.0.0.1:1',
        functionRequesterIdentifier: OPERATOR,
        ...pki.client,
        timeoutMs: 2000,
      });
      try {
        // An unreachable SM-DP+ ends the run at the first order: one timeout, not one per order.
        assert.deepEqual(await createEsimOrders(ctx, gone).returnStuck(), {
          returned: 0,
          failed: 0,
          left: 1,
        });
      } finally {
        gone.close();
      }
      assert.ok(ctx.log.lines.some((l) => /not cancelled at the SM-DP\+/.test(l.msg ?? '')));
      assert.equal(await stateOf(p.iccid), 'ordering');
      assert.equal(await stateOf(q.iccid), 'ordering');
      // The claimed one waits for the bound again; the other is taken back at once.
      assert.deepEqual(await orders.returnStuck(), { returned: 1, failed: 0, left: 0 });
      wait(STUCK_ORDER_MS / 60_000 + 1);
      assert.deepEqual(await orders.returnStuck(), { returned: 1, failed: 0, left: 0 });
      assert.equal(await stateOf(p.iccid), 'available');
      assert.equal(await stateOf(q.iccid), 'available');
    });

    it('takes a profile the SM-DP+ does not know out of stock', async () => {
      const [unknown] = iccids(9000, 1) as [string];
      await addEsimProfiles(ctx.store.db, [{ iccid: unknown }], ctx.clock().toISOString());
      // Reserve up to the unknown ICCID (the highest), returning the others as they come.
      // (reserve() fails when the stock runs out, so the loop ends.)
      const reserved = [await reserve(eidOf(20))];
      while (reserved.at(-1)?.iccid !== unknown) reserved.push(await reserve(eidOf(20 + reserved.length)));
      wait(STUCK_ORDER_MS / 60_000 + 1);
      const outcome = await orders.returnStuck();
      assert.deepEqual({ ...outcome, returned: 0 }, { returned: 0, failed: 1, left: 0 });
      assert.ok(outcome.returned >= reserved.length - 1);
      for (const r of reserved.slice(0, -1)) assert.equal(await stateOf(r.iccid), 'available');
      assert.equal(await stateOf(unknown), 'failed');
      assert.match((await esimProfileByIccid(ctx.store.db, unknown))?.failure ?? '', /8\.2\.1\/3\.9/);
    });

    it('claims each order for one run: two runs at once cancel it once, and a moved order is not claimed', async () => {
      const ps = [await reserve(eidOf(60)), await reserve(eidOf(61)), await reserve(eidOf(62))];
      for (const p of ps.slice(1)) await client.downloadOrder({ eid: p.eid as string, iccid: p.iccid });
      wait(STUCK_ORDER_MS / 60_000 + 1);
      const were = ps.map((p) => cancels(p.iccid).length);
      const [a, b] = await Promise.all([orders.returnStuck(), orders.returnStuck()]);
      assert.equal((a?.returned ?? 0) + (b?.returned ?? 0), 3);
      for (const [i, p] of ps.entries()) {
        assert.equal(cancels(p.iccid).length, (were[i] ?? 0) + 1, p.iccid);
        assert.equal(await stateOf(p.iccid), 'available');
      }
      const p = await reserve(eidOf(63));
      assert.equal(await claimStuckEsimOrder(ctx.store.db, p.iccid, '2000-01-01T00:00:00.000Z', 'x'), false);
    });

    it('runs as the periodic job return-stuck-esim-orders through the queue', async () => {
      const p = await reserve(eidOf(70));
      await client.downloadOrder({ eid: eidOf(70), iccid: p.iccid });
      wait(STUCK_ORDER_MS / 60_000 + 1);
      await queue.enqueue('return-stuck-esim-orders', {});
      await queue.drain();
      assert.equal(await stateOf(p.iccid), 'available');
      assert.equal(smdp.profile(p.iccid)?.state, 'Available');
    });
  });
}
