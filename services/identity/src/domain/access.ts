import { assertPerson, ForbiddenError, isPerson, type Principal } from '@tollgate/platform';

/** Who may do what to users and sessions (the rules themselves are the platform's). */
export const isAdmin = (p: Principal) => isPerson(p, 'admin', 'users:write');

export function assertAdmin(p: Principal): void {
  assertPerson(p, 'admin', 'users:write');
}

/** Listing users: admins and managers (tokens: users:read). */
export function assertUserReader(p: Principal): void {
  // Other services (e.g. token, seeding the bootstrap token for the admin) may list; the
  // gateway's own identity is only used for anonymous callers, so it may not.
  if (p.type === 'service' && p.id !== 'gateway') return;
  assertPerson(p, 'manager', 'users:read');
}

/** Reading one user: admins, managers, the user themself, or another Tollgate service. */
export function assertCanReadUser(p: Principal, userId: string): void {
  const self = (p.type === 'user' || p.type === 'token') && p.id === userId;
  if (self || p.type === 'service' || isPerson(p, 'manager', 'users:read')) return;
  throw new ForbiddenError('You can only read your own user');
}

/** Session-bound operations (logout, password change, own sessions) need a signed-in person. */
export function assertSession(p: Principal): { userId: string; sessionId: string } {
  if (p.type !== 'user' || !p.sessionId) throw new ForbiddenError('This needs a signed-in user session');
  return { userId: p.id, sessionId: p.sessionId };
}
