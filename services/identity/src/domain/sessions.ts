import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type Caller } from '@tollgate/platform';
import type { IdentityDeps } from './deps.js';
import { judgeGuess } from './lockout.js';
import { passwordsAllowed } from './sign-in-settings.js';
import { checkPasswordPolicy } from './passwords.js';
import type { SessionRecord } from './records.js';
import { assertSession, isAdmin } from './access.js';
import { displayName, mustFind, type UserView } from './users.js';

/** last_used_at is written at most this often per session, to keep CheckSession a read. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionView {
  id: string;
  createdAt: Date;
  lastUsedAt: Date;
  ip: string;
  userAgent: string;
  current: boolean;
}

export async function logout(deps: IdentityDeps, caller: Caller): Promise<void> {
  const { userId, sessionId } = assertSession(caller.principal);
  if (await deps.sessions.revoke(sessionId, userId, 'logout')) {
    await deps.audit.emit({ action: 'auth.logout', resource: { type: 'session', id: sessionId }, details: { user_id: userId } }, caller);
  }
}

export async function logoutAll(deps: IdentityDeps, caller: Caller): Promise<void> {
  const { userId } = assertSession(caller.principal);
  const count = await deps.sessions.revokeAllOfUser(userId, 'logout_all');
  await deps.audit.emit(
    { action: 'auth.logout', resource: { type: 'user', id: userId }, details: { all_sessions: true, sessions_revoked: count } },
    caller,
  );
}

export async function listSessions(deps: IdentityDeps, caller: Caller): Promise<SessionView[]> {
  const { userId, sessionId } = assertSession(caller.principal);
  return liveSessionsOf(deps, userId, sessionId);
}

/** Any user's live sessions (admins: who is signed in where, before revoking one); 404 for an unknown user. */
export async function listUserSessions(deps: IdentityDeps, caller: Caller, userId: string): Promise<SessionView[]> {
  const user = await mustFind(deps, userId);
  const current = caller.principal.type === 'user' ? caller.principal.sessionId : undefined;
  return liveSessionsOf(deps, user.id, current);
}

async function liveSessionsOf(deps: IdentityDeps, userId: string, sessionId: string | undefined): Promise<SessionView[]> {
  const sessions = await deps.sessions.listLive(userId);
  return sessions.map((s) => ({
    id: s.id,
    createdAt: s.createdAt,
    lastUsedAt: s.lastUsedAt,
    ip: s.ip,
    userAgent: s.userAgent,
    current: s.id === sessionId,
  }));
}

/** The owner or an admin may end a session; to anyone else it does not exist. */
export async function revokeSession(deps: IdentityDeps, caller: Caller, id: string): Promise<void> {
  const p = caller.principal;
  const session = id ? await deps.sessions.findById(id) : null;
  const owner = session !== null && (p.type === 'user' || p.type === 'token') && p.id === session.userId;
  if (!session || !(owner || isAdmin(p))) throw new NotFoundError('Session not found');
  if (await deps.sessions.revoke(session.id, session.userId, owner ? 'revoked_by_owner' : 'revoked_by_admin')) {
    await deps.audit.emit(
      { action: 'auth.session.revoked', resource: { type: 'session', id: session.id }, details: { user_id: session.userId } },
      caller,
    );
  }
}

/** Verifies the current password, sets the new one and ends every other session of the user. */
async function passwordChangeLocked(deps: IdentityDeps, caller: Caller, userId: string): Promise<ForbiddenError> {
  await deps.audit.emit(
    { action: 'auth.password.change_failed', outcome: 'failure', resource: { type: 'user', id: userId }, details: { reason: 'locked' } },
    caller,
  );
  return new ForbiddenError('This account is locked after too many wrong passwords; try again later');
}

export async function changePassword(
  deps: IdentityDeps,
  caller: Caller,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const { userId, sessionId } = assertSession(caller.principal);
  const user = await deps.users.findById(userId);
  if (!user || user.disabled) throw new ForbiddenError('This account cannot change its password');
  // The same lockout as logging in, judged before anything else can refuse the change; a locked account changes nothing.
  const guess = await judgeGuess(
    deps,
    caller,
    user.id,
    input.currentPassword ? deps.passwords.verify(user.passwordHash, input.currentPassword) : Promise.resolve(false),
  );
  if (guess.verdict === 'locked') throw await passwordChangeLocked(deps, caller, user.id);
  if (guess.verdict === 'wrong') {
    await deps.audit.emit(
      {
        action: 'auth.password.change_failed',
        outcome: 'failure',
        resource: { type: 'user', id: user.id },
        details: { reason: 'bad_password', failed_attempts: guess.failures },
      },
      caller,
    );
    throw new ForbiddenError('Current password is incorrect');
  }
  if (!(await passwordsAllowed(deps, user))) {
    throw new ForbiddenError('Passwords do not sign in to this account: there is none to change', 'password_login_disabled');
  }
  checkPasswordPolicy(input.newPassword, 'new_password');
  if (input.newPassword === input.currentPassword) {
    throw new ValidationError('The new password must differ from the current one', { new_password: 'must differ from current_password' });
  }
  const newHash = await deps.passwords.hash(input.newPassword);
  // Over the hash just verified: a password changed meanwhile (another session) is not overwritten.
  const changed = await deps.users.change(user.id, async (u) => {
    if (u.passwordHash !== user.passwordHash) throw new ConflictError('The password was changed at the same time; sign in again');
    return { passwordHash: newHash, mustChangePassword: false };
  });
  if (!changed) throw new ForbiddenError('This account cannot change its password');
  const revoked = await deps.sessions.revokeAllOfUser(user.id, 'password_changed', sessionId);
  await deps.audit.emit(
    { action: 'auth.password.changed', resource: { type: 'user', id: user.id }, details: { sessions_revoked: revoked } },
    caller,
  );
}

function live(session: SessionRecord | null, now: number): session is SessionRecord {
  return session !== null && !session.revokedAt && session.expiresAt.getTime() > now;
}

/**
 * The gateway's per-request check: two primary-key reads at once (the session and its
 * revocation). The session carries what it needs of its user (any role change or
 * disabling revokes it).
 */
export async function checkSession(deps: IdentityDeps, caller: Caller, sessionId: string): Promise<{ active: boolean; user?: UserView }> {
  const now = Date.now();
  const session = sessionId ? await deps.sessions.findById(sessionId) : null;
  if (!live(session, now)) return { active: false };
  if (now - session.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
    deps.sessions.touch(session.id, new Date(now)).catch((err: unknown) => {
      deps.log.warn({ err: (err as Error).message, session_id: session.id }, 'could not record session use');
    });
  }
  return {
    active: true,
    user: {
      id: session.userId,
      email: session.user.email,
      name: displayName(session.user.name, session.user.email),
      role: session.user.role,
      disabled: false,
      locked: false,
      createdAt: session.user.createdAt,
      // The hot path answers who the session is (id, role) from the session alone: no read of the sign-in
      // record or of the user's sign-in methods (GetUser has them).
      lastLoginAt: null,
      passwordLogin: true,
      mustChangePassword: false,
    },
  };
}
