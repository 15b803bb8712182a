import { createHmac, timingSafeEqual } from 'node:crypto';
import { MbprovError } from '@mbprov/core';

/**
 * The signature of the test payment service's webhooks, shaped like Stripe's: the header
 * `mbprov-test-signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The timestamp is signed with
 * the body, so an old delivery cannot be replayed beyond the tolerance, and several `v1` entries are allowed (a
 * secret being rotated signs with both).
 */

/** The header that carries the signature (lower case, as node gives headers). */
export const WEBHOOK_SIGNATURE_HEADER = 'mbprov-test-signature';

/** How far a delivery's timestamp may be from the receiver's clock, either way. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

const mac = (secret: string, timestamp: number, body: Buffer | string) =>
  createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();

/** The signature header value for `body` sent at `now`. */
export function signWebhook(secret: string, body: Buffer | string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${mac(secret, t, body).toString('hex')}`;
}

/**
 * Checks a delivery's signature header against its raw body: a well-formed header, a timestamp within `tolerance`
 * seconds of `now`, and one `v1` that is the body's MAC (compared in constant time). Throws
 * MBPROV_PAYMENT_WEBHOOK_INVALID otherwise.
 */
export function verifyWebhook(
  secret: string,
  body: Buffer,
  header: string | string[] | undefined,
  now: Date,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): void {
  if (typeof header !== 'string' || header.length > 1024)
    throw refused(`no single ${WEBHOOK_SIGNATURE_HEADER} header`);
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined || signatures.length === 0) throw refused('the signature header is malformed');
  if (Math.abs(now.getTime() / 1000 - timestamp) > toleranceSeconds)
    throw refused(`the signature's timestamp is more than ${toleranceSeconds} s from now`);
  const expected = mac(secret, timestamp, body);
  // Every entry is compared (no early exit), each in constant time.
  let matched = false;
  for (const signature of signatures) matched = timingSafeEqual(signature, expected) || matched;
  if (!matched) throw refused('the signature does not match the body');
}

const refused = (why: string) =>
  new MbprovError('MBPROV_PAYMENT_WEBHOOK_INVALID', `Webhook refused: ${why}.`);
