// A customer on the test payment service's hosted page (the demo, the benchmarks and the tests), as an HTTP client: opens the page, reads its form and token,
// and posts the card (or the cancel button) the way a browser does, Origin header included.
import type { Agent } from 'node:https';
import { TEST_CARDS } from '@mbprov/portal';
import { HttpsSession, type SessionResponse } from './https-session.ts';

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

/** A card the test service declines (the payment stays open: the customer may try another card). */
export const DECLINED_TEST_CARD: TestCard = { ...ACCEPTED_TEST_CARD, number: TEST_CARDS.declined };

/** An answer of the hosted page: the redirect's target (a 303 after paying or cancelling), or the page. */
export type PageAnswer = SessionResponse & { location?: string };

/** Options of the hosted-page helpers. */
export interface PageOptions {
  /** PEM to trust for the service's certificate. */
  ca?: string;
  /** Connections to reuse (a keep-alive agent with its own TLS settings: the benchmarks' load client). */
  agent?: Agent;
}

/** The action and token of the hosted page's form of class `formClass`; undefined when the page has none. */
function readForm(html: string, formClass: string): { action: string; token: string } | undefined {
  const form = new RegExp(
    `<form class="${formClass}" method="post" action="([^"]+)"[^>]*>([\\s\\S]*?)</form>`,
  ).exec(html);
  const token = form?.[2] && /name="token" value="([^"]*)"/.exec(form[2]);
  return form?.[1] && token?.[1] ? { action: form[1], token: token[1] } : undefined;
}

/** Opens the hosted page and submits its form of class `formClass`; the page itself when it has no such form. */
async function submit(url: string, formClass: string, fields: Record<string, string>, options: PageOptions) {
  const { origin } = new URL(url);
  // A browser sends the page's Origin with a form post.
  const tab = new HttpsSession(origin, options.ca, { origin }, options.agent);
  const page = await tab.get(url);
  const form = page.status === 200 ? readForm(page.body, formClass) : undefined;
  const answer = form ? await tab.postForm(form.action, { token: form.token, ...fields }) : page;
  const location = answer.headers.location;
  return typeof location === 'string' ? { ...answer, location } : answer;
}

/**
 * Pays on the hosted page at `url` with `card`: answers the redirect (status 303 and its `location`, the shop's
 * return URL), the page that came back (402/422 with the error summary), or, when the page offers no card form (a
 * payment paid, canceled or expired), that page (200, saying so).
 */
export function payOnTestPage(
  url: string,
  card: TestCard = ACCEPTED_TEST_CARD,
  options: PageOptions,
): Promise<PageAnswer> {
  return submit(url, 'card-form', { ...card }, options);
}

/** Presses the hosted page's cancel button: answers the redirect (303 to the shop's cancel URL), or the page. */
export function cancelOnTestPage(url: string, options: PageOptions): Promise<PageAnswer> {
  return submit(url, 'cancel-form', {}, options);
}
