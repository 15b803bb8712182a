import type { PortalContext } from '../context.ts';
import { issueDocumentLink } from '../security/document-link.ts';
import { type Checkout, latestPaidCheckout } from '../storage/checkouts.ts';
import type { Plan } from '../storage/plans.ts';
import type { Subscription } from '../storage/subscriptions.ts';
import {
  formatBandwidth,
  formatBytes,
  formatDuration,
  formatMoney,
  localizedName,
  maskImsi,
} from '../views/i18n.ts';
import type { Lang, PlanView, ReceiptView, SimView, TopUpView } from '../views/models.ts';

/** A catalog plan for display. */
export function planView(plan: Plan, lang: Lang): PlanView {
  return {
    id: plan.id,
    name: localizedName(plan.name, plan.name_ja, lang),
    planType: plan.plan_type as PlanView['planType'],
    ...(plan.data_limit_mb !== null ? { dataLimit: formatBytes(plan.data_limit_mb, lang) } : {}),
    duration: formatDuration(plan.duration_days, lang),
    ...(plan.bandwidth_kbps !== null ? { bandwidth: formatBandwidth(plan.bandwidth_kbps, lang) } : {}),
    price: formatMoney(plan.price_minor, plan.currency, lang),
  };
}

/** A SIM for display. */
export function simView(sim: { iccid: string | null; imsi: string | null; min: string | null }): SimView {
  return {
    ...(sim.iccid ? { iccid: sim.iccid } : {}),
    ...(sim.imsi ? { imsiMasked: maskImsi(sim.imsi) } : {}),
    ...(sim.min ? { minMasked: maskImsi(sim.min) } : {}),
  };
}

/** Usage text and percentage of a subscription. */
export function usageView(subscription: Subscription, lang: Lang): { usage?: string; usagePercent?: number } {
  if (subscription.data_limit_mb === null)
    return subscription.usage_mb ? { usage: formatBytes(subscription.usage_mb, lang) } : {};
  const used = formatBytes(subscription.usage_mb, lang);
  const limit = formatBytes(subscription.data_limit_mb, lang);
  return {
    usage: lang === 'ja' ? `${limit} 中 ${used}` : `${used} of ${limit}`,
    usagePercent: Math.min(100, Math.round((subscription.usage_mb / subscription.data_limit_mb) * 100)),
  };
}

/** Plans shorter than this show their end with the time of day: a day pass ends at a time, not on a date. */
const SHORT_PLAN_DAYS = 7;

/** Whether a plan's end is shown with the time of day. */
function isShortPlan(plan: Plan): boolean {
  return plan.duration_days < SHORT_PLAN_DAYS;
}

/**
 * The status page's "Running low?" of an active subscription, when its usage passed operator.topUp.usagePercent of
 * the allowance or it ends within operator.topUp.daysBefore days; otherwise undefined.
 */
export function topUpView(ctx: PortalContext, subscription: Subscription, plan: Plan): TopUpView | undefined {
  const { usagePercent, daysBefore } = ctx.config.operator.topUp;
  const limit = subscription.data_limit_mb;
  const used = limit ? (subscription.usage_mb / limit) * 100 : undefined;
  const usageHigh = used !== undefined && used >= usagePercent;
  const endsSoon = Date.parse(subscription.ends_at) - ctx.clock().getTime() <= daysBefore * 86_400_000;
  if (!usageHigh && !endsSoon) return undefined;
  return {
    ...(usageHigh ? { usedPercent: Math.min(100, Math.floor(used)) } : {}),
    endsSoon,
    endsAt: subscription.ends_at,
    shortPlan: isShortPlan(plan),
    dataLimited: limit !== null,
  };
}

/** The receipt of the checkout that paid for `subscription`, if one did (imported or demo plans may have none). */
export async function receiptView(
  ctx: PortalContext,
  subscription: Subscription,
  plan: Plan,
  lang: Lang,
): Promise<ReceiptView | undefined> {
  const checkout = await latestPaidCheckout(ctx.store.db, subscription.id);
  return checkout && checkoutReceipt(checkout, subscription, plan, lang);
}

/** The receipt of a completed checkout that paid for `subscription` (none without an order number or amount). */
export function checkoutReceipt(
  checkout: Checkout,
  subscription: Subscription,
  plan: Plan,
  lang: Lang,
): ReceiptView | undefined {
  if (!checkout.order_number || checkout.amount_minor === null || !checkout.currency) return undefined;
  return {
    orderNumber: checkout.order_number,
    paidAt: checkout.paid_at ?? checkout.updated_at,
    amountMinor: checkout.amount_minor,
    currency: checkout.currency,
    method: {
      kind: checkout.method_kind ?? 'other',
      ...(checkout.method_brand ? { brand: checkout.method_brand } : {}),
      ...(checkout.method_last4 ? { last4: checkout.method_last4 } : {}),
      ...(checkout.method_label ? { label: checkout.method_label } : {}),
    },
    planName: planView(plan, lang).name,
    endsAt: subscription.ends_at,
    shortPlan: isShortPlan(plan),
  };
}

/** The public https URL of a subscriber's document (also the ms-settings:wifi-provisioning target). */
export function documentUrl(ctx: PortalContext, subscriberId: string): string {
  return `${ctx.config.server.publicUrl.replace(/\/$/, '')}/document/${subscriberId}/${ctx.secrets.documentToken(subscriberId)}`;
}

/**
 * The short-lived https URL of a Wi-Fi-only customer's document (security/document-link.ts): the completion and status
 * pages' download and ms-settings:wifi-provisioning target, good for wifiAccounts.documentLinkMinutes.
 */
export function wifiDocumentUrl(ctx: PortalContext, subscriberId: string): string {
  return shortLivedUrl(ctx, 'wifi/document', subscriberId);
}

/** The short-lived https URL of a subscriber's Apple or Android profile (routes/device-profiles.ts). */
export function deviceProfileUrl(
  ctx: PortalContext,
  platform: 'apple' | 'android',
  subscriberId: string,
): string {
  return shortLivedUrl(ctx, `profile/${platform}`, subscriberId);
}

/** `<public URL>/<path>/<link>` with a document link good for wifiAccounts.documentLinkMinutes. */
function shortLivedUrl(ctx: PortalContext, path: string, subscriberId: string): string {
  const expires = new Date(ctx.clock().getTime() + ctx.config.wifiAccounts.documentLinkMinutes * 60_000);
  return `${ctx.config.server.publicUrl.replace(/\/$/, '')}/${path}/${issueDocumentLink(ctx.secrets, subscriberId, expires)}`;
}
