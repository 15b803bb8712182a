import type { FastifyRequest } from 'fastify';
import { isWifiOnly } from '../activation/subscribers.ts';
import type { PortalContext } from '../context.ts';
import { sessionAccount } from '../security/account-session.ts';
import { accountBySubscriber } from '../storage/accounts.ts';
import { type Subscriber, subscriberById } from '../storage/subscribers.ts';
import { cookieSubscriber } from './pages.ts';

/**
 * The subscriber of this browser for the completion, status and renewal pages: the one its signed cookie names (a
 * SIM's, or a voucher's without an account), or the logged-in account's. An account's subscriber needs the login
 * session: the cookie alone does not outlive the login (wifiAccounts.sessionHours, or logging out).
 */
export async function browserSubscriber(
  ctx: PortalContext,
  request: FastifyRequest,
): Promise<Subscriber | undefined> {
  const account = await sessionAccount(ctx, request);
  const id = account?.subscriber_id ?? cookieSubscriber(request);
  const subscriber = id ? await subscriberById(ctx.store.db, id) : undefined;
  if (!subscriber || !isWifiOnly(subscriber) || account) return subscriber;
  return (await accountBySubscriber(ctx.store.db, subscriber.id)) ? undefined : subscriber;
}
