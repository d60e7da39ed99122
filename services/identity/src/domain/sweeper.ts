import type { Logger } from 'pino';
import type { RefreshTokenStore } from '../store/refresh-tokens.js';
import type { SessionStore } from '../store/sessions.js';

/** Expired sessions and refresh tokens are kept this long (for "why was I signed out?"), then deleted. */
export const EXPIRED_RETENTION_MS = 24 * 60 * 60 * 1000;

export interface Sweeper {
  /** One pass; resolves with what was deleted. */
  sweep(now?: Date): Promise<{ sessions: number; refreshTokens: number }>;
  stop(): Promise<void>;
}

/**
 * FerretDB v1 has no TTL indexes, so expiry is a job: every interval it deletes
 * sessions and refresh tokens that expired more than a day ago.
 */
export function startSweeper(opts: {
  sessions: SessionStore;
  refreshTokens: RefreshTokenStore;
  intervalMs: number;
  log: Logger;
}): Sweeper {
  let running: Promise<unknown> = Promise.resolve();

  async function sweep(now = new Date()) {
    const cutoff = new Date(now.getTime() - EXPIRED_RETENTION_MS);
    const sessions = await opts.sessions.sweep(cutoff);
    const refreshTokens = await opts.refreshTokens.sweep(cutoff);
    if (sessions + refreshTokens > 0) opts.log.info({ sessions, refresh_tokens: refreshTokens }, 'swept expired sessions');
    return { sessions, refreshTokens };
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
