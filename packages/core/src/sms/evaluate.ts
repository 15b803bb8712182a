// evaluateOperatorMessage: what Windows does with an incoming SMS/USSD message under the operator's Messages rules.
import { type Diagnostic, diagnostic } from '../errors/diagnostic.ts';
import type { Message, Messages } from '../model/messages.ts';
import type { PlanUsage } from '../model/plans.ts';
import { ROOT, step } from '../rules/rule.ts';
import { extractFields } from './fields.ts';
import { resolveMessageLocale } from './locale.ts';
import { type BearerCheck, checkBearer, compiledRule, compiledRules } from './rules.ts';
import type {
  NoMatchReason,
  OperatorMessage,
  OperatorMessageFields,
  OperatorMessageResult,
} from './types.ts';

/**
 * Longest text evaluated: 1,600 characters, ten concatenated SMS of 160 characters. Longer texts are refused
 * before any Pattern runs, which bounds the work a backtracking Pattern can be made to do.
 */
export const MAX_OPERATOR_MESSAGE_LENGTH = 1600;

/** How far a rule got, to report the closest miss. */
const STAGE: Record<Exclude<BearerCheck, 'ok'> | 'pattern' | 'invalid-pattern', number> = {
  bearer: 1,
  sender: 2,
  class: 3,
  'invalid-pattern': 4,
  pattern: 5,
};

/** Element path of the i-th of `count` rules, for diagnostics. */
function rulePath(i: number, count: number): string {
  return `${ROOT}/MBNProfiles/Messages/${step('Message', i, count)}`;
}

/** Plans/v1 Usage from the fields: CurrentUsage in whole megabytes, the usage time (or receipt time), flags. */
function usageUpdate(fields: OperatorMessageFields, receivedAt: Date): PlanUsage | undefined {
  if (!fields.usage) return undefined;
  const update: PlanUsage = {
    CurrentUsage: Math.round(fields.usage.megabytes),
    UsageTimestamp: fields.usageTimestamp ?? receivedAt.toISOString(),
  };
  const overLimit =
    fields.overDataLimit ??
    (fields.usageOverage !== undefined || fields.usageOveragePercentage !== undefined
      ? (fields.usageOverage?.bytes ?? 0) > 0 || (fields.usageOveragePercentage ?? 0) > 0
      : fields.dataLimit !== undefined
        ? fields.usage.bytes > fields.dataLimit.bytes
        : undefined);
  if (overLimit !== undefined) update.OverLimit = overLimit;
  if (fields.congested !== undefined) update.Congested = fields.congested;
  return update;
}

/**
 * Evaluates one incoming SMS or USSD message against operator message rules, as Windows does: rules are tried
 * in document order and the first whose bearer, sender, class and whole-text Pattern accept the message wins;
 * its Fields are read (problems become warnings, never exceptions). Pure: no I/O, no clock. Throws a TypeError
 * only for a caller's mistake (receivedAt not a valid Date, timeZoneOffsetMinutes not finite).
 */
export function evaluateOperatorMessage(
  rules: Messages | Message[],
  message: OperatorMessage,
): OperatorMessageResult {
  if (Number.isNaN(message.receivedAt.getTime())) throw new TypeError('receivedAt is not a valid Date.');
  if (message.timeZoneOffsetMinutes !== undefined && !Number.isFinite(message.timeZoneOffsetMinutes)) {
    throw new TypeError('timeZoneOffsetMinutes is not a finite number.');
  }
  const warnings: Diagnostic[] = [];
  if (message.text.length > MAX_OPERATOR_MESSAGE_LENGTH) {
    return {
      matched: false,
      reason: 'too-long',
      error: diagnostic(
        'MBPROV_SMS_TEXT_TOO_LONG',
        `The message text has ${message.text.length} characters; at most ${MAX_OPERATOR_MESSAGE_LENGTH} are evaluated.`,
      ),
      warnings,
    };
  }
  const list = Array.isArray(rules) ? rules : rules.Message;
  if (list.length === 0) return { matched: false, reason: 'no-rule', warnings };

  // The closest miss: the rule that got furthest (bearer < sender < class < invalid pattern < pattern).
  let missReason: NoMatchReason = 'bearer';
  let missStage = 0;
  let missIndex = 0;
  const cache = compiledRules(rules);

  for (let i = 0; i < list.length; i++) {
    const rule = list[i] as Message;
    const bearer = checkBearer(rule, message);
    if (bearer !== 'ok') {
      if (STAGE[bearer] > missStage) [missReason, missStage, missIndex] = [bearer, STAGE[bearer], i];
      continue;
    }
    const compiled = compiledRule(cache, i, rule);
    if (!compiled.regex) {
      warnings.push(
        diagnostic(
          'MBPROV_SMS_RULE_SKIPPED',
          `Message rule ${i + 1}${rule.RuleId ? ` (RuleId "${rule.RuleId}")` : ''} skipped: its Pattern does not compile (${compiled.error}).`,
          { path: `${rulePath(i, list.length)}/Pattern` },
        ),
      );
      if (STAGE['invalid-pattern'] > missStage) {
        [missReason, missStage, missIndex] = ['invalid-pattern', STAGE['invalid-pattern'], i];
      }
      continue;
    }
    const match = compiled.regex.exec(message.text);
    if (!match) {
      if (STAGE.pattern > missStage) [missReason, missStage, missIndex] = ['pattern', STAGE.pattern, i];
      continue;
    }

    const path = rulePath(i, list.length);
    const locale = resolveMessageLocale(rule.Locale);
    if (locale.problem) {
      warnings.push(
        diagnostic('MBPROV_SMS_LOCALE_UNKNOWN', `Locale "${rule.Locale}": ${locale.problem}.`, {
          path: `${path}/Locale`,
        }),
      );
    }
    const fields = extractFields(rule.Fields, match, {
      rulePath: path,
      locale,
      units: rule.Units,
      receivedAt: message.receivedAt,
      timeZoneOffsetMinutes: message.timeZoneOffsetMinutes ?? 0,
      warnings,
    });
    const silent = rule.Silent ?? true;
    const update = usageUpdate(fields, message.receivedAt);
    return {
      matched: true,
      ruleIndex: i,
      ...(rule.RuleId !== undefined ? { ruleId: rule.RuleId } : {}),
      silent,
      events: silent ? ['MobileOperatorNotification'] : ['MobileOperatorNotification', 'SmsMessageReceived'],
      captures: Array.from(match),
      locale: locale.locale,
      fields,
      ...(update ? { usageUpdate: update } : {}),
      refresh: fields.refreshProvisioning ?? false,
      activationComplete: fields.activationComplete ?? false,
      warnings,
    };
  }
  return { matched: false, reason: missReason, ruleIndex: missIndex, warnings };
}
