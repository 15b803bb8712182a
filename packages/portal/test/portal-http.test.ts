// The portal over HTTP, route by route, scenario by scenario, bad input by bad input (each: a clear page and
// nothing written), with the security headers every page carries.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { validateDocument, verifyDocument } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { DECLINED_TEST_CARD, payOnTestPage } from '../../cli/src/demo/test-payment-page.ts';
import { seedDemoHistory } from '../src/demo.ts';
import { buildServer } from '../src/server.ts';
import { subscriberByIccid } from '../src/storage/subscribers.ts';
import { activeSubscription } from '../src/storage/subscriptions.ts';
import { countRows, type TestContext, testContext } from './helpers/context.ts';
import { Browser, embeddedDocument, field, payAndReturn } from './helpers/http.ts';

const USB = { SubId: '310260000000001', DevId: '358470110000011', IccId: '8901260000000000018' };
const EMBEDDED = { SubId: '310260000000002', DevId: '490154203237518', IccId: '8901260000000000026' };
const EXPIRED = { SubId: '310260000000003', DevId: '490154203237526', IccId: '8901260000000000034' };
const EXHAUSTED = { SubId: '310260000000004', DevId: '490154203237534', IccId: '8901260000000000042' };
const ACTIVE = { SubId: '310260000000005', DevId: '490154203237542', IccId: '8901260000000000059' };
const entry = (p: Record<string, string>) => `/?${new URLSearchParams(p)}`;

let ctx: TestContext;
let app: FastifyInstance;
const count = (table: 'subscribers' | 'subscriptions' | 'checkouts') => countRows(ctx, table);

before(async () => {
  ctx = await testContext('sqlite', {
    configure: (c) => Object.assign(c.rateLimits, { entryPerMinute: 1000, checkoutPerMinute: 1000 }),
  });
  await seedDemoHistory(ctx);
  app = await buildServer(ctx, { logger: false });
});
after(async () => {
  await app.close();
  await ctx.close();
});

/** The plans page's form of `page` for `planId`: no card data, the customer pays on the provider's page. */
const planForm = (page: { body: string }, planId: string) => ({
  planId,
  checkoutId: field(page.body, 'checkoutId'),
  _csrf: field(page.body, '_csrf'),
});

/**
 * Opens the plans page for a SIM, posts it, pays on the hosted page and comes back; returns the browser (with its
 * cookies) and the portal's answer to the return.
 */
async function buy(sim: Record<string, string>, planId = 'day-1gb') {
  const browser = new Browser(app);
  const page = await browser.get(entry(sim));
  assert.equal(page.statusCode, 200, page.body.slice(0, 400));
  const checkout = await browser.post('/checkout', planForm(page, planId));
  const response = await payAndReturn(browser, checkout, ctx.tlsCa);
  return { browser, page, response };
}

describe('entry page (AccountExperienceURL)', () => {
  it('without parameters explains what the site is for', async () => {
    const r = await new Browser(app).get('/');
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /<html lang="en">/);
  });

  for (const [name, query, param] of [
    ['a SubId with letters', { SubId: '31026abc' }, 'SubId'],
    ['a DevId of 9 digits with a dash', { DevId: '12345-6789' }, 'DevId'],
    ['an IccId of 18 digits', { IccId: '890126000000000001' }, 'IccId'],
    ['an IccId given twice', 'IccId=8901260000000000018&IccId=8901260000000000026', 'IccId'],
  ] as const) {
    it(`${name}: 400 with a page naming ${param}, and nothing written`, async () => {
      const before = await count('subscribers');
      const url = typeof query === 'string' ? `/?${query}` : entry(query);
      const r = await new Browser(app).get(url);
      assert.equal(r.statusCode, 400);
      assert.match(r.body, new RegExp(param));
      assert.equal(await count('subscribers'), before);
    });
  }

  it('escapes a hostile parameter value in the 400 page', async () => {
    const r = await new Browser(app).get('/?SubId=%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    assert.equal(r.statusCode, 400);
    assert.ok(!r.body.includes('<script>alert(1)'));
  });

  it('an unknown SIM gets a friendly page and nothing is written', async () => {
    const before = await count('subscribers');
    const r = await new Browser(app).get(entry({ SubId: '310260999999999', IccId: '8901260999999999990' }));
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /8901260999999999990/);
    assert.equal(await count('subscribers'), before);
  });

  it('first use of a USB modem (IMEI of an operator modem): plans with a checkout and a CSRF token', async () => {
    const r = await new Browser(app).get(entry(USB));
    assert.equal(r.statusCode, 200);
    assert.ok(field(r.body, 'checkoutId').length > 10);
    assert.ok(field(r.body, '_csrf').length > 10);
    assert.match(r.body, /<h1>Welcome! Let’s get your USB modem online<\/h1>/);
  });

  it('first use of a SIM in an embedded modem', async () => {
    const r = await new Browser(app).get(entry(EMBEDDED));
    assert.match(r.body, /<h1>Welcome! Let’s activate your SIM<\/h1>/);
  });

  it('renewal after the plan expired by date, and after data exhaustion, show the previous plan', async () => {
    const expired = await new Browser(app).get(entry(EXPIRED));
    assert.match(expired.body, /<h1>Your plan has ended<\/h1>/);
    assert.match(expired.body, /10 GB Monthly/);
    const exhausted = await new Browser(app).get(entry(EXHAUSTED));
    assert.match(exhausted.body, /<h1>You’ve used all your data<\/h1>/);
  });

  it('an active subscriber sees the status and a link to install the document again', async () => {
    const r = await new Browser(app).get(entry(ACTIVE));
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /href="\/complete"/);
    assert.match(r.body, /<meter/);
  });

  it('speaks Japanese from Accept-Language, and switches with ?lang=', async () => {
    const ja = await new Browser(app, { 'accept-language': 'ja-JP,ja;q=0.9,en;q=0.5' }).get('/');
    assert.match(ja.body, /<html lang="ja">/);
    const browser = new Browser(app);
    const en = await browser.get('/?lang=ja');
    assert.match(en.body, /<html lang="ja">/);
    assert.match((await browser.get('/')).body, /<html lang="ja">/, 'the choice is remembered');
  });
});

describe('checkout and completion', () => {
  it('buys a plan: 303 to /complete, whose page hands over a signed document that validates and verifies', async () => {
    const { browser, response } = await buy(USB);
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/complete');
    const complete = await browser.get('/complete');
    assert.equal(complete.statusCode, 200);
    const xml = embeddedDocument(complete.body);
    assert.equal(validateDocument(xml).valid, true);
    assert.equal(verifyDocument(xml, { trustAnchors: [ctx.rootPem], requireEv: true }).valid, true);
    assert.match(complete.body, /src="\/static\/provision\.js"/);
    assert.match(complete.body, /ms-settings:wifi-provisioning\?uri=https%3A%2F%2Flocalhost/);
    const download = /href="(https:\/\/localhost:8443\/document\/[^"]+)"/.exec(complete.body)?.[1];
    assert.ok(download);
    const file = await browser.get(new URL(download).pathname);
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/xml; charset=utf-8');
    assert.equal(file.body, xml);
    // The same document through the CLI a operator would use: mbprov validate and mbprov verify against the test root.
    const dir = mkdtempSync(join(tmpdir(), 'mbprov-served-'));
    writeFileSync(join(dir, 'served.xml'), file.body);
    writeFileSync(join(dir, 'root.pem'), ctx.rootPem);
    const cli = (args: string[]) =>
      spawnSync(process.execPath, [new URL('../../cli/bin/mbprov.js', import.meta.url).pathname, ...args], {
        encoding: 'utf8',
      });
    const validated = cli(['validate', join(dir, 'served.xml')]);
    assert.equal(validated.status, 0, validated.stdout);
    const verified = cli([
      'verify',
      join(dir, 'served.xml'),
      '--trust',
      join(dir, 'root.pem'),
      '--require-ev',
    ]);
    assert.equal(verified.status, 0, verified.stdout);
    assert.match(verified.stdout, /valid signature by .*\(EV\)/);
    const forged = await new Browser(app).get(
      new URL(download).pathname.replace(/[^/]+$/, 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'),
    );
    assert.equal(forged.statusCode, 404);
  });

  it('a double-submitted checkout sends both posts to the same payment, charged once', async () => {
    const browser = new Browser(app);
    const page = await browser.get(entry(EMBEDDED));
    const form = planForm(page, 'week-unlimited');
    const charges = (await ctx.paymentCounts()).charges;
    const [a, b] = await Promise.all([browser.post('/checkout', form), browser.post('/checkout', form)]);
    assert.deepEqual([a.statusCode, b.statusCode], [303, 303]);
    assert.equal(a.headers.location, b.headers.location);
    const returned = await payAndReturn(browser, a, ctx.tlsCa);
    assert.equal(returned.headers.location, '/complete');
    const again = await browser.post('/checkout', form);
    assert.equal(again.headers.location, '/complete', 'a reload after paying answers the completion');
    assert.equal((await ctx.paymentCounts()).charges - charges, 1);
  });

  it('a card declined on the payment page: the return shows the payment-pending page (202, it asks again by itself), nothing active', async () => {
    const browser = new Browser(app);
    const page = await browser.get(entry(EXPIRED));
    const checkout = await browser.post('/checkout', planForm(page, 'day-1gb'));
    const declined = await payOnTestPage(String(checkout.headers.location), DECLINED_TEST_CARD, {
      ca: ctx.tlsCa,
    });
    assert.equal(declined.status, 402);
    // The ticket starts with the checkout id (docs/checkout.md): the return URL the payment page would send back to.
    const checkoutId = field(page.body, 'checkoutId').split('.')[0];
    const response = await browser.get(`/checkout/${checkoutId}/return`);
    assert.equal(response.statusCode, 202);
    assert.equal(response.headers.refresh, '3');
    assert.match(response.body, /We are confirming your payment/);
    const subscriber = await subscriberByIccid(ctx.store.db, EXPIRED.IccId);
    const active = await ctx.store.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('subscriber_id', '=', subscriber?.id ?? '')
      .where('status', '=', 'active')
      .execute();
    assert.equal(active.length, 0);
  });

  it('a checkout without the CSRF token, or with a forged one, is refused with 403 and nothing charged', async () => {
    const browser = new Browser(app);
    const page = await browser.get(entry(EXHAUSTED));
    const checkouts = await count('checkouts');
    const base = { planId: 'day-1gb', checkoutId: field(page.body, 'checkoutId') };
    assert.equal((await browser.post('/checkout', base)).statusCode, 403);
    assert.equal((await browser.post('/checkout', { ...base, _csrf: 'forged' })).statusCode, 403);
    assert.equal(
      (await new Browser(app).post('/checkout', { ...base, _csrf: field(page.body, '_csrf') })).statusCode,
      403,
      'another browser',
    );
    assert.equal(await count('checkouts'), checkouts, 'nothing stored, no payment started');
  });

  it('a checkout with an unknown checkout id is a 400 page', async () => {
    const browser = new Browser(app);
    const page = await browser.get(entry(EXHAUSTED));
    const r = await browser.post('/checkout', {
      planId: 'day-1gb',
      checkoutId: 'nope',
      _csrf: field(page.body, '_csrf'),
    });
    assert.equal(r.statusCode, 400);
  });

  it('/complete and /status without a known subscriber redirect to the entry page', async () => {
    assert.equal((await new Browser(app).get('/complete')).statusCode, 303);
    assert.equal((await new Browser(app).get('/status')).statusCode, 303);
  });
});

describe('RefreshURL', () => {
  it('401 without or with wrong credentials (the same answer), 200 with an ETag, 304 when unchanged', async () => {
    const subscriber = await subscriberByIccid(ctx.store.db, ACTIVE.IccId);
    assert.ok(subscriber);
    const url = `/refresh/${subscriber.id}`;
    const browser = new Browser(app);
    const none = await browser.get(url);
    assert.equal(none.statusCode, 401);
    assert.match(String(none.headers['www-authenticate']), /^Basic realm=/);
    const basic = (u: string, p: string) => ({
      authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`,
    });
    const password = ctx.secrets.refreshPassword(subscriber.id, subscriber.credential_version);
    const wrong = await browser.get(url, basic(subscriber.refresh_user, 'wrong'));
    const wrongUser = await browser.get(url, basic('someone', password));
    const unknown = await browser.get(
      '/refresh/00000000-0000-0000-0000-000000000000',
      basic(subscriber.refresh_user, password),
    );
    assert.deepEqual([wrong.statusCode, wrongUser.statusCode, unknown.statusCode], [401, 401, 401]);
    assert.equal(wrong.body, unknown.body);
    const ok = await browser.get(url, basic(subscriber.refresh_user, password));
    assert.equal(ok.statusCode, 200);
    assert.equal(verifyDocument(ok.body, { trustAnchors: [ctx.rootPem] }).valid, true);
    const etag = String(ok.headers.etag);
    const same = await browser.get(url, {
      ...basic(subscriber.refresh_user, password),
      'if-none-match': etag,
    });
    assert.equal(same.statusCode, 304);
  });
});

describe('security headers and errors', () => {
  it('every page has CSP with a script nonce, HSTS, nosniff and no framing; no inline script', async () => {
    const r = await new Browser(app).get(entry(USB));
    const csp = String(r.headers['content-security-policy']);
    assert.match(csp, /script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(String(r.headers['strict-transport-security']), /max-age=31536000/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.doesNotMatch(r.body, /<script>(?!<\/script>)/);
  });

  it('an unknown path is a 404 page', async () => {
    const r = await new Browser(app).get('/nope');
    assert.equal(r.statusCode, 404);
    assert.match(String(r.headers['content-type']), /text\/html/);
  });

  it('the static script is served with its content type', async () => {
    const r = await new Browser(app).get('/static/provision.js');
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /javascript/);
  });

  it('rate-limits the entry page: no X-RateLimit headers within the limit, Retry-After on the refusal', async () => {
    const limited = await testContext('sqlite', {
      configure: (c) => Object.assign(c.rateLimits, { entryPerMinute: 2 }),
    });
    const server = await buildServer(limited, { logger: false });
    try {
      const b = new Browser(server);
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await b.get('/'));
      assert.deepEqual(
        answers.map((a) => a.statusCode),
        [200, 200, 429],
      );
      for (const a of answers.slice(0, 2))
        assert.deepEqual(
          Object.keys(a.headers).filter((h) => h.startsWith('x-ratelimit')),
          [],
        );
      assert.ok(Number(answers[2]?.headers['retry-after']) > 0);
    } finally {
      await server.close();
      await limited.close();
    }
  });
});

describe('buying while a plan is active (operator.renewWhileActive)', () => {
  after(() => {
    ctx.config.operator.renewWhileActive = 'refuse';
  });
  const offered = (html: string) => [...html.matchAll(/name="planId"[^>]*value="([^"]+)"/g)].map((m) => m[1]);
  const activeOf = async () => {
    const subscriber = await subscriberByIccid(ctx.store.db, ACTIVE.IccId);
    assert.ok(subscriber);
    return activeSubscription(ctx.store.db, subscriber.id);
  };

  it('refuse (the default): the status page offers nothing to buy and /renew goes back to the status', async () => {
    const browser = new Browser(app);
    const status = await browser.get(entry(ACTIVE));
    assert.doesNotMatch(status.body, /href="\/renew"/);
    const r = await browser.get('/renew');
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/status');
  });

  it('extend: the status page links /renew, which offers only the active plan; paying moves its end and adds its allowance', async () => {
    ctx.config.operator.renewWhileActive = 'extend';
    const browser = new Browser(app);
    const status = await browser.get(entry(ACTIVE));
    assert.match(status.body, /href="\/renew"[^>]*>Add more to your plan</);
    const page = await browser.get('/renew');
    assert.equal(page.statusCode, 200);
    assert.deepEqual(offered(page.body), ['month-10gb']);
    const before = await activeOf();
    const paid = await payAndReturn(
      browser,
      await browser.post('/checkout', planForm(page, 'month-10gb')),
      ctx.tlsCa,
    );
    assert.equal(paid.statusCode, 303);
    assert.equal(paid.headers.location, '/complete');
    const after = await activeOf();
    assert.equal(after?.id, before?.id, 'the same subscription, extended');
    assert.equal(
      Date.parse(after?.ends_at as string) - Date.parse(before?.ends_at as string),
      30 * 86_400_000,
    );
    assert.equal(after?.data_limit_mb, (before?.data_limit_mb ?? 0) + 10000);
    const complete = await browser.get('/complete');
    assert.match(
      embeddedDocument(complete.body),
      new RegExp(`<DataLimitInMegabytes>${after?.data_limit_mb}<`),
    );
  });

  it('replace, in Japanese: /renew offers every plan under the change-plan heading', async () => {
    ctx.config.operator.renewWhileActive = 'replace';
    const browser = new Browser(app, { 'accept-language': 'ja' });
    const status = await browser.get(entry(ACTIVE));
    assert.match(status.body, /href="\/renew"[^>]*>プランを変更する</);
    const page = await browser.get('/renew');
    assert.match(page.body, /<h1>プランを変更する<\/h1>/);
    assert.deepEqual(offered(page.body).sort(), ['day-1gb', 'month-10gb', 'week-unlimited']);
  });

  it('/renew without a known subscriber goes to the entry page', async () => {
    const r = await new Browser(app).get('/renew');
    assert.equal(r.statusCode, 303);
    assert.equal(r.headers.location, '/');
  });
});
