// The eSIM profile inventory with IMSIs: read from CSV (header or position) and JSON with every refusal named, imported
// all or nothing on SQLite and PostgreSQL (an IMSI held by another profile, or a profile imported again with another
// IMSI, refuses the whole file and writes nothing), and the gateway's policy finds an eSIM line by its profile's IMSI
// or ICCID once the portal ordered the profile for it, never while the profile is in stock.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { MbprovError } from '@mbprov/core';
import { newSubscriberRow } from '../src/activation/subscribers.ts';
import { importEsimInventory, readEsimInventory } from '../src/backoffice/esim-inventory.ts';
import { policyFor } from '../src/backoffice/policy.ts';
import { esimProfileByIccid, markEsimReleased, reserveEsimProfile } from '../src/storage/esim-profiles.ts';
import { insertSubscriber } from '../src/storage/subscribers.ts';
import { DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { eidOf, iccids } from './helpers/smdp.ts';

const refusedWith = (pattern: RegExp) => (e: unknown) => {
  assert.ok(e instanceof MbprovError, String(e));
  assert.equal(e.code, 'MBPROV_ESIM_INVENTORY_INVALID');
  assert.match(e.message, pattern);
  return true;
};

describe('reading an eSIM inventory with IMSIs', () => {
  const [a, b] = iccids(5000, 2) as [string, string];

  it('reads the IMSI by position, under a header and in JSON', () => {
    assert.deepEqual(readEsimInventory(`${a},gold,440109000000001\n${b}F,,440109000000002\n`, 'csv'), [
      { iccid: a, profileType: 'gold', imsi: '440109000000001' },
      { iccid: b, imsi: '440109000000002' },
    ]);
    assert.deepEqual(readEsimInventory(`iccid,profile_type,imsi\n${a},,440109000000001\n`, 'csv'), [
      { iccid: a, imsi: '440109000000001' },
    ]);
    assert.deepEqual(readEsimInventory(JSON.stringify([{ iccid: a, imsi: '440109000000001' }, b]), 'json'), [
      { iccid: a, imsi: '440109000000001' },
      { iccid: b },
    ]);
  });

  it('refuses a bad IMSI, a repeated one, a fourth column and a header out of order', () => {
    for (const [text, format, pattern] of [
      [`${a},,44010900000000X\n`, 'csv', /line 1: the IMSI must be 6 to 15 digits/],
      [`${a},,12345\n`, 'csv', /the IMSI must be 6 to 15 digits/],
      [`${a},,440109000000001\n${b},,440109000000001\n`, 'csv', /line 2: IMSI 440109000000001 repeated/],
      [`${a},gold,440109000000001,extra\n`, 'csv', /at most/],
      [`iccid,imsi,profile_type\n${a}\n`, 'csv', /header names the columns iccid, profile_type, imsi/],
      [JSON.stringify([{ iccid: a, imsi: 440109000000001 }]), 'json', /item 0: the IMSI must be/],
    ] as const)
      assert.throws(() => readEsimInventory(text, format), refusedWith(pattern), text);
  });
});

for (const dialect of DIALECTS) {
  describe(`eSIM inventory with IMSIs (${dialect})`, () => {
    let ctx: TestContext;
    const stock = iccids(5100, 3) as [string, string, string];
    const now = () => ctx.clock().toISOString();

    before(async () => {
      ctx = await testContext(dialect);
    });
    after(() => ctx.close());

    it('imports all or nothing: an IMSI of another profile, or another IMSI for a profile, refuses the file', async () => {
      const first = readEsimInventory(`${stock[0]},,440109000000011\n${stock[1]},,440109000000012\n`, 'csv');
      assert.deepEqual(await importEsimInventory(ctx.store, first, now()), { added: 2, exists: 0 });
      assert.deepEqual(await importEsimInventory(ctx.store, first, now()), { added: 0, exists: 2 });
      const taken = readEsimInventory(`${stock[2]},,440109000000011\n`, 'csv');
      await assert.rejects(importEsimInventory(ctx.store, taken, now()), refusedWith(/belongs to profile/));
      const changed = readEsimInventory(`${stock[2]}\n${stock[0]},,440109000000019\n`, 'csv');
      await assert.rejects(importEsimInventory(ctx.store, changed, now()), refusedWith(/holds it with IMSI/));
      assert.equal(await esimProfileByIccid(ctx.store.db, stock[2]), undefined, 'nothing written');
      assert.equal((await esimProfileByIccid(ctx.store.db, stock[0]))?.imsi, '440109000000011');
    });

    it("the gateway's policy finds an ordered eSIM line by IMSI or ICCID, never a profile in stock", async () => {
      assert.equal((await policyFor(ctx, { imsi: '440109000000011' })).reason, 'unknown-sim', 'in stock');
      const subscriberId = randomUUID();
      await insertSubscriber(ctx.store.db, newSubscriberRow(ctx, subscriberId, now()));
      const reserved = await ctx.store.transaction((tx) =>
        reserveEsimProfile(tx, { subscriberId, eid: eidOf(51) }, now()),
      );
      assert.equal(reserved?.iccid, stock[0]);
      await markEsimReleased(
        ctx.store.db,
        stock[0],
        { matchingId: 'MATCH-51', smdpAddress: 'smdp.example' },
        now(),
      );
      for (const by of [{ imsi: '440109000000011' }, { iccid: stock[0] }]) {
        const policy = await policyFor(ctx, by);
        assert.deepEqual([policy.internet, policy.reason], [false, 'no-plan'], JSON.stringify(by));
      }
      assert.equal((await policyFor(ctx, { imsi: '440109000000012' })).reason, 'unknown-sim');
    });
  });
}
