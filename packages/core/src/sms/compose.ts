// composeOperatorMessage: the operator back office writes SMS/USSD texts that Windows reads back exactly under the
// operator's own Messages rules (the inverse of evaluateOperatorMessage, checked against it).
import { MbprovError } from '../errors/mbprov-error.ts';
import type {
  BooleanField,
  DateTimeField,
  Message,
  Messages,
  NumberField,
  PercentField,
  PlanTypeField,
  SMSBearer,
} from '../model/messages.ts';
import { compilePattern, unsupportedTimestampIdentifiers } from '../rules/message-rules.ts';
import { evaluateOperatorMessage } from './evaluate.ts';
import { readFlag, readPlanType } from './flags.ts';
import { type NumberSymbols, resolveMessageLocale } from './locale.ts';
import { parseLocaleNumber, parseLocalePercent } from './numbers.ts';
import {
  type GroupText,
  generateText,
  groupAccepts,
  groupFiller,
  type ParsedPattern,
  PatternSyntaxError,
  parsePattern,
} from './pattern-text.ts';
import type { OperatorMessageMatch, UnitName } from './types.ts';
import { BYTES_PER_MEGABYTE, UNIT_MULTIPLIERS, unitForToken } from './units.ts';

/** Picks the rule by RuleId instead of taking the first rule that can carry the intent. */
interface IntentBase {
  ruleId?: string;
}

/** Tell Windows how much data has been used (a Plans Usage update). */
export interface UsageIntent extends IntentBase {
  kind: 'usage';
  /** Data used in the billing cycle, in megabytes (10^6 bytes); Windows keeps it rounded to a whole megabyte. */
  usageMegabytes: number;
  /** The plan's allowance in megabytes; needed by rules that state a limit, a percentage or an overage. */
  dataLimitMegabytes?: number;
  /** When the usage was measured; written with the rule's UsageTimestamp Format, to the precision it has. */
  at: Date;
  /** The subscriber's PC time zone, minutes ahead of UTC (UTC+09:00 is 540); timestamps are written in it. Default 0. */
  timeZoneOffsetMinutes?: number;
  /** When given, Windows must read this OverLimit flag (from OverDataLimit, or inferred from usage and limit). */
  overDataLimit?: boolean;
  /** When given, Windows must read this Congested flag. */
  congested?: boolean;
}

/** Tell Windows to fetch a new provisioning document (RefreshProvisioning true). */
export interface RefreshIntent extends IntentBase {
  kind: 'refresh';
}

/** Tell Windows the subscription is active and it should connect now (ActivationComplete true). */
export interface ActivationCompleteIntent extends IntentBase {
  kind: 'activation-complete';
}

/** What the operator wants Windows to learn from the message. */
export type ComposeIntent = UsageIntent | RefreshIntent | ActivationCompleteIntent;

/** Options of composeOperatorMessage. */
export interface ComposeOptions {
  /** Only rules of this bearer. Default: SMS when a rule has an SMSBearer, else USSD. */
  bearer?: 'sms' | 'ussd';
  /**
   * When the message is expected to reach the PC: the composed text is verified as received then (a Format
   * without a year or date is completed from the time of receipt). Default: the usage's `at`; for other
   * intents 1970-01-01.
   */
  receivedAt?: Date;
}

/** A text Windows will read as intended, and how to send it. */
export interface ComposedMessage {
  /** The rule that reads it: 0-based index in document order, and its RuleId. */
  rule: { index: number; ruleId?: string };
  bearer: 'sms' | 'ussd';
  /** The address to send from: the rule's SMSBearer Sender (absent for USSD or a bearer without Sender). */
  sender?: string;
  text: string;
  /** Send as SMS class 0 (flash): true when the bearer is ClassZeroOnly (the default). */
  classZero: boolean;
}

/** Candidate texts per field are capped, and so are the texts tried per rule. */
const MAX_CANDIDATES = 16;
const MAX_ATTEMPTS = 4000;
/** Most fraction digits written for an amount or a percentage. */
const MAX_FRACTION_DIGITS = 9;

/** What a field's text implies, for fields filled later (percentages relative to the limit as written). */
interface State {
  limitBytes?: number;
  overBytes?: number;
}

/** One choice for a field: the text of its group(s), and what Windows reads from it. */
interface Candidate {
  texts: Array<[number, GroupText]>;
  state?: State;
}

/** A field to fill: its candidates, possibly depending on the fields filled before it. */
interface Slot {
  field: string;
  candidates(state: State): Candidate[];
}

/** What a rule must produce, checked on evaluateOperatorMessage's result. */
interface Expectation {
  check(result: OperatorMessageMatch): string | undefined;
}

/** How a rule would carry the intent, or why it cannot. */
type Plan = { slots: Slot[]; expect: Expectation[] } | { reason: string };

/** Which bearer of a rule to send with. */
interface Route {
  bearer: 'sms' | 'ussd';
  sender?: string;
  classZero: boolean;
}

const describeRule = (rule: Message, index: number) =>
  `rule ${index + 1}${rule.RuleId !== undefined ? ` (RuleId "${rule.RuleId}")` : ''}`;

function invalid(message: string): never {
  throw new MbprovError('MBPROV_SMS_COMPOSE_INTENT_INVALID', message);
}

/** Refuses what no text can say: negative or non-finite amounts, invalid dates, unknown kinds. */
function checkIntent(intent: ComposeIntent, options: ComposeOptions): void {
  const kind = (intent as { kind?: unknown }).kind;
  if (kind !== 'usage' && kind !== 'refresh' && kind !== 'activation-complete')
    invalid(`Unknown intent kind ${JSON.stringify(kind)}; expected usage, refresh or activation-complete.`);
  if (options.receivedAt !== undefined && Number.isNaN(options.receivedAt.getTime()))
    invalid('receivedAt is not a valid Date.');
  if (intent.kind !== 'usage') return;
  if (!Number.isFinite(intent.usageMegabytes) || intent.usageMegabytes < 0)
    invalid(`usageMegabytes must be a finite number of megabytes, 0 or more (got ${intent.usageMegabytes}).`);
  if (
    intent.dataLimitMegabytes !== undefined &&
    (!Number.isFinite(intent.dataLimitMegabytes) || intent.dataLimitMegabytes < 0)
  )
    invalid(`dataLimitMegabytes must be a finite number, 0 or more (got ${intent.dataLimitMegabytes}).`);
  if (!(intent.at instanceof Date) || Number.isNaN(intent.at.getTime())) invalid('at is not a valid Date.');
  if (intent.timeZoneOffsetMinutes !== undefined && !Number.isFinite(intent.timeZoneOffsetMinutes))
    invalid('timeZoneOffsetMinutes is not a finite number.');
}

/** The bearer to send with: the requested one, else SMS (preferring an SMSBearer with a Sender), else USSD. */
function routeOf(rule: Message, wanted: 'sms' | 'ussd' | undefined): Route | string {
  const sms = rule.SMSBearer ?? [];
  if (wanted !== 'ussd' && sms.length) {
    const bearer = (sms.find((b) => b.Sender !== undefined) ?? sms[0]) as SMSBearer;
    return {
      bearer: 'sms',
      ...(bearer.Sender !== undefined ? { sender: bearer.Sender } : {}),
      classZero: bearer.ClassZeroOnly ?? true,
    };
  }
  if (wanted !== 'sms' && rule.USSDBearer !== undefined) return { bearer: 'ussd', classZero: false };
  return wanted ? `it has no ${wanted === 'sms' ? 'SMSBearer' : 'USSDBearer'}` : 'it has no bearer';
}

// ---------------------------------------------------------------------------------------------------------------
// Writing values

/** A non-negative number with `digits` fraction digits, in the locale's symbols; grouped by thousands or not. */
function formatNumber(
  value: number,
  digits: number,
  symbols: NumberSymbols,
  grouping: 'locale' | 'space' | 'none',
): string {
  const fixed = value.toFixed(digits);
  const [int = '0', frac] = fixed.split('.');
  let whole = int;
  if (grouping !== 'none' && int.length > 3) {
    const sep = grouping === 'space' ? ' ' : symbols.group;
    const parts: string[] = [];
    for (let end = int.length; end > 0; end -= 3) parts.unshift(int.slice(Math.max(0, end - 3), end));
    whole = parts.join(sep);
  }
  return frac === undefined ? whole : `${whole}${symbols.decimal}${frac}`;
}

/** The ways to group thousands in a locale: its own separator, an ordinary space for a space-like one, none. */
function groupings(symbols: NumberSymbols): Array<'locale' | 'space' | 'none'> {
  return /\s/.test(symbols.group) && symbols.group !== ' ' ? ['locale', 'space', 'none'] : ['locale', 'none'];
}

/**
 * Texts for `exact` (a number in some unit) that `parse` reads back acceptably: the fewest fraction digits that
 * pass `accept`, and one or two more (for patterns that want decimals), each grouped and ungrouped.
 */
function numberTexts(
  exact: number,
  symbols: NumberSymbols,
  parse: (text: string) => number | undefined,
  accept: (value: number) => boolean,
): Array<{ text: string; value: number; digits: number }> {
  const out: Array<{ text: string; value: number; digits: number }> = [];
  let first: number | undefined;
  for (let d = 0; d <= MAX_FRACTION_DIGITS; d++) {
    if (first !== undefined && d > first + 2) break;
    const plain = formatNumber(exact, d, symbols, 'none');
    const value = parse(plain);
    if (value === undefined || !accept(value)) continue;
    first ??= d;
    for (const grouping of groupings(symbols)) {
      const text = formatNumber(exact, d, symbols, grouping);
      const read = parse(text);
      if (read !== undefined && accept(read) && !out.some((o) => o.text === text))
        out.push({ text, value: read, digits: d });
    }
  }
  return out;
}

/** The unit tier: None 0, K/Ki 1, M/Mi 2, G/Gi 3, T/Ti 4. */
const TIER: Record<UnitName, number> = { None: 0, K: 1, Ki: 1, M: 2, Mi: 2, G: 3, Gi: 3, T: 4, Ti: 4 };
const UNIT_ORDER = ['K', 'M', 'G', 'T', 'Ki', 'Mi', 'Gi', 'Ti'] as const;

/**
 * Candidates for a data amount field (Usage, DataLimit, UsageOverage): a number and, with a UnitGroup, a unit
 * token from Units (or no token, for DefaultUnit, when the group may be empty). `accept` judges the bytes
 * Windows would read. Ordered from the most readable: the largest unit in which the amount is at least 1
 * (GB from 1,000 MB), the fewest fraction digits, decimal units before binary ones.
 */
function amountCandidates(
  rule: Message,
  field: NumberField,
  pattern: ParsedPattern,
  symbols: NumberSymbols,
  targetBytes: number,
  accept: (bytes: number) => boolean,
  state: (bytes: number) => State = () => ({}),
): Candidate[] {
  const units: Array<{ unit: UnitName; token?: string }> = [];
  const fallback = field.DefaultUnit ?? 'None';
  if (field.UnitGroup !== undefined) {
    for (const unit of UNIT_ORDER) {
      for (const entry of rule.Units?.[unit] ?? []) {
        for (const token of entry.split(/\s+/)) {
          if (
            token &&
            unitForToken(rule.Units, token) === unit &&
            groupAccepts(pattern, field.UnitGroup, token)
          )
            units.push({ unit, token });
        }
      }
    }
    if (groupAccepts(pattern, field.UnitGroup, '')) units.push({ unit: fallback, token: '' });
  } else {
    units.push({ unit: fallback });
  }
  const scored: Array<{ candidate: Candidate; key: number[] }> = [];
  units.forEach(({ unit, token }, order) => {
    const multiplier = UNIT_MULTIPLIERS[unit];
    const exact = targetBytes / multiplier;
    const texts = numberTexts(
      exact,
      symbols,
      (t) => parseLocaleNumber(t, symbols),
      (v) => accept(Math.round(v * multiplier)),
    );
    for (const [variant, { text, value, digits }] of texts.entries()) {
      if (!groupAccepts(pattern, field.Group, text)) continue;
      const bytes = Math.round(value * multiplier);
      const tier = TIER[unit];
      const texts: Array<[number, GroupText]> = [[field.Group, { text }]];
      if (field.UnitGroup !== undefined && token !== undefined)
        texts.push([field.UnitGroup, { text: token }]);
      scored.push({
        candidate: { texts, state: state(bytes) },
        key: [exact >= 1 ? -tier : 100 + tier, digits, unit.endsWith('i') ? 1 : 0, order, variant],
      });
    }
  });
  scored.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const d = (a.key[i] as number) - (b.key[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
  return scored.slice(0, MAX_CANDIDATES).map((s) => s.candidate);
}

/** Candidates for a percentage field: the number, with and without a % sign; `accept` judges the percentage read. */
function percentCandidates(
  field: PercentField,
  pattern: ParsedPattern,
  symbols: NumberSymbols,
  exact: number,
  accept: (percent: number) => boolean,
): Candidate[] {
  const out: Candidate[] = [];
  for (const { text } of numberTexts(exact, symbols, (t) => parseLocalePercent(t, symbols), accept)) {
    for (const t of [text, `${text}%`])
      if (groupAccepts(pattern, field.Group, t)) out.push({ texts: [[field.Group, { text: t }]] });
  }
  return out.slice(0, MAX_CANDIDATES);
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Writes a time with a UsageTimestamp Format in local time `offsetMinutes` ahead of UTC. */
export function formatUsageTimestamp(at: Date, field: DateTimeField, offsetMinutes = 0): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000);
  const hour = local.getUTCHours();
  const value: Record<string, number> = {
    d: local.getUTCDate(),
    H: hour,
    I: hour % 12 === 0 ? 12 : hour % 12,
    m: local.getUTCMonth() + 1,
    M: local.getUTCMinutes(),
    S: local.getUTCSeconds(),
    y: local.getUTCFullYear() % 100,
    Y: local.getUTCFullYear(),
  };
  return field.Format.replace(/%(#?)([dHImMSyYp%])/g, (_, noPad: string, id: string) => {
    if (id === '%') return '%';
    if (id === 'p') return hour < 12 ? (field.AmToken ?? 'AM') : (field.PmToken ?? 'PM');
    const n = value[id] as number;
    return noPad ? String(n) : pad(n, id === 'Y' ? 4 : 2);
  });
}

const UNITS = ['year', 'month', 'day', 'hour', 'minute', 'second'] as const;

/**
 * The UTC time Windows reads from `at` written with `format`: parts larger than the largest the Format has come
 * from `at` itself (the message is read near then), smaller missing parts are 0 (day and month 1).
 */
function expectedTimestamp(at: Date, format: string, offsetMinutes: number): string {
  const offset = offsetMinutes * 60_000;
  const local = new Date(at.getTime() + offset);
  const has = (ids: string) => new RegExp(`%#?[${ids}]`).test(format);
  const present = [has('yY'), has('m'), has('d'), has('HI'), has('M'), has('S')];
  const largest = present.indexOf(true);
  const actual = [
    local.getUTCFullYear(),
    local.getUTCMonth() + 1,
    local.getUTCDate(),
    local.getUTCHours(),
    local.getUTCMinutes(),
    local.getUTCSeconds(),
  ];
  const v = UNITS.map((u, i) =>
    present[i] || largest < 0 || i < largest ? (actual[i] as number) : u === 'month' || u === 'day' ? 1 : 0,
  );
  const d = new Date(0);
  d.setUTCFullYear(v[0] as number, (v[1] as number) - 1, v[2] as number);
  d.setUTCHours(v[3] as number, v[4] as number, v[5] as number, 0);
  return new Date(d.getTime() - offset).toISOString();
}

/** The tokens of a token list attribute. */
const tokensOf = (list: string | readonly string[] | undefined): string[] =>
  (list === undefined ? [] : typeof list === 'string' ? [list] : list)
    .flatMap((t) => t.split(/\s+/))
    .filter(Boolean);

// ---------------------------------------------------------------------------------------------------------------
// Planning a rule

type FlagName = 'OverDataLimit' | 'Congested' | 'RefreshProvisioning' | 'ActivationComplete';

/**
 * The slot of a boolean field that should read `target`: a TrueToken/FalseToken, or (when `target` is the
 * Default) text that is no token. `hard`: the value is part of the intent; otherwise the group may be left out.
 * Returns a reason when a hard value cannot be written.
 */
function flagSlot(
  name: FlagName,
  field: BooleanField,
  pattern: ParsedPattern,
  target: boolean,
  hard: boolean,
): Slot | string | undefined {
  const fallback = field.Default ?? false;
  if (field.Group === undefined) {
    return hard && fallback !== target
      ? `${name} has no Group and Default ${fallback}, so it cannot say ${target}`
      : undefined;
  }
  const group = field.Group;
  const texts: string[] = [];
  for (const token of tokensOf(target ? field.TrueToken : field.FalseToken))
    if (groupAccepts(pattern, group, token)) texts.push(token);
  const filler = groupFiller(pattern, group);
  for (const t of [filler, ''])
    if (t !== undefined && groupAccepts(pattern, group, t) && readFlag(field, t) === target) texts.push(t);
  const unique = [...new Set(texts)];
  // The Default is also what a group that does not take part gives: leave it out where the Pattern allows.
  const leaveOut = target === fallback;
  if (!unique.length && !leaveOut) {
    return hard ? `${name} group ${group} cannot hold a ${target ? 'TrueToken' : 'FalseToken'}` : undefined;
  }
  return {
    field: name,
    candidates: () => [
      ...unique.map((text): Candidate => ({ texts: [[group, { text, soft: !hard }]] })),
      ...(leaveOut ? [{ texts: [] }] : []),
    ],
  };
}

/** PlanType, which no intent carries: text that leaves the Default (no token), or a token of the Default type. */
function planTypeSlot(field: PlanTypeField, pattern: ParsedPattern): Slot | undefined {
  if (field.Group === undefined) return undefined;
  const group = field.Group;
  const lists = {
    Unrestricted: field.UnrestrictedTokens,
    Fixed: field.FixedTokens,
    Variable: field.VariableTokens,
  };
  const texts = [
    groupFiller(pattern, group),
    '',
    ...(field.Default ? tokensOf(lists[field.Default]) : []),
  ].filter(
    (t): t is string =>
      t !== undefined && groupAccepts(pattern, group, t) && readPlanType(field, t) === field.Default,
  );
  if (!texts.length) return undefined;
  return {
    field: 'PlanType',
    candidates: () => [...new Set(texts)].map((text) => ({ texts: [[group, { text, soft: true }]] })),
  };
}

/** Checks a rule's Fields reference groups the Pattern has. */
function missingGroup(rule: Message, groupCount: number): string | undefined {
  for (const [name, value] of Object.entries(rule.Fields ?? {})) {
    const f = value as { Group?: number; UnitGroup?: number };
    for (const attr of ['Group', 'UnitGroup'] as const) {
      const g = f[attr];
      if (g !== undefined && (g < 1 || g > groupCount))
        return `Fields ${name} ${attr}="${g}" but the Pattern has ${groupCount} capturing group${groupCount === 1 ? '' : 's'}`;
    }
  }
  return undefined;
}

const mb = (bytes: number) => Math.round(bytes / BYTES_PER_MEGABYTE);

/** How a usage rule carries the intent: every number field filled consistently with the usage and the limit. */
function planUsage(rule: Message, pattern: ParsedPattern, intent: UsageIntent): Plan {
  const f = rule.Fields ?? {};
  const symbols = resolveMessageLocale(rule.Locale);
  const usageBytes = intent.usageMegabytes * BYTES_PER_MEGABYTE;
  const target = Math.round(intent.usageMegabytes);
  const limitMb = intent.dataLimitMegabytes;
  const limitBytes = limitMb === undefined ? undefined : limitMb * BYTES_PER_MEGABYTE;
  const needLimit = (name: string) => `it has ${name}, which needs the data limit: give dataLimitMegabytes`;

  const derives =
    f.Usage !== undefined ||
    (f.UsagePercentage !== undefined && f.DataLimit !== undefined) ||
    ((f.UsageOverage !== undefined || f.UsageOveragePercentage !== undefined) && f.DataLimit !== undefined) ||
    (f.UsageOverage !== undefined && f.UsageOveragePercentage !== undefined);
  if (!derives) {
    if (!rule.Fields) return { reason: 'it has no Fields, so Windows reads no usage from its texts' };
    return {
      reason:
        f.UsagePercentage !== undefined
          ? 'it has UsagePercentage but no DataLimit, so Windows cannot work out the usage'
          : 'it has no Usage field, nor UsagePercentage or UsageOverage with DataLimit, so Windows reads no usage',
    };
  }
  for (const name of ['InboundBandwidth', 'OutboundBandwidth'] as const)
    if (f[name]) return { reason: `it reads ${name}, which a usage message does not carry` };
  const overageForm = f.Usage === undefined && f.UsagePercentage === undefined;
  if (
    (f.DataLimit || f.UsagePercentage || f.UsageOverage || f.UsageOveragePercentage) &&
    limitBytes === undefined
  ) {
    const name = f.DataLimit
      ? 'DataLimit'
      : f.UsagePercentage
        ? 'UsagePercentage'
        : f.UsageOverage
          ? 'UsageOverage'
          : 'UsageOveragePercentage';
    return { reason: needLimit(name) };
  }
  if (overageForm && limitBytes !== undefined && usageBytes < limitBytes)
    return {
      reason:
        'it states the usage only as an overage over the data limit, so it cannot carry a usage below the limit',
    };
  if (
    overageForm &&
    f.DataLimit === undefined &&
    limitBytes !== undefined &&
    (usageBytes <= limitBytes || limitBytes === 0)
  )
    return {
      reason:
        'it states the usage only as an overage and its percentage, which needs a usage above the limit',
    };
  if ((f.UsagePercentage || f.UsageOveragePercentage) && limitBytes === 0)
    return { reason: 'it states a percentage of the data limit, and the limit is 0' };

  const slots: Slot[] = [];
  const expect: Expectation[] = [];
  const limit = limitBytes ?? 0;

  if (f.DataLimit) {
    const field = f.DataLimit;
    const wanted = mb(limit);
    slots.push({
      field: 'DataLimit',
      candidates: () =>
        amountCandidates(
          rule,
          field,
          pattern,
          symbols,
          limit,
          (bytes) => mb(bytes) === wanted,
          (bytes) => ({ limitBytes: bytes }),
        ),
    });
    expect.push({
      check: (r) =>
        r.fields.dataLimit && mb(r.fields.dataLimit.bytes) === wanted
          ? undefined
          : `DataLimit read as ${r.fields.dataLimit?.megabytes ?? 'nothing'} MB, not ${wanted} MB`,
    });
  }
  if (f.Usage) {
    const field = f.Usage;
    slots.push({
      field: 'Usage',
      candidates: () =>
        amountCandidates(rule, field, pattern, symbols, usageBytes, (bytes) => mb(bytes) === target),
    });
  }
  if (f.UsageOverage) {
    const field = f.UsageOverage;
    const overBytes = Math.max(0, usageBytes - limit);
    slots.push({
      field: 'UsageOverage',
      candidates: (s) =>
        amountCandidates(
          rule,
          field,
          pattern,
          symbols,
          overBytes,
          (bytes) =>
            usageBytes < limit
              ? bytes === 0
              : mb(bytes + (s.limitBytes ?? limit)) === target && bytes > 0 === overBytes > 0,
          (bytes) => ({ ...s, overBytes: bytes }),
        ),
    });
  }
  if (f.UsagePercentage) {
    const field = f.UsagePercentage;
    slots.push({
      field: 'UsagePercentage',
      candidates: (s) => {
        const base = s.limitBytes ?? limit;
        return percentCandidates(
          field,
          pattern,
          symbols,
          (usageBytes / base) * 100,
          (p) => mb(Math.round((p / 100) * base)) === target,
        );
      },
    });
  }
  if (f.UsageOveragePercentage) {
    const field = f.UsageOveragePercentage;
    slots.push({
      field: 'UsageOveragePercentage',
      candidates: (s) => {
        if (usageBytes < limit) return percentCandidates(field, pattern, symbols, 0, (p) => p === 0);
        if (f.DataLimit || f.UsageOverage === undefined) {
          const base = s.limitBytes ?? limit;
          return percentCandidates(
            field,
            pattern,
            symbols,
            ((usageBytes - base) / base) * 100,
            (p) => mb(Math.round((p / 100) * base + base)) === target,
          );
        }
        // UsageOverage and its percentage without DataLimit: usage = overage + overage x 100 / percentage.
        const over = s.overBytes ?? usageBytes - limit;
        return percentCandidates(
          field,
          pattern,
          symbols,
          (over / limit) * 100,
          (p) => p > 0 && mb(Math.round(over + (over * 100) / p)) === target,
        );
      },
    });
  }
  expect.push({
    check: (r) =>
      r.usageUpdate?.CurrentUsage === target
        ? undefined
        : `the usage was read as ${r.usageUpdate?.CurrentUsage ?? 'nothing'} MB, not ${target} MB`,
  });

  if (f.UsageTimestamp) {
    const ts = f.UsageTimestamp;
    const offset = intent.timeZoneOffsetMinutes ?? 0;
    const bad = unsupportedTimestampIdentifiers(ts.Format);
    if (bad.length)
      return {
        reason: `its UsageTimestamp Format "${ts.Format}" uses ${bad.join(', ')}, which Windows does not document, so the time cannot be written`,
      };
    const local = new Date(intent.at.getTime() + offset * 60_000);
    if (/%#?I/.test(ts.Format) && !/%#?H/.test(ts.Format)) {
      if (!ts.Format.includes('%p') && local.getUTCHours() >= 12)
        return {
          reason: `its UsageTimestamp Format "${ts.Format}" has %I without %p, which Windows reads as a morning hour, so ${pad(local.getUTCHours(), 2)}:${pad(local.getUTCMinutes(), 2)} cannot be written`,
        };
      const am = (ts.AmToken ?? 'AM').toLowerCase();
      if (ts.Format.includes('%p') && local.getUTCHours() >= 12 && (ts.PmToken ?? 'PM').toLowerCase() === am)
        return { reason: 'its AmToken and PmToken are the same, so afternoon times cannot be written' };
    }
    const text = formatUsageTimestamp(intent.at, ts, offset);
    if (!groupAccepts(pattern, ts.Group, text))
      return { reason: `its UsageTimestamp group ${ts.Group} cannot hold "${text}" (Format "${ts.Format}")` };
    slots.push({ field: 'UsageTimestamp', candidates: () => [{ texts: [[ts.Group, { text }]] }] });
    expect.push({
      check: (r) => {
        const wanted = expectedTimestamp(intent.at, ts.Format, offset);
        return r.fields.usageTimestamp === wanted
          ? undefined
          : `the timestamp was read as ${r.fields.usageTimestamp ?? 'nothing'}, not ${wanted}`;
      },
    });
  }

  const overKnown = intent.overDataLimit !== undefined || limitBytes !== undefined;
  const natural =
    intent.overDataLimit ??
    (limitBytes !== undefined ? usageBytes > limitBytes : (f.OverDataLimit?.Default ?? false));
  const flags: Array<[FlagName, boolean, boolean]> = [
    // With a known limit the flag's truth is known too: the text must state it, not leave the Default.
    ['OverDataLimit', natural, overKnown],
    ['Congested', intent.congested ?? f.Congested?.Default ?? false, intent.congested !== undefined],
    ['RefreshProvisioning', f.RefreshProvisioning?.Default ?? false, false],
    ['ActivationComplete', f.ActivationComplete?.Default ?? false, false],
  ];
  const reason = addFlags(f, pattern, flags, slots);
  if (reason) return { reason };
  if (overKnown && (intent.overDataLimit !== undefined || f.OverDataLimit)) {
    const wanted = natural;
    expect.push({
      check: (r) =>
        r.usageUpdate?.OverLimit === wanted
          ? undefined
          : `OverLimit was read as ${r.usageUpdate?.OverLimit ?? 'not stated'}, not ${wanted}`,
    });
  }
  if (intent.congested !== undefined) {
    const wanted = intent.congested;
    if (!f.Congested)
      return { reason: 'it has no Congested field, so it cannot say whether the network is congested' };
    expect.push({
      check: (r) =>
        r.usageUpdate?.Congested === wanted
          ? undefined
          : `Congested was read as ${r.usageUpdate?.Congested}, not ${wanted}`,
    });
  }
  if (intent.overDataLimit !== undefined && !f.OverDataLimit) {
    if (limitBytes === undefined)
      return {
        reason:
          'it has no OverDataLimit field and no data limit was given, so it cannot say whether the limit is exceeded',
      };
    const inferred = usageBytes > limitBytes;
    if (inferred !== intent.overDataLimit)
      return {
        reason: `it has no OverDataLimit field, and Windows infers OverLimit ${inferred} from the usage and the limit`,
      };
  }
  if (f.PlanType) {
    const slot = planTypeSlot(f.PlanType, pattern);
    if (slot) slots.push(slot);
  }
  return { slots, expect };
}

/** Adds the slots of the boolean fields a rule has; returns why a hard one cannot be written. */
function addFlags(
  f: NonNullable<Message['Fields']>,
  pattern: ParsedPattern,
  flags: Array<[FlagName, boolean, boolean]>,
  slots: Slot[],
): string | undefined {
  for (const [name, target, hard] of flags) {
    const field = f[name];
    if (!field) continue;
    const slot = flagSlot(name, field, pattern, target, hard);
    if (typeof slot === 'string') return slot;
    if (slot) slots.push(slot);
  }
  return undefined;
}

/** How a rule carries a refresh or activation trigger: its flag true, nothing else to fill. */
function planTrigger(
  rule: Message,
  pattern: ParsedPattern,
  name: 'RefreshProvisioning' | 'ActivationComplete',
): Plan {
  const f = rule.Fields ?? {};
  const field = f[name];
  if (!field) return { reason: `it has no ${name} field` };
  if (field.Group === undefined && field.Default !== true)
    return { reason: `its ${name} has no Group and Default is not true, so it never says true` };
  if (field.Group !== undefined && !tokensOf(field.TrueToken).length && field.Default !== true)
    return { reason: `its ${name} has neither a TrueToken nor Default true, so it never says true` };
  for (const other of [
    'Usage',
    'UsagePercentage',
    'UsageOverage',
    'UsageOveragePercentage',
    'DataLimit',
    'UsageTimestamp',
    'InboundBandwidth',
    'OutboundBandwidth',
  ] as const) {
    if (f[other]) return { reason: `it also reads ${other}, which a ${name} message does not carry` };
  }
  const slots: Slot[] = [];
  const other = name === 'RefreshProvisioning' ? 'ActivationComplete' : 'RefreshProvisioning';
  const reason = addFlags(
    f,
    pattern,
    [
      [name, true, true],
      [other, f[other]?.Default ?? false, false],
      ['OverDataLimit', f.OverDataLimit?.Default ?? false, false],
      ['Congested', f.Congested?.Default ?? false, false],
    ],
    slots,
  );
  if (reason) return { reason };
  if (f.PlanType) {
    const slot = planTypeSlot(f.PlanType, pattern);
    if (slot) slots.push(slot);
  }
  const flag = name === 'RefreshProvisioning' ? 'refresh' : 'activationComplete';
  return {
    slots,
    expect: [{ check: (r) => (r[flag] ? undefined : `${name} was read as false`) }],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Search and verification

/** Warnings that do not make a composed text wrong: another rule skipped, an unknown Locale read as en-US by both. */
const HARMLESS = new Set(['MBPROV_SMS_RULE_SKIPPED', 'MBPROV_SMS_LOCALE_UNKNOWN']);

/**
 * Tries the candidates of every slot (depth first, most readable first) until a generated text is read back as
 * intended; returns the text, or the first reason a text failed.
 */
function search(
  rules: Messages | Message[],
  index: number,
  pattern: ParsedPattern,
  plan: { slots: Slot[]; expect: Expectation[] },
  route: Route,
  receivedAt: Date,
  timeZoneOffsetMinutes: number,
): { text: string } | { problem: string } {
  let attempts = 0;
  let problem: string | undefined;
  const assigned = new Map<number, GroupText>();

  const verify = (): string | undefined => {
    const generated = generateText(pattern, assigned);
    if ('problem' in generated) return `the Pattern cannot be filled: ${generated.problem}`;
    const text = generated.text;
    const result = evaluateOperatorMessage(rules, {
      bearer: route.bearer,
      ...(route.sender !== undefined ? { sender: route.sender } : {}),
      text,
      receivedAt,
      classZero: route.classZero,
      timeZoneOffsetMinutes,
    });
    if (!result.matched) {
      return result.reason === 'too-long'
        ? `the text would be ${text.length} characters, more than Windows evaluates`
        : `"${text}" does not match the Pattern as a whole`;
    }
    if (result.ruleIndex !== index)
      return `"${text}" would be consumed by rule ${result.ruleIndex + 1} first (rules are tried in document order)`;
    const warning = result.warnings.find((w) => !HARMLESS.has(w.code));
    if (warning) return `"${text}" is read with a warning: ${warning.code} ${warning.message}`;
    for (const e of plan.expect) {
      const wrong = e.check(result);
      if (wrong) return `"${text}": ${wrong}`;
    }
    return undefined;
  };

  const visit = (i: number, state: State): string | undefined => {
    if (attempts >= MAX_ATTEMPTS) return undefined;
    if (i === plan.slots.length) {
      attempts++;
      const wrong = verify();
      if (wrong === undefined) {
        const generated = generateText(pattern, assigned);
        return 'text' in generated ? generated.text : undefined;
      }
      problem ??= wrong;
      return undefined;
    }
    const slot = plan.slots[i] as Slot;
    const candidates = slot.candidates(state);
    if (!candidates.length) {
      problem ??= `the Pattern's group for ${slot.field} cannot hold the value in any way the Locale and Units allow`;
      return undefined;
    }
    for (const candidate of candidates) {
      const conflict = candidate.texts.some(([g, t]) => {
        const had = assigned.get(g);
        return had !== undefined && had.text !== t.text;
      });
      if (conflict) continue;
      const added = candidate.texts.filter(([g]) => !assigned.has(g));
      for (const [g, t] of added) assigned.set(g, t);
      const found = visit(i + 1, { ...state, ...candidate.state });
      for (const [g] of added) assigned.delete(g);
      if (found !== undefined) return found;
      if (attempts >= MAX_ATTEMPTS) break;
    }
    return undefined;
  };

  const text = visit(0, {});
  return text !== undefined ? { text } : { problem: problem ?? 'no text was found' };
}

/**
 * Composes an SMS or USSD text that Windows will read as `intent` under the operator's Messages rules: a usage
 * update (Usage, or UsagePercentage/UsageOverage with DataLimit; UsageTimestamp written with its Format; numbers
 * in the rule's Locale; units from its Units tokens, GB from 1,000 MB), a RefreshProvisioning trigger or an
 * ActivationComplete trigger. The first rule (or the rule with `intent.ruleId`) whose Fields can carry the intent
 * is filled from its Pattern's structure, and the text is verified with evaluateOperatorMessage: it must be
 * consumed by that rule, without warnings, with the intended values. Pure. Throws MbprovError
 * MBPROV_SMS_COMPOSE_NO_RULE when no rule can carry the intent, MBPROV_SMS_COMPOSE_FAILED when the rules that
 * could cannot be filled automatically, MBPROV_SMS_COMPOSE_INTENT_INVALID for a malformed intent; each message
 * says why for every rule.
 */
export function composeOperatorMessage(
  rules: Messages | Message[],
  intent: ComposeIntent,
  options: ComposeOptions = {},
): ComposedMessage {
  checkIntent(intent, options);
  const list = Array.isArray(rules) ? rules : rules.Message;
  const receivedAt = options.receivedAt ?? (intent.kind === 'usage' ? intent.at : new Date(0));
  const offset = intent.kind === 'usage' ? (intent.timeZoneOffsetMinutes ?? 0) : 0;
  const what =
    intent.kind === 'usage'
      ? `a usage of ${intent.usageMegabytes} MB`
      : intent.kind === 'refresh'
        ? 'a refresh trigger (RefreshProvisioning)'
        : 'an activation-complete trigger (ActivationComplete)';

  const refusals: string[] = [];
  const failures: string[] = [];
  let considered = 0;
  for (const [index, rule] of list.entries()) {
    if (intent.ruleId !== undefined && rule.RuleId !== intent.ruleId) continue;
    considered++;
    const name = describeRule(rule, index);
    const route = routeOf(rule, options.bearer);
    if (typeof route === 'string') {
      refusals.push(`${name}: ${route}`);
      continue;
    }
    const compiled = compilePattern(rule.Pattern);
    if ('error' in compiled) {
      refusals.push(`${name}: its Pattern does not compile (${compiled.error})`);
      continue;
    }
    const missing = missingGroup(rule, compiled.groups);
    if (missing) {
      refusals.push(`${name}: ${missing}`);
      continue;
    }
    let pattern: ParsedPattern;
    try {
      pattern = parsePattern(rule.Pattern, compiled.groups);
    } catch (error) {
      if (!(error instanceof PatternSyntaxError)) throw error;
      failures.push(`${name}: its Pattern uses syntax the composer does not read (${error.message})`);
      continue;
    }
    const plan =
      intent.kind === 'usage'
        ? planUsage(rule, pattern, intent)
        : planTrigger(
            rule,
            pattern,
            intent.kind === 'refresh' ? 'RefreshProvisioning' : 'ActivationComplete',
          );
    if ('reason' in plan) {
      refusals.push(`${name}: ${plan.reason}`);
      continue;
    }
    const found = search(rules, index, pattern, plan, route, receivedAt, offset);
    if ('problem' in found) {
      failures.push(`${name}: ${found.problem}`);
      continue;
    }
    return {
      rule: { index, ...(rule.RuleId !== undefined ? { ruleId: rule.RuleId } : {}) },
      bearer: route.bearer,
      ...(route.sender !== undefined ? { sender: route.sender } : {}),
      text: found.text,
      classZero: route.bearer === 'sms' && route.classZero,
    };
  }

  if (considered === 0) {
    throw new MbprovError(
      'MBPROV_SMS_COMPOSE_NO_RULE',
      intent.ruleId !== undefined
        ? `No operator message rule has RuleId "${intent.ruleId}".`
        : 'There are no operator message rules.',
    );
  }
  const details = [...failures, ...refusals].map((line) => `\n  ${line}`).join('');
  if (failures.length) {
    throw new MbprovError(
      'MBPROV_SMS_COMPOSE_FAILED',
      `No text for ${what} could be composed: the Pattern of the rules that could carry it cannot be filled automatically; write the text by hand and check it with evaluateOperatorMessage.${details}`,
    );
  }
  throw new MbprovError(
    'MBPROV_SMS_COMPOSE_NO_RULE',
    `No operator message rule can carry ${what}.${details}`,
  );
}
