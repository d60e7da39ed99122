import type { SlotKind } from '../store/login-failures.js';
import type { Caller, IdentityDeps } from './deps.js';

/**
 * Where a user's consecutive failed logins stand: the series the next failure counts
 * in, how many it holds, and since when the account is locked (null: it is not).
 * A series ended by a success or an unlock, or by its lock running out, is over: the
 * next failure opens the following one.
 */
export interface Series {
  series: number;
  failures: number;
  lockedAt: Date | null;
}

export async function currentSeries(deps: IdentityDeps, userId: string, now = Date.now()): Promise<Series> {
  const last = await deps.loginFailures.last(userId);
  if (!last) return { series: 1, failures: 0, lockedAt: null };
  const next = { series: last.series + 1, failures: 0, lockedAt: null };
  if (last.kind !== 'failure') return next;
  if (last.n < deps.settings.lockoutThreshold) return { series: last.series, failures: last.n, lockedAt: null };
  const { lockoutSeconds } = deps.settings;
  return lockoutSeconds === 0 || last.at.getTime() + lockoutSeconds * 1000 > now ? { series: last.series, failures: last.n, lockedAt: last.at } : next;
}

export async function isLocked(deps: IdentityDeps, userId: string): Promise<boolean> {
  return (await currentSeries(deps, userId)).lockedAt !== null;
}

/**
 * Counts a wrong password against the account: the failure takes the next slot of the
 * current series (store/login-failures.ts), and the one that takes slot
 * LOCKOUT_THRESHOLD locks the account and audits `auth.account.locked` — once, however
 * many fail at the same moment on however many replicas. A failure while the account
 * is locked is not counted (`locked`). `known` is the series as the caller last read it.
 */
export async function recordPasswordFailure(
  deps: IdentityDeps,
  caller: Caller,
  userId: string,
  known?: Series,
): Promise<{ failures: number; locked: boolean }> {
  const threshold = deps.settings.lockoutThreshold;
  for (let current = known; ; current = undefined) {
    const now = new Date();
    current ??= await currentSeries(deps, userId, now.getTime());
    if (current.lockedAt) return { failures: current.failures, locked: true };
    const n = current.failures + 1;
    // Taken: another failure (or a success) came first; read the series again.
    if (!(await deps.loginFailures.claim(userId, current.series, n, 'failure', now))) continue;
    if (n === threshold) {
      await deps.audit.emit(
        {
          action: 'auth.account.locked',
          outcome: 'failure',
          resource: { type: 'user', id: userId },
          details: { failed_attempts: n, threshold, lockout_seconds: deps.settings.lockoutSeconds },
        },
        caller,
      );
    }
    return { failures: n, locked: false };
  }
}

/**
 * Ends the current series of failures with a success or an unlock, so the count starts
 * again from zero. A success never ends a series that a concurrent failure has just
 * locked: it returns false and the login fails as locked. An unlock ends any series.
 * Nothing is written when there were no failures.
 */
export async function endSeries(deps: IdentityDeps, userId: string, kind: Exclude<SlotKind, 'failure'>): Promise<boolean> {
  for (;;) {
    const now = new Date();
    const current = await currentSeries(deps, userId, now.getTime());
    if (current.lockedAt && kind === 'success') return false;
    if (current.failures === 0) return true;
    if (await deps.loginFailures.claim(userId, current.series, current.failures + 1, kind, now)) return true;
  }
}
