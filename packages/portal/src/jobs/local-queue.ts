import type { Db } from '../storage/database.ts';
import {
  claimJob,
  enqueueJob,
  markJobDone,
  markJobFailed,
  nextDueJob,
  openJobCount,
} from '../storage/jobs.ts';
import type { JobName, JobQueue } from './queue.ts';

const MAX_ATTEMPTS = 5;

/**
 * The SQLite deployment's queue: jobs live in the `jobs` table, so they survive a restart; one in-process worker
 * polls for due jobs. A failed job is retried with exponential backoff, up to five attempts.
 */
export class LocalQueue implements JobQueue {
  private readonly handlers = new Map<JobName, (data: Record<string, unknown>) => Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly clock: () => Date,
    pollMs = 1000,
  ) {
    const timer = setInterval(() => {
      void this.drain().catch(() => {});
    }, pollMs);
    timer.unref();
    this.timers.push(timer);
  }

  async enqueue(name: JobName, data: object, options: { singletonKey?: string } = {}): Promise<void> {
    const now = this.clock().toISOString();
    await enqueueJob(this.db, {
      name,
      data: JSON.stringify(data),
      singletonKey: options.singletonKey ?? null,
      now,
    });
  }

  async work(name: JobName, handler: (data: Record<string, unknown>) => Promise<void>): Promise<void> {
    this.handlers.set(name, handler);
  }

  async every(name: JobName, seconds: number): Promise<void> {
    const timer = setInterval(() => {
      void this.enqueue(name, {}, { singletonKey: 'periodic' }).catch(() => {});
    }, seconds * 1000);
    timer.unref();
    this.timers.push(timer);
  }

  async depth(): Promise<number> {
    return openJobCount(this.db);
  }

  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    // One runner at a time: concurrent drains wait for the current one.
    this.running ??= this.runDue().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runDue(): Promise<void> {
    // After stop(), the job running is finished and the due ones are left for the next start.
    while (!this.stopped) {
      const now = this.clock().toISOString();
      const job = await nextDueJob(this.db, now);
      if (!job) return;
      const handler = this.handlers.get(job.name as JobName);
      if (!handler) return;
      if (!(await claimJob(this.db, job))) continue;
      try {
        await handler(JSON.parse(job.data) as Record<string, unknown>);
        await markJobDone(this.db, job.id);
      } catch (error) {
        const attempts = job.attempts + 1;
        const retryAt = new Date(this.clock().getTime() + 2 ** attempts * 1000).toISOString();
        await markJobFailed(this.db, job.id, {
          retryAt,
          final: attempts >= MAX_ATTEMPTS,
          error: (error as Error).message.slice(0, 500),
        });
        if (attempts < MAX_ATTEMPTS) return; // retry later, not in this drain
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    await this.running;
  }
}
