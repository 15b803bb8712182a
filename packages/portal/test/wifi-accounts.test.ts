// Customers without a SIM over HTTP, on SQLite and PostgreSQL (docs/hotspot.md, "Customers without a SIM"): sign-up,
// a duplicate address, a wrong password and an unknown address answered alike, the login and sign-up limits, a form
// without its CSRF token (nothing written), a Wi-Fi plan bought on the test payment service's hosted page, the
// WLAN-only signed document behind the short-lived link (fetched without cookies, and refused once expired),
// vouchers (once, expired), and that SIM customers keep their own plans.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseDocument, verifyDocument } from '@mbprov/core';
import type { FastifyInstance } from 'fastify';
import { issueVouchers } from '../src/activation/vouchers.ts';
import { hashPassword, needsRehash, verifyPassword } from '../src/security/password.ts';
import { buildServer } from '../src/server.ts';
import { subscriberById } from '../src/storage/subscribers.ts';
import { t } from '../src/views/i18n.ts';
import { countRows, DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { Browser, field, payAndReturn } from './helpers/http.ts';
import { refreshAs } from './helpers/refresh.ts';

const START = new Date('2026-11-21T10:00:00Z');
const PASSWORD = 'correct horse battery';

for (const dialect of DIALECTS) {
  describe(`Wi-Fi-only customers (${dialect})`, () => {
    let ctx: TestContext;
    let app: FastifyInstance;
    /** Each test comes from its own address, so that the per-client limits of one do not reach another. */
    let clients = 0;
    const browser = () => new Browser(app, {}, `192.0.2.${++clients}`);

    before(async () => {
      ctx = await testContext(dialect, {
        now: START,
        configure: (c) => {
          Object.assign(c.rateLimits, { entryPerMinute: 1000, checkoutPerMinute: 1000 });
          Object.assign(c.wifiAccounts, {
            passwordCost: 14,
            signupsPerClientPerHour: 3,
            loginFailuresPerAccountPerHour: 3,
          });
        },
      });
      app = await buildServer(ctx, { logger: false });
    });
    after(async () => {
      await app.close();
      await ctx.close();
    });

    /** Signs up in `b` with `email`; the answer of the post. */
    async function signUp(b: Browser, email: string, password = PASSWORD) {
      const form = await b.get('/wifi/signup');
      assert.equal(form.statusCode, 200);
      return b.post('/wifi/signup', { email, password, _csrf: field(form.body, '_csrf') });
    }

    /** Logs in in `b`; the answer of the post. */
    async function logIn(b: Browser, email: string, password: string) {
      const form = await b.get('/wifi/login');
      return b.post('/wifi/login', { email, password, _csrf: field(form.body, '_csrf') });
    }

    it('the start page leads to /wifi; a sign-up stores the address only encrypted and hashed, and opens the Wi-Fi plans', async () => {
      const b = browser();
      const home = await b.get('/');
      assert.match(home.body, /href="\/wifi"/);
      const wifi = await b.get('/wifi');
      assert.equal(wifi.statusCode, 200);
      assert.ok(wifi.body.includes('Wi-Fi Day Pass'));
      const created = await signUp(b, 'Ann.Example@Example.ORG');
      assert.equal(created.statusCode, 303, created.body.slice(0, 300));
      assert.equal(created.headers.location, '/wifi/plans');
      const account = await ctx.store.db.selectFrom('accounts').selectAll().executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(account).toLowerCase().includes('example.org'), 'no address in clear');
      assert.match(account.password_hash, /^scrypt\$14\$8\$1\$/);
      assert.equal(ctx.secrets.decrypt(account.email_encrypted), 'ann.example@example.org');
      const subscriber = await ctx.store.db
        .selectFrom('subscribers')
        .selectAll()
        .where('id', '=', account.subscriber_id)
        .executeTakeFirstOrThrow();
      assert.equal(subscriber.sim_id, null);
      const plans = await b.get('/wifi/plans');
      assert.equal(plans.statusCode, 200);
      assert.ok(plans.body.includes(t('en', 'plans.heading.wifi-first-use')));
      assert.ok(plans.body.includes('value="wifi-day"'));
      assert.ok(!plans.body.includes('value="day-1gb"'), 'no mobile plan without a SIM');
      // The account page names the address, and logging out ends the session.
      const hub = await b.get('/wifi');
      assert.ok(hub.body.includes('ann.example@example.org'));
      const out = await b.post('/wifi/logout', { _csrf: field(hub.body, '_csrf') });
      assert.equal(out.statusCode, 303);
      assert.equal((await b.get('/wifi/plans')).headers.location, '/wifi/login');
    });

    it('a second account for the same address (any case) is refused, and nothing is written', async () => {
      const b = browser();
      assert.equal((await signUp(b, 'dup@example.net')).statusCode, 303);
      const [accounts, subscribers] = [await countRows(ctx, 'accounts'), await countRows(ctx, 'subscribers')];
      const again = await signUp(browser(), 'DUP@example.net');
      assert.equal(again.statusCode, 409);
      assert.ok(again.body.includes(t('en', 'wifi.error.exists')));
      assert.equal(await countRows(ctx, 'accounts'), accounts);
      assert.equal(await countRows(ctx, 'subscribers'), subscribers);
      const weak = await signUp(browser(), 'short@example.net', 'short');
      assert.equal(weak.statusCode, 400);
      const bad = await signUp(browser(), 'not an address', PASSWORD);
      assert.equal(bad.statusCode, 400);
      assert.equal(await countRows(ctx, 'accounts'), accounts);
    });

    it('a wrong password and an unknown address get the same answer; past the limit per address, 429 before any check', async () => {
      assert.equal((await signUp(browser(), 'login@example.net')).statusCode, 303);
      const wrong = await logIn(browser(), 'login@example.net', 'wrong password!');
      const unknown = await logIn(browser(), 'nobody@example.net', 'wrong password!');
      assert.equal(wrong.statusCode, 401);
      assert.equal(unknown.statusCode, 401);
      const message = (body: string) => /<div class="banner error"[\s\S]*?<\/div>/.exec(body)?.[0];
      assert.equal(message(wrong.body), message(unknown.body));
      const right = await logIn(browser(), 'Login@Example.net', PASSWORD);
      assert.equal(right.statusCode, 303);
      assert.equal(right.headers.location, '/wifi/plans');
      // Two more failures reach loginFailuresPerAccountPerHour (3), from other addresses: the right password too is
      // refused now, until the hour ends.
      await logIn(browser(), 'login@example.net', 'wrong again!!');
      await logIn(browser(), 'login@example.net', 'and again!!!!');
      const limited = await logIn(browser(), 'login@example.net', PASSWORD);
      assert.equal(limited.statusCode, 429);
      assert.ok(limited.headers['retry-after']);
      ctx.setNow(new Date(ctx.clock().getTime() + 61 * 60_000));
      assert.equal((await logIn(browser(), 'login@example.net', PASSWORD)).statusCode, 303);
    });

    it('account creation is limited per client address, and a form without its CSRF token writes nothing', async () => {
      const b = browser();
      for (let i = 0; i < 3; i++) assert.equal((await signUp(b, `many${i}@example.net`)).statusCode, 303);
      const accounts = await countRows(ctx, 'accounts');
      const refused = await signUp(b, 'many3@example.net');
      assert.equal(refused.statusCode, 429);
      assert.ok(refused.body.includes(t('en', 'error.signupLimit.body')));
      const c = browser();
      await c.get('/wifi/signup');
      const forged = await c.post('/wifi/signup', { email: 'csrf@example.net', password: PASSWORD });
      assert.equal(forged.statusCode, 403);
      const crossSite = await c.post(
        '/wifi/signup',
        { email: 'csrf@example.net', password: PASSWORD, _csrf: 'x' },
        { origin: 'https://evil.example' },
      );
      assert.equal(crossSite.statusCode, 403);
      assert.equal(await countRows(ctx, 'accounts'), accounts);
    });

    it('buys a Wi-Fi plan on the hosted page: a WLAN-only signed document, served by a short-lived link without cookies', async () => {
      const b = browser();
      assert.equal((await signUp(b, 'buyer@example.net')).statusCode, 303);
      const plans = await b.get('/wifi/plans');
      const checkout = await b.post('/checkout', {
        planId: 'wifi-day',
        checkoutId: field(plans.body, 'checkoutId'),
        _csrf: field(plans.body, '_csrf'),
      });
      const back = await payAndReturn(b, checkout, ctx.tlsCa);
      assert.equal(back.headers.location, '/complete');
      const complete = await b.get('/complete');
      assert.equal(complete.statusCode, 200);
      assert.ok(!complete.body.includes('provision.js'), 'no msProvisionNetworks without a SIM');
      const link = /href="ms-settings:wifi-provisioning\?uri=([^"]+)"/.exec(complete.body)?.[1];
      assert.ok(link, 'the ms-settings link');
      const url = new URL(decodeURIComponent(link));
      assert.match(url.pathname, /^\/wifi\/document\//);
      // The Settings app fetches it without the browser's cookies.
      const fetched = await app.inject({ method: 'GET', url: url.pathname });
      assert.equal(fetched.statusCode, 200);
      assert.equal(fetched.headers['cache-control'], 'no-store');
      const xml = fetched.body;
      assert.equal(verifyDocument(xml, { trustAnchors: [ctx.rootPem], requireEv: true }).valid, true);
      const model = parseDocument(xml).model;
      assert.ok(model);
      assert.equal(model.MBNProfiles, undefined);
      assert.equal(model.Activation, undefined);
      const account = await ctx.store.db
        .selectFrom('accounts')
        .innerJoin('subscribers', 'subscribers.id', 'accounts.subscriber_id')
        .select(['subscribers.id', 'subscribers.refresh_user'])
        .where('accounts.email_id', '=', ctx.secrets.accountEmailId('buyer@example.net'))
        .executeTakeFirstOrThrow();
      const profiles = model.WLANProfiles?.WLANProfile ?? [];
      assert.deepEqual(
        profiles.map((p) => p.name),
        ['Contoso Hotspot'],
        'the WISPr network, not the EAP-SIM one',
      );
      assert.deepEqual(profiles[0]?.MSM?.security?.HotspotProfile?.BasicAuth, {
        UserName: account.refresh_user,
        Password: ctx.secrets.hotspotPassword(account.id),
      });
      assert.equal(model.Plans?.Plan[0]?.Name, 'Wi-Fi Day Pass');
      assert.match(model.Provisioning?.RefreshParameters?.RefreshURL ?? '', /\/refresh\//);
      // The RefreshURL serves a Wi-Fi-only subscriber as a SIM's, with its HTTP Basic credentials.
      const row = await subscriberById(ctx.store.db, account.id);
      assert.ok(row);
      const refreshed = await refreshAs(app, ctx, row);
      assert.equal(refreshed.statusCode, 200);
      assert.equal(refreshed.body, xml);
      // The link ends after wifiAccounts.documentLinkMinutes; the status page then carries a new one.
      ctx.setNow(
        new Date(ctx.clock().getTime() + (ctx.config.wifiAccounts.documentLinkMinutes + 1) * 60_000),
      );
      assert.equal((await app.inject({ method: 'GET', url: url.pathname })).statusCode, 404);
      const status = await b.get('/status');
      assert.equal(status.statusCode, 200);
      assert.ok(status.body.includes(t('en', 'status.intro.wifi')));
      const again = await b.get('/complete');
      const fresh = /href="(https:[^"]+\/wifi\/document\/[^"]+)" download/.exec(again.body)?.[1];
      assert.ok(fresh);
      assert.equal((await app.inject({ method: 'GET', url: new URL(fresh).pathname })).statusCode, 200);
      // A tampered link is refused like an expired one.
      const tampered = `${new URL(fresh).pathname.slice(0, -1)}A`;
      assert.equal((await app.inject({ method: 'GET', url: tampered })).statusCode, 404);
      // The login ends after wifiAccounts.sessionHours: the browser's subscriber cookie alone opens none of its pages.
      ctx.setNow(new Date(ctx.clock().getTime() + (ctx.config.wifiAccounts.sessionHours + 1) * 3_600_000));
      assert.equal((await b.get('/status')).headers.location, '/');
      assert.equal((await b.get('/complete')).headers.location, '/');
      assert.equal((await b.get('/wifi/plans')).headers.location, '/wifi/login');
      assert.equal((await b.get('/')).statusCode, 200, 'the start page, not a redirect back to /status');
    });

    it('a voucher activates its plan once, without payment; a used or expired voucher is refused and writes nothing', async () => {
      const batch = await issueVouchers(ctx, { planId: 'wifi-day', count: 2, validDays: 1 });
      assert.equal(batch.codes.length, 2);
      const stored = await ctx.store.db.selectFrom('vouchers').selectAll().execute();
      assert.ok(
        !JSON.stringify(stored).includes(batch.codes[0]?.replace(/-/g, '') ?? '?'),
        'no code in clear',
      );
      const payments = await ctx.paymentCounts();
      const b = browser();
      const form = await b.get('/wifi/voucher');
      const redeemed = await b.post('/wifi/voucher', {
        code: (batch.codes[0] as string).toLowerCase(),
        _csrf: field(form.body, '_csrf'),
      });
      assert.equal(redeemed.statusCode, 303, redeemed.body.slice(0, 300));
      assert.equal(redeemed.headers.location, '/complete');
      const complete = await b.get('/complete');
      assert.ok(complete.body.includes(t('en', 'receipt.method.voucher')));
      assert.deepEqual(await ctx.paymentCounts(), payments, 'no payment');
      const [subscribers, subscriptions, checkouts] = [
        await countRows(ctx, 'subscribers'),
        await countRows(ctx, 'subscriptions'),
        await countRows(ctx, 'checkouts'),
      ];
      const other = browser();
      const second = await other.get('/wifi/voucher');
      const used = await other.post('/wifi/voucher', {
        code: batch.codes[0] as string,
        _csrf: field(second.body, '_csrf'),
      });
      assert.equal(used.statusCode, 400);
      assert.ok(used.body.includes(t('en', 'wifi.error.invalid-code')));
      ctx.setNow(new Date(ctx.clock().getTime() + 2 * 86_400_000));
      const third = await other.get('/wifi/voucher');
      const expired = await other.post('/wifi/voucher', {
        code: batch.codes[1] as string,
        _csrf: field(third.body, '_csrf'),
      });
      assert.equal(expired.statusCode, 400);
      assert.ok(expired.body.includes(t('en', 'wifi.error.expired-code')));
      assert.equal(await countRows(ctx, 'subscribers'), subscribers);
      assert.equal(await countRows(ctx, 'subscriptions'), subscriptions);
      assert.equal(await countRows(ctx, 'checkouts'), checkouts);
      const unused = await ctx.store.db
        .selectFrom('vouchers')
        .select('redeemed_at')
        .where('batch_id', '=', batch.batchId)
        .where('redeemed_at', 'is', null)
        .execute();
      assert.equal(unused.length, 1);
    });

    it('a SIM customer cannot buy a Wi-Fi plan, nor a mobile plan be issued as vouchers', async () => {
      const b = browser();
      const page = await b.get('/?SubId=310260000000001&IccId=8901260000000000018');
      assert.equal(page.statusCode, 200);
      assert.ok(!page.body.includes('value="wifi-day"'));
      const checkout = await b.post('/checkout', {
        planId: 'wifi-day',
        checkoutId: field(page.body, 'checkoutId'),
        _csrf: field(page.body, '_csrf'),
      });
      assert.equal(checkout.statusCode, 409);
      assert.ok(checkout.body.includes(t('en', 'plans.error.plan-unavailable')));
      await assert.rejects(issueVouchers(ctx, { planId: 'day-1gb', count: 1, validDays: 1 }), {
        code: 'MBPROV_PLAN_UNAVAILABLE',
      });
    });
  });
}

describe('account passwords', () => {
  it('scrypt with its parameters stored: verifies, refuses another password, and asks for a rehash at a higher cost', async () => {
    const stored = await hashPassword('a password of mine', 14);
    assert.equal(await verifyPassword('a password of mine', stored), true);
    assert.equal(await verifyPassword('a password of yours', stored), false);
    assert.equal(await verifyPassword('a password of mine', 'scrypt$broken'), false);
    assert.equal(needsRehash(stored, 14), false);
    assert.equal(needsRehash(stored, 15), true);
  });
});
