import { ForbiddenError, UnauthenticatedError, ValidationError } from '@tollgate/platform';
import type { SessionRecord } from '../store/sessions.js';
import type { UserRecord } from '../store/users.js';
import type { Caller, IdentityDeps } from './deps.js';
import { isLocked, normalizeEmail, viewOf, type UserView } from './users.js';
import { digest, matchesDigest, newSecret, newSessionId, unguessableDigest } from './secrets.js';

/** What a login or refresh hands back. Secrets appear here once and are never stored. */
export interface AuthOutcome {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  csrfToken: string;
  sessionId: string;
  user: UserView;
}

export type LoginFailureReason = 'unknown_user' | 'bad_password' | 'locked' | 'disabled';

const REFRESH_TOKEN_PREFIX = 'tg_rt_';
/** Anything longer is not a password we could have accepted; refuse before hashing it. */
const PASSWORD_INPUT_MAX = 4_096;
const EMAIL_INPUT_MAX = 320;

/** The one answer every failed login gets, whatever the reason. */
const invalidCredentials = () => new UnauthenticatedError('invalid_credentials', 'Email or password is incorrect');

const clip = (value: string | undefined, max: number) => (value ?? '').slice(0, max);

async function loginFailed(
  deps: IdentityDeps,
  caller: Caller,
  reason: LoginFailureReason,
  user: UserRecord | null,
  details: Record<string, unknown>,
): Promise<UnauthenticatedError> {
  await deps.audit.emit(
    { action: 'auth.login.failed', outcome: 'failure', resource: { type: 'user', id: user?.id }, details: { reason, ...details } },
    caller,
  );
  return invalidCredentials();
}

/**
 * Counts a wrong password against the account and locks it at the threshold. An
 * expired lock starts the count afresh. Returns the count after this failure.
 */
export async function recordPasswordFailure(deps: IdentityDeps, caller: Caller, userId: string): Promise<number> {
  const threshold = deps.settings.lockoutThreshold;
  const { count, lockedNow } = await deps.locks.run(`user:${userId}`, async () => {
    // One write on the common path: it also tells us the lock state.
    let user = await deps.users.addFailure(userId);
    if (!user) return { count: 0, lockedNow: false };
    if (isLocked(user, deps.settings)) return { count: user.failedLogins, lockedNow: false };
    if (user.lockedAt) user = await deps.users.update(user.id, { failedLogins: 1, lockedAt: null });
    const failures = user?.failedLogins ?? 0;
    if (failures < threshold) return { count: failures, lockedNow: false };
    await deps.users.update(userId, { lockedAt: new Date() });
    return { count: failures, lockedNow: true };
  });
  if (lockedNow) {
    await deps.audit.emit(
      {
        action: 'auth.account.locked',
        outcome: 'failure',
        resource: { type: 'user', id: userId },
        details: { failed_attempts: count, threshold, lockout_seconds: deps.settings.lockoutSeconds },
      },
      caller,
    );
  }
  return count;
}

/** Opens a session with a fresh refresh-token family and CSRF token. */
async function openSession(deps: IdentityDeps, caller: Caller, user: UserRecord) {
  const refreshToken = newSecret(REFRESH_TOKEN_PREFIX);
  const csrfToken = newSecret();
  const expiresAt = new Date(Date.now() + deps.settings.refreshTtlSeconds * 1000);
  const session = await deps.sessions.create({
    id: newSessionId(),
    userId: user.id,
    user: { email: user.email, name: user.name, role: user.role, createdAt: user.createdAt },
    expiresAt,
    ip: clip(caller.ip, 64),
    userAgent: clip(caller.userAgent, 512),
    csrfDigest: digest(csrfToken),
  });
  await deps.refreshTokens.create({ digest: digest(refreshToken), sessionId: session.id, userId: user.id, expiresAt });
  return { session, refreshToken, csrfToken };
}

async function outcome(
  deps: IdentityDeps,
  user: UserRecord,
  sessionId: string,
  refreshToken: string,
  csrfToken: string,
): Promise<AuthOutcome> {
  const accessToken = await deps.signer.signAccessToken({ userId: user.id, sessionId, role: user.role });
  return {
    accessToken,
    expiresIn: deps.settings.accessTtlSeconds,
    refreshToken,
    csrfToken,
    sessionId,
    user: viewOf(user, deps.settings),
  };
}

/**
 * Every path costs one argon2 verification (a dummy one for unknown emails) and ends
 * in the same error, so neither the answer nor its timing tells whether the email
 * exists, the account is locked or disabled. The reason goes to the audit log only.
 */
export async function login(deps: IdentityDeps, caller: Caller, input: { email: string; password: string }): Promise<AuthOutcome> {
  if (!input.email || !input.password) {
    throw new ValidationError('email and password are required', {
      ...(input.email ? {} : { email: 'is required' }),
      ...(input.password ? {} : { password: 'is required' }),
    });
  }
  if (input.password.length > PASSWORD_INPUT_MAX) throw invalidCredentials();
  const email = normalizeEmail(input.email);
  const user = email.length <= EMAIL_INPUT_MAX ? await deps.users.findByEmail(email) : null;
  if (!user) {
    await deps.passwords.verifyDummy(input.password);
    throw await loginFailed(deps, caller, 'unknown_user', null, { email: clip(email, EMAIL_INPUT_MAX) });
  }

  const passwordOk = await deps.passwords.verify(user.passwordHash, input.password);
  if (user.disabled) throw await loginFailed(deps, caller, 'disabled', user, {});
  if (isLocked(user, deps.settings)) throw await loginFailed(deps, caller, 'locked', user, {});
  if (!passwordOk) {
    const failures = await recordPasswordFailure(deps, caller, user.id);
    throw await loginFailed(deps, caller, 'bad_password', user, { failed_attempts: failures });
  }

  if (user.failedLogins > 0 || user.lockedAt) {
    await deps.locks.run(`user:${user.id}`, () => deps.users.update(user.id, { failedLogins: 0, lockedAt: null }));
  }
  if (deps.passwords.needsRehash(user.passwordHash)) {
    await deps.users.update(user.id, { passwordHash: await deps.passwords.hash(input.password) });
  }

  const opened = await openSession(deps, caller, user);
  // An admin may have disabled or changed the user while we were verifying: the
  // revocation that went with it could not see this new session, so check again.
  const now = await deps.users.findById(user.id);
  if (!now || now.disabled || now.role !== user.role) {
    await deps.sessions.revoke(opened.session.id, 'user_changed_during_login', unguessableDigest());
    throw invalidCredentials();
  }

  await deps.audit.emit(
    {
      action: 'auth.login.succeeded',
      actor: { type: 'user', id: user.id },
      resource: { type: 'user', id: user.id },
      details: { session_id: opened.session.id },
    },
    caller,
  );
  return outcome(deps, now, opened.session.id, opened.refreshToken, opened.csrfToken);
}

async function reuseDetected(deps: IdentityDeps, caller: Caller, session: SessionRecord | null, sessionId: string): Promise<UnauthenticatedError> {
  await deps.sessions.revoke(sessionId, 'refresh_token_reused', unguessableDigest());
  await deps.refreshTokens.revokeFamily(sessionId);
  await deps.audit.emit(
    {
      action: 'auth.refresh.reuse_detected',
      outcome: 'denied',
      resource: { type: 'session', id: sessionId },
      details: { user_id: session?.userId, session_id: sessionId },
    },
    caller,
  );
  deps.log.warn({ session_id: sessionId, user_id: session?.userId }, 'refresh token reuse detected; session revoked');
  return new UnauthenticatedError('refresh_token_reused', 'This refresh token was already used; the session has been revoked');
}

/**
 * Trades a refresh token for a new access token, a new refresh token and a new CSRF
 * token. The presented token is marked rotated; presenting it again revokes the
 * session (its whole token family).
 */
export async function refresh(
  deps: IdentityDeps,
  caller: Caller,
  input: { refreshToken: string; csrfToken: string; cookieFlow: boolean },
): Promise<AuthOutcome> {
  if (!input.refreshToken || input.refreshToken.length > 256) {
    throw new UnauthenticatedError('invalid_credentials', 'Refresh token is invalid');
  }
  const presented = digest(input.refreshToken);
  const known = await deps.refreshTokens.findByDigest(presented);
  if (!known) throw new UnauthenticatedError('invalid_credentials', 'Refresh token is invalid');

  return deps.locks.run(`session:${known.sessionId}`, async () => {
    const [token, session] = await Promise.all([
      deps.refreshTokens.findByDigest(presented),
      deps.sessions.findById(known.sessionId),
    ]);
    if (!token) throw new UnauthenticatedError('invalid_credentials', 'Refresh token is invalid');
    if (token.status === 'rotated') throw await reuseDetected(deps, caller, session, token.sessionId);
    if (!session || session.revokedAt || token.status === 'revoked') {
      throw new UnauthenticatedError('token_revoked', 'This session has been revoked');
    }
    const now = new Date();
    if (token.expiresAt <= now || session.expiresAt <= now) {
      throw new UnauthenticatedError('token_expired', 'Refresh token has expired');
    }
    if (input.cookieFlow && !(input.csrfToken && matchesDigest(input.csrfToken, session.csrfDigest))) {
      throw new ForbiddenError('CSRF token is missing or does not match', 'csrf_failed');
    }
    const user = await deps.users.findById(session.userId);
    if (!user || user.disabled) {
      await deps.sessions.revoke(session.id, 'user_disabled', unguessableDigest());
      throw invalidCredentials();
    }
    // Another replica may have rotated it between our read and now.
    if (!(await deps.refreshTokens.markRotated(presented))) throw await reuseDetected(deps, caller, session, session.id);

    const refreshToken = newSecret(REFRESH_TOKEN_PREFIX);
    const csrfToken = newSecret();
    const expiresAt = new Date(now.getTime() + deps.settings.refreshTtlSeconds * 1000);
    await deps.refreshTokens.create({ digest: digest(refreshToken), sessionId: session.id, userId: user.id, expiresAt });
    await deps.sessions.renew(session.id, { csrfDigest: digest(csrfToken), expiresAt, at: now });
    return outcome(deps, user, session.id, refreshToken, csrfToken);
  });
}
