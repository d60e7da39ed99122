import { AppError, Counter, Gauge, type ServiceRuntime } from '@tollgate/platform';
import type { SignInMethod } from './auth.js';
import type { SessionRepository } from './repositories.js';

/** The refresh outcomes counted apart: its error codes, else `error` (a dependency failed). */
const REFRESH_OUTCOMES = new Set(['invalid_credentials', 'token_expired', 'token_revoked', 'refresh_token_reused', 'csrf_failed']);

export interface IdentityMetrics {
  /** A sign-in's credential was judged: `reason` is the audited reason of a failure (none on success). */
  signInAttempt(method: SignInMethod, reason?: string): void;
  /** A refresh ended: its error, or none when it succeeded. */
  refreshed(err?: unknown): void;
  sessionCreated(): void;
  /** `count` sessions were revoked for `reason` (one of the fixed reasons the code passes). */
  sessionsRevoked(reason: string, count: number): void;
  /** The sweep's count of sessions that still work. */
  activeSessions(count: number): void;
}

export function identityMetrics(registry: ServiceRuntime['registry']): IdentityMetrics {
  const attempts = new Counter({
    name: 'auth_attempts_total',
    help: 'Sign-ins by method (password, magic_link, passkey) and outcome (success, failure, locked, disabled)',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  });
  const refreshes = new Counter({
    name: 'token_refreshes_total',
    help: 'Refresh-token trades by outcome (success, or the error code: invalid_credentials, token_expired, token_revoked, refresh_token_reused, csrf_failed; error: a dependency failed)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const created = new Counter({ name: 'sessions_created_total', help: 'Sessions opened by a sign-in', registers: [registry] });
  const revoked = new Counter({
    name: 'sessions_revoked_total',
    help: 'Sessions revoked, by reason (logout, logout_all, revoked_by_owner, revoked_by_admin, password_changed, password_reset, user_disabled, role_changed, temporary_password, refresh_token_reused, user_changed_during_login)',
    labelNames: ['reason'],
    registers: [registry],
  });
  const active = new Gauge({
    name: 'active_sessions',
    help: 'Sessions neither expired nor revoked, as counted by the last expiry sweep (every SESSION_SWEEP_INTERVAL_MS, by the replica leading it; the others report none)',
    registers: [registry],
  });
  return {
    signInAttempt(method, reason) {
      const outcome = reason === undefined ? 'success' : reason === 'locked' || reason === 'disabled' ? reason : 'failure';
      attempts.inc({ method, outcome });
    },
    refreshed(err) {
      const code = err instanceof AppError ? err.code : undefined;
      refreshes.inc({ outcome: err === undefined ? 'success' : code && REFRESH_OUTCOMES.has(code) ? code : 'error' });
    },
    sessionCreated: () => created.inc(),
    sessionsRevoked(reason, count) {
      if (count > 0) revoked.inc({ reason }, count);
    },
    activeSessions: (count) => active.set(count),
  };
}

/** The session store, counting the sessions it opens and revokes (every revocation goes through it, whoever asks). */
export function countedSessions(sessions: SessionRepository, metrics: IdentityMetrics): SessionRepository {
  return {
    ...sessions,
    async create(input) {
      const session = await sessions.create(input);
      metrics.sessionCreated();
      return session;
    },
    async revoke(id, userId, reason) {
      const revoked = await sessions.revoke(id, userId, reason);
      metrics.sessionsRevoked(reason, revoked ? 1 : 0);
      return revoked;
    },
    async revokeAllOfUser(userId, reason, exceptId) {
      const count = await sessions.revokeAllOfUser(userId, reason, exceptId);
      metrics.sessionsRevoked(reason, count);
      return count;
    },
  };
}
