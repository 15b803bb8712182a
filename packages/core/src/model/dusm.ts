import { NS } from '../xml/namespaces.ts';
import { attrs, type ElementSpec, leaf } from './spec.ts';

/**
 * DUSM (Data Usage Subscription Management) `Cost`: the metered state of a subscriber's connection
 * (reference: schemas/dusm/element-cost.md). A document of its own: `Cost` is the unique root element of the DUSM
 * schema, and no CarrierProvisioning element can hold it (docs/schema-deviations.md K-17).
 */
export interface Cost {
  /** The connection is in an Over The Data Limit state. */
  OverDataLimit?: boolean;
  /** The connection is congested. */
  Congested?: boolean;
  /** Unrestricted (unlimited), Fixed (unrestricted up to a cap) or Variable (costed per byte). */
  PlanType: 'Unrestricted' | 'Fixed' | 'Variable';
  /** Data used to date within the current billing cycle, in MB (0 to 2^32). */
  UsageInMegabytes?: CostUsageInMegabytes;
  /** The data limit of a capped plan, in MB (1 to 2^32). */
  DataLimitInMegabytes?: number;
  BillingCycle?: CostBillingCycle;
  /** The effective link speed, in kbps (0 to 2^32). */
  BandwidthInKbps?: number;
  /** The largest suggested download, in MB (1 to 2^32; Windows assumes 25 when absent). */
  MaxDownloadFileSizeInMegabytes?: number;
  CarrierPolicy?: CostCarrierPolicy;
}

/** UsageInMegabytes: the usage and when the operator last updated it. */
export interface CostUsageInMegabytes {
  /** The usage in MB (the element's text). */
  value: number;
  /** xs:dateTime in UTC of the last update. */
  Timestamp: string;
}

/** The plan's start, its duration and what happens at the end of the cycle. */
export interface CostBillingCycle {
  /** xs:dateTime in UTC. */
  StartDate: string;
  /** xs:duration, above PT0S. */
  Duration: string;
  /** Usage is reset at the end of the cycle (default true). */
  Resets?: boolean;
}

/** Optional settings for Windows on this connection. */
export interface CostCarrierPolicy {
  /** Windows Update may download every security update on this metered connection (default false). */
  SecurityUpdatesExempt?: boolean;
  /** The service includes near real-time user SMS: less aggressive power management (default true). */
  UserSMSEnabled?: boolean;
}

/** The spec of the DUSM root element, in schema order. */
export const costSpec: ElementSpec = {
  name: 'Cost',
  ns: NS.dusm,
  attrs: attrs({ OverDataLimit: 'boolean', Congested: 'boolean', PlanType: 'token' }),
  children: [
    leaf('UsageInMegabytes', NS.dusm, 'integer', {
      attrs: attrs({ Timestamp: 'token' }),
      textKey: 'value',
    }),
    leaf('DataLimitInMegabytes', NS.dusm, 'integer'),
    {
      name: 'BillingCycle',
      ns: NS.dusm,
      attrs: attrs({ StartDate: 'token', Duration: 'token', Resets: 'boolean' }),
    },
    leaf('BandwidthInKbps', NS.dusm, 'integer'),
    leaf('MaxDownloadFileSizeInMegabytes', NS.dusm, 'integer'),
    {
      name: 'CarrierPolicy',
      ns: NS.dusm,
      children: [
        leaf('SecurityUpdatesExempt', NS.dusm, 'boolean'),
        leaf('UserSMSEnabled', NS.dusm, 'boolean'),
      ],
    },
  ],
};
