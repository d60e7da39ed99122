import { Counter, ValidationError, type AsyncHandlers, type ServiceRuntime } from '@tollgate/platform';
import type { TokenHandlers } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import type { IntrospectResponse } from '@tollgate/proto/gen/tollgate/token/v1/IntrospectResponse';
import type { Introspector } from '../domain/introspection.js';

const INACTIVE: IntrospectResponse = { active: false };
/** The most tokens one IntrospectMany may ask about. */
export const MAX_INTROSPECT_MANY = 1_000;

/** RFC 7662 style: any authenticated caller may ask; an inactive token reveals nothing but active=false. */
export function introspectHandlers(
  introspector: Introspector,
  registry: ServiceRuntime['registry'],
): Pick<AsyncHandlers<TokenHandlers>, 'Introspect' | 'IntrospectMany'> {
  const validations = new Counter({
    name: 'token_validations_total',
    help: 'API tokens introspected, by answer: active, or inactive (unknown, revoked, expired or malformed alike, as the caller sees it)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const introspect = async (presented: string): Promise<IntrospectResponse> => {
    const token = await introspector.introspect(presented);
    validations.inc({ outcome: token ? 'active' : 'inactive' });
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
  };
  return {
    Introspect: (req) => introspect(req.token),
    async IntrospectMany(req) {
      if (req.tokens.length > MAX_INTROSPECT_MANY) {
        throw new ValidationError(`At most ${MAX_INTROSPECT_MANY} tokens per call`, { tokens: `has ${req.tokens.length}` });
      }
      return { results: await Promise.all(req.tokens.map(introspect)) };
    },
  };
}
