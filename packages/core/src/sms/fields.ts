// Fields: the values a matched rule reads from the Pattern's capturing groups, and the usage they imply.
import type { Code } from '../errors/codes.ts';
import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import type { MessageFields, MessageUnits, NumberField, PercentField } from '../model/messages.ts';
import { readFlag, readPlanType } from './flags.ts';
import type { ResolvedLocale } from './locale.ts';
import { parseLocaleNumber, parseLocalePercent } from './numbers.ts';
import { parseUsageTimestamp } from './timestamp.ts';
import type {
  BandwidthQuantity,
  DataQuantity,
  OperatorMessageFields,
  UnitName,
  UsageQuantity,
} from './types.ts';
import { BYTES_PER_MEGABYTE, UNIT_MULTIPLIERS, unitForToken } from './units.ts';

/** What field extraction needs besides the match. */
export interface FieldContext {
  /** Element path of the rule, for diagnostics. */
  rulePath: string;
  locale: ResolvedLocale;
  units: MessageUnits | undefined;
  receivedAt: Date;
  timeZoneOffsetMinutes: number;
  warnings: Diagnostic[];
}

function warn(ctx: FieldContext, code: Code, field: string, message: string): void {
  ctx.warnings.push(diagnostic(code, message, { path: `${ctx.rulePath}/Fields/${field}` }));
}

/** The text of a capturing group; undefined (with a warning) when it did not participate or is blank. */
function capture(
  match: RegExpExecArray,
  group: number | undefined,
  field: string,
  ctx: FieldContext,
): string | undefined {
  const text = group === undefined ? undefined : match[group];
  if (text === undefined || text.trim() === '') {
    warn(
      ctx,
      'MBPROV_SMS_FIELD_EMPTY',
      field,
      `${field} Group="${group}" captured nothing; ${field} is not set.`,
    );
    return undefined;
  }
  return text;
}

/** A number field as written: its value and the unit from UnitGroup, else DefaultUnit (default None). */
function readNumber(
  match: RegExpExecArray,
  field: NumberField,
  name: string,
  ctx: FieldContext,
): { value: number; unit: UnitName; scaled: number } | undefined {
  const text = capture(match, field.Group, name, ctx);
  if (text === undefined) return undefined;
  const value = parseLocaleNumber(text, ctx.locale);
  if (value === undefined) {
    warn(
      ctx,
      'MBPROV_SMS_NUMBER_INVALID',
      name,
      `${name}: "${text}" is not a number in locale ${ctx.locale.locale} (decimal "${ctx.locale.decimal}", group "${ctx.locale.group}"); ${name} is not set.`,
    );
    return undefined;
  }
  let unit: UnitName = field.DefaultUnit ?? 'None';
  const token = field.UnitGroup === undefined ? undefined : match[field.UnitGroup]?.trim();
  if (token) {
    const named = unitForToken(ctx.units, token);
    if (named) unit = named;
    else
      warn(
        ctx,
        'MBPROV_SMS_UNIT_UNKNOWN',
        name,
        `${name}: unit "${token}" is not listed in Units; DefaultUnit ${unit} used.`,
      );
  }
  return { value, unit, scaled: value * UNIT_MULTIPLIERS[unit] };
}

function readData(
  match: RegExpExecArray,
  field: NumberField | undefined,
  name: string,
  ctx: FieldContext,
): DataQuantity | undefined {
  if (!field) return undefined;
  const n = readNumber(match, field, name, ctx);
  if (!n) return undefined;
  const bytes = Math.round(n.scaled);
  return { value: n.value, unit: n.unit, bytes, megabytes: bytes / BYTES_PER_MEGABYTE };
}

function readBandwidth(
  match: RegExpExecArray,
  field: NumberField | undefined,
  name: string,
  ctx: FieldContext,
): BandwidthQuantity | undefined {
  if (!field) return undefined;
  const n = readNumber(match, field, name, ctx);
  if (!n) return undefined;
  const bitsPerSecond = Math.round(n.scaled);
  return { value: n.value, unit: n.unit, bitsPerSecond, kbps: bitsPerSecond / 1000 };
}

function readPercent(
  match: RegExpExecArray,
  field: PercentField | undefined,
  name: string,
  ctx: FieldContext,
): number | undefined {
  if (!field) return undefined;
  const text = capture(match, field.Group, name, ctx);
  if (text === undefined) return undefined;
  const value = parseLocalePercent(text, ctx.locale);
  if (value === undefined) {
    warn(
      ctx,
      'MBPROV_SMS_NUMBER_INVALID',
      name,
      `${name}: "${text}" is not a percentage in locale ${ctx.locale.locale}; ${name} is not set.`,
    );
  }
  return value;
}

const usage = (bytes: number, source: UsageQuantity['source']): UsageQuantity => {
  const rounded = Math.round(bytes);
  return { bytes: rounded, megabytes: rounded / BYTES_PER_MEGABYTE, source };
};

/**
 * Usage, or when the rule has no Usage field, the first inference rule of wwan/element-usage.md whose values are
 * all present: UsagePercentage x DataLimit; UsageOverage + DataLimit; (UsageOveragePercentage x DataLimit) +
 * DataLimit; UsageOverage + the limit UsageOverage x 100 / UsageOveragePercentage.
 */
function inferUsage(f: OperatorMessageFields): UsageQuantity | undefined {
  const limit = f.dataLimit?.bytes;
  if (f.usagePercentage !== undefined && limit !== undefined) {
    return usage((f.usagePercentage / 100) * limit, 'UsagePercentage');
  }
  if (f.usageOverage !== undefined && limit !== undefined) {
    return usage(f.usageOverage.bytes + limit, 'UsageOverage');
  }
  if (f.usageOveragePercentage !== undefined && limit !== undefined) {
    return usage((f.usageOveragePercentage / 100) * limit + limit, 'UsageOveragePercentage');
  }
  if (
    f.usageOverage !== undefined &&
    f.usageOveragePercentage !== undefined &&
    f.usageOveragePercentage > 0
  ) {
    const over = f.usageOverage.bytes;
    return usage(over + (over * 100) / f.usageOveragePercentage, 'UsageOverageAndPercentage');
  }
  return undefined;
}

/** A boolean field's value, or undefined when the rule does not have that field. */
function flag(
  fields: MessageFields,
  match: RegExpExecArray,
  name: 'OverDataLimit' | 'Congested' | 'RefreshProvisioning' | 'ActivationComplete',
): boolean | undefined {
  const field = fields[name];
  return field ? readFlag(field, field.Group === undefined ? undefined : match[field.Group]) : undefined;
}

/** Reads every field of a rule from the Pattern match; problems go to `ctx.warnings`, never thrown. */
export function extractFields(
  fields: MessageFields | undefined,
  match: RegExpExecArray,
  ctx: FieldContext,
): OperatorMessageFields {
  const out: OperatorMessageFields = {};
  if (!fields) return out;
  const direct = readData(match, fields.Usage, 'Usage', ctx);
  const usagePercentage = readPercent(match, fields.UsagePercentage, 'UsagePercentage', ctx);
  if (usagePercentage !== undefined) out.usagePercentage = usagePercentage;
  const usageOverage = readData(match, fields.UsageOverage, 'UsageOverage', ctx);
  if (usageOverage) out.usageOverage = usageOverage;
  const overagePercentage = readPercent(match, fields.UsageOveragePercentage, 'UsageOveragePercentage', ctx);
  if (overagePercentage !== undefined) out.usageOveragePercentage = overagePercentage;
  const dataLimit = readData(match, fields.DataLimit, 'DataLimit', ctx);
  if (dataLimit) out.dataLimit = dataLimit;
  const usageValue = direct
    ? {
        bytes: direct.bytes,
        megabytes: direct.megabytes,
        source: 'Usage' as const,
        value: direct.value,
        unit: direct.unit,
      }
    : inferUsage(out);
  if (usageValue) out.usage = usageValue;

  if (fields.UsageTimestamp) {
    const ts = fields.UsageTimestamp;
    const text = capture(match, ts.Group, 'UsageTimestamp', ctx);
    if (text !== undefined) {
      const read = parseUsageTimestamp(text, ts, ctx.receivedAt, ctx.timeZoneOffsetMinutes);
      if ('date' in read) out.usageTimestamp = read.date.toISOString();
      else
        warn(
          ctx,
          'MBPROV_SMS_TIMESTAMP_MISMATCH',
          'UsageTimestamp',
          `UsageTimestamp: ${read.problem}; the time the message was received is used.`,
        );
    }
  }

  const overDataLimit = flag(fields, match, 'OverDataLimit');
  if (overDataLimit !== undefined) out.overDataLimit = overDataLimit;
  const congested = flag(fields, match, 'Congested');
  if (congested !== undefined) out.congested = congested;

  const inbound = readBandwidth(match, fields.InboundBandwidth, 'InboundBandwidth', ctx);
  if (inbound) out.inboundBandwidth = inbound;
  const outbound = readBandwidth(match, fields.OutboundBandwidth, 'OutboundBandwidth', ctx);
  if (outbound) out.outboundBandwidth = outbound;

  if (fields.PlanType) {
    const group = fields.PlanType.Group;
    const planType = readPlanType(fields.PlanType, group === undefined ? undefined : match[group]);
    if (planType) out.planType = planType;
  }
  const refresh = flag(fields, match, 'RefreshProvisioning');
  if (refresh !== undefined) out.refreshProvisioning = refresh;
  const activation = flag(fields, match, 'ActivationComplete');
  if (activation !== undefined) out.activationComplete = activation;
  return out;
}
