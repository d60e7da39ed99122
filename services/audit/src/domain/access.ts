import { assertPerson, type Principal } from '@tollgate/platform';

/** Reading the log: admins (their API tokens holding `audit:read`) and services. Agents never; other roles never. */
export function assertCanRead(p: Principal): void {
  if (p.type !== 'service') assertPerson(p, 'admin', 'audit:read');
}
