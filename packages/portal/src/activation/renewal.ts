import { randomUUID } from 'node:crypto';
import type { PortalContext } from '../context.ts';
import type { Plan } from '../storage/plans.ts';
import type { Subscription } from '../storage/subscriptions.ts';
import * as subscriptions from '../storage/subscriptions.ts';

/**
 * What a purchase does: a new period, or, while a plan is active and as `operator.renewWhileActive` says, an
 * extension of that plan or its replacement.
 */
export type Renewal =
  | { kind: 'new'; subscription: Subscription }
  | { kind: 'extend' | 'replace'; base: Subscription; subscription: Subscription };

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

/** What buying `plan` would do now, or why it cannot be bought while the active plan lasts. */
export async function planRenewal(
  ctx: PortalContext,
  checkoutId: string,
  subscriberId: string,
  plan: Plan,
): Promise<Renewal | 'already-active' | 'plan-unavailable'> {
  const mode = ctx.config.operator.renewWhileActive;
  const active = await subscriptions.activeSubscription(ctx.store.db, subscriberId);
  const live = active && active.ends_at > ctx.clock().toISOString() ? active : undefined;
  if (!live) return { kind: 'new', subscription: draftSubscription(ctx, checkoutId, subscriberId, plan) };
  if (mode === 'refuse') return 'already-active';
  if (mode === 'replace')
    return {
      kind: 'replace',
      base: live,
      subscription: draftSubscription(ctx, checkoutId, subscriberId, plan),
    };
  if (live.plan_id !== plan.id) return 'plan-unavailable';
  const limit =
    live.data_limit_mb === null || plan.data_limit_mb === null
      ? null
      : live.data_limit_mb + plan.data_limit_mb;
  return {
    kind: 'extend',
    base: live,
    subscription: { ...live, ends_at: addDays(live.ends_at, plan.duration_days), data_limit_mb: limit },
  };
}

/** Whether the active subscription is still the one a renewal was planned on (no other purchase came between). */
export function unchanged(base: Subscription, active: Subscription | undefined): boolean {
  return (
    active !== undefined &&
    active.id === base.id &&
    active.ends_at === base.ends_at &&
    active.data_limit_mb === base.data_limit_mb
  );
}

/** A new subscription of `plan` from now, as a purchase would activate it. */
export function draftSubscription(
  ctx: PortalContext,
  checkoutId: string,
  subscriberId: string,
  plan: Plan,
): Subscription {
  const now = ctx.clock().toISOString();
  return {
    id: randomUUID(),
    subscriber_id: subscriberId,
    plan_id: plan.id,
    status: 'active',
    starts_at: now,
    ends_at: addDays(now, plan.duration_days),
    data_limit_mb: plan.data_limit_mb,
    usage_mb: 0,
    usage_at: now,
    wifi_octets: 0,
    wifi_usage_at: null,
    checkout_id: checkoutId,
    created_at: now,
  };
}
