import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Request signing of the operator-billing API (docs/payments-operator-billing.md, "Authentication"): besides the
 * bearer token, every request carries `Mbprov-Billing-Timestamp` (Unix seconds) and `Mbprov-Billing-Signature:
 * v1=<hex HMAC-SHA256>` over the timestamp, the method, the path and the exact body bytes. A leaked token alone
 * cannot make a request; a captured request cannot be altered, nor replayed after the window (and within it a replay
 * is harmless: every call is idempotent per charge id).
 */

/** How far a request's timestamp may be from the billing system's clock, either way. */
export const REPLAY_WINDOW_SECONDS = 300;

/** What one signature covers. */
export interface SignedParts {
  /** Unix time in whole seconds, as sent in `Mbprov-Billing-Timestamp`. */
  timestamp: string;
  /** Upper case: `GET`, `POST`. */
  method: string;
  /** From the version on, without the base URL's own path: `/v1/charges/ck_1/refund`. */
  path: string;
  /** The body bytes exactly as sent (empty for GET). */
  body: Buffer;
}

/** The bytes the HMAC covers: timestamp, method and path, each ended by a line feed, then the body. */
function signedBytes(parts: SignedParts): Buffer {
  return Buffer.concat([
    Buffer.from(`${parts.timestamp}\n${parts.method}\n${parts.path}\n`, 'utf8'),
    parts.body,
  ]);
}

function hmac(secret: string, parts: SignedParts): Buffer {
  return createHmac('sha256', secret).update(signedBytes(parts)).digest();
}

/** The `Mbprov-Billing-Signature` value of a request: `v1=` and the hex HMAC-SHA256 under `secret`. */
export function signRequest(secret: string, parts: SignedParts): string {
  return `v1=${hmac(secret, parts).toString('hex')}`;
}

/** Why a receiver refuses a request's signature headers. */
export type SignatureProblem = 'stale-timestamp' | 'bad-signature';

/**
 * What a receiver checks: the timestamp is whole seconds within {@link REPLAY_WINDOW_SECONDS} of `now`, and the
 * signature is the HMAC under one of `secrets` (several while a secret is rotated), compared in constant time.
 * Undefined when the request is authentic.
 */
export function signatureProblem(
  secrets: readonly string[],
  parts: Omit<SignedParts, 'timestamp'> & { timestamp: string | undefined; signature: string | undefined },
  now: Date,
): SignatureProblem | undefined {
  const { timestamp, signature } = parts;
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return 'stale-timestamp';
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > REPLAY_WINDOW_SECONDS) return 'stale-timestamp';
  const presented = /^v1=([0-9a-f]{64})$/.exec(signature ?? '')?.[1];
  if (!presented) return 'bad-signature';
  const given = Buffer.from(presented, 'hex');
  const signed = { ...parts, timestamp };
  // Every secret is tried, so that the time taken says nothing about which one matched.
  let matched = false;
  for (const secret of secrets) matched = timingSafeEqual(hmac(secret, signed), given) || matched;
  return matched ? undefined : 'bad-signature';
}
