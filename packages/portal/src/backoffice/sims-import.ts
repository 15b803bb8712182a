import type { Kysely } from 'kysely';
import { addSims, findSim } from '../storage/inventory.ts';
import type { Database } from '../storage/schema.ts';
import { simCsvRows } from './sims-csv.ts';
import { SimImportReport, type SimImportSummary } from './sims-import-report.ts';

/**
 * Imports a SIM inventory CSV row by row: adds each new SIM, counts the ones the inventory holds already, and
 * refuses bad rows and rows whose IMSI belongs to another SIM (those write nothing). Answers a bounded report.
 */
export async function importSims(db: Kysely<Database>, csv: string, now: string): Promise<SimImportSummary> {
  const report = new SimImportReport();
  for (const row of simCsvRows(csv)) {
    if (row.rejection) {
      report.rejected(row, row.rejection);
      continue;
    }
    const existing = (await findSim(db, { iccid: row.iccid })) ?? (await findSim(db, { imsi: row.imsi }));
    if (!existing) {
      await addSims(
        db,
        [{ iccid: row.iccid, imsi: row.imsi, ...(row.msisdn ? { msisdn: row.msisdn } : {}) }],
        now,
      );
      report.added();
    } else if (existing.iccid === row.iccid) report.exists();
    else report.rejected(row, { code: 'MBPROV_INVENTORY_IMSI_TAKEN', reason: 'IMSI belongs to another SIM' });
  }
  return report.summary;
}
