import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Account passwords, hashed with scrypt (memory-hard: 128 × N × r bytes per hash, 32 MiB at the default cost) on
 * libuv's thread pool, never on the event loop. A stored hash names its parameters, `scrypt$<log2 N>$<r>$<p>$<salt>$<key>`
 * (base64url), so the cost can be raised later: a login with an older cost rehashes the password (needsRehash).
 */

const KEY_BYTES = 32;
const SALT_BYTES = 16;
const R = 8;
const P = 1;

/** Passwords shorter than this are refused at sign-up; longer than MAX_PASSWORD_LENGTH are cut off by the form. */
export const MIN_PASSWORD_LENGTH = 10;
/** The longest password accepted: scrypt's cost does not depend on it, the form's body limit does. */
export const MAX_PASSWORD_LENGTH = 256;

interface Parameters {
  log2N: number;
  r: number;
  p: number;
}

function derive(password: string, salt: Buffer, params: Parameters): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** params.log2N,
    r: params.r,
    p: params.p,
    // scrypt needs 128 × N × r bytes; Node refuses above maxmem (32 MiB by default), so allow twice that.
    maxmem: 256 * 2 ** params.log2N * params.r,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** The stored form of a new password at cost 2^log2N. */
export async function hashPassword(password: string, log2N: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, { log2N, r: R, p: P });
  return ['scrypt', log2N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): (Parameters & { salt: Buffer; key: Buffer }) | undefined {
  const m = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
  if (!m) return undefined;
  const [, n, r, p, salt, key] = m as unknown as [string, string, string, string, string, string];
  return {
    log2N: Number(n),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt, 'base64url'),
    key: Buffer.from(key, 'base64url'),
  };
}

/** Whether `password` is the one of the stored hash; compared in constant time. A malformed hash matches nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** Whether a stored hash was made at a lower cost than `log2N` (the password is hashed again at the next login). */
export function needsRehash(stored: string, log2N: number): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.log2N < log2N || parsed.r < R;
}

/**
 * Spends the time of a password check when there is no account to check against, so that a login for an unknown
 * address takes as long as a wrong password (the answer is the same generic one).
 */
export async function spendPasswordCheck(password: string, log2N: number): Promise<void> {
  await derive(password, Buffer.alloc(SALT_BYTES), { log2N, r: R, p: P });
}
