// The Mobile Plans launch as the documentation's examples give it (mobile-plans-web-portal.md): parameters, the
// X-MP-LPAError-* headers, what each documented result tells the customer, and the hand-over script parsing as ES5.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'acorn';
import {
  ACTIVATION_RESULTS,
  ESIM_OPERATION_STATUSES,
  nextStepOf,
  REGISTRATION_STATES,
} from '../src/mobile-plans/esim-results.ts';
import { MAX_LAUNCH_ICCIDS, parseMobilePlansLaunch } from '../src/mobile-plans/launch-parameters.ts';
import { MAX_LPA_ERRORS, readLpaErrors } from '../src/mobile-plans/lpa-errors.ts';
import {
  cancelledMetadata,
  completedMetadata,
  purchaseNotification,
} from '../src/mobile-plans/notification.ts';
import { MOBILE_PLANS_WALLED_GARDEN } from '../src/mobile-plans/walled-garden.ts';
import { PUBLIC_DIR } from '../src/views/render.ts';

/** The query of a launch URL. */
const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('Mobile Plans launch parameters', () => {
  it('reads the documentation’s eSIM example (transactionId with / and ., market and location upper-cased)', () => {
    const { launch, problems } = parseMobilePlansLaunch(
      query(
        'https://moportal.com?market=US&location=US&transactionId=%2F7RBTuSJt02OZbX8.4&eid=89033023422130000000000199055797&imei=001102000315468&iccids=8988247000101867183,8988247000103824828',
      ),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(launch, {
      kind: 'esim',
      eid: '89033023422130000000000199055797',
      iccids: ['8988247000101867183', '8988247000103824828'],
      imei: '001102000315468',
      location: 'US',
      market: 'US',
      transactionId: '/7RBTuSJt02OZbX8.4',
    });
  });

  it('reads the physical-SIM example; a trailing F is removed; spaces in iccids tolerated; unknown parameters ignored', () => {
    const physical = parseMobilePlansLaunch(
      query(
        'https://moportal.com?iccid=8988247000100003319F&imei=001102000311608&market=us&transactionId=waoigFfX00yGH3Vb.1&location=us&newFeature=1',
      ),
    );
    assert.deepEqual(physical.launch, {
      kind: 'physical',
      iccid: '8988247000100003319',
      imei: '001102000311608',
      location: 'US',
      market: 'US',
      transactionId: 'waoigFfX00yGH3Vb.1',
    });
    const esim = parseMobilePlansLaunch({
      eid: '89033024010400000100000000009136',
      iccids: '8988247000100003319, 8988247000100003555f , 8988247000100003319',
    });
    assert.deepEqual(esim.launch?.kind === 'esim' && esim.launch.iccids, [
      '8988247000100003319',
      '8988247000100003555',
    ]);
  });

  it('names every invalid value, a repeated parameter, and launches naming neither or both SIM kinds', () => {
    const eid = '89033024010400000100000000009136';
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ eid: '8903302401040000010000000000913' }, 'eid', 'eid.format'],
      [{ eid, iccids: '8988247000100003319,12345' }, 'iccids', 'iccids.format'],
      [{ eid, iccids: '8988247000100003319,' }, 'iccids', 'iccids.format'],
      [
        { eid, iccids: Array.from({ length: MAX_LAUNCH_ICCIDS + 1 }, () => '8988247000100003319').join(',') },
        'iccids',
        'iccids.count',
      ],
      [{ iccid: '89882470001000033' }, 'iccid', 'iccid.format'],
      [{ iccid: '8988247000100003319', imei: '12345' }, 'imei', 'imei.format'],
      [{ iccid: '8988247000100003319', market: 'USA' }, 'market', 'country.format'],
      [{ iccid: '8988247000100003319', location: 'u1' }, 'location', 'country.format'],
      [
        { iccid: '8988247000100003319', transactionId: 'x'.repeat(65) },
        'transactionId',
        'transactionId.format',
      ],
      [{ iccid: '8988247000100003319', transactionId: 'has space' }, 'transactionId', 'transactionId.format'],
      [{ iccid: ['8988247000100003319', '8988247000100003319'] }, 'iccid', 'duplicate'],
      [{ eid, EID: eid }, 'eid', 'duplicate'],
      [{ imei: '001102000311608' }, 'eid', 'launch.missing'],
      [{ eid, iccid: '8988247000100003319' }, 'iccid', 'launch.both'],
    ];
    for (const [q, param, problem] of cases) {
      const { launch, problems } = parseMobilePlansLaunch(q);
      assert.equal(launch, undefined, JSON.stringify(q));
      assert.deepEqual(
        problems.map((p) => [p.param, p.problem]),
        [[param, problem]],
        JSON.stringify(q),
      );
    }
    assert.ok(parseMobilePlansLaunch({ iccid: '8988247000100003319', transactionId: 'x'.repeat(64) }).launch);
  });
});

describe('X-MP-LPAError headers', () => {
  it('reads the documentation’s example and says the next step of the first failure', () => {
    const lpa = readLpaErrors({
      'x-mp-lpaerror-codes': 'ServerFailure,ServerNotReachable',
      'x-mp-lpaerror-timestamps': '5/18/2018 11:17:23 PM,5/18/2018 11:27:33 PM',
      'x-mp-lpaerror-iccids': '8988247000101997790',
    });
    assert.deepEqual(lpa, {
      codes: ['ServerFailure', 'ServerNotReachable'],
      timestamps: ['5/18/2018 11:17:23 PM', '5/18/2018 11:27:33 PM'],
      iccids: ['8988247000101997790'],
      ignored: 0,
      nextStep: 'retry',
    });
  });

  it('bounds the lists, reads names without case, counts what it leaves out, and needs a code', () => {
    assert.equal(readLpaErrors({ 'x-mp-lpaerror-iccids': '8988247000101997790' }), undefined);
    const many = readLpaErrors({
      'x-mp-lpaerror-codes': Array.from({ length: 50 }, () => 'insufficientspaceoncard').join(','),
      'x-mp-lpaerror-timestamps': '<script>,5/18/2018 11:17:23 PM',
      'x-mp-lpaerror-iccids': '8988247000101997790F,nope',
    });
    assert.ok(many);
    assert.equal(many.codes.length, MAX_LPA_ERRORS);
    assert.equal(many.codes[0], 'InsufficientSpaceOnCard');
    assert.equal(many.nextStep, 'free-space');
    assert.deepEqual(many.timestamps, ['5/18/2018 11:17:23 PM']);
    assert.deepEqual(many.iccids, ['8988247000101997790']);
    assert.equal(many.ignored, 3, 'one past the bound, one timestamp, one ICCID');
    const unknown = readLpaErrors({ 'x-mp-lpaerror-codes': 'Success, FluxCapacitor' });
    assert.deepEqual(
      [unknown?.codes, unknown?.ignored, unknown?.nextStep],
      [['Success', 'Other'], 1, 'support'],
    );
    assert.equal(readLpaErrors({ 'x-mp-lpaerror-codes': 'Success' })?.nextStep, 'success');
  });

  it('gives every ESimOperationStatus the step of the activation result of the same name', () => {
    assert.equal(ESIM_OPERATION_STATUSES.length, 24);
    for (const status of ESIM_OPERATION_STATUSES) assert.ok(nextStepOf(status), status);
    assert.equal(
      Object.keys(ACTIVATION_RESULTS).length,
      31,
      'every documented MobilePlansActivationError value',
    );
    assert.deepEqual(Object.keys(REGISTRATION_STATES), [
      'none',
      'deregistered',
      'searching',
      'home',
      'roaming',
      'partner',
      'denied',
    ]);
  });
});

describe('the hand-over decision', () => {
  const config = {
    enabled: true,
    esimDelivery: 'inline',
    downloadDelayMinutes: 15,
    networkRegistrationMinutes: 0,
    newEsimsPerClientPerHour: 10,
  } as const;
  const order = { iccid: '8988247000000000001', activationCode: '1$smdp.test.example$MP-0001' };
  it('downloads a new eSIM line in the configured form; tops up a SIM or an installed profile', () => {
    const esim = { kind: 'esim', eid: '8'.repeat(32) } as const;
    assert.deepEqual(purchaseNotification(config, esim, order), {
      operation: 'profile-download',
      activationCode: order.activationCode,
      iccid: order.iccid,
    });
    assert.equal(
      purchaseNotification({ ...config, esimDelivery: 'delayed' }, esim, order).operation,
      'profile-download',
    );
    assert.deepEqual(purchaseNotification({ ...config, esimDelivery: 'delayed' }, esim, order), {
      operation: 'profile-download',
      activationCode: order.activationCode,
      iccid: order.iccid,
      delayMinutes: 15,
    });
    assert.deepEqual(
      purchaseNotification({ ...config, esimDelivery: 'async', networkRegistrationMinutes: 30 }, esim, order),
      {
        operation: 'purchase-with-profile-download',
        activationCode: order.activationCode,
        iccid: order.iccid,
        networkRegistrationMinutes: 30,
      },
    );
    assert.deepEqual(purchaseNotification(config, { ...esim, iccid: '8988247000100003319' }, undefined), {
      operation: 'balance-addition',
      iccid: '8988247000100003319',
    });
    assert.deepEqual(
      purchaseNotification(config, { kind: 'physical', iccid: '8988247000100003319' }, undefined),
      {
        operation: 'balance-addition',
      },
    );
    assert.throws(() => purchaseNotification(config, esim, undefined));
  });

  it('fills the metadata: plan name only when complete, the transactionId echoed', () => {
    const done = completedMetadata({
      firstPlan: true,
      chargedToAccount: false,
      notification: {
        operation: 'profile-download',
        activationCode: order.activationCode,
        iccid: order.iccid,
      },
      planName: '10 GB Monthly',
      transactionId: 'T.1',
    });
    assert.deepEqual(done, {
      userAccount: 'new',
      purchaseInstrument: 'new',
      line: 'new',
      moDirectStatus: 'complete',
      planName: '10 GB Monthly',
      transactionId: 'T.1',
    });
    assert.deepEqual(cancelledMetadata('clientError', undefined), {
      userAccount: 'none',
      purchaseInstrument: 'none',
      line: 'bailed',
      moDirectStatus: 'clientError',
      planName: '',
    });
  });
});

describe('mobile-plans.js', () => {
  const source = readFileSync(`${PUBLIC_DIR}mobile-plans.js`, 'utf8');
  it('parses as ECMAScript 5 and calls no later built-in', () => {
    parse(source, { ecmaVersion: 5, sourceType: 'script' });
    // The check can fail: the same file with one `let` does not parse as ES5.
    assert.throws(() => parse(source.replace('var plans =', 'let plans ='), { ecmaVersion: 5 }));
    for (const later of [
      'Object.hasOwn',
      'Object.assign',
      'Promise',
      'fetch(',
      'Array.from',
      '.includes(',
      '=>',
    ])
      assert.ok(!source.includes(later), later);
  });
});

describe('the Mobile Plans walled garden', () => {
  it('lists the documented endpoints as host names with their schemes', () => {
    assert.equal(MOBILE_PLANS_WALLED_GARDEN.length, 16);
    const byHost = new Map(MOBILE_PLANS_WALLED_GARDEN.map((e) => [e.host, e]));
    assert.deepEqual(byHost.get('login.live.com'), { host: 'login.live.com', http: true, https: true });
    assert.deepEqual(byHost.get('ocsp.digicert.com'), {
      host: 'ocsp.digicert.com',
      http: true,
      https: false,
    });
    assert.equal(byHost.get('*.smartscreen.microsoft.com')?.https, true);
    for (const e of MOBILE_PLANS_WALLED_GARDEN) assert.match(e.host, /^(\*\.)?[a-z0-9.-]+$/);
  });
});
