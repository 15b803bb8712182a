// Issue 17's "Done when" in a real browser (Debian's Chromium through playwright-core) against the running portal
// (startPortal over HTTPS, the embedded demo plus a Passpoint network): a customer without a SIM buys a Wi-Fi plan,
// and the completion page, visited with each platform's User-Agent, offers that platform its profile first and the
// others a click away. The links are fetched as the devices' installers fetch them (no cookies) and checked with
// independent tools: the Apple profile with `openssl cms -verify` against the signer's root and Python's plistlib,
// the Android answer with Python's email package into a PPS-MO (xmllint, ElementTree) and the RADIUS CA. axe-core
// checks the page in English and Japanese, and it does not scroll sideways at 320 px. Timeouts guard hangs only.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { caCertificateDer, createCertificate, PPS_MO_URN } from '@mbprov/core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  type Dict,
  opensslVerify,
  plistOf,
  ppsLeaves,
  split,
} from '../../core/test/helpers/profile-checks.ts';
import type { RunningPortal } from '../src/start.ts';
import { subscriberByRefreshUser } from '../src/storage/subscribers.ts';
import { t } from '../src/views/i18n.ts';
import type { Lang } from '../src/views/models.ts';
import { launchChromium, startBrowserPortal, stopBrowserPortal } from './helpers/chromium.ts';
import { contosoPasspoint } from './helpers/passpoint.ts';
import { buy, fetchWithoutCookies, heading, pageProblems, signUp } from './helpers/wifi-browser.ts';

const TEST_TIMEOUT = 180_000;
const REALM = 'wifi.contoso.test';

/** User-Agents of each platform's browser, as the devices send them. */
const AGENTS = {
  iphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  mac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  android:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  windows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  linux: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
} as const;

let portal: RunningPortal;
let browser: Browser;
let dataDir: string;
let baseUrl: string;
let tlsCa: string;
let signerRootPem: string;
let radiusCaPem: string;
/** The signed-in customer's cookies, for visiting the completion page from other "devices". */
let storageState: Awaited<ReturnType<BrowserContext['storageState']>>;

async function visitComplete(
  agent: string,
  lang: Lang,
  width = 1024,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    userAgent: agent,
    storageState,
    locale: lang === 'ja' ? 'ja-JP' : 'en-US',
    extraHTTPHeaders: { 'Accept-Language': lang === 'ja' ? 'ja-JP,ja;q=0.9' : 'en-US,en;q=0.9' },
    viewport: { width, height: 800 },
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  await page.goto(`${baseUrl}/complete`);
  assert.equal(await heading(page), t(lang, 'complete.heading'));
  return { page, close: () => context.close() };
}

/** The platform of the page's first setup section and the platforms of its "Other devices" section. */
async function offers(page: Page): Promise<{ primary?: string; others: string[]; windowsFolded: boolean }> {
  const platforms = (selector: string) =>
    page.locator(selector).evaluateAll((links) => links.map((l) => l.getAttribute('data-device') ?? ''));
  const [primary] = await platforms('#device-setup a[data-device]');
  const others = await platforms('#other-devices details a[data-device]');
  const windowsFolded = (await page.locator('details#device-windows').count()) === 1;
  return { ...(primary ? { primary } : {}), others, windowsFolded };
}

/** The href of the page's link for `platform` (the first setup or the other devices' one). */
const linkOf = (page: Page, platform: string) =>
  page.locator(`a[data-device="${platform}"]`).first().getAttribute('href') as Promise<string>;

/** The link a device with `agent` finds on the completion page for `platform`. */
async function profileLink(agent: string, platform: string): Promise<string> {
  const { page, close } = await visitComplete(agent, 'en');
  try {
    return await linkOf(page, platform);
  } finally {
    await close();
  }
}

/** Finds a payload of the given type in a profile's PayloadContent. */
const payloadOf = (profile: Dict, type: string) =>
  (profile.PayloadContent as Dict[]).filter((p) => p.PayloadType === type);

describe('device profiles on the completion page (Chromium, each platform)', {
  timeout: 4 * TEST_TIMEOUT,
}, () => {
  before(
    async () => {
      dataDir = mkdtempSync(join(tmpdir(), 'mbprov-browser-devices-'));
      const ca = await createCertificate({ subject: 'CN=Contoso RADIUS Root, O=Contoso', ca: true });
      radiusCaPem = ca.certificatePem;
      const caFile = join(dataDir, 'radius-ca.pem');
      writeFileSync(caFile, radiusCaPem);
      ({ portal, baseUrl } = await startBrowserPortal(dataDir, (config) => {
        config.operator.profileIdentifier = 'example.contoso.wifi';
        config.operator.wifi.push(contosoPasspoint(REALM, 'radius.contoso.test', caFile));
      }));
      tlsCa = readFileSync(join(dataDir, 'tls', 'localhost.crt.pem'), 'utf8');
      signerRootPem = readFileSync(join(dataDir, 'signing', 'root.crt.pem'), 'utf8');
      browser = await launchChromium();
      // One purchase, on an iPhone: the devices below visit its completion page with the same session cookie.
      const context = await browser.newContext({ ignoreHTTPSErrors: true, userAgent: AGENTS.iphone });
      context.setDefaultTimeout(30_000);
      const page = await context.newPage();
      await page.goto(`${baseUrl}/wifi/signup`);
      await signUp(page, 'en', 'devices@example.net', 'a long test password');
      await buy(page, 'Wi-Fi Day Pass', 'en', baseUrl);
      storageState = await context.storageState();
      await context.close();
    },
    { timeout: TEST_TIMEOUT },
  );

  after(() => stopBrowserPortal(browser, portal, dataDir));

  it('offers each platform its own profile first and the others a click away', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const expected: Record<
      keyof typeof AGENTS,
      { primary?: string; others: string[]; windowsFolded: boolean }
    > = {
      iphone: { primary: 'apple', others: ['android'], windowsFolded: true },
      mac: { primary: 'apple', others: ['android'], windowsFolded: true },
      android: { primary: 'android', others: ['apple'], windowsFolded: true },
      windows: { others: ['apple', 'android'], windowsFolded: false },
      linux: { others: ['apple', 'android'], windowsFolded: false },
    };
    for (const [device, agent] of Object.entries(AGENTS) as [keyof typeof AGENTS, string][]) {
      const { page, close } = await visitComplete(agent, 'en');
      try {
        assert.deepEqual(await offers(page), expected[device], device);
        // Windows keeps its own setup: the ms-settings link, folded away under "Windows PC" on a phone or a Mac.
        const settings = page.getByRole('link', { name: t('en', 'complete.fallback.wifi') });
        assert.equal(await settings.isVisible(), !expected[device].windowsFolded, device);
        if (expected[device].windowsFolded) {
          await page.locator('details#device-windows > summary').click();
          assert.equal(await settings.isVisible(), true, `${device}: Windows one click away`);
        }
        // The others' profiles are a click away: the summary opens the details with the download.
        for (const other of expected[device].others) {
          const link = page.locator(`#other-devices a[data-device="${other}"]`);
          assert.equal(await link.isVisible(), false);
          await page.locator(`#device-${other} > summary`).click();
          assert.equal(await link.isVisible(), true, `${device}: ${other} one click away`);
        }
      } finally {
        await close();
      }
    }
  });

  it('serves the iPhone a signed .mobileconfig that openssl verifies against the signer root and plistlib reads', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const href = await profileLink(AGENTS.iphone, 'apple');
    assert.match(href, new RegExp(`^${baseUrl}/profile/apple/`));
    const answer = await fetchWithoutCookies(href, tlsCa);
    assert.equal(answer.status, 200, answer.body.slice(0, 200));
    assert.equal(answer.type, 'application/x-apple-aspen-config');
    assert.equal(answer.headers['cache-control'], 'no-store');
    assert.match(
      String(answer.headers['content-disposition']),
      /^attachment; filename="example\.contoso\.wifi\.mobileconfig"$/,
    );
    const verified = opensslVerify(answer.bytes, signerRootPem);
    assert.equal(verified.status, 0, verified.stderr);
    assert.ok(verified.content);
    // Another root does not verify it: the signature is the operator's signer's.
    const other = await createCertificate({ subject: 'CN=Another Root', ca: true });
    assert.notEqual(opensslVerify(answer.bytes, other.certificatePem).status, 0);

    const profile = plistOf(verified.content);
    assert.equal(profile.PayloadType, 'Configuration');
    assert.equal(profile.PayloadIdentifier, 'example.contoso.wifi');
    const userName = await customerUserName();
    const subscriber = await subscriberByRefreshUser(portal.ctx.store.db, userName);
    assert.ok(subscriber);
    const password = portal.ctx.secrets.hotspotPassword(subscriber.id);
    const wifi = payloadOf(profile, 'com.apple.wifi.managed');
    const passpoint = wifi.find((p) => p.IsHotspot === true);
    assert.ok(passpoint, 'a Passpoint payload');
    assert.equal(passpoint.DomainName, REALM);
    assert.deepEqual(passpoint.NAIRealmNames, [REALM]);
    assert.deepEqual(passpoint.RoamingConsortiumOIs, ['5A03BA0000', '004096']);
    const eap = passpoint.EAPClientConfiguration as Dict;
    assert.equal(eap.UserName, `${userName}@${REALM}`);
    assert.equal(eap.UserPassword, password);
    assert.deepEqual(eap.AcceptEAPTypes, [21]);
    assert.deepEqual(eap.TLSTrustedServerNames, ['radius.contoso.test']);
    // The demo's WISPr SSID as an open network the captive portal signs into.
    assert.deepEqual(
      wifi.filter((p) => p.IsHotspot !== true).map((p) => p.SSID_STR),
      ['Contoso Wi-Fi'],
    );
    const [root] = payloadOf(profile, 'com.apple.security.root');
    assert.ok(root, 'the CA payload');
    assert.deepEqual(
      Buffer.from((root.PayloadContent as { data: string }).data, 'base64'),
      Buffer.from(caCertificateDer(radiusCaPem)),
    );
  });

  it('serves the Android phone the application/x-wifi-config answer: a PPS-MO and the RADIUS CA', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const href = await profileLink(AGENTS.android, 'android');
    const answer = await fetchWithoutCookies(href, tlsCa);
    assert.equal(answer.status, 200, answer.body.slice(0, 200));
    assert.equal(answer.type, 'application/x-wifi-config');
    assert.equal(answer.headers['content-transfer-encoding'], 'base64');
    assert.equal(answer.headers['content-disposition'], undefined, 'AOSP: no Content-Disposition');
    const message = split(answer.body);
    assert.equal(message.type, 'multipart/mixed');
    const [pps, caPart] = message.parts;
    assert.equal(pps?.type, 'application/x-passpoint-profile');
    assert.equal(caPart?.type, 'application/x-x509-ca-cert');
    assert.deepEqual(Buffer.from(caPart.payload, 'base64'), Buffer.from(caCertificateDer(radiusCaPem)));
    const leaves = ppsLeaves(Buffer.from(pps.payload, 'base64'));
    const p = 'PerProviderSubscription/i001';
    assert.equal(leaves['PerProviderSubscription@DDFName'], PPS_MO_URN);
    assert.equal(leaves[`${p}/HomeSP/FQDN`], REALM);
    assert.equal(leaves[`${p}/Credential/Realm`], REALM);
    const userName = await customerUserName();
    const subscriber = await subscriberByRefreshUser(portal.ctx.store.db, userName);
    assert.ok(subscriber);
    // Android sends the user name as the EAP identity as it is: the realm is part of it, as RADIUS expects.
    assert.equal(leaves[`${p}/Credential/UsernamePassword/Username`], `${userName}@${REALM}`);
    assert.equal(
      Buffer.from(leaves[`${p}/Credential/UsernamePassword/Password`] ?? '', 'base64').toString('utf8'),
      portal.ctx.secrets.hotspotPassword(subscriber.id),
      'the password base64 inside PPS-MO',
    );
  });

  it('refuses a link that is not ours, a platform it does not know, and a link after it expired', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const href = await profileLink(AGENTS.android, 'android');
    const tampered = href.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    assert.equal((await fetchWithoutCookies(tampered, tlsCa)).status, 404);
    assert.equal((await fetchWithoutCookies(href.replace('/android/', '/windows/'), tlsCa)).status, 404);
    const minutes = portal.ctx.config.wifiAccounts.documentLinkMinutes;
    const realClock = portal.ctx.clock;
    portal.ctx.clock = () => new Date(realClock().getTime() + (minutes + 1) * 60_000);
    try {
      assert.equal((await fetchWithoutCookies(href, tlsCa)).status, 404);
    } finally {
      portal.ctx.clock = realClock;
    }
  });

  it('is axe-clean and does not scroll sideways at 320 px, in English and Japanese, on a phone', {
    timeout: TEST_TIMEOUT,
  }, async () => {
    const found: string[] = [];
    for (const lang of ['en', 'ja'] as const)
      for (const [device, agent] of [
        ['iphone', AGENTS.iphone],
        ['android', AGENTS.android],
      ] as const)
        for (const width of [320, 1024]) {
          const { page, close } = await visitComplete(agent, lang, width);
          try {
            for (const details of await page.locator('details > summary').all()) await details.click();
            found.push(...(await pageProblems(page, `${device} ${lang} @${width}`)));
          } finally {
            await close();
          }
        }
    assert.deepEqual(found, []);
  });
});

/** The hotspot user name of the test's customer: the Passpoint sign-in shown on the Windows setup. */
async function customerUserName(): Promise<string> {
  const { page, close } = await visitComplete(AGENTS.windows, 'en');
  try {
    const shown = (await page.locator('.card-box dl.facts code').first().textContent()) ?? '';
    return shown.replace(`@${REALM}`, '');
  } finally {
    await close();
  }
}
