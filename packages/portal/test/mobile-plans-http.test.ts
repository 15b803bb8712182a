// The Mobile Plans flow over HTTP (in-process requests, SQLite and PostgreSQL): launches refused with nothing written, the physical
// SIM and eSIM purchases through the hosted checkout to the hand-over page and its data- attributes, the signed launch
// context, the LPA error headers, the bounded creation of new eSIM customers, cancelling, and the walled garden. The
// eSIM back end is the portal's own (createEsimOrders) speaking ES2+ over mutual TLS to the test SM-DP+, and the tests
// read what it received and the esim_profiles rows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseActivationCode } from '@mbprov/core';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Es2plusClient } from '../src/esim/es2plus-client.ts';
import { createEsimOrders } from '../src/esim/esim-orders.ts';
import type { EsimOrders } from '../src/esim/orders.ts';
import type { TestSmdp } from '../src/esim/test-smdp.ts';
import { buildServer } from '../src/server.ts';
import { addEsimProfiles, esimProfileByIccid, undownloadedOrder } from '../src/storage/esim-profiles.ts';
import { addSims } from '../src/storage/sims.ts';
import { subscriberByEid } from '../src/storage/subscribers.ts';
import { t } from '../src/views/i18n.ts';
import { countRows, DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { Browser, field, payAndReturn } from './helpers/http.ts';
import { es2Calls, iccids, smdpAndClient } from './helpers/smdp.ts';

const OPERATOR = 'mbprov-test';
const SMDP_ADDRESS = 'smdp.test.example';
/** The eSIM profile inventory, held by the test SM-DP+ too. */
const STOCK = iccids(7000, 10);

let ctx: TestContext;
let app: FastifyInstance;
let smdp: TestSmdp;
let client: Es2plusClient;
let closeSmdp: () => Promise<void>;
let orders: EsimOrders;
let eids = 0;
/** What the portal logged (JSON lines of pino). */
const logged: Array<Record<string, unknown>> = [];
const loggedWith = (code: string) => logged.filter((l) => l.code === code);

/** The ES2+ requests the test SM-DP+ received from the `from`th on. */
const smdpCalls = (from: number) => es2Calls(smdp, from);

/** A fresh EID the portal has not seen. */
const newEid = () => `890330240104000001000000000${String(++eids).padStart(5, '0')}`;

/** The data- attributes of the #mobile-plans element of a page. */
function handOver(html: string): Record<string, string> {
  const m = /<div id="mobile-plans"([^>]*)>/.exec(html);
  assert.ok(m, 'the page has the hand-over element');
  const attrs: Record<string, string> = {};
  for (const [, name, value] of (m[1] as string).matchAll(/ data-([a-z-]+)="([^"]*)"/g))
    attrs[name as string] = (value as string)
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return attrs;
}

/** Buys `planId` from the plans page `plans` in `browser`, and follows the portal to the Mobile Plans hand-over. */
async function buy(
  browser: Browser,
  plans: LightMyRequestResponse,
  planId: string,
): Promise<LightMyRequestResponse> {
  assert.equal(plans.statusCode, 200, plans.body.slice(0, 400));
  const checkout = await browser.post('/checkout', {
    checkoutId: field(plans.body, 'checkoutId'),
    _csrf: field(plans.body, '_csrf'),
    planId,
  });
  const back = await payAndReturn(browser, checkout, ctx.tlsCa);
  assert.equal(back.headers.location, '/complete');
  const complete = await browser.get('/complete');
  assert.equal(complete.statusCode, 303);
  assert.equal(complete.headers.location, '/mobile-plans/complete');
  return browser.get('/mobile-plans/complete');
}

/** The Mobile Plans pages of a launch: the cancel button. */
const hasCancel = (html: string) => html.includes('href="/mobile-plans/cancel');

for (const dialect of DIALECTS)
  describe(`Mobile Plans launch (${dialect})`, () => {
    before(async () => {
      logged.length = 0;
      ctx = await testContext(dialect, {
        configure: (c) => {
          c.rateLimits.entryPerMinute = 1000;
          c.rateLimits.checkoutPerMinute = 1000;
          c.checkouts.maxPerClient = 1000;
          c.mobilePlans.newEsimsPerClientPerHour = 3;
          c.esim = { smdpAddress: SMDP_ADDRESS, functionRequesterIdentifier: OPERATOR };
        },
      });
      const started = await smdpAndClient({
        operator: OPERATOR,
        address: SMDP_ADDRESS,
        profiles: STOCK.map((iccid) => ({ iccid })),
      });
      ({ smdp, client } = started);
      closeSmdp = started.close;
      orders = createEsimOrders(ctx, client);
      ctx.esim = orders;
      await addEsimProfiles(
        ctx.store.db,
        STOCK.map((iccid) => ({ iccid })),
        ctx.clock().toISOString(),
      );
      await addSims(
        ctx.store.db,
        [
          { iccid: '8988247000100003319', imsi: '440100000003319' },
          { iccid: '8988247000100003327', imsi: '440100000003327' },
        ],
        ctx.clock().toISOString(),
      );
      app = await buildServer(ctx, {
        logger: { level: 'info', stream: { write: (line: string) => logged.push(JSON.parse(line)) } },
      });
    });
    after(async () => {
      await app.close();
      await closeSmdp();
      await ctx.close();
    });

    it('refuses invalid launches by name (400, cancel button reporting clientError) and writes nothing', async () => {
      const before = await countRows(ctx, 'subscribers');
      for (const [q, label] of [
        ['eid=123&transactionId=a', t('en', 'param.eid')],
        [`iccid=8988247000100003319&transactionId=${'x'.repeat(65)}`, t('en', 'param.transactionId')],
        ['iccid=8988247000100003319&market=USA', t('en', 'param.market')],
        ['imei=001102000311608', t('en', 'param.eid')],
      ] as const) {
        const browser = new Browser(app);
        const r = await browser.get(`/mobile-plans?${q}`);
        assert.equal(r.statusCode, 400, `${q}: ${r.statusCode}`);
        assert.ok(r.body.includes(label), `${q} names ${label}`);
        assert.ok(r.body.includes('Select Cancel and open Mobile Plans again'), `${q}: next`);
        assert.ok(r.body.includes('href="/mobile-plans/cancel?reason=clientError"'), `${q}: cancel link`);
        assert.deepEqual(r.cookies, [], `${q}: no cookie`);
      }
      assert.equal(await countRows(ctx, 'subscribers'), before);
      assert.equal(loggedWith('MBPROV_MOBILE_PLANS_LAUNCH_INVALID').length, 4);
    });

    it('an unknown physical SIM gets the unknown-SIM page with a cancel reporting invalidSim', async () => {
      const r = await new Browser(app).get('/mobile-plans?iccid=8988247000199999999&transactionId=U.1');
      assert.equal(r.statusCode, 404);
      assert.ok(r.body.includes('href="/mobile-plans/cancel?reason=invalidSim&amp;transactionId=U.1"'));
    });

    it('a physical SIM: plans in the Accept-Language, checkout, then notifyBalanceAddition without an ICCID', async () => {
      const browser = new Browser(app, { 'accept-language': 'ja-JP,ja;q=0.9' });
      const requests = smdp.requests.length;
      const plans = await browser.get(
        '/mobile-plans?iccid=8988247000100003319F&imei=001102000311608&market=jp&location=jp&transactionId=waoigFfX00yGH3Vb.1&future=x',
      );
      assert.ok(plans.body.includes('<html lang="ja">'));
      assert.ok(hasCancel(plans.body));
      const page = await buy(browser, plans, 'day-1gb');
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes('/static/mobile-plans.js'));
      const data = handOver(page.body);
      assert.equal(data.operation, 'balance-addition');
      assert.equal(data.iccid, undefined, 'the physical SIM is in the PC already');
      assert.equal(data['transaction-id'], 'waoigFfX00yGH3Vb.1');
      assert.deepEqual(
        [data['user-account'], data['purchase-instrument'], data.line, data.status, data['plan-name']],
        ['new', 'new', 'existing', 'complete', '1 GB Day Pass'],
      );
      assert.equal(data['msg-done'], t('ja', 'mp.status.balance'));
      assert.deepEqual(smdpCalls(requests), [], 'no eSIM order for a physical SIM');
    });

    it('a new eSIM: no row until the purchase starts, one per EID; the paid plan downloads the ordered profile', async () => {
      const eid = newEid();
      const browser = new Browser(app);
      const before = await countRows(ctx, 'subscribers');
      const launch = await browser.get(
        `/mobile-plans?eid=${eid}&iccids=8988247000199999998,8988247000199999980&transactionId=E.1&imei=001102000315468`,
      );
      assert.equal(launch.statusCode, 200);
      assert.ok(launch.body.includes(t('en', 'mp.esim.title')));
      assert.ok(hasCancel(launch.body));
      assert.equal(await countRows(ctx, 'subscribers'), before, 'showing the page writes nothing');
      const start = await browser.post('/mobile-plans/esim', { _csrf: field(launch.body, '_csrf') });
      assert.equal(start.statusCode, 303);
      assert.equal(start.headers.location, '/renew');
      const again = await browser.post('/mobile-plans/esim', { _csrf: field(launch.body, '_csrf') });
      assert.equal(again.statusCode, 303);
      assert.equal(await countRows(ctx, 'subscribers'), before + 1, 'one row per EID');
      const subscriber = await subscriberByEid(ctx.store.db, eid);
      assert.ok(subscriber);
      const plans = await browser.get('/renew');
      assert.ok(plans.body.includes('10 GB'), 'the mobile plans');
      const requests = smdp.requests.length;
      const page = await buy(browser, plans, 'month-10gb');
      const data = handOver(page.body);
      assert.equal(data.operation, 'profile-download');
      const activation = parseActivationCode(data['activation-code'] as string);
      assert.equal(activation.smdpAddress, SMDP_ADDRESS);
      assert.equal(data['transaction-id'], 'E.1');
      assert.equal(data.line, 'new');
      assert.equal(data.delay, undefined, 'inline by default');
      // The paid plan ordered a profile of the inventory for the EID, and the SM-DP+ released it for download.
      const ordered = await undownloadedOrder(ctx.store.db, subscriber.id, eid);
      assert.ok(ordered);
      assert.deepEqual(
        [ordered.state, ordered.transaction_id, ordered.matching_id, ordered.smdp_address],
        ['released', 'E.1', activation.matchingId, SMDP_ADDRESS],
      );
      assert.deepEqual(smdpCalls(requests), [
        { fn: 'downloadOrder', eid, iccid: ordered.iccid, status: 'Executed-Success' },
        { fn: 'confirmOrder', eid, iccid: ordered.iccid, status: 'Executed-Success' },
      ]);
      assert.deepEqual(
        [smdp.profile(ordered.iccid)?.state, smdp.profile(ordered.iccid)?.matchingId],
        ['Released', activation.matchingId],
      );
      // A reload hands over the same order, without asking the SM-DP+ again.
      const reload = handOver((await browser.get('/mobile-plans/complete')).body);
      assert.equal(reload['activation-code'], data['activation-code']);
      assert.equal(smdp.requests.length, requests + 2);
      // Every documented activation result and registration state has a message.
      assert.equal(Object.keys(JSON.parse(data['activation-results'] as string)).length, 31);
      assert.equal(Object.keys(JSON.parse(data['registration-states'] as string)).length, 7);

      // The next launch of the same eSIM after a failed download: the explanation, and the retry.
      const next = new Browser(app);
      const retry = await next.get(`/mobile-plans?eid=${eid}&transactionId=E.2`, {
        'x-mp-lpaerror-codes': 'ServerNotReachable',
        'x-mp-lpaerror-timestamps': '5/18/2018 11:17:23 PM',
        'x-mp-lpaerror-iccids': '8988247000000000001F',
      });
      assert.equal(retry.statusCode, 200);
      assert.ok(retry.body.includes(t('en', 'mp.lpa.title')));
      assert.ok(retry.body.includes(t('en', 'mp.step.retry')));
      assert.ok(retry.body.includes('href="/mobile-plans/complete"'), 'the retry');
      const [lpaLine] = loggedWith('MBPROV_MOBILE_PLANS_LPA_ERROR');
      assert.deepEqual([lpaLine?.codes, lpaLine?.transactionId], [['ServerNotReachable'], 'E.2']);
      const retried = handOver((await next.get('/mobile-plans/complete')).body);
      assert.equal(retried['activation-code'], data['activation-code'], 'the same profile again');
      assert.equal(retried['transaction-id'], 'E.2', 'the new launch’s transactionId');
    });

    it('a returning eSIM customer (a known ICCID in iccids) adds balance to that profile', async () => {
      const browser = new Browser(app);
      const plans = await browser.get(
        `/mobile-plans?eid=${newEid()}&iccids=8988247000199999998, 8988247000100003327F&transactionId=R.1`,
      );
      const data = handOver((await buy(browser, plans, 'day-1gb')).body);
      assert.equal(data.operation, 'balance-addition');
      assert.equal(data.iccid, '8988247000100003327');
      assert.equal(data['transaction-id'], 'R.1');
    });

    it('limits new eSIM customers per client address (429, nothing written)', async () => {
      const address = '198.51.100.77';
      let refused: LightMyRequestResponse | undefined;
      const before = await countRows(ctx, 'subscribers');
      for (let i = 0; i < 4; i++) {
        const browser = new Browser(app, {}, address);
        const launch = await browser.get(`/mobile-plans?eid=${newEid()}`);
        const r = await browser.post('/mobile-plans/esim', { _csrf: field(launch.body, '_csrf') });
        if (r.statusCode === 429) refused = r;
      }
      assert.ok(refused, 'the fourth is refused');
      assert.ok(refused.body.includes(t('en', 'error.esimLimit.body')));
      assert.equal(await countRows(ctx, 'subscribers'), before + 3);
    });

    it('without an SM-DP+ a new eSIM is refused (503, nothing written); pages without the launch context are refused', async () => {
      ctx.esim = undefined;
      try {
        const before = await countRows(ctx, 'subscribers');
        const r = await new Browser(app).get(`/mobile-plans?eid=${newEid()}&transactionId=N.1`);
        assert.equal(r.statusCode, 503);
        assert.ok(r.body.includes('reason=serviceError&amp;transactionId=N.1'));
        assert.equal(await countRows(ctx, 'subscribers'), before);
      } finally {
        ctx.esim = orders;
      }
      const stranger = new Browser(app);
      assert.equal((await stranger.get('/mobile-plans/complete')).statusCode, 400);
      assert.equal((await stranger.post('/mobile-plans/esim', {})).statusCode, 403, 'no CSRF token');
    });

    it('cancel: notifyCancelledPurchase with the transactionId, cookies cleared', async () => {
      const browser = new Browser(app);
      await browser.get('/mobile-plans?iccid=8988247000100003319&transactionId=C.1');
      const r = await browser.get('/mobile-plans/cancel');
      assert.equal(r.statusCode, 200);
      const data = handOver(r.body);
      assert.deepEqual(
        [data.operation, data.status, data['plan-name'], data['transaction-id'], data.line],
        ['cancelled-purchase', 'cancelled', '', 'C.1', 'bailed'],
      );
      const cleared = (r.cookies as Array<{ name: string; value: string }>).map((c) => [c.name, c.value]);
      assert.ok(cleared.some(([name, value]) => name === 'mbprov_mp' && value === ''));
      assert.ok(cleared.some(([name, value]) => name === 'mbprov_sub' && value === ''));
      // A forged reason falls back to cancelled.
      assert.equal(
        handOver((await browser.get('/mobile-plans/cancel?reason=evil')).body).status,
        'cancelled',
      );
    });

    it('a delayed download can be cancelled before the app offers it: the order is cancelled', async () => {
      ctx.config.mobilePlans.esimDelivery = 'delayed';
      try {
        const eid = newEid();
        const browser = new Browser(app);
        const launch = await browser.get(`/mobile-plans?eid=${eid}&transactionId=D.1`);
        await browser.post('/mobile-plans/esim', { _csrf: field(launch.body, '_csrf') });
        const page = await buy(browser, await browser.get('/renew'), 'day-1gb');
        const data = handOver(page.body);
        assert.equal(data.delay, '15');
        const iccid = field(page.body, 'iccid');
        const subscriber = await subscriberByEid(ctx.store.db, eid);
        const ordered = await esimProfileByIccid(ctx.store.db, iccid);
        assert.deepEqual(
          [ordered?.state, ordered?.subscriber_id, ordered?.eid, ordered?.transaction_id],
          ['released', subscriber?.id, eid, 'D.1'],
        );
        const requests = smdp.requests.length;
        const r = await browser.post('/mobile-plans/esim/cancel', {
          _csrf: field(page.body, '_csrf'),
          iccid,
        });
        assert.equal(r.statusCode, 200);
        assert.equal(handOver(r.body).operation, 'cancelled-purchase');
        // Cancelled at the SM-DP+ (the order's matching ID with it) and back in stock.
        assert.deepEqual(smdpCalls(requests), [
          { fn: 'cancelOrder', eid, iccid, status: 'Executed-Success' },
        ]);
        const cancel = smdp.requests.at(-1);
        assert.ok(cancel);
        assert.equal((cancel.body as { matchingId?: string }).matchingId, ordered?.matching_id);
        assert.equal(smdp.profile(iccid)?.state, 'Available');
        assert.equal((await esimProfileByIccid(ctx.store.db, iccid))?.state, 'available');
      } finally {
        ctx.config.mobilePlans.esimDelivery = 'inline';
      }
    });

    it('the walled-garden export lists the Mobile Plans endpoints', async () => {
      const { walledGardenHosts } = await import('../src/backoffice/policy.ts');
      const hosts = walledGardenHosts(ctx);
      for (const host of [
        'login.live.com',
        'www.msftconnecttest.com',
        '*.smartscreen.microsoft.com',
        'localhost',
      ])
        assert.ok(hosts.includes(host), host);
      ctx.config.mobilePlans.enabled = false;
      try {
        assert.ok(!walledGardenHosts(ctx).includes('login.live.com'));
      } finally {
        ctx.config.mobilePlans.enabled = true;
      }
    });
  });
