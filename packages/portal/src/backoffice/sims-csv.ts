/** One row of a SIM inventory import and what became of it. */
export interface SimImportRow {
  line: number;
  iccid?: string;
  imsi?: string;
  msisdn?: string;
  status: 'added' | 'exists' | 'rejected';
  reason?: string;
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

/**
 * Reads a SIM inventory CSV: columns ICCID, IMSI and optionally MSISDN, with an optional header row. Each row is
 * checked (ICCID 19–20 digits, IMSI 6–15 digits, MSISDN +digits) and duplicates within the file are rejected.
 */
export function parseSimCsv(text: string): {
  valid: Array<{ line: number; iccid: string; imsi: string; msisdn?: string }>;
  rejected: SimImportRow[];
} {
  const valid: Array<{ line: number; iccid: string; imsi: string; msisdn?: string }> = [];
  const rejected: SimImportRow[] = [];
  const seenIccid = new Set<string>();
  const seenImsi = new Set<string>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    const [iccid = '', imsi = '', msisdn = ''] = cells(raw);
    if (index === 0 && /iccid/i.test(iccid)) continue; // header
    const reason = !/^\d{19,20}$/.test(iccid)
      ? 'ICCID must be 19 or 20 digits'
      : !/^\d{6,15}$/.test(imsi)
        ? 'IMSI must be 6 to 15 digits'
        : msisdn && !/^\+?\d{5,15}$/.test(msisdn)
          ? 'MSISDN must be 5 to 15 digits, optionally with +'
          : seenIccid.has(iccid)
            ? 'ICCID repeated in the file'
            : seenImsi.has(imsi)
              ? 'IMSI repeated in the file'
              : undefined;
    if (reason) {
      rejected.push({ line, iccid, imsi, ...(msisdn ? { msisdn } : {}), status: 'rejected', reason });
      continue;
    }
    seenIccid.add(iccid);
    seenImsi.add(imsi);
    valid.push({ line, iccid, imsi, ...(msisdn ? { msisdn } : {}) });
  }
  return { valid, rejected };
}
