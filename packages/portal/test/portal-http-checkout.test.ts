// The checkout form over HTTP against anonymous traffic: a visit stores no checkout, the checkouts a SIM and a
// client address can start are bounded (429 in the user's language), no checkout is left pending, and a form
// posted from another site is refused by its Origin or Referer as well as by the CSRF token.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/server.ts';
import { addSims } from '../src/storage/sims.ts';
import { subscriberByIccid } from '../src/storage/subscribers.ts';
import { t } from '../src/views/i18n.ts';
import { type TestContext, testContext } from './helpers/context.ts';
import { Browser, field, payAndReturn } from './helpers/http.ts';

/** First-use SIMs of this file, one per test so that the per-SIM limit of one test does not touch another. */
const sim = (n: number) => ({
  SubId: `3102600000020${String(n).padStart(2, '0')}`,
  IccId: `89012600000000020${String(n).padStart(2, '0')}`,
});
const entry = (s: { SubId: string; IccId: string }) => `/?${new URLSearchParams(s)}`;
const START = new Date('2026-11-21T10:00:00Z');

let ctx: TestContext;
let app: FastifyInstance;
const logged: string[] = [];

const checkoutRows = async (iccid?: string) => {
  let query = ctx.store.db.selectFrom('checkouts').select(['status', 'subscriber_id']);
  if (iccid)
    query = query.where('subscriber_id', '=', (await subscriberByIccid(ctx.store.db, iccid))?.id ?? '');
  return query.execute();
};

before(async () => {
  ctx = await testContext('sqlite', {
    now: START,
    configure: (c) => {
      Object.assign(c.rateLimits, { entryPerMinute: 1000, checkoutPerMinute: 1000 });
      // The per-client limit is lowered by its own test only: every other test posts from the same address.
      c.checkouts = { ...c.checkouts, maxPerSim: 2, maxPerClient: 1000, windowMinutes: 60, ttlMinutes: 60 };
    },
  });
  await addSims(
    ctx.store.db,
    Array.from({ length: 15 }, (_, i) => ({ iccid: sim(i).IccId, imsi: sim(i).SubId })),
    START.toISOString(),
  );
  // The server's own log, to check the code each refusal is logged with.
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logged.push(String(chunk));
      done();
    },
  });
  app = await buildServer(ctx, { logger: { level: 'info', stream } });
});
after(async () => {
  await app.close();
  await ctx.close();
});

/** A browser on the plans page of `s`, with the form fields it would post for `planId`. */
async function plansPage(
  s: { SubId: string; IccId: string },
  browser = new Browser(app),
  planId = 'day-1gb',
) {
  const page = await browser.get(entry(s));
  assert.equal(page.statusCode, 200, page.body.slice(0, 400));
  const form = {
    planId,
    checkoutId: field(page.body, 'checkoutId'),
    _csrf: field(page.body, '_csrf'),
  };
  return { browser, page, form };
}

describe('checkouts and anonymous traffic', () => {
  it('visits of the plans page store no checkout; paying stores one, and a double submit still one', async () => {
    const before = (await checkoutRows()).length;
    for (let i = 0; i < 5; i++) await plansPage(sim(0));
    assert.equal((await checkoutRows()).length, before, 'no row per anonymous visit');

    const { browser, form } = await plansPage(sim(0));
    const charges = (await ctx.paymentCounts()).charges;
    const [a, b] = await Promise.all([browser.post('/checkout', form), browser.post('/checkout', form)]);
    assert.deepEqual([a.statusCode, b.statusCode], [303, 303]);
    assert.equal((await payAndReturn(browser, a, ctx.tlsCa)).headers.location, '/complete');
    assert.deepEqual(
      (await checkoutRows(sim(0).IccId)).map((r) => r.status),
      ['completed'],
    );
    assert.equal((await ctx.paymentCounts()).charges - charges, 1);
  });

  it('a checkout answered "already active" ends superseded, not pending', async () => {
    const first = await plansPage(sim(1));
    const second = await plansPage(sim(1));
    const paid = await payAndReturn(
      second.browser,
      await second.browser.post('/checkout', second.form),
      ctx.tlsCa,
    );
    assert.equal(paid.headers.location, '/complete');
    const charges = (await ctx.paymentCounts()).charges;
    const late = await first.browser.post('/checkout', first.form);
    assert.equal(late.statusCode, 303);
    assert.equal(late.headers.location, '/status');
    assert.equal((await ctx.paymentCounts()).charges, charges, 'nothing charged');
    const statuses = (await checkoutRows(sim(1).IccId)).map((r) => r.status).sort();
    assert.deepEqual(statuses, ['completed', 'superseded']);
    // A reload answers the same.
    assert.equal((await first.browser.post('/checkout', first.form)).headers.location, '/status');
  });

  it('a SIM starts at most checkouts.maxPerSim checkouts in the window: then 429 in the user’s language, nothing stored', async () => {
    const ja = new Browser(app, { 'accept-language': 'ja-JP,ja;q=0.9' });
    for (let i = 0; i < 2; i++) {
      // Started and left on the payment page: every started checkout counts.
      const { form } = await plansPage(sim(2), ja);
      assert.equal((await ja.post('/checkout', form)).statusCode, 303);
    }
    const rows = (await checkoutRows()).length;
    const { form } = await plansPage(sim(2), ja);
    const lines = logged.length;
    const refused = await ja.post('/checkout', form);
    assert.equal(refused.statusCode, 429);
    assert.match(refused.body, /<html lang="ja">/);
    assert.ok(refused.body.includes(t('ja', 'error.checkoutLimit.body')), refused.body);
    assert.ok(Number(refused.headers['retry-after']) > 0);
    assert.equal((await checkoutRows()).length, rows, 'nothing stored');
    assert.ok(logged.slice(lines).some((line) => line.includes('MBPROV_CHECKOUT_LIMIT')));

    // The window moves on: the SIM may try again.
    ctx.setNow(new Date(START.getTime() + 61 * 60_000));
    try {
      const again = await plansPage(sim(2), ja);
      assert.equal((await ja.post('/checkout', again.form)).statusCode, 303);
    } finally {
      ctx.setNow(START);
    }
  });

  it('a client address starts at most checkouts.maxPerClient checkouts in the window, whatever the SIM', async () => {
    const address = '203.0.113.9';
    ctx.config.checkouts.maxPerClient = 3;
    try {
      await overClientLimit(address);
    } finally {
      ctx.config.checkouts.maxPerClient = 1000;
    }
  });

  it('paid checkouts do not count towards the limits: they are not rows anonymous traffic leaves', async () => {
    const address = '203.0.113.10';
    ctx.config.checkouts.maxPerClient = 1;
    try {
      const paying = new Browser(app, {}, address);
      const bought = await plansPage(sim(12), paying);
      const paid = await payAndReturn(paying, await paying.post('/checkout', bought.form), ctx.tlsCa);
      assert.equal(paid.headers.location, '/complete');
      // The paid checkout leaves room for one more that is not paid, and only one.
      const next = new Browser(app, {}, address);
      assert.equal((await next.post('/checkout', (await plansPage(sim(13), next)).form)).statusCode, 303);
      const third = new Browser(app, {}, address);
      assert.equal((await third.post('/checkout', (await plansPage(sim(14), third)).form)).statusCode, 429);
    } finally {
      ctx.config.checkouts.maxPerClient = 1000;
    }
  });

  async function overClientLimit(address: string) {
    for (const n of [3, 4, 5]) {
      const browser = new Browser(app, {}, address);
      const { form } = await plansPage(sim(n), browser);
      assert.equal((await browser.post('/checkout', form)).statusCode, 303);
    }
    const browser = new Browser(app, {}, address);
    const { form } = await plansPage(sim(6), browser);
    const refused = await browser.post('/checkout', form);
    assert.equal(refused.statusCode, 429);
    assert.ok(refused.body.includes(t('en', 'error.checkoutLimit.body')));
    assert.deepEqual(await checkoutRows(sim(6).IccId), []);

    const elsewhere = new Browser(app, {}, '198.51.100.20');
    const other = await plansPage(sim(6), elsewhere);
    assert.equal(
      (await elsewhere.post('/checkout', other.form)).statusCode,
      303,
      'another address is not limited',
    );
  }

  it('a plans page older than checkouts.ttlMinutes: the plans again with a banner, nothing stored or charged', async () => {
    const { browser, form } = await plansPage(sim(7));
    ctx.setNow(new Date(START.getTime() + 61 * 60_000));
    try {
      const late = await browser.post('/checkout', form);
      assert.equal(late.statusCode, 409);
      assert.ok(late.body.includes(t('en', 'plans.error.page-expired')));
      assert.ok(late.body.includes(t('en', 'plans.error.title.page-expired')));
      assert.notEqual(field(late.body, 'checkoutId'), form.checkoutId, 'a fresh form');
      assert.deepEqual(await checkoutRows(sim(7).IccId), []);
    } finally {
      ctx.setNow(START);
    }
  });

  it('a checkout form of another subscriber, or a forged one, is a 400 page', async () => {
    const { browser, form } = await plansPage(sim(8));
    const forged = `${form.checkoutId.slice(0, -2)}AA`;
    assert.equal((await browser.post('/checkout', { ...form, checkoutId: forged })).statusCode, 400);
    assert.equal((await browser.post('/checkout', { ...form, checkoutId: 'nope' })).statusCode, 400);
    assert.deepEqual(await checkoutRows(sim(8).IccId), []);
  });
});

describe('the Origin of a checkout post', () => {
  for (const [name, headers] of [
    ['an Origin of another site', { origin: 'https://attacker.example' }],
    ['an opaque Origin ("null", a sandboxed or no-referrer page)', { origin: 'null' }],
    ['the portal’s host on another scheme or port', { origin: 'https://localhost:9443' }],
    ['no Origin and a Referer of another site', { referer: 'https://attacker.example/pay.html' }],
  ] as const) {
    it(`${name}: 403 with the CSRF token valid, nothing stored or charged`, async () => {
      const { browser, form } = await plansPage(sim(9));
      const charges = (await ctx.paymentCounts()).charges;
      const lines = logged.length;
      const r = await browser.post('/checkout', form, headers);
      assert.equal(r.statusCode, 403);
      assert.match(r.body, /HTTP 403/);
      // The way back to the plans page of the SIM the form was for (its signed ticket names it).
      assert.ok(r.body.includes(`<a class="button" href="/?IccId=${sim(9).IccId}">`), r.body);
      assert.deepEqual(await checkoutRows(sim(9).IccId), []);
      assert.equal((await ctx.paymentCounts()).charges, charges);
      assert.ok(logged.slice(lines).some((line) => line.includes('MBPROV_CROSS_ORIGIN')));
    });
  }

  it('pages send Referrer-Policy same-origin: with no-referrer a browser would post Origin "null", refused', async () => {
    const { page } = await plansPage(sim(9));
    assert.equal(page.headers['referrer-policy'], 'same-origin');
  });

  it('the portal’s own origin (server.publicUrl) is accepted, by Origin or by Referer', async () => {
    const own = new URL(ctx.config.server.publicUrl).origin;
    const byOrigin = await plansPage(sim(10));
    assert.equal((await byOrigin.browser.post('/checkout', byOrigin.form, { origin: own })).statusCode, 303);
    const byReferer = await plansPage(sim(11));
    const r = await byReferer.browser.post('/checkout', byReferer.form, { referer: `${own}/?IccId=x` });
    assert.equal(r.statusCode, 303);
  });
});
