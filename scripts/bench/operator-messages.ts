// Operator message throughput: evaluateOperatorMessage against a 20-rule set (the matching rule last), beside the
// raw RegExp test of the same 20 whole-text patterns measured in the same run, so the ratio is the engine's overhead
// (bearer/sender/class checks, rule cache, field extraction: locale numbers, units, timestamp, usage update).
import { evaluateOperatorMessage, type Message, type Messages, type OperatorMessage } from '@mbprov/core';
import { compareRates, fmt, type Row, type SuiteResult } from './measure.ts';

const SENDER = '+18005551212';
const BATCH = 200;

/** Nineteen realistic operator texts the usage message must not match, then the usage rule. */
function ruleSet(withFields: boolean): Messages {
  const others = [
    'Your bill of \\$(\\d+\\.\\d\\d) is due on (\\d\\d/\\d\\d)\\.',
    'Welcome to Contoso roaming in ([A-Za-z ]+)\\. Data costs \\$(\\d+)/MB\\.',
    'You are back on the Contoso home network\\.',
    'Your data plan expires on (\\d\\d/\\d\\d/\\d{4})\\. Reply RENEW to renew\\.',
    'Your data plan has been renewed\\.',
    'Your Contoso PIN is (\\d{4,8})\\.',
    'REFRESH',
    'ACTIVATED (\\w+)',
    'Network congestion in your area: (\\w+)',
    'Your speed is now (\\d+) (kbps|Mbps)\\.',
    'You have reached (\\d+)% of your allowance\\.',
    'You are (\\d+) MB over your allowance\\.',
    'Plan changed to (unlimited|capped|payg)\\.',
    'Top up \\$(\\d+) received\\. Balance \\$(\\d+\\.\\d\\d)\\.',
    'Low balance: \\$(\\d+\\.\\d\\d)\\.',
    'Tethering is (enabled|disabled) on your plan\\.',
    'Your voicemail has (\\d+) new messages?\\.',
    'Service message: [^]*maintenance[^]*',
    'Promo: [^]*',
  ];
  const usage: Message = {
    RuleId: 'usage',
    SMSBearer: [{ Sender: SENDER }],
    Pattern: 'You have used (\\S+) ?(MB|GB) of (\\S+) ?(MB|GB) as of (\\d\\d/\\d\\d/\\d{4} \\d\\d:\\d\\d)\\.',
    Locale: 'English_United States.1252',
    Units: { M: ['MB'], G: ['GB'] },
    ...(withFields
      ? {
          Fields: {
            Usage: { Group: 1, UnitGroup: 2 },
            UsageTimestamp: { Format: '%m/%d/%Y %H:%M', Group: 5 },
            DataLimit: { Group: 3, UnitGroup: 4 },
          },
        }
      : {}),
  };
  return {
    Message: [
      ...others.map((Pattern, i) => ({ RuleId: `r${i}`, SMSBearer: [{ Sender: SENDER }], Pattern })),
      usage,
    ],
  };
}

export function runOperatorMessages(): SuiteResult {
  const rules = ruleSet(true);
  const bare = ruleSet(false);
  const regexes = rules.Message.map((m) => new RegExp(`^(?:${m.Pattern})$`));
  const receivedAt = new Date('2024-03-15T12:00:00Z');
  const usage: OperatorMessage = {
    bearer: 'sms',
    sender: SENDER,
    classZero: true,
    text: 'You have used 1,234.5 MB of 5 GB as of 03/14/2024 18:45.',
    receivedAt,
  };
  const other: OperatorMessage = { ...usage, text: 'Hello from Contoso: your order has shipped.' };

  const first = evaluateOperatorMessage(rules, usage);
  if (!first.matched || first.ruleIndex !== 19 || first.usageUpdate?.CurrentUsage !== 1235) {
    throw new Error(`benchmark rule set does not behave: ${JSON.stringify(first)}`);
  }
  if (evaluateOperatorMessage(rules, other).matched) throw new Error('the non-matching message matched');

  let sink = 0;
  /** The raw baseline: the same 20 anchored patterns tested in order until one matches. */
  const raw = (text: string) => () => {
    for (let n = 0; n < BATCH; n++) {
      for (let i = 0; i < regexes.length; i++) {
        if ((regexes[i] as RegExp).test(text)) {
          sink += i;
          break;
        }
      }
    }
    return BATCH;
  };
  const engine = (set: Messages, message: OperatorMessage) => () => {
    for (let n = 0; n < BATCH; n++) sink += evaluateOperatorMessage(set, message).matched ? 1 : 0;
    return BATCH;
  };
  const { rates, ratio } = compareRates({
    rawMatch: raw(usage.text),
    engineMatch: engine(rules, usage),
    engineMatchNoFields: engine(bare, usage),
    rawMiss: raw(other.text),
    engineMiss: engine(rules, other),
  });
  if (sink < 0) throw new Error('unreachable');

  const rows: Row[] = [
    {
      name: 'usage SMS matching rule 20 of 20: raw RegExp.test of the 20 patterns',
      value: rates.rawMatch,
      unit: 'messages/s',
      baseline: 'baseline',
      ratio: 1,
    },
    {
      name: 'usage SMS matching rule 20 of 20: evaluateOperatorMessage (Usage, DataLimit, UsageTimestamp)',
      value: rates.engineMatch,
      unit: 'messages/s',
      baseline: 'raw RegExp',
      ratio: ratio('engineMatch', 'rawMatch'),
    },
    {
      name: 'usage SMS matching rule 20 of 20: evaluateOperatorMessage, rule without Fields',
      value: rates.engineMatchNoFields,
      unit: 'messages/s',
      baseline: 'raw RegExp',
      ratio: ratio('engineMatchNoFields', 'rawMatch'),
    },
    {
      name: 'SMS matching no rule: raw RegExp.test of the 20 patterns',
      value: rates.rawMiss,
      unit: 'messages/s',
      baseline: 'baseline',
      ratio: 1,
    },
    {
      name: 'SMS matching no rule: evaluateOperatorMessage',
      value: rates.engineMiss,
      unit: 'messages/s',
      baseline: 'raw RegExp',
      ratio: ratio('engineMiss', 'rawMiss'),
    },
  ];
  return {
    title: 'Operator messages',
    description:
      'SMS evaluated per second on one core against 20 rules from the same sender (every Pattern is tried; the usage rule is last). The baseline runs the same 20 anchored regular expressions with RegExp.test in the same run, so the ratio is what the engine adds: bearer, sender and class checks, the compiled-rule cache, and for the match, reading the fields (locale number, units, timestamp) and building the usage update.',
    rows,
  };
}

export { fmt };
