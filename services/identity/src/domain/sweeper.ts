import type { JobProgress } from '@tollgate/platform';
import type { Logger } from 'pino';
import type { RefreshTokenRepository, SessionRepository, SingleUseRepository } from './repositories.js';

/** Expired sessions and refresh tokens are kept this long (for "why was I signed out?"), then deleted. */
export const EXPIRED_RETENTION_MS = 24 * 60 * 60 * 1000;
const DAY_MS = 86_400_000;
const JOB = 'identity-expired-sessions';

export interface Sweeper {
  /** One pass if this replica leads the period; resolves with how many sessions it deleted. */
  sweep(now?: Date): Promise<number>;
  stop(): Promise<void>;
}

/**
 * FerretDB v1 has no TTL indexes, so expiry is a job: one replica per period
 * (PeriodLeader) deletes the sessions whose latest refresh token expired more than a day
 * ago, with all their refresh tokens and their revocation. It reads refresh tokens by
 * the UTC day they expire on (an equality query per day, from the first day it has not
 * finished); a session is deleted when the token read is its latest generation, so each
 * session once. Mailed links and passkey challenges that expired on the same days go with them. Deleting is
 * idempotent, so overlapping periods do no harm. Each pass then counts the sessions that
 * still work, for active_sessions: a read of the sessions once a pass, never per scrape.
 */
export function startSweeper(opts: {
  sessions: Pick<SessionRepository, 'remove' | 'countLive'>;
  refreshTokens: Pick<RefreshTokenRepository, 'expiringOn' | 'superseded' | 'removeSession'>;
  /** Mailed links and WebAuthn challenges. */
  singleUse: Pick<SingleUseRepository, 'removeExpiringOn'>[];
  leads: () => Promise<boolean>;
  progress: Pick<JobProgress, 'catchUp'>;
  intervalMs: number;
  log: Logger;
  /** Hears each pass's count of the sessions that still work (active_sessions). */
  counted(live: number): void;
}): Sweeper {
  let running: Promise<unknown> = Promise.resolve();

  async function sweep(now = new Date()) {
    if (!(await opts.leads())) return 0;
    const cutoff = new Date(now.getTime() - EXPIRED_RETENTION_MS);
    const lastDay = Math.floor(cutoff.getTime() / DAY_MS);
    let sessions = 0;
    // A first run looks back a day; the cutoff's own day is read again next time.
    await opts.progress.catchUp(JOB, lastDay - 1, lastDay, async (day) => {
      for (const token of await opts.refreshTokens.expiringOn(day)) {
        if (token.expiresAt >= cutoff || (await opts.refreshTokens.superseded(token))) continue;
        // The session first: a pass cut short here finds the same latest token again.
        await opts.sessions.remove(token.sessionId);
        await opts.refreshTokens.removeSession(token.sessionId);
        sessions++;
      }
      // Links and challenges (used or not) of the same day: long expired, they only took room.
      await Promise.all(opts.singleUse.map((store) => store.removeExpiringOn(day)));
      return day < lastDay;
    });
    if (sessions > 0) opts.log.info({ sessions }, 'swept expired sessions');
    opts.counted(await opts.sessions.countLive(now));
    return sessions;
  }

  const timer = setInterval(() => {
    running = sweep().catch((err: unknown) => opts.log.warn({ err: (err as Error).message }, 'session sweep failed'));
  }, opts.intervalMs);
  timer.unref();

  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
