// composeOperatorMessage: texts the operator sends are read back by evaluateOperatorMessage exactly as intended,
// for the demo rules, the published examples, other locales, every timestamp identifier, every unit, percentage
// and overage rules, refresh and activation triggers; rules that cannot carry an intent are a clear error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { demoSmsRules } from '../../portal/src/config/demo.ts';
import {
  type ComposedMessage,
  type ComposeIntent,
  type ComposeOptions,
  composeOperatorMessage,
  evaluateOperatorMessage,
  MbprovError,
  type Message,
  type Messages,
  type OperatorMessageMatch,
  parseDocument,
  type UsageIntent,
} from '../src/index.ts';
import { seededRandom } from './helpers/random.ts';

const SENDER = '+18005551212';
const AT = new Date('2024-03-14T18:45:00Z');

/** Reads a composed message back as Windows would, received at `receivedAt`, and returns the match. */
function readBack(
  rules: Messages | Message[],
  sent: ComposedMessage,
  receivedAt: Date,
  timeZoneOffsetMinutes = 0,
): OperatorMessageMatch {
  const result = evaluateOperatorMessage(rules, {
    bearer: sent.bearer,
    ...(sent.sender !== undefined ? { sender: sent.sender } : {}),
    text: sent.text,
    classZero: sent.classZero,
    receivedAt,
    timeZoneOffsetMinutes,
  });
  assert.equal(result.matched, true, `"${sent.text}" is not consumed: ${JSON.stringify(result)}`);
  const match = result as OperatorMessageMatch;
  assert.equal(match.ruleIndex, sent.rule.index, `"${sent.text}" is consumed by another rule`);
  assert.deepEqual(match.warnings, [], `"${sent.text}" is read with warnings`);
  return match;
}

/** Composes a usage message and checks Windows reads the usage, limit and time back; returns both. */
function usageRoundTrip(
  rules: Messages | Message[],
  intent: Omit<UsageIntent, 'kind'>,
  options: ComposeOptions = {},
): { sent: ComposedMessage; read: OperatorMessageMatch } {
  const sent = composeOperatorMessage(rules, { kind: 'usage', ...intent }, options);
  const read = readBack(rules, sent, options.receivedAt ?? intent.at, intent.timeZoneOffsetMinutes);
  assert.equal(read.usageUpdate?.CurrentUsage, Math.round(intent.usageMegabytes), `usage of "${sent.text}"`);
  if (intent.dataLimitMegabytes !== undefined && read.fields.dataLimit)
    assert.equal(Math.round(read.fields.dataLimit.megabytes), Math.round(intent.dataLimitMegabytes));
  return { sent, read };
}

/** The MbprovError a call throws. */
function failure(fn: () => unknown): MbprovError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof MbprovError, `expected an MbprovError, got ${error}`);
    return error;
  }
  assert.fail('expected an error');
}

/** A usage rule for SMS from SENDER with overrides. */
const usageRule = (over: Partial<Message>): Message => ({
  RuleId: 'usage',
  SMSBearer: [{ Sender: SENDER, ClassZeroOnly: false }],
  Pattern: 'Used (\\d+(?:\\.\\d+)?) ?(MB|GB) at (.+)',
  Units: { M: ['MB'], G: ['GB'] },
  Fields: {
    Usage: { Group: 1, UnitGroup: 2 },
    UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 3 },
  },
  ...over,
});

describe('composeOperatorMessage: the demo rules', () => {
  it('writes the usage with the demo Pattern, GB from 1,000 MB, from the operator short code', () => {
    const { sent, read } = usageRoundTrip(demoSmsRules, {
      usageMegabytes: 1500,
      dataLimitMegabytes: 10_000,
      at: AT,
    });
    assert.deepEqual(sent, {
      rule: { index: 0, ruleId: 'usage' },
      bearer: 'sms',
      sender: '+15550100',
      text: 'Contoso: you have used 1.5 GB of 10 GB as of 03/14/2024 18:45.',
      classZero: false,
    });
    assert.equal(read.fields.usageTimestamp, AT.toISOString());
    assert.equal(read.usageUpdate?.OverLimit, false);
  });

  it('keeps MB below 1,000 MB and enough decimals in GB for the exact megabyte', () => {
    const texts = [0, 7, 999, 1000, 1234, 98_765.4].map(
      (usageMegabytes) =>
        usageRoundTrip(demoSmsRules, { usageMegabytes, dataLimitMegabytes: 10_000, at: AT }).sent.text,
    );
    assert.deepEqual(
      texts.map((t) => /used (.*?) of/.exec(t)?.[1]),
      ['0 MB', '7 MB', '999 MB', '1 GB', '1.234 GB', '98.765 GB'],
    );
  });

  it('writes the refresh trigger of the demo', () => {
    const sent = composeOperatorMessage(demoSmsRules, { kind: 'refresh' });
    assert.deepEqual(sent, {
      rule: { index: 1, ruleId: 'refresh' },
      bearer: 'sms',
      sender: '+15550100',
      text: 'Contoso: update your settings.',
      classZero: false,
    });
    assert.equal(readBack(demoSmsRules, sent, AT).refresh, true);
  });

  it('a usage for the demo rule needs the data limit its Pattern states', () => {
    const error = failure(() =>
      composeOperatorMessage(demoSmsRules, { kind: 'usage', usageMegabytes: 10, at: AT }),
    );
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_NO_RULE');
    assert.match(error.message, /rule 1 \(RuleId "usage"\): it has DataLimit, which needs the data limit/);
  });

  it('the demo has no ActivationComplete rule: a clear error naming every rule', () => {
    const error = failure(() => composeOperatorMessage(demoSmsRules, { kind: 'activation-complete' }));
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_NO_RULE');
    assert.match(error.message, /RuleId "usage"\): it has no ActivationComplete field/);
    assert.match(error.message, /RuleId "refresh"\): it has no ActivationComplete field/);
  });
});

describe('composeOperatorMessage: the published example (mobile-operator-notification)', () => {
  const parsed = parseDocument(
    readFileSync(
      new URL('./fixtures/reference/mobile-operator-notification--sms-filtering-rules.xml', import.meta.url),
    ),
  );
  const rules = parsed.model?.MBNProfiles?.Messages as Messages;

  it('cannot carry a usage: Sample1 has no Fields, Sample2 times it with %b', () => {
    const error = failure(() =>
      composeOperatorMessage(rules, {
        kind: 'usage',
        usageMegabytes: 1500,
        dataLimitMegabytes: 5000,
        at: AT,
      }),
    );
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_NO_RULE');
    assert.match(error.message, /Sample1"\): it has no Fields/);
    assert.match(error.message, /Sample2"\): its UsageTimestamp Format "%I:%M%p on %d %b" uses %b/);
  });

  it('with a documented Format, Sample2 reads "2.0GB of 5GB used as of 10:30PM" over USSD', () => {
    const fixed = structuredClone(rules);
    const sample2 = fixed.Message[1] as Message & { Fields: NonNullable<Message['Fields']> };
    (sample2.Fields.UsageTimestamp as { Format: string }).Format = '%I:%M%p';
    const at = new Date('2024-03-12T22:30:00Z');
    const { sent, read } = usageRoundTrip(fixed, { usageMegabytes: 2000, dataLimitMegabytes: 5000, at });
    // (\d+\.\d+) wants decimals: 2 GB is written 2.0GB.
    assert.deepEqual(sent, {
      rule: { index: 1, ruleId: 'Sample2' },
      bearer: 'ussd',
      text: '2.0GB of 5GB used as of 10:30PM',
      classZero: false,
    });
    assert.equal(read.fields.usageTimestamp, at.toISOString());
    assert.deepEqual(read.events, ['MobileOperatorNotification', 'SmsMessageReceived']);
  });

  it('asking for SMS only refuses Sample2, which is USSD', () => {
    const error = failure(() =>
      composeOperatorMessage(rules, { kind: 'refresh', ruleId: 'Sample2' }, { bearer: 'sms' }),
    );
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_NO_RULE');
    assert.match(error.message, /Sample2"\): it has no SMSBearer/);
  });
});

describe('composeOperatorMessage: locales', () => {
  const german: Message = {
    RuleId: 'de',
    SMSBearer: [{ Sender: SENDER }],
    Pattern:
      'Sie haben (\\d+(?:,\\d+)?) (MB|GB) von (\\d+(?:,\\d+)?) (MB|GB) verbraucht \\(Stand: (\\d\\d\\.\\d\\d\\.\\d{4} \\d\\d:\\d\\d)\\)\\.',
    Locale: 'German_Germany.1252',
    Units: { M: ['MB'], G: ['GB'] },
    Fields: {
      Usage: { Group: 1, UnitGroup: 2 },
      DataLimit: { Group: 3, UnitGroup: 4 },
      UsageTimestamp: { Format: '%d.%m.%Y %H:%M', Group: 5 },
    },
  };

  it('German: decimal comma, local time of the PC, class 0 by default', () => {
    const { sent, read } = usageRoundTrip([german], {
      usageMegabytes: 1500,
      dataLimitMegabytes: 2500,
      at: AT,
      timeZoneOffsetMinutes: 60,
    });
    assert.equal(sent.text, 'Sie haben 1,5 GB von 2,5 GB verbraucht (Stand: 14.03.2024 19:45).');
    assert.equal(sent.classZero, true, 'ClassZeroOnly defaults to true');
    assert.equal(read.locale, 'de-DE');
    assert.equal(read.fields.usageTimestamp, AT.toISOString());
  });

  it('German thousands are grouped with a dot when the Pattern allows it', () => {
    const rule = usageRule({
      Pattern: 'Verbrauch: ([\\d.]+(?:,\\d+)?) MB am (.+)',
      Locale: 'de-DE',
      Units: { M: ['MB'] },
      Fields: {
        Usage: { Group: 1, DefaultUnit: 'M' },
        UsageTimestamp: { Format: '%d.%m.%Y', Group: 2 },
      },
    });
    const { sent } = usageRoundTrip([rule], { usageMegabytes: 12_345.6, at: AT });
    assert.equal(sent.text, 'Verbrauch: 12.346 MB am 14.03.2024');
  });

  it('French: a space-like group separator, or a plain space when that is what the Pattern has', () => {
    const rule = usageRule({
      Pattern: 'Conso : ([\\d ]+(?:,\\d+)?) Mo le (.+)',
      Locale: 'fr-FR',
      Fields: {
        Usage: { Group: 1, DefaultUnit: 'M' },
        UsageTimestamp: { Format: '%d/%m/%Y', Group: 2 },
      },
    });
    const { sent } = usageRoundTrip([rule], { usageMegabytes: 12_345, at: AT });
    assert.equal(sent.text, 'Conso : 12 345 Mo le 14/03/2024');
  });

  it('Japanese: Japanese text, unit words and a date with 年月日, in Japan time', () => {
    const rule: Message = {
      RuleId: 'ja',
      SMSBearer: [{ Sender: '0120123456', ClassZeroOnly: false }],
      Pattern:
        '【コントソ】(\\d{4}年\\d{1,2}月\\d{1,2}日 \\d{1,2}時\\d{2}分)時点のご利用データ量は(\\d+(?:\\.\\d+)?)(ギガバイト|メガバイト)です（上限(\\d+)ギガバイト）。',
      Locale: 'Japanese_Japan.932',
      Units: { M: ['メガバイト'], G: ['ギガバイト'] },
      Fields: {
        UsageTimestamp: { Format: '%Y年%#m月%#d日 %#H時%M分', Group: 1 },
        Usage: { Group: 2, UnitGroup: 3 },
        DataLimit: { Group: 4, DefaultUnit: 'G' },
      },
    };
    const at = new Date('2024-03-04T23:05:00Z'); // 08:05 on 5 March in Japan
    const { sent, read } = usageRoundTrip([rule], {
      usageMegabytes: 3250,
      dataLimitMegabytes: 20_000,
      at,
      timeZoneOffsetMinutes: 540,
    });
    assert.equal(
      sent.text,
      '【コントソ】2024年3月5日 8時05分時点のご利用データ量は3.25ギガバイトです（上限20ギガバイト）。',
    );
    assert.equal(sent.sender, '0120123456');
    assert.equal(read.fields.usageTimestamp, at.toISOString());
    assert.equal(read.locale, 'ja-JP');
  });
});

describe('composeOperatorMessage: UsageTimestamp Formats', () => {
  const formats: Array<{
    format: string;
    amToken?: string;
    pmToken?: string;
    precision: 'second' | 'minute' | 'day';
  }> = [
    { format: '%d/%m/%Y %H:%M:%S', precision: 'second' },
    { format: '%#d/%#m/%#Y %#H:%#M:%#S', precision: 'second' },
    { format: '%y-%m-%d %I:%M %p', precision: 'minute' },
    { format: '%#y-%m-%d %#I:%M%p', precision: 'minute' },
    { format: '%#I:%M %p on %d/%m', amToken: 'a.m.', pmToken: 'p.m.', precision: 'minute' },
    { format: '%I.%M%p %d.%m.%Y', amToken: '午前', pmToken: '午後', precision: 'minute' },
    { format: '%H:%M %%%% %d.%m.%y', precision: 'minute' },
    { format: '%m/%d/%Y', precision: 'day' },
    { format: '%m/%d', precision: 'day' },
  ];
  const times = [
    '2024-03-14T00:00:00Z',
    '2024-03-14T00:30:59Z',
    '2024-03-14T09:07:05Z',
    '2024-03-14T12:00:00Z',
    '2024-03-14T12:59:01Z',
    '2024-12-31T23:59:59Z',
    '2025-01-01T07:08:09Z',
    '2024-02-29T18:45:30Z',
  ];
  const truncate = (iso: string, precision: 'second' | 'minute' | 'day', offset: number) => {
    const local = new Date(new Date(iso).getTime() + offset * 60_000);
    if (precision !== 'second') local.setUTCSeconds(0, 0);
    if (precision === 'day') local.setUTCHours(0, 0, 0, 0);
    return new Date(local.getTime() - offset * 60_000).toISOString();
  };

  for (const { format, amToken, pmToken, precision } of formats) {
    it(`writes every time with "${format}" so that it reads back to the ${precision}`, () => {
      const rule = usageRule({
        Fields: {
          Usage: { Group: 1, UnitGroup: 2 },
          UsageTimestamp: {
            Format: format.replace('%%%%', '%%'),
            Group: 3,
            ...(amToken ? { AmToken: amToken } : {}),
            ...(pmToken ? { PmToken: pmToken } : {}),
          },
        },
      });
      for (const iso of times) {
        for (const offset of [0, 540, -300]) {
          const at = new Date(iso);
          const { sent, read } = usageRoundTrip([rule], {
            usageMegabytes: 42,
            at,
            timeZoneOffsetMinutes: offset,
          });
          assert.equal(read.fields.usageTimestamp, truncate(iso, precision, offset), sent.text);
          if (format.includes('%p')) {
            const hour = new Date(at.getTime() + offset * 60_000).getUTCHours();
            assert.ok(sent.text.includes(hour < 12 ? (amToken ?? 'AM') : (pmToken ?? 'PM')), sent.text);
          }
        }
      }
    });
  }

  it('the literal %% is a percent sign in the text', () => {
    const rule = usageRule({
      Fields: {
        Usage: { Group: 1, UnitGroup: 2 },
        UsageTimestamp: { Format: '%H:%M %% %d.%m.%y', Group: 3 },
      },
    });
    assert.equal(
      composeOperatorMessage([rule], { kind: 'usage', usageMegabytes: 5, at: AT }).text,
      'Used 5 MB at 18:45 % 14.03.24',
    );
  });

  it('%I without %p reads as a morning hour: an afternoon time is refused, a morning one written', () => {
    const rule = usageRule({
      Fields: { Usage: { Group: 1, UnitGroup: 2 }, UsageTimestamp: { Format: '%I:%M %d/%m', Group: 3 } },
    });
    const error = failure(() => composeOperatorMessage([rule], { kind: 'usage', usageMegabytes: 5, at: AT }));
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_NO_RULE');
    assert.match(error.message, /has %I without %p, which Windows reads as a morning hour, so 18:45/);
    usageRoundTrip([rule], { usageMegabytes: 5, at: new Date('2024-03-14T08:15:00Z') });
  });

  it('a timestamp group that cannot hold the Format is a clear refusal', () => {
    const rule = usageRule({
      Pattern: 'Used (\\d+) (MB|GB) at (\\S+)',
      Fields: { Usage: { Group: 1, UnitGroup: 2 }, UsageTimestamp: { Format: '%d/%m %H:%M', Group: 3 } },
    });
    const error = failure(() => composeOperatorMessage([rule], { kind: 'usage', usageMegabytes: 5, at: AT }));
    assert.match(error.message, /its UsageTimestamp group 3 cannot hold "14\/03 18:45"/);
  });

  it('a later receipt is accounted for: a date without year is read as the most recent occurrence', () => {
    const rule = usageRule({
      Fields: { Usage: { Group: 1, UnitGroup: 2 }, UsageTimestamp: { Format: '%d/%m %H:%M', Group: 3 } },
    });
    const at = new Date('2023-12-31T23:55:00Z');
    usageRoundTrip([rule], { usageMegabytes: 5, at }, { receivedAt: new Date('2024-01-01T00:10:00Z') });
  });
});

describe('composeOperatorMessage: units', () => {
  const ALL = { K: 'KB', M: 'MB', G: 'GB', T: 'TB', Ki: 'KiB', Mi: 'MiB', Gi: 'GiB', Ti: 'TiB' } as const;

  for (const [unit, token] of Object.entries(ALL)) {
    it(`a rule whose only unit is ${unit} (${token}) carries 1,500 MB exactly`, () => {
      const rule = usageRule({
        Pattern: 'Used ([\\d.,]+) (\\w+) at (.+)',
        Units: { [unit]: [token] },
      });
      const { read, sent } = usageRoundTrip([rule], { usageMegabytes: 1500, at: AT });
      assert.equal(read.fields.usage?.unit, unit, sent.text);
    });
  }

  it('with every unit listed, picks the largest in which the amount is at least 1, decimal first', () => {
    const rule = usageRule({
      Pattern: 'Used ([\\d.,]+) ?(\\w+) at (.+)',
      Units: Object.fromEntries(Object.entries(ALL).map(([u, t]) => [u, [t]])),
    });
    const unitOf = (usageMegabytes: number) =>
      usageRoundTrip([rule], { usageMegabytes, at: AT }).sent.text.split(' ').slice(1, 3).join(' ');
    assert.equal(unitOf(0), '0 KB');
    assert.equal(unitOf(0.5), '500 KB'); // read back as 1 MB: Windows keeps whole megabytes
    assert.equal(unitOf(999), '999 MB');
    assert.equal(unitOf(1500), '1.5 GB');
    assert.equal(unitOf(2_000_000), '2 TB');
  });

  it('bytes when the rule has no unit (DefaultUnit None)', () => {
    const rule = usageRule({
      Pattern: 'Used (\\d+) bytes at (.+)',
      Units: undefined,
      Fields: { Usage: { Group: 1 }, UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 2 } },
    });
    assert.equal(
      usageRoundTrip([rule], { usageMegabytes: 1500, at: AT }).sent.text,
      'Used 1500000000 bytes at 03/14/2024 18:45',
    );
  });

  it('a token listed for a unit is case-sensitive and only that token is written', () => {
    const rule = usageRule({ Units: { M: ['MB', 'Mb'], G: ['gb GB'] } });
    assert.equal(
      usageRoundTrip([rule], { usageMegabytes: 2500, at: AT }).sent.text,
      'Used 2.5 GB at 03/14/2024 18:45',
    );
  });

  it('an integer-only number group moves to the unit that needs no decimals', () => {
    const rule = usageRule({ Pattern: 'Used (\\d+) (MB|GB) at (.+)' });
    assert.equal(
      usageRoundTrip([rule], { usageMegabytes: 1234, at: AT }).sent.text,
      'Used 1234 MB at 03/14/2024 18:45',
    );
    assert.equal(
      usageRoundTrip([rule], { usageMegabytes: 3000, at: AT }).sent.text,
      'Used 3 GB at 03/14/2024 18:45',
    );
  });
});

describe('composeOperatorMessage: percentage and overage rules', () => {
  const percentRule = usageRule({
    Pattern: 'You have used (\\d+(?:\\.\\d+)?)% of your (\\d+) GB plan \\((\\d\\d/\\d\\d)\\)',
    Fields: {
      UsagePercentage: { Group: 1 },
      DataLimit: { Group: 2, DefaultUnit: 'G' },
      UsageTimestamp: { Format: '%m/%d', Group: 3 },
    },
  });

  it('UsagePercentage with DataLimit: Windows infers the usage from the percentage', () => {
    const { sent, read } = usageRoundTrip([percentRule], {
      usageMegabytes: 2500,
      dataLimitMegabytes: 10_000,
      at: AT,
    });
    assert.equal(sent.text, 'You have used 25% of your 10 GB plan (03/14)');
    assert.equal(read.fields.usage?.source, 'UsagePercentage');
    assert.equal(
      usageRoundTrip([percentRule], { usageMegabytes: 1234, dataLimitMegabytes: 10_000, at: AT }).sent.text,
      'You have used 12.34% of your 10 GB plan (03/14)',
    );
    assert.equal(
      usageRoundTrip([percentRule], { usageMegabytes: 1, dataLimitMegabytes: 50_000, at: AT }).sent.text,
      'You have used 0.002% of your 50 GB plan (03/14)',
    );
  });

  it('a percentage without DataLimit carries no usage: a clear refusal', () => {
    const rule = usageRule({
      Pattern: '(\\d+)% used (.+)',
      Fields: { UsagePercentage: { Group: 1 }, UsageTimestamp: { Format: '%m/%d', Group: 2 } },
    });
    const error = failure(() =>
      composeOperatorMessage([rule], { kind: 'usage', usageMegabytes: 5, dataLimitMegabytes: 10, at: AT }),
    );
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_NO_RULE');
    assert.match(
      error.message,
      /it has UsagePercentage but no DataLimit, so Windows cannot work out the usage/,
    );
  });

  it('an integer-only percentage that cannot hit the megabyte fails clearly (COMPOSE_FAILED)', () => {
    const rule = structuredClone(percentRule);
    rule.Pattern = 'You have used (\\d+)% of your (\\d+) GB plan \\((\\d\\d/\\d\\d)\\)';
    const error = failure(() =>
      composeOperatorMessage([rule], {
        kind: 'usage',
        usageMegabytes: 1234,
        dataLimitMegabytes: 10_000,
        at: AT,
      }),
    );
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_FAILED');
    assert.match(error.message, /group for UsagePercentage cannot hold the value/);
  });

  it('UsageOverage with DataLimit: usage above the limit, OverLimit true', () => {
    const rule = usageRule({
      Pattern: 'You are (\\d+) MB over your (\\d+) MB plan as of (.+)',
      Fields: {
        UsageOverage: { Group: 1, DefaultUnit: 'M' },
        DataLimit: { Group: 2, DefaultUnit: 'M' },
        UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 3 },
      },
    });
    const { sent, read } = usageRoundTrip([rule], {
      usageMegabytes: 1200,
      dataLimitMegabytes: 1000,
      at: AT,
      overDataLimit: true,
    });
    assert.equal(sent.text, 'You are 200 MB over your 1000 MB plan as of 03/14/2024 18:45');
    assert.equal(read.usageUpdate?.OverLimit, true);
    const error = failure(() =>
      composeOperatorMessage([rule], {
        kind: 'usage',
        usageMegabytes: 800,
        dataLimitMegabytes: 1000,
        at: AT,
      }),
    );
    assert.match(
      error.message,
      /only as an overage over the data limit, so it cannot carry a usage below the limit/,
    );
  });

  it('UsageOveragePercentage with DataLimit', () => {
    const rule = usageRule({
      Pattern: '(\\d+(?:\\.\\d+)?)% over your (\\d+) GB \\((.+)\\)',
      Fields: {
        UsageOveragePercentage: { Group: 1 },
        DataLimit: { Group: 2, DefaultUnit: 'G' },
        UsageTimestamp: { Format: '%m/%d', Group: 3 },
      },
    });
    const { sent } = usageRoundTrip([rule], { usageMegabytes: 12_500, dataLimitMegabytes: 10_000, at: AT });
    assert.equal(sent.text, '25% over your 10 GB (03/14)');
  });

  it('UsageOverage and UsageOveragePercentage without DataLimit', () => {
    const rule = usageRule({
      Pattern: '(\\d+(?:\\.\\d+)?) MB \\((\\d+(?:\\.\\d+)?)%\\) over your plan \\((.+)\\)',
      Fields: {
        UsageOverage: { Group: 1, DefaultUnit: 'M' },
        UsageOveragePercentage: { Group: 2 },
        UsageTimestamp: { Format: '%m/%d', Group: 3 },
      },
    });
    const { sent, read } = usageRoundTrip([rule], { usageMegabytes: 1300, dataLimitMegabytes: 1000, at: AT });
    assert.equal(sent.text, '300 MB (30%) over your plan (03/14)');
    assert.equal(read.fields.usage?.source, 'UsageOverageAndPercentage');
  });
});

describe('composeOperatorMessage: flags', () => {
  const flagRule = usageRule({
    Pattern: 'Used (\\d+) (MB|GB) of (\\d+) GB at (.+)\\. Over: (yes|no)\\. Network: (busy|ok)',
    Fields: {
      Usage: { Group: 1, UnitGroup: 2 },
      DataLimit: { Group: 3, DefaultUnit: 'G' },
      UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 4 },
      OverDataLimit: { Group: 5, TrueToken: 'yes', FalseToken: 'no' },
      Congested: { Group: 6, TrueToken: 'busy', FalseToken: 'ok' },
    },
  });

  it('OverDataLimit and Congested tokens as intended, or as the usage implies', () => {
    const { sent, read } = usageRoundTrip([flagRule], {
      usageMegabytes: 1000,
      dataLimitMegabytes: 2000,
      at: AT,
      congested: true,
    });
    assert.equal(sent.text, 'Used 1 GB of 2 GB at 03/14/2024 18:45. Over: no. Network: busy');
    assert.equal(read.usageUpdate?.Congested, true);
    const over = usageRoundTrip([flagRule], { usageMegabytes: 3000, dataLimitMegabytes: 2000, at: AT });
    assert.match(over.sent.text, /Over: yes\. Network: ok$/);
    assert.equal(over.read.usageUpdate?.OverLimit, true);
    // The operator may say over the limit even when the figures do not show it (e.g. a daily cap).
    const said = usageRoundTrip([flagRule], {
      usageMegabytes: 1000,
      dataLimitMegabytes: 2000,
      at: AT,
      overDataLimit: true,
    });
    assert.match(said.sent.text, /Over: yes/);
  });

  it('an optional OverDataLimit part is written when the known usage and limit make it true', () => {
    const rule = usageRule({
      Pattern: 'Used (\\d+) (MB|GB) at (\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d)(?: \\(over: (yes)\\))?',
      Fields: {
        Usage: { Group: 1, UnitGroup: 2 },
        UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 3 },
        OverDataLimit: { Group: 4, TrueToken: 'yes' },
      },
    });
    const over = usageRoundTrip([rule], { usageMegabytes: 3000, dataLimitMegabytes: 2000, at: AT });
    assert.equal(over.sent.text, 'Used 3 GB at 03/14/2024 18:45 (over: yes)');
    assert.equal(over.read.usageUpdate?.OverLimit, true);
    const under = usageRoundTrip([rule], { usageMegabytes: 1000, dataLimitMegabytes: 2000, at: AT });
    assert.equal(under.sent.text, 'Used 1 GB at 03/14/2024 18:45');
    assert.equal(under.read.usageUpdate?.OverLimit, false);
  });

  it('a Congested intent needs a rule with a Congested field', () => {
    const error = failure(() =>
      composeOperatorMessage(demoSmsRules, {
        kind: 'usage',
        usageMegabytes: 5,
        dataLimitMegabytes: 10,
        at: AT,
        congested: true,
      }),
    );
    assert.match(error.message, /it has no Congested field/);
  });

  it('OverDataLimit without the field is inferred from usage and limit; a contradiction is refused', () => {
    const error = failure(() =>
      composeOperatorMessage(demoSmsRules, {
        kind: 'usage',
        usageMegabytes: 5,
        dataLimitMegabytes: 10,
        at: AT,
        overDataLimit: true,
      }),
    );
    assert.match(error.message, /Windows infers OverLimit false from the usage and the limit/);
  });
});

describe('composeOperatorMessage: refresh and activation triggers', () => {
  it('RefreshProvisioning with a TrueToken that is not the first alternative', () => {
    const rules: Message[] = [
      {
        RuleId: 'settings',
        SMSBearer: [{ Sender: SENDER }],
        Pattern: 'Contoso settings: (keep|update)',
        Fields: { RefreshProvisioning: { Group: 1, TrueToken: 'update', FalseToken: 'keep' } },
      },
    ];
    const sent = composeOperatorMessage(rules, { kind: 'refresh' });
    assert.deepEqual(sent, {
      rule: { index: 0, ruleId: 'settings' },
      bearer: 'sms',
      sender: SENDER,
      text: 'Contoso settings: update',
      classZero: true,
    });
    assert.equal(readBack(rules, sent, AT).refresh, true);
  });

  it('TrueToken lists: the first token the group accepts', () => {
    const rules: Message[] = [
      {
        SMSBearer: [{ Sender: SENDER }],
        Pattern: 'REFRESH=([A-Z]+)',
        Fields: { RefreshProvisioning: { Group: 1, TrueToken: '1 YES', FalseToken: '0 NO' } },
      },
    ];
    assert.equal(composeOperatorMessage(rules, { kind: 'refresh' }).text, 'REFRESH=YES');
  });

  it('ActivationComplete with Default true over USSD; picks the rule by RuleId', () => {
    const rules: Message[] = [
      {
        RuleId: 'first',
        USSDBearer: {},
        Pattern: 'Welcome(?: to Contoso)?!',
        Fields: { ActivationComplete: { Default: true } },
      },
      {
        RuleId: 'second',
        USSDBearer: {},
        Pattern: 'Your Contoso line is active\\.',
        Fields: { ActivationComplete: { Default: true } },
      },
    ];
    const first = composeOperatorMessage(rules, { kind: 'activation-complete' });
    assert.deepEqual(first, {
      rule: { index: 0, ruleId: 'first' },
      bearer: 'ussd',
      text: 'Welcome!',
      classZero: false,
    });
    const second = composeOperatorMessage(rules, { kind: 'activation-complete', ruleId: 'second' });
    assert.equal(second.text, 'Your Contoso line is active.');
    assert.equal(readBack(rules, second, AT).activationComplete, true);
  });

  it('a refresh rule whose Default is false and has no TrueToken never says true', () => {
    const rules: Message[] = [
      { SMSBearer: [{ Sender: SENDER }], Pattern: 'x', Fields: { RefreshProvisioning: { Default: false } } },
    ];
    const error = failure(() => composeOperatorMessage(rules, { kind: 'refresh' }));
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_NO_RULE');
    assert.match(error.message, /no Group and Default is not true/);
  });

  it('a rule that reads usage cannot carry a bare refresh', () => {
    const rules: Message[] = [
      usageRule({
        Fields: {
          Usage: { Group: 1, UnitGroup: 2 },
          UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 3 },
          RefreshProvisioning: { Default: true },
        },
      }),
    ];
    const error = failure(() => composeOperatorMessage(rules, { kind: 'refresh' }));
    assert.match(error.message, /it also reads Usage, which a RefreshProvisioning message does not carry/);
  });
});

describe('composeOperatorMessage: Pattern syntax', () => {
  it('named groups, non-capturing groups, alternation, {n,m}, classes, backreferences and lookaheads', () => {
    const rule = usageRule({
      Pattern:
        '(?:INFO|Usage)(?=:)[:;] {1,3}(?<used>\\d+(?:[.]\\d{1,3})?)\\s*(MB|GB)(?:, limit (\\d+) GB)? \\[(\\w{2,})\\] \\4 @ ([^\\n]+)',
      Fields: {
        Usage: { Group: 1, UnitGroup: 2 },
        DataLimit: { Group: 3, DefaultUnit: 'G' },
        UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 5 },
      },
    });
    const { sent } = usageRoundTrip([rule], { usageMegabytes: 1500, dataLimitMegabytes: 5000, at: AT });
    assert.equal(sent.text, 'INFO: 1.5 GB, limit 5 GB [aa] aa @ 03/14/2024 18:45');
  });

  it('the alternative that holds the fields is chosen', () => {
    const rule = usageRule({
      Pattern: 'Welcome to Contoso|Hello|Used (\\d+) (MB|GB) at (.+)',
    });
    assert.equal(
      usageRoundTrip([rule], { usageMegabytes: 5, at: AT }).sent.text,
      'Used 5 MB at 03/14/2024 18:45',
    );
  });

  it('a text an earlier rule would consume first fails clearly', () => {
    const rules: Message[] = [
      { RuleId: 'all', SMSBearer: [{ Sender: SENDER, ClassZeroOnly: false }], Pattern: '[^]*' },
      usageRule({}),
    ];
    const error = failure(() => composeOperatorMessage(rules, { kind: 'usage', usageMegabytes: 5, at: AT }));
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_FAILED');
    assert.match(error.message, /would be consumed by rule 1 first/);
    assert.match(error.message, /rule 1 \(RuleId "all"\): it has no Fields/);
  });

  it('a rule without bearer, a field without its group, a bandwidth field: each refused with its reason', () => {
    const rules: Message[] = [
      usageRule({ RuleId: 'nobearer', SMSBearer: undefined }),
      usageRule({
        RuleId: 'nogroup',
        Fields: { Usage: { Group: 7 }, UsageTimestamp: { Format: '%m/%d', Group: 3 } },
      }),
      usageRule({
        RuleId: 'speed',
        Pattern: 'Used (\\d+) (MB|GB) at (.+) at (\\d+) kbps',
        Fields: {
          Usage: { Group: 1, UnitGroup: 2 },
          UsageTimestamp: { Format: '%m/%d', Group: 3 },
          InboundBandwidth: { Group: 4, DefaultUnit: 'K' },
        },
      }),
    ];
    const error = failure(() => composeOperatorMessage(rules, { kind: 'usage', usageMegabytes: 5, at: AT }));
    assert.equal(error.code, 'MBPROV_SMS_COMPOSE_NO_RULE');
    assert.match(error.message, /"nobearer"\): it has no bearer/);
    assert.match(error.message, /"nogroup"\): Fields Usage Group="7" but the Pattern has 3 capturing groups/);
    assert.match(error.message, /"speed"\): it reads InboundBandwidth, which a usage message does not carry/);
  });

  it('an unknown RuleId, no rules at all, and malformed intents are clear errors', () => {
    assert.match(
      failure(() => composeOperatorMessage(demoSmsRules, { kind: 'refresh', ruleId: 'nope' })).message,
      /No operator message rule has RuleId "nope"/,
    );
    assert.equal(
      failure(() => composeOperatorMessage([], { kind: 'refresh' })).code,
      'MBPROV_SMS_COMPOSE_NO_RULE',
    );
    const bad: ComposeIntent[] = [
      { kind: 'usage', usageMegabytes: -1, at: AT },
      { kind: 'usage', usageMegabytes: Number.NaN, at: AT },
      { kind: 'usage', usageMegabytes: 1, dataLimitMegabytes: Number.POSITIVE_INFINITY, at: AT },
      { kind: 'usage', usageMegabytes: 1, at: new Date('nope') },
      { kind: 'usage', usageMegabytes: 1, at: AT, timeZoneOffsetMinutes: Number.NaN },
      { kind: 'bill' } as unknown as ComposeIntent,
    ];
    for (const intent of bad) {
      const error = failure(() => composeOperatorMessage(demoSmsRules, intent));
      assert.equal(error.code, 'MBPROV_SMS_COMPOSE_INTENT_INVALID', JSON.stringify(intent));
      assert.equal(error.status, 400);
    }
  });
});

describe('composeOperatorMessage: many random usages read back as intended', () => {
  const rules: Array<[string, Messages | Message[]]> = [
    ['demo', demoSmsRules],
    [
      'German',
      [
        usageRule({
          Pattern: 'Verbrauch: ([\\d.]+(?:,\\d+)?) (MB|GB|TB) von (\\d+(?:,\\d+)?) (GB) am (.+)',
          Locale: 'de-DE',
          Units: { M: ['MB'], G: ['GB'], T: ['TB'] },
          Fields: {
            Usage: { Group: 1, UnitGroup: 2 },
            DataLimit: { Group: 3, UnitGroup: 4 },
            UsageTimestamp: { Format: '%d.%m.%Y %H:%M', Group: 5 },
          },
        }),
      ],
    ],
    [
      'binary',
      [
        usageRule({
          Pattern: 'Used ([\\d,.]+) ?(KiB|MiB|GiB|TiB) at (.+)',
          Units: { Ki: ['KiB'], Mi: ['MiB'], Gi: ['GiB'], Ti: ['TiB'] },
        }),
      ],
    ],
    [
      'percentage',
      [
        usageRule({
          Pattern: '(\\d+(?:\\.\\d+)?)% of (\\d+(?:\\.\\d+)?) (GB|MB) used at (.+)',
          Fields: {
            UsagePercentage: { Group: 1 },
            DataLimit: { Group: 2, UnitGroup: 3 },
            UsageTimestamp: { Format: '%#I:%M %p %m/%d', Group: 4 },
          },
        }),
      ],
    ],
  ];
  const next = seededRandom(20240314);

  for (const [name, set] of rules) {
    it(`${name}: 300 random usages, limits, times and time zones`, () => {
      for (let i = 0; i < 300; i++) {
        const scale = 10 ** Math.floor(next() * 7); // 1 MB .. 1 TB
        const usageMegabytes = Math.round(next() * scale * 1000) / 1000;
        const dataLimitMegabytes = Math.max(1, Math.round(next() * 10 * scale));
        const at = new Date(Date.UTC(2020, 0, 1) + Math.floor(next() * 6 * 365 * 86_400) * 1000);
        const timeZoneOffsetMinutes = Math.round(next() * 26 - 12) * 60;
        const { read, sent } = usageRoundTrip(set, {
          usageMegabytes,
          dataLimitMegabytes,
          at,
          timeZoneOffsetMinutes,
        });
        assert.ok(read.fields.usageTimestamp, sent.text);
        const read_at = new Date(read.fields.usageTimestamp as string).getTime();
        assert.ok(Math.abs(read_at - at.getTime()) < 60_000, `${sent.text}: ${read.fields.usageTimestamp}`);
      }
    });
  }
});
