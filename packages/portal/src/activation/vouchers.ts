import { randomBytes, randomUUID } from 'node:crypto';
import { MbprovError } from '@mbprov/core';
import type { PortalContext } from '../context.ts';
import type { PaymentLang } from '../payments/provider.ts';
import { getCheckout, insertPaidCheckout } from '../storage/checkouts.ts';
import { getPlan } from '../storage/plans.ts';
import { insertSubscriber } from '../storage/subscribers.ts';
import { claimVoucher, insertVouchers, voucherByCodeId } from '../storage/vouchers.ts';
import { newCheckoutId } from './checkout.ts';
import { type CheckoutOutcome, settledOutcome } from './checkout-outcome.ts';
import { VOUCHER_PROVIDER } from './give-back.ts';
import { orderNumber } from './order-number.ts';
import { activateCaptured } from './payment-confirmation.ts';
import { planRenewal } from './renewal.ts';
import { newSubscriberRow } from './subscribers.ts';

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed is not mistaken. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 16 characters of 5 bits: 80 random bits, beyond guessing (and failed redemptions are rate-limited). */
const CODE_LENGTH = 16;

/** A new voucher code, as printed: four groups of four, e.g. 7KQ2-M9XD-… */
export function newVoucherCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  const chars = [...bytes].map((b) => ALPHABET[b & 31]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

/**
 * A typed code as stored (hashed): upper case without spaces or dashes, O read as 0 and I or L as 1. Undefined when
 * it cannot be a code.
 */
export function normalizeVoucherCode(typed: string): string | undefined {
  const code = typed
    .slice(0, 64)
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return code.length === CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

/** A batch of vouchers as issued: the codes are shown this once (only their keyed hashes are stored). */
export interface VoucherBatch {
  batchId: string;
  planId: string;
  expiresAt: string;
  codes: string[];
}

/** Issues `count` vouchers for a Wi-Fi plan, valid `validDays` days. */
export async function issueVouchers(
  ctx: PortalContext,
  request: { planId: string; count: number; validDays: number },
): Promise<VoucherBatch> {
  const plan = await getPlan(ctx.store.db, request.planId);
  if (plan?.status !== 'active' || plan.kind !== 'wifi')
    throw new MbprovError('MBPROV_PLAN_UNAVAILABLE', `No Wi-Fi plan ${request.planId} on sale.`);
  const now = ctx.clock();
  const batchId = `vb_${randomUUID()}`;
  const expiresAt = new Date(now.getTime() + request.validDays * 86_400_000).toISOString();
  const codes = Array.from({ length: request.count }, newVoucherCode);
  await insertVouchers(
    ctx.store.db,
    codes.map((code) => ({
      id: randomUUID(),
      code_id: ctx.secrets.voucherCodeId(normalizeVoucherCode(code) as string),
      batch_id: batchId,
      plan_id: plan.id,
      expires_at: expiresAt,
      redeemed_at: null,
      subscriber_id: null,
      checkout_id: null,
      created_at: now.toISOString(),
    })),
  );
  return { batchId, planId: plan.id, expiresAt, codes };
}

/** What redeeming a code came to: an activation's outcome, or why the code was refused (nothing written then). */
export type Redemption = CheckoutOutcome | { kind: 'invalid-code' } | { kind: 'expired-code' };

/** Thrown inside the redemption's transaction when another redemption took the voucher first: rolls it back. */
class VoucherTaken extends Error {}

/**
 * Redeems a voucher code for `subscriberId` (a logged-in account's or this browser's Wi-Fi subscriber), or for a new
 * subscriber without a SIM or account: the voucher is claimed (single use, before its expiry) and a checkout paid by
 * it stored in one transaction, then activated through the same path as a paid checkout (payment-confirmation.ts:
 * the document built, validated, signed and stored). A code this subscriber redeemed already answers its outcome
 * again (a double submit).
 */
export async function redeemVoucher(
  ctx: PortalContext,
  typed: string,
  subscriberId: string | undefined,
  lang: PaymentLang,
): Promise<Redemption> {
  const code = normalizeVoucherCode(typed);
  const voucher = code ? await voucherByCodeId(ctx.store.db, ctx.secrets.voucherCodeId(code)) : undefined;
  if (!voucher) return { kind: 'invalid-code' };
  if (voucher.redeemed_at !== null) {
    const checkout = voucher.checkout_id ? await getCheckout(ctx.store.db, voucher.checkout_id) : undefined;
    const again = checkout && subscriberId !== undefined && checkout.subscriber_id === subscriberId;
    return (again && settledOutcome(checkout)) || { kind: 'invalid-code' };
  }
  const now = ctx.clock().toISOString();
  if (voucher.expires_at <= now) return { kind: 'expired-code' };
  const plan = await getPlan(ctx.store.db, voucher.plan_id);
  if (!plan) throw new Error(`voucher ${voucher.id} names a missing plan`);
  const checkoutId = newCheckoutId();
  const subscriber = subscriberId ?? randomUUID();
  // A purchase the active plan makes impossible is refused before the voucher is used.
  if (subscriberId) {
    const planned = await planRenewal(ctx, checkoutId, subscriberId, plan);
    if (typeof planned === 'string')
      return planned === 'already-active' ? { kind: planned, subscriberId } : { kind: planned };
  }
  try {
    await ctx.store.transaction(async (tx) => {
      if (!subscriberId) await insertSubscriber(tx, newSubscriberRow(ctx, subscriber, now));
      if (!(await claimVoucher(tx, voucher.id, { subscriberId: subscriber, checkoutId, now })))
        throw new VoucherTaken();
      await insertPaidCheckout(
        tx,
        {
          id: checkoutId,
          subscriberId: subscriber,
          planId: plan.id,
          amountMinor: 0,
          currency: plan.currency,
          clientKey: VOUCHER_PROVIDER,
          orderNumber: orderNumber(checkoutId),
          receiptEmailEncrypted: null,
          lang,
          now,
        },
        { provider: VOUCHER_PROVIDER, reference: `voucher:${voucher.id}`, methodKind: 'voucher' },
      );
    });
  } catch (error) {
    if (error instanceof VoucherTaken) return { kind: 'invalid-code' };
    throw error;
  }
  const checkout = await getCheckout(ctx.store.db, checkoutId);
  if (!checkout) throw new Error(`checkout ${checkoutId} vanished after it was stored`);
  return activateCaptured(ctx, checkout);
}
