import { ForbiddenError, hasScope, roleAtLeast, type Principal } from '@tollgate/platform';

/** Reading key metadata: managers and admins, and their tokens with keys:read. */
export function assertCanRead(p: Principal): void {
  assertPerson(p, 'manager', 'keys:read');
}

/** Creating, changing, rotating and deleting keys: admins, and their tokens with keys:write. */
export function assertCanWrite(p: Principal): void {
  assertPerson(p, 'admin', 'keys:write');
}

/** Decrypting a key for use (IP tokens, the proxy) is for Tollgate services only. */
export function assertService(p: Principal): void {
  if (p.type !== 'service') throw new ForbiddenError('Only Tollgate services may use provider keys');
}

function assertPerson(p: Principal, min: 'manager' | 'admin', scope: 'keys:read' | 'keys:write'): void {
  if (p.type !== 'user' && p.type !== 'token') throw new ForbiddenError('Provider keys are managed by people');
  if (!hasScope(p, scope)) throw new ForbiddenError(`This token lacks the ${scope} scope`, 'insufficient_scope', { scope });
  if (!roleAtLeast(p.role, min)) throw new ForbiddenError(`Provider keys require the ${min} role`);
}
