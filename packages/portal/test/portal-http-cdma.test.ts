// Visitors by whichever identifiers their network has (issue 12, "Windows fidelity"): a CDMA subscriber known by
// its MIN and MEID (no SIM, no IccId), a GSM subscriber with a 10-digit IMSI, a visit without IccId, identifiers
// naming two different subscribers (refused, nothing written), and CDMA rows in the SIM inventory import; on SQLite
// and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../src/backoffice/api-keys.ts';
import { importSims } from '../src/backoffice/sims-import.ts';
import { demoCdmaSubscribers } from '../src/config/demo.ts';
import {
  cdmaDecimalProblem,
  cdmaDeviceDecimal,
  cdmaDeviceKey,
  parseDevId,
} from '../src/identifiers/device-parameters.ts';
import { buildServer } from '../src/server.ts';
import { addSims, findSim } from '../src/storage/sims.ts';
import { subscriberBySim } from '../src/storage/subscribers.ts';
import { countRows, DIALECTS, type TestContext, testContext } from './helpers/context.ts';
import { Browser, embeddedDocument, field, payAndReturn } from './helpers/http.ts';

const CDMA = demoCdmaSubscribers[0];
/** The same MEID as the demo's A1000000BEEF01, in its 18-digit decimal form (manufacturer 2701131776, serial 12513025). */
const CDMA_MEID_DECIMAL = '270113177612513025';
/** A GSM SIM whose IMSI has 10 digits (an IMSI is "up to 15 digits"). */
const SHORT_IMSI = { iccid: '8981100000000000016', imsi: '4401012345' };
const USB = { SubId: '310260000000001', DevId: '358470110000011', IccId: '8901260000000000018' };
const EMBEDDED_IMSI = '310260000000002';
const entry = (p: Record<string, string>) => `/?${new URLSearchParams(p)}`;

describe('ESN and MEID, decimal and hexadecimal', () => {
  const pairs: Array<[string, string]> = [
    [CDMA_MEID_DECIMAL, 'A1000000BEEF01'],
    ['429496729516777215', 'FFFFFFFFFFFFFF'],
    ['000000001000000010', '0000000A00000A'], // leading zeros kept (an all-digit hex form reads as an IMEI)
    ['12801234567', '8012D687'], // an ESN: manufacturer 128, serial 1234567
    ['25516777215', 'FFFFFFFF'],
    ['01000000010', '0A00000A'],
  ];
  for (const [decimal, hex] of pairs) {
    it(`${decimal} is ${hex} and back`, () => {
      assert.equal(cdmaDeviceKey(decimal), hex);
      assert.equal(cdmaDeviceDecimal(hex), decimal);
      assert.equal(cdmaDecimalProblem(decimal), undefined);
    });
  }
  it('a 15-digit hex MEID drops its check digit both ways; IMEISVs and 17-digit MEIDs have no other form', () => {
    assert.equal(cdmaDeviceKey('A1000000BEEF01F'), 'A1000000BEEF01');
    assert.equal(cdmaDeviceDecimal('A1000000BEEF01F'), CDMA_MEID_DECIMAL);
    // Read by length, as a value known to be an ESN or MEID: 15 digits are a MEID with its check digit.
    assert.equal(cdmaDeviceKey('490154203237518'), '49015420323751');
    assert.equal(cdmaDeviceDecimal('4901542032375101'), undefined);
    assert.equal(cdmaDeviceDecimal('27011317761251302'), undefined);
  });
  it('hex forms whose digits are all decimal are an ESN or MEID by their length, and a DevId of 8 or 14 digits is IMEI-like too', () => {
    // A pseudo-ESN (0x80 then 24 bits of the MEID's hash) and a MEID of the decimal range (an IMEI without its check digit).
    assert.equal(cdmaDeviceKey('80123456'), '80123456');
    assert.equal(cdmaDeviceDecimal('80123456'), '12801193046');
    assert.equal(cdmaDeviceKey('99000512345678'), '99000512345678');
    assert.equal(cdmaDeviceKey('990005123456787'), '99000512345678'); // with its check digit
    assert.equal(cdmaDeviceDecimal('99000512345678'), '256691534603430008');
    assert.deepEqual(parseDevId('80123456'), { value: '80123456', kind: 'imei-or-esn', encoding: 'hex' });
    assert.equal(parseDevId('99000512345678')?.kind, 'imei-or-meid');
    assert.equal(parseDevId('990005123456787')?.kind, 'imei'); // 15 digits: the IMEI's own length
    for (const length of [9, 10, 12, 13, 16]) assert.equal(cdmaDeviceKey('1'.repeat(length)), undefined);
  });

  it('refuses the decimal forms whose manufacturer code or serial overflows its field', () => {
    for (const [value, problem] of [
      ['429496729600000000', /MEID's manufacturer code 4294967296 is above 4294967295/],
      ['999999999999999999', /MEID's manufacturer code/],
      ['270113177616777216', /MEID's serial number 16777216 is above 16777215/],
      ['25600000000', /ESN's manufacturer code 256 is above 255/],
      ['12816777216', /ESN's serial number 16777216/],
    ] as const) {
      assert.match(cdmaDecimalProblem(value) ?? '', problem, value);
      assert.equal(cdmaDeviceKey(value), undefined, value);
    }
  });
});

for (const dialect of DIALECTS) {
  describe(`visitors by IMSI, MIN and MEID (${dialect})`, () => {
    let ctx: TestContext;
    let app: FastifyInstance;
    const count = (table: 'subscribers' | 'checkouts' | 'sims') => countRows(ctx, table);

    before(async () => {
      ctx = await testContext(dialect, {
        configure: (c) => Object.assign(c.rateLimits, { entryPerMinute: 1000, checkoutPerMinute: 1000 }),
      });
      const now = ctx.clock().toISOString();
      await addSims(ctx.store.db, [SHORT_IMSI], now);
      // A second CDMA subscriber, bound to another MEID.
      await addSims(ctx.store.db, [{ min: '3125550456', esnMeid: 'A1000000BEEF02' }], now);
      app = await buildServer(ctx, { logger: false });
    });
    after(async () => {
      await app.close();
      await ctx.close();
    });

    /** Opens the entry page with `query`, buys the day pass; answers the browser and the completion page. */
    async function buy(query: Record<string, string>) {
      const browser = new Browser(app);
      const page = await browser.get(entry(query));
      assert.equal(page.statusCode, 200, page.body.slice(0, 600));
      const checkout = await browser.post('/checkout', {
        planId: 'day-1gb',
        checkoutId: field(page.body, 'checkoutId'),
        _csrf: field(page.body, '_csrf'),
      });
      const response = await payAndReturn(browser, checkout, ctx.tlsCa);
      assert.equal(response.statusCode, 303, response.body.slice(0, 600));
      const complete = await browser.get('/complete');
      assert.equal(complete.statusCode, 200);
      return { page, complete };
    }

    it('a CDMA visitor (SubId = MIN, DevId = MEID, no IccId) buys a plan; the document names the MIN', async () => {
      const { page, complete } = await buy({ SubId: CDMA.min, DevId: CDMA.devId });
      assert.match(page.body, /Mobile number \(MIN\)/);
      assert.doesNotMatch(page.body, /SIM card number \(ICCID\)/);
      assert.match(embeddedDocument(complete.body), /<SubscriberId>3125550123<\/SubscriberId>/);
      const sim = await findSim(ctx.store.db, { min: CDMA.min });
      assert.ok(sim);
      assert.equal(sim.iccid, null);
      assert.equal(sim.esn_meid, 'A1000000BEEF01');
      const subscriber = await subscriberBySim(ctx.store.db, sim.id);
      assert.equal(subscriber?.min, CDMA.min);
      assert.equal(subscriber?.iccid, null);
    });

    it('the MEID in decimal is the same device; the MEID alone finds its subscriber', async () => {
      assert.equal(cdmaDeviceKey(CDMA_MEID_DECIMAL), 'A1000000BEEF01');
      assert.equal(cdmaDeviceKey('A1000000BEEF01F'), 'A1000000BEEF01');
      assert.equal(cdmaDeviceKey('12801234567'), '8012D687'); // an ESN: manufacturer 128, serial 1234567
      const byDecimal = await new Browser(app).get(entry({ SubId: CDMA.min, DevId: CDMA_MEID_DECIMAL }));
      // Bought in the test before: the status page of the same subscriber.
      assert.equal(byDecimal.statusCode, 200, byDecimal.body.slice(0, 400));
      const byDevice = await new Browser(app).get(entry({ DevId: CDMA.devId }));
      assert.equal(byDevice.statusCode, 200);
      assert.doesNotMatch(byDevice.body, /recognise this SIM/);
    });

    it('a SIM with a 10-digit IMSI buys, with and without its IccId', async () => {
      const withIcc = await new Browser(app).get(entry({ SubId: SHORT_IMSI.imsi, IccId: SHORT_IMSI.iccid }));
      assert.equal(withIcc.statusCode, 200);
      assert.match(withIcc.body, /Choose a plan|plan/);
      const { complete } = await buy({ SubId: SHORT_IMSI.imsi, DevId: '490154203237600' });
      assert.match(embeddedDocument(complete.body), /<SubscriberId>4401012345<\/SubscriberId>/);
    });

    it('a GSM visitor without IccId is found by its IMSI', async () => {
      const r = await new Browser(app).get(entry({ SubId: EMBEDDED_IMSI, DevId: '490154203237518' }));
      assert.equal(r.statusCode, 200);
      assert.match(r.body, /8901260000000000026/);
    });

    for (const [name, query] of [
      ['an IccId and a SubId of two different SIMs', { IccId: USB.IccId, SubId: EMBEDDED_IMSI }],
      ['a MIN and the MEID bound to another subscriber', { SubId: CDMA.min, DevId: 'A1000000BEEF02' }],
      [
        'a MIN with a MEID other than the one its row binds',
        { SubId: '3125550456', DevId: 'A1000000BEEF03' },
      ],
    ] as const) {
      it(`refuses ${name}: 409, a page in English and Japanese, nothing written`, async () => {
        const before = [await count('subscribers'), await count('checkouts')];
        const en = await new Browser(app).get(entry(query));
        assert.equal(en.statusCode, 409);
        assert.match(en.body, /don’t match our records/);
        assert.match(en.body, /MBPROV_SUBSCRIBER_IDS_CONFLICT/);
        assert.doesNotMatch(en.body, /name="checkoutId"/);
        const ja = await new Browser(app, { 'accept-language': 'ja' }).get(entry(query));
        assert.equal(ja.statusCode, 409);
        assert.match(ja.body, /当社の記録と一致しません/);
        assert.deepEqual([await count('subscribers'), await count('checkouts')], before);
      });
    }

    it('a 10-digit SubId that is one row’s IMSI and another row’s MIN is refused as ambiguous', async () => {
      await addSims(ctx.store.db, [{ min: SHORT_IMSI.imsi }], ctx.clock().toISOString());
      const r = await new Browser(app).get(entry({ SubId: SHORT_IMSI.imsi }));
      assert.equal(r.statusCode, 409);
      await ctx.store.db.deleteFrom('sims').where('min', '=', SHORT_IMSI.imsi).execute();
    });

    it('imports CDMA rows: by header names, MIN and ESN/MEID checked, taken identifiers refused', async () => {
      const sims = await count('sims');
      const csv = [
        'min,esn_meid,msisdn',
        '3125550777,A1000000BEEF77,+13125550777', // added
        '3125550778,12801234567,', // added: an ESN in decimal
        '312555077,,', // MIN of 9 digits
        '3125550779,XYZ,', // not an ESN/MEID
        ',,+13125550780', // no ICCID, IMSI or MIN
        `${CDMA.min},A1000000BEEF01,`, // the demo subscriber itself: exists
        `3125550781,A1000000BEEF02,`, // another subscriber's MEID
        '3125550777,,', // repeated in the file
      ].join('\n');
      const report = await importSims(ctx.store.db, csv, ctx.clock().toISOString());
      assert.deepEqual(
        [report.added, report.exists, report.rejected],
        [2, 1, 5],
        JSON.stringify(report.rows),
      );
      assert.deepEqual(report.rejectedByCode, {
        MBPROV_INVENTORY_MIN_INVALID: 1,
        MBPROV_INVENTORY_ESN_MEID_INVALID: 1,
        MBPROV_INVENTORY_NO_SUBSCRIBER_ID: 1,
        MBPROV_INVENTORY_ID_TAKEN: 1,
        MBPROV_INVENTORY_DUPLICATE_IN_FILE: 1,
      });
      assert.equal(await count('sims'), sims + 2);
      const esn = await findSim(ctx.store.db, { min: '3125550778' });
      assert.equal(esn?.esn_meid, cdmaDeviceKey('12801234567'));
      assert.equal(esn?.iccid, null);
      assert.equal(esn?.imsi, null);
      // Positional columns of older files still read: ICCID, IMSI, MSISDN, then MIN and ESN/MEID.
      const positional = await importSims(
        ctx.store.db,
        '8981100000000000024,440101234599,,3125550790,A1000000BEEF90\n',
        ctx.clock().toISOString(),
      );
      assert.equal(positional.added, 1);
      const both = await findSim(ctx.store.db, { min: '3125550790' });
      assert.equal(both?.imsi, '440101234599');
    });

    it('a device known in one form is found in the other: a decimal MEID row by its hex DevId, a hex ESN row by its decimal DevId', async () => {
      const csv = 'min,esn_meid\n3125550801,270113177612345678\n3125550802,9F0A1B2C\n';
      const report = await importSims(ctx.store.db, csv, ctx.clock().toISOString());
      assert.equal(report.added, 2, JSON.stringify(report.rows));
      assert.equal((await findSim(ctx.store.db, { min: '3125550801' }))?.esn_meid, 'A1000000BC614E');
      for (const [min, devId] of [
        ['3125550801', 'A1000000BC614E'],
        ['3125550801', 'a1000000bc614e3'], // with a check digit, lower case
        ['3125550802', '15900662316'],
      ] as const) {
        const page = await new Browser(app).get(entry({ SubId: min, DevId: devId }));
        assert.equal(page.statusCode, 200, `${devId}: ${page.body.slice(0, 300)}`);
        assert.match(page.body, /name="checkoutId"/, devId);
      }
    });

    it('an ESN or MEID of decimal digits only is imported by its length and found by its DevId, with the binding checked', async () => {
      const csv =
        'min,esn_meid\n3125550811,80123456\n3125550812,99000512345678\n3125550813,990005876543210\n';
      const report = await importSims(ctx.store.db, csv, ctx.clock().toISOString());
      assert.deepEqual([report.added, report.rejected], [3, 0], JSON.stringify(report.rows));
      assert.equal((await findSim(ctx.store.db, { min: '3125550813' }))?.esn_meid, '99000587654321');
      for (const [min, devId] of [
        ['3125550811', '80123456'],
        ['3125550811', '12801193046'], // the same ESN in decimal
        ['3125550812', '99000512345678'],
      ] as const) {
        const page = await new Browser(app).get(entry({ SubId: min, DevId: devId }));
        assert.equal(page.statusCode, 200, `${devId}: ${page.body.slice(0, 300)}`);
        assert.match(page.body, /name="checkoutId"/, devId);
      }
      // The device alone finds its subscriber, as a hex ESN or MEID would.
      for (const devId of ['80123456', '99000512345678']) {
        const alone = await new Browser(app).get(entry({ DevId: devId }));
        assert.equal(alone.statusCode, 200, devId);
        assert.match(alone.body, /name="checkoutId"/, devId);
      }
      // A MIN with the other row's device: the binding conflict, as for a hex MEID.
      const conflict = await new Browser(app).get(entry({ SubId: '3125550811', DevId: '99000512345678' }));
      assert.equal(conflict.statusCode, 409);
      assert.match(conflict.body, /MBPROV_SUBSCRIBER_IDS_CONFLICT/);
      // A GSM SIM with a 14-digit IMEI (no check digit) no row binds is still sold to.
      const gsm = await new Browser(app).get(
        entry({ SubId: SHORT_IMSI.imsi, IccId: SHORT_IMSI.iccid, DevId: '49015420323751' }),
      );
      assert.equal(gsm.statusCode, 200, gsm.body.slice(0, 300));
    });

    it('a decimal ESN or MEID whose fields overflow is refused with MBPROV_CDMA_DEVICE_ID_RANGE (page and import), nothing written', async () => {
      const before = [await count('subscribers'), await count('checkouts')];
      for (const devId of ['429496729600000000', '270113177616777216', '25600000000', '12816777216']) {
        const en = await new Browser(app).get(entry({ SubId: CDMA.min, DevId: devId }));
        assert.equal(en.statusCode, 400, devId);
        assert.match(en.body, /MBPROV_CDMA_DEVICE_ID_RANGE/);
        assert.match(en.body, /at most 16777215/);
        const ja = await new Browser(app, { 'accept-language': 'ja' }).get(
          entry({ SubId: CDMA.min, DevId: devId }),
        );
        assert.equal(ja.statusCode, 400);
        assert.match(ja.body, /コード MBPROV_CDMA_DEVICE_ID_RANGE/);
      }
      assert.deepEqual([await count('subscribers'), await count('checkouts')], before);
      const report = await importSims(
        ctx.store.db,
        'min,esn_meid\n3125550803,429496729600000000\n',
        ctx.clock().toISOString(),
      );
      assert.deepEqual(report.rejectedByCode, { MBPROV_INVENTORY_ESN_MEID_INVALID: 1 });
      assert.match(JSON.stringify(report.rows), /manufacturer code 4294967296 is above 4294967295/);
    });

    it('the back-office API imports CDMA rows and answers the policy and the subscriber by MIN', async () => {
      const { key } = await createApiKey(ctx.store.db, 'ops', ['admin'], ctx.clock().toISOString());
      const auth = { authorization: `Bearer ${key}` };
      const imported = await app.inject({
        method: 'POST',
        url: '/api/v1/sims/import',
        headers: { ...auth, 'content-type': 'text/csv' },
        payload: 'MEID,MIN\nA1000000BEEF55,3125550555\nA1000000BEEF55,31255505\n',
      });
      assert.equal(imported.statusCode, 200, imported.body);
      const body = imported.json() as { added: number; rows: Array<Record<string, string>> };
      assert.equal(body.added, 1);
      assert.deepEqual(
        body.rows.map((r) => [r.line, r.code, r.min, r.esnMeid, r.iccid]),
        [[3, 'MBPROV_INVENTORY_MIN_INVALID', '31255505', 'A1000000BEEF55', '']],
      );
      const policy = await app.inject({ url: `/api/v1/policy?min=${CDMA.min}`, headers: auth });
      assert.equal(policy.statusCode, 200, policy.body);
      assert.deepEqual(
        [policy.json().min, policy.json().iccid, policy.json().internet, policy.json().reason],
        [CDMA.min, undefined, true, 'active'],
      );
      const found = await app.inject({ url: `/api/v1/subscribers?min=${CDMA.min}`, headers: auth });
      assert.equal(found.statusCode, 200, found.body);
      assert.deepEqual([found.json().subscriber.min, found.json().subscriber.iccid], [CDMA.min, null]);
    });
  });
}
