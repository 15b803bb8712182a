// `mbprov esim import`: a CSV or JSON inventory goes in whole, with progress lines; a file with one bad row imports
// nothing and exits with the refusal's code; importing again changes nothing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { esimProfileByIccid, esimProfileCounts, openStore } from '@mbprov/portal/testing';

const bin = new URL('../bin/mbprov.js', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'mbprov-esim-'));
const run = (args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MBPROV_DATA_DIR: dataDir },
  });
const iccid = (n: number) => `8981${String(n).padStart(15, '0')}`;

async function counts() {
  const store = await openStore({ sqliteFile: join(dataDir, 'mbprov.sqlite') });
  try {
    return {
      counts: await esimProfileCounts(store.db),
      padded: await esimProfileByIccid(store.db, iccid(3)),
    };
  } finally {
    await store.close();
  }
}

describe('mbprov esim import', () => {
  it('imports CSV and JSON inventories all or nothing, with progress', async () => {
    const bad = join(dataDir, 'bad.csv');
    writeFileSync(bad, `iccid,profile_type\n${iccid(1)},gold\n${iccid(2)}\n12345\n`);
    const refused = run(['esim', 'import', bad]);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /MBPROV_ESIM_INVENTORY_INVALID.*line 4.*19 or 20 digits/);
    assert.deepEqual((await counts()).counts, {});

    const csv = join(dataDir, 'stock.csv');
    const rows = Array.from({ length: 25_000 }, (_, i) => `${iccid(10 + i)},${i % 2 ? 'gold' : ''}`);
    writeFileSync(
      csv,
      `ICCID,Profile_Type\n${iccid(1)},gold\n${iccid(2)}\n"${iccid(3)}F"\n${rows.join('\n')}\n`,
    );
    const imported = run(['esim', 'import', csv]);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(imported.stdout, /added 25003, already in the inventory 0/);
    assert.match(imported.stderr, /10000\/25003 profiles written/);
    assert.match(imported.stderr, /25003\/25003 profiles written/);
    const after = await counts();
    assert.deepEqual(after.counts, { available: 25003 });
    assert.equal(after.padded?.iccid, iccid(3), 'the F padding is dropped');

    const json = join(dataDir, 'more.json');
    writeFileSync(json, JSON.stringify([iccid(1), { iccid: iccid(5), profileType: 'gold' }]));
    // iccid(1) is held as gold: a bare ICCID (no type) contradicts it and the whole file is refused.
    const contradicting = run(['esim', 'import', json]);
    assert.notEqual(contradicting.status, 0);
    assert.match(contradicting.stderr, /MBPROV_ESIM_INVENTORY_INVALID.*profile type gold/);
    writeFileSync(
      json,
      JSON.stringify([
        { iccid: iccid(1), profileType: 'gold' },
        { iccid: iccid(5), profileType: 'gold' },
      ]),
    );
    const again = run(['esim', 'import', json]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /added 1, already in the inventory 1/);
    for (const [body, why] of [
      ['{"iccid":1}', /array/],
      ['[{"iccid":"8981000000000000099","extra":1}]', /unknown field extra/],
      [`["${iccid(7)}","${iccid(7)}"]`, /repeated/],
      ['[', /not JSON/],
    ] as const) {
      writeFileSync(json, body);
      const r = run(['esim', 'import', json]);
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, why);
    }
    assert.deepEqual((await counts()).counts, { available: 25004 });
  });
});
