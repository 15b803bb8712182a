// COSA export: the demo configuration gives the right entries; credentials and CHAP map to the COSA values;
// the inventory gives MCC/MNC and, on request, IMSI or ICCID ranges; CSV escaping follows RFC 4180.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { demoConfig } from '../src/config/demo.ts';
import { loadConfig } from '../src/config/load.ts';
import {
  COSA_PURPOSE_GUIDS,
  COSA_SETTINGS,
  type CosaEntry,
  cosaEntries,
  toCosaCsv,
  toCosaJson,
} from '../src/cosa/export.ts';

const dir = mkdtempSync(join(tmpdir(), 'mbprov-cosa-'));
let files = 0;
/** Loads a configuration: the demo with `change` applied. */
function config(change: (raw: ReturnType<typeof demo>) => void = () => {}, env: Record<string, string> = {}) {
  const raw = demo();
  change(raw);
  const file = join(dir, `config-${files++}.json`);
  writeFileSync(file, JSON.stringify(raw));
  return loadConfig({ file, env });
}
const demo = () =>
  demoConfig() as Record<string, unknown> & {
    server: Record<string, unknown>;
    operator: Record<string, unknown> & { internetApn: Record<string, unknown> };
    sims: Array<{ iccid: string; imsi: string }>;
  };
const notesOf = (entry: CosaEntry) => Object.fromEntries(entry.notes.map((n) => [n.setting, n.note]));

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF), to check the export reads back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field, '', 'the CSV ends with CRLF');
  return rows;
}

describe('cosaEntries: the demo configuration', () => {
  const entries = cosaEntries(loadConfig({ env: { MBPROV_PUBLIC_URL: 'https://mbb.contoso.example' } }));

  it('one entry for the internet APN and one for the purchase APN, in that auto-connect order', () => {
    assert.deepEqual(
      entries.map((e) => [e.apn, e.purpose]),
      [
        ['internet', 'Internet'],
        ['purchase', 'Purchase'],
      ],
    );
  });

  it('the internet entry: APN, AccountExperienceURL, MCC 310 / MNC 260 from the IMSIs, defaults spelled as COSA spells them', () => {
    assert.deepEqual(entries[0]?.settings, {
      UpdateType: 'Add',
      Operator: 'Contoso Mobile (demo)',
      MCC: '310',
      MNC: '260',
      AccountExperienceURL: 'https://mbb.contoso.example/',
      FriendlyName: 'Contoso Mobile (demo)',
      AccessString: 'internet.contoso.example',
      AuthProtocol: 'NONE',
      Compression: 'DISABLE',
      AutoConnectOrder: '1',
      SupportDataMarketplace: 'false',
      AlwaysOn: 'true',
      PurposeGroups: '3E5545D2-1137-4DC8-A198-33F1C657515F',
    });
  });

  it('the purchase entry: its APN, the Purchase purpose GUID, auto-connect second', () => {
    const purchase = entries[1] as CosaEntry;
    assert.equal(purchase.settings.AccessString, 'purchase.contoso.example');
    assert.equal(purchase.settings.PurposeGroups, COSA_PURPOSE_GUIDS.Purchase);
    assert.equal(purchase.settings.AutoConnectOrder, '2');
    assert.equal(purchase.settings.AccountExperienceURL, 'https://mbb.contoso.example/');
    assert.equal(purchase.settings.FriendlyName, 'Contoso Mobile (demo) (purchase)');
  });

  it('what only the operator knows is left out with a note', () => {
    for (const entry of entries) {
      const notes = notesOf(entry);
      assert.equal(entry.settings['Country/Region'], undefined);
      assert.match(notes['Country/Region'] ?? '', /^Required/);
      assert.match(notes.MNC ?? '', /3 digits taken from IMSI 310260000000001/);
      assert.match(notes['IMSI Range - Start'] ?? '', /covers the whole MCC\+MNC/);
      for (const setting of ['SPN', 'IPType', 'BrandingName'] as const) {
        assert.equal(entry.settings[setting], undefined);
        assert.ok(notes[setting], `${setting} has a note`);
      }
      assert.equal(notes.AccountExperienceURL, undefined, 'a public URL needs no note');
    }
  });

  it('every setting name is one of the settings page', () => {
    for (const entry of entries) {
      for (const name of Object.keys(entry.settings))
        assert.ok((COSA_SETTINGS as readonly string[]).includes(name));
      for (const { setting } of entry.notes) assert.ok(COSA_SETTINGS.includes(setting));
    }
  });

  it('the default public URL (localhost) is flagged as unreachable from customers', () => {
    const local = cosaEntries(loadConfig({ env: {} }));
    assert.equal(local[0]?.settings.AccountExperienceURL, 'https://localhost:8443/');
    assert.match(notesOf(local[0] as CosaEntry).AccountExperienceURL ?? '', /not reachable from customers/);
  });

  it('a public URL with a path keeps it and ends with one slash', () => {
    const entries = cosaEntries(config((raw) => (raw.server.publicUrl = 'https://contoso.example/mbb/')));
    assert.equal(entries[0]?.settings.AccountExperienceURL, 'https://contoso.example/mbb/');
  });
});

describe('cosaEntries: credentials, authentication, inventory', () => {
  it('a configuration with credentials and CHAP maps them; MsCHAPv2 is spelled MsCHAPV2', () => {
    const entries = cosaEntries(
      config((raw) => {
        raw.operator.internetApn = {
          accessString: 'secure.contoso.example',
          userName: 'contoso',
          password: 'p@ss,"word"',
          authProtocol: 'CHAP',
        };
        raw.operator.purchaseApn = {
          accessString: 'buy.contoso.example',
          userName: 'buyer',
          password: 'x',
          authProtocol: 'MsCHAPv2',
        };
      }),
    );
    const [internet, purchase] = entries as [CosaEntry, CosaEntry];
    assert.equal(internet.settings.UserName, 'contoso');
    assert.equal(internet.settings.Password, 'p@ss,"word"');
    assert.equal(internet.settings.AuthProtocol, 'CHAP');
    assert.match(notesOf(internet).Password ?? '', /in clear/);
    assert.equal(purchase.settings.AuthProtocol, 'MsCHAPV2');
  });

  it('credentials without authProtocol: AuthProtocol left out with a note; PAP maps to PAP', () => {
    const [internet, purchase] = cosaEntries(
      config((raw) => {
        raw.operator.internetApn = { accessString: 'a.example', userName: 'u', password: 'p' };
        raw.operator.purchaseApn = { accessString: 'b.example', authProtocol: 'PAP' };
      }),
    ) as [CosaEntry, CosaEntry];
    assert.equal(internet.settings.AuthProtocol, undefined);
    assert.match(notesOf(internet).AuthProtocol ?? '', /choose PAP, CHAP or MsCHAPV2/);
    assert.equal(purchase.settings.AuthProtocol, 'PAP');
  });

  it('no purchase APN: one entry, no AutoConnectOrder', () => {
    const entries = cosaEntries(config((raw) => delete raw.operator.purchaseApn));
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.settings.AutoConnectOrder, undefined);
  });

  it('SIMs of two networks: one entry per APN and MCC+MNC; two-digit MNCs outside North America', () => {
    const entries = cosaEntries(
      config((raw) => {
        raw.sims = [
          { iccid: '8949000000000000017', imsi: '262011234567890' },
          { iccid: '8901260000000000018', imsi: '310260000000001' },
          { iccid: '8949000000000000025', imsi: '262011234567999' },
        ];
      }),
    );
    assert.deepEqual(
      entries.map((e) => [e.apn, e.settings.MCC, e.settings.MNC]),
      [
        ['internet', '262', '01'],
        ['purchase', '262', '01'],
        ['internet', '310', '260'],
        ['purchase', '310', '260'],
      ],
    );
    const forced = cosaEntries(
      config((raw) => (raw.sims = [{ iccid: '8949000000000000017', imsi: '262011234567890' }])),
      {
        mncDigits: 3,
      },
    );
    assert.equal(forced[0]?.settings.MNC, '011');
    assert.equal(notesOf(forced[0] as CosaEntry).MNC, undefined, 'an MNC length given is not questioned');
  });

  it('range imsi spans the inventory from ...00 to ...99; range iccid likewise; never both', () => {
    const withImsi = cosaEntries(loadConfig({ env: {} }), { range: 'imsi' })[0] as CosaEntry;
    assert.equal(withImsi.settings['IMSI Range - Start'], '310260000000000');
    assert.equal(withImsi.settings['IMSI Range - End'], '310260000000099');
    assert.equal(withImsi.settings['ICCID Range - Start'], undefined);
    assert.match(notesOf(withImsi)['IMSI Range - Start'] ?? '', /Spans the 5 SIMs of the inventory/);
    const withIccid = cosaEntries(loadConfig({ env: {} }), { range: 'iccid' })[0] as CosaEntry;
    assert.equal(withIccid.settings['ICCID Range - Start'], '8901260000000000000');
    assert.equal(withIccid.settings['ICCID Range - End'], '8901260000000000099');
    assert.equal(withIccid.settings['IMSI Range - Start'], undefined);
  });

  it('IMSIs shorter than 15 digits give no IMSI range, with a note', () => {
    const [entry] = cosaEntries(
      config((raw) => (raw.sims = [{ iccid: '8901260000000000018', imsi: '3102601234' }])),
      { range: 'imsi' },
    ) as [CosaEntry];
    assert.equal(entry.settings['IMSI Range - Start'], undefined);
    assert.match(notesOf(entry)['IMSI Range - Start'] ?? '', /not all 15 digits/);
  });

  it('an empty inventory: MCC and MNC left out with notes', () => {
    const [entry] = cosaEntries(config((raw) => (raw.sims = []))) as [CosaEntry];
    assert.equal(entry.settings.MCC, undefined);
    assert.match(notesOf(entry).MCC ?? '', /inventory is empty/);
  });

  it('a CDMA-only inventory (MINs, no IMSI): no MCC or MNC, and a note that says why COSA cannot target it', () => {
    const cdma = [
      { min: '3125550123', esnMeid: 'A1000000BEEF01' },
      { min: '3125550124', esnMeid: 'A1000000BEEF02' },
    ];
    const entries = cosaEntries(config((raw) => Object.assign(raw, { sims: cdma })));
    assert.equal(entries.length, 2, 'internet and purchase APNs');
    for (const entry of entries) {
      assert.equal(entry.settings.MCC, undefined);
      assert.equal(entry.settings['IMSI Range - Start'], undefined);
      const note = notesOf(entry).MCC ?? '';
      assert.match(note, /2 subscriptions of the inventory have no IMSI \(2 CDMA, known by their MIN\)/);
      assert.match(note, /has no MIN field/);
      assert.match(note, /target nothing/);
      assert.doesNotMatch(note, /inventory is empty/);
    }
    // The same through the database inventory the back-office export reads.
    const [fromRows] = cosaEntries(config(), {
      sims: [{ iccid: null, imsi: null, min: '3125550123' }],
    }) as [CosaEntry];
    assert.match(
      notesOf(fromRows).MCC ?? '',
      /1 subscription of the inventory has no IMSI \(1 CDMA, known by its MIN\)/,
    );
  });

  it('a mixed inventory: entries for the IMSIs, and a note on the CDMA rows no entry covers', () => {
    const [entry] = cosaEntries(config(), {
      sims: [
        { iccid: '8901260000000000018', imsi: '310260000000001' },
        { iccid: null, imsi: null, min: '3125550123' },
      ],
    }) as [CosaEntry];
    assert.equal(entry.settings.MCC, '310');
    assert.equal(entry.settings.MNC, '260');
    assert.match(
      notesOf(entry).MCC ?? '',
      /1 subscription of the inventory has no IMSI \(1 CDMA.*\): no entry covers them/,
    );
  });
});

describe('toCosaCsv and toCosaJson', () => {
  it('CSV: the header is every setting name in the page order, one row per entry, CRLF', () => {
    const entries = cosaEntries(loadConfig({ env: {} }));
    const csv = toCosaCsv(entries);
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0], [...COSA_SETTINGS]);
    assert.equal(rows.length, 3);
    for (const [i, entry] of entries.entries()) {
      const row = rows[i + 1] as string[];
      assert.equal(row.length, COSA_SETTINGS.length);
      for (const [c, name] of COSA_SETTINGS.entries()) assert.equal(row[c], entry.settings[name] ?? '', name);
    }
    assert.ok(csv.endsWith('\r\n'));
  });

  it('CSV escapes commas, quotes, line breaks and surrounding spaces, and reads back exactly', () => {
    const tricky: CosaEntry = {
      apn: 'internet',
      purpose: 'Internet',
      settings: {
        Operator: 'Contoso, Inc.',
        FriendlyName: 'The "best" network',
        Password: 'line1\nline2',
        UserName: ' padded ',
        AccessString: 'plain',
      },
      notes: [],
    };
    const csv = toCosaCsv([tricky]);
    assert.match(csv, /"Contoso, Inc\."/);
    assert.match(csv, /"The ""best"" network"/);
    assert.match(csv, /" padded "/);
    assert.match(csv, /,plain,/);
    const row = parseCsv(csv)[1] as string[];
    const at = (name: (typeof COSA_SETTINGS)[number]) => row[COSA_SETTINGS.indexOf(name)];
    assert.equal(at('Operator'), 'Contoso, Inc.');
    assert.equal(at('FriendlyName'), 'The "best" network');
    assert.equal(at('Password'), 'line1\nline2');
    assert.equal(at('UserName'), ' padded ');
  });

  it('CSV header names with a slash or spaces stay unquoted (they hold no comma)', () => {
    const header = toCosaCsv([]).split('\r\n')[0] as string;
    assert.match(header, /,Country\/Region,/);
    assert.match(header, /,IMSI Range - Start,/);
  });

  it('JSON: the entries with settings and notes, parseable back', () => {
    const entries = cosaEntries(loadConfig({ env: {} }));
    assert.deepEqual(JSON.parse(toCosaJson(entries)), entries);
    assert.ok(toCosaJson(entries).endsWith('\n'));
  });
});
