// A DUSM Cost is no section of a provisioning document (docs/simulator.md, *DUSM Cost* row): the engine rejects a
// document carrying one whole, and the PC is unchanged.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCost, NS } from '@mbprov/core';
import { Machine } from '../src/index.ts';
import { CARRIER, NOW } from './helpers/documents.ts';

describe('DUSM Cost in a provisioning document', () => {
  it('is rejected whole as schema-invalid and nothing is stored', () => {
    const cost = buildCost({ PlanType: 'Fixed', DataLimitInMegabytes: 1024 }, { declaration: false }).trim();
    const xml = `<CarrierProvisioning xmlns="${NS.cc}"><Global><CarrierId>${CARRIER}</CarrierId><SubscriberId>310260123456789</SubscriberId></Global><Extensions>${cost}</Extensions></CarrierProvisioning>`;
    const m = Machine.create({ now: NOW });
    const before = JSON.stringify(m.state);
    assert.throws(() => m.provision(xml, { source: 'app' }), { code: 'MBPROV_SCHEMA_INVALID' });
    assert.equal(JSON.stringify(m.state), before);
  });
});
