import type { Diagnostic } from '../errors/diagnostic.ts';
import type { NumberField } from '../model/messages.ts';
import type { PlanType, PlanUsage } from '../model/plans.ts';

/** A multiplier name of the Units element and of DefaultUnit: None (1), K..T (powers of 1000), Ki..Ti (powers of 1024). */
export type UnitName = NonNullable<NumberField['DefaultUnit']>;

/** An incoming SMS or network-initiated USSD message, as the modem delivers it to Windows. */
export interface OperatorMessage {
  bearer: 'sms' | 'ussd';
  /** SMS sender address exactly as received (e.g. `+18005551212` or `18005551212`). USSD has none. */
  sender?: string;
  /** The decoded human-readable text. */
  text: string;
  /** When the PC received the message. */
  receivedAt: Date;
  /** SMS class 0 (flash) message. Absent means not class 0. */
  classZero?: boolean;
  /** The PC's time zone: minutes to add to UTC to get local time (UTC+01:00 is 60). Default 0 (UTC). */
  timeZoneOffsetMinutes?: number;
}

/** An amount of data read from a message: the number as written, its unit, and the value in bytes and megabytes (10^6). */
export interface DataQuantity {
  value: number;
  unit: UnitName;
  bytes: number;
  /** bytes / 1,000,000, not rounded. */
  megabytes: number;
}

/** A link speed read from a message: the number as written, its unit, in bits per second and kilobits per second. */
export interface BandwidthQuantity {
  value: number;
  unit: UnitName;
  bitsPerSecond: number;
  /** bitsPerSecond / 1,000, the unit of Plans InboundBandwidthInKbps / OutboundBandwidthInKbps; not rounded. */
  kbps: number;
}

/** Where the usage figure came from: the Usage field, or one of the documented inference rules. */
export type UsageSource =
  /** Usage field. */
  | 'Usage'
  /** UsagePercentage times DataLimit. */
  | 'UsagePercentage'
  /** UsageOverage plus DataLimit. */
  | 'UsageOverage'
  /** (UsageOveragePercentage times DataLimit) plus DataLimit. */
  | 'UsageOveragePercentage'
  /** UsageOverage plus the limit implied by UsageOverage and UsageOveragePercentage. */
  | 'UsageOverageAndPercentage';

/** Data used, in bytes and megabytes, with how it was obtained. */
export interface UsageQuantity {
  bytes: number;
  /** bytes / 1,000,000, not rounded. */
  megabytes: number;
  source: UsageSource;
  /** The number and unit as written, when source is Usage. */
  value?: number;
  unit?: UnitName;
}

/** The values a matched rule's Fields extracted from the message. A field the rule lacks, or that could not be read, is absent. */
export interface OperatorMessageFields {
  usage?: UsageQuantity;
  /** Percent of the data limit used (80 means 80%). */
  usagePercentage?: number;
  usageOverage?: DataQuantity;
  /** Percent over the data limit (20 means usage is 120% of the limit). */
  usageOveragePercentage?: number;
  /** ISO 8601 UTC date and time at which the usage was measured, as read from the message. */
  usageTimestamp?: string;
  dataLimit?: DataQuantity;
  overDataLimit?: boolean;
  congested?: boolean;
  inboundBandwidth?: BandwidthQuantity;
  outboundBandwidth?: BandwidthQuantity;
  planType?: PlanType;
  refreshProvisioning?: boolean;
  activationComplete?: boolean;
}

/** The Windows events a consumed message raises. */
export type OperatorMessageEvent = 'MobileOperatorNotification' | 'SmsMessageReceived';

/** A rule consumed the message. */
export interface OperatorMessageMatch {
  matched: true;
  /** 0-based index of the rule in document order. */
  ruleIndex: number;
  ruleId?: string;
  /** The rule's Silent attribute (default true). */
  silent: boolean;
  /** MobileOperatorNotification always; SmsMessageReceived too when the rule is not Silent. */
  events: OperatorMessageEvent[];
  /** Pattern capturing groups (index 0 is the whole text); undefined for a group that did not participate. */
  captures: Array<string | undefined>;
  /** The Intl locale numbers were read with. */
  locale: string;
  fields: OperatorMessageFields;
  /** A Plans/v1 Usage update, present when the message gave (or let Windows infer) the usage. */
  usageUpdate?: PlanUsage;
  /** RefreshProvisioning was true: fetch a new provisioning document. */
  refresh: boolean;
  /** ActivationComplete was true: the subscription is active, connect now. */
  activationComplete: boolean;
  /** Field extraction problems (the rule still matched). */
  warnings: Diagnostic[];
}

/** Why no rule consumed the message: the furthest any rule got. */
export type NoMatchReason =
  /** The text is longer than MAX_OPERATOR_MESSAGE_LENGTH; no rule was tried. */
  | 'too-long'
  /** There are no rules. */
  | 'no-rule'
  /** No rule has a bearer of the message's type. */
  | 'bearer'
  /** SMS rules exist but none allows this sender. */
  | 'sender'
  /** The sender is allowed only for class 0 messages and this is not one. */
  | 'class'
  /** The text does not match the Pattern of any rule that accepts the bearer and sender. */
  | 'pattern'
  /** The only rules that could apply have a Pattern that does not compile. */
  | 'invalid-pattern';

/** No rule consumed the message: Windows treats it as an ordinary message. */
export interface OperatorMessageNoMatch {
  matched: false;
  reason: NoMatchReason;
  /** The rule that got furthest, when a rule was tried. */
  ruleIndex?: number;
  /** Set when the message was refused as a whole (too long). */
  error?: Diagnostic;
  /** Rules skipped because their Pattern does not compile. */
  warnings: Diagnostic[];
}

/** Outcome of evaluating one message against the operator message rules. */
export type OperatorMessageResult = OperatorMessageMatch | OperatorMessageNoMatch;
