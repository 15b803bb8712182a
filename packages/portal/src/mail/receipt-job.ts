import { MbprovError } from '@mbprov/core';
import type { PortalContext } from '../context.ts';
import { checkoutReceipt } from '../routes/presenters.ts';
import type { Checkout } from '../storage/checkouts.ts';
import * as checkouts from '../storage/checkouts.ts';
import { getPlan } from '../storage/plans.ts';
import { subscriptionById } from '../storage/subscriptions.ts';
import { DEFAULT_LANG, parseLang } from '../views/i18n.ts';
import { receiptMail } from './receipt-message.ts';

/** How long a worker's claim on a receipt holds: far longer than a send (a few SMTP replies of smtp.timeoutMs). */
const CLAIM_MS = 10 * 60_000;

/** How long the address of a receipt that could not be sent is kept: the job's retries ended long before. */
export const UNSENT_RECEIPT_KEEP_MS = 24 * 3_600_000;

/**
 * Asks for the receipt e-mail of a checkout that just completed, if its customer gave an address: a durable
 * `receipt-mail` job (one per checkout). The plan is active whatever happens here: a queue that refuses the job is
 * logged, and the address is forgotten by the expiry sweep after UNSENT_RECEIPT_KEEP_MS.
 */
export async function requestReceiptMail(ctx: PortalContext, checkout: Checkout): Promise<void> {
  if (!checkout.receipt_email_encrypted || !ctx.queue) return;
  try {
    await ctx.queue.enqueue('receipt-mail', { checkoutId: checkout.id }, { singletonKey: checkout.id });
  } catch (error) {
    ctx.log.error(
      { checkout: checkout.id, error: (error as Error).message },
      'the receipt e-mail could not be queued',
    );
  }
}

/**
 * The `receipt-mail` job: e-mails the receipt of a completed checkout in the language of its plans page, then
 * forgets the address and records the sending, so that it is never sent twice (a checkout already sent, or without
 * an address, sends nothing and answers false). One worker at a time sends a given receipt (a claim in the row); a
 * failure gives the claim back and throws MBPROV_MAIL_UNAVAILABLE, for the queue to try again.
 */
export async function sendReceiptMail(ctx: PortalContext, checkoutId: string): Promise<boolean> {
  const { db } = ctx.store;
  const checkout = await checkouts.getCheckout(db, checkoutId);
  if (!checkout?.receipt_email_encrypted || checkout.receipt_sent_at || checkout.status !== 'completed')
    return false;
  if (!ctx.mailer)
    throw new MbprovError('MBPROV_MAIL_UNAVAILABLE', 'smtp is not configured: no receipt can be e-mailed');
  const subscription = checkout.subscription_id
    ? await subscriptionById(db, checkout.subscription_id)
    : undefined;
  const plan = checkout.plan_id ? await getPlan(db, checkout.plan_id) : undefined;
  const lang = parseLang(checkout.lang) ?? DEFAULT_LANG;
  const receipt = subscription && plan && checkoutReceipt(checkout, subscription, plan, lang);
  if (!receipt) throw new Error(`checkout ${checkoutId} is completed without a receipt`);

  const now = ctx.clock();
  const claimedAt = now.toISOString();
  if (
    !(await checkouts.claimReceipt(
      db,
      checkoutId,
      claimedAt,
      new Date(now.getTime() - CLAIM_MS).toISOString(),
    ))
  ) {
    if ((await checkouts.getCheckout(db, checkoutId))?.receipt_sent_at) return false;
    throw new MbprovError(
      'MBPROV_MAIL_UNAVAILABLE',
      `another worker is sending the receipt of ${checkoutId}`,
    );
  }
  const { operator } = ctx.config;
  const operatorName = lang === 'ja' && operator.nameJa ? operator.nameJa : operator.name;
  const mail = receiptMail(receipt, {
    lang,
    timeZone: operator.timeZone,
    operatorName,
    ...(operator.supportPhone ? { supportPhone: operator.supportPhone } : {}),
  });
  try {
    await ctx.mailer.send({
      to: ctx.secrets.decrypt(checkout.receipt_email_encrypted),
      senderName: operatorName,
      ...mail,
      key: `receipt.${receipt.orderNumber}`,
      lang,
    });
  } catch (error) {
    await checkouts.releaseReceipt(db, checkoutId, claimedAt);
    const code = error instanceof MbprovError ? error.code : undefined;
    ctx.log.warn({ checkout: checkoutId, code }, (error as Error).message);
    throw error;
  }
  await checkouts.markReceiptSent(db, checkoutId, ctx.clock().toISOString());
  ctx.log.info({ checkout: checkoutId, order: receipt.orderNumber }, 'receipt e-mailed');
  return true;
}

/** Forgets the addresses of receipts that could not be sent within UNSENT_RECEIPT_KEEP_MS (the expiry sweep). */
export async function forgetUnsentReceipts(ctx: PortalContext): Promise<number> {
  const before = new Date(ctx.clock().getTime() - UNSENT_RECEIPT_KEEP_MS).toISOString();
  const forgotten = await checkouts.forgetUnsentReceiptAddresses(ctx.store.db, before);
  if (forgotten) ctx.log.warn({ receipts: forgotten }, 'receipts never sent; their addresses are forgotten');
  return forgotten;
}
