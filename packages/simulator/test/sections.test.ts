// How each section is applied, rule by rule, from the account provisioning page: permitted combinations, Wi-Fi
// profile semantics, best-effort partial failure with HRESULTs, activation directives, trust and refresh scheduling.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HRESULT, Machine } from '../src/index.ts';
import { CARRIER, doc, NOW, OTHER_CARRIER, purchaseDocument, wlan, xml } from './helpers/documents.ts';

const carrierKey = CARRIER.toLowerCase();
const fresh = (options: Parameters<typeof Machine.create>[0] = {}) =>
  Machine.create({ now: NOW, ...options });
const apply = (m: Machine, model: ReturnType<typeof doc>) => m.provision(xml(model), { source: 'app' });

describe('permitted combinations', () => {
  it('profiles + plans with description and usage: creates the profiles and the plan with its usage', () => {
    const m = fresh();
    const outcome = apply(m, purchaseDocument());
    assert.equal(outcome.ok, true);
    const c = m.state.carriers[carrierKey];
    assert.equal(c?.DefaultProfile?.Context?.AccessString, 'internet.contoso.com');
    assert.equal(c?.Plans.Monthly?.Description?.DataLimitInMegabytes, 10240);
    assert.equal(c?.Plans.Monthly?.Usage?.CurrentUsage, 0);
    assert.deepEqual(
      c?.WLANProfiles.map((p) => p.name),
      ['Contoso Hotspot'],
    );
  });

  it('a profile naming a plan missing from the file is an error for that profile (80070490), the rest applies', () => {
    const model = purchaseDocument();
    (model.MBNProfiles?.DefaultProfile as { AssociatedPlan: string }).AssociatedPlan = 'Gone';
    const m = fresh();
    const outcome = apply(m, model);
    assert.equal(outcome.result.MBNProfiles?.DefaultProfile?.errorCode, HRESULT.NOT_FOUND);
    assert.equal(outcome.result.WLANProfiles?.items[0]?.errorCode, HRESULT.S_OK);
    assert.equal(outcome.ok, false);
    assert.equal(m.state.carriers[carrierKey]?.DefaultProfile, undefined);
  });

  it('a plan that no profile in the file names is a warning (S_FALSE), and still applied', () => {
    const model = purchaseDocument();
    model.Plans?.Plan.push({ Name: 'Spare', Description: { PlanType: 'Unrestricted' } });
    const m = fresh();
    const outcome = apply(m, model);
    assert.deepEqual(
      outcome.result.Plans?.items.map((i) => [i.name, i.errorCode]),
      [
        ['Monthly', HRESULT.S_OK],
        ['Spare', HRESULT.S_FALSE],
      ],
    );
    assert.equal(outcome.ok, true, 'a warning is not a failure');
    assert.ok(m.state.carriers[carrierKey]?.Plans.Spare);
  });

  it('plans only: updates plan information for existing profiles without touching the profiles', () => {
    const m = fresh();
    apply(m, purchaseDocument());
    const outcome = apply(
      m,
      doc({
        Plans: {
          Plan: [{ Name: 'Monthly', Description: { PlanType: 'Fixed', DataLimitInMegabytes: 20480 } }],
        },
      }),
    );
    assert.equal(outcome.result.Plans?.items[0]?.errorCode, HRESULT.S_OK);
    const c = m.state.carriers[carrierKey];
    assert.equal(c?.Plans.Monthly?.Description?.DataLimitInMegabytes, 20480);
    assert.equal(c?.DefaultProfile?.Name, 'Contoso Internet');
    assert.deepEqual(
      c?.WLANProfiles.map((p) => p.name),
      ['Contoso Hotspot'],
    );
  });

  it('plans only: a warning when no profile on the PC names the plan', () => {
    const m = fresh();
    apply(m, purchaseDocument());
    const outcome = apply(
      m,
      doc({ Plans: { Plan: [{ Name: 'Weekend', Description: { PlanType: 'Unrestricted' } }] } }),
    );
    assert.equal(outcome.result.Plans?.items[0]?.errorCode, HRESULT.S_FALSE);
  });

  it('usage only: updates usage of existing plans without touching their description', () => {
    const m = fresh();
    apply(m, purchaseDocument());
    const outcome = apply(
      m,
      doc({
        Plans: {
          Plan: [{ Name: 'Monthly', Usage: { CurrentUsage: 512, UsageTimestamp: '2026-11-22T00:00:00Z' } }],
        },
      }),
    );
    assert.equal(outcome.ok, true);
    const plan = m.state.carriers[carrierKey]?.Plans.Monthly;
    assert.equal(plan?.Usage?.CurrentUsage, 512);
    assert.equal(plan?.Description?.DataLimitInMegabytes, 10240);
  });

  it('usage only for a plan the PC does not have fails for that plan (80070490)', () => {
    const outcome = apply(
      fresh(),
      doc({ Plans: { Plan: [{ Name: 'Nope', Usage: { CurrentUsage: 1, UsageTimestamp: NOW } }] } }),
    );
    assert.equal(outcome.result.Plans?.items[0]?.errorCode, HRESULT.NOT_FOUND);
  });
});

describe('Wi-Fi profiles', () => {
  const names = (m: Machine) => m.state.carriers[carrierKey]?.WLANProfiles.map((p) => p.name);

  it('section omitted: the Wi-Fi profiles on the PC are left unchanged', () => {
    const m = fresh();
    apply(m, doc({ WLANProfiles: { WLANProfile: [wlan('A'), wlan('B')] } }));
    apply(m, doc({ Plans: { Plan: [{ Name: 'P', Description: { PlanType: 'Unrestricted' } }] } }));
    assert.deepEqual(names(m), ['A', 'B']);
  });

  it('section present: profiles no longer listed are deleted, listed ones created or updated', () => {
    const m = fresh();
    apply(m, doc({ WLANProfiles: { WLANProfile: [wlan('A'), wlan('B')] } }));
    const updatedB = wlan('B');
    updatedB.SSIDConfig.SSID = [{ name: 'B-new' }];
    apply(m, doc({ WLANProfiles: { WLANProfile: [updatedB, wlan('C')] } }));
    assert.deepEqual(names(m), ['B', 'C']);
    assert.equal(m.state.carriers[carrierKey]?.WLANProfiles[0]?.SSIDConfig.SSID[0]?.name, 'B-new');
  });

  it('an empty section deletes all of the carrier profiles', () => {
    const m = fresh();
    apply(m, doc({ WLANProfiles: { WLANProfile: [wlan('A'), wlan('B')] } }));
    const outcome = apply(m, doc({ WLANProfiles: { WLANProfile: [] } }));
    assert.deepEqual(names(m), []);
    assert.equal(outcome.ok, true);
  });

  it("deletion never touches the user's own profiles or another provider's", () => {
    const m = fresh({ userWlanProfiles: ['Home'] });
    apply(m, doc({ WLANProfiles: { WLANProfile: [wlan('Other Hotspot')] } }, OTHER_CARRIER));
    apply(m, doc({ WLANProfiles: { WLANProfile: [] } }));
    assert.deepEqual(m.state.userWlanProfiles, ['Home']);
    assert.deepEqual(
      m.state.carriers[OTHER_CARRIER.toLowerCase()]?.WLANProfiles.map((p) => p.name),
      ['Other Hotspot'],
    );
  });

  it("a profile with the name of the user's own profile is access denied (80070005), per profile", () => {
    const m = fresh({ userWlanProfiles: ['Home'] });
    const outcome = apply(m, doc({ WLANProfiles: { WLANProfile: [wlan('Home'), wlan('Contoso')] } }));
    assert.deepEqual(
      outcome.result.WLANProfiles?.items.map((i) => [i.name, i.errorCode]),
      [
        ['Home', HRESULT.ACCESS_DENIED],
        ['Contoso', HRESULT.S_OK],
      ],
    );
    assert.match(outcome.xml, /<WLANProfile errorCode="80070005" name="Home"\/>/);
  });
});

describe('best-effort partial failure', () => {
  it('WLAN service not running: the whole WLANProfiles section fails with 80070426, other sections apply', () => {
    const m = fresh({ capabilities: { wlanServiceRunning: false } });
    const outcome = apply(m, purchaseDocument());
    assert.equal(outcome.result.WLANProfiles?.errorCode, HRESULT.SERVICE_NOT_ACTIVE);
    assert.match(outcome.xml, /<WLANProfiles errorCode="80070426"\/>/);
    assert.equal(outcome.result.MBNProfiles?.DefaultProfile?.errorCode, HRESULT.S_OK);
    assert.equal(outcome.ok, false);
  });

  it('no Wi-Fi adapter: WLANProfiles fails with 8007048f', () => {
    assert.equal(
      apply(fresh({ capabilities: { wifi: false } }), purchaseDocument()).result.WLANProfiles?.errorCode,
      HRESULT.DEVICE_NOT_CONNECTED,
    );
  });

  it('no mobile broadband device: MBNProfiles and Activation fail with 8007048f, Wi-Fi applies', () => {
    const model = purchaseDocument();
    model.Activation = { ReconnectToNetwork: {} };
    const outcome = apply(fresh({ capabilities: { mobileBroadband: false } }), model);
    assert.equal(outcome.result.MBNProfiles?.errorCode, HRESULT.DEVICE_NOT_CONNECTED);
    assert.equal(outcome.result.Activation?.errorCode, HRESULT.DEVICE_NOT_CONNECTED);
    assert.equal(outcome.result.WLANProfiles?.items[0]?.errorCode, HRESULT.S_OK);
  });

  it('no SIM: MBNProfiles fails with 80070015', () => {
    const m = fresh();
    delete m.state.capabilities.sim;
    assert.equal(apply(m, purchaseDocument()).result.MBNProfiles?.errorCode, HRESULT.NOT_READY);
  });

  it('every profile failing with the same error is reported once on the section', () => {
    const m = fresh({ userWlanProfiles: ['A', 'B'] });
    const outcome = apply(m, doc({ WLANProfiles: { WLANProfile: [wlan('A'), wlan('B')] } }));
    assert.equal(outcome.result.WLANProfiles?.errorCode, HRESULT.ACCESS_DENIED);
    assert.match(outcome.xml, /<WLANProfiles errorCode="80070005"\/>/);
  });

  it('an SMS rule whose pattern does not compile fails the Messages (80070057) and keeps the previous rules', () => {
    const m = fresh();
    const rules = { Message: [{ SMSBearer: [{ Sender: '+18005551212' }], Pattern: 'ok' }] };
    apply(m, doc({ MBNProfiles: { Messages: rules } }));
    const outcome = apply(
      m,
      doc({ MBNProfiles: { Messages: { Message: [{ SMSBearer: [{ Sender: '+1' }], Pattern: '(' }] } } }),
    );
    assert.equal(outcome.result.Messages?.errorCode, HRESULT.INVALID_ARG);
    assert.deepEqual(m.state.carriers[carrierKey]?.Messages, rules);
  });
});

describe('activation directives on the virtual clock', () => {
  it('ReregisterToNetwork with Delay, RetryCount and RetryInterval is recorded at now + Delay', () => {
    const m = fresh();
    apply(
      m,
      doc({ Activation: { ReregisterToNetwork: { Delay: 'PT30S', RetryCount: 3, RetryInterval: 'PT1M' } } }),
    );
    assert.deepEqual(m.state.activations, [
      {
        carrierId: carrierKey,
        kind: 'ReregisterToNetwork',
        at: '2026-11-21T00:00:30.000Z',
        retryCount: 3,
        retryInterval: 'PT1M',
      },
    ]);
  });

  it('ReconnectToNetwork uses the defaults: no delay, no retry, PT1M interval', () => {
    const m = fresh();
    apply(m, doc({ Activation: { ReconnectToNetwork: {} } }));
    assert.deepEqual(m.state.activations[0], {
      carrierId: carrierKey,
      kind: 'ReconnectToNetwork',
      at: NOW,
      retryCount: 0,
      retryInterval: 'PT1M',
    });
  });

  it('ServiceActivation hands CarrierSpecificData to the device as is', () => {
    const m = fresh();
    apply(m, doc({ Activation: { ServiceActivation: { CarrierSpecificData: 'YXJiaXRyYXJ5ZGF0YQ==' } } }));
    assert.equal(m.state.activations[0]?.carrierSpecificData, 'YXJiaXRyYXJ5ZGF0YQ==');
  });

  it('directives are recorded in order, on the clock as it advances', () => {
    const m = fresh();
    apply(m, doc({ Activation: { ReconnectToNetwork: { Delay: 'PT10S' } } }));
    m.advance(60_000);
    apply(m, doc({ Activation: { ReregisterToNetwork: {} } }));
    assert.deepEqual(
      m.state.activations.map((a) => [a.kind, a.at]),
      [
        ['ReconnectToNetwork', '2026-11-21T00:00:10.000Z'],
        ['ReregisterToNetwork', '2026-11-21T00:01:00.000Z'],
      ],
    );
  });
});

describe('provisioning section', () => {
  it('RefreshParameters schedule a refresh DelayInDays later and keep the credentials', () => {
    const m = fresh();
    apply(
      m,
      doc({
        Provisioning: {
          RefreshParameters: {
            DelayInDays: 30,
            RefreshURL: 'https://portal.example/refresh/1',
            UserName: 'u',
            Password: 'p',
          },
        },
      }),
    );
    assert.deepEqual(m.state.carriers[carrierKey]?.refresh, {
      RefreshURL: 'https://portal.example/refresh/1',
      UserName: 'u',
      Password: 'p',
      DelayInDays: 30,
      dueAt: '2026-12-21T00:00:00.000Z',
    });
    assert.deepEqual(m.dueRefreshes(), []);
    m.advanceDays(30);
    assert.deepEqual(m.dueRefreshes(), [{ carrierId: carrierKey, reason: 'timer' }]);
  });

  it('RefreshParameters without DelayInDays schedule no timed refresh (only an SMS trigger refreshes)', () => {
    const m = fresh();
    apply(
      m,
      doc({ Provisioning: { RefreshParameters: { RefreshURL: 'https://portal.example/refresh/1' } } }),
    );
    m.advanceDays(800);
    assert.deepEqual(m.dueRefreshes(), []);
  });
});

// Issue 12 (docs/validation.md, "Decisions where the documents are silent or wrong"): the simulator follows each.
describe('Windows fidelity decisions', () => {
  const names = (m: Machine) => m.state.carriers[carrierKey]?.WLANProfiles.map((p) => p.name);

  it('a DefaultProfile without Context/AccessString (CDMA, a network-assigned APN) is applied', () => {
    const model = purchaseDocument();
    delete model.MBNProfiles?.DefaultProfile?.Context;
    const m = fresh();
    const outcome = apply(m, model);
    assert.equal(outcome.ok, true);
    assert.equal(outcome.result.MBNProfiles?.DefaultProfile?.errorCode, HRESULT.S_OK);
    assert.equal(m.state.carriers[carrierKey]?.DefaultProfile?.Name, 'Contoso Internet');
  });

  it('a Branding Logo that is not PNG or BMP is ignored without error, like any Branding', () => {
    const model = purchaseDocument();
    (model.MBNProfiles as { Branding?: object }).Branding = {
      Logo: Buffer.from('GIF89a-not-a-png').toString('base64'),
      Name: 'Contoso',
    };
    const outcome = apply(fresh(), model);
    assert.equal(outcome.ok, true);
    assert.equal(outcome.result.MBNProfiles?.DefaultProfile?.errorCode, HRESULT.S_OK);
  });

  it('an SMS rule whose UsageTimestamp uses %b is provisioned; its usage is read and timed at receipt', () => {
    const model = purchaseDocument();
    (model.MBNProfiles as { Messages?: object }).Messages = {
      Message: [
        {
          SMSBearer: [{ Sender: '+18005551212', ClassZeroOnly: false }],
          Pattern: 'Used (\\d+) MB as of (.+)',
          Fields: { Usage: { Group: 1, DefaultUnit: 'M' }, UsageTimestamp: { Group: 2, Format: '%d %b' } },
        },
      ],
    };
    const m = fresh();
    const outcome = apply(m, model);
    assert.equal(outcome.ok, true);
    assert.equal(m.state.carriers[carrierKey]?.Messages?.Message.length, 1);
    const received = m.receiveMessage({
      bearer: 'sms',
      sender: '+18005551212',
      text: 'Used 700 MB as of 20 Nov',
    });
    assert.equal(received.consumed, true);
    const usage = m.state.carriers[carrierKey]?.Plans.Monthly?.Usage;
    assert.equal(usage?.CurrentUsage, 700);
    assert.equal(usage?.UsageTimestamp, NOW);
  });

  it('ten WLAN profiles apply; eleven fail the whole section (80070057) and keep the profiles on the PC', () => {
    const m = fresh();
    const ten = Array.from({ length: 10 }, (_, i) => wlan(`W${i + 1}`));
    assert.equal(apply(m, doc({ WLANProfiles: { WLANProfile: ten } })).ok, true);
    assert.equal(names(m)?.length, 10);
    const eleven = Array.from({ length: 11 }, (_, i) => wlan(`X${i + 1}`));
    const outcome = apply(m, doc({ WLANProfiles: { WLANProfile: eleven } }));
    assert.equal(outcome.ok, false);
    assert.equal(outcome.result.WLANProfiles?.errorCode, HRESULT.INVALID_ARG);
    assert.deepEqual(outcome.result.WLANProfiles?.items, []);
    assert.deepEqual(
      names(m),
      ten.map((p) => p.name),
    );
  });

  it('25 v1 + 10,000 v2 SSIDs apply (the schema\'s "additional 10000", not the page\'s "10,000 in total"); 10,001 v2 fail that profile alone (80070057)', () => {
    const big = wlan('Big');
    big.SSIDConfig = {
      SSID: Array.from({ length: 25 }, (_, i) => ({ name: `V1-${i}` })),
      v2SSID: Array.from({ length: 10_000 }, (_, i) => ({ name: `V2-${i}` })),
    };
    const m = fresh();
    assert.equal(apply(m, doc({ WLANProfiles: { WLANProfile: [big, wlan('Small')] } })).ok, true);
    assert.deepEqual(names(m), ['Big', 'Small']);
    big.SSIDConfig.v2SSID?.push({ name: 'one-over-the-schema' });
    const outcome = apply(m, doc({ WLANProfiles: { WLANProfile: [big, wlan('Small')] } }));
    assert.deepEqual(
      outcome.result.WLANProfiles?.items.map((i) => [i.name, i.errorCode]),
      [
        ['Big', HRESULT.INVALID_ARG],
        ['Small', HRESULT.S_OK],
      ],
    );
    assert.deepEqual(names(m), ['Small']);
  });

  it('a WISPr profile with an internationalized TrustedDomain and a trailing dot is applied as given', () => {
    const hotspot = wlan('IDN Hotspot');
    (hotspot.MSM?.security as { HotspotProfile?: object }).HotspotProfile = {
      ExtAuth: { ExtensionId: 'Contoso.App_abc' },
      TrustedDomains: { TrustedDomain: ['bücher.example', 'xn--bcher-kva.example.'] },
    };
    const m = fresh();
    assert.equal(apply(m, doc({ WLANProfiles: { WLANProfile: [hotspot] } })).ok, true);
    assert.deepEqual(
      m.state.carriers[carrierKey]?.WLANProfiles[0]?.MSM?.security?.HotspotProfile?.TrustedDomains
        ?.TrustedDomain,
      ['bücher.example', 'xn--bcher-kva.example.'],
    );
  });
});
