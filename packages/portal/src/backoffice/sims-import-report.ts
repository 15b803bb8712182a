import type { SimCsvRow, SimRejection } from './sims-csv.ts';

/** How many refused rows a report lists; the others are only counted, so the answer stays small whatever the file. */
export const LISTED_REJECTIONS = 100;
/** The longest cell a listed row echoes: a refused row may hold anything, a megabyte-long cell included. */
const ECHOED_CELL_LENGTH = 40;

const echo = (cell: string) =>
  cell.length > ECHOED_CELL_LENGTH ? `${cell.slice(0, ECHOED_CELL_LENGTH)}…` : cell;

/** A refused row as a report lists it: its line, its cells (shortened) and why it was refused. */
export interface RejectedSimRow
  extends SimRejection,
    Pick<SimCsvRow, 'line' | 'iccid' | 'imsi' | 'msisdn' | 'min' | 'esnMeid'> {
  status: 'rejected';
}

/** The answer of an import: rows by outcome, refused rows by code, and the first refused rows by line. */
export interface SimImportSummary {
  added: number;
  exists: number;
  rejected: number;
  rejectedByCode: Partial<Record<SimRejection['code'], number>>;
  /** The first LISTED_REJECTIONS refused rows, in line order. */
  rows: RejectedSimRow[];
  /** More rows were refused than `rows` lists. */
  truncated: boolean;
}

/** Collects the outcome of each row of an import, fed in line order. */
export class SimImportReport {
  readonly summary: SimImportSummary = {
    added: 0,
    exists: 0,
    rejected: 0,
    rejectedByCode: {},
    rows: [],
    truncated: false,
  };

  /** The row's SIM was added. */
  added(): void {
    this.summary.added++;
  }

  /** The row's SIM is in the inventory already. */
  exists(): void {
    this.summary.exists++;
  }

  /** The row was refused: counted under its code, listed while the list is not full. */
  rejected(row: SimCsvRow, rejection: SimRejection): void {
    const s = this.summary;
    s.rejected++;
    s.rejectedByCode[rejection.code] = (s.rejectedByCode[rejection.code] ?? 0) + 1;
    if (s.rows.length === LISTED_REJECTIONS) {
      s.truncated = true;
      return;
    }
    s.rows.push({
      line: row.line,
      iccid: echo(row.iccid),
      imsi: echo(row.imsi),
      ...(row.msisdn ? { msisdn: echo(row.msisdn) } : {}),
      ...(row.min ? { min: echo(row.min) } : {}),
      ...(row.esnMeid ? { esnMeid: echo(row.esnMeid) } : {}),
      status: 'rejected',
      ...rejection,
    });
  }
}
