// The built-in test payment service (payments/test-service/) and its client, the `test` provider
// (payments/test-provider.ts): the API's key and idempotency, the hosted card page in English and Japanese with each
// test card's outcome, signed webhooks and their retries, cancel, expiry and refund, and the provider end to end
// against the running service over HTTPS. A local HTTPS server stands in for the portal's webhook endpoint.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createCertificate, MbprovError } from '@mbprov/core';
import { JSDOM } from 'jsdom';
import { HttpsSession, type SessionResponse } from '../../cli/src/demo/https-session.ts';
import {
  ACCEPTED_TEST_CARD,
  cancelOnTestPage,
  payOnTestPage,
  type TestCard,
} from '../../cli/src/demo/test-payment-page.ts';
import type { PaymentStart } from '../src/payments/provider.ts';
import { TestPaymentProvider } from '../src/payments/test-provider.ts';
import { TEST_CARDS } from '../src/payments/test-service/cards.ts';
import { startTestPaymentService } from '../src/payments/test-service/service.ts';
import { WebhookSender } from '../src/payments/test-service/webhooks.ts';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../src/payments/webhook-signature.ts';
import { openStore, type Store } from '../src/storage/database.ts';
import {
  changeTestPaymentStatus,
  createTestPayment,
  deleteTestPaymentsBefore,
  findTestPayment,
  type TestPayment,
} from '../src/storage/test-payments.ts';
import { DIALECTS, memoryLogger, POSTGRES_URL } from './helpers/context.ts';

const API_KEY = 'test-api-key-0123456789';
const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';
const SHOP = 'https://shop.example';

/** A webhook delivery as the stand-in portal received it. */
interface Delivery {
  headers: IncomingHttpHeaders;
  body: Buffer;
  event: { id: string; type: string; data: { id: string; status: string } };
}

/** The stand-in portal's POST /payments/webhook: records deliveries, answers the queued statuses then 200. */
async function startReceiver(tls: { key: string; cert: string }) {
  const deliveries: Delivery[] = [];
  const answers: number[] = [];
  const waiters: Array<() => void> = [];
  const server: Server = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      deliveries.push({ headers: req.headers, body, event: JSON.parse(body.toString('utf8')) });
      res.statusCode = answers.shift() ?? 200;
      res.end();
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${port}/payments/webhook`,
    deliveries,
    /** Answers the next deliveries with these statuses. */
    answer: (...statuses: number[]) => answers.push(...statuses),
    /** The deliveries that match, once there are `count` of them (fails the test after 15 s). */
    async matching(match: (d: Delivery) => boolean, count = 1): Promise<Delivery[]> {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const found = deliveries.filter(match);
        if (found.length >= count) return found;
        if (Date.now() > deadline)
          throw new Error(`only ${found.length} of ${count} webhook deliveries arrived`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200).unref();
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const about = (paymentId: string, type: string) => (d: Delivery) =>
  d.event.data.id === paymentId && d.event.type === type;

describe('test payment service', () => {
  const T0 = new Date('2026-11-21T10:00:00Z');
  let now = T0;
  const clock = () => now;
  let cert: string;
  let tls: { key: string; cert: string };
  let store: Store;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let service: Awaited<ReturnType<typeof startTestPaymentService>>;
  let provider: TestPaymentProvider;
  const log = memoryLogger();

  before(async () => {
    const made = await createCertificate({
      subject: 'CN=localhost, O=mbprov test payments test',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['1.3.6.1.5.5.7.3.1'],
      days: 30,
    });
    cert = made.certificatePem;
    tls = { key: made.privateKeyPem, cert };
    store = await openStore({
      sqliteFile: join(mkdtempSync(join(tmpdir(), 'mbprov-testpay-')), 'db.sqlite'),
    });
    receiver = await startReceiver(tls);
    service = await startTestPaymentService(serviceOptions(log));
    provider = new TestPaymentProvider({
      url: service.url,
      apiKey: API_KEY,
      webhookSecret: WEBHOOK_SECRET,
      ca: cert,
      clock,
    });
  });

  /** The suite's service options: its database, certificate, keys, the stand-in portal, the clock. */
  const serviceOptions = (logger: ReturnType<typeof memoryLogger>) => ({
    db: store.db,
    tls,
    apiKey: API_KEY,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: receiver.url,
    webhookCa: cert,
    clock,
    log: logger,
  });

  after(async () => {
    provider?.close();
    await service?.close();
    await receiver?.close();
    await store?.close();
  });

  /** A payment request body; each call a new checkout. */
  const body = (overrides: Record<string, unknown> = {}) => ({
    checkoutId: `co_${randomUUID()}`,
    amountMinor: 1500,
    currency: 'USD',
    description: 'Example Mobile — Day pass 1 GB',
    returnUrl: `${SHOP}/checkout/return`,
    cancelUrl: `${SHOP}/plans?plan=day-1gb`,
    expiresAt: new Date(now.getTime() + 30 * 60_000).toISOString(),
    lang: 'en',
    account: { iccid: '89860000000000000011', imsi: '440100000000011' },
    ...overrides,
  });

  /** One request to the service (a path or a URL) with `headers`; a POST sends `form` or JSON (`{}` by default). */
  const call = (
    path: string,
    headers: Record<string, string> = {},
    post?: { json?: unknown; form?: Record<string, string> },
  ) => {
    const session = new HttpsSession(service.url, cert, headers);
    if (!post) return session.get(path);
    return post.form ? session.postForm(path, post.form) : session.postJson(path, post.json ?? {});
  };

  /** Calls the API with the key (or `key`, or none). */
  const api = (
    method: 'GET' | 'POST',
    path: string,
    options: { json?: unknown; key?: string | null; headers?: Record<string, string> } = {},
  ) =>
    call(
      path,
      {
        ...(options.key === null ? {} : { authorization: `Bearer ${options.key ?? API_KEY}` }),
        ...options.headers,
      },
      method === 'POST' ? { json: options.json } : undefined,
    );

  /** Creates a payment through the API; answers its JSON. */
  async function createPayment(overrides: Record<string, unknown> = {}) {
    const b = body(overrides);
    const answer = await api('POST', '/v1/payments', {
      json: b,
      headers: { 'idempotency-key': b.checkoutId },
    });
    assert.equal(answer.status, 200, answer.body);
    return JSON.parse(answer.body) as { id: string; checkoutId: string; url: string; status: string };
  }

  const json = (answer: SessionResponse) => JSON.parse(answer.body) as Record<string, unknown>;
  const paymentRows = async () =>
    Number(
      (
        await store.db
          .selectFrom('test_payments')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const dom = (answer: SessionResponse) => new JSDOM(answer.body).window.document;

  let lastCheckout = '';
  /** A provider payment request for a new checkout. */
  const request = (overrides: Partial<Parameters<TestPaymentProvider['start']>[0]> = {}) => {
    lastCheckout = `co_${randomUUID()}`;
    return {
      checkoutId: lastCheckout,
      amountMinor: 980,
      currency: 'JPY',
      description: 'Example Mobile 1日 1GB',
      account: { iccid: '89860000000000000011', imsi: null },
      returnUrl: `${SHOP}/checkout/return`,
      cancelUrl: `${SHOP}/plans`,
      expiresAt: new Date(now.getTime() + 30 * 60_000),
      lang: 'ja' as const,
      ...overrides,
    };
  };

  /** The hosted page a provider's start sends the customer to. */
  const hostedUrl = (start: PaymentStart) => {
    assert.equal(start.kind, 'redirect');
    return start.kind === 'redirect' ? start.url : '';
  };

  describe('API', () => {
    it('refuses a call without the key or with a wrong one (401, nothing written)', async () => {
      const rows = await paymentRows();
      const b = body();
      for (const key of [null, 'wrong-key', `${API_KEY}x`]) {
        const answer = await api('POST', '/v1/payments', {
          json: b,
          key,
          headers: { 'idempotency-key': b.checkoutId },
        });
        assert.equal(answer.status, 401);
        assert.equal(json(answer).code, 'MBPROV_AUTH_REQUIRED');
        assert.equal(answer.headers['www-authenticate'], 'Bearer');
      }
      assert.equal(
        (await api('GET', `/v1/payments?checkoutId=${b.checkoutId}`, { key: 'wrong' })).status,
        401,
      );
      assert.equal(await paymentRows(), rows);
    });

    it('answers the same payment for the same idempotency key, and refuses another body under it (409)', async () => {
      const b = body();
      const headers = { 'idempotency-key': b.checkoutId };
      const first = await api('POST', '/v1/payments', { json: b, headers });
      const second = await api('POST', '/v1/payments', { json: b, headers });
      assert.equal(first.status, 200);
      assert.equal(second.status, 200);
      assert.deepEqual(json(second), json(first));
      assert.equal(first.headers['idempotent-replayed'], undefined);
      assert.equal(second.headers['idempotent-replayed'], 'true');
      assert.equal(json(first).status, 'open');
      assert.equal(json(first).url, `${service.url}/pay/${json(first).id}`);
      for (const changed of [
        { amountMinor: 1600 },
        { currency: 'JPY' },
        { returnUrl: `${SHOP}/elsewhere` },
      ]) {
        const refused = await api('POST', '/v1/payments', { json: { ...b, ...changed }, headers });
        assert.equal(refused.status, 409);
        assert.equal(json(refused).code, 'MBPROV_PAYMENT_CONFLICT');
      }
      const listed = json(await api('GET', `/v1/payments?checkoutId=${b.checkoutId}`)) as { data: unknown[] };
      assert.deepEqual(listed.data, [json(first)]);
    });

    it('refuses a missing or different Idempotency-Key and bodies the schema refuses (400, nothing written)', async () => {
      const rows = await paymentRows();
      const b = body();
      const missing = await api('POST', '/v1/payments', { json: b });
      assert.equal(missing.status, 400);
      assert.equal(json(missing).code, 'MBPROV_API_BAD_REQUEST');
      const other = await api('POST', '/v1/payments', {
        json: b,
        headers: { 'idempotency-key': 'co_other' },
      });
      assert.equal(other.status, 400);
      for (const bad of [
        { amountMinor: 0 },
        { amountMinor: 1.5 },
        { currency: 'usd' },
        { returnUrl: 'http://shop.example/return' },
        { cancelUrl: 'javascript:alert(1)' },
        { expiresAt: 'tomorrow' },
        { lang: 'fr' },
        { extra: true },
        { account: { iccid: 'abc', imsi: null } },
      ]) {
        const answer = await api('POST', '/v1/payments', {
          json: { ...b, ...bad },
          headers: { 'idempotency-key': b.checkoutId },
        });
        assert.equal(answer.status, 400, JSON.stringify(bad));
        assert.equal(json(answer).code, 'MBPROV_API_BAD_REQUEST');
      }
      assert.equal(await paymentRows(), rows);
    });

    it('answers 404 for an unknown payment, and an empty list for a checkout without one', async () => {
      const unknown = await api('GET', '/v1/payments/tp_unknown');
      assert.equal(unknown.status, 404);
      assert.equal(json(unknown).code, 'MBPROV_NOT_FOUND');
      assert.deepEqual(json(await api('GET', '/v1/payments?checkoutId=co_none')), { data: [] });
      assert.equal((await api('POST', '/v1/payments/tp_unknown/refund')).status, 404);
    });
  });

  describe('hosted page', () => {
    it('shows the amount, the description and the test banner in English (USD), with no script and no caching', async () => {
      const payment = await createPayment({ description: 'Day pass <script>alert(1)</script> & more' });
      const page = await call(payment.url);
      assert.equal(page.status, 200);
      assert.equal(page.headers['cache-control'], 'no-store');
      const csp = String(page.headers['content-security-policy']);
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /form-action 'self' https:\/\/shop\.example(;| )/);
      assert.doesNotMatch(csp, /script-src|unsafe-inline/);
      assert.doesNotMatch(page.body, /<script/i);
      const doc = dom(page);
      assert.equal(doc.documentElement.lang, 'en');
      assert.equal(doc.querySelector('h1')?.textContent, 'Pay $15.00');
      assert.equal(doc.querySelector('.card-form button[type=submit]')?.textContent, 'Pay $15.00');
      assert.match(
        doc.querySelector('.summary')?.textContent ?? '',
        /Day pass <script>alert\(1\)<\/script> & more/,
      );
      const banner = doc.querySelector('header');
      assert.match(banner?.textContent ?? '', /TEST payment page — no real card is charged/);
      assert.ok(doc.querySelector('link[rel=icon]')?.getAttribute('href')?.startsWith('data:image/svg+xml,'));
      // Every field labelled, with its autocomplete token; none marked yet.
      const fields = [...doc.querySelectorAll('.card-form input:not([type=hidden])')];
      assert.deepEqual(
        fields.map((f) => [
          doc.querySelector(`label[for="${f.id}"]`)?.textContent,
          f.getAttribute('autocomplete'),
        ]),
        [
          ['Name on card', 'cc-name'],
          ['Card number', 'cc-number'],
          ['Expiry date (MM/YY)', 'cc-exp'],
          ['Security code', 'cc-csc'],
        ],
      );
      assert.equal(doc.querySelectorAll('[aria-invalid]').length, 0);
      assert.equal(doc.querySelector('.error-summary'), null);
      const css = await call('/pay.css');
      assert.equal(css.status, 200);
      assert.match(String(css.headers['content-type']), /^text\/css/);
    });

    it('shows the amount without decimals in Japanese (JPY)', async () => {
      const payment = await createPayment({
        currency: 'JPY',
        amountMinor: 1500,
        lang: 'ja',
        description: '1日 1GB',
      });
      const doc = dom(await call(payment.url));
      assert.equal(doc.documentElement.lang, 'ja');
      assert.equal(doc.querySelector('h1')?.textContent, '￥1,500のお支払い');
      assert.equal(doc.querySelector('.card-form button[type=submit]')?.textContent, '￥1,500を支払う');
      assert.match(doc.querySelector('header')?.textContent ?? '', /テスト用の決済ページです/);
      assert.equal(doc.querySelector('label[for="card-number"]')?.textContent, 'カード番号');
    });

    /** Posts `card` and checks the page that comes back: its status, the one field marked, its message. */
    async function refused(
      card: Partial<TestCard>,
      expected: { status: number; field: string; message: string },
    ) {
      const payment = await createPayment();
      const answer = await payOnTestPage(payment.url, { ...ACCEPTED_TEST_CARD, ...card }, { ca: cert });
      assert.equal(answer.status, expected.status, answer.body);
      const doc = dom(answer);
      const summary = doc.querySelector('.error-summary');
      assert.equal(summary?.getAttribute('role'), 'alert');
      assert.equal(summary?.getAttribute('tabindex'), '-1');
      assert.deepEqual(
        [...(summary?.querySelectorAll('a') ?? [])].map((a) => [a.getAttribute('href'), a.textContent]),
        [[`#${expected.field}`, expected.message]],
      );
      // Only the wrong field is marked, its message tied to it.
      assert.deepEqual(
        [...doc.querySelectorAll('[aria-invalid="true"]')].map((e) => e.id),
        [expected.field],
      );
      const input = doc.getElementById(expected.field);
      const describedBy = (input?.getAttribute('aria-describedby') ?? '').split(' ');
      assert.ok(describedBy.includes(`${expected.field}-error`));
      assert.equal(doc.getElementById(`${expected.field}-error`)?.textContent, expected.message);
      // The name is kept; the card number and security code are never sent back.
      assert.equal(
        doc.querySelector<HTMLInputElement>('#card-name')?.value,
        card.name ?? ACCEPTED_TEST_CARD.name,
      );
      assert.equal(doc.querySelector<HTMLInputElement>('#card-number')?.value, '');
      assert.equal(doc.querySelector<HTMLInputElement>('#card-cvc')?.value, '');
      const number = (card.number ?? ACCEPTED_TEST_CARD.number).replace(/\D/g, '');
      assert.ok(!answer.body.includes(number) || Object.values(TEST_CARDS).includes(number as never));
      // The payment stays open: the customer may try again.
      assert.equal(json(await api('GET', `/v1/payments/${payment.id}`)).status, 'open');
      return payment;
    }

    const CVC_MESSAGE = 'Enter the security code: 3 digits (4 digits for American Express)';
    /** Each refused card: what was typed differently from the accepted card, the field marked and its message. */
    const REFUSED: Array<[string, Partial<TestCard>, number, string, string]> = [
      [
        'declined',
        { number: TEST_CARDS.declined },
        402,
        'card-number',
        'Your card was declined: use another card',
      ],
      [
        'insufficient funds (typed with spaces)',
        { number: '4000 0000 0000 9995' },
        402,
        'card-number',
        'Your card has insufficient funds: use another card',
      ],
      [
        'a valid number that is no test card',
        { number: '4111111111111111' },
        402,
        'card-number',
        'This test page only takes the test cards listed below',
      ],
      [
        'a number failing Luhn',
        { number: '4242424242424241' },
        422,
        'card-number',
        'Enter a valid card number',
      ],
      ['a number too short', { number: '42424242' }, 422, 'card-number', 'Enter a valid card number'],
      [
        'an expired date',
        { expiry: '10/26' },
        422,
        'card-expiry',
        'This card has expired: check the date or use another card',
      ],
      [
        'a month 13',
        { expiry: '13/30' },
        422,
        'card-expiry',
        'Enter the expiry date as MM/YY, for example 12/30',
      ],
      ['a two-digit security code', { cvc: '12' }, 422, 'card-cvc', CVC_MESSAGE],
      // American Express takes four digits, and only four.
      [
        'three digits for American Express',
        { number: TEST_CARDS.acceptedAmex, cvc: '123' },
        422,
        'card-cvc',
        CVC_MESSAGE,
      ],
      ['no name', { name: '  ' }, 422, 'card-name', 'Enter the name on the card'],
    ];
    for (const [what, card, status, field, message] of REFUSED) {
      it(`refuses ${what} (${status}): only ${field} marked, with its own message`, async () => {
        await refused(card, { status, field, message });
      });
    }

    it('says what is wrong in Japanese', async () => {
      const payment = await createPayment({ lang: 'ja', currency: 'JPY', amountMinor: 980 });
      const answer = await payOnTestPage(
        payment.url,
        { ...ACCEPTED_TEST_CARD, number: TEST_CARDS.declined },
        { ca: cert },
      );
      assert.equal(answer.status, 402);
      const doc = dom(answer);
      assert.equal(doc.querySelector('.error-summary h2')?.textContent, '入力内容を確認してください');
      assert.equal(
        doc.getElementById('card-number-error')?.textContent,
        'カードが承認されませんでした。別のカードをお使いください',
      );
    });

    it('refuses a post without the form token, with a forged one, or from another origin (403), and the payment stays open', async () => {
      const payment = await createPayment();
      const post = (fields: Record<string, string>, origin = service.url) =>
        call(payment.url, { origin }, { form: fields });
      const card = { ...ACCEPTED_TEST_CARD };
      assert.equal((await post({ ...card, token: '' })).status, 403);
      assert.equal((await post({ ...card, token: 'forged' })).status, 403);
      const page = await call(payment.url);
      const token = dom(page).querySelector<HTMLInputElement>('.card-form input[name=token]')?.value ?? '';
      assert.equal((await post({ ...card, token }, 'https://evil.example')).status, 403);
      // A form that is not the page's (another field) is refused before anything is checked.
      assert.equal((await post({ ...card, token, amount: '1' })).status, 400);
      assert.equal(json(await api('GET', `/v1/payments/${payment.id}`)).status, 'open');
      // The real form with the same token pays.
      assert.equal((await post({ ...card, token })).status, 303);
    });

    it('shows a page for an unknown payment (404)', async () => {
      const answer = await call('/pay/tp_nothing');
      assert.equal(answer.status, 404);
      assert.match(answer.body, /This payment does not exist\./);
    });
  });

  describe('paying, webhooks, cancel, expiry, refund', () => {
    it('captures an accepted card, redirects to the return URL (303) and sends a webhook the provider verifies', async () => {
      for (const [number, brand] of [
        [TEST_CARDS.accepted, 'visa'],
        [TEST_CARDS.acceptedJcb, 'jcb'],
        [TEST_CARDS.acceptedMastercard, 'mastercard'],
      ] as const) {
        const payment = await createPayment();
        // A refused card first: the payment stays open, and the next card pays it.
        assert.equal(
          (await payOnTestPage(payment.url, { ...ACCEPTED_TEST_CARD, cvc: 'x' }, { ca: cert })).status,
          422,
        );
        const answer = await payOnTestPage(payment.url, { ...ACCEPTED_TEST_CARD, number }, { ca: cert });
        assert.equal(answer.status, 303);
        assert.equal(answer.location, `${SHOP}/checkout/return`);
        const stored = json(await api('GET', `/v1/payments/${payment.id}`));
        assert.equal(stored.status, 'captured');
        assert.match(String(stored.reference), /^tpc_/);
        assert.deepEqual(stored.method, { kind: 'card', brand, last4: number.slice(-4) });

        const [delivery] = await receiver.matching(about(payment.id, 'payment.captured'));
        assert.ok(delivery);
        assert.match(String(delivery.headers[WEBHOOK_SIGNATURE_HEADER]), /^t=\d+,v1=[0-9a-f]{64}$/);
        assert.equal(delivery.headers['content-type'], 'application/json');
        const event = provider.readWebhook(delivery.body, delivery.headers);
        assert.deepEqual(event, {
          eventId: delivery.event.id,
          checkoutId: payment.checkoutId,
          paymentId: payment.id,
          state: {
            status: 'captured',
            reference: stored.reference,
            amountMinor: 1500,
            currency: 'USD',
            method: { kind: 'card', brand, last4: number.slice(-4) },
          },
        });
        // Paid: the page says so, links back to the shop's return page, and cannot be paid again.
        const again = await payOnTestPage(payment.url, ACCEPTED_TEST_CARD, { ca: cert });
        assert.equal(again.status, 200);
        assert.match(again.body, /This payment is already complete\./);
        assert.equal(
          dom(again).querySelector('a.button-link')?.getAttribute('href'),
          `${SHOP}/checkout/return`,
        );
        assert.equal(dom(again).querySelector('form'), null);
      }
      // No card number or security code reaches the log.
      const logged = JSON.stringify(log.lines);
      for (const number of Object.values(TEST_CARDS)) assert.ok(!logged.includes(number));
    });

    it('retries a webhook the portal refused (500) until it answers 2xx: the same event, signed again', async () => {
      const payment = await createPayment();
      receiver.answer(500);
      assert.equal((await payOnTestPage(payment.url, ACCEPTED_TEST_CARD, { ca: cert })).status, 303);
      const [first, second] = await receiver.matching(about(payment.id, 'payment.captured'), 2);
      assert.ok(first && second);
      assert.equal(second.event.id, first.event.id);
      assert.equal(second.body.toString(), first.body.toString());
      assert.equal(provider.readWebhook(second.body, second.headers)?.eventId, first.event.id);
      // Answered 200 the second time: no third attempt comes (the next retry would be 5 s after the event).
      assert.equal(receiver.deliveries.filter(about(payment.id, 'payment.captured')).length, 2);
    });

    it('refuses a tampered, re-signed, old, future or missing signature (MBPROV_PAYMENT_WEBHOOK_INVALID)', async () => {
      const payment = await createPayment();
      await payOnTestPage(payment.url, ACCEPTED_TEST_CARD, { ca: cert });
      const [delivery] = await receiver.matching(about(payment.id, 'payment.captured'));
      assert.ok(delivery);
      const invalid = (body: Buffer, headers: IncomingHttpHeaders) =>
        assert.throws(
          () => provider.readWebhook(body, headers),
          (e) => e instanceof MbprovError && e.code === 'MBPROV_PAYMENT_WEBHOOK_INVALID',
        );
      const tampered = Buffer.from(delivery.body.toString().replace('"amountMinor":1500', '"amountMinor":1'));
      assert.notDeepEqual(tampered, delivery.body);
      invalid(tampered, delivery.headers);
      invalid(delivery.body, {
        ...delivery.headers,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook('another secret', delivery.body, now),
      });
      invalid(delivery.body, {});
      invalid(delivery.body, { [WEBHOOK_SIGNATURE_HEADER]: 'v1=00' });
      // Signed 301 s before or after the portal's clock.
      for (const skew of [-301_000, 301_000])
        invalid(delivery.body, {
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(
            WEBHOOK_SECRET,
            delivery.body,
            new Date(now.getTime() + skew),
          ),
        });
      // Within the tolerance it reads.
      const fresh = {
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(
          WEBHOOK_SECRET,
          delivery.body,
          new Date(now.getTime() - 299_000),
        ),
      };
      assert.equal(provider.readWebhook(delivery.body, fresh)?.paymentId, payment.id);
      // Authentic, but not JSON or not an event; an unknown type says nothing.
      const signed = (text: string) => {
        const b = Buffer.from(text);
        return [b, { [WEBHOOK_SIGNATURE_HEADER]: signWebhook(WEBHOOK_SECRET, b, now) }] as const;
      };
      invalid(...signed('not json'));
      invalid(...signed('{"id":"evt_1","type":"payment.captured"}'));
      const unknownType = { ...delivery.event, type: 'payment.disputed' };
      assert.equal(provider.readWebhook(...signed(JSON.stringify(unknownType))), undefined);
      // A captured event about a payment that is not captured does not pass.
      invalid(
        ...signed(JSON.stringify({ ...delivery.event, data: { ...delivery.event.data, status: 'open' } })),
      );
    });

    it('cancels from the page: 303 to the cancel URL, a canceled webhook, and the page can no longer pay', async () => {
      const payment = await createPayment();
      const answer = await cancelOnTestPage(payment.url, { ca: cert });
      assert.equal(answer.status, 303);
      assert.equal(answer.location, `${SHOP}/plans?plan=day-1gb`);
      assert.deepEqual(await provider.status({ checkoutId: payment.checkoutId, paymentId: payment.id }), {
        status: 'canceled',
      });
      const [delivery] = await receiver.matching(about(payment.id, 'payment.canceled'));
      assert.ok(delivery);
      assert.deepEqual(provider.readWebhook(delivery.body, delivery.headers)?.state, { status: 'canceled' });
      const late = await payOnTestPage(payment.url, ACCEPTED_TEST_CARD, { ca: cert });
      assert.equal(late.status, 200);
      assert.match(late.body, /This payment was canceled\./);
      assert.equal(
        dom(late).querySelector('a.button-link')?.getAttribute('href'),
        `${SHOP}/plans?plan=day-1gb`,
      );
    });

    it('cannot pay an expired payment: the page says so, the API and the provider say canceled, a webhook tells the portal', async () => {
      const payment = await createPayment({ expiresAt: new Date(now.getTime() + 60_000).toISOString() });
      const page = await call(payment.url);
      const token = dom(page).querySelector<HTMLInputElement>('.card-form input[name=token]')?.value ?? '';
      now = new Date(now.getTime() + 61_000);
      try {
        // The customer kept the page open past the expiry and posts it.
        const posted = await call(
          payment.url,
          { origin: service.url },
          { form: { token, ...ACCEPTED_TEST_CARD } },
        );
        assert.equal(posted.status, 409);
        assert.match(posted.body, /This payment has expired: nothing was charged\./);
        assert.equal(
          dom(posted).querySelector('a.button-link')?.getAttribute('href'),
          `${SHOP}/plans?plan=day-1gb`,
        );
        assert.equal(json(await api('GET', `/v1/payments/${payment.id}`)).status, 'canceled');
        assert.deepEqual(await provider.status({ checkoutId: payment.checkoutId, paymentId: null }), {
          status: 'canceled',
        });
        const [delivery] = await receiver.matching(about(payment.id, 'payment.canceled'));
        assert.ok(delivery);
        // The page, opened again, still says expired.
        assert.match((await call(payment.url)).body, /This payment has expired/);
      } finally {
        now = T0;
      }
    });

    it('refunds a capture through the provider (idempotent); the API refuses to refund what was never captured', async () => {
      const start = await provider.start(request());
      assert.equal((await payOnTestPage(hostedUrl(start), ACCEPTED_TEST_CARD, { ca: cert })).status, 303);
      const state = await provider.status({ checkoutId: lastCheckout, paymentId: start.paymentId });
      assert.equal(state?.status, 'captured');
      const reference = state?.status === 'captured' ? state.reference : '';
      await provider.refund({ checkoutId: lastCheckout, reference });
      await provider.refund({ checkoutId: lastCheckout, reference });
      assert.equal(json(await api('GET', `/v1/payments/${start.paymentId}`)).status, 'refunded');
      const refunds = await receiver.matching(about(start.paymentId, 'payment.refunded'));
      assert.equal(refunds.length, 1);
      // The refund's webhook says nothing the checkout acts on; the status still names the capture.
      assert.equal(provider.readWebhook(refunds[0]?.body as Buffer, refunds[0]?.headers ?? {}), undefined);
      assert.deepEqual(
        await provider.status({ checkoutId: lastCheckout, paymentId: start.paymentId }),
        state,
      );
      await assert.rejects(
        provider.refund({ checkoutId: lastCheckout, reference: 'tpc_other' }),
        (e) => e instanceof MbprovError && e.code === 'MBPROV_PAYMENT_CONFLICT',
      );
      const open = await createPayment();
      const refused = await api('POST', `/v1/payments/${open.id}/refund`);
      assert.equal(refused.status, 409);
      assert.equal(json(refused).code, 'MBPROV_PAYMENT_CONFLICT');
      // Cancelling a captured payment changes nothing.
      assert.equal(json(await api('POST', `/v1/payments/${start.paymentId}/cancel`)).status, 'refunded');
    });
  });

  describe('the test provider against the service', () => {
    it('starts a payment (a redirect to the service), answers it again for the same checkout, finds it by id or checkout', async () => {
      assert.deepEqual(provider.origins, [service.url]);
      const req = request();
      const start = await provider.start(req);
      assert.equal(start.kind, 'redirect');
      assert.ok(start.kind === 'redirect' && start.url.startsWith(`${service.url}/pay/`));
      assert.deepEqual(await provider.start(req), start);
      await assert.rejects(
        provider.start({ ...req, amountMinor: 1 }),
        (e) => e instanceof MbprovError && e.code === 'MBPROV_PAYMENT_CONFLICT',
      );
      assert.deepEqual(await provider.status({ checkoutId: req.checkoutId, paymentId: start.paymentId }), {
        status: 'open',
      });
      assert.deepEqual(await provider.status({ checkoutId: req.checkoutId, paymentId: null }), {
        status: 'open',
      });
      assert.equal(await provider.status({ checkoutId: 'co_never', paymentId: null }), undefined);
      // The hosted page speaks the request's language and amount.
      const page = dom(await call(hostedUrl(start)));
      assert.equal(page.querySelector('h1')?.textContent, '￥980のお支払い');

      assert.equal((await payOnTestPage(hostedUrl(start), ACCEPTED_TEST_CARD, { ca: cert })).status, 303);
      const captured = await provider.status({ checkoutId: req.checkoutId, paymentId: null });
      assert.equal(captured?.status, 'captured');
      assert.deepEqual(captured?.status === 'captured' && captured.method, {
        kind: 'card',
        brand: 'visa',
        last4: '4242',
      });
      assert.equal(captured?.status === 'captured' && captured.amountMinor, 980);
      // Cancel is a no-op once it is final.
      await provider.cancel({ checkoutId: req.checkoutId, paymentId: start.paymentId });
      assert.equal(
        (await provider.status({ checkoutId: req.checkoutId, paymentId: null }))?.status,
        'captured',
      );
      // An id of another checkout is nonsense from the provider's point of view.
      await assert.rejects(
        provider.status({ checkoutId: 'co_other', paymentId: start.paymentId }),
        (e) => e instanceof MbprovError && e.code === 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE',
      );
    });

    it('cancels an open payment; the page then cannot pay it', async () => {
      const start = await provider.start(request());
      await provider.cancel({ checkoutId: lastCheckout, paymentId: start.paymentId });
      await provider.cancel({ checkoutId: lastCheckout, paymentId: start.paymentId });
      assert.deepEqual(await provider.status({ checkoutId: lastCheckout, paymentId: null }), {
        status: 'canceled',
      });
      const late = await payOnTestPage(hostedUrl(start), ACCEPTED_TEST_CARD, { ca: cert });
      assert.match(late.body, /この支払いはキャンセルされました。/);
    });

    it('is unavailable with a wrong key, a service that does not answer in time, or a closed service', async () => {
      const unavailable = (e: unknown) =>
        e instanceof MbprovError && e.code === 'MBPROV_PAYMENT_PROVIDER_UNAVAILABLE';
      const wrongKey = new TestPaymentProvider({
        url: service.url,
        apiKey: 'wrong',
        webhookSecret: WEBHOOK_SECRET,
        ca: cert,
      });
      await assert.rejects(wrongKey.start(request()), unavailable);
      wrongKey.close();
      // Not trusting the service's certificate is being unable to reach it.
      const untrusting = new TestPaymentProvider({
        url: service.url,
        apiKey: API_KEY,
        webhookSecret: WEBHOOK_SECRET,
      });
      await assert.rejects(untrusting.status({ checkoutId: 'co_x', paymentId: null }), unavailable);
      untrusting.close();
      // A server that accepts the connection and never answers.
      const silent = createServer(tls, () => {});
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const silentUrl = `https://127.0.0.1:${(silent.address() as { port: number }).port}`;
      const waiting = new TestPaymentProvider({
        url: silentUrl,
        apiKey: API_KEY,
        webhookSecret: WEBHOOK_SECRET,
        ca: cert,
        timeoutMs: 300,
      });
      await assert.rejects(waiting.start(request()), unavailable);
      waiting.close();
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));

      // A second service on the same database, closed (the suite's own keeps running).
      const own = await startTestPaymentService(serviceOptions(memoryLogger()));
      const client = new TestPaymentProvider({
        url: own.url,
        apiKey: API_KEY,
        webhookSecret: WEBHOOK_SECRET,
        ca: cert,
      });
      const started = await client.start(request());
      await own.close();
      await assert.rejects(
        client.status({ checkoutId: lastCheckout, paymentId: started.paymentId }),
        unavailable,
      );
      await assert.rejects(client.start(request()), unavailable);
      await assert.rejects(
        client.cancel({ checkoutId: lastCheckout, paymentId: started.paymentId }),
        unavailable,
      );
      client.close();
    });
  });
});

describe('test payment webhooks queue', () => {
  it('drops events beyond its bound (logged), and close() stops every pending retry', async () => {
    const log = memoryLogger();
    // Nothing listens on port 9 of loopback: every attempt fails and the events stay pending.
    const sender = new WebhookSender({
      url: 'https://127.0.0.1:9/payments/webhook',
      secret: WEBHOOK_SECRET,
      clock: () => new Date(),
      log,
      maxPending: 2,
    });
    const data = {
      id: 'tp_1',
      checkoutId: 'co_1',
      status: 'canceled' as const,
      url: 'https://127.0.0.1/pay/tp_1',
      amountMinor: 1,
      currency: 'USD',
    };
    sender.send('payment.canceled', data);
    sender.send('payment.canceled', data);
    sender.send('payment.canceled', data);
    assert.equal(sender.pendingCount, 2);
    assert.ok(log.lines.some((l) => l.level === 'error' && /queue full/.test(l.msg ?? '')));
    sender.close();
    assert.equal(sender.pendingCount, 0);
    sender.send('payment.canceled', data);
    assert.equal(sender.pendingCount, 0);
  });
});

for (const dialect of DIALECTS) {
  describe(`test payments storage (${dialect})`, () => {
    let store: Store;
    const schema = `t_testpay_${process.pid}_${Date.now()}`;
    before(async () => {
      store = await openStore(
        dialect === 'postgres'
          ? { databaseUrl: POSTGRES_URL, schema, poolSize: 4 }
          : { sqliteFile: join(mkdtempSync(join(tmpdir(), 'mbprov-testpay-')), 'db.sqlite') },
      );
    });
    after(async () => {
      if (dialect === 'postgres') {
        const { sql } = await import('kysely');
        await sql.raw(`drop schema if exists ${schema} cascade`).execute(store.db);
      }
      await store?.close();
    });

    const row = (id: string, checkoutId: string, updatedAt = '2026-11-21T10:00:00.000Z'): TestPayment => ({
      id,
      checkout_id: checkoutId,
      request_hash: `hash-${id}`,
      amount_minor: 1500,
      currency: 'USD',
      description: 'd',
      return_url: `${SHOP}/r`,
      cancel_url: `${SHOP}/c`,
      lang: 'en',
      expires_at: '2026-11-21T10:30:00.000Z',
      status: 'open',
      reference: null,
      method_brand: null,
      method_last4: null,
      created_at: updatedAt,
      updated_at: updatedAt,
    });

    it('keeps one payment per checkout when two requests create it at once', async () => {
      const [a, b] = await Promise.all([
        createTestPayment(store.db, row('tp_a', 'co_same')),
        createTestPayment(store.db, row('tp_b', 'co_same')),
      ]);
      assert.equal(a.id, b.id);
    });

    it('captures at most once, and never past the expiry', async () => {
      await createTestPayment(store.db, row('tp_c', 'co_c'));
      const capture = (reference: string) =>
        changeTestPaymentStatus(store.db, 'tp_c', {
          from: 'open',
          to: 'captured',
          now: '2026-11-21T10:05:00.000Z',
          capture: { reference, brand: 'visa', last4: '4242' },
        });
      const results = await Promise.all([capture('tpc_1'), capture('tpc_2')]);
      assert.deepEqual(results.sort(), [false, true]);
      const stored = await findTestPayment(store.db, 'tp_c');
      assert.equal(stored?.status, 'captured');
      assert.ok(stored?.reference === 'tpc_1' || stored?.reference === 'tpc_2');
      await createTestPayment(store.db, row('tp_d', 'co_d'));
      assert.equal(
        await changeTestPaymentStatus(store.db, 'tp_d', {
          from: 'open',
          to: 'captured',
          now: '2026-11-21T10:30:00.000Z',
          capture: { reference: 'tpc_3', brand: 'visa', last4: '4242' },
        }),
        false,
      );
    });

    it('deletes payments older than the retention, in bounded batches', async () => {
      for (let i = 0; i < 5; i++)
        await createTestPayment(store.db, row(`tp_old${i}`, `co_old${i}`, '2026-01-01T00:00:00.000Z'));
      await createTestPayment(store.db, row('tp_new', 'co_new', '2026-11-21T00:00:00.000Z'));
      assert.equal(await deleteTestPaymentsBefore(store.db, '2026-06-01T00:00:00.000Z', 3), 3);
      assert.equal(await deleteTestPaymentsBefore(store.db, '2026-06-01T00:00:00.000Z', 3), 2);
      assert.equal(await deleteTestPaymentsBefore(store.db, '2026-06-01T00:00:00.000Z', 3), 0);
      assert.ok(await findTestPayment(store.db, 'tp_new'));
    });
  });
}
