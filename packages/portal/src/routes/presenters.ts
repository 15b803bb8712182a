import type { PortalContext } from '../context.ts';
import { latestPaidCheckout } from '../storage/checkouts.ts';
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
import type { Lang, PlanView, ReceiptView, SimView } from '../views/models.ts';

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

/** The receipt of the checkout that paid for `subscription`, if one did (imported or demo plans may have none). */
export async function receiptView(
  ctx: PortalContext,
  subscription: Subscription,
  plan: Plan,
  lang: Lang,
): Promise<ReceiptView | undefined> {
  const checkout = await latestPaidCheckout(ctx.store.db, subscription.id);
  if (!checkout?.order_number || checkout.amount_minor === null || !checkout.currency) return undefined;
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
    shortPlan: plan.duration_days < SHORT_PLAN_DAYS,
  };
}

/** The public https URL of a subscriber's document (also the ms-settings:wifi-provisioning target). */
export function documentUrl(ctx: PortalContext, subscriberId: string): string {
  return `${ctx.config.server.publicUrl.replace(/\/$/, '')}/document/${subscriberId}/${ctx.secrets.documentToken(subscriberId)}`;
}
