// The checkout with operator billing end to end: the plans page says the price goes on the mobile account and has no
// payment page to go to; posting it charges the subscriber's account through the reference billing server (token,
// HMAC signature, idempotency by checkout id) and activates at once; a barred account is refused for good and
// nothing is activated; a reload never charges twice.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { OperatorBillingProvider } from '../src/payments/operator-billing-provider.ts';
import { buildServer } from '../src/server.ts';
import { getCheckout } from '../src/storage/checkouts.ts';
import { subscriberByIccid } from '../src/storage/subscribers.ts';
import { activeSubscription } from '../src/storage/subscriptions.ts';
import { t } from '../src/views/i18n.ts';
import { type TestContext, testContext } from './helpers/context.ts';
import { Browser, field } from './helpers/http.ts';
import {
  type BillingPki,
  createBillingPki,
  type OperatorBillingServer,
  startOperatorBillingServer,
} from './helpers/operator-billing-server.ts';

const TOKEN = 'tok_checkout_test_0123456789abcdef';
const SECRET = 'sig_checkout_test_0123456789abcdef0123';
const PAYING = { SubId: '310260000000001', DevId: '358470110000011', IccId: '8901260000000000018' };
const BARRED = { SubId: '310260000000002', DevId: '490154203237518', IccId: '8901260000000000026' };
const entry = (p: Record<string, string>) => `/?${new URLSearchParams(p)}`;

let ctx: TestContext;
let app: FastifyInstance;
let pki: BillingPki;
let billing: OperatorBillingServer;
let provider: OperatorBillingProvider;

before(async () => {
  pki = await createBillingPki();
  billing = await startOperatorBillingServer({
    token: TOKEN,
    secrets: [SECRET],
    accounts: [
      { iccid: PAYING.IccId, label: 'Prepaid balance', balanceMinor: 1_000_000 },
      { iccid: BARRED.IccId, label: 'Monthly bill', barred: true },
    ],
    tls: { cert: pki.server.certificatePem, key: pki.server.privateKeyPem },
  });
  // The billing server keeps real time: a charge's expiresAt (the checkout's expiry) must be in its future.
  ctx = await testContext('sqlite', {
    now: new Date(),
    configure: (c) => Object.assign(c.rateLimits, { entryPerMinute: 1000, checkoutPerMinute: 1000 }),
  });
  provider = new OperatorBillingProvider({
    baseUrl: billing.url,
    token: TOKEN,
    signingSecret: SECRET,
    ca: pki.serverCa.certificatePem,
    timeoutMs: 5_000,
    log: ctx.log,
  });
  // The portal as configured with payments.provider operator-billing.
  (ctx as { payments: unknown }).payments = provider;
  app = await buildServer(ctx, { logger: false });
});
after(async () => {
  await app.close();
  await ctx.close();
  await billing.close();
});

/** Opens a SIM's plans page and posts it for the day pass; answers the browser, the page and the answer. */
async function buy(sim: Record<string, string>) {
  const browser = new Browser(app);
  const page = await browser.get(entry(sim));
  assert.equal(page.statusCode, 200, page.body.slice(0, 300));
  const form = {
    planId: 'day-1gb',
    checkoutId: field(page.body, 'checkoutId'),
    _csrf: field(page.body, '_csrf'),
  };
  return { browser, page, form, answer: await browser.post('/checkout', form) };
}

describe('checkout with operator billing', () => {
  it('charges the account once and activates at once: no payment page, the receipt names the account', async () => {
    const { browser, page, form, answer } = await buy(PAYING);
    assert.ok(page.body.includes(t('en', 'pay.note.account')), 'the plans page says where the price goes');
    assert.ok(page.body.includes(t('en', 'pay.submit.account')));
    assert.equal(answer.statusCode, 303, answer.body.replace(/\s+/g, ' ').slice(0, 3000));
    assert.equal(answer.headers.location, '/complete');
    const checkoutId = form.checkoutId.split('.')[0] as string;
    const checkout = await getCheckout(ctx.store.db, checkoutId);
    assert.deepEqual(
      [checkout?.status, checkout?.payment_provider, checkout?.method_kind, checkout?.method_label],
      ['completed', 'operator-billing', 'account', 'Prepaid balance'],
    );
    assert.equal(billing.debits(checkoutId), 1);
    const complete = await browser.get('/complete');
    assert.match(complete.body, /Your mobile account \(Prepaid balance\)/);
    // A reload of the same form answers the same, and the account is not charged again.
    assert.equal((await browser.post('/checkout', form)).headers.location, '/complete');
    assert.equal(billing.debits(checkoutId), 1);
  });

  it('a barred account is refused for good: 402, the plans page explains it, nothing activated', async () => {
    const { form, answer } = await buy(BARRED);
    assert.equal(answer.statusCode, 402);
    assert.ok(answer.body.includes(t('en', 'plans.error.declined')));
    const checkout = await getCheckout(ctx.store.db, form.checkoutId.split('.')[0] as string);
    assert.deepEqual([checkout?.status, checkout?.failure], ['declined', 'account-refused']);
    const subscriber = await subscriberByIccid(ctx.store.db, BARRED.IccId);
    assert.equal(await activeSubscription(ctx.store.db, subscriber?.id ?? ''), undefined);
  });

  it('the walled-garden export adds no host for it (the charge is server to server)', async () => {
    assert.deepEqual(provider.origins, []);
    assert.doesNotMatch(
      String((await new Browser(app).get(entry(PAYING))).headers['content-security-policy']),
      /form-action 'self' https/,
    );
  });
});
