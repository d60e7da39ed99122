import { assertPerson, type Principal } from '@tollgate/platform';

/** Reading key metadata: managers and admins, and their tokens with keys:read. */
export function assertCanRead(p: Principal): void {
  assertPerson(p, 'manager', 'keys:read');
}

/** Creating, changing, rotating and deleting keys: admins, and their tokens with keys:write. */
export function assertCanWrite(p: Principal): void {
  assertPerson(p, 'admin', 'keys:write');
}
