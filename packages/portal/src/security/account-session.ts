import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PortalContext } from '../context.ts';
import { type Account, accountById } from '../storage/accounts.ts';

/**
 * The login session of a Wi-Fi-only customer: a signed cookie (@fastify/cookie, HMAC with Secrets.cookieSecret)
 * holding `<account id>.<session epoch>.<expiry in seconds>`, HttpOnly, Secure, SameSite=Lax. No row per session:
 * the expiry bounds it (wifiAccounts.sessionHours), and logging out increments the account's epoch, which ends every
 * session of the account at once. A stolen cookie is good until then, as a server-side session would be.
 */
export const ACCOUNT_COOKIE = 'mbprov_account';

/** Starts a session of `account` in this browser. */
export function startSession(ctx: PortalContext, reply: FastifyReply, account: Account): void {
  const seconds = ctx.config.wifiAccounts.sessionHours * 3600;
  const expires = Math.floor(ctx.clock().getTime() / 1000) + seconds;
  reply.setCookie(ACCOUNT_COOKIE, `${account.id}.${account.session_epoch}.${expires}`, {
    path: '/',
    signed: true,
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    maxAge: seconds,
  });
}

/** The account this browser is logged in to: a valid signature, not expired, the account's current epoch. */
export async function sessionAccount(
  ctx: PortalContext,
  request: FastifyRequest,
): Promise<Account | undefined> {
  const raw = request.cookies[ACCOUNT_COOKIE];
  if (!raw) return undefined;
  const unsigned = request.unsignCookie(raw);
  const m =
    unsigned.valid && unsigned.value ? /^([0-9a-f-]{36})\.(\d{1,9})\.(\d{1,12})$/.exec(unsigned.value) : null;
  if (!m) return undefined;
  const [, id, epoch, expires] = m as unknown as [string, string, string, string];
  if (Number(expires) * 1000 <= ctx.clock().getTime()) return undefined;
  const account = await accountById(ctx.store.db, id);
  return account && account.session_epoch === Number(epoch) ? account : undefined;
}

/** Forgets the session in this browser (the epoch, incremented by the caller, ends it everywhere). */
export function clearSession(reply: FastifyReply): void {
  reply.clearCookie(ACCOUNT_COOKIE, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
}
