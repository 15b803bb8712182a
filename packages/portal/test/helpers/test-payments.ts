// A customer on the test payment service's hosted page, as an HTTP client: opens the page, reads its form and token,
// and posts the card (or the cancel button) the way a browser does, Origin header included.
import { request } from 'node:https';
import { TEST_CARDS } from '../../src/payments/test-service/cards.ts';

/** What a customer types on the hosted page. */
export interface TestCard {
  name: string;
  number: string;
  /** MM/YY. */
  expiry: string;
  cvc: string;
}

/** A card the test service accepts (Visa). */
export const ACCEPTED_TEST_CARD: TestCard = {
  name: 'Test Customer',
  number: TEST_CARDS.accepted,
  expiry: '12/39',
  cvc: '123',
};

/** An answer of the hosted page. */
export interface PageAnswer {
  status: number;
  /** The redirect's target (a 303 after paying or cancelling). */
  location?: string;
  /** The page, when it came back (a refused card, a payment that cannot be paid). */
  html: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Options of the hosted-page helpers. */
export interface PageOptions {
  /** PEM to trust for the service's certificate. */
  ca?: string;
}

/** One HTTPS request, answered whole. */
export function httpsCall(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; ca?: string } = {},
): Promise<PageAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.location ? { location: res.headers.location } : {}),
            html: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The action and token of the hosted page's form of class `formClass`; undefined when the page has none. */
function readForm(
  html: string,
  formClass: string,
  pageUrl: string,
): { action: string; token: string } | undefined {
  const form = new RegExp(
    `<form class="${formClass}" method="post" action="([^"]+)"[^>]*>([\\s\\S]*?)</form>`,
  ).exec(html);
  const token = form?.[2] && /name="token" value="([^"]*)"/.exec(form[2]);
  if (!form?.[1] || !token?.[1]) return undefined;
  return { action: new URL(form[1].replaceAll('&amp;', '&'), pageUrl).toString(), token: token[1] };
}

/** Posts a form to the hosted page as the browser showing `pageUrl` does. */
function postForm(action: string, pageUrl: string, fields: Record<string, string>, options: PageOptions) {
  return httpsCall(action, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(pageUrl).origin },
    body: new URLSearchParams(fields).toString(),
    ...(options.ca ? { ca: options.ca } : {}),
  });
}

/** Opens the hosted page and submits its form of class `formClass`; the page itself when it has no such form. */
async function submit(url: string, formClass: string, fields: Record<string, string>, options: PageOptions) {
  const page = await httpsCall(url, options.ca ? { ca: options.ca } : {});
  const form = page.status === 200 ? readForm(page.html, formClass, url) : undefined;
  return form ? postForm(form.action, url, { token: form.token, ...fields }, options) : page;
}

/**
 * Pays on the hosted page at `url` with `card`: answers the redirect (status 303 and its `location`, the shop's
 * return URL), the page that came back (402/422 with the error summary), or, when the page offers no card form (a
 * payment paid, canceled or expired), that page (200, saying so).
 */
export function payOnTestPage(
  url: string,
  card: TestCard = ACCEPTED_TEST_CARD,
  options: PageOptions = {},
): Promise<PageAnswer> {
  return submit(url, 'card-form', { ...card }, options);
}

/** Presses the hosted page's cancel button: answers the redirect (303 to the shop's cancel URL), or the page. */
export function cancelOnTestPage(url: string, options: PageOptions = {}): Promise<PageAnswer> {
  return submit(url, 'cancel-form', {}, options);
}
