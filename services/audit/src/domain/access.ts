import { ForbiddenError, type Principal } from '@tollgate/platform';

/** Only Tollgate services write to the log (through their outboxes). */
export function assertCanRecord(p: Principal): void {
  if (p.type !== 'service') throw new ForbiddenError('Only Tollgate services may record audit events');
}

/**
 * Reading the log: admin users, admin-owned API tokens holding `audit:read`, and
 * services. Agents never; other roles never.
 */
export function assertCanRead(p: Principal): void {
  if (p.type === 'service') return;
  if (p.type === 'user' && p.role === 'admin') return;
  if (p.type === 'token' && p.role === 'admin') {
    if (p.scopes?.includes('audit:read')) return;
    throw new ForbiddenError('This token lacks the audit:read scope', 'insufficient_scope', { required_scope: 'audit:read' });
  }
  throw new ForbiddenError('Only administrators may read the audit log');
}
