import type { RunningPortal } from './start.ts';

/** Exit status of a shutdown that had to cut requests short (deadline passed, second signal, close failed). */
export const FORCED_EXIT_STATUS = 1;

/** What {@link stopOnSignals} needs besides the portal. */
export interface ShutdownOptions {
  /** Ends the process (process.exit in `mbprov serve`). */
  exit: (status: number) => void;
  /** The signals that stop the portal (default SIGTERM and SIGINT). */
  signals?: NodeJS.Signals[];
}

/**
 * Stops the portal gracefully on SIGTERM or SIGINT: no new connections, the requests in flight get up to
 * server.shutdownGraceSeconds to finish, then the job queue and the database close and the process exits 0. The
 * deadline or a second signal exits with {@link FORCED_EXIT_STATUS} at once, logging why. Returns a function that
 * removes the signal handlers.
 */
export function stopOnSignals(portal: RunningPortal, options: ShutdownOptions): () => void {
  const log = portal.app.log;
  const graceSeconds = portal.ctx.config.server.shutdownGraceSeconds;
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  let stopping = false;
  const forced = (why: string) => {
    log.error({ exitStatus: FORCED_EXIT_STATUS }, `shutdown forced: ${why}`);
    options.exit(FORCED_EXIT_STATUS);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return forced(`second signal (${signal}) while draining`);
    stopping = true;
    log.info({ signal, graceSeconds }, 'shutdown: no new connections; waiting for the requests in flight');
    // Not unref'd: it also keeps the process alive until the close has ended one way or the other.
    const deadline = setTimeout(
      () => forced(`requests still running after the grace period of ${graceSeconds} s`),
      graceSeconds * 1000,
    );
    portal.close().then(
      () => {
        clearTimeout(deadline);
        log.info({ exitStatus: 0 }, 'shutdown complete: requests answered, job queue and database closed');
        options.exit(0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        forced(`closing failed: ${(error as Error).message}`);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
