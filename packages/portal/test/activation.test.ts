// Checkout and activation on SQLite and on PostgreSQL (a real connection): idempotent payments, crash safety,
// one active subscription per SIM under concurrency, and a signed document that validates and verifies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateDocument, verifyDocument } from '@mbprov/core';
import { DECLINED_TEST_CARD } from '../../cli/src/demo/test-payment-page.ts';
import { newCheckoutId, returnFromPayment, startCheckout } from '../src/activation/checkout.ts';
import { sweepCheckouts } from '../src/activation/checkout-expiry.ts';
import { openStoredDocument } from '../src/activation/documents-at-rest.ts';
import { confirmPayment } from '../src/activation/payment-confirmation.ts';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { LocalQueue } from '../src/jobs/local-queue.ts';
import { startJobs } from '../src/jobs/tasks.ts';
import { getCheckout, markCaptured } from '../src/storage/checkouts.ts';
import { latestFullDocument } from '../src/storage/documents.ts';
import { addSims, findSim } from '../src/storage/sims.ts';
import type { Subscriber } from '../src/storage/subscribers.ts';
import { activeSubscription } from '../src/storage/subscriptions.ts';
import { findTestPaymentByCheckout } from '../src/storage/test-payments.ts';
import { DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { checkoutForm as form, paidWithoutReport, payStarted, purchase } from './helpers/purchase.ts';

/** The subscriber of a SIM of the inventory, added when missing (the demo has five), as the entry page makes it. */
async function subscriberOfSim(ctx: TestContext, iccid: string): Promise<Subscriber> {
  await addSims(ctx.store.db, [{ iccid }], ctx.clock().toISOString());
  const sim = await findSim(ctx.store.db, { iccid });
  assert.ok(sim, `SIM ${iccid}`);
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

    it('pays once on the hosted page and activates: one subscription, one document that validates and verifies against the test root', async () => {
      subscriber = await freshSubscriber('8901260000000000018');
      const checkoutId = newCheckoutId();
      firstCheckoutId = checkoutId;
      const outcome = await purchase(ctx, subscriber.id, 'month-10gb', { checkoutId });
      assert.equal(outcome.kind, 'completed');
      assert.deepEqual(await ctx.paymentCounts(), { charges: 1, refunds: 0 });
      const checkout = await getCheckout(ctx.store.db, checkoutId);
      assert.deepEqual(
        [
          checkout?.status,
          checkout?.payment_provider,
          checkout?.method_kind,
          checkout?.method_brand,
          checkout?.method_last4,
        ],
        ['completed', 'test', 'card', 'visa', '4242'],
      );
      assert.match(checkout?.order_number ?? '', /^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
      const active = await activeSubscription(ctx.store.db, subscriber.id);
      assert.equal(active?.plan_id, 'month-10gb');
      assert.equal(active?.data_limit_mb, 10000);
      const stored = await latestFullDocument(ctx.store.db, subscriber.id);
      assert.ok(stored);
      assert.ok(!stored.sealed.includes('CarrierProvisioning'), 'encrypted at rest');
      const xml = await openStoredDocument(ctx, stored.sealed);
      assert.equal(validateDocument(xml).valid, true);
      const verified = verifyDocument(xml, { trustAnchors: [ctx.rootPem], requireEv: true });
      assert.equal(verified.valid, true, JSON.stringify(verified.errors));
      assert.match(
        xml,
        new RegExp(`<RefreshURL>https://localhost:8443/refresh/${subscriber.id}</RefreshURL>`),
      );
      assert.match(xml, new RegExp(`<UserName>${subscriber.refresh_user}</UserName>`));
    });

    it('a double submit gets the same payment; returns and confirmations that come twice or together activate once', async () => {
      const s = await freshSubscriber('8901260000000000026');
      const checkoutId = newCheckoutId();
      const before = await ctx.paymentCounts();
      const [a, b] = await Promise.all([
        startCheckout(ctx, form(ctx, s.id, 'day-1gb', checkoutId)),
        startCheckout(ctx, form(ctx, s.id, 'day-1gb', checkoutId)),
      ]);
      assert.equal(a.kind, 'pay');
      assert.deepEqual(b, a, 'one payment for one checkout');
      assert.equal((await payStarted(ctx, a)).status, 303);
      const state = await ctx.payments.status({ checkoutId, paymentId: null });
      assert.equal(state?.status, 'captured');
      if (state?.status !== 'captured') return;
      // The return, the webhook and a repeated webhook, all at once.
      const outcomes = await Promise.all([
        returnFromPayment(ctx, checkoutId, s.id),
        confirmPayment(ctx, checkoutId, state),
        confirmPayment(ctx, checkoutId, state),
      ]);
      assert.deepEqual(
        outcomes.map((o) => o.kind),
        ['completed', 'completed', 'completed'],
      );
      assert.deepEqual(outcomes[1], outcomes[0]);
      const again = await startCheckout(ctx, form(ctx, s.id, 'week-unlimited', checkoutId));
      assert.deepEqual(again, outcomes[0], 'a reload answers the same, and cannot switch plans');
      const after = await ctx.paymentCounts();
      assert.equal(after.charges - before.charges, 1);
      const rows = await ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('subscriber_id', '=', s.id)
        .execute();
      assert.equal(rows.length, 1);
    });

    it('reports out of order: an open or canceled report after the capture changes nothing; a capture without the method gets it from the provider', async () => {
      const s = await freshSubscriber('8901260000000000034');
      const checkoutId = newCheckoutId();
      const captured = await paidWithoutReport(ctx, s.id, 'day-1gb', checkoutId);
      // A webhook that does not say how it was paid (Stripe's): the provider is asked, for the receipt.
      const { method: _said, ...withoutMethod } = captured;
      const done = await confirmPayment(ctx, checkoutId, withoutMethod);
      assert.equal(done.kind, 'completed');
      assert.equal((await getCheckout(ctx.store.db, checkoutId))?.method_last4, '4242');
      assert.deepEqual(await confirmPayment(ctx, checkoutId, { status: 'open' }), done);
      assert.deepEqual(await confirmPayment(ctx, checkoutId, { status: 'canceled' }), done);
      assert.equal((await getCheckout(ctx.store.db, checkoutId))?.status, 'completed');
    });

    it('a capture reported after the checkout ended without one (canceled) is refunded, nothing activated', async () => {
      const s = await freshSubscriber('8901260000000000097');
      const checkoutId = newCheckoutId();
      const captured = await paidWithoutReport(ctx, s.id, 'day-1gb', checkoutId);
      // A cancellation reported first (as a delayed method's session may end), then the capture.
      assert.deepEqual(await confirmPayment(ctx, checkoutId, { status: 'canceled' }), { kind: 'canceled' });
      const before = await ctx.paymentCounts();
      assert.deepEqual(await confirmPayment(ctx, checkoutId, captured), { kind: 'refunded' });
      const checkout = await getCheckout(ctx.store.db, checkoutId);
      assert.deepEqual(
        [checkout?.status, checkout?.failure, checkout?.payment_reference],
        ['refunded', 'late-capture', captured.reference],
      );
      assert.equal((await ctx.paymentCounts()).refunds, before.refunds + 1);
      assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);
    });

    it('a card declined on the hosted page leaves the payment open: the return says pending, another card completes it', async () => {
      const s = await freshSubscriber('8901260000000000042');
      const checkoutId = newCheckoutId();
      const started = await startCheckout(ctx, form(ctx, s.id, 'day-1gb', checkoutId));
      const declined = await payStarted(ctx, started, DECLINED_TEST_CARD);
      assert.equal(declined.status, 402);
      assert.deepEqual(await returnFromPayment(ctx, checkoutId, s.id), { kind: 'pending', checkoutId });
      assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);
      assert.equal((await payStarted(ctx, started)).status, 303);
      assert.equal((await returnFromPayment(ctx, checkoutId, s.id)).kind, 'completed');
    });

    it('a refusal for good (operator billing) ends the checkout declined, and a reload answers the same', async () => {
      const s = await freshSubscriber('8901260000000000059');
      const checkoutId = newCheckoutId();
      assert.equal((await startCheckout(ctx, form(ctx, s.id, 'day-1gb', checkoutId))).kind, 'pay');
      const refused = await confirmPayment(ctx, checkoutId, {
        status: 'declined',
        reason: 'account-refused',
      });
      assert.deepEqual(refused, { kind: 'declined', reason: 'account-refused' });
      assert.deepEqual(await startCheckout(ctx, form(ctx, s.id, 'day-1gb', checkoutId)), refused);
      assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);
      assert.equal(await latestFullDocument(ctx.store.db, s.id), undefined);
    });

    it('a capture of another amount than the checkout asked is refunded at once, nothing activated', async () => {
      const s = await freshSubscriber('8901260000000000063');
      const checkoutId = newCheckoutId();
      const state = await paidWithoutReport(ctx, s.id, 'day-1gb', checkoutId);
      const before = await ctx.paymentCounts();
      const outcome = await confirmPayment(ctx, checkoutId, { ...state, amountMinor: state.amountMinor + 1 });
      assert.deepEqual(outcome, { kind: 'refunded' });
      const checkout = await getCheckout(ctx.store.db, checkoutId);
      assert.deepEqual([checkout?.status, checkout?.failure], ['refunded', 'amount-mismatch']);
      assert.equal((await ctx.paymentCounts()).refunds - before.refunds, 1);
      assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);
      assert.deepEqual(await returnFromPayment(ctx, checkoutId, s.id), { kind: 'refunded' });
    });

    it('a crash after the capture was recorded: the restarted portal activates on the return without charging again', async () => {
      const s = await freshSubscriber('8901260000000000071');
      const checkoutId = newCheckoutId();
      const state = await paidWithoutReport(ctx, s.id, 'day-1gb', checkoutId);
      // What the process did before it died: the capture recorded, nothing activated.
      await markCaptured(ctx.store.db, checkoutId, { reference: state.reference }, ctx.clock().toISOString());
      const before = await ctx.paymentCounts();
      ctx = await ctx.restart();
      assert.equal((await returnFromPayment(ctx, checkoutId, s.id)).kind, 'completed');
      assert.deepEqual(await ctx.paymentCounts(), before, 'the provider saw no second charge');
    });

    it('two paid checkouts for one SIM end with exactly one active subscription; the other payment is refunded', async () => {
      const s = await freshSubscriber('8901260000000000089');
      const [c1, c2] = [newCheckoutId(), newCheckoutId()];
      const refundsBefore = (await ctx.paymentCounts()).refunds;
      // Both are paid before either returns: the race this test is about.
      const started = await Promise.all([
        startCheckout(ctx, form(ctx, s.id, 'day-1gb', c1)),
        startCheckout(ctx, form(ctx, s.id, 'month-10gb', c2)),
      ]);
      for (const one of started) assert.equal((await payStarted(ctx, one)).status, 303);
      const outcomes = await Promise.all([
        returnFromPayment(ctx, c1, s.id),
        returnFromPayment(ctx, c2, s.id),
      ]);
      assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['already-active', 'completed']);
      const active = await ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('subscriber_id', '=', s.id)
        .where('status', '=', 'active')
        .execute();
      assert.equal(active.length, 1);
      assert.equal((await ctx.paymentCounts()).refunds - refundsBefore, 1);
    });

    it('renewal: after the plan expired by date a new checkout activates a new plan', async () => {
      ctx.setNow(new Date('2026-12-31T00:00:00Z'));
      try {
        const outcome = await purchase(ctx, subscriber.id, 'day-1gb');
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
      assert.deepEqual(await startCheckout(ctx, form(ctx, s.id, 'week-unlimited', checkoutId)), {
        kind: 'plan-unavailable',
      });
      assert.equal(await getCheckout(ctx.store.db, checkoutId), undefined, 'nothing stored');
      assert.deepEqual(await startCheckout(ctx, form(ctx, s.id, 'day-1gb', firstCheckoutId)), {
        kind: 'unknown-checkout',
      });
      assert.deepEqual(await returnFromPayment(ctx, firstCheckoutId, s.id), { kind: 'unknown-checkout' });
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
      assert.ok(!logged.includes(ctx.secrets.testPaymentsApiKey));
    });
  });
}

describe('a configuration that builds an invalid document', () => {
  it('is an operator error found before any payment is started: logged with a reference, nothing charged, nothing activated or sent', async () => {
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
      await assert.rejects(startCheckout(ctx, form(ctx, s.id, 'day-1gb', checkoutId)), {
        code: 'MBPROV_DOCUMENT_INVALID',
      });
      assert.equal(
        await findTestPaymentByCheckout(ctx.store.db, checkoutId),
        undefined,
        'no payment started',
      );
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
    const buy = (subscriberId: string, planId: string) => purchase(ctx, subscriberId, planId);
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
      return openStoredDocument(ctx, stored.sealed);
    };
    const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

    it('extend: the same plan again moves the end by its duration and adds its allowance, in the signed document too; another plan is refused before charging', async () => {
      ctx.config.operator.renewWhileActive = 'extend';
      const s = await subscriberOf('8901260000000000018');
      assert.equal((await buy(s.id, 'month-10gb')).kind, 'completed');
      const charges = (await ctx.paymentCounts()).charges;
      const again = await buy(s.id, 'month-10gb');
      assert.equal(again.kind, 'completed');
      assert.equal((await ctx.paymentCounts()).charges, charges + 1);
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
        (await ctx.paymentCounts()).charges,
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
      assert.equal((await ctx.paymentCounts()).refunds, 0);
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
      const charges = (await ctx.paymentCounts()).charges;
      const checkoutId = newCheckoutId();
      const refused = await startCheckout(ctx, form(ctx, s.id, 'day-1gb', checkoutId));
      assert.equal(refused.kind, 'already-active');
      assert.equal((await ctx.paymentCounts()).charges, charges, 'refused before charging');
      const ended = await getCheckout(ctx.store.db, checkoutId);
      assert.deepEqual([ended?.status, ended?.failure], ['superseded', 'already-active'], 'not left pending');
      assert.equal((await activeSubscription(ctx.store.db, s.id))?.plan_id, 'week-unlimited');
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`crashes, lost webhooks and the expiry sweep on ${dialect}`, () => {
    let ctx: TestContext;
    before(async () => {
      ctx = await testContext(dialect);
    });
    after(() => ctx.close());
    const later = (minutes: number) => new Date(ctx.clock().getTime() + minutes * 60_000);
    const status = async (id: string) => {
      const row = await getCheckout(ctx.store.db, id);
      return [row?.status, row?.payment_reference === null ? 'no charge' : 'charge'];
    };
    const paymentStatus = async (checkoutId: string) =>
      (await findTestPaymentByCheckout(ctx.store.db, checkoutId))?.status;

    it('the expiry job ends checkouts unfinished after checkouts.ttlMinutes: a payment paid without any report is refunded, an open one is no longer payable; a retry answers expired; chargeless ones are deleted after checkouts.retentionDays', async () => {
      const s = await subscriberOfSim(ctx, '8901260000000000026');
      const [paid, open, crashed, recent] = [
        newCheckoutId(),
        newCheckoutId(),
        newCheckoutId(),
        newCheckoutId(),
      ];
      // Paid on the hosted page; the customer never came back and no webhook arrived (none configured here).
      assert.equal(
        (await payStarted(ctx, await startCheckout(ctx, form(ctx, s.id, 'day-1gb', paid)))).status,
        303,
      );
      // Started and left on the hosted page.
      assert.equal((await startCheckout(ctx, form(ctx, s.id, 'day-1gb', open))).kind, 'pay');
      // A process that died after the provider's answer, before it recorded the payment id: paid all the same.
      assert.equal((await startCheckout(ctx, form(ctx, s.id, 'day-1gb', crashed))).kind, 'pay');
      await ctx.store.db
        .updateTable('checkouts')
        .set({ payment_id: null })
        .where('id', '=', crashed)
        .execute();
      const crashedPage = await ctx.payments.status({ checkoutId: crashed, paymentId: null });
      assert.equal(crashedPage?.status, 'open');
      const crashedUrl = (await findTestPaymentByCheckout(ctx.store.db, crashed))?.id;
      assert.ok(crashedUrl);
      const start = ctx.clock();
      ctx.setNow(later(59));
      assert.equal((await startCheckout(ctx, form(ctx, s.id, 'day-1gb', recent))).kind, 'pay');
      const before = await ctx.paymentCounts();

      ctx.setNow(new Date(start.getTime() + 61 * 60_000));
      try {
        const queue = new LocalQueue(ctx.store.db, ctx.clock, 3_600_000);
        await startJobs(ctx, queue);
        await queue.enqueue('expire-sweep', {});
        await queue.drain();
        await queue.stop();
        assert.deepEqual(await status(paid), ['expired', 'charge']);
        assert.deepEqual(await status(open), ['expired', 'no charge']);
        assert.deepEqual(await status(crashed), ['expired', 'no charge']);
        assert.deepEqual(await status(recent), ['pending', 'no charge'], 'younger than the TTL');
        assert.equal(await paymentStatus(paid), 'refunded');
        // It expired at the provider with its checkout (expiresAt); Stripe's sessions may outlive it: the sweep cancels.
        assert.equal(await paymentStatus(open), 'expired', 'no longer payable at the provider');
        assert.deepEqual(await ctx.paymentCounts(), { charges: before.charges, refunds: before.refunds + 1 });
        assert.deepEqual(await startCheckout(ctx, form(ctx, s.id, 'day-1gb', paid)), { kind: 'expired' });
        assert.deepEqual(await returnFromPayment(ctx, paid, s.id), { kind: 'expired' });
        assert.equal(
          (await ctx.paymentCounts()).refunds,
          before.refunds + 1,
          'nothing charged or refunded again',
        );
        assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);

        ctx.setNow(new Date(start.getTime() + 31 * 86_400_000));
        const swept = await sweepCheckouts(ctx);
        assert.equal(swept.expired, 1, 'the recent one, now old');
        assert.ok(swept.deleted >= 2);
        assert.equal(await getCheckout(ctx.store.db, open), undefined, 'chargeless: deleted');
        assert.equal((await getCheckout(ctx.store.db, paid))?.status, 'expired', 'refunded: kept');
      } finally {
        ctx.setNow(start);
      }
    });

    it('a capture reported after the sweep claimed its checkout is refunded: no payment stays taken without a plan', async () => {
      const s = await subscriberOfSim(ctx, '8901260000000000034');
      const checkoutId = newCheckoutId();
      const state = await paidWithoutReport(ctx, s.id, 'day-1gb', checkoutId);
      // The sweep claims the checkout while the webhook is on its way.
      await ctx.store.db
        .updateTable('checkouts')
        .set({ status: 'expiring' })
        .where('id', '=', checkoutId)
        .execute();
      const before = await ctx.paymentCounts();
      assert.deepEqual(await confirmPayment(ctx, checkoutId, state), { kind: 'expired' });
      assert.equal((await ctx.paymentCounts()).refunds, before.refunds + 1);
      assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);
      // The sweep's own refund of the same capture changes nothing more.
      const start = ctx.clock();
      ctx.setNow(later(61));
      try {
        await sweepCheckouts(ctx);
        assert.deepEqual(await status(checkoutId), ['expired', 'charge']);
        assert.equal((await ctx.paymentCounts()).refunds, before.refunds + 1);
      } finally {
        ctx.setNow(start);
      }
    });
  });
}
