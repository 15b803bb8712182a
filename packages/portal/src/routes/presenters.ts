import type { PortalContext } from '../context.ts';
import type { Plan } from '../storage/plans.ts';
import type { Subscription } from '../storage/subscriptions.ts';
import { formatBandwidth, formatBytes, formatDuration, formatMoney, maskImsi } from '../views/i18n.ts';
import type { Lang, PlanView, SimView } from '../views/models.ts';

/** A catalog plan for display. */
export function planView(plan: Plan, lang: Lang): PlanView {
  return {
    id: plan.id,
    name: lang === 'ja' && plan.name_ja ? plan.name_ja : plan.name,
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

/** The public https URL of a subscriber's document (also the ms-settings:wifi-provisioning target). */
export function documentUrl(ctx: PortalContext, subscriberId: string): string {
  return `${ctx.config.server.publicUrl.replace(/\/$/, '')}/document/${subscriberId}/${ctx.secrets.documentToken(subscriberId)}`;
}
