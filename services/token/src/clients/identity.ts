import { asService, isRole, NotFoundError, type ServiceClient } from '@tollgate/platform';
import type { IdentityDefinition } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import type { Owner } from '../domain/owner-directory.js';

/** How token appears to identity: as itself, never on behalf of the end caller. */
const SELF = asService('token');
const LOOKUP_DEADLINE_MS = 1_000;

/** identity.GetUser → Owner; a user identity does not know (deleted) → null. Other failures throw. */
export function ownerLookup(identity: ServiceClient<IdentityDefinition>) {
  return async (id: string): Promise<Owner | null> => {
    try {
      const user = await identity.call.GetUser({ id }, { ...SELF, deadlineMs: LOOKUP_DEADLINE_MS });
      // A role this service does not know grants nothing: treat the owner as unusable.
      if (!isRole(user.role)) return null;
      return { id: user.id, role: user.role, disabled: user.disabled };
    } catch (err) {
      if (err instanceof NotFoundError) return null;
      throw err;
    }
  };
}

/**
 * The owner of the bootstrap token: the user with the given id if it is an active
 * admin; else the admin with the given email; else the earliest-created admin (the
 * one identity bootstrapped). null while there is none.
 */
export function bootstrapAdminFinder(identity: ServiceClient<IdentityDefinition>, owner: { id?: string; email?: string }) {
  const { id, email } = owner;
  return async (): Promise<string | null> => {
    if (id) {
      try {
        const user = await identity.call.GetUser({ id }, { ...SELF, deadlineMs: 5_000 });
        return user.role === 'admin' && !user.disabled ? user.id : null;
      } catch (err) {
        if (err instanceof NotFoundError) return null;
        throw err;
      }
    }
    let best: { id: string; created_at: string } | null = null;
    let cursor = '';
    do {
      const page = await identity.call.ListUsers({ role: 'admin', page: { limit: 100, cursor } }, { ...SELF, deadlineMs: 5_000 });
      for (const u of page.items) {
        if (u.role !== 'admin' || u.disabled) continue;
        if (email) {
          if (u.email.toLowerCase() === email) return u.id;
        } else if (!best || u.created_at < best.created_at) {
          best = u;
        }
      }
      cursor = page.next_cursor;
    } while (cursor);
    return best?.id ?? null;
  };
}
