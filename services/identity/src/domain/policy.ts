import { ForbiddenError, hasScope, roleAtLeast, type Principal, type Scope } from '@tollgate/platform';

/**
 * Who may do what to users and sessions, decided from the verified caller only.
 * A personal API token acts with its owner's role, narrowed by its scopes.
 */
function holds(p: Principal, min: 'admin' | 'manager', scope: Scope): boolean {
  if (p.type === 'user') return roleAtLeast(p.role, min);
  if (p.type === 'token') return roleAtLeast(p.role, min) && hasScope(p, scope);
  return false;
}

export const isAdmin = (p: Principal) => holds(p, 'admin', 'users:write');

export function requireAdmin(p: Principal): void {
  if (!isAdmin(p)) throw new ForbiddenError('Only an admin can do this');
}

/** Listing users: admins and managers (tokens: users:read). */
export function requireUserReader(p: Principal): void {
  // Other services (e.g. token, seeding the bootstrap token for the admin) may list; the
  // gateway's own identity is only used for anonymous callers, so it may not.
  if (p.type === 'service' && p.id !== 'gateway') return;
  if (!holds(p, 'manager', 'users:read')) throw new ForbiddenError('Only an admin or a manager can list users');
}

/** Reading one user: admins, managers, the user themself, or another Tollgate service. */
export function requireCanReadUser(p: Principal, userId: string): void {
  const self = (p.type === 'user' || p.type === 'token') && p.id === userId;
  if (self || p.type === 'service' || holds(p, 'manager', 'users:read')) return;
  throw new ForbiddenError('You can only read your own user');
}

/** Session-bound operations (logout, password change, own sessions) need a signed-in person. */
export function requireSession(p: Principal): { userId: string; sessionId: string } {
  if (p.type !== 'user' || !p.sessionId) throw new ForbiddenError('This needs a signed-in user session');
  return { userId: p.id, sessionId: p.sessionId };
}

/** Internal lookups (CheckSession) are for Tollgate services only. */
export function requireService(p: Principal): void {
  if (p.type !== 'service') throw new ForbiddenError('Only a Tollgate service can do this');
}
