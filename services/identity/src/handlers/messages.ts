import type { AsyncHandlers } from '@tollgate/platform';
import type { IdentityHandlers } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import type { AuthResult } from '@tollgate/proto/gen/tollgate/identity/v1/AuthResult';
import type { Session } from '@tollgate/proto/gen/tollgate/identity/v1/Session';
import type { User } from '@tollgate/proto/gen/tollgate/identity/v1/User';
import type { AuthOutcome } from '../domain/auth.js';
import type { SessionView } from '../domain/sessions.js';
import type { UserView } from '../domain/users.js';

/** The Identity service's handlers as async functions of (request, context). */
export type Handlers = AsyncHandlers<IdentityHandlers>;

export function userMessage(u: UserView): User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    created_at: u.createdAt.toISOString(),
    locked: u.locked,
    last_login_at: u.lastLoginAt?.toISOString() ?? '',
    password_login: u.passwordLogin,
    must_change_password: u.mustChangePassword,
  };
}

export function authResultMessage(o: AuthOutcome): AuthResult {
  return {
    access_token: o.accessToken,
    expires_in: o.expiresIn,
    refresh_token: o.refreshToken,
    csrf_token: o.csrfToken,
    session_id: o.sessionId,
    user: userMessage(o.user),
  };
}

export function sessionMessage(s: SessionView): Session {
  return {
    id: s.id,
    created_at: s.createdAt.toISOString(),
    last_used_at: s.lastUsedAt.toISOString(),
    ip: s.ip,
    user_agent: s.userAgent,
    current: s.current,
  };
}
