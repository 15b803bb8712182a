import { MbprovError } from '@mbprov/core';
import type { PortalContext } from '../context.ts';
import { requestDisconnects } from '../hotspot/disconnect.ts';
import { applyUsageBatch, type UsageOutcome, type UsageRow } from '../storage/usage-reports.ts';

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
 * exhausts it (the walled garden closes, and its Wi-Fi sessions are disconnected); the next refresh answers a usage-only document. The reports of a call apply
 * in order, as one statement whatever their number, a report alone as one UPDATE (storage/usage-reports.ts).
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
  const results: UsageResult[] = new Array(reports.length);
  const valid: Array<{ index: number; row: UsageRow }> = [];
  for (const [index, report] of reports.entries()) {
    const at = Date.parse(report.at);
    if (Number.isNaN(at) || !Number.isFinite(report.usageMegabytes) || report.usageMegabytes < 0)
      results[index] = { status: 'invalid' };
    else
      valid.push({
        index,
        row: {
          iccid: report.iccid,
          imsi: report.imsi,
          min: report.min,
          usageMb: Math.round(report.usageMegabytes),
          at: new Date(at).toISOString(),
        },
      });
  }
  const outcomes = await applyUsageBatch(
    ctx.store,
    valid.map((v) => v.row),
    new Date(window.latest).toISOString(),
  );
  const exhausted: string[] = [];
  for (const [i, { index }] of valid.entries()) {
    const outcome = outcomes[i] as UsageOutcome;
    if (outcome.status === 'applied' && outcome.exhausted) exhausted.push(outcome.subscriberId);
    results[index] =
      outcome.status === 'applied'
        ? { status: 'applied', usageMegabytes: outcome.usageMb, exhausted: outcome.exhausted }
        : outcome;
  }
  await requestDisconnects(ctx, exhausted, 'exhausted');
  return results;
}
