import type { Logger } from '@tollgate/platform';
import type { EventStore } from './event-store.js';

/** Pages moved per run at most, so one run stays short; the next run goes on. */
const MAX_PAGES_PER_RUN = 64;

export interface RetentionOptions {
  /** How long events stay in the hot log (AUDIT_HOT_DAYS). */
  hotMs: number;
  intervalMs: number;
  /** Whether this replica runs the job now (a PeriodLeader: one replica per period). */
  leads(): Promise<boolean>;
  log: Logger;
}

/**
 * Moves pages older than the hot period to the archive, every interval, on the one
 * replica that leads the period. Runs of two leaders can overlap at a period's turn;
 * moving a page is idempotent (see EventStore.archive), so that does no harm.
 */
export function startRetention(store: EventStore, opts: RetentionOptions): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const run = async () => {
    if (!(await opts.leads())) return;
    const moved = await store.archive(new Date(Date.now() - opts.hotMs), MAX_PAGES_PER_RUN);
    if (moved > 0) opts.log.info({ pages: moved }, 'audit pages moved to the archive');
  };
  const timer = setInterval(() => {
    running = running
      .then(run)
      .catch((err: unknown) => opts.log.warn({ err: (err as Error).message }, 'audit archiving failed, will retry'));
  }, opts.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
