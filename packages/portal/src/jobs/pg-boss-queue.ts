import { setTimeout } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import type { JobName, JobQueue } from './queue.ts';

/** SQLSTATE of a transaction PostgreSQL ended to break a deadlock. */
const DEADLOCK = '40P01';

/** The PostgreSQL deployment's queue: pg-boss, shared by every portal process behind the load balancer. */
export class PgBossQueue implements JobQueue {
  private readonly names = new Set<JobName>();
  private readonly handlers = new Map<JobName, (data: Record<string, unknown>) => Promise<void>>();

  private constructor(private readonly boss: PgBoss) {}

  /** Starts pg-boss in `schema` (created when missing). */
  static async start(connectionString: string, schema = 'pgboss'): Promise<PgBossQueue> {
    const boss = new PgBoss({ connectionString, schema, max: 2 });
    boss.on('error', () => {});
    await boss.start();
    return new PgBossQueue(boss);
  }

  private async ensure(name: JobName): Promise<void> {
    if (this.names.has(name)) return;
    // pg-boss creates a queue (a row, a partition of its job table, foreign keys to its queue table) without a lock
    // between processes: two processes creating two queues at once, on the first start of several behind a load
    // balancer, lock the same tables in opposite orders and PostgreSQL ends one with a deadlock error. The other
    // finished meanwhile: try again, and find the queue made (creating an existing queue does nothing).
    for (let attempt = 1; ; attempt++) {
      try {
        await this.boss.createQueue(name);
        break;
      } catch (error) {
        if ((error as { code?: string }).code !== DEADLOCK || attempt >= 5) throw error;
        await setTimeout(Math.random() * 100 * attempt);
      }
    }
    this.names.add(name);
  }

  async enqueue(name: JobName, data: object, options: { singletonKey?: string } = {}): Promise<void> {
    await this.ensure(name);
    await this.boss.send(name, data, {
      retryLimit: 5,
      retryBackoff: true,
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    });
  }

  async work(name: JobName, handler: (data: Record<string, unknown>) => Promise<void>): Promise<void> {
    await this.ensure(name);
    this.handlers.set(name, handler);
    await this.boss.work<Record<string, unknown>>(name, async (jobs) => {
      for (const job of jobs) await handler(job.data);
    });
  }

  async every(name: JobName, seconds: number): Promise<void> {
    await this.ensure(name);
    // pg-boss schedules by cron (minute granularity); one schedule per name is shared by all processes.
    await this.boss.schedule(name, seconds >= 3600 ? '0 * * * *' : '* * * * *', {});
  }

  async depth(): Promise<number> {
    let total = 0;
    for (const name of this.names) total += await this.boss.getQueueSize(name);
    return total;
  }

  async drain(): Promise<void> {
    // Process what is queued now in this process (tests and shutdown), through the same handlers.
    for (const name of this.names) {
      const handler = this.handlers.get(name);
      if (!handler) continue;
      for (;;) {
        const jobs = await this.boss.fetch<Record<string, unknown>>(name);
        if (!jobs?.length) break;
        for (const job of jobs) {
          await handler(job.data);
          await this.boss.complete(name, job.id);
        }
      }
    }
  }

  async stop(): Promise<void> {
    await this.boss.stop({ graceful: true, wait: true });
  }
}
