import { cdmaDecimalProblem, cdmaDeviceKey } from '../identifiers/device-parameters.ts';

/** The codes a row of a SIM inventory import is refused with. */
export const SIM_REJECTION_CODES = [
  'MBPROV_INVENTORY_ICCID_INVALID',
  'MBPROV_INVENTORY_IMSI_INVALID',
  'MBPROV_INVENTORY_MSISDN_INVALID',
  'MBPROV_INVENTORY_MIN_INVALID',
  'MBPROV_INVENTORY_ESN_MEID_INVALID',
  'MBPROV_INVENTORY_NO_SUBSCRIBER_ID',
  'MBPROV_INVENTORY_DUPLICATE_IN_FILE',
  'MBPROV_INVENTORY_IMSI_TAKEN',
  'MBPROV_INVENTORY_ID_TAKEN',
] as const;

/** Why a row is refused: its code, and the sentence a person reads beside it. */
export interface SimRejection {
  code: (typeof SIM_REJECTION_CODES)[number];
  reason: string;
}

/** One row of a SIM inventory CSV as read: a SIM to add, or, with `rejection`, a row refused as it stands. */
export interface SimCsvRow {
  line: number;
  /** Empty when the row has none (a CDMA row known by its MIN). */
  iccid: string;
  imsi: string;
  msisdn?: string;
  /** CDMA MIN or MIN(IRM), 10 digits. */
  min?: string;
  /** The CDMA device bound to the row (ESN or MEID) as read; `esnMeidKey` is its normalized spelling. */
  esnMeid?: string;
  esnMeidKey?: string;
  rejection?: SimRejection;
}

/** The columns of the CSV, in their order when the file has no header row. */
export const SIM_CSV_COLUMNS = ['iccid', 'imsi', 'msisdn', 'min', 'esn_meid'] as const;
type Column = (typeof SIM_CSV_COLUMNS)[number];
/** Header names read as each column (case-insensitive). */
const HEADER_NAMES: Record<string, Column> = {
  iccid: 'iccid',
  imsi: 'imsi',
  msisdn: 'msisdn',
  min: 'min',
  'min(irm)': 'min',
  irm: 'min',
  esn_meid: 'esn_meid',
  'esn/meid': 'esn_meid',
  esn: 'esn_meid',
  meid: 'esn_meid',
};

/** Splits one CSV line (RFC 4180 quoting). */
export function cells(line: string): string[] {
  const out: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cell);
      cell = '';
    } else cell += c;
  }
  out.push(cell);
  return out.map((v) => v.trim());
}

type Seen = Record<'iccid' | 'imsi' | 'min' | 'esnMeidKey', Set<string>>;

/** What is wrong with a row on its own or beside the earlier rows of the file, if anything. */
function rejectionOf(row: Omit<SimCsvRow, 'line'>, seen: Seen): SimRejection | undefined {
  const { iccid, imsi, msisdn, min, esnMeid } = row;
  if (!iccid && !imsi && !min)
    return { code: 'MBPROV_INVENTORY_NO_SUBSCRIBER_ID', reason: 'a row needs an ICCID, an IMSI or a MIN' };
  if (iccid && !/^\d{19,20}$/.test(iccid))
    return { code: 'MBPROV_INVENTORY_ICCID_INVALID', reason: 'ICCID must be 19 or 20 digits' };
  if (imsi && !/^\d{6,15}$/.test(imsi))
    return { code: 'MBPROV_INVENTORY_IMSI_INVALID', reason: 'IMSI must be 6 to 15 digits' };
  if (msisdn && !/^\+?\d{5,15}$/.test(msisdn))
    return {
      code: 'MBPROV_INVENTORY_MSISDN_INVALID',
      reason: 'MSISDN must be 5 to 15 digits, optionally with +',
    };
  if (min && !/^\d{10}$/.test(min))
    return { code: 'MBPROV_INVENTORY_MIN_INVALID', reason: 'MIN must be 10 digits' };
  if (esnMeid && !row.esnMeidKey)
    return {
      code: 'MBPROV_INVENTORY_ESN_MEID_INVALID',
      reason:
        cdmaDecimalProblem(esnMeid) ??
        'ESN/MEID must be an ESN (11 digits, 8 hex) or a MEID (17 or 18 digits, 14 or 15 hex)',
    };
  for (const [key, label] of [
    ['iccid', 'ICCID'],
    ['imsi', 'IMSI'],
    ['min', 'MIN'],
    ['esnMeidKey', 'ESN/MEID'],
  ] as const) {
    const value = row[key];
    if (value && seen[key].has(value))
      return { code: 'MBPROV_INVENTORY_DUPLICATE_IN_FILE', reason: `${label} repeated in the file` };
  }
  return undefined;
}

/**
 * Reads a SIM inventory CSV row by row, in line order. Columns ICCID, IMSI, MSISDN, MIN, ESN/MEID by position, or
 * in any order under a header row naming them (iccid, imsi, msisdn, min, esn_meid; also esn, meid, min(irm)); empty
 * cells are absent identifiers. A row needs an ICCID, an IMSI or a MIN; each given cell is checked (ICCID 19–20
 * digits, IMSI 6–15 digits, MSISDN +digits, MIN 10 digits, ESN/MEID an ESN or MEID), and a row repeating an
 * identifier of an earlier accepted row is refused (the decimal and hex forms of one ESN/MEID are the same).
 */
export function* simCsvRows(text: string): Generator<SimCsvRow> {
  const seen: Seen = { iccid: new Set(), imsi: new Set(), min: new Set(), esnMeidKey: new Set() };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let columns: ReadonlyArray<Column | undefined> = SIM_CSV_COLUMNS;
  let first = true;
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const values = cells(raw);
    if (first) {
      first = false;
      const named = values.map((v) => HEADER_NAMES[v.toLowerCase()]);
      if (/iccid/i.test(values[0] ?? '') && !named.some((c) => c !== undefined)) continue; // a header of old files
      if (named.some((c) => c !== undefined)) {
        columns = named;
        continue; // header
      }
    }
    const cell = (c: Column) => {
      const at = columns.indexOf(c);
      return at < 0 ? '' : (values[at] ?? '');
    };
    const [msisdn, min, esnMeid] = [cell('msisdn'), cell('min'), cell('esn_meid')];
    const esnMeidKey = esnMeid ? cdmaDeviceKey(esnMeid) : undefined;
    const row: SimCsvRow = {
      line: index + 1,
      iccid: cell('iccid'),
      imsi: cell('imsi'),
      ...(msisdn ? { msisdn } : {}),
      ...(min ? { min } : {}),
      ...(esnMeid ? { esnMeid } : {}),
      ...(esnMeidKey ? { esnMeidKey } : {}),
    };
    const rejection = rejectionOf(row, seen);
    if (rejection) {
      yield { ...row, rejection };
      continue;
    }
    for (const key of ['iccid', 'imsi', 'min', 'esnMeidKey'] as const) {
      const value = row[key];
      if (value) seen[key].add(value);
    }
    yield row;
  }
}
