// The hosted payment step over HTTP with a listening portal: the test payment service posts its signed webhooks to
// the portal's POST /payments/webhook, so a purchase can be confirmed by the webhook before the customer is back;
// forged, replayed and unknown webhooks; the customer's cancel; a provider that cannot be reached; the CSP that lets
// the plans page's form go to the payment page.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { cancelOnTestPage, payOnTestPage } from '../../cli/src/demo/test-payment-page.ts';
import { freeLoopbackPort } from '../src/free-port.ts';
import { TestPaymentProvider } from '../src/payments/test-provider.ts';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../src/payments/webhook-signature.ts';
import { buildServer } from '../src/server.ts';
import { getCheckout } from '../src/storage/checkouts.ts';
import { subscriberByIccid } from '../src/storage/subscribers.ts';
import { activeSubscription } from '../src/storage/subscriptions.ts';
import { t } from '../src/views/i18n.ts';
import { countRows, type TestContext, testContext, testTls } from './helpers/context.ts';
import { Browser, field } from './helpers/http.ts';

const SIMS = {
  webhook: { SubId: '310260000000001', DevId: '358470110000011', IccId: '8901260000000000018' },
  cancel: { SubId: '310260000000002', DevId: '490154203237518', IccId: '8901260000000000026' },
  down: { SubId: '310260000000003', DevId: '490154203237526', IccId: '8901260000000000034' },
};
const entry = (p: Record<string, string>) => `/?${new URLSearchParams(p)}`;

let ctx: TestContext;
let app: FastifyInstance;
let webhookUrl: string;

before(async () => {
  const port = await freeLoopbackPort();
  webhookUrl = `https://127.0.0.1:${port}/payments/webhook`;
  ctx = await testContext('sqlite', {
    webhookUrl,
    configure: (c) => Object.assign(c.rateLimits, { entryPerMinute: 1000, checkoutPerMinute: 1000 }),
  });
  const tls = await testTls();
  app = await buildServer(ctx, { logger: false, https: tls });
  await app.listen({ host: '127.0.0.1', port });
});
after(async () => {
  await app.close();
  await ctx.close();
});

/** Posts a webhook body with the given headers to the listening portal; answers the status and the JSON. */
function postWebhook(
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      webhookUrl,
      { method: 'POST', ca: ctx.tlsCa, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Opens a SIM's plans page and posts it for `planId`; answers the browser, the page and the portal's answer. */
async function startOn(sim: Record<string, string>, planId = 'day-1gb') {
  const browser = new Browser(app);
  const page = await browser.get(entry(sim));
  assert.equal(page.statusCode, 200, page.body.slice(0, 300));
  const checkout = await browser.post('/checkout', {
    planId,
    checkoutId: field(page.body, 'checkoutId'),
    _csrf: field(page.body, '_csrf'),
  });
  return { browser, page, checkout, checkoutId: field(page.body, 'checkoutId').split('.')[0] as string };
}

describe('the hosted payment step with webhooks', () => {
  it('the plans page may send its form to the payment page (CSP form-action), and carries no card field', async () => {
    const { page } = await startOn(SIMS.webhook);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, new RegExp(`form-action 'self' ${ctx.payments.origins[0]?.replace(/\./g, '\\.')}`));
    assert.doesNotMatch(page.body, /autocomplete="cc-|name="card/i);
  });

  it('the signed webhook activates before the customer is back; the return then finds it done, charged once', async () => {
    const before = await ctx.paymentCounts();
    const { browser, checkout, checkoutId } = await startOn(SIMS.webhook);
    assert.equal(checkout.statusCode, 303);
    const paid = await payOnTestPage(String(checkout.headers.location), undefined, { ca: ctx.tlsCa });
    assert.equal(paid.status, 303);
    // The service delivers the webhook at once; the customer is slow to come back.
    for (let i = 0; i < 100 && (await getCheckout(ctx.store.db, checkoutId))?.status !== 'completed'; i++)
      await sleep(100);
    assert.equal(
      (await getCheckout(ctx.store.db, checkoutId))?.status,
      'completed',
      'activated by the webhook',
    );
    const back = await browser.get(new URL(String(paid.location)).pathname);
    assert.equal(back.statusCode, 303);
    assert.equal(back.headers.location, '/complete');
    const complete = await browser.get('/complete');
    assert.equal(complete.statusCode, 200);
    assert.match(complete.body, /Order number/);
    assert.match(complete.body, /Visa ending in 4242/);
    assert.equal((await ctx.paymentCounts()).charges - before.charges, 1);
  });

  it('forged, replayed and malformed webhooks: 400 with the code, nothing written; an unknown checkout: 200 and ignored', async () => {
    const { checkoutId } = await startOn(SIMS.down);
    const checkoutsBefore = await countRows(ctx, 'checkouts');
    const event = {
      id: 'evt_forged',
      type: 'payment.captured',
      created: Math.floor(ctx.clock().getTime() / 1000),
      data: {
        id: 'tp_forged',
        checkoutId,
        status: 'captured',
        url: 'https://127.0.0.1/pay/tp_forged',
        amountMinor: 1,
        currency: 'USD',
        reference: 'ref_forged',
        method: { kind: 'card', brand: 'visa', last4: '4242' },
      },
    };
    const body = JSON.stringify(event);
    const signed = (secret: string, at = ctx.clock()) => ({
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, body, at),
    });
    for (const [what, headers] of [
      ['no signature', {}],
      ['another secret', signed('not-the-secret')],
      [
        'a signature ten minutes old',
        signed(ctx.secrets.testPaymentsWebhookSecret, new Date(ctx.clock().getTime() - 600_000)),
      ],
    ] as const) {
      const answer = await postWebhook(body, headers);
      assert.equal(answer.status, 400, what);
      assert.equal((answer.json as { code: string }).code, 'MBPROV_PAYMENT_WEBHOOK_INVALID', what);
    }
    const tampered = await postWebhook(
      body.replace('"amountMinor":1', '"amountMinor":2'),
      signed(ctx.secrets.testPaymentsWebhookSecret),
    );
    assert.equal(tampered.status, 400, 'a body changed after signing');
    const garbage = await postWebhook('{not json', {
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(
        ctx.secrets.testPaymentsWebhookSecret,
        '{not json',
        ctx.clock(),
      ),
    });
    assert.equal(garbage.status, 400);
    assert.equal(
      (await getCheckout(ctx.store.db, checkoutId))?.status,
      'pending',
      'the checkout was not touched',
    );
    assert.equal(await countRows(ctx, 'checkouts'), checkoutsBefore);

    const unknown = JSON.stringify({ ...event, data: { ...event.data, checkoutId: 'no-such-checkout' } });
    const ignored = await postWebhook(unknown, {
      [WEBHOOK_SIGNATURE_HEADER]: signWebhook(ctx.secrets.testPaymentsWebhookSecret, unknown, ctx.clock()),
    });
    assert.equal(ignored.status, 200);
    assert.deepEqual(ignored.json, { received: true, known: false });
  });

  it('the customer cancels on the payment page: the plans page again, the plan still chosen, a banner, nothing charged', async () => {
    const before = await ctx.paymentCounts();
    const { browser, checkout } = await startOn(SIMS.cancel, 'week-unlimited');
    const canceled = await cancelOnTestPage(String(checkout.headers.location), { ca: ctx.tlsCa });
    assert.equal(canceled.status, 303);
    const back = await browser.get(new URL(String(canceled.location)).pathname);
    assert.equal(back.statusCode, 200);
    assert.ok(back.body.includes(t('en', 'plans.error.canceled')));
    assert.match(back.body, /value="week-unlimited" required checked/);
    assert.deepEqual(await ctx.paymentCounts(), before);
    const subscriber = await subscriberByIccid(ctx.store.db, SIMS.cancel.IccId);
    assert.equal(await activeSubscription(ctx.store.db, subscriber?.id ?? ''), undefined);
  });

  it('a payment provider that cannot be reached: 503, the plans page with the plan still chosen, nothing charged', async () => {
    const before = await ctx.paymentCounts();
    // The provider's client of a service that is not there (nothing listens on port 1).
    const real = ctx.payments;
    const unreachable = new TestPaymentProvider({
      url: 'https://127.0.0.1:1',
      apiKey: ctx.secrets.testPaymentsApiKey,
      webhookSecret: ctx.secrets.testPaymentsWebhookSecret,
      timeoutMs: 2000,
    });
    ctx.payments = unreachable;
    try {
      const { checkout } = await startOn(SIMS.down, 'month-10gb');
      assert.equal(checkout.statusCode, 503);
      assert.ok(checkout.body.includes(t('en', 'plans.error.provider-unavailable')));
      assert.match(checkout.body, /value="month-10gb" required checked/);
    } finally {
      ctx.payments = real;
      unreachable.close();
    }
    assert.deepEqual(await ctx.paymentCounts(), before);
  });
});
