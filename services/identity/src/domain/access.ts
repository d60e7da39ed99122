import { ForbiddenError, isPerson, type Principal } from '@tollgate/platform';

/** Which user and session a caller may act on (who may call each RPC is declared in RPC_CALLERS). */
export const isAdmin = (p: Principal) => isPerson(p, 'admin', 'users:write');

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
