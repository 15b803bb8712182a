// Checkout and activation on SQLite and on PostgreSQL (a real connection): idempotent payments, crash safety,
// one active subscription per SIM under concurrency, and a signed document that validates and verifies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateDocument, verifyDocument } from '@mbprov/core';
import { type CheckoutRequest, completeCheckout, newCheckoutId } from '../src/activation/checkout.ts';
import { sweepCheckouts } from '../src/activation/checkout-expiry.ts';
import { openStoredDocument } from '../src/activation/documents-at-rest.ts';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { LocalQueue } from '../src/jobs/local-queue.ts';
import { startJobs } from '../src/jobs/tasks.ts';
import { TEST_CARDS } from '../src/payments/card-test-provider.ts';
import { getCheckout } from '../src/storage/checkouts.ts';
import { latestFullDocument } from '../src/storage/documents.ts';
import { findSim } from '../src/storage/sims.ts';
import type { Subscriber } from '../src/storage/subscribers.ts';
import { activeSubscription } from '../src/storage/subscriptions.ts';
import { DIALECTS, type TestContext, testContext } from './helpers/context.ts';

const card = (number: string = TEST_CARDS.accepted) => ({
  number,
  expiry: '12/30',
  cvc: '123',
  name: 'Test User',
});

/** What the plans page's form posts: checkout `checkoutId` of `subscriberId`, for `planId`, with `number`. */
function form(
  ctx: TestContext,
  subscriberId: string,
  checkoutId: string,
  planId: string,
  number: string = TEST_CARDS.accepted,
): CheckoutRequest {
  return {
    checkoutId,
    subscriberId,
    shownAt: ctx.clock(),
    planId,
    card: card(number),
    client: 'test-client',
  };
}

/** The subscriber of a demo SIM (created on first use, as the entry page does). */
async function subscriberOfSim(ctx: TestContext, iccid: string): Promise<Subscriber> {
  const sim = await findSim(ctx.store.db, { iccid });
  assert.ok(sim, `demo SIM ${iccid}`);
  return subscriberForSim(ctx, sim, '358470110000011');
}

for (const dialect of DIALECTS) {
  describe(`activation on ${dialect}`, () => {
    let ctx: TestContext;
    let subscriber: Subscriber;
    let firstCheckoutId: string;
    before(async () => {
      ctx = await testContext(dialect);
    });
    after(() => ctx.close());

    const freshSubscriber = (iccid: string) => subscriberOfSim(ctx, iccid);

    it('pays once and activates: one subscription, one document that validates and verifies against the test root', async () => {
      subscriber = await freshSubscriber('8901260000000000018');
      const checkoutId = newCheckoutId();
      firstCheckoutId = checkoutId;
      const outcome = await completeCheckout(ctx, form(ctx, subscriber.id, checkoutId, 'month-10gb'));
      assert.equal(outcome.kind, 'completed');
      assert.equal((await ctx.payments.counts()).charges, 1);
      const active = await activeSubscription(ctx.store.db, subscriber.id);
      assert.equal(active?.plan_id, 'month-10gb');
      assert.equal(active?.data_limit_mb, 10000);
      const stored = await latestFullDocument(ctx.store.db, subscriber.id);
      assert.ok(stored);
      assert.doesNotMatch(stored.xml_encrypted, /CarrierProvisioning/, 'encrypted at rest');
      const xml = await openStoredDocument(ctx, stored.xml_encrypted);
      assert.equal(validateDocument(xml).valid, true);
      const verified = verifyDocument(xml, { trustAnchors: [ctx.rootPem], requireEv: true });
      assert.equal(verified.valid, true, JSON.stringify(verified.errors));
      assert.match(
        xml,
        new RegExp(`<RefreshURL>https://localhost:8443/refresh/${subscriber.id}</RefreshURL>`),
      );
      assert.match(xml, new RegExp(`<UserName>${subscriber.refresh_user}</UserName>`));
    });

    it('a double submit of the same checkout neither charges twice nor creates a second subscription', async () => {
      const s = await freshSubscriber('8901260000000000026');
      const checkoutId = newCheckoutId();
      const before = (await ctx.payments.counts()).charges;
      const [a, b] = await Promise.all([
        completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb')),
        completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb')),
      ]);
      const again = await completeCheckout(ctx, form(ctx, s.id, checkoutId, 'week-unlimited'));
      assert.equal(a.kind, 'completed');
      assert.deepEqual(b, a);
      assert.deepEqual(again, a, 'a reload answers the same, and cannot switch plans');
      assert.equal((await ctx.payments.counts()).charges - before, 1);
      const rows = await ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('subscriber_id', '=', s.id)
        .execute();
      assert.equal(rows.length, 1);
    });

    it('a declined card writes no subscription and answers the same on reload', async () => {
      const s = await freshSubscriber('8901260000000000034');
      const checkoutId = newCheckoutId();
      const outcome = await completeCheckout(
        ctx,
        form(ctx, s.id, checkoutId, 'day-1gb', TEST_CARDS.declined),
      );
      assert.deepEqual(outcome, { kind: 'declined', reason: 'card-declined' });
      assert.deepEqual(await completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb')), outcome);
      assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);
      assert.equal(await latestFullDocument(ctx.store.db, s.id), undefined);
    });

    it('a crash between payment capture and commit: the retry completes without charging twice', async () => {
      const s = await freshSubscriber('8901260000000000042');
      const checkoutId = newCheckoutId();
      const before = (await ctx.payments.counts()).charges;
      const capture = ctx.payments.capture.bind(ctx.payments);
      let crashes = 1;
      ctx.payments.capture = async (request) => {
        const result = await capture(request);
        if (crashes-- > 0) throw new Error('process killed after the provider captured');
        return result;
      };
      try {
        await assert.rejects(completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb')), /process killed/);
        assert.equal(await activeSubscription(ctx.store.db, s.id), undefined, 'nothing active yet');
        const outcome = await completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb'));
        assert.equal(outcome.kind, 'completed');
      } finally {
        ctx.payments.capture = capture;
      }
      assert.equal(
        (await ctx.payments.counts()).charges - before,
        1,
        'the provider saw the same idempotency key twice',
      );
    });

    it('two concurrent checkouts for one SIM end with exactly one active subscription; the other payment is refunded', async () => {
      const s = await freshSubscriber('8901260000000000059');
      const [c1, c2] = [newCheckoutId(), newCheckoutId()];
      const refundsBefore = (await ctx.payments.counts()).refunds;
      // Both payments are captured before either activates: the race this test is about. Without the barrier a
      // slow machine may run the two one after the other, and the second is then superseded before any charge.
      const capture = ctx.payments.capture.bind(ctx.payments);
      let arrived = 0;
      let release = () => {};
      const bothCapturing = new Promise<void>((resolve) => {
        release = resolve;
        setTimeout(resolve, 10_000).unref();
      });
      ctx.payments.capture = async (request) => {
        if (++arrived === 2) release();
        await bothCapturing;
        return capture(request);
      };
      let outcomes: Awaited<ReturnType<typeof completeCheckout>>[];
      try {
        outcomes = await Promise.all([
          completeCheckout(ctx, form(ctx, s.id, c1, 'day-1gb')),
          completeCheckout(ctx, form(ctx, s.id, c2, 'month-10gb')),
        ]);
      } finally {
        ctx.payments.capture = capture;
      }
      assert.equal(arrived, 2, 'both checkouts reached the payment');
      assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['already-active', 'completed']);
      const active = await ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('subscriber_id', '=', s.id)
        .where('status', '=', 'active')
        .execute();
      assert.equal(active.length, 1);
      assert.equal((await ctx.payments.counts()).refunds - refundsBefore, 1);
    });

    it('renewal: after the plan expired by date a new checkout activates a new plan', async () => {
      ctx.setNow(new Date('2026-12-31T00:00:00Z'));
      try {
        const checkoutId = newCheckoutId();
        const outcome = await completeCheckout(ctx, form(ctx, subscriber.id, checkoutId, 'day-1gb'));
        assert.equal(outcome.kind, 'completed');
        const statuses = await ctx.store.db
          .selectFrom('subscriptions')
          .select(['status', 'plan_id'])
          .where('subscriber_id', '=', subscriber.id)
          .orderBy('created_at')
          .execute();
        assert.deepEqual(statuses, [
          { status: 'expired', plan_id: 'month-10gb' },
          { status: 'active', plan_id: 'day-1gb' },
        ]);
      } finally {
        ctx.setNow(new Date('2026-11-21T10:00:00Z'));
      }
    });

    it('a retired plan cannot be bought (nothing stored); another subscriber’s checkout id is refused', async () => {
      await ctx.store.db
        .updateTable('plans')
        .set({ status: 'retired' })
        .where('id', '=', 'week-unlimited')
        .execute();
      const s = await freshSubscriber('8901260000000000026');
      const checkoutId = newCheckoutId();
      assert.deepEqual(await completeCheckout(ctx, form(ctx, s.id, checkoutId, 'week-unlimited')), {
        kind: 'plan-unavailable',
      });
      assert.equal(await getCheckout(ctx.store.db, checkoutId), undefined, 'nothing stored');
      assert.deepEqual(await completeCheckout(ctx, form(ctx, s.id, firstCheckoutId, 'day-1gb')), {
        kind: 'unknown-checkout',
      });
      await ctx.store.db
        .updateTable('plans')
        .set({ status: 'active' })
        .where('id', '=', 'week-unlimited')
        .execute();
    });

    it('no secret reaches the log', () => {
      const logged = JSON.stringify(ctx.log.lines);
      assert.doesNotMatch(logged, /4242424242424242|Password|BEGIN PRIVATE KEY/);
      assert.ok(!logged.includes(ctx.secrets.refreshPassword(subscriber.id, 1)));
    });
  });
}

describe('a configuration that builds an invalid document', () => {
  it('is an operator error found before payment: logged with a reference, nothing charged, nothing activated or sent', async () => {
    const ctx = await testContext('sqlite', {
      configure: (config) => {
        (config.operator.wifi[0] as { trustedDomains: string[] }).trustedDomains = ['https://not-a-host/'];
      },
    });
    try {
      const sim = await findSim(ctx.store.db, { iccid: '8901260000000000018' });
      assert.ok(sim);
      const s = await subscriberForSim(ctx, sim, undefined);
      const checkoutId = newCheckoutId();
      await assert.rejects(completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb')), {
        code: 'MBPROV_DOCUMENT_INVALID',
      });
      assert.equal((await ctx.payments.counts()).charges, 0);
      assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);
      assert.equal(await latestFullDocument(ctx.store.db, s.id), undefined);
      const error = ctx.log.lines.find((l) => l.level === 'error');
      assert.match(JSON.stringify(error), /MBPROV_WLAN_TRUSTED_DOMAIN_FORMAT/);
    } finally {
      await ctx.close();
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`renewal while a plan is active on ${dialect} (operator.renewWhileActive)`, () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await testContext(dialect);
    });
    after(() => ctx.close());

    const subscriberOf = (iccid: string) => subscriberOfSim(ctx, iccid);
    const buy = async (subscriberId: string, planId: string) =>
      completeCheckout(ctx, form(ctx, subscriberId, newCheckoutId(), planId));
    const subscriptionsOf = (subscriberId: string) =>
      ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('subscriber_id', '=', subscriberId)
        .orderBy('created_at')
        .execute();
    const documentOf = async (subscriberId: string) => {
      const stored = await latestFullDocument(ctx.store.db, subscriberId);
      assert.ok(stored);
      return openStoredDocument(ctx, stored.xml_encrypted);
    };
    const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

    it('extend: the same plan again moves the end by its duration and adds its allowance, in the signed document too; another plan is refused before charging', async () => {
      ctx.config.operator.renewWhileActive = 'extend';
      const s = await subscriberOf('8901260000000000018');
      assert.equal((await buy(s.id, 'month-10gb')).kind, 'completed');
      const charges = (await ctx.payments.counts()).charges;
      const again = await buy(s.id, 'month-10gb');
      assert.equal(again.kind, 'completed');
      assert.equal((await ctx.payments.counts()).charges, charges + 1);
      const rows = await subscriptionsOf(s.id);
      assert.equal(rows.length, 1, 'the active subscription is extended, not duplicated');
      const [row] = rows;
      assert.equal(row?.status, 'active');
      assert.equal(days(row?.starts_at as string, row?.ends_at as string), 60);
      assert.equal(row?.data_limit_mb, 20000);
      const xml = await documentOf(s.id);
      assert.match(xml, /<DataLimitInMegabytes>20000<\/DataLimitInMegabytes>/);
      assert.match(xml, /Duration="P60D"/);
      assert.equal(verifyDocument(xml, { trustAnchors: [ctx.rootPem], requireEv: true }).valid, true);

      const other = await buy(s.id, 'day-1gb');
      assert.equal(other.kind, 'plan-unavailable');
      assert.equal(
        (await ctx.payments.counts()).charges,
        charges + 1,
        'nothing charged for a plan that cannot extend',
      );
    });

    it('extend: two concurrent purchases both count (each paid once), whatever order the transactions take', async () => {
      ctx.config.operator.renewWhileActive = 'extend';
      const s = await subscriberOf('8901260000000000026');
      assert.equal((await buy(s.id, 'day-1gb')).kind, 'completed');
      const [a, b] = await Promise.all([buy(s.id, 'day-1gb'), buy(s.id, 'day-1gb')]);
      assert.deepEqual([a.kind, b.kind], ['completed', 'completed']);
      const [row, ...more] = await subscriptionsOf(s.id);
      assert.equal(more.length, 0);
      assert.equal(days(row?.starts_at as string, row?.ends_at as string), 3);
      assert.equal(row?.data_limit_mb, 3000);
      assert.match(await documentOf(s.id), /<DataLimitInMegabytes>3000<\/DataLimitInMegabytes>/);
      assert.equal((await ctx.payments.counts()).refunds, 0);
    });

    it('replace: another plan ends the active one now and starts from today; refuse (the default) answers already-active without charging', async () => {
      ctx.config.operator.renewWhileActive = 'replace';
      const s = await subscriberOf('8901260000000000034');
      assert.equal((await buy(s.id, 'day-1gb')).kind, 'completed');
      const replaced = await buy(s.id, 'week-unlimited');
      assert.equal(replaced.kind, 'completed');
      const rows = await subscriptionsOf(s.id);
      assert.deepEqual(
        rows.map((r) => [r.plan_id, r.status]),
        [
          ['day-1gb', 'replaced'],
          ['week-unlimited', 'active'],
        ],
      );
      assert.equal((await activeSubscription(ctx.store.db, s.id))?.plan_id, 'week-unlimited');
      assert.match(await documentOf(s.id), /PlanType="Unrestricted"/);

      ctx.config.operator.renewWhileActive = 'refuse';
      const charges = (await ctx.payments.counts()).charges;
      const checkoutId = newCheckoutId();
      const refused = await completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb'));
      assert.equal(refused.kind, 'already-active');
      assert.equal((await ctx.payments.counts()).charges, charges, 'refused before charging');
      const ended = await getCheckout(ctx.store.db, checkoutId);
      assert.deepEqual([ended?.status, ended?.failure], ['superseded', 'already-active'], 'not left pending');
      assert.equal((await activeSubscription(ctx.store.db, s.id))?.plan_id, 'week-unlimited');
    });
  });
}

/** Makes the provider capture and then fail, as a process killed before the capture was recorded. */
function crashAfterCapture(ctx: TestContext): () => void {
  const capture = ctx.payments.capture.bind(ctx.payments);
  ctx.payments.capture = async (request) => {
    await capture(request);
    throw new Error('process killed after the provider captured');
  };
  return () => {
    ctx.payments.capture = capture;
  };
}

for (const dialect of DIALECTS) {
  describe(`crashes, restarts and the expiry sweep on ${dialect}`, () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await testContext(dialect);
    });
    after(() => ctx.close());
    const later = (minutes: number) => new Date(ctx.clock().getTime() + minutes * 60_000);

    it('a portal restarted after a crash between capture and record finds the charge in the database: the retry completes without charging again', async () => {
      const s = await subscriberOfSim(ctx, '8901260000000000018');
      const checkoutId = newCheckoutId();
      const restore = crashAfterCapture(ctx);
      await assert.rejects(completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb')), /process killed/);
      restore();
      assert.equal((await getCheckout(ctx.store.db, checkoutId))?.payment_reference, null, 'not recorded');

      ctx = await ctx.restart();
      const found = await ctx.payments.lookup(checkoutId);
      assert.equal(found?.status, 'captured', 'the new provider finds the earlier charge');
      const outcome = await completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb'));
      assert.equal(outcome.kind, 'completed');
      assert.deepEqual(await ctx.payments.counts(), { charges: 1, refunds: 0 });
      const stored = await getCheckout(ctx.store.db, checkoutId);
      assert.deepEqual(
        [stored?.status, stored?.payment_reference],
        ['completed', found?.status === 'captured' ? found.reference : ''],
      );
    });

    it('the expiry job ends checkouts unfinished after checkouts.ttlMinutes, refunding the charge the provider finds; a retry answers expired; chargeless ones are deleted after checkouts.retentionDays', async () => {
      const s = await subscriberOfSim(ctx, '8901260000000000026');
      const [paid, unpaid, recent] = [newCheckoutId(), newCheckoutId(), newCheckoutId()];
      const restore = crashAfterCapture(ctx);
      await assert.rejects(completeCheckout(ctx, form(ctx, s.id, paid, 'day-1gb')), /process killed/);
      restore();
      const capture = ctx.payments.capture;
      ctx.payments.capture = async () => {
        throw new Error('process killed before the provider was asked');
      };
      await assert.rejects(completeCheckout(ctx, form(ctx, s.id, unpaid, 'day-1gb')), /process killed/);
      const start = ctx.clock();
      ctx.setNow(later(59));
      await assert.rejects(completeCheckout(ctx, form(ctx, s.id, recent, 'day-1gb')), /process killed/);
      ctx.payments.capture = capture;
      const charges = (await ctx.payments.counts()).charges;

      ctx.setNow(new Date(start.getTime() + 61 * 60_000));
      try {
        const queue = new LocalQueue(ctx.store.db, ctx.clock, 3_600_000);
        await startJobs(ctx, queue);
        await queue.enqueue('expire-sweep', {});
        await queue.drain();
        await queue.stop();
        const status = async (id: string) => {
          const row = await getCheckout(ctx.store.db, id);
          return [row?.status, row?.payment_reference === null ? 'no charge' : 'charge'];
        };
        assert.deepEqual(await status(paid), ['expired', 'charge']);
        assert.deepEqual(await status(unpaid), ['expired', 'no charge']);
        assert.deepEqual(await status(recent), ['pending', 'no charge'], 'younger than the TTL');
        assert.deepEqual(await ctx.payments.counts(), { charges, refunds: 1 });
        assert.deepEqual(await completeCheckout(ctx, form(ctx, s.id, paid, 'day-1gb')), { kind: 'expired' });
        assert.deepEqual(await ctx.payments.counts(), { charges, refunds: 1 }, 'nothing charged again');
        assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);

        ctx.setNow(new Date(start.getTime() + 31 * 86_400_000));
        const swept = await sweepCheckouts(ctx);
        assert.equal(swept.expired, 1, 'the recent one, now old');
        assert.ok(swept.deleted >= 1);
        assert.equal(await getCheckout(ctx.store.db, unpaid), undefined, 'chargeless: deleted');
        assert.equal((await getCheckout(ctx.store.db, paid))?.status, 'expired', 'refunded: kept');
      } finally {
        ctx.setNow(start);
      }
    });

    it('a capture that lands after the sweep cancelled its checkout is refunded at once', async () => {
      const s = await subscriberOfSim(ctx, '8901260000000000034');
      const checkoutId = newCheckoutId();
      const capture = ctx.payments.capture.bind(ctx.payments);
      ctx.payments.capture = async () => {
        throw new Error('process killed before the provider was asked');
      };
      await assert.rejects(completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb')), /process killed/);
      const start = ctx.clock();
      ctx.setNow(later(61));
      // The retry reads the checkout pending; the sweep cancels it while the provider is charging.
      ctx.payments.capture = async (request) => {
        await sweepCheckouts(ctx);
        return capture(request);
      };
      try {
        const before = await ctx.payments.counts();
        const outcome = await completeCheckout(ctx, form(ctx, s.id, checkoutId, 'day-1gb'));
        assert.deepEqual(outcome, { kind: 'expired' });
        assert.deepEqual(await ctx.payments.counts(), {
          charges: before.charges + 1,
          refunds: before.refunds + 1,
        });
        assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);
      } finally {
        ctx.payments.capture = capture;
        ctx.setNow(start);
      }
    });
  });
}
