// A customer without a SIM in a real browser (Debian's Chromium through playwright-core), against the running portal
// (startPortal over HTTPS, embedded demo): from the start page to /wifi, sign-up, a Wi-Fi plan paid on the test
// payment service's hosted page, and the completion page's ms-settings:wifi-provisioning link and download. The
// Settings app fetches that link itself, without the browser's cookies: so does the test, then a simulated Windows PC
// without a SIM (@mbprov/simulator, source wifi-provider) applies the document: an EV signature the user consents to
// the first time, and the WISPr profile with the account's credentials installed. axe-core checks every new page in
// English and Japanese, and none scrolls sideways at 320 px. Tests never assert on time: timeouts guard hangs only.
// Issue 16's "Done when" in one test: the credentials of the applied document get Access-Accept from FreeRADIUS
// (its rest module calling the portal), accounting through FreeRADIUS consumes the plan, and expiry sends a
// Disconnect-Request that FreeRADIUS's Dynamic Authorization listener (the NAS of the test) receives.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Machine } from '@mbprov/simulator';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { normalizeEmail } from '../src/activation/accounts.ts';
import { createApiKey } from '../src/backoffice/api-keys.ts';
import { runExpirySweep } from '../src/jobs/tasks.ts';
import type { RunningPortal } from '../src/start.ts';
import { accountByEmailId } from '../src/storage/accounts.ts';
import { radiusSession } from '../src/storage/radius-sessions.ts';
import { subscriberById } from '../src/storage/subscribers.ts';
import { latestSubscription } from '../src/storage/subscriptions.ts';
import { t } from '../src/views/i18n.ts';
import { launchChromium, startBrowserPortal } from './helpers/chromium.ts';
import { installed, type RunningFreeRadius, radclient, startFreeRadius } from './helpers/freeradius.ts';
import { FreeRadiusCoa } from './helpers/freeradius-coa.ts';
import { buy, fetchWithoutCookies, heading, pageProblems, signUp } from './helpers/wifi-browser.ts';

type Lang = 'en' | 'ja';
const TEST_TIMEOUT = 180_000;
const PASSWORD = 'a long test password';
/** The NAS of the Done-when test: FreeRADIUS's Dynamic Authorization listener on 127.0.0.1. */
const NAS_SECRET_ENV = 'MBPROV_TEST_BROWSER_NAS_SECRET';
const NAS_SECRET = 'browser-test-nas-shared-secret';
const SESSION_ID = 'done-when-session-1';
const haveFreeRadius = (await installed('freeradius')) && (await installed('radclient'));
// Setup installs it (scripts/setup.sh): a missing tool fails the tests rather than skipping them.
if (!haveFreeRadius)
  throw new Error('freeradius (and freeradius-utils) are not installed: run npm run setup');

let portal: RunningPortal;
let browser: Browser;
let dataDir: string;
let baseUrl: string;
let tlsCa: string;
let testRootPem: string;
let accounts = 0;
let coa: FreeRadiusCoa | undefined;

/** Signs up on the sign-up page with a new address; answers the address. */
async function signUpNew(page: Page, lang: Lang): Promise<string> {
  const email = `wifi-${++accounts}@example.net`;
  await signUp(page, lang, email, PASSWORD);
  return email;
}

async function newContext(lang: Lang, width = 1024): Promise<BrowserContext> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    locale: lang === 'ja' ? 'ja-JP' : 'en-US',
    extraHTTPHeaders: { 'Accept-Language': lang === 'ja' ? 'ja-JP,ja;q=0.9' : 'en-US,en;q=0.9' },
    viewport: { width, height: 700 },
  });
  context.setDefaultTimeout(30_000);
  return context;
}

/**
 * The document of the completion page's ms-settings link, fetched as the Settings app fetches it (no cookies), applied
 * by a PC without a SIM as from a Wi-Fi provider (EV chain to a trusted root, consent the first time).
 */
async function applySettingsLink(page: Page) {
  const settingsLink = page.getByRole('link', { name: t('en', 'complete.fallback.wifi') });
  const href = (await settingsLink.getAttribute('href')) ?? '';
  assert.match(href, /^ms-settings:wifi-provisioning\?uri=https%3A%2F%2F/);
  const documentUrl = decodeURIComponent(href.slice('ms-settings:wifi-provisioning?uri='.length));
  const fetched = await fetchWithoutCookies(documentUrl, tlsCa);
  assert.equal(fetched.status, 200, fetched.body.slice(0, 200));
  assert.match(fetched.type, /^application\/xml/);
  const pc = Machine.create({ trustedRoots: [testRootPem], capabilities: { mobileBroadband: false } });
  delete pc.state.capabilities.sim;
  let prompts = 0;
  const consent = () => ++prompts > 0;
  const outcome = pc.provision(fetched.body, { source: 'wifi-provider', consent });
  return { documentUrl, fetched, pc, consent, outcome, prompts: () => prompts };
}

describe('a customer without a SIM in a real browser (Chromium)', { timeout: 6 * TEST_TIMEOUT }, () => {
  before(
    async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'mbprov-browser-wifi-'));
      process.env[NAS_SECRET_ENV] = NAS_SECRET;
      coa = await FreeRadiusCoa.start(NAS_SECRET, [SESSION_ID]);
      ({ portal, baseUrl } = await startBrowserPortal(dataDir, (config) => {
        config.wifiAccounts.signupsPerClientPerHour = 1000;
        if (coa)
          config.radius.nas = [
            {
              name: 'ap-test',
              address: '127.0.0.1',
              coaPort: coa.port,
              secretEnv: NAS_SECRET_ENV,
              action: 'disconnect',
              timeoutSeconds: 30,
            },
          ];
      }));
      tlsCa = readFileSync(join(dataDir, 'tls', 'localhost.crt.pem'), 'utf8');
      testRootPem = readFileSync(join(dataDir, 'signing', 'root.crt.pem'), 'utf8');
      browser = await launchChromium();
    },
    { timeout: TEST_TIMEOUT },
  );

  after(async () => {
    await browser?.close();
    await portal?.close();
    await coa?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs up, buys a Wi-Fi plan on the hosted page, and the PC without a SIM applies the document of the ms-settings link (EV, consent once): the WISPr profile with the account credentials', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const context = await newContext('en');
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/`);
      await Promise.all([
        page.waitForURL(`${baseUrl}/wifi`),
        page.getByRole('link', { name: t('en', 'home.wifi.link') }).click(),
      ]);
      assert.equal(await heading(page), t('en', 'wifi.heading'));
      await page.getByRole('link', { name: t('en', 'wifi.signup.link') }).click();
      assert.equal(await heading(page), t('en', 'wifi-signup.title'));
      const email = await signUpNew(page, 'en');
      assert.equal(await heading(page), t('en', 'plans.heading.wifi-first-use'));
      await buy(page, 'Wi-Fi Day Pass', 'en', baseUrl);
      assert.equal(await heading(page), t('en', 'complete.heading'));

      // The completion page offers the ms-settings link and the download, and no msProvisionNetworks script. What
      // the Settings app does: it fetches the URL itself, without the browser's cookies; a PC without a SIM applies it.
      const { documentUrl, fetched, pc, consent, outcome, prompts } = await applySettingsLink(page);
      const download = page.getByRole('link', { name: t('en', 'complete.fallback.download') });
      assert.equal(await download.getAttribute('href'), documentUrl);
      assert.equal(await page.locator('script[src$="provision.js"]').count(), 0);
      assert.equal(outcome.ok, true, outcome.xml);
      assert.equal(outcome.signer?.trustedBy, 'consent');
      assert.equal(prompts(), 1);
      const account = await accountByEmailId(
        portal.ctx.store.db,
        portal.ctx.secrets.accountEmailId(normalizeEmail(email) as string),
      );
      const subscriber = account && (await subscriberById(portal.ctx.store.db, account.subscriber_id));
      assert.ok(subscriber);
      const carrier = Object.values(pc.state.carriers)[0];
      assert.ok(carrier);
      assert.equal(carrier.DefaultProfile, undefined, 'no mobile broadband profile');
      const wispr = carrier.WLANProfiles.find((p) => p.name === 'Contoso Hotspot');
      assert.deepEqual(wispr?.MSM?.security?.HotspotProfile?.BasicAuth, {
        UserName: subscriber.refresh_user,
        Password: portal.ctx.secrets.hotspotPassword(subscriber.id),
      });
      assert.equal(
        carrier.WLANProfiles.some((p) => p.name === 'Contoso Secure'),
        false,
        'no EAP-SIM network',
      );
      // The same document again (the link pressed twice): no second prompt.
      assert.equal(pc.provision(fetched.body, { source: 'wifi-provider', consent }).ok, true);
      assert.equal(prompts(), 1);

      // The status page, then logging out.
      await page.goto(`${baseUrl}/status`);
      assert.equal(await heading(page), t('en', 'status.heading'));
      await page.goto(`${baseUrl}/wifi`);
      await Promise.all([
        page.waitForURL(`${baseUrl}/wifi`),
        page.getByRole('button', { name: t('en', 'wifi.logout') }).click(),
      ]);
      assert.equal(await page.getByRole('link', { name: t('en', 'wifi.login.link') }).count(), 1);
    } finally {
      await context.close();
    }
  });

  it('Done when (issue 16): the applied credentials get Access-Accept from FreeRADIUS, accounting through it consumes the plan, and expiry sends a Disconnect the NAS receives', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const { ctx } = portal;
    const listener = coa as FreeRadiusCoa;
    const context = await newContext('en');
    const realClock = ctx.clock;
    let radius: RunningFreeRadius | undefined;
    try {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/wifi/signup`);
      await signUpNew(page, 'en');
      await buy(page, 'Wi-Fi Day Pass', 'en', baseUrl);
      const { pc, outcome } = await applySettingsLink(page);
      assert.equal(outcome.ok, true, outcome.xml);
      const wispr = Object.values(pc.state.carriers)[0]?.WLANProfiles.find(
        (p) => p.name === 'Contoso Hotspot',
      );
      const credentials = wispr?.MSM?.security?.HotspotProfile?.BasicAuth;
      assert.ok(credentials?.UserName && credentials.Password, 'the PC holds the WISPr credentials');

      // FreeRADIUS with the configuration `mbprov radius config` writes, its rest module calling this portal.
      const apiKey = (await createApiKey(ctx.store.db, 'freeradius', ['radius'], ctx.clock().toISOString()))
        .key;
      radius = await startFreeRadius(ctx.config, {
        apiKey,
        portalCaFile: join(dataDir, 'tls', 'localhost.crt.pem'),
      });
      const server = radius;
      const accepted = await radclient(server, 'auth', {
        'User-Name': credentials.UserName,
        'User-Password': credentials.Password,
      });
      assert.equal(accepted.code, 'Access-Accept', server.output().slice(-3000));

      // Accounting from the NAS (127.0.0.1, the configured ap-test) through FreeRADIUS consumes the plan.
      const session = {
        'User-Name': credentials.UserName,
        'Acct-Session-Id': SESSION_ID,
        'NAS-IP-Address': '127.0.0.1',
        'Framed-IP-Address': '10.30.0.9',
      };
      assert.equal(
        (await radclient(server, 'acct', { ...session, 'Acct-Status-Type': 'Start' })).code,
        'Accounting-Response',
      );
      const interim = await radclient(server, 'acct', {
        ...session,
        'Acct-Status-Type': 'Interim-Update',
        'Acct-Input-Octets': '50000000',
        'Acct-Output-Octets': '30000000',
      });
      assert.equal(interim.code, 'Accounting-Response', server.output().slice(-3000));
      const subscriberId = (await radiusSession(ctx.store.db, 'ip:127.0.0.1', SESSION_ID))?.subscriber_id;
      assert.ok(subscriberId, 'the session is stored');
      const plan = await latestSubscription(ctx.store.db, subscriberId);
      assert.equal(Number(plan?.wifi_octets), 80_000_000);
      assert.equal(plan?.usage_mb, 80);

      // Two days later the sweep expires the plan and the job disconnects the session at its NAS.
      ctx.clock = () => new Date(Date.now() + 2 * 86_400_000);
      await runExpirySweep(ctx);
      await ctx.queue?.drain();
      const sent = listener
        .received()
        .filter((r) => r.type === 'Disconnect-Request' && r.attributes['Acct-Session-Id'] === SESSION_ID);
      assert.equal(sent.length, 1, listener.output.slice(-3000));
      assert.equal(sent[0]?.attributes['User-Name'], credentials.UserName);
      assert.equal(sent[0]?.attributes['Framed-IP-Address'], '10.30.0.9');
      assert.equal((await radiusSession(ctx.store.db, 'ip:127.0.0.1', SESSION_ID))?.status, 'stopped');
      // And the same credentials are refused now.
      const refused = await radclient(server, 'auth', {
        'User-Name': credentials.UserName,
        'User-Password': credentials.Password,
      });
      assert.equal(refused.code, 'Access-Reject');
    } finally {
      ctx.clock = realClock;
      await radius?.stop();
      await context.close();
    }
  });

  for (const lang of ['en', 'ja'] as const)
    it(`every new page is axe-clean and fits 320 px (${lang}): /wifi, sign-up, log-in, voucher, Wi-Fi plans, completion, status, account`, {
      timeout: TEST_TIMEOUT,
    }, async () => {
      const found: string[] = [];
      for (const width of [1024, 320]) {
        const context = await newContext(lang, width);
        try {
          const page = await context.newPage();
          const check = async (name: string) =>
            found.push(...(await pageProblems(page, `${name} @${width}`)));
          await page.goto(`${baseUrl}/`);
          await check('home');
          for (const path of ['/wifi', '/wifi/login', '/wifi/voucher', '/wifi/signup']) {
            await page.goto(`${baseUrl}${path}`);
            await check(path);
          }
          // A refused form shows its error.
          await page.getByLabel(t(lang, 'wifi.field.email')).fill('not-an-address@');
          await page.getByLabel(t(lang, 'wifi.field.password')).fill('short');
          await page.locator('form.account-form').evaluate((f: HTMLFormElement) => {
            f.noValidate = true;
          });
          await page.getByRole('button', { name: t(lang, 'wifi-signup.submit') }).click();
          await page.locator('.banner.error').waitFor();
          await check('sign-up refused');
          await page.goto(`${baseUrl}/wifi/signup`);
          await signUpNew(page, lang);
          await check('Wi-Fi plans');
          await buy(page, lang === 'ja' ? 'Wi-Fi デイパス' : 'Wi-Fi Day Pass', lang, baseUrl);
          await check('completion');
          await page.goto(`${baseUrl}/status`);
          await check('status');
          await page.goto(`${baseUrl}/wifi`);
          await check('account');
        } finally {
          await context.close();
        }
      }
      assert.deepEqual(found, []);
    });
});
