import type { Caller } from '@tollgate/platform';
import type { IdentityDeps } from './deps.js';
import { originOf } from './mail-templates.js';
import type { SlotKind } from './records.js';

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
  return lockoutSeconds === 0 || last.at.getTime() + lockoutSeconds * 1000 > now
    ? { series: last.series, failures: last.n, lockedAt: last.at }
    : next;
}

/** How long a fresh lock may still be undone by the guesses that made it: longer than a hash check takes under load. */
const LOCK_SETTLE_MS = 2_000;

/**
 * The current series once a lock made in the last LOCK_SETTLE_MS has settled. Guesses take
 * their slot before their hash is checked, so parallel right guesses (a script signing in
 * several times at once) can fill the last slot; the one in it then ends the series as a
 * success. Until it has, a lock is not yet known to be one: wait for it, or for the time
 * it may take. A lock made by a wrong guess stands, after the wait (even one that ran out
 * during it: the guess came while it held).
 */
async function settledSeries(deps: IdentityDeps, userId: string, now = Date.now()): Promise<Series> {
  let current = await currentSeries(deps, userId, now);
  while (current.lockedAt && Date.now() - current.lockedAt.getTime() < LOCK_SETTLE_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const last = await deps.loginFailures.last(userId);
    // The guess in the last slot was right (or an admin unlocked): the series ended, and later ones may have too
    // (each maybe locked afresh by guesses still in flight).
    if (last && (last.series !== current.series || last.kind !== 'failure')) current = await currentSeries(deps, userId);
  }
  // A lock that ran out during the wait still held when this guess came.
  return current;
}

export async function isLocked(deps: IdentityDeps, userId: string): Promise<boolean> {
  return (await currentSeries(deps, userId)).lockedAt !== null;
}

/**
 * A password guess judged under the lockout: counted while `verified` (the hash check) runs,
 * so parallel guesses cannot all be answered before the lock; a wrong one in the last slot
 * audits the lock; a right one ends its series — unless a wrong guess after it locked it.
 */
export async function judgeGuess(
  deps: IdentityDeps,
  caller: Caller,
  userId: string,
  verified: Promise<boolean>,
): Promise<{ verdict: 'right' | 'locked' } | { verdict: 'wrong'; failures: number }> {
  const [right, counted] = await Promise.all([verified, countGuess(deps, userId)]);
  if (counted.locked) return { verdict: 'locked' };
  if (!right) {
    await wrongGuess(deps, caller, userId, counted.failures);
    return { verdict: 'wrong', failures: counted.failures };
  }
  return (await endSeries(deps, userId, 'success', counted.failures)) ? { verdict: 'right' } : { verdict: 'locked' };
}

/**
 * Counts a password guess against the account before its answer is known: the guess takes
 * the next failure slot of the current series (LoginFailureRepository), so parallel guesses
 * cannot all be answered before the lock — the one in slot LOCKOUT_THRESHOLD locks the
 * account for every guess after it, on every replica. A guess while the account is locked
 * is not counted (`locked`). Then the caller settles it: `wrong` audits the lock when this
 * guess made it; a right guess ends the series (endSeries with its slot).
 */
async function countGuess(deps: IdentityDeps, userId: string): Promise<{ failures: number; locked: boolean }> {
  for (;;) {
    const now = new Date();
    const current = await settledSeries(deps, userId, now.getTime());
    if (current.lockedAt) return { failures: current.failures, locked: true };
    const n = current.failures + 1;
    // Taken: another guess (or a success) came first; read the series again.
    if (await deps.loginFailures.claim(userId, current.series, n, 'failure', now)) return { failures: n, locked: false };
  }
}

/**
 * A counted guess was wrong: the one that filled the last slot audits `auth.account.locked`
 * and mails the account (once, whatever the replicas).
 */
async function wrongGuess(deps: IdentityDeps, caller: Caller, userId: string, slot: number): Promise<void> {
  const threshold = deps.settings.lockoutThreshold;
  if (slot !== threshold) return;
  await deps.audit.emit(
    {
      action: 'auth.account.locked',
      outcome: 'failure',
      resource: { type: 'user', id: userId },
      details: { failed_attempts: slot, threshold, lockout_seconds: deps.settings.lockoutSeconds },
    },
    caller,
  );
  const user = await deps.users.findById(userId);
  if (!user) return;
  const seconds = deps.settings.lockoutSeconds;
  await deps.mailer.send(user.email, 'account_locked', {
    failures: slot,
    until: seconds > 0 ? new Date(Date.now() + seconds * 1000).toISOString() : '',
    ...originOf(caller),
  });
}

/**
 * Ends the current series of failures with a success or an unlock, so the count starts
 * again from zero. A success (the right guess in slot `ownSlot`) never ends a series that
 * a guess after it has locked: it returns false and the login fails as locked; the lock its
 * own slot would make is no lock, since it was right. An unlock ends any series. Nothing
 * is written when there were no failures.
 */
export async function endSeries(
  deps: IdentityDeps,
  userId: string,
  kind: Exclude<SlotKind, 'failure'>,
  ownSlot?: number,
): Promise<boolean> {
  for (;;) {
    const now = new Date();
    let current = await currentSeries(deps, userId, now.getTime());
    // Locked by slots after this guess's own: wait for the guess in the last one to settle (it may be right too).
    if (current.lockedAt && kind === 'success' && current.failures !== ownSlot) current = await settledSeries(deps, userId);
    if (current.lockedAt && kind === 'success' && current.failures !== ownSlot) return false;
    if (current.failures === 0) return true;
    if (await deps.loginFailures.claim(userId, current.series, current.failures + 1, kind, now)) return true;
  }
}
