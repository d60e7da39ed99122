import type { AsyncHandlers } from '@tollgate/platform';
import type { TokenHandlers } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import type { IntrospectResponse } from '@tollgate/proto/gen/tollgate/token/v1/IntrospectResponse';
import type { Introspector } from '../domain/introspection.js';

const INACTIVE: IntrospectResponse = { active: false };

/** RFC 7662 style: any authenticated caller may ask; an inactive token reveals nothing but active=false. */
export function introspectHandlers(introspector: Introspector): Pick<AsyncHandlers<TokenHandlers>, 'Introspect'> {
  return {
    async Introspect(req) {
      const token = await introspector.introspect(req.token);
      if (!token) return INACTIVE;
      return {
        active: true,
        id: token.id,
        kind: token.kind,
        owner_id: token.ownerId,
        agent_id: token.agentId,
        scopes: token.scopes,
        expires_at: token.expiresAt ? token.expiresAt.toISOString() : '',
        owner_role: token.ownerRole,
      };
    },
  };
}
