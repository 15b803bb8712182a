import { timingSafeEqual } from 'node:crypto';
import type { Secrets } from './secrets.ts';

/**
 * The document link of a Wi-Fi-only customer's completion and status pages, also the target of the
 * ms-settings:wifi-provisioning link: the Settings app fetches it itself, without the browser's cookies or any
 * credentials, so the URL is the capability. `<subscriber id>.<expiry in seconds>.<MAC>`: short-lived
 * (wifiAccounts.documentLinkMinutes), any number of fetches until then (the Settings app may fetch again, the customer
 * may press the link twice), nothing stored. A page shown later carries a new one.
 */
export function issueDocumentLink(secrets: Secrets, subscriberId: string, expiresAt: Date): string {
  const body = `${subscriberId}.${Math.floor(expiresAt.getTime() / 1000)}`;
  return `${body}.${secrets.documentLinkTag(body)}`;
}

/** The subscriber id of a document link, if its MAC is ours and it has not expired at `now`. */
export function readDocumentLink(secrets: Secrets, value: string, now: Date): string | undefined {
  const m = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{32})$/.exec(value);
  if (!m) return undefined;
  const [, subscriberId, seconds, tag] = m as unknown as [string, string, string, string];
  const expected = Buffer.from(secrets.documentLinkTag(`${subscriberId}.${seconds}`));
  const presented = Buffer.from(tag);
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) return undefined;
  return Number(seconds) * 1000 > now.getTime() ? subscriberId : undefined;
}
