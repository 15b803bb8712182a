import { randomUUID } from 'node:crypto';
import type { PortalContext } from '../context.ts';
import { MAX_EMAIL_LENGTH, parseReceiptEmail } from '../mail/email-address.ts';
import {
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  needsRehash,
  spendPasswordCheck,
  verifyPassword,
} from '../security/password.ts';
import { type Account, accountByEmailId, createAccount, setPasswordHash } from '../storage/accounts.ts';
import { newSubscriberRow } from './subscribers.ts';

/**
 * The account form's e-mail address as accounts store and find it: checked as the receipt field is (one address,
 * nothing that could become a header), then NFC and lower case, so that "Ann@Example.org" and "ann@example.org" are
 * one account. Undefined when it is not an address.
 */
export function normalizeEmail(value: string): string | undefined {
  const parsed = parseReceiptEmail(value.slice(0, MAX_EMAIL_LENGTH + 1));
  return parsed && parsed !== 'invalid' ? parsed.normalize('NFC').toLowerCase() : undefined;
}

/** What a sign-up came to. */
export type SignUp =
  | { kind: 'created'; account: Account }
  | { kind: 'exists' }
  | { kind: 'invalid-email' }
  | { kind: 'weak-password' };

/**
 * Creates an account and its subscriber (no SIM): the address stored encrypted with a keyed hash to find it, the
 * password hashed with scrypt at wifiAccounts.passwordCost. An address with an account already creates nothing.
 */
export async function signUp(ctx: PortalContext, email: string, password: string): Promise<SignUp> {
  const address = normalizeEmail(email);
  if (!address) return { kind: 'invalid-email' };
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH)
    return { kind: 'weak-password' };
  const now = ctx.clock().toISOString();
  const subscriberId = randomUUID();
  const row = {
    id: randomUUID(),
    email_id: ctx.secrets.accountEmailId(address),
    email_encrypted: ctx.secrets.encrypt(address),
    password_hash: await hashPassword(password, ctx.config.wifiAccounts.passwordCost),
    subscriber_id: subscriberId,
    created_at: now,
    updated_at: now,
  };
  const created = await createAccount(ctx.store.db, row, newSubscriberRow(ctx, subscriberId, now));
  if (created === 'exists') return { kind: 'exists' };
  return { kind: 'created', account: { ...row, session_epoch: 1 } };
}

/**
 * The account of an e-mail address and password, or undefined: an unknown address and a wrong password take the
 * same time (a password check is spent either way) and give the same answer. A hash made at a lower cost than
 * wifiAccounts.passwordCost is replaced by one at the current cost.
 */
export async function logIn(
  ctx: PortalContext,
  email: string,
  password: string,
): Promise<Account | undefined> {
  const cost = ctx.config.wifiAccounts.passwordCost;
  const address = normalizeEmail(email);
  const typed = password.slice(0, MAX_PASSWORD_LENGTH);
  const account = address
    ? await accountByEmailId(ctx.store.db, ctx.secrets.accountEmailId(address))
    : undefined;
  if (!account) {
    await spendPasswordCheck(typed, cost);
    return undefined;
  }
  if (!(await verifyPassword(typed, account.password_hash))) return undefined;
  if (needsRehash(account.password_hash, cost))
    await setPasswordHash(
      ctx.store.db,
      account.id,
      await hashPassword(typed, cost),
      ctx.clock().toISOString(),
    );
  return account;
}
