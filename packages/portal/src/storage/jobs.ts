import { randomUUID } from 'node:crypto';
import type { Db } from './database.ts';
import type { JobTable } from './schema.ts';

/** A job of the SQLite deployment's queue (jobs/local-queue.ts). */
export type Job = JobTable;

/** Stores a pending job due now, unless one with its singleton key is stored already. */
export async function enqueueJob(
  db: Db,
  job: { name: string; data: string; singletonKey: string | null; now: string },
): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      id: randomUUID(),
      name: job.name,
      data: job.data,
      singleton_key: job.singletonKey,
      status: 'pending',
      attempts: 0,
      run_at: job.now,
      last_error: null,
      created_at: job.now,
    })
    .onConflict((c) => c.doNothing())
    .execute();
}

/** How many jobs are pending or running. */
export async function openJobCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The pending job that has been due the longest at `now`. */
export async function nextDueJob(db: Db, now: string): Promise<Job | undefined> {
  return db
    .selectFrom('jobs')
    .selectAll()
    .where('status', '=', 'pending')
    .where('run_at', '<=', now)
    .orderBy('run_at')
    .limit(1)
    .executeTakeFirst();
}

/** pending → running, counting the attempt; false when another runner claimed it first. */
export async function claimJob(db: Db, job: Job): Promise<boolean> {
  const claimed = await db
    .updateTable('jobs')
    .set({ status: 'running', attempts: job.attempts + 1 })
    .where('id', '=', job.id)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) > 0;
}

/** running → done. */
export async function markJobDone(db: Db, id: string): Promise<void> {
  await db.updateTable('jobs').set({ status: 'done' }).where('id', '=', id).execute();
}

/** running → pending again at `retryAt`, or failed for good, with the error that ended this attempt. */
export async function markJobFailed(
  db: Db,
  id: string,
  outcome: { retryAt: string; final: boolean; error: string },
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ status: outcome.final ? 'failed' : 'pending', run_at: outcome.retryAt, last_error: outcome.error })
    .where('id', '=', id)
    .execute();
}
