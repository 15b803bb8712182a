import { BoundedMemo } from '../certificates/cache.ts';
import type { MessageFields } from '../model/messages.ts';
import type { Received } from '../model/spec.ts';
import { ROOT, type Rule, step } from './rule.ts';

/** What {@link compilePattern} gives: the expression and its number of capturing groups, or why it does not compile. */
export type CompiledPattern =
  | { readonly regex: RegExp; readonly groups: number }
  | { readonly error: string };

// Patterns are operator configuration: the same few come in every document a portal builds and checks.
const compiledPatterns = new BoundedMemo<CompiledPattern>(256);
/** Longer patterns are compiled every time rather than kept. */
const MEMO_PATTERN_LENGTH = 1024;

/**
 * Compiles an operator message Pattern. Windows' documented catch-all `[^]*` is ECMAScript syntax, so patterns are
 * ECMAScript regular expressions. The result is shared between calls with the same pattern (frozen; the expression
 * has no flags, so it keeps no state between matches).
 */
export function compilePattern(pattern: string): CompiledPattern {
  return pattern.length > MEMO_PATTERN_LENGTH
    ? compile(pattern)
    : compiledPatterns.get(pattern, () => Object.freeze(compile(pattern)));
}

function compile(pattern: string): CompiledPattern {
  try {
    const regex = new RegExp(pattern);
    // An alternative that matches the empty string exposes the number of capturing groups.
    const groups = (new RegExp(`(?:${pattern})|`).exec('') as RegExpExecArray).length - 1;
    return { regex, groups };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Identifiers a UsageTimestamp Format may use (the account provisioning page's table), plus %% for a literal percent sign. */
const TIMESTAMP_IDENTIFIER = /%(#?[dHImMSyY]|p|%)/y;

/** The unsupported identifiers of a UsageTimestamp Format, if any. */
export function unsupportedTimestampIdentifiers(format: string): string[] {
  const bad: string[] = [];
  for (let i = format.indexOf('%'); i >= 0; i = format.indexOf('%', i)) {
    TIMESTAMP_IDENTIFIER.lastIndex = i;
    const m = TIMESTAMP_IDENTIFIER.exec(format);
    if (m) {
      i += m[0].length;
    } else {
      bad.push(format.slice(i, i + 3).replace(/(%#?.).*/, '$1'));
      i += 1;
    }
  }
  return bad;
}

/**
 * The date parts ("month", "day") a UsageTimestamp Format has no identifier for: the Group attribute's page says
 * "Month and day are required". strftime's month names (%b, %B, %h; the notification page's own example writes
 * `%I:%M%p on %d %b`) count as a month here: that they are outside the table is MBPROV_SMS_TIMESTAMP_FORMAT's
 * finding, said once.
 */
export function missingTimestampDateParts(format: string): Array<'month' | 'day'> {
  // Skip %% first, so that "%%m" is a literal "%m", not a month.
  const identifiers = format.match(/%(%|#?.)/g) ?? [];
  const missing: Array<'month' | 'day'> = [];
  if (!identifiers.some((id) => /^%#?[mbBh]$/.test(id))) missing.push('month');
  if (!identifiers.some((id) => /^%#?d$/.test(id))) missing.push('day');
  return missing;
}

const USAGE_FIELDS = ['Usage', 'UsagePercentage', 'UsageOverage', 'UsageOveragePercentage'] as const;

/** Every (field, attribute, group) reference of a Fields element. */
function groupReferences(
  fields: Received<MessageFields>,
): Array<{ field: string; attr: string; group: number }> {
  const refs: Array<{ field: string; attr: string; group: number }> = [];
  for (const [field, value] of Object.entries(fields)) {
    const v = value as { Group?: number; UnitGroup?: number };
    if (v.Group !== undefined) refs.push({ field, attr: 'Group', group: v.Group });
    if (v.UnitGroup !== undefined) refs.push({ field, attr: 'UnitGroup', group: v.UnitGroup });
  }
  return refs;
}

/** Operator SMS/USSD message rules. */
export const messageRules: Rule = (doc, report) => {
  const messages = doc.MBNProfiles?.Messages?.Message ?? [];
  messages.forEach((message, i) => {
    const at = `${ROOT}/MBNProfiles/Messages/${step('Message', i, messages.length)}`;
    // Without a Pattern (the schema requires one) there is nothing to compile and no group to count.
    const compiled = message.Pattern === undefined ? undefined : compilePattern(message.Pattern);
    if (compiled && 'error' in compiled) {
      report(
        'MBPROV_SMS_PATTERN_INVALID',
        `Message Pattern "${message.Pattern}" is not a valid regular expression: ${compiled.error}.`,
        `${at}/Pattern`,
      );
    }
    const bearers = message.SMSBearer ?? [];
    bearers.forEach((bearer, b) => {
      const bearerPath = `${at}/${step('SMSBearer', b, bearers.length)}`;
      if (bearer.Sender === undefined) {
        report(
          'MBPROV_SMS_NO_SENDER',
          'SMSBearer has no Sender: messages from any sender would match this rule.',
          bearerPath,
        );
      } else if (!/^(\+?\d{2,15}|[A-Za-z0-9 ]{1,11})$/.test(bearer.Sender)) {
        report(
          'MBPROV_SMS_SENDER_FORMAT',
          `SMSBearer Sender "${bearer.Sender}" is neither a phone number, a short code nor an alphanumeric sender id.`,
          bearerPath,
        );
      }
    });
    const fields = message.Fields;
    if (!fields) return;
    if (compiled && 'groups' in compiled) {
      for (const ref of groupReferences(fields)) {
        if (ref.group > compiled.groups) {
          report(
            'MBPROV_SMS_GROUP_MISSING',
            `Field ${ref.field} ${ref.attr}="${ref.group}" but the Pattern has ${compiled.groups} capturing group${compiled.groups === 1 ? '' : 's'}.`,
            `${at}/Fields/${ref.field}`,
          );
        }
      }
    }
    const usage = USAGE_FIELDS.filter((f) => fields[f] !== undefined);
    if (usage.length && !fields.UsageTimestamp) {
      report(
        'MBPROV_SMS_USAGE_WITHOUT_TIMESTAMP',
        `Fields ${usage.join(', ')} need a UsageTimestamp field.`,
        `${at}/Fields`,
      );
    }
    if (!usage.length && fields.UsageTimestamp) {
      report(
        'MBPROV_SMS_TIMESTAMP_WITHOUT_USAGE',
        'UsageTimestamp "must not be included if none of" Usage, UsagePercentage, UsageOverage, UsageOveragePercentage is: it times no usage.',
        `${at}/Fields/UsageTimestamp`,
      );
    }
    const format = fields.UsageTimestamp?.Format;
    if (format !== undefined) {
      const missing = missingTimestampDateParts(format);
      if (missing.length) {
        report(
          'MBPROV_SMS_TIMESTAMP_NO_MONTH_DAY',
          `UsageTimestamp Format "${format}" has no ${missing.join(' or ')} identifier; "Month and day are required", so Windows may not read the timestamp.`,
          `${at}/Fields/UsageTimestamp`,
        );
      }
      const bad = unsupportedTimestampIdentifiers(format);
      if (bad.length) {
        report(
          'MBPROV_SMS_TIMESTAMP_FORMAT',
          `UsageTimestamp Format "${format}" uses ${bad.join(', ')}, outside the documented %d %H %I %m %M %S %y %Y %p (and %# forms): Windows cannot read the timestamp, so the usage is timed at the message's receipt.`,
          `${at}/Fields/UsageTimestamp`,
        );
      }
    }
  });
};
