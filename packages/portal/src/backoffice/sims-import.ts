import type { Db } from '../storage/database.ts';
import { addSims, findSimsByAny } from '../storage/sims.ts';
import { simCsvRows } from './sims-csv.ts';
import { SimImportReport, type SimImportSummary } from './sims-import-report.ts';

/**
 * Imports a SIM inventory CSV row by row: adds each new SIM, counts the ones the inventory holds already, and
 * refuses bad rows and rows an identifier of which belongs to another row (those write nothing). A row is the one
 * stored when its ICCID matches, or when it names a single stored row that has every identifier it gives. Answers
 * a bounded report.
 */
export async function importSims(db: Db, csv: string, now: string): Promise<SimImportSummary> {
  const report = new SimImportReport();
  for (const row of simCsvRows(csv)) {
    if (row.rejection) {
      report.rejected(row, row.rejection);
      continue;
    }
    const ids = {
      ...(row.iccid ? { iccid: row.iccid } : {}),
      ...(row.imsi ? { imsi: row.imsi } : {}),
      ...(row.min ? { min: row.min } : {}),
      ...(row.esnMeidKey ? { esnMeid: row.esnMeidKey } : {}),
    };
    const existing = await findSimsByAny(db, ids);
    const only = existing.length === 1 ? existing[0] : undefined;
    if (existing.length === 0) {
      await addSims(db, [{ ...ids, ...(row.msisdn ? { msisdn: row.msisdn } : {}) }], now);
      report.added();
    } else if (only && (only.matched.includes('iccid') || only.matched.length === Object.keys(ids).length))
      report.exists();
    else if (existing.every((e) => e.matched.length === 1 && e.matched[0] === 'imsi'))
      report.rejected(row, { code: 'MBPROV_INVENTORY_IMSI_TAKEN', reason: 'IMSI belongs to another SIM' });
    else
      report.rejected(row, {
        code: 'MBPROV_INVENTORY_ID_TAKEN',
        reason: 'an identifier belongs to another SIM of the inventory',
      });
  }
  return report.summary;
}
