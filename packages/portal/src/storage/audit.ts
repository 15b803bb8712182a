import { randomUUID } from 'node:crypto';
import type { Db } from './database.ts';
import type { AuditTable } from './schema.ts';

/** A change made through the back office, as recorded. */
export type AuditEntry = AuditTable;

/** Records a change made through the back office (details must hold no secret). */
export async function audit(
  db: Db,
  entry: { at: string; actor: string; action: string; target: string; details?: object },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: randomUUID(),
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

/** The `limit` most recent changes, newest first. */
export async function recentAudit(db: Db, limit: number): Promise<AuditEntry[]> {
  return db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').limit(limit).execute();
}
