import type { Config } from '../config/schema.ts';
import type { PortalContext } from '../context.ts';
import { expireEndedOf } from '../hotspot/disconnect.ts';
import { MOBILE_PLANS_WALLED_GARDEN } from '../mobile-plans/walled-garden.ts';
import { orderedProfileOf } from '../storage/esim-profiles.ts';
import { getPlan } from '../storage/plans.ts';
import { findSim, type Sim } from '../storage/sims.ts';
import { subscriberById, subscriberBySim } from '../storage/subscribers.ts';
import { activeSubscription, latestSubscription } from '../storage/subscriptions.ts';

/**
 * The hosts Windows uses to test connectivity: reachable only with an active plan, so that the test tells the
 * truth (provisioning-windows-using-a-website.md, *Detect Internet access*; www.msftncsi.com for older Windows).
 */
export const CONNECTIVITY_TEST_HOSTS = [
  'www.msftconnecttest.com',
  'ipv6.msftconnecttest.com',
  'www.msftncsi.com',
  'ipv6.msftncsi.com',
  'dns.msftncsi.com',
];

/** Why a subscriber has or lacks internet access. */
export type PolicyReason = 'active' | 'no-plan' | 'expired' | 'exhausted' | 'suspended' | 'unknown-sim';

/** What decides a subscriber's access: whether it (or its SIM) is suspended, and its current subscription. */
export interface AccessState {
  suspended: boolean;
  /** The active subscription when there is one, else the latest; undefined when it never had one. */
  current: { status: string; ends_at: string } | undefined;
}

/**
 * Why a known subscriber has or lacks internet access at `now` (ISO 8601): the walled garden's rule, shared by the
 * policy API and RADIUS authorize. An active subscription past its end is expired even before the sweep marks it.
 */
export function accessReason(state: AccessState, now: string): Exclude<PolicyReason, 'unknown-sim'> {
  if (state.suspended) return 'suspended';
  const { current } = state;
  if (!current) return 'no-plan';
  if (current.status === 'active' && current.ends_at > now) return 'active';
  return current.status === 'exhausted' ? 'exhausted' : 'expired';
}

/** The walled-garden answer for a gateway. */
export interface PolicyAnswer {
  iccid?: string;
  imsi?: string;
  min?: string;
  internet: boolean;
  reason: PolicyReason;
  plan?: {
    id: string;
    name: string;
    endsAt: string;
    usageMegabytes: number;
    dataLimitMegabytes: number | null;
  };
  /** Hosts always reachable: the purchase site, payment and certificate revocation hosts. */
  allowedHosts: string[];
  /** The connectivity-test hosts, and whether they are reachable for this subscriber. */
  connectivityTest: { allowed: boolean; hosts: string[] };
}

/**
 * The hosts a subscriber without a plan may reach: the portal, the payment provider's pages (a customer pays before
 * the plan opens the network), the configured ones (certificate revocation hosts, anything else), and with Mobile
 * Plans enabled the app's own endpoints (mobile-plans/walled-garden.ts).
 */
export function walledGardenHosts(ctx: PortalContext): string[] {
  const payments =
    ctx.payments.walledGardenHosts ?? ctx.payments.origins.map((origin) => new URL(origin).hostname);
  return walledGardenOf(ctx.config, payments);
}

/** The walled-garden hosts of a configuration whose payment pages are on `paymentHosts` (see walledGardenHosts). */
export function walledGardenOf(config: Config, paymentHosts: readonly string[]): string[] {
  const portal = new URL(config.server.publicUrl).hostname;
  const mobilePlans = config.mobilePlans.enabled ? MOBILE_PLANS_WALLED_GARDEN.map((e) => e.host) : [];
  return [...new Set([portal, ...paymentHosts, ...(config.walledGarden?.hosts ?? []), ...mobilePlans])];
}

/** The identifiers a row has, without the absent ones. */
function simIdentifiers(sim: Sim): { iccid?: string; imsi?: string; min?: string } {
  return {
    ...(sim.iccid ? { iccid: sim.iccid } : {}),
    ...(sim.imsi ? { imsi: sim.imsi } : {}),
    ...(sim.min ? { min: sim.min } : {}),
  };
}

/** Whether a subscriber may reach the internet now, and the hosts of the walled garden otherwise. */
export async function policyFor(
  ctx: PortalContext,
  by: { iccid?: string; imsi?: string; min?: string },
): Promise<PolicyAnswer> {
  const { db } = ctx.store;
  const allowedHosts = walledGardenHosts(ctx);
  const sim = await findSim(db, by);
  // An eSIM line has no SIM row: the profile the portal ordered for it, by the ICCID or IMSI the gateway gives.
  const profile =
    sim || !(by.iccid || by.imsi)
      ? undefined
      : await orderedProfileOf(db, by.iccid ? { iccids: [by.iccid] } : { imsi: by.imsi as string });
  const base = { ...(sim ? simIdentifiers(sim) : by), allowedHosts };
  const closed = (reason: PolicyReason): PolicyAnswer => ({
    ...base,
    internet: false,
    reason,
    connectivityTest: { allowed: false, hosts: CONNECTIVITY_TEST_HOSTS },
  });
  if (!sim && !profile) return closed('unknown-sim');
  const subscriber = sim
    ? await subscriberBySim(db, sim.id)
    : await subscriberById(db, (profile as { subscriberId: string }).subscriberId);
  if (!subscriber) return closed('no-plan');
  const suspended = subscriber.status === 'suspended' || sim?.status === 'suspended';
  if (suspended) return closed('suspended');
  const now = ctx.clock().toISOString();
  await expireEndedOf(ctx, subscriber.id);
  const active = await activeSubscription(db, subscriber.id);
  const reason = accessReason(
    { suspended, current: active ?? (await latestSubscription(db, subscriber.id)) },
    now,
  );
  if (!active || reason !== 'active') return closed(reason);
  const plan = await getPlan(db, active.plan_id);
  return {
    ...base,
    internet: true,
    reason: 'active',
    plan: {
      id: active.plan_id,
      name: plan?.name ?? active.plan_id,
      endsAt: active.ends_at,
      usageMegabytes: active.usage_mb,
      dataLimitMegabytes: active.data_limit_mb,
    },
    connectivityTest: { allowed: true, hosts: CONNECTIVITY_TEST_HOSTS },
  };
}
