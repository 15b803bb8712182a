/** The background jobs of the portal. */
export type JobName =
  | 'expire-sweep'
  | 'regenerate-documents'
  | 'prune-documents'
  | 'prune-radius-sessions'
  | 'disconnect-sessions'
  | 'receipt-mail'
  | 'return-stuck-esim-orders';

/** A durable job queue: pg-boss on PostgreSQL, a jobs table polled in process on SQLite. */
export interface JobQueue {
  /** Adds a job; with a singleton key, a pending job of the same name and key is not added twice. */
  enqueue(name: JobName, data: object, options?: { singletonKey?: string }): Promise<void>;
  /** Runs `handler` for jobs of `name` (in the background, with retries). */
  work(name: JobName, handler: (data: Record<string, unknown>) => Promise<void>): Promise<void>;
  /** Runs `name` every `seconds`. */
  every(name: JobName, seconds: number): Promise<void>;
  /** Jobs waiting or running. */
  depth(): Promise<number>;
  /** Runs every due job now and resolves when none is left (tests, shutdown). */
  drain(): Promise<void>;
  stop(): Promise<void>;
}
