// The Mobile Plans flow in a real browser (Debian's Chromium, playwright-core), against a fake Mobile Plans app
// (helpers/mobile-plans-host.ts) that checks every call against the documented shapes: an eSIM purchase down to
// notifyProfileDownload with the ordered activation code and every result the app can report back, a physical-SIM
// purchase, balance top-ups with and without an ICCID, a cancel, and a retry after an LPA error header. Each page is
// checked against the design policies a test can check: 800x600 and 320 px wide without sideways scrolling, no new
// windows or target=_blank, support, terms and privacy links, the cancel button, every resource from the portal's own
// HTTPS origin, axe-core clean. The eSIM back end is the portal's own: ES2+ over mutual TLS to the built-in test
// SM-DP+ (esim.testSmdp), which checks every request and plays the device's download with its notifications.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseActivationCode } from '@mbprov/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { policyFor } from '../src/backoffice/policy.ts';
import { text as testPaymentText } from '../src/payments/test-service/strings.ts';
import type { RunningPortal } from '../src/start.ts';
import { addEsimProfiles, esimProfileByIccid } from '../src/storage/esim-profiles.ts';
import { addSims } from '../src/storage/sims.ts';
import { messages, t } from '../src/views/i18n.ts';
import {
  axeViolations,
  launchChromium,
  startBrowserPortal,
  stopBrowserPortal,
  withAnyAmount,
} from './helpers/chromium.ts';
import { appReports, type FakeMobilePlansHost, fakeMobilePlansHost } from './helpers/mobile-plans-host.ts';
import { es2Calls } from './helpers/smdp.ts';

const TEST_TIMEOUT = 180_000;
const PHYSICAL = '8988247000100007001';
const INSTALLED = '8988247000100007019';
const EID = '89033024010400000100000000007001';
const SMDP_ADDRESS = 'smdp.test.example';
/** The eSIM profile inventory: what the test SM-DP+ can deliver. */
const STOCK = ['8988247000200000011', '8988247000200000029', '8988247000200000037'];

/** The ES2+ functions the test SM-DP+ received, in order, with the EID and ICCID of each. */
const smdpCalls = () => es2Calls(portal.testSmdp);

/** The order of the first test (an activation code and its profile), for the retry and the download. */
let firstOrder: { code: string; iccid: string; matchingId: string } | undefined;

let portal: RunningPortal;
let browser: Browser;
let dataDir: string;
let baseUrl: string;

/** A browser context as the Mobile Plans app's WebView: the fake app, 800x600, the given headers. */
async function mobilePlansApp(
  transactionId: string,
  headers: Record<string, string> = {},
  locale: 'en-US' | 'ja-JP' = 'en-US',
): Promise<{ context: BrowserContext; host: FakeMobilePlansHost; page: Page }> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 800, height: 600 },
    locale,
    extraHTTPHeaders: { 'Accept-Language': locale, ...headers },
  });
  context.setDefaultTimeout(30_000);
  const host = await fakeMobilePlansHost(context, transactionId);
  return { context, host, page: await context.newPage() };
}

/** The launch URL as the app opens it. */
const launchUrl = (query: Record<string, string>) => `${baseUrl}/mobile-plans?${new URLSearchParams(query)}`;

/** The design policies of a Mobile Plans page a test can check (docs/mobile-plans.md, "Design policies"). */
async function checkDesign(page: Page, host: FakeMobilePlansHost): Promise<void> {
  const where = new URL(page.url()).pathname;
  const layout = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    width: document.documentElement.clientWidth,
    blank: document.querySelectorAll('[target]').length,
    resources: performance.getEntriesByType('resource').map((e) => e.name),
  }));
  assert.ok(layout.scroll <= layout.width, `${where}: no sideways scrolling at 800 px (${layout.scroll})`);
  assert.equal(layout.blank, 0, `${where}: no target= links (new windows)`);
  for (const url of [page.url(), ...layout.resources])
    assert.equal(new URL(url).origin, baseUrl, `${where}: ${url} from the portal's https origin`);
  for (const key of ['site.footer.supportPage', 'site.footer.terms', 'site.footer.privacy'] as const)
    assert.equal(await page.getByRole('link', { name: t('en', key) }).count(), 1, `${where}: ${key}`);
  assert.equal(
    await page.getByRole('link', { name: t('en', 'mp.cancel') }).count(),
    1,
    `${where}: cancel button`,
  );
  assert.deepEqual(await axeViolations(page), [], `${where}: axe-core`);
  await page.setViewportSize({ width: 320, height: 600 });
  const narrow = await page.evaluate(
    () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
  );
  assert.ok(narrow, `${where}: readable at 320 px without sideways scrolling`);
  await page.setViewportSize({ width: 800, height: 600 });
  assert.deepEqual(host.callsTo('window.open'), [], 'no pop-ups');
}

/** Chooses a plan on the plans page, pays with the accepted test card, and waits for the hand-over. */
async function buy(page: Page, plan: string, host: FakeMobilePlansHost): Promise<void> {
  await checkDesign(page, host);
  await page.getByRole('radio', { name: plan }).check();
  await Promise.all([
    page.waitForURL((u) => u.origin !== baseUrl),
    page.getByRole('button', { name: withAnyAmount(messages('en')['pay.submit.hosted.amount']) }).click(),
  ]);
  await page.getByLabel(testPaymentText('en', 'field.name')).fill('Test User');
  await page.getByLabel(testPaymentText('en', 'field.number')).fill('4242 4242 4242 4242');
  await page.getByLabel(testPaymentText('en', 'field.expiry')).fill('12/39');
  await page.getByLabel(testPaymentText('en', 'field.cvc')).fill('123');
  await Promise.all([
    page.waitForURL(`${baseUrl}/mobile-plans/complete`),
    page.getByRole('button', { name: withAnyAmount(testPaymentText('en', 'pay.submit')) }).click(),
  ]);
  await page.locator('#mobile-plans[data-state="done"]').waitFor();
}

/** The one call to `fn`, without problems; its arguments. */
function onlyCall(host: FakeMobilePlansHost, fn: string): unknown[] {
  assert.deepEqual(host.problems(), []);
  const calls = host.callsTo(fn);
  assert.equal(calls.length, 1, `${fn} once: ${JSON.stringify(host.calls)}`);
  return (calls[0] as { args: unknown[] }).args;
}

describe('Mobile Plans in a real browser against a fake Mobile Plans app', {
  timeout: 10 * TEST_TIMEOUT,
}, () => {
  before(
    async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'mbprov-browser-mp-'));
      ({ portal, baseUrl } = await startBrowserPortal(dataDir, (config) => {
        config.esim = {
          smdpAddress: SMDP_ADDRESS,
          functionRequesterIdentifier: 'mbprov-browser-test',
          testSmdp: { port: 0 },
        };
      }));
      await addEsimProfiles(
        portal.ctx.store.db,
        STOCK.map((iccid) => ({ iccid })),
        new Date().toISOString(),
      );
      await addSims(
        portal.ctx.store.db,
        [
          { iccid: PHYSICAL, imsi: '440100000007001' },
          { iccid: INSTALLED, imsi: '440100000007019' },
        ],
        new Date().toISOString(),
      );
      browser = await launchChromium();
    },
    { timeout: TEST_TIMEOUT },
  );
  after(() => stopBrowserPortal(browser, portal, dataDir));

  it('an eSIM purchase: launch with eid and iccids, a plan, the test payment, notifyProfileDownload with the activation code; every result the app reports is explained', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const { context, host, page } = await mobilePlansApp('/7RBTuSJt02OZbX8.4');
    try {
      await page.goto(
        launchUrl({
          market: 'US',
          location: 'US',
          transactionId: '/7RBTuSJt02OZbX8.4',
          eid: EID,
          imei: '001102000315468',
          iccids: '8988247000101867183,8988247000103824828',
        }),
      );
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), t('en', 'mp.esim.title'));
      await checkDesign(page, host);
      await Promise.all([
        page.waitForURL(`${baseUrl}/renew`),
        page.getByRole('button', { name: t('en', 'mp.esim.continue') }).click(),
      ]);
      await buy(page, '10 GB Monthly', host);
      await checkDesign(page, host);
      const [metadata, code, ...rest] = onlyCall(host, 'notifyProfileDownload');
      assert.deepEqual(rest, [], 'inline: no delay');
      // The portal ordered the first profile of the inventory at the SM-DP+ for this EID (DownloadOrder, then
      // ConfirmOrder with release), and the app got the activation code of that order.
      const iccid = STOCK[0] as string;
      assert.deepEqual(smdpCalls(), [
        { fn: 'downloadOrder', eid: EID, iccid, status: 'Executed-Success' },
        { fn: 'confirmOrder', eid: EID, iccid, status: 'Executed-Success' },
      ]);
      const activation = parseActivationCode(code as string);
      assert.equal(activation.smdpAddress, SMDP_ADDRESS);
      const stored = await esimProfileByIccid(portal.ctx.store.db, iccid);
      assert.equal(stored?.state, 'released');
      assert.equal(stored?.eid, EID);
      assert.equal(stored?.matching_id, activation.matchingId);
      assert.equal(stored?.transaction_id, '/7RBTuSJt02OZbX8.4');
      assert.equal(portal.testSmdp?.profile(iccid)?.state, 'Released');
      firstOrder = { code: code as string, iccid, matchingId: activation.matchingId };
      assert.deepEqual(metadata, {
        userAccount: 'New',
        purchaseInstrument: 'New',
        line: 'New',
        lineType: 'New',
        moDirectStatus: 'Complete',
        modirectStatus: 'Complete',
        planName: '10 GB Monthly',
        transactionId: '/7RBTuSJt02OZbX8.4',
      });
      assert.equal(await page.locator('#mobile-plans').textContent(), t('en', 'mp.status.download'));

      // What the app reports afterwards: every documented registration state and activation result.
      const operator = 'Contoso Mobile (demo)';
      for (const [state, note] of [
        ['none', 'waiting'],
        ['deregistered', 'waiting'],
        ['searching', 'searching'],
        ['home', 'connected'],
        ['roaming', 'connected'],
        ['partner', 'connected'],
        ['denied', 'denied'],
      ] as const) {
        await appReports(page, 'registrationChanged', state, '8988247000000000001');
        assert.equal(
          await page.locator('#mobile-plans-network').textContent(),
          t('en', `mp.registration.${note}`, { operator }),
        );
      }
      const results = (await page.evaluate(
        () =>
          (window as unknown as { __mobilePlansApp: { activationResults: string[] } }).__mobilePlansApp
            .activationResults,
      )) as string[];
      assert.equal(results.length, 31);
      const { ACTIVATION_RESULTS } = await import('../src/mobile-plans/esim-results.ts');
      for (const result of results) {
        await appReports(page, 'activationComplete', result, '8988247000000000001');
        const step = ACTIVATION_RESULTS[result as keyof typeof ACTIVATION_RESULTS];
        assert.equal(await page.locator('#mobile-plans').getAttribute('data-state'), `activation-${result}`);
        assert.equal(
          await page.locator('#mobile-plans').textContent(),
          t('en', `mp.step.${step}`, { operator }),
          result,
        );
      }
    } finally {
      await context.close();
    }
  });

  it('a retry after an LPA error header: the notice explains it, and the retry hands over the same profile again', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const { context, host, page } = await mobilePlansApp('retry.2', {
      'X-MP-LPAError-Codes': 'ServerNotReachable',
      'X-MP-LPAError-TimeStamps': '5/18/2018 11:17:23 PM',
      'X-MP-LPAError-ICCIDs': '8988247000000000001',
    });
    try {
      await page.goto(launchUrl({ eid: EID, transactionId: 'retry.2' }));
      const notice = page.locator('#lpa-notice');
      assert.equal(await notice.getByRole('heading').textContent(), t('en', 'mp.lpa.title'));
      assert.ok((await notice.textContent())?.includes(t('en', 'mp.step.retry')));
      await checkDesign(page, host);
      await Promise.all([
        page.waitForURL(`${baseUrl}/mobile-plans/complete`),
        page.getByRole('link', { name: t('en', 'mp.lpa.retry') }).click(),
      ]);
      await page.locator('#mobile-plans[data-state="done"]').waitFor();
      const [metadata, code] = onlyCall(host, 'notifyProfileDownload');
      assert.equal(code, firstOrder?.code, 'the same order');
      assert.equal(smdpCalls().length, 2, 'no second order at the SM-DP+');
      assert.equal((metadata as { transactionId: string }).transactionId, 'retry.2');
      assert.equal((metadata as { userAccount: string }).userAccount, 'New', 'still the first plan');
    } finally {
      await context.close();
    }
  });

  it('the device downloads the profile: the SM-DP+ notifies the portal, and the line is topped up afterwards, never given a second profile', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    assert.ok(firstOrder && portal.testSmdp, 'the eSIM purchase ran first');
    const sent = await portal.testSmdp.simulateDownload(firstOrder.matchingId, EID);
    assert.deepEqual(
      sent.map((n) => [n.notificationPointId, n.httpStatus]),
      [
        [3, 204],
        [4, 204],
      ],
    );
    assert.equal((await esimProfileByIccid(portal.ctx.store.db, firstOrder.iccid))?.state, 'installed');
    // The gateway's policy for the new line, by its profile's ICCID: the walled garden is open (a paid plan).
    const policy = await policyFor(portal.ctx, { iccid: firstOrder.iccid });
    assert.deepEqual([policy.internet, policy.reason, policy.plan?.name], [true, 'active', '10 GB Monthly']);
    const stock = await policyFor(portal.ctx, { iccid: STOCK[2] as string });
    assert.deepEqual([stock.internet, stock.reason], [false, 'unknown-sim'], 'a profile in stock is no line');
    // The app opens the portal again with the installed profile among the eSIM's ICCIDs: a top-up naming it. (The
    // line's first plan is still active: the operator here lets a purchase replace it.)
    const { operator } = portal.ctx.config;
    const renew = operator.renewWhileActive;
    operator.renewWhileActive = 'replace';
    const { context, host, page } = await mobilePlansApp('after.1');
    try {
      await page.goto(launchUrl({ eid: EID, iccids: firstOrder.iccid, transactionId: 'after.1' }));
      // The status page of the active line, with the purchase that replaces its plan.
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), t('en', 'status.heading'));
      await Promise.all([
        page.waitForURL(`${baseUrl}/renew`),
        page.locator('a.button[href="/renew"]').click(),
      ]);
      await buy(page, '1 GB Day Pass', host);
      const args = onlyCall(host, 'notifyBalanceAddition');
      assert.deepEqual([args.length, args[1]], [2, firstOrder.iccid]);
      // And a launch that does not list it (the app's list is optional) finds the line by its EID: the completion
      // page sees the delivered profile and tops it up instead of ordering another.
      await page.goto(launchUrl({ eid: EID, transactionId: 'after.2' }));
      await page.goto(`${baseUrl}/mobile-plans/complete`);
      await page.locator('#mobile-plans[data-state="done"]').waitFor();
      assert.equal(host.callsTo('notifyProfileDownload').length, 0);
      assert.equal(smdpCalls().length, 2, 'still one order at the SM-DP+');
    } finally {
      operator.renewWhileActive = renew;
      await context.close();
    }
  });

  it('a physical-SIM purchase ends with notifyBalanceAddition without an ICCID', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const { context, host, page } = await mobilePlansApp('waoigFfX00yGH3Vb.1');
    try {
      await page.goto(
        launchUrl({
          iccid: `${PHYSICAL}F`,
          imei: '001102000311608',
          market: 'us',
          transactionId: 'waoigFfX00yGH3Vb.1',
          location: 'us',
        }),
      );
      await buy(page, '1 GB Day Pass', host);
      const args = onlyCall(host, 'notifyBalanceAddition');
      assert.equal(args.length, 1, 'no ICCID: the SIM is in the PC');
      assert.equal((args[0] as { line: string }).line, 'Existing');
    } finally {
      await context.close();
    }
  });

  it('a balance top-up of an installed eSIM profile names its ICCID', { timeout: TEST_TIMEOUT }, async () => {
    const { context, host, page } = await mobilePlansApp('topup.1');
    try {
      await page.goto(
        launchUrl({
          eid: '89033024010400000100000000007019',
          iccids: `8988247000199999998, ${INSTALLED}F`,
          transactionId: 'topup.1',
        }),
      );
      await buy(page, '1 GB Day Pass', host);
      const args = onlyCall(host, 'notifyBalanceAddition');
      assert.deepEqual([args.length, args[1]], [2, INSTALLED]);
    } finally {
      await context.close();
    }
  });

  it('cancel: the button on the plans page returns control with notifyCancelledPurchase', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const { context, host, page } = await mobilePlansApp('cancel.1');
    try {
      await page.goto(launchUrl({ iccid: PHYSICAL, transactionId: 'cancel.1' }));
      await Promise.all([
        page.waitForURL(`${baseUrl}/mobile-plans/cancel`),
        page.getByRole('link', { name: t('en', 'mp.cancel') }).click(),
      ]);
      await page.locator('#mobile-plans[data-state="done"]').waitFor();
      const [metadata] = onlyCall(host, 'notifyCancelledPurchase');
      assert.deepEqual(metadata, {
        userAccount: 'None',
        purchaseInstrument: 'None',
        line: 'Bailed',
        lineType: 'Bailed',
        moDirectStatus: 'Cancelled',
        modirectStatus: 'Cancelled',
        planName: '',
        transactionId: 'cancel.1',
      });
      assert.deepEqual(await axeViolations(page), []);
      const cookies = (await context.cookies()).map((c) => c.name);
      assert.ok(!cookies.includes('mbprov_mp') && !cookies.includes('mbprov_sub'), 'signed out');
    } finally {
      await context.close();
    }
  });

  it('Japanese: Accept-Language chooses the language; the new-eSIM page and its LPA notice pass axe-core', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const { context, page } = await mobilePlansApp(
      'ja.1',
      { 'X-MP-LPAError-Codes': 'InsufficientSpaceOnCard' },
      'ja-JP',
    );
    try {
      await page.goto(launchUrl({ eid: '89033024010400000100000000007027', transactionId: 'ja.1' }));
      assert.equal(await page.getAttribute('html', 'lang'), 'ja');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), t('ja', 'mp.esim.title'));
      assert.ok((await page.locator('#lpa-notice').textContent())?.includes(t('ja', 'mp.step.free-space')));
      assert.equal(await page.getByRole('link', { name: t('ja', 'mp.cancel') }).count(), 1);
      assert.deepEqual(await axeViolations(page), []);
      const wide = await page.evaluate(
        () => document.documentElement.scrollWidth <= document.documentElement.clientWidth,
      );
      assert.ok(wide, 'no sideways scrolling at 800 px');
    } finally {
      await context.close();
    }
  });
});
