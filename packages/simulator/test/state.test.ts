// The machine state is plain JSON: it survives a round trip, and a broken file is a clear error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createMachineState, Machine, parseMachineState } from '../src/index.ts';
import { NOW, purchaseDocument, xml } from './helpers/documents.ts';

describe('machine state', () => {
  it('a provisioned PC survives JSON serialization and keeps working', () => {
    const m = Machine.create({ now: NOW });
    m.provision(xml(purchaseDocument()), { source: 'app' });
    const copy = new Machine(parseMachineState(JSON.stringify(m.state)));
    assert.deepStrictEqual(copy.state, m.state);
    assert.equal(copy.provision(xml(purchaseDocument()), { source: 'app' }).ok, true);
  });

  it('a fresh PC has a modem, a SIM, Wi-Fi and the WLAN service unless told otherwise', () => {
    const s = createMachineState({ now: NOW, capabilities: { wifi: false } });
    assert.equal(s.capabilities.mobileBroadband, true);
    assert.ok(s.capabilities.sim?.iccid);
    assert.equal(s.capabilities.wifi, false);
    assert.equal(s.now, NOW);
  });

  it('refuses what is not a state: not JSON, missing fields, a bad clock, a bad start date', () => {
    assert.throws(() => parseMachineState('{'), { code: 'MBPROV_SIM_STATE_INVALID', message: /not JSON/ });
    assert.throws(() => parseMachineState('{"now":"2026-01-01T00:00:00Z"}'), {
      code: 'MBPROV_SIM_STATE_INVALID',
      message: /lacks capabilities/,
    });
    const bad = { ...createMachineState({ now: NOW }), now: 'yesterday' };
    assert.throws(() => parseMachineState(JSON.stringify(bad)), {
      code: 'MBPROV_SIM_STATE_INVALID',
      message: /clock/,
    });
    assert.throws(() => createMachineState({ now: 'soon' }), { code: 'MBPROV_SIM_STATE_INVALID' });
  });

  it('fills fields added in later versions with their defaults, keeping the key order', () => {
    const s = createMachineState({ now: NOW }) as unknown as Record<string, unknown>;
    delete s.messages;
    const read = parseMachineState(JSON.stringify(s));
    assert.deepEqual(read.messages, []);
    assert.equal(Object.keys(read)[0], 'now');
  });
});
