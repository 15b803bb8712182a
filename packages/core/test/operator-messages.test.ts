// Operator SMS/USSD message rules evaluated as Windows does. Each test name states the rule it proves;
// the sources are account-provisioning.md (SMS Parsing), the operator-notification pages and the WWAN element pages.
// Decisions where the documentation is silent are in docs/operator-messages.md.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  type Code,
  evaluateOperatorMessage,
  MAX_OPERATOR_MESSAGE_LENGTH,
  type Message,
  type Messages,
  type OperatorMessage,
  type OperatorMessageMatch,
  type OperatorMessageNoMatch,
  type OperatorMessageResult,
  parseDocument,
  validateModel,
} from '../src/index.ts';
import { minimalModel } from './helpers/samples.ts';

const SENDER = '+18005551212';
const RECEIVED = new Date('2024-03-15T12:00:00Z');

/** An SMS from the operator's sender, class 0 unless said otherwise. */
const sms = (text: string, extra: Partial<OperatorMessage> = {}): OperatorMessage => ({
  bearer: 'sms',
  sender: SENDER,
  text,
  receivedAt: RECEIVED,
  classZero: true,
  ...extra,
});
const ussd = (text: string, extra: Partial<OperatorMessage> = {}): OperatorMessage => ({
  bearer: 'ussd',
  text,
  receivedAt: RECEIVED,
  ...extra,
});
/** A rule for SMS from SENDER matching everything, with overrides. */
const rule = (over: Partial<Message> = {}): Message => ({
  SMSBearer: [{ Sender: SENDER }],
  Pattern: '[^]*',
  ...over,
});

function matched(result: OperatorMessageResult): OperatorMessageMatch {
  assert.equal(result.matched, true, `expected a match, got ${JSON.stringify(result)}`);
  return result as OperatorMessageMatch;
}
function notMatched(result: OperatorMessageResult): OperatorMessageNoMatch {
  assert.equal(result.matched, false, `expected no match, got ${JSON.stringify(result)}`);
  return result as OperatorMessageNoMatch;
}
const codesOf = (r: OperatorMessageMatch | OperatorMessageNoMatch): Code[] => r.warnings.map((w) => w.code);

/** Evaluates one SMS against one rule and returns the match. */
const one = (r: Partial<Message>, text: string, extra: Partial<OperatorMessage> = {}) =>
  matched(evaluateOperatorMessage([rule(r)], sms(text, extra)));

describe('rule selection', () => {
  it('rules are tried in document order and the first that matches wins', () => {
    const r = matched(
      evaluateOperatorMessage(
        [rule({ RuleId: 'a', Pattern: 'x' }), rule({ RuleId: 'b' }), rule({ RuleId: 'c' })],
        sms('hello'),
      ),
    );
    assert.equal(r.ruleIndex, 1);
    assert.equal(r.ruleId, 'b');
  });

  it('no rules at all: no-rule', () => {
    assert.equal(notMatched(evaluateOperatorMessage({ Message: [] }, sms('x'))).reason, 'no-rule');
  });

  it('the documented catch-all [^]* matches every text, including line breaks and the empty text', () => {
    for (const text of ['', 'Balance low', 'line one\nline two\r\nthree']) {
      assert.equal(one({}, text).captures[0], text);
    }
  });

  it('the Pattern must match the whole text, not a part of it', () => {
    const r = evaluateOperatorMessage([rule({ Pattern: 'REFRESH' })], sms('PLEASE REFRESH NOW'));
    assert.equal(notMatched(r).reason, 'pattern');
    matched(evaluateOperatorMessage([rule({ Pattern: '[^]*REFRESH[^]*' })], sms('PLEASE REFRESH NOW')));
    // .* does not cross a line break (ECMAScript), which is why the documented catch-all is [^]*.
    notMatched(evaluateOperatorMessage([rule({ Pattern: '.*' })], sms('two\nlines')));
  });

  it('whole-text matching tries every alternative (a|ab matches "ab")', () => {
    assert.equal(one({ Pattern: 'a|ab' }, 'ab').captures[0], 'ab');
  });

  it('the Pattern is an ECMAScript regular expression and is case-sensitive', () => {
    one({ Pattern: '(?<n>\\d+) MB' }, '12 MB');
    notMatched(evaluateOperatorMessage([rule({ Pattern: 'refresh' })], sms('REFRESH')));
  });

  it('a Pattern that does not compile skips its rule with a warning; later rules still match', () => {
    const r = matched(
      evaluateOperatorMessage([rule({ Pattern: 'a)|(b' }), rule({ RuleId: 'ok' })], sms('a)|(b')),
    );
    assert.equal(r.ruleId, 'ok');
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_RULE_SKIPPED']);
    assert.equal(r.warnings[0]?.path, '/CarrierProvisioning/MBNProfiles/Messages/Message[1]/Pattern');
    const none = notMatched(evaluateOperatorMessage([rule({ Pattern: '(' })], sms('(')));
    assert.equal(none.reason, 'invalid-pattern');
    assert.deepEqual(codesOf(none), ['MBPROV_SMS_RULE_SKIPPED']);
  });

  it('compiled rules are cached per Messages object and recompiled when a Pattern changes', () => {
    const messages: Messages = { Message: [rule({ Pattern: 'old' })] };
    matched(evaluateOperatorMessage(messages, sms('old')));
    matched(evaluateOperatorMessage(messages, sms('old')));
    (messages.Message[0] as Message).Pattern = 'new';
    notMatched(evaluateOperatorMessage(messages, sms('old')));
    matched(evaluateOperatorMessage(messages, sms('new')));
    messages.Message.unshift(rule({ RuleId: 'first', Pattern: 'new' }));
    assert.equal(matched(evaluateOperatorMessage(messages, sms('new'))).ruleId, 'first');
  });
});

describe('caller mistakes', () => {
  it('an invalid receivedAt or a non-finite time zone offset is a TypeError, not a result', () => {
    assert.throws(
      () => evaluateOperatorMessage([rule()], sms('x', { receivedAt: new Date(Number.NaN) })),
      TypeError,
    );
    assert.throws(
      () => evaluateOperatorMessage([rule()], sms('x', { timeZoneOffsetMinutes: Number.POSITIVE_INFINITY })),
      TypeError,
    );
  });
});

describe('bearer, sender and class 0: messages that must not match', () => {
  it('an SMS from another sender does not match', () => {
    const r = notMatched(evaluateOperatorMessage([rule()], sms('x', { sender: '+18005550000' })));
    assert.equal(r.reason, 'sender');
    assert.equal(r.ruleIndex, 0);
  });

  it('the sender must match exactly, including the international format (national forms do not match)', () => {
    for (const sender of ['18005551212', '8005551212', '001 8005551212', '+1 800 555 1212']) {
      assert.equal(notMatched(evaluateOperatorMessage([rule()], sms('x', { sender }))).reason, 'sender');
    }
    const national = rule({ SMSBearer: [{ Sender: '18005551212' }] });
    assert.equal(notMatched(evaluateOperatorMessage([national], sms('x'))).reason, 'sender');
    matched(evaluateOperatorMessage([national], sms('x', { sender: '18005551212' })));
  });

  it('an SMSBearer without Sender allows any sender ("If omitted, any sender is allowed")', () => {
    const open = rule({ SMSBearer: [{}] });
    matched(evaluateOperatorMessage([open], sms('x', { sender: '+447700900123' })));
    const { sender: _, ...noSender } = sms('x');
    matched(evaluateOperatorMessage([open], noSender));
  });

  it('an SMS rule does not match a USSD message', () => {
    assert.equal(notMatched(evaluateOperatorMessage([rule()], ussd('x'))).reason, 'bearer');
  });

  it('a USSD rule does not match an SMS, even from the right sender', () => {
    const r = notMatched(evaluateOperatorMessage([{ USSDBearer: {}, Pattern: '[^]*' }], sms('x')));
    assert.equal(r.reason, 'bearer');
  });

  it('a USSD rule matches USSD messages whatever their sender or class', () => {
    matched(evaluateOperatorMessage([{ USSDBearer: {}, Pattern: '[^]*' }], ussd('x', { sender: 'whoever' })));
  });

  it('a rule with both SMSBearer and USSDBearer matches both bearers', () => {
    const both = rule({ USSDBearer: {} });
    matched(evaluateOperatorMessage([both], sms('x')));
    matched(evaluateOperatorMessage([both], ussd('x')));
  });

  it('ClassZeroOnly defaults to true: an SMS that is not class 0 does not match', () => {
    assert.equal(
      notMatched(evaluateOperatorMessage([rule()], sms('x', { classZero: false }))).reason,
      'class',
    );
    const { classZero: _, ...unclassed } = sms('x');
    assert.equal(notMatched(evaluateOperatorMessage([rule()], unclassed)).reason, 'class');
    const explicit = rule({ SMSBearer: [{ Sender: SENDER, ClassZeroOnly: true }] });
    assert.equal(
      notMatched(evaluateOperatorMessage([explicit], sms('x', { classZero: false }))).reason,
      'class',
    );
    matched(evaluateOperatorMessage([explicit], sms('x', { classZero: true })));
  });

  it('ClassZeroOnly="false" accepts every class', () => {
    const any = rule({ SMSBearer: [{ Sender: SENDER, ClassZeroOnly: false }] });
    matched(evaluateOperatorMessage([any], sms('x', { classZero: false })));
    matched(evaluateOperatorMessage([any], sms('x', { classZero: true })));
  });

  it('several SMSBearer elements: any one that accepts sender and class makes the rule apply', () => {
    const two = rule({
      SMSBearer: [{ Sender: '+18005550000' }, { Sender: SENDER, ClassZeroOnly: false }],
    });
    matched(evaluateOperatorMessage([two], sms('x', { classZero: false })));
    assert.equal(
      notMatched(evaluateOperatorMessage([two], sms('x', { sender: '+18005550000', classZero: false })))
        .reason,
      'class',
    );
  });

  it('text that does not match the Pattern does not match', () => {
    const r = notMatched(evaluateOperatorMessage([rule({ Pattern: 'Used (\\d+) MB' })], sms('Hello')));
    assert.equal(r.reason, 'pattern');
  });

  it('the reason is the furthest any rule got (bearer < sender < class < pattern)', () => {
    const rules = [
      { USSDBearer: {}, Pattern: 'x' },
      rule({ Pattern: 'y' }),
      rule({ SMSBearer: [{ Sender: '1' }] }),
    ];
    const r = notMatched(evaluateOperatorMessage(rules, sms('z')));
    assert.equal(r.reason, 'pattern');
    assert.equal(r.ruleIndex, 1);
    assert.equal(notMatched(evaluateOperatorMessage(rules, sms('z', { sender: '2' }))).reason, 'sender');
  });

  it('text longer than 1,600 characters is refused with MBPROV_SMS_TEXT_TOO_LONG before any Pattern runs', () => {
    const r = notMatched(evaluateOperatorMessage([rule()], sms('x'.repeat(MAX_OPERATOR_MESSAGE_LENGTH + 1))));
    assert.equal(r.reason, 'too-long');
    assert.equal(r.error?.code, 'MBPROV_SMS_TEXT_TOO_LONG');
    assert.equal(r.error?.severity, 'error');
    matched(evaluateOperatorMessage([rule()], sms('x'.repeat(MAX_OPERATOR_MESSAGE_LENGTH))));
  });
});

describe('Silent, RuleId and events', () => {
  it('Silent defaults to true: a MobileOperatorNotification event only', () => {
    const r = one({}, 'x');
    assert.equal(r.silent, true);
    assert.deepEqual(r.events, ['MobileOperatorNotification']);
  });

  it('Silent="true" raises MobileOperatorNotification only', () => {
    assert.deepEqual(one({ Silent: true }, 'x').events, ['MobileOperatorNotification']);
  });

  it('Silent="false" also relays the message to SMS clients: SmsMessageReceived', () => {
    const r = one({ Silent: false }, 'x');
    assert.equal(r.silent, false);
    assert.deepEqual(r.events, ['MobileOperatorNotification', 'SmsMessageReceived']);
  });

  it('RuleId is passed with the event; a rule without RuleId has none', () => {
    assert.equal(one({ RuleId: 'usage-v2' }, 'x').ruleId, 'usage-v2');
    assert.equal('ruleId' in one({}, 'x'), false);
  });

  it('a rule without Fields passes the message without parsing (no fields, no usage update)', () => {
    const r = one({}, 'You used 5 MB');
    assert.deepEqual(r.fields, {});
    assert.equal(r.usageUpdate, undefined);
    assert.equal(r.refresh, false);
    assert.equal(r.activationComplete, false);
  });
});

const usageRule = (locale: string | undefined, pattern = 'Used ([^ ]+) MB') =>
  ({
    Pattern: pattern,
    ...(locale ? { Locale: locale } : {}),
    Fields: { Usage: { Group: 1, DefaultUnit: 'M' } },
  }) satisfies Partial<Message>;

describe('numbers per Locale', () => {
  it('the default Locale is en-US: 1,234.5', () => {
    const r = one(usageRule(undefined), 'Used 1,234.5 MB');
    assert.equal(r.locale, 'en-US');
    assert.equal(r.fields.usage?.bytes, 1_234_500_000);
  });

  it('Windows setlocale names: English_United States.1252 reads 1,234.5', () => {
    assert.equal(one(usageRule('English_United States.1252'), 'Used 1,234.5 MB').fields.usage?.value, 1234.5);
  });

  it('comma decimals: German_Germany.1252 reads 1.234,5 and 0,5', () => {
    const r = one(usageRule('German_Germany.1252'), 'Used 1.234,5 MB');
    assert.equal(r.locale, 'de-DE');
    assert.equal(r.fields.usage?.value, 1234.5);
    assert.equal(one(usageRule('German_Germany.1252'), 'Used 0,5 MB').fields.usage?.bytes, 500_000);
  });

  it('comma decimals with space groups: French_France reads 1 234,5 (space or no-break space)', () => {
    assert.equal(
      one(usageRule('French_France.1252', 'Used (.+) MB'), 'Used 1 234,5 MB').fields.usage?.value,
      1234.5,
    );
    assert.equal(
      one(usageRule('French_France.1252', 'Used (.+) MB'), 'Used 1\u202f234,5 MB').fields.usage?.value,
      1234.5,
    );
  });

  it('BCP 47 forms (en-US, en-us, de-DE, pt-BR) are accepted as Locale', () => {
    assert.equal(one(usageRule('en-us'), 'Used 2.5 MB').fields.usage?.value, 2.5);
    assert.equal(one(usageRule('de-DE'), 'Used 2,5 MB').fields.usage?.value, 2.5);
    assert.equal(one(usageRule('pt-BR'), 'Used 1.000,25 MB').fields.usage?.value, 1000.25);
  });

  it("region matters: Spanish_Mexico reads 1,234.5 and German_Switzerland 1'234.5", () => {
    assert.equal(one(usageRule('Spanish_Mexico'), 'Used 1,234.5 MB').fields.usage?.value, 1234.5);
    assert.equal(one(usageRule('German_Switzerland'), "Used 1'234.5 MB").fields.usage?.value, 1234.5);
  });

  it('Indian grouping (en-IN) reads 12,34,567', () => {
    assert.equal(one(usageRule('en-IN'), 'Used 12,34,567 MB').fields.usage?.value, 1234567);
  });

  it("the locale's own digits are read too: ١٬٢٣٤٫٥ in ar-EG", () => {
    assert.equal(one(usageRule('ar-EG'), 'Used ١٬٢٣٤٫٥ MB').fields.usage?.value, 1234.5);
  });

  it('an unknown Locale falls back to en-US with MBPROV_SMS_LOCALE_UNKNOWN', () => {
    const r = one(usageRule('Klingon_Qonos.1252'), 'Used 1,234.5 MB');
    assert.equal(r.locale, 'en-US');
    assert.equal(r.fields.usage?.value, 1234.5);
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_LOCALE_UNKNOWN']);
    assert.equal(r.warnings[0]?.path, '/CarrierProvisioning/MBNProfiles/Messages/Message/Locale');
  });

  it('a separator that does not form a real group is refused, not misread: "1,5" in en-US', () => {
    const r = one(usageRule(undefined), 'Used 1,5 MB');
    assert.equal(r.fields.usage, undefined);
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_NUMBER_INVALID']);
  });

  it('a value that is not a number is a warning with MBPROV_SMS_NUMBER_INVALID; the rule still matches', () => {
    const r = one(usageRule(undefined), 'Used lots MB');
    assert.equal(r.fields.usage, undefined);
    assert.equal(r.usageUpdate, undefined);
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_NUMBER_INVALID']);
    assert.equal(r.warnings[0]?.path, '/CarrierProvisioning/MBNProfiles/Messages/Message/Fields/Usage');
    assert.equal(r.warnings[0]?.severity, 'warning');
  });
});

describe('Units', () => {
  const units = {
    K: ['KB'],
    M: ['MB'],
    G: ['GB'],
    T: ['TB'],
    Ki: ['KiB'],
    Mi: ['MiB'],
    Gi: ['GiB'],
    Ti: ['TiB'],
  };
  const unitRule: Partial<Message> = {
    Pattern: 'Used (\\S+) ?(\\S*)',
    Units: units,
    Fields: { Usage: { Group: 1, UnitGroup: 2 } },
  };
  for (const [token, bytes] of [
    ['KB', 2e3],
    ['MB', 2e6],
    ['GB', 2e9],
    ['TB', 2e12],
    ['KiB', 2 * 1024],
    ['MiB', 2 * 1024 ** 2],
    ['GiB', 2 * 1024 ** 3],
    ['TiB', 2 * 1024 ** 4],
  ] as const) {
    it(`unit ${token}: 2 ${token} is ${bytes} bytes`, () => {
      const r = one(unitRule, `Used 2 ${token}`);
      assert.equal(r.fields.usage?.bytes, bytes);
      assert.equal(r.fields.usage?.megabytes, bytes / 1e6);
      assert.deepEqual(r.warnings, []);
    });
  }

  it('a megabyte is 10^6 bytes and CurrentUsage is whole megabytes, rounded: 1.5 GiB is 1611 MB', () => {
    const r = one(unitRule, 'Used 1.5 GiB');
    assert.equal(r.fields.usage?.megabytes, 1610.612736);
    assert.equal(r.usageUpdate?.CurrentUsage, 1611);
  });

  it('a unit lists several tokens (whitespace-separated)', () => {
    const r = one({ ...unitRule, Units: { M: ['MB Mo mb'] } }, 'Used 3 Mo');
    assert.equal(r.fields.usage?.bytes, 3e6);
  });

  it('unit tokens are case-sensitive: "gb" is not "GB"', () => {
    const r = one(unitRule, 'Used 3 gb');
    assert.equal(r.fields.usage?.bytes, 3);
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_UNIT_UNKNOWN']);
  });

  it('an unknown unit token falls back to DefaultUnit with MBPROV_SMS_UNIT_UNKNOWN', () => {
    const withDefault: Partial<Message> = {
      ...unitRule,
      Fields: { Usage: { Group: 1, UnitGroup: 2, DefaultUnit: 'M' } },
    };
    const r = one(withDefault, 'Used 3 Mbit');
    assert.equal(r.fields.usage?.bytes, 3e6);
    assert.equal(r.fields.usage?.unit, 'M');
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_UNIT_UNKNOWN']);
  });

  it('DefaultUnit applies without a UnitGroup', () => {
    const r = one({ Pattern: 'Used (\\d+)', Fields: { Usage: { Group: 1, DefaultUnit: 'Gi' } } }, 'Used 2');
    assert.equal(r.fields.usage?.bytes, 2 * 1024 ** 3);
  });

  it('DefaultUnit applies silently when the unit group captured nothing', () => {
    const r = one(
      {
        Pattern: 'Used (\\d+)( GB)?',
        Units: { G: ['GB'] },
        Fields: { Usage: { Group: 1, UnitGroup: 2, DefaultUnit: 'K' } },
      },
      'Used 7',
    );
    assert.equal(r.fields.usage?.bytes, 7000);
    assert.deepEqual(r.warnings, []);
  });

  it('without DefaultUnit the unit is None: bytes', () => {
    const r = one({ Pattern: 'Used (\\d+)', Fields: { Usage: { Group: 1 } } }, 'Used 2500000');
    assert.equal(r.fields.usage?.unit, 'None');
    assert.equal(r.fields.usage?.bytes, 2_500_000);
    assert.equal(r.usageUpdate?.CurrentUsage, 3);
  });
});

describe('usage, percentages and DataLimit', () => {
  const limit = { Group: 2, DefaultUnit: 'G' } as const;
  it('Usage is used as given, even when percentages are present', () => {
    const r = one(
      {
        Pattern: '(\\d+) MB, (\\d+) GB, (\\d+)%',
        Fields: { Usage: { Group: 1, DefaultUnit: 'M' }, DataLimit: limit, UsagePercentage: { Group: 3 } },
      },
      '100 MB, 1 GB, 50%',
    );
    assert.equal(r.fields.usage?.source, 'Usage');
    assert.equal(r.fields.usage?.bytes, 100e6);
    assert.equal(r.fields.usagePercentage, 50);
  });

  it('without Usage: UsagePercentage times DataLimit', () => {
    const r = one(
      { Pattern: '(\\S+)% of (\\d+) GB', Fields: { UsagePercentage: { Group: 1 }, DataLimit: limit } },
      '80% of 5 GB',
    );
    assert.equal(r.fields.usagePercentage, 80);
    assert.equal(r.fields.dataLimit?.megabytes, 5000);
    assert.deepEqual(r.fields.usage, { bytes: 4e9, megabytes: 4000, source: 'UsagePercentage' });
    assert.equal(r.usageUpdate?.CurrentUsage, 4000);
    assert.equal(r.usageUpdate?.OverLimit, false);
  });

  it('percentages read per Locale, with or without a % sign: 12,5 % in de-DE', () => {
    const r = one(
      {
        Pattern: '([^G]+) of (\\d+) GB',
        Locale: 'de-DE',
        Fields: { UsagePercentage: { Group: 1 }, DataLimit: limit },
      },
      '12,5 % of 2 GB',
    );
    assert.equal(r.fields.usagePercentage, 12.5);
    assert.equal(r.fields.usage?.bytes, 250e6);
  });

  it('without Usage: UsageOverage plus DataLimit', () => {
    const r = one(
      {
        Pattern: '(\\d+) MB over (\\d+) GB',
        Fields: { UsageOverage: { Group: 1, DefaultUnit: 'M' }, DataLimit: limit },
      },
      '300 MB over 2 GB',
    );
    assert.equal(r.fields.usageOverage?.bytes, 300e6);
    assert.deepEqual(r.fields.usage, { bytes: 2.3e9, megabytes: 2300, source: 'UsageOverage' });
    assert.equal(r.usageUpdate?.OverLimit, true);
  });

  it('without Usage: (UsageOveragePercentage times DataLimit) plus DataLimit', () => {
    const r = one(
      {
        Pattern: '(\\d+)% over (\\d+) GB',
        Fields: { UsageOveragePercentage: { Group: 1 }, DataLimit: limit },
      },
      '20% over 5 GB',
    );
    assert.equal(r.fields.usageOveragePercentage, 20);
    assert.deepEqual(r.fields.usage, { bytes: 6e9, megabytes: 6000, source: 'UsageOveragePercentage' });
    assert.equal(r.usageUpdate?.OverLimit, true);
  });

  it('without Usage or DataLimit: UsageOverage plus the limit UsageOverage x 100 / UsageOveragePercentage', () => {
    const r = one(
      {
        Pattern: '(\\d+) MB \\((\\d+)%\\) over',
        Fields: { UsageOverage: { Group: 1, DefaultUnit: 'M' }, UsageOveragePercentage: { Group: 2 } },
      },
      '500 MB (25%) over',
    );
    // 500 MB is 25% over a 2,000 MB limit: usage 2,500 MB.
    assert.deepEqual(r.fields.usage, { bytes: 2.5e9, megabytes: 2500, source: 'UsageOverageAndPercentage' });
  });

  it('a percentage without DataLimit gives no usage and no usage update', () => {
    const r = one({ Pattern: '(\\d+)%', Fields: { UsagePercentage: { Group: 1 } } }, '75%');
    assert.equal(r.fields.usagePercentage, 75);
    assert.equal(r.fields.usage, undefined);
    assert.equal(r.usageUpdate, undefined);
  });

  it('OverLimit follows usage against DataLimit when the rule has no OverDataLimit field', () => {
    const rules: Partial<Message> = {
      Pattern: '(\\d+) of (\\d+) GB',
      Fields: { Usage: { Group: 1, DefaultUnit: 'G' }, DataLimit: limit },
    };
    assert.equal(one(rules, '6 of 5 GB').usageUpdate?.OverLimit, true);
    assert.equal(one(rules, '5 of 5 GB').usageUpdate?.OverLimit, false);
  });

  it('without DataLimit and overage fields, the usage update has no OverLimit', () => {
    const r = one({ Pattern: '(\\d+) MB', Fields: { Usage: { Group: 1, DefaultUnit: 'M' } } }, '12 MB');
    assert.equal('OverLimit' in (r.usageUpdate ?? {}), false);
  });

  it('an optional group that captured nothing leaves its field unset with MBPROV_SMS_FIELD_EMPTY', () => {
    const r = one({ Pattern: 'Used(?: (\\d+))?', Fields: { Usage: { Group: 1, DefaultUnit: 'M' } } }, 'Used');
    assert.equal(r.fields.usage, undefined);
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_FIELD_EMPTY']);
  });

  it('DataLimit is reported in bytes and megabytes', () => {
    const r = one(
      { Pattern: 'Limit (\\d+) MB', Fields: { DataLimit: { Group: 1, DefaultUnit: 'M' } } },
      'Limit 750 MB',
    );
    assert.deepEqual(r.fields.dataLimit, { value: 750, unit: 'M', bytes: 750e6, megabytes: 750 });
  });
});

/** A usage rule whose group 2 is read with `format`. */
const tsRule = (Format: string, extra: { AmToken?: string; PmToken?: string } = {}): Partial<Message> => ({
  Pattern: 'Used (\\d+) MB as of (.+)',
  Fields: { Usage: { Group: 1, DefaultUnit: 'M' }, UsageTimestamp: { Group: 2, Format, ...extra } },
});
const stamp = (format: string, text: string, extra: Partial<OperatorMessage> = {}, tokens = {}) =>
  one(tsRule(format, tokens), `Used 5 MB as of ${text}`, extra);

describe('UsageTimestamp Format', () => {
  it('%d %m %Y %H %M %S read two-digit (four for %Y) fields', () => {
    const r = stamp('%d/%m/%Y %H:%M:%S', '09/03/2024 14:05:07');
    assert.equal(r.fields.usageTimestamp, '2024-03-09T14:05:07.000Z');
    assert.equal(r.usageUpdate?.UsageTimestamp, '2024-03-09T14:05:07.000Z');
    assert.deepEqual(r.warnings, []);
  });

  it('%y is a two-digit year in the century nearest the time of receipt', () => {
    assert.equal(stamp('%d.%m.%y', '09.03.24').fields.usageTimestamp, '2024-03-09T00:00:00.000Z');
    assert.equal(stamp('%d.%m.%y', '09.03.99').fields.usageTimestamp, '1999-03-09T00:00:00.000Z');
  });

  it('%#d %#m %#Y %#H %#M %#S read numbers without leading zeros', () => {
    const r = stamp('%#d/%#m/%#Y %#H:%#M:%#S', '9/3/2024 4:5:7');
    assert.equal(r.fields.usageTimestamp, '2024-03-09T04:05:07.000Z');
  });

  it('%#y reads a year without a leading zero', () => {
    assert.equal(stamp('%#d/%#m/%#y', '9/3/4').fields.usageTimestamp, '2004-03-09T00:00:00.000Z');
  });

  it('%#I reads an hour without a leading zero', () => {
    assert.equal(
      stamp('%m/%d/%Y %#I:%M %p', '03/09/2024 7:05 PM').fields.usageTimestamp,
      '2024-03-09T19:05:00.000Z',
    );
  });

  it('without %#, a field must have its leading zero: 9/3/2024 does not fit %d/%m/%Y', () => {
    const r = stamp('%d/%m/%Y', '9/3/2024');
    assert.equal(r.fields.usageTimestamp, undefined);
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_TIMESTAMP_MISMATCH']);
  });

  it('%I with %p: AM and PM by default, in any case; 12 AM is midnight and 12 PM noon', () => {
    const f = '%m/%d/%Y %I:%M %p';
    assert.equal(stamp(f, '03/09/2024 02:30 PM').fields.usageTimestamp, '2024-03-09T14:30:00.000Z');
    assert.equal(stamp(f, '03/09/2024 02:30 am').fields.usageTimestamp, '2024-03-09T02:30:00.000Z');
    assert.equal(stamp(f, '03/09/2024 12:10 AM').fields.usageTimestamp, '2024-03-09T00:10:00.000Z');
    assert.equal(stamp(f, '03/09/2024 12:10 pm').fields.usageTimestamp, '2024-03-09T12:10:00.000Z');
  });

  it('AmToken and PmToken replace AM and PM', () => {
    const tokens = { AmToken: 'vorm.', PmToken: 'nachm.' };
    const f = '%d.%m.%Y %I:%M %p';
    assert.equal(
      stamp(f, '09.03.2024 08:15 nachm.', {}, tokens).fields.usageTimestamp,
      '2024-03-09T20:15:00.000Z',
    );
    assert.equal(
      stamp(f, '09.03.2024 08:15 vorm.', {}, tokens).fields.usageTimestamp,
      '2024-03-09T08:15:00.000Z',
    );
    const ja = { AmToken: '午前', PmToken: '午後' };
    assert.equal(
      stamp('%Y/%m/%d %p%I:%M', '2024/03/09 午後03:00', {}, ja).fields.usageTimestamp,
      '2024-03-09T15:00:00.000Z',
    );
    // With custom tokens, the default AM/PM text no longer fits.
    assert.deepEqual(codesOf(stamp(f, '09.03.2024 08:15 PM', {}, tokens)), ['MBPROV_SMS_TIMESTAMP_MISMATCH']);
  });

  it('%I without %p reads a morning hour (12 is midnight)', () => {
    assert.equal(
      stamp('%d/%m/%Y %I:%M', '09/03/2024 12:30').fields.usageTimestamp,
      '2024-03-09T00:30:00.000Z',
    );
  });

  it('%H ignores %p', () => {
    assert.equal(
      stamp('%d/%m/%Y %H:%M %p', '09/03/2024 08:30 PM').fields.usageTimestamp,
      '2024-03-09T08:30:00.000Z',
    );
  });

  it('literal text of the Format must be present exactly; %% is a percent sign', () => {
    assert.equal(
      stamp('%H:%M on %d/%m/%Y', '10:30 on 09/03/2024').fields.usageTimestamp,
      '2024-03-09T10:30:00.000Z',
    );
    assert.deepEqual(codesOf(stamp('%H:%M on %d/%m/%Y', '10:30 at 09/03/2024')), [
      'MBPROV_SMS_TIMESTAMP_MISMATCH',
    ]);
    assert.equal(stamp('%d/%m/%Y %%', '09/03/2024 %').fields.usageTimestamp, '2024-03-09T00:00:00.000Z');
  });

  it('a timestamp that does not fit keeps the usage, timed at receipt, with MBPROV_SMS_TIMESTAMP_MISMATCH', () => {
    const r = stamp('%d/%m/%Y', 'yesterday');
    assert.equal(r.fields.usageTimestamp, undefined);
    assert.deepEqual(r.usageUpdate, { CurrentUsage: 5, UsageTimestamp: RECEIVED.toISOString() });
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_TIMESTAMP_MISMATCH']);
    assert.equal(
      r.warnings[0]?.path,
      '/CarrierProvisioning/MBNProfiles/Messages/Message/Fields/UsageTimestamp',
    );
  });

  it('dates that do not exist are refused: 31 April, 29 February 2023, month 13, hour 24, minute 60', () => {
    for (const text of [
      '31/04/2024 00:00',
      '29/02/2023 00:00',
      '01/13/2024 00:00',
      '01/01/2024 24:00',
      '01/01/2024 10:60',
    ]) {
      assert.deepEqual(codesOf(stamp('%d/%m/%Y %H:%M', text)), ['MBPROV_SMS_TIMESTAMP_MISMATCH'], text);
    }
    assert.equal(stamp('%d/%m/%Y', '29/02/2024').fields.usageTimestamp, '2024-02-29T00:00:00.000Z');
  });

  it('an identifier outside the documented table (%b, as in the notification page example) is a mismatch warning', () => {
    const r = stamp('%d %b', '09 Mar');
    assert.equal(r.fields.usageTimestamp, undefined);
    assert.match(r.warnings[0]?.message ?? '', /%b/);
  });

  it('no year: the most recent occurrence of that date (same year when it is not in the future)', () => {
    assert.equal(stamp('%d/%m %H:%M', '10/03 08:00').fields.usageTimestamp, '2024-03-10T08:00:00.000Z');
  });

  it('no year: a date more than a day after receipt is last year', () => {
    assert.equal(stamp('%d/%m', '20/03').fields.usageTimestamp, '2023-03-20T00:00:00.000Z');
    const newYear = { receivedAt: new Date('2024-01-01T00:10:00Z') };
    assert.equal(
      stamp('%m/%d %H:%M', '12/31 23:55', newYear).fields.usageTimestamp,
      '2023-12-31T23:55:00.000Z',
    );
  });

  it('no year: a date up to a day after receipt (clock skew, time zones) stays this year', () => {
    assert.equal(stamp('%d/%m %H:%M', '16/03 08:00').fields.usageTimestamp, '2024-03-16T08:00:00.000Z');
    const newYearsEve = { receivedAt: new Date('2023-12-31T23:50:00Z') };
    assert.equal(
      stamp('%m/%d %H:%M', '01/01 00:05', newYearsEve).fields.usageTimestamp,
      '2024-01-01T00:05:00.000Z',
    );
  });

  it('no year: 29 February goes back to the last leap year', () => {
    const march2025 = { receivedAt: new Date('2025-03-01T09:00:00Z') };
    assert.equal(stamp('%d/%m', '29/02', march2025).fields.usageTimestamp, '2024-02-29T00:00:00.000Z');
  });

  it('no date: the time of day on the day of receipt, or the day before when that is later than receipt', () => {
    assert.equal(stamp('%H:%M', '09:30').fields.usageTimestamp, '2024-03-15T09:30:00.000Z');
    const justAfterMidnight = { receivedAt: new Date('2024-03-15T00:05:00Z') };
    assert.equal(
      stamp('%H:%M', '23:50', justAfterMidnight).fields.usageTimestamp,
      '2024-03-14T23:50:00.000Z',
    );
  });

  it('the timestamp is local time of the PC: timeZoneOffsetMinutes converts it to UTC', () => {
    assert.equal(
      stamp('%d/%m/%Y %H:%M', '09/03/2024 14:00', { timeZoneOffsetMinutes: 60 }).fields.usageTimestamp,
      '2024-03-09T13:00:00.000Z',
    );
    assert.equal(
      stamp('%d/%m/%Y %H:%M', '09/03/2024 14:00', { timeZoneOffsetMinutes: -300 }).fields.usageTimestamp,
      '2024-03-09T19:00:00.000Z',
    );
  });

  it('time zones also decide the day a time-only timestamp belongs to', () => {
    // 12:00 UTC is 21:00 in UTC+09:00; "22:30" local is then 90 minutes in the future: yesterday.
    const r = stamp('%H:%M', '22:30', { timeZoneOffsetMinutes: 540 });
    assert.equal(r.fields.usageTimestamp, '2024-03-14T13:30:00.000Z');
    // Within the hour allowed for clock skew it stays today.
    const soon = stamp('%H:%M', '21:45', { timeZoneOffsetMinutes: 540 });
    assert.equal(soon.fields.usageTimestamp, '2024-03-15T12:45:00.000Z');
  });
});

describe('boolean fields: TrueToken, FalseToken, Default', () => {
  const congestion = (f: Partial<NonNullable<Message['Fields']>['Congested']>) =>
    ({ Pattern: 'Network (\\w*)', Fields: { Congested: { Group: 1, ...f } } }) satisfies Partial<Message>;

  it('the group matching TrueToken is true, FalseToken false', () => {
    const f = { TrueToken: 'busy', FalseToken: 'normal' };
    assert.equal(one(congestion(f), 'Network busy').fields.congested, true);
    assert.equal(one(congestion(f), 'Network normal').fields.congested, false);
  });

  it('TrueToken and FalseToken are token lists', () => {
    const f = { TrueToken: 'busy congested', FalseToken: 'normal ok' };
    assert.equal(one(congestion(f), 'Network congested').fields.congested, true);
    assert.equal(one(congestion(f), 'Network ok').fields.congested, false);
  });

  it('no token matches: Default, which defaults to false', () => {
    assert.equal(one(congestion({ TrueToken: 'busy' }), 'Network quiet').fields.congested, false);
    assert.equal(
      one(congestion({ FalseToken: 'normal', Default: true }), 'Network quiet').fields.congested,
      true,
    );
  });

  it('tokens are case-sensitive: "Busy" is not "busy"', () => {
    assert.equal(one(congestion({ TrueToken: 'busy' }), 'Network Busy').fields.congested, false);
  });

  it('without Group the field is its Default', () => {
    const r = one({ Fields: { Congested: { Default: true }, OverDataLimit: {} } }, 'anything');
    assert.equal(r.fields.congested, true);
    assert.equal(r.fields.overDataLimit, false);
  });

  it('Congested goes into the usage update', () => {
    const r = one(
      {
        Pattern: '(\\d+) MB (\\w+)',
        Fields: { Usage: { Group: 1, DefaultUnit: 'M' }, Congested: { Group: 2, TrueToken: 'slow' } },
      },
      '10 MB slow',
    );
    assert.equal(r.usageUpdate?.Congested, true);
  });

  it('OverDataLimit sets OverLimit, overriding what usage and DataLimit imply', () => {
    const r = one(
      {
        Pattern: '(\\d+) of (\\d+) MB(!?)',
        Fields: {
          Usage: { Group: 1, DefaultUnit: 'M' },
          DataLimit: { Group: 2, DefaultUnit: 'M' },
          OverDataLimit: { Group: 3, TrueToken: '!' },
        },
      },
      '10 of 100 MB!',
    );
    assert.equal(r.fields.overDataLimit, true);
    assert.equal(r.usageUpdate?.OverLimit, true);
  });
});

describe('PlanType', () => {
  const planRule = (Default?: 'Unrestricted' | 'Fixed' | 'Variable'): Partial<Message> => ({
    Pattern: 'Plan: (.*)',
    Fields: {
      PlanType: {
        Group: 1,
        UnrestrictedTokens: ['unlimited', 'flat'],
        FixedTokens: ['capped'],
        VariableTokens: ['PAYG'],
        ...(Default ? { Default } : {}),
      },
    },
  });
  it('UnrestrictedTokens, FixedTokens and VariableTokens name the plan type', () => {
    assert.equal(one(planRule(), 'Plan: flat').fields.planType, 'Unrestricted');
    assert.equal(one(planRule(), 'Plan: capped').fields.planType, 'Fixed');
    assert.equal(one(planRule(), 'Plan: PAYG').fields.planType, 'Variable');
  });
  it('no token matches: Default; no Default either: not set', () => {
    assert.equal(one(planRule('Fixed'), 'Plan: other').fields.planType, 'Fixed');
    assert.equal(one(planRule(), 'Plan: other').fields.planType, undefined);
  });
  it('without Group the plan type is Default', () => {
    assert.equal(one({ Fields: { PlanType: { Default: 'Variable' } } }, 'x').fields.planType, 'Variable');
  });
});

describe('bandwidth', () => {
  it('InboundBandwidth and OutboundBandwidth are bits per second, also given in kbps', () => {
    const r = one(
      {
        Pattern: 'Speed (\\d+) (\\w+) down / (\\d+) (\\w+) up',
        Units: { K: ['kbps'], M: ['Mbps'] },
        Fields: {
          InboundBandwidth: { Group: 1, UnitGroup: 2 },
          OutboundBandwidth: { Group: 3, UnitGroup: 4 },
        },
      },
      'Speed 2 Mbps down / 512 kbps up',
    );
    assert.deepEqual(r.fields.inboundBandwidth, { value: 2, unit: 'M', bitsPerSecond: 2e6, kbps: 2000 });
    assert.deepEqual(r.fields.outboundBandwidth, { value: 512, unit: 'K', bitsPerSecond: 512e3, kbps: 512 });
    assert.equal(r.usageUpdate, undefined);
  });
  it('bandwidth uses DefaultUnit like any number field', () => {
    const r = one(
      { Pattern: 'Throttled to (\\d+)', Fields: { InboundBandwidth: { Group: 1, DefaultUnit: 'K' } } },
      'Throttled to 256',
    );
    assert.equal(r.fields.inboundBandwidth?.kbps, 256);
  });
});

describe('RefreshProvisioning and ActivationComplete', () => {
  it('RefreshProvisioning Default="true" without Group: every matching message asks for a refresh', () => {
    const r = matched(
      evaluateOperatorMessage(
        [
          {
            RuleId: 'refresh',
            USSDBearer: {},
            Pattern: 'REFRESH',
            Fields: { RefreshProvisioning: { Default: true } },
          },
        ],
        ussd('REFRESH'),
      ),
    );
    assert.equal(r.refresh, true);
    assert.equal(r.fields.refreshProvisioning, true);
  });

  it('RefreshProvisioning with a Group triggers on its TrueToken only', () => {
    const f: Partial<Message> = {
      Pattern: 'Config (\\w+)',
      Fields: { RefreshProvisioning: { Group: 1, TrueToken: 'updated' } },
    };
    assert.equal(one(f, 'Config updated').refresh, true);
    assert.equal(one(f, 'Config unchanged').refresh, false);
  });

  it('ActivationComplete triggers on its TrueToken', () => {
    const f: Partial<Message> = {
      Pattern: 'Your plan is (\\w+)',
      Fields: { ActivationComplete: { Group: 1, TrueToken: 'active', FalseToken: 'pending' } },
    };
    const r = one(f, 'Your plan is active');
    assert.equal(r.activationComplete, true);
    assert.equal(r.fields.activationComplete, true);
    assert.equal(one(f, 'Your plan is pending').activationComplete, false);
  });
});

describe('usage update applies to a plan', () => {
  it('usageUpdate is a valid Plans/v1 Usage', () => {
    const r = one(
      {
        Pattern:
          'You have used (\\S+) ?(MB|GB) of (\\d+) ?(MB|GB) as of (\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d)',
        Units: { M: ['MB'], G: ['GB'] },
        Fields: {
          Usage: { Group: 1, UnitGroup: 2 },
          UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 5 },
          DataLimit: { Group: 3, UnitGroup: 4 },
          Congested: { Default: false },
        },
      },
      'You have used 1.25 GB of 5 GB as of 03/14/2024 18:45',
    );
    assert.deepEqual(r.usageUpdate, {
      CurrentUsage: 1250,
      UsageTimestamp: '2024-03-14T18:45:00.000Z',
      OverLimit: false,
      Congested: false,
    });
    const model = minimalModel();
    model.Plans = {
      Plan: [
        {
          Name: 'Daily',
          Description: { PlanType: 'Fixed', DataLimitInMegabytes: 5000 },
          Usage: r.usageUpdate,
        },
      ],
    };
    const validation = validateModel(model);
    assert.deepEqual(
      validation.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
  });
});

describe('documented examples', () => {
  const xml = readFileSync(
    new URL('./fixtures/reference/mobile-operator-notification--sms-filtering-rules.xml', import.meta.url),
  );
  const parsed = parseDocument(xml);
  const messages = parsed.model?.MBNProfiles?.Messages as Messages;

  it('the notification page example parses into two rules', () => {
    assert.deepEqual(parsed.diagnostics, []);
    assert.deepEqual(
      messages.Message.map((m) => m.RuleId),
      ['Sample1', 'Sample2'],
    );
  });

  it('Sample1: [^]* from 18005551212 (ClassZeroOnly="false") passes any text, silently, without parsing', () => {
    const r = matched(
      evaluateOperatorMessage(
        messages,
        sms('Your bill is ready.\nThanks', { sender: '18005551212', classZero: false }),
      ),
    );
    assert.equal(r.ruleId, 'Sample1');
    assert.deepEqual(r.events, ['MobileOperatorNotification']);
    assert.deepEqual(r.fields, {});
  });

  it('Sample1 does not match the same number in international format, which the rule does not list', () => {
    assert.equal(
      notMatched(evaluateOperatorMessage(messages, sms('x', { sender: '+18005551212' }))).reason,
      'sender',
    );
  });

  it('Sample2: the USSD usage message "1.5GB of 5GB used as of ..." updates usage; not Silent', () => {
    const r = matched(evaluateOperatorMessage(messages, ussd('1.5GB of 5GB used as of 10:30PM')));
    assert.equal(r.ruleId, 'Sample2');
    assert.deepEqual(r.events, ['MobileOperatorNotification', 'SmsMessageReceived']);
    assert.equal(r.fields.usage?.bytes, 1.5e9);
    assert.equal(r.fields.dataLimit?.bytes, 5e9);
    assert.equal(r.usageUpdate?.CurrentUsage, 1500);
    // The example's Format "%I:%M%p on %d %b" uses %b (not in the identifier table) and (\S+) cannot capture
    // "10:30PM on 12 Mar": the timestamp is a warning and the usage is timed at receipt.
    assert.deepEqual(codesOf(r), ['MBPROV_SMS_TIMESTAMP_MISMATCH']);
    assert.equal(r.usageUpdate?.UsageTimestamp, RECEIVED.toISOString());
  });

  it('Sample2 does not match its text sent by SMS (USSD-only rule), nor a text the whole Pattern does not cover', () => {
    const r = notMatched(
      evaluateOperatorMessage(messages, sms('1.5GB of 5GB used as of 10:30PM', { sender: '+15550000000' })),
    );
    assert.equal(r.reason, 'sender');
    assert.equal(
      notMatched(evaluateOperatorMessage(messages, ussd('1.5GB of 5GB used as of 10:30PM on 12 Mar'))).reason,
      'pattern',
    );
  });

  it('rules read from a CarrierProvisioning document with Locale, Units and Fields', () => {
    const doc = `<?xml version="1.0" encoding="utf-8"?>
<CarrierProvisioning xmlns="http://www.microsoft.com/networking/CarrierControl/v1">
  <Global>
    <CarrierId>{11111111-1111-1111-1111-111111111111}</CarrierId>
    <SubscriberId>1234567890</SubscriberId>
  </Global>
  <MBNProfiles>
    <Messages xmlns="http://www.microsoft.com/networking/CarrierControl/WWAN/v1">
      <Message RuleId="verbrauch">
        <SMSBearer Sender="+4917012345" ClassZeroOnly="false"/>
        <Pattern>Sie haben (\\S+) (\\S+) von (\\S+) (\\S+) verbraucht \\(Stand: (\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d)\\)\\.(?: (Drosselung) aktiv\\.)?</Pattern>
        <Locale>German_Germany.1252</Locale>
        <Units M="MB" G="GB" Gi="GiB"/>
        <Fields>
          <Usage Group="1" UnitGroup="2"/>
          <UsageTimestamp Format="%d.%m.%Y %H:%M" Group="5"/>
          <DataLimit Group="3" UnitGroup="4" DefaultUnit="M"/>
          <Congested Group="6" TrueToken="Drosselung" Default="false"/>
          <PlanType Default="Fixed"/>
        </Fields>
      </Message>
    </Messages>
  </MBNProfiles>
</CarrierProvisioning>`;
    const { model, diagnostics } = parseDocument(doc);
    assert.deepEqual(diagnostics, []);
    const rules = model?.MBNProfiles?.Messages as Messages;
    const r = matched(
      evaluateOperatorMessage(rules, {
        bearer: 'sms',
        sender: '+4917012345',
        text: 'Sie haben 1,5 GB von 10 GB verbraucht (Stand: 14.03.2024 18:45).',
        receivedAt: RECEIVED,
        timeZoneOffsetMinutes: 60,
      }),
    );
    assert.equal(r.ruleId, 'verbrauch');
    assert.equal(r.locale, 'de-DE');
    assert.equal(r.fields.usage?.bytes, 1.5e9);
    assert.equal(r.fields.dataLimit?.bytes, 10e9);
    assert.equal(r.fields.usageTimestamp, '2024-03-14T17:45:00.000Z');
    assert.equal(r.fields.congested, false);
    assert.equal(r.fields.planType, 'Fixed');
    assert.deepEqual(r.usageUpdate, {
      CurrentUsage: 1500,
      UsageTimestamp: '2024-03-14T17:45:00.000Z',
      OverLimit: false,
      Congested: false,
    });
    assert.deepEqual(r.warnings, []);
    const throttled = matched(
      evaluateOperatorMessage(rules, {
        bearer: 'sms',
        sender: '+4917012345',
        text: 'Sie haben 10.240 MB von 10 GB verbraucht (Stand: 14.03.2024 18:45). Drosselung aktiv.',
        receivedAt: RECEIVED,
      }),
    );
    assert.equal(throttled.fields.usage?.bytes, 10.24e9);
    assert.deepEqual(throttled.usageUpdate, {
      CurrentUsage: 10240,
      UsageTimestamp: '2024-03-14T18:45:00.000Z',
      OverLimit: true,
      Congested: true,
    });
  });
});
