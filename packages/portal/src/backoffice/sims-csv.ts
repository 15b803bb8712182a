/** The codes a row of a SIM inventory import is refused with. */
export const SIM_REJECTION_CODES = [
  'MBPROV_INVENTORY_ICCID_INVALID',
  'MBPROV_INVENTORY_IMSI_INVALID',
  'MBPROV_INVENTORY_MSISDN_INVALID',
  'MBPROV_INVENTORY_DUPLICATE_IN_FILE',
  'MBPROV_INVENTORY_IMSI_TAKEN',
] as const;

/** Why a row is refused: its code, and the sentence a person reads beside it. */
export interface SimRejection {
  code: (typeof SIM_REJECTION_CODES)[number];
  reason: string;
}

/** One row of a SIM inventory CSV as read: a SIM to add, or, with `rejection`, a row refused as it stands. */
export interface SimCsvRow {
  line: number;
  iccid: string;
  imsi: string;
  msisdn?: string;
  rejection?: SimRejection;
}

/** Splits one CSV line (RFC 4180 quoting). */
function cells(line: string): string[] {
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

/** What is wrong with a row on its own or beside the earlier rows of the file, if anything. */
function rejectionOf(
  { iccid, imsi, msisdn }: Omit<SimCsvRow, 'line'>,
  seen: { iccids: Set<string>; imsis: Set<string> },
): SimRejection | undefined {
  if (!/^\d{19,20}$/.test(iccid))
    return { code: 'MBPROV_INVENTORY_ICCID_INVALID', reason: 'ICCID must be 19 or 20 digits' };
  if (!/^\d{6,15}$/.test(imsi))
    return { code: 'MBPROV_INVENTORY_IMSI_INVALID', reason: 'IMSI must be 6 to 15 digits' };
  if (msisdn && !/^\+?\d{5,15}$/.test(msisdn))
    return {
      code: 'MBPROV_INVENTORY_MSISDN_INVALID',
      reason: 'MSISDN must be 5 to 15 digits, optionally with +',
    };
  if (seen.iccids.has(iccid))
    return { code: 'MBPROV_INVENTORY_DUPLICATE_IN_FILE', reason: 'ICCID repeated in the file' };
  if (seen.imsis.has(imsi))
    return { code: 'MBPROV_INVENTORY_DUPLICATE_IN_FILE', reason: 'IMSI repeated in the file' };
  return undefined;
}

/**
 * Reads a SIM inventory CSV row by row, in line order: columns ICCID, IMSI and optionally MSISDN, with an optional
 * header row. Each row is checked (ICCID 19–20 digits, IMSI 6–15 digits, MSISDN +digits) and a row repeating the
 * ICCID or IMSI of an earlier accepted row is refused.
 */
export function* simCsvRows(text: string): Generator<SimCsvRow> {
  const seen = { iccids: new Set<string>(), imsis: new Set<string>() };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === '') continue;
    const [iccid = '', imsi = '', msisdn = ''] = cells(raw);
    if (index === 0 && /iccid/i.test(iccid)) continue; // header
    const row = { line: index + 1, iccid, imsi, ...(msisdn ? { msisdn } : {}) };
    const rejection = rejectionOf(row, seen);
    if (rejection) {
      yield { ...row, rejection };
      continue;
    }
    seen.iccids.add(iccid);
    seen.imsis.add(imsi);
    yield row;
  }
}
