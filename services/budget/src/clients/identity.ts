import { asService, NotFoundError, type ServiceClient } from '@tollgate/platform';
import type { IdentityDefinition } from '@tollgate/proto/gen/tollgate/identity/v1/Identity';
import type { UserDirectory } from '../domain/ports.js';

/** The identity service as the budget service uses it: users looked up as budget itself. */
export function userDirectory(identity: ServiceClient<IdentityDefinition>): UserDirectory {
  return {
    async exists(userId, caller) {
      try {
        await identity.call.GetUser({ id: userId }, asService('budget', caller));
        return true;
      } catch (err) {
        if (err instanceof NotFoundError) return false;
        throw err;
      }
    },
  };
}
