import type { JobProgress } from '@tollgate/platform';
import type { Logger } from 'pino';
import { DAY_MS, EXPIRY_NOTICE_DAYS, HOUR_MS } from './token.js';
import type { TokenRepository } from './token-repository.js';

const EXPIRY_JOB = 'token-expiry';
const NOTICE_JOB = 'token-expiry-notice';
const USE_CLAIMS_JOB = 'token-use-claims';

export interface SweeperDeps {
  store: Pick<TokenRepository, 'expiringOn'>;
  /** Commits a token's expiry and audits it; true when this call did. */
  expire(id: string, now: Date): Promise<boolean>;
  /** Audits that an active token expires within EXPIRY_NOTICE_DAYS, once per token; true when this call did. */
  noticeExpiring(id: string, now: Date): Promise<boolean>;
  /** Deletes the last-use claims made in one UTC hour (hours since the epoch). */
  forgetUseClaims(hour: number): Promise<void>;
  /** Whether this replica runs the sweep in this period (PeriodLeader). */
  leads(): Promise<boolean>;
  /** Where each job got to (JobProgress). */
  progress: Pick<JobProgress, 'catchUp'>;
  intervalMs: number;
  log: Logger;
}

/**
 * FerretDB has no TTL indexes, so a sweeper marks tokens past their expiry `expired`
 * and audits `token.expired` once per token: it runs on one replica per period
 * (PeriodLeader), and each expiry is a committed token version, so a sweep that
 * overlaps another (a period boundary) cannot expire a token twice. It reads tokens by
 * the UTC day they expire on (an equality query per day, from the first day it has not
 * finished to today), and forgets last-use claims of hours that are long decided. The same way,
 * it audits `token.expiring` once for each active token EXPIRY_NOTICE_DAYS before it expires
 * (the days up to that far ahead; a token created with less time left is not noticed).
 * Introspect does not wait for it: an expired token is refused as soon as its time has passed.
 */
export class ExpirySweeper {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<number> | null = null;

  constructor(private readonly deps: SweeperDeps) {}

  start(): void {
    const tick = () => {
      this.#timer = setTimeout(() => {
        this.sweep()
          .catch((err: unknown) => this.deps.log.warn({ err: (err as Error).message }, 'token expiry sweep failed'))
          .finally(() => {
            if (this.#timer) tick();
          });
      }, this.deps.intervalMs);
      this.#timer.unref();
    };
    tick();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }

  /** One pass if this replica leads the period; resolves with how many tokens it expired. */
  sweep(): Promise<number> {
    this.#running ??= this.#sweep().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #sweep(): Promise<number> {
    if (!(await this.deps.leads())) return 0;
    const now = new Date();
    const today = Math.floor(now.getTime() / DAY_MS);
    let expired = 0;
    // A first run looks back a day: nothing this version stored expired earlier. Today
    // is read again next time: more of its tokens will have expired by then.
    await this.deps.progress.catchUp(EXPIRY_JOB, today - 1, today, async (day) => {
      for (const token of await this.deps.store.expiringOn(day)) {
        if (token.status === 'active' && token.expires_at && token.expires_at <= now && (await this.deps.expire(token.id, now))) expired++;
      }
      return day < today;
    });
    if (expired > 0) this.deps.log.info({ expired }, 'expired tokens swept');
    // Tokens expiring on the horizon day are noticed as they come within reach: that day is read again until it is past.
    const horizon = today + EXPIRY_NOTICE_DAYS;
    await this.deps.progress.catchUp(NOTICE_JOB, horizon - 1, horizon, async (day) => {
      for (const token of await this.deps.store.expiringOn(day)) {
        if (token.status === 'active' && token.expires_at && token.expires_at > now) await this.deps.noticeExpiring(token.id, now);
      }
      return day < horizon;
    });
    // A claim's interval (at most an hour) ends within two hours of the hour it began in.
    const decided = Math.floor(now.getTime() / HOUR_MS) - 3;
    await this.deps.progress.catchUp(USE_CLAIMS_JOB, decided, decided, async (hour) => {
      await this.deps.forgetUseClaims(hour);
      return true;
    });
    return expired;
  }
}
