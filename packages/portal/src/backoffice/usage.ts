import { MbprovError } from '@mbprov/core';
import type { PortalContext } from '../context.ts';
import { getPlan } from '../storage/plans.ts';
import { findSim } from '../storage/sims.ts';
import { subscriberBySim } from '../storage/subscribers.ts';
import { activeSubscription, latestSubscription, recordUsage } from '../storage/subscriptions.ts';

/** One usage report from billing or the PCRF. */
export interface UsageReport {
  iccid?: string;
  imsi?: string;
  min?: string;
  /** Total usage of the current plan period, in megabytes. */
  usageMegabytes: number;
  /** When the network measured it (ISO 8601). */
  at: string;
}

/** What happened to one report. */
export type UsageResult =
  | { status: 'applied'; usageMegabytes: number; exhausted: boolean }
  | { status: 'duplicate' | 'stale' | 'unknown-sim' | 'no-plan' | 'invalid' };

/** The times, in milliseconds, a usage report may be dated between. */
interface UsageWindow {
  earliest: number;
  latest: number;
}

/** The window of usageReports around the portal clock. */
function usageWindow(ctx: PortalContext): UsageWindow {
  const now = ctx.clock().getTime();
  const { maxFutureSeconds, maxAgeDays } = ctx.config.usageReports;
  return { earliest: now - maxAgeDays * 86_400_000, latest: now + maxFutureSeconds * 1000 };
}

/**
 * Applies usage reports. Each is idempotent per subscriber and timestamp: a report not newer than the stored one is
 * a duplicate (same time) or stale (older: out-of-order delivery), and changes nothing. Usage never moves
 * backwards: a newer report with a lower figure keeps the higher one. Crossing the allowance of a Fixed plan
 * exhausts it (the walled garden closes); the next refresh answers a usage-only document.
 *
 * A report dated outside the usageReports window refuses the whole call before anything is applied
 * (MBPROV_USAGE_TIMESTAMP_OUT_OF_RANGE): one report from the far future would otherwise make every real one stale.
 */
export async function applyUsageReports(ctx: PortalContext, reports: UsageReport[]): Promise<UsageResult[]> {
  const window = usageWindow(ctx);
  for (const [index, report] of reports.entries()) {
    const at = Date.parse(report.at);
    if (at < window.earliest || at > window.latest)
      throw new MbprovError(
        'MBPROV_USAGE_TIMESTAMP_OUT_OF_RANGE',
        `updates[${index}].at ${report.at} is not between ${new Date(window.earliest).toISOString()} and ` +
          `${new Date(window.latest).toISOString()} (usageReports.maxAgeDays, usageReports.maxFutureSeconds); nothing was applied.`,
      );
  }
  const results: UsageResult[] = [];
  for (const report of reports) results.push(await applyOne(ctx, report, window));
  return results;
}

async function applyOne(ctx: PortalContext, report: UsageReport, window: UsageWindow): Promise<UsageResult> {
  const at = Date.parse(report.at);
  if (Number.isNaN(at) || !Number.isFinite(report.usageMegabytes) || report.usageMegabytes < 0)
    return { status: 'invalid' };
  const { db } = ctx.store;
  const sim = await findSim(db, {
    ...(report.iccid ? { iccid: report.iccid } : {}),
    ...(report.imsi ? { imsi: report.imsi } : {}),
    ...(report.min ? { min: report.min } : {}),
  });
  const subscriber = sim ? await subscriberBySim(db, sim.id) : undefined;
  if (!sim || !subscriber) return { status: 'unknown-sim' };
  return ctx.store.transaction(async (trx): Promise<UsageResult> => {
    // The plan the usage belongs to: the active one, or the one that just ran out.
    const subscription =
      (await activeSubscription(trx, subscriber.id)) ?? (await latestSubscription(trx, subscriber.id));
    if (!subscription || (subscription.status !== 'active' && subscription.status !== 'exhausted'))
      return { status: 'no-plan' };
    if (Date.parse(subscription.starts_at) > at) return { status: 'stale' };
    // A stored time beyond the window was accepted before the window existed: it must not freeze the usage.
    const recorded = subscription.usage_at ? Date.parse(subscription.usage_at) : 0;
    const storedAt = recorded > window.latest ? 0 : recorded;
    if (at === storedAt) return { status: 'duplicate' };
    if (at < storedAt) return { status: 'stale' };
    const usage = Math.max(subscription.usage_mb, Math.round(report.usageMegabytes));
    const plan = await getPlan(trx, subscription.plan_id);
    const exhausted =
      plan?.plan_type === 'Fixed' &&
      subscription.data_limit_mb !== null &&
      usage >= subscription.data_limit_mb;
    await recordUsage(trx, subscription.id, { usageMb: usage, at: new Date(at).toISOString(), exhausted });
    return { status: 'applied', usageMegabytes: usage, exhausted };
  });
}
