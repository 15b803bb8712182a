// COSA/APN database entries of the operator: what Windows needs to connect a SIM without any app and to open the
// portal (AccountExperienceURL) when the SIM has no plan. Setting names are those of the Desktop COSA settings page.
import type { ApnConfig, Config } from '../config/schema.ts';

/**
 * Every Desktop COSA setting, in the order of the settings page (desktop-cosa-database-settings.md): the columns
 * of the CSV export. The page lists PurposeGroups twice (the required purposes and the optional LTE attach
 * purpose): it is one column holding a comma-separated list of purpose GUIDs.
 */
export const COSA_SETTINGS = [
  'UpdateType',
  'Country/Region',
  'Operator',
  'MCC',
  'MNC',
  'IMSI Range - Start',
  'IMSI Range - End',
  'ICCID Range - Start',
  'ICCID Range - End',
  'AccountExperienceURL',
  'FriendlyName',
  'AccessString',
  'UserName',
  'Password',
  'AuthProtocol',
  'Compression',
  'AutoConnectOrder',
  'SupportDataMarketplace',
  'SPN',
  'AlwaysOn',
  'PurposeGroups',
  'IPType',
  'BrandingName',
  'BrandingIcon',
  'UseBrandingNameOnRoaming',
  'Roaming',
  'DataMarketplaceRoamingUIEnabled',
  'UIName',
  'UIOrder',
  'ESIM_PROV',
  'AppID',
  'Hotspot',
  'EnableAutoSlotSwitch',
  'WifiProfiles',
] as const;

/** A Desktop COSA setting name, spelled as the settings page spells it. */
export type CosaSettingName = (typeof COSA_SETTINGS)[number];

/** COSA purpose values and their GUIDs (the PurposeGroups column holds GUIDs). */
export const COSA_PURPOSE_GUIDS = {
  Internet: '3E5545D2-1137-4DC8-A198-33F1C657515F',
  Purchase: '95522B2B-A6D1-4E40-960B-05E6D3F962AB',
} as const;

/** Something the operator must fill in or check by hand before submitting. */
export interface CosaNote {
  setting: CosaSettingName;
  note: string;
}

/** One COSA entry (one row of the submission): one APN of the operator for one MCC+MNC. */
export interface CosaEntry {
  /** Which APN of the configuration: operator.internetApn or operator.purchaseApn. */
  apn: 'internet' | 'purchase';
  /** The purpose the entry's PurposeGroups GUID stands for. */
  purpose: keyof typeof COSA_PURPOSE_GUIDS;
  /** The settings the configuration fills, by COSA name; a setting left out keeps its COSA default or is to be filled. */
  settings: Partial<Record<CosaSettingName, string>>;
  /** Settings to fill in or check by hand, with why. */
  notes: CosaNote[];
}

/** A subscription of the inventory as the export reads it. */
export interface InventoryRow {
  iccid: string | null;
  imsi: string | null;
  /** CDMA MIN, for the note on subscriptions COSA cannot target. */
  min?: string | null;
}

/** How the entries target SIMs, beyond MCC+MNC. */
export interface CosaOptions {
  /**
   * Also target a range of the SIM inventory: `imsi` fills IMSI Range - Start/End, `iccid` fills ICCID Range -
   * Start/End (a row targets one of them, never both). Default: MCC+MNC alone (the whole MCC+MNC).
   */
  range?: 'imsi' | 'iccid';
  /** Digits of the MNC in the IMSIs; default: 3 for the MCCs that use three-digit MNCs (North America, ...), else 2. */
  mncDigits?: 2 | 3;
  /**
   * The SIM inventory the MCC+MNC and ranges come from; default: the SIMs of the configuration. The portal passes
   * its database inventory, which includes SIMs imported through the back office. Rows without an IMSI (CDMA
   * subscriptions known by their MIN) have no MCC+MNC and are left out with a note: COSA has no MIN field.
   */
  sims?: ReadonlyArray<InventoryRow>;
}

/** MCCs whose networks use three-digit MNCs (E.212 practice): the US and Canada, Mexico, the Caribbean, some of South America. */
const THREE_DIGIT_MNC = new Set([
  '302',
  '310',
  '311',
  '312',
  '313',
  '314',
  '315',
  '316',
  '334',
  '338',
  '342',
  '344',
  '346',
  '348',
  '354',
  '356',
  '358',
  '360',
  '365',
  '376',
  '708',
  '722',
  '732',
]);

/** The COSA AuthProtocol value of a configured protocol (COSA spells MSCHAPv2 "MsCHAPV2"). */
const AUTH_PROTOCOL: Record<NonNullable<ApnConfig['authProtocol']>, string> = {
  NONE: 'NONE',
  PAP: 'PAP',
  CHAP: 'CHAP',
  MsCHAPv2: 'MsCHAPV2',
};

/** The AccountExperienceURL: the portal's entry page, to which Windows appends ?SubId=&DevId=&IccId=. */
export function accountExperienceUrl(config: Config): string {
  return `${config.server.publicUrl.replace(/\/+$/, '')}/`;
}

/** The SIMs of the inventory grouped by MCC+MNC (in inventory order). */
function networks(sims: ReadonlyArray<InventoryRow>, mncDigits: 2 | 3 | undefined) {
  const groups = new Map<
    string,
    { mcc: string; mnc: string; inferred: boolean; imsis: string[]; iccids: string[] }
  >();
  for (const sim of sims) {
    if (!sim.imsi) continue;
    const mcc = sim.imsi.slice(0, 3);
    const digits = mncDigits ?? (THREE_DIGIT_MNC.has(mcc) ? 3 : 2);
    const mnc = sim.imsi.slice(3, 3 + digits);
    const key = mcc + mnc;
    let group = groups.get(key);
    if (!group) {
      group = { mcc, mnc, inferred: mncDigits === undefined, imsis: [], iccids: [] };
      groups.set(key, group);
    }
    group.imsis.push(sim.imsi);
    if (sim.iccid) group.iccids.push(sim.iccid);
  }
  return [...groups.values()];
}

/**
 * The note on the inventory rows no entry targets: rows without an IMSI (CDMA subscriptions known by their MIN, or
 * SIMs known by their ICCID alone) give no MCC+MNC, and COSA has no MIN field (docs/cosa.md, *CDMA*). Undefined
 * when every row has an IMSI.
 */
function uncoveredNote(sims: ReadonlyArray<InventoryRow>, someTargeted: boolean): string | undefined {
  const without = sims.filter((s) => !s.imsi);
  if (!without.length) return undefined;
  const cdma = without.filter((s) => s.min).length;
  const what = `${without.length} subscription${without.length === 1 ? '' : 's'} of the inventory ${without.length === 1 ? 'has' : 'have'} no IMSI${cdma ? ` (${cdma} CDMA, known by ${cdma === 1 ? 'its' : 'their'} MIN)` : ''}`;
  const why =
    'COSA targets SIMs by MCC+MNC and IMSI or ICCID ranges and has no MIN field, so the export cannot target them';
  return someTargeted
    ? `${what}: no entry covers them. ${why}; if their devices report an IMSI (a MIN-based IMSI), import it with the row.`
    : `Required, cannot be derived: ${what}. ${why}: fill MCC and MNC by hand only if their devices report an IMSI (a MIN-based IMSI); otherwise these entries target nothing and a CDMA network needs Microsoft's CDMA provider ID or name targeting, which the settings page mentions (AutoConnectOrder) but lists no setting for: ask at submission.`;
}

/** The smallest and largest of equally long digit strings, widened to ...00 and ...99; undefined when lengths differ. */
function span(values: string[]): { start: string; end: string } | undefined {
  const length = values[0]?.length;
  if (length === undefined || values.some((v) => v.length !== length)) return undefined;
  const sorted = [...values].sort();
  const low = sorted[0] as string;
  const high = sorted.at(-1) as string;
  return { start: `${low.slice(0, -2)}00`, end: `${high.slice(0, -2)}99` };
}

/**
 * The operator's COSA entries: one per APN (the internet APN, and the purchase APN when configured) and per
 * MCC+MNC of the SIM inventory. Filled from the configuration: Operator, MCC/MNC, AccountExperienceURL (the
 * portal's public URL), FriendlyName, AccessString, UserName, Password, AuthProtocol, Compression,
 * AutoConnectOrder (internet 1, purchase 2), SupportDataMarketplace, AlwaysOn, PurposeGroups, and with
 * `options.range` an IMSI or ICCID range spanning the inventory. What only the operator knows (Country/Region,
 * SPN, IPType, branding) is left out with a note.
 */
export function cosaEntries(config: Config, options: CosaOptions = {}): CosaEntry[] {
  const op = config.operator;
  const url = accountExperienceUrl(config);
  const local = /^https:\/\/(?:localhost|127\.|\[::1\])/i.test(url);
  const apns: Array<{ apn: CosaEntry['apn']; purpose: CosaEntry['purpose']; config: ApnConfig }> = [
    { apn: 'internet', purpose: 'Internet', config: op.internetApn },
    ...(op.purchaseApn
      ? [{ apn: 'purchase' as const, purpose: 'Purchase' as const, config: op.purchaseApn }]
      : []),
  ];
  const sims =
    options.sims ??
    config.sims.map((s) => ({ iccid: s.iccid ?? null, imsi: s.imsi ?? null, min: s.min ?? null }));
  const plmns = networks(sims, options.mncDigits);
  const targets = plmns.length ? plmns : [undefined];
  const uncovered = uncoveredNote(sims, plmns.length > 0);

  const entries: CosaEntry[] = [];
  for (const plmn of targets) {
    for (const [order, { apn, purpose, config: apnConfig }] of apns.entries()) {
      const settings: CosaEntry['settings'] = {};
      const notes: CosaNote[] = [];
      const note = (setting: CosaSettingName, text: string) => notes.push({ setting, note: text });

      settings.UpdateType = 'Add';
      note('UpdateType', 'Add for a first submission; Change when it replaces entries already in COSA.');
      note(
        'Country/Region',
        'Required: the country or region of the network (the configuration does not say it). Microsoft replaces all entries of the same Operator and Country/Region with this submission, so submit every APN together.',
      );
      settings.Operator = op.name;
      if (plmn) {
        settings.MCC = plmn.mcc;
        settings.MNC = plmn.mnc;
        if (plmn.inferred)
          note(
            'MNC',
            `${plmn.mnc.length} digits taken from IMSI ${plmn.imsis[0]} (${plmn.mnc.length === 3 ? `MCC ${plmn.mcc} uses three-digit MNCs` : `three-digit MNCs are not usual under MCC ${plmn.mcc}`}); check it (mbprov cosa export --mnc-digits 2|3).`,
          );
        if (options.range) {
          const [start, end, values, what] =
            options.range === 'imsi'
              ? (['IMSI Range - Start', 'IMSI Range - End', plmn.imsis, 'IMSI'] as const)
              : (['ICCID Range - Start', 'ICCID Range - End', plmn.iccids, 'ICCID'] as const);
          const range = span(values);
          const fits = range && (options.range === 'iccid' || range.start.length === 15);
          if (range && fits) {
            settings[start] = range.start;
            settings[end] = range.end;
            note(
              start,
              `Spans the ${values.length} SIM${values.length === 1 ? '' : 's'} of the inventory; widen it to the whole ${what} block you hold.`,
            );
          } else {
            note(
              start,
              `Cannot be derived: the inventory's ${what}s are not all ${options.range === 'imsi' ? '15 digits' : 'of one length'}; fill the range by hand.`,
            );
          }
        } else {
          note(
            'IMSI Range - Start',
            'Left blank: the entry covers the whole MCC+MNC. A network sharing its MCC+MNC (an MVNO) targets an IMSI or ICCID range instead (mbprov cosa export --range imsi|iccid).',
          );
        }
      } else if (!uncovered) {
        note('MCC', 'Required for GSM: the SIM inventory is empty, so the MCC and MNC cannot be derived.');
        note('MNC', 'Required for GSM: 2 or 3 digits, after the MCC in your IMSIs.');
      } else {
        note('MNC', 'Required: 2 or 3 digits, after the MCC in your IMSIs.');
      }
      if (uncovered) note('MCC', uncovered);
      settings.AccountExperienceURL = url;
      if (local)
        note(
          'AccountExperienceURL',
          `${url} is not reachable from customers' PCs: set server.publicUrl (or MBPROV_PUBLIC_URL) to the portal's public https address.`,
        );
      settings.FriendlyName = purpose === 'Internet' ? op.name : `${op.name} (purchase)`;
      settings.AccessString = apnConfig.accessString;
      if (apnConfig.userName !== undefined) settings.UserName = apnConfig.userName;
      if (apnConfig.password !== undefined) {
        settings.Password = apnConfig.password;
        note(
          'Password',
          'The export holds the APN password in clear: send it only through the submission channel.',
        );
      }
      if (apnConfig.authProtocol) settings.AuthProtocol = AUTH_PROTOCOL[apnConfig.authProtocol];
      else if (apnConfig.userName === undefined && apnConfig.password === undefined)
        settings.AuthProtocol = 'NONE';
      else
        note(
          'AuthProtocol',
          'The APN has credentials but no authProtocol in the configuration: choose PAP, CHAP or MsCHAPV2.',
        );
      settings.Compression = 'DISABLE';
      if (apns.length > 1) settings.AutoConnectOrder = String(order + 1);
      settings.SupportDataMarketplace = 'false';
      note('SPN', 'Optional: the Service Provider Name your SIMs carry, if it tells your SIMs apart.');
      settings.AlwaysOn = 'true';
      settings.PurposeGroups = COSA_PURPOSE_GUIDS[purpose];
      note('IPType', 'Optional: IPv4 when blank; IPv4v6 or IPv6 if the APN assigns IPv6 addresses.');
      note(
        'BrandingName',
        `Optional: the name Windows shows for the network instead of the one the modem reports (for example "${op.homeProviderName}"), with BrandingIcon (an .ico) and UseBrandingNameOnRoaming.`,
      );
      entries.push({ apn, purpose, settings, notes });
    }
  }
  return entries;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or surrounding spaces. */
function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The entries as CSV for the COSA submission spreadsheet: a header row with every setting name of
 * COSA_SETTINGS (in the settings page's order), then one row per entry; settings an entry leaves out are empty
 * cells. RFC 4180: comma-separated, CRLF line ends, fields with commas, quotes or line breaks quoted.
 */
export function toCosaCsv(entries: readonly CosaEntry[]): string {
  const rows = [COSA_SETTINGS.map(csvField).join(',')];
  for (const entry of entries)
    rows.push(COSA_SETTINGS.map((name) => csvField(entry.settings[name] ?? '')).join(','));
  return `${rows.join('\r\n')}\r\n`;
}

/** The entries as JSON (an array of CosaEntry: apn, purpose, settings by COSA name, notes), two-space indented. */
export function toCosaJson(entries: readonly CosaEntry[]): string {
  return `${JSON.stringify(entries, null, 2)}\n`;
}
