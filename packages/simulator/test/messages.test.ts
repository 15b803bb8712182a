// Operator messages on the PC: rules provisioned in MBNProfiles/Messages consume SMS/USSD texts, update the plan's
// usage (account provisioning page, *Update data usage by using an SMS message*) and can trigger a refresh.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Messages } from '@mbprov/core';
import { Machine } from '../src/index.ts';
import { CARRIER, NOW, purchaseDocument, xml } from './helpers/documents.ts';

const carrierKey = CARRIER.toLowerCase();
const rules: Messages = {
  Message: [
    {
      RuleId: 'usage',
      Silent: false,
      SMSBearer: [{ Sender: '+18005551212', ClassZeroOnly: false }],
      Pattern: 'Used (\\d+(?:\\.\\d+)?) ?(MB|GB) of (\\d+) ?(MB|GB) as of (\\d\\d/\\d\\d \\d\\d:\\d\\d)',
      Units: { M: ['MB'], G: ['GB'] },
      Fields: {
        Usage: { Group: 1, UnitGroup: 2 },
        DataLimit: { Group: 3, UnitGroup: 4 },
        UsageTimestamp: { Format: '%m/%d %H:%M', Group: 5 },
      },
    },
    {
      RuleId: 'refresh',
      USSDBearer: {},
      Pattern: 'REFRESH',
      Fields: { RefreshProvisioning: { Default: true } },
    },
  ],
};

function pc(): Machine {
  const m = Machine.create({ now: NOW });
  const model = purchaseDocument();
  (model.MBNProfiles as { Messages?: Messages }).Messages = rules;
  model.Provisioning = { RefreshParameters: { DelayInDays: 30, RefreshURL: 'https://portal.example/r/1' } };
  m.provision(xml(model), { source: 'app' });
  return m;
}

describe('operator messages on the PC', () => {
  it('a usage SMS from the allowed sender updates the plan the DefaultProfile names', () => {
    const m = pc();
    m.advance(3_600_000);
    const outcome = m.receiveMessage({
      bearer: 'sms',
      sender: '+18005551212',
      text: 'Used 1.5 GB of 10 GB as of 11/21 00:30',
    });
    assert.equal(outcome.consumed, true);
    const usage = m.state.carriers[carrierKey]?.Plans.Monthly?.Usage;
    assert.equal(usage?.CurrentUsage, 1500);
    assert.equal(usage?.UsageTimestamp, '2026-11-21T00:30:00.000Z');
    assert.equal(m.state.carriers[carrierKey]?.Plans.Monthly?.Description?.DataLimitInMegabytes, 10000);
  });

  it('a rule that is not Silent raises SmsMessageReceived besides MobileOperatorNotification, and is logged', () => {
    const m = pc();
    m.receiveMessage({ bearer: 'sms', sender: '+18005551212', text: 'Used 1 MB of 10 GB as of 11/21 00:10' });
    assert.deepEqual(m.state.messages.at(-1)?.events, ['MobileOperatorNotification', 'SmsMessageReceived']);
    assert.equal(m.state.messages.at(-1)?.ruleId, 'usage');
  });

  it('a message from another sender is not consumed and changes no usage', () => {
    const m = pc();
    const outcome = m.receiveMessage({
      bearer: 'sms',
      sender: '18005551212',
      text: 'Used 9 GB of 10 GB as of 11/21 00:10',
    });
    assert.equal(outcome.consumed, false);
    assert.equal(m.state.carriers[carrierKey]?.Plans.Monthly?.Usage?.CurrentUsage, 0);
  });

  it('a USSD RefreshProvisioning message makes the refresh due at once', () => {
    const m = pc();
    assert.deepEqual(m.dueRefreshes(), []);
    const outcome = m.receiveMessage({ bearer: 'ussd', text: 'REFRESH' });
    assert.equal(outcome.consumed && outcome.refreshTriggered, true);
    assert.deepEqual(m.dueRefreshes(), [{ carrierId: carrierKey, reason: 'sms' }]);
  });
});
