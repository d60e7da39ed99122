import { ForbiddenError, UnauthenticatedError, ValidationError, type Caller } from '@tollgate/platform';
import type { IdentityDeps } from './deps.js';
import { originOf } from './mail-templates.js';
import { judgeGuess } from './lockout.js';
import { checkPasswordPolicy } from './passwords.js';
import { passwordsAllowed } from './sign-in-settings.js';
import type { UserRecord } from './records.js';
import { EMAIL_INPUT_MAX, isEmail, normalizeEmail, view as userView, viewOf, type UserView } from './users.js';
import { digest, matchesDigest, newSecret, newSessionId } from './secrets.js';

/** What a login or refresh hands back. Secrets appear here once and are never stored. */
export interface AuthOutcome {
  accessToken: string;
  expiresIn: number;
  refreshToken: string;
  csrfToken: string;
  sessionId: string;
  user: UserView;
}

export type LoginFailureReason = 'unknown_user' | 'bad_password' | 'locked' | 'disabled' | 'password_login_off';

export type SignInMethod = 'password' | 'magic_link' | 'passkey';
const METHOD_NAMES: Record<SignInMethod, string> = { password: 'a password', magic_link: 'a sign-in link', passkey: 'a passkey' };

const REFRESH_TOKEN_PREFIX = 'tg_rt_';
/** Anything longer is not a password we could have accepted; refuse before hashing it. */
const PASSWORD_INPUT_MAX = 4_096;

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
  deps.metrics.signInAttempt('password', reason);
  await deps.audit.emit(
    { action: 'auth.login.failed', outcome: 'failure', resource: { type: 'user', id: user?.id }, details: { reason, ...details } },
    caller,
  );
  return invalidCredentials();
}

/** Issues generation `generation` of a session's refresh-token family with a new CSRF token; null when it was taken. */
async function issueRefreshToken(deps: IdentityDeps, sessionId: string, userId: string, generation: number) {
  const refreshToken = newSecret(REFRESH_TOKEN_PREFIX);
  const csrfToken = newSecret();
  const expiresAt = new Date(Date.now() + deps.settings.refreshTtlSeconds * 1000);
  const issued = await deps.refreshTokens.issue({
    digest: digest(refreshToken),
    csrfDigest: digest(csrfToken),
    sessionId,
    userId,
    generation,
    expiresAt,
  });
  return issued ? { refreshToken, csrfToken, expiresAt } : null;
}

/** Opens a session with a fresh refresh-token family (its first token first: no session is left without one). */
async function openSession(deps: IdentityDeps, caller: Caller, user: UserRecord) {
  const id = newSessionId();
  // A new session's first generation cannot be taken.
  const first = (await issueRefreshToken(deps, id, user.id, 1))!;
  const session = await deps.sessions.create({
    id,
    userId: user.id,
    user: { email: user.email, name: user.name, role: user.role, createdAt: user.createdAt },
    expiresAt: first.expiresAt,
    ip: clip(caller.ip, 64),
    userAgent: clip(caller.userAgent, 512),
  });
  return { session, refreshToken: first.refreshToken, csrfToken: first.csrfToken };
}

async function outcome(
  deps: IdentityDeps,
  user: UserView,
  session: { sessionId: string; refreshToken: string; csrfToken: string },
): Promise<AuthOutcome> {
  const { sessionId, refreshToken, csrfToken } = session;
  const accessToken = await deps.signer.signAccessToken({ userId: user.id, sessionId, role: user.role });
  return { accessToken, expiresIn: deps.settings.accessTtlSeconds, refreshToken, csrfToken, sessionId, user };
}

/**
 * Opens a session for a user whose credential (a password, a sign-in link) was just judged
 * right, audited as auth.login.succeeded with its method. An admin may have disabled or
 * changed the user meanwhile: the revocation that went with it could not see this new
 * session, so the user is read again (and the session ended, 401, if so).
 */
export async function signIn(deps: IdentityDeps, caller: Caller, user: UserRecord, method: SignInMethod): Promise<AuthOutcome> {
  const opened = await openSession(deps, caller, user);
  const now = await deps.users.findById(user.id);
  if (!now || now.disabled || now.role !== user.role) {
    await deps.sessions.revoke(opened.session.id, user.id, 'user_changed_during_login');
    throw invalidCredentials();
  }
  const at = new Date();
  // Records of the sign-in, not conditions of it: a failed write is logged and the sign-in goes on.
  const signedInBefore = await deps.lastLogins.record(user.id, at).catch((err: unknown) => {
    deps.log.warn({ err: (err as Error).message, user_id: user.id }, 'could not record the sign-in time');
    return true;
  });
  // Off the answer's path: the device is remembered, and its first sign-in, after earlier ones elsewhere, is mailed to the account.
  void rememberDevice(deps, caller, now, at, method, signedInBefore).catch((err: unknown) => {
    deps.log.warn({ err: (err as Error).message, user_id: user.id }, 'could not check the sign-in device');
  });
  await deps.audit.emit(
    {
      action: 'auth.login.succeeded',
      actor: { type: 'user', id: user.id },
      resource: { type: 'user', id: user.id },
      details: { session_id: opened.session.id, ...(method === 'password' ? {} : { method }) },
    },
    caller,
  );
  deps.metrics.signInAttempt(method);
  // Not locked (its credential was just judged), and signed in now.
  return outcome(deps, viewOf(now, false, at), {
    sessionId: opened.session.id,
    refreshToken: opened.refreshToken,
    csrfToken: opened.csrfToken,
  });
}

/** The device a sign-in came from, as a key: its IP and user agent, digested. */
const deviceKey = (caller: Caller) => digest(`${caller.ip ?? ''}\n${caller.userAgent ?? ''}`).slice(0, 32);

async function rememberDevice(
  deps: IdentityDeps,
  caller: Caller,
  user: UserRecord,
  at: Date,
  method: SignInMethod,
  signedInBefore: boolean,
): Promise<void> {
  const first = await deps.knownDevices.remember(user.id, deviceKey(caller), at);
  if (!first || !signedInBefore) return;
  await deps.mailer.send(user.email, 'new_sign_in', {
    at: at.toISOString(),
    method: METHOD_NAMES[method],
    ...originOf(caller),
  });
}

/**
 * Every path costs one argon2 verification (a dummy one for unknown emails) and ends
 * in the same error, so neither the answer nor its timing tells whether the email
 * exists, the account is locked or disabled. The reason goes to the audit log only.
 */
export async function login(
  deps: IdentityDeps,
  caller: Caller,
  input: { email: string; password: string; newPassword?: string },
): Promise<AuthOutcome> {
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
    // What was typed is kept only when it is an email: anything else may be a password in the wrong field.
    const typed = isEmail(email) ? { email } : { email_digest: deps.settings.auditDigest(email).slice(0, 22) };
    throw await loginFailed(deps, caller, 'unknown_user', null, typed);
  }

  // The count runs beside the hash, so a real account's extra writes hide behind it.
  const guess = await judgeGuess(deps, caller, user.id, deps.passwords.verify(user.passwordHash, input.password));
  if (user.disabled) throw await loginFailed(deps, caller, 'disabled', user, {});
  if (guess.verdict === 'locked') throw await loginFailed(deps, caller, 'locked', user, {});
  if (guess.verdict === 'wrong') throw await loginFailed(deps, caller, 'bad_password', user, { failed_attempts: guess.failures });
  // Told only to whoever knows the password: anyone else got the answer above.
  if (!(await passwordsAllowed(deps, user))) {
    await loginFailed(deps, caller, 'password_login_off', user, {});
    throw new ForbiddenError('Passwords do not sign in to this account: use a sign-in link or a passkey', 'password_login_disabled');
  }
  if (user.mustChangePassword) return replaceTemporaryPassword(deps, caller, user, input);

  if (deps.passwords.needsRehash(user.passwordHash)) {
    const rehashed = await deps.passwords.hash(input.password);
    // Only over the hash just verified: a concurrent password change wins.
    await deps.users.change(user.id, async (u) => (u.passwordHash === user.passwordHash ? { passwordHash: rehashed } : null));
  }

  return signIn(deps, caller, user, 'password');
}

/** A sign-in with a temporary password: it must name its replacement, which is set (policy checked) before the session opens. */
async function replaceTemporaryPassword(
  deps: IdentityDeps,
  caller: Caller,
  user: UserRecord,
  input: { password: string; newPassword?: string },
): Promise<AuthOutcome> {
  if (!input.newPassword) {
    throw new ForbiddenError(
      'This account has a temporary password: sign in again with new_password, your own',
      'password_change_required',
    );
  }
  checkPasswordPolicy(input.newPassword, 'new_password');
  if (input.newPassword === input.password) {
    throw new ValidationError('The new password must differ from the temporary one', { new_password: 'must differ from password' });
  }
  const hash = await deps.passwords.hash(input.newPassword);
  // Over the temporary hash just verified: an admin's newer one is not overwritten.
  const changed = await deps.users.change(user.id, async (u) =>
    u.passwordHash === user.passwordHash ? { passwordHash: hash, mustChangePassword: false } : null,
  );
  if (changed?.after.passwordHash !== hash) throw invalidCredentials();
  await deps.audit.emit(
    {
      action: 'auth.password.changed',
      actor: { type: 'user', id: user.id },
      resource: { type: 'user', id: user.id },
      details: { replaced: 'temporary_password' },
    },
    caller,
  );
  return signIn(deps, caller, changed.after, 'password');
}

async function reuseDetected(deps: IdentityDeps, caller: Caller, sessionId: string, userId: string): Promise<UnauthenticatedError> {
  await deps.sessions.revoke(sessionId, userId, 'refresh_token_reused');
  await deps.audit.emit(
    {
      action: 'auth.refresh.reuse_detected',
      outcome: 'denied',
      resource: { type: 'session', id: sessionId },
      details: { user_id: userId, session_id: sessionId },
    },
    caller,
  );
  deps.log.warn({ session_id: sessionId, user_id: userId }, 'refresh token reuse detected; session revoked');
  return new UnauthenticatedError('refresh_token_reused', 'This refresh token was already used; the session has been revoked');
}

/**
 * Trades a refresh token for a new access token, a new refresh token and a new CSRF
 * token. Only the latest generation of a session's family can be traded: issuing its
 * successor is the commit point (a unique insert), so of refreshes that present the
 * same token at once, on any replicas, exactly one succeeds; a token whose successor
 * exists — presented again, or by a refresh that lost that race — revokes the session.
 */
export async function refresh(
  deps: IdentityDeps,
  caller: Caller,
  input: { refreshToken: string; csrfToken: string; cookieFlow: boolean },
): Promise<AuthOutcome> {
  if (!input.refreshToken || input.refreshToken.length > 256) {
    throw new UnauthenticatedError('invalid_credentials', 'Refresh token is invalid');
  }
  const token = await deps.refreshTokens.findByDigest(digest(input.refreshToken));
  if (!token) throw new UnauthenticatedError('invalid_credentials', 'Refresh token is invalid');

  const [superseded, session] = await Promise.all([deps.refreshTokens.superseded(token), deps.sessions.findById(token.sessionId)]);
  if (superseded) throw await reuseDetected(deps, caller, token.sessionId, token.userId);
  if (!session || session.revokedAt) throw new UnauthenticatedError('token_revoked', 'This session has been revoked');
  const now = new Date();
  if (token.expiresAt <= now) throw new UnauthenticatedError('token_expired', 'Refresh token has expired');
  if (input.cookieFlow && !(input.csrfToken && matchesDigest(input.csrfToken, token.csrfDigest))) {
    throw new ForbiddenError('CSRF token is missing or does not match', 'csrf_failed');
  }
  const user = await deps.users.findById(session.userId);
  if (!user || user.disabled) {
    await deps.sessions.revoke(session.id, session.userId, 'user_disabled');
    throw invalidCredentials();
  }

  const next = await issueRefreshToken(deps, session.id, user.id, token.generation + 1);
  if (!next) throw await reuseDetected(deps, caller, session.id, user.id);
  await deps.sessions.renew(session.id, { expiresAt: next.expiresAt, at: now });
  return outcome(deps, await userView(deps, user), {
    sessionId: session.id,
    refreshToken: next.refreshToken,
    csrfToken: next.csrfToken,
  });
}
