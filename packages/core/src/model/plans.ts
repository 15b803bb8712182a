import { NS } from '../xml/namespaces.ts';
import { attrs, type ElementSpec, leaf } from './spec.ts';

/** Incremental cost of a plan: Unrestricted (no cost), Fixed (a purchased allowance), Variable (billed per use). */
export type PlanType = 'Unrestricted' | 'Fixed' | 'Variable';

/** Billing cycle: start, length, and whether usage resets at its end. */
export interface BillingCycle {
  /** xs:dateTime. */
  StartDate: string;
  /** xs:duration greater than zero, e.g. P30D. */
  Duration: string;
  /** Default true. */
  Resets?: boolean;
}

/** The slowly changing part of a plan. */
export interface PlanDescription {
  PlanType: PlanType;
  BillingCycle?: BillingCycle;
  /** The allowance of a Fixed plan. */
  DataLimitInMegabytes?: number;
  /** At most 2 Gbps (2,000,000). */
  InboundBandwidthInKbps?: number;
  OutboundBandwidthInKbps?: number;
  /** Largest download a compliant app makes on a metered connection without asking. */
  MaxTransferSizeInMegabytes?: number;
  /** Security updates do not count against usage (default false). */
  SecurityUpdatesExempt?: boolean;
  DataUsageInMobileOperatorNotificationEnabled?: boolean;
  /** User-to-user SMS included: Windows keeps the modem attached in Connected Standby (default true). */
  UserSMSEnabled?: boolean;
}

/** The frequently changing part of a plan. */
export interface PlanUsage {
  /** Over the allowance of a Fixed plan. */
  OverLimit?: boolean;
  /** The network imposes a lower speed or is under heavy load. */
  Congested?: boolean;
  /** Usage in megabytes. */
  CurrentUsage: number;
  /** xs:dateTime at which CurrentUsage was measured. */
  UsageTimestamp: string;
}

/** A plan: a Description with optional Usage, or Usage alone (a usage-only update). */
export interface Plan {
  Name: string;
  Description?: PlanDescription;
  Usage?: PlanUsage;
}

/** Plans section. */
export interface Plans {
  Plan: Plan[];
}

/** How the Plans section is written and read: its elements, attributes and their order (see spec.ts). */
export const plansSpec: ElementSpec = {
  name: 'Plans',
  ns: NS.cc,
  children: [
    {
      name: 'Plan',
      ns: NS.plans,
      many: true,
      always: true,
      attrs: attrs({ Name: 'string' }),
      children: [
        {
          name: 'Description',
          ns: NS.plans,
          attrs: attrs({ PlanType: 'string' }),
          children: [
            {
              name: 'BillingCycle',
              ns: NS.plans,
              attrs: attrs({ StartDate: 'token', Duration: 'token', Resets: 'boolean' }),
            },
            leaf('DataLimitInMegabytes', NS.plans, 'integer'),
            leaf('InboundBandwidthInKbps', NS.plans, 'integer'),
            leaf('OutboundBandwidthInKbps', NS.plans, 'integer'),
            leaf('MaxTransferSizeInMegabytes', NS.plans, 'integer'),
            leaf('SecurityUpdatesExempt', NS.plans, 'boolean'),
            leaf('DataUsageInMobileOperatorNotificationEnabled', NS.plans, 'boolean'),
            leaf('UserSMSEnabled', NS.plans, 'boolean'),
          ],
        },
        {
          name: 'Usage',
          ns: NS.plans,
          attrs: attrs({
            OverLimit: 'boolean',
            Congested: 'boolean',
            CurrentUsage: 'integer',
            UsageTimestamp: 'token',
          }),
        },
      ],
    },
  ],
};
