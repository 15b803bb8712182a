// Checkout and activation on SQLite and on PostgreSQL (a real connection): idempotent payments, crash safety,
// one active subscription per SIM under concurrency, and a signed document that validates and verifies.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { validateDocument, verifyDocument } from '@mbprov/core';
import { completeCheckout, openCheckout } from '../src/activation/checkout.ts';
import { subscriberForSim } from '../src/activation/subscribers.ts';
import { TEST_CARDS } from '../src/payments/test-provider.ts';
import { findSim } from '../src/storage/inventory.ts';
import { activeSubscription, latestFullDocument, type Subscriber } from '../src/storage/subscribers.ts';
import { DIALECTS, type TestContext, testContext } from './helpers/context.ts';

const card = (number: string = TEST_CARDS.accepted) => ({
  number,
  expiry: '12/30',
  cvc: '123',
  name: 'Test User',
});

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
    before(async () => {
      ctx = await testContext(dialect);
    });
    after(() => ctx.close());

    const freshSubscriber = (iccid: string) => subscriberOfSim(ctx, iccid);

    it('pays once and activates: one subscription, one document that validates and verifies against the test root', async () => {
      subscriber = await freshSubscriber('8901260000000000018');
      const checkoutId = await openCheckout(ctx, subscriber.id);
      const outcome = await completeCheckout(ctx, { checkoutId, planId: 'month-10gb', card: card() });
      assert.equal(outcome.kind, 'completed');
      assert.equal(ctx.payments.charges.length, 1);
      const active = await activeSubscription(ctx.store.db, subscriber.id);
      assert.equal(active?.plan_id, 'month-10gb');
      assert.equal(active?.data_limit_mb, 10000);
      const stored = await latestFullDocument(ctx.store.db, subscriber.id);
      assert.ok(stored);
      assert.doesNotMatch(stored.xml_encrypted, /CarrierProvisioning/, 'encrypted at rest');
      const xml = ctx.secrets.decrypt(stored.xml_encrypted);
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
      const checkoutId = await openCheckout(ctx, s.id);
      const before = ctx.payments.charges.length;
      const [a, b] = await Promise.all([
        completeCheckout(ctx, { checkoutId, planId: 'day-1gb', card: card() }),
        completeCheckout(ctx, { checkoutId, planId: 'day-1gb', card: card() }),
      ]);
      const again = await completeCheckout(ctx, { checkoutId, planId: 'week-unlimited', card: card() });
      assert.equal(a.kind, 'completed');
      assert.deepEqual(b, a);
      assert.deepEqual(again, a, 'a reload answers the same, and cannot switch plans');
      assert.equal(ctx.payments.charges.length - before, 1);
      const rows = await ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('subscriber_id', '=', s.id)
        .execute();
      assert.equal(rows.length, 1);
    });

    it('a declined card writes no subscription and answers the same on reload', async () => {
      const s = await freshSubscriber('8901260000000000034');
      const checkoutId = await openCheckout(ctx, s.id);
      const outcome = await completeCheckout(ctx, {
        checkoutId,
        planId: 'day-1gb',
        card: card(TEST_CARDS.declined),
      });
      assert.deepEqual(outcome, { kind: 'declined', reason: 'card-declined' });
      assert.deepEqual(await completeCheckout(ctx, { checkoutId, planId: 'day-1gb', card: card() }), outcome);
      assert.equal(await activeSubscription(ctx.store.db, s.id), undefined);
      assert.equal(await latestFullDocument(ctx.store.db, s.id), undefined);
    });

    it('a crash between payment capture and commit: the retry completes without charging twice', async () => {
      const s = await freshSubscriber('8901260000000000042');
      const checkoutId = await openCheckout(ctx, s.id);
      const before = ctx.payments.charges.length;
      const capture = ctx.payments.capture.bind(ctx.payments);
      let crashes = 1;
      ctx.payments.capture = async (request) => {
        const result = await capture(request);
        if (crashes-- > 0) throw new Error('process killed after the provider captured');
        return result;
      };
      try {
        await assert.rejects(
          completeCheckout(ctx, { checkoutId, planId: 'day-1gb', card: card() }),
          /process killed/,
        );
        assert.equal(await activeSubscription(ctx.store.db, s.id), undefined, 'nothing active yet');
        const outcome = await completeCheckout(ctx, { checkoutId, planId: 'day-1gb', card: card() });
        assert.equal(outcome.kind, 'completed');
      } finally {
        ctx.payments.capture = capture;
      }
      assert.equal(
        ctx.payments.charges.length - before,
        1,
        'the provider saw the same idempotency key twice',
      );
    });

    it('two concurrent checkouts for one SIM end with exactly one active subscription; the other payment is refunded', async () => {
      const s = await freshSubscriber('8901260000000000059');
      const [c1, c2] = [await openCheckout(ctx, s.id), await openCheckout(ctx, s.id)];
      const outcomes = await Promise.all([
        completeCheckout(ctx, { checkoutId: c1, planId: 'day-1gb', card: card() }),
        completeCheckout(ctx, { checkoutId: c2, planId: 'month-10gb', card: card() }),
      ]);
      assert.deepEqual(outcomes.map((o) => o.kind).sort(), ['already-active', 'completed']);
      const active = await ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('subscriber_id', '=', s.id)
        .where('status', '=', 'active')
        .execute();
      assert.equal(active.length, 1);
      assert.equal(ctx.payments.refunds.size, 1);
    });

    it('renewal: after the plan expired by date a new checkout activates a new plan', async () => {
      ctx.setNow(new Date('2026-12-31T00:00:00Z'));
      try {
        const checkoutId = await openCheckout(ctx, subscriber.id);
        const outcome = await completeCheckout(ctx, { checkoutId, planId: 'day-1gb', card: card() });
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

    it('a retired plan cannot be bought; an unknown checkout id is refused', async () => {
      await ctx.store.db
        .updateTable('plans')
        .set({ status: 'retired' })
        .where('id', '=', 'week-unlimited')
        .execute();
      const s = await freshSubscriber('8901260000000000026');
      const checkoutId = await openCheckout(ctx, s.id);
      assert.deepEqual(await completeCheckout(ctx, { checkoutId, planId: 'week-unlimited', card: card() }), {
        kind: 'plan-unavailable',
      });
      assert.deepEqual(await completeCheckout(ctx, { checkoutId: 'nope', planId: 'day-1gb', card: card() }), {
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
      const checkoutId = await openCheckout(ctx, s.id);
      await assert.rejects(completeCheckout(ctx, { checkoutId, planId: 'day-1gb', card: card() }), {
        code: 'MBPROV_DOCUMENT_INVALID',
      });
      assert.equal(ctx.payments.charges.length, 0);
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
      completeCheckout(ctx, { checkoutId: await openCheckout(ctx, subscriberId), planId, card: card() });
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
      return ctx.secrets.decrypt(stored.xml_encrypted);
    };
    const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

    it('extend: the same plan again moves the end by its duration and adds its allowance, in the signed document too; another plan is refused before charging', async () => {
      ctx.config.operator.renewWhileActive = 'extend';
      const s = await subscriberOf('8901260000000000018');
      assert.equal((await buy(s.id, 'month-10gb')).kind, 'completed');
      const charges = ctx.payments.charges.length;
      const again = await buy(s.id, 'month-10gb');
      assert.equal(again.kind, 'completed');
      assert.equal(ctx.payments.charges.length, charges + 1);
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
      assert.equal(ctx.payments.charges.length, charges + 1, 'nothing charged for a plan that cannot extend');
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
      assert.equal(ctx.payments.refunds.size, 0);
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
      const charges = ctx.payments.charges.length;
      const refused = await buy(s.id, 'day-1gb');
      assert.equal(refused.kind, 'already-active');
      assert.equal(ctx.payments.charges.length, charges, 'refused before charging');
      assert.equal((await activeSubscription(ctx.store.db, s.id))?.plan_id, 'week-unlimited');
    });
  });
}
