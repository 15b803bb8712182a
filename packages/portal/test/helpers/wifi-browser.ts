// A customer without a SIM in a real browser, shared by the browser tests of the /wifi pages and the completion page:
// signing up, buying a plan on the test payment service's hosted page, what is wrong with a page (axe, sideways
// scrolling), and fetching a link as a device's installer does, without the browser's cookies.
import { request as httpsRequest } from 'node:https';
import type { Page } from 'playwright-core';
import { text as testPaymentText } from '../../src/payments/test-service/strings.ts';
import { messages, t } from '../../src/views/i18n.ts';
import type { Lang } from '../../src/views/models.ts';
import { axeViolations, withAnyAmount } from './chromium.ts';

/** An answer fetched without cookies: status, headers and the body's bytes. */
export interface FetchedAnswer {
  status: number;
  type: string;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  body: string;
}

/** An https GET as the Settings app or a phone's installer makes it: no cookies, no credentials, `ca` trusted. */
export function fetchWithoutCookies(url: string, ca: string): Promise<FetchedAnswer> {
  return new Promise((resolve, reject) => {
    httpsRequest(url, { ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          headers: res.headers,
          bytes,
          body: bytes.toString('utf8'),
        });
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** What is wrong with the page as it is: axe violations and sideways scrolling at its width. */
export async function pageProblems(page: Page, name: string): Promise<string[]> {
  const found = (await axeViolations(page)).map((v) => `${name}: ${JSON.stringify(v)}`);
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth > document.documentElement.clientWidth,
  );
  if (overflow) found.push(`${name}: scrolls sideways`);
  return found;
}

/** The first-level heading of the page. */
export const heading = async (page: Page): Promise<string> =>
  ((await page.getByRole('heading', { level: 1 }).textContent()) ?? '').trim();

/** Fills and sends the sign-up page's form; the browser lands on the Wi-Fi plans. */
export async function signUp(page: Page, lang: Lang, email: string, password: string): Promise<void> {
  await page.getByLabel(t(lang, 'wifi.field.email')).fill(email);
  await page.getByLabel(t(lang, 'wifi.field.password')).fill(password);
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/wifi/plans'),
    page.getByRole('button', { name: t(lang, 'wifi-signup.submit') }).click(),
  ]);
}

/** Chooses `plan`, pays with the accepted test card on the hosted page, and comes back to the completion page. */
export async function buy(page: Page, plan: string, lang: Lang, baseUrl: string): Promise<void> {
  await page.getByRole('radio', { name: plan }).check();
  await Promise.all([
    page.waitForURL((url) => url.pathname.startsWith('/pay/')),
    page.getByRole('button', { name: withAnyAmount(messages(lang)['pay.submit.hosted.amount']) }).click(),
  ]);
  await page.getByLabel(testPaymentText(lang, 'field.name')).fill('Test User');
  await page.getByLabel(testPaymentText(lang, 'field.number')).fill('4242 4242 4242 4242');
  await page.getByLabel(testPaymentText(lang, 'field.expiry')).fill('12/39');
  await page.getByLabel(testPaymentText(lang, 'field.cvc')).fill('123');
  await Promise.all([
    page.waitForURL((url) => url.origin === baseUrl && url.pathname === '/complete'),
    page.getByRole('button', { name: withAnyAmount(testPaymentText(lang, 'pay.submit')) }).click(),
  ]);
}
