import { timingSafeEqual } from 'node:crypto';
import type { Secrets } from './secrets.ts';

/** What a plans page's checkout ticket says: the purchase's idempotency key, its subscriber, when it was shown. */
export interface CheckoutTicket {
  checkoutId: string;
  subscriberId: string;
  shownAt: Date;
}

/**
 * The value of the plans page's checkout field: `<checkout id>.<subscriber id>.<seconds>.<MAC>`. Signing it instead
 * of storing it means that showing the page writes nothing; the checkout row appears when the form is posted.
 */
export function issueCheckoutTicket(secrets: Secrets, ticket: CheckoutTicket): string {
  const body = `${ticket.checkoutId}.${ticket.subscriberId}.${Math.floor(ticket.shownAt.getTime() / 1000)}`;
  return `${body}.${secrets.checkoutTicketTag(body)}`;
}

/** Reads a posted checkout ticket; undefined when it is malformed or its MAC is not ours (forged or altered). */
export function readCheckoutTicket(secrets: Secrets, value: string): CheckoutTicket | undefined {
  const m = /^([A-Za-z0-9_-]{16,64})\.([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{32})$/.exec(value);
  if (!m) return undefined;
  const [, checkoutId, subscriberId, seconds, tag] = m as unknown as [string, string, string, string, string];
  const expected = Buffer.from(secrets.checkoutTicketTag(`${checkoutId}.${subscriberId}.${seconds}`));
  const presented = Buffer.from(tag);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return undefined;
  return { checkoutId, subscriberId, shownAt: new Date(Number(seconds) * 1000) };
}
