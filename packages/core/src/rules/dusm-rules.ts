import type { Code } from '../errors/codes.ts';
import type { Cost } from '../model/dusm.ts';
import type { Received } from '../model/spec.ts';

/** Reports a finding at an element path of a Cost document. */
export type CostReport = (code: Code, message: string, path: string) => void;

/** The ceiling the DUSM pages give every number: "Must be a value from 0 to 2^32". */
export const MAX_DUSM_VALUE = 2 ** 32;

/** Root path of a DUSM document. */
export const COST_ROOT = '/Cost';

/** An xs:dateTime with an explicit UTC zone (Z or +00:00/-00:00). */
function isUtc(value: string): boolean {
  return /(Z|[+-]00:00)$/.test(value);
}

/**
 * The constraints the DUSM reference states and dusm-v1.xsd cannot: the 2^32 ceiling of its numbers (the XSD types
 * have no upper bound, K-14), and dates "in UTC" (xs:dateTime accepts any zone, or none).
 */
export function costRules(cost: Received<Cost>, report: CostReport): void {
  const numbers = [
    ['UsageInMegabytes', cost.UsageInMegabytes?.value],
    ['DataLimitInMegabytes', cost.DataLimitInMegabytes],
    ['BandwidthInKbps', cost.BandwidthInKbps],
    ['MaxDownloadFileSizeInMegabytes', cost.MaxDownloadFileSizeInMegabytes],
  ] as const;
  for (const [name, value] of numbers) {
    if (value !== undefined && value > MAX_DUSM_VALUE) {
      report(
        'MBPROV_DUSM_VALUE_TOO_HIGH',
        `${name} is ${value}; the DUSM schema allows at most 2^32 (${MAX_DUSM_VALUE}).`,
        `${COST_ROOT}/${name}`,
      );
    }
  }
  const dates = [
    ['UsageInMegabytes', 'Timestamp', cost.UsageInMegabytes?.Timestamp],
    ['BillingCycle', 'StartDate', cost.BillingCycle?.StartDate],
  ] as const;
  for (const [element, attribute, value] of dates) {
    if (value !== undefined && !isUtc(value)) {
      report(
        'MBPROV_DUSM_NOT_UTC',
        `${element} ${attribute} "${value}" is not in UTC; the DUSM reference gives it in UTC (end it with Z).`,
        `${COST_ROOT}/${element}`,
      );
    }
  }
}
