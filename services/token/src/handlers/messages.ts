import type { ApiToken } from '@tollgate/proto/gen/tollgate/token/v1/ApiToken';
import type { CreatedToken } from '@tollgate/proto/gen/tollgate/token/v1/CreatedToken';
import type { IssuedToken } from '../domain/token-lifecycle.js';
import { visibleStatus, type TokenWithLastUse } from '../domain/token.js';
import { tokenPrefix } from '../domain/token-format.js';

const iso = (d: Date | null): string => (d ? d.toISOString() : '');

/** A token as callers see it: never the secret or its digest. */
export function apiToken(t: TokenWithLastUse): ApiToken {
  return {
    id: t.id,
    kind: t.kind,
    owner_id: t.owner_id,
    agent_id: t.agent_id,
    name: t.name,
    description: t.description,
    scopes: t.scopes,
    status: visibleStatus(t),
    expires_at: iso(t.expires_at),
    created_at: iso(t.created_at),
    last_used_at: iso(t.last_used_at),
    prefix: tokenPrefix(t.kind, t.id),
  };
}

export function createdToken(issued: IssuedToken): CreatedToken {
  return { token: apiToken(issued.record), secret: issued.token };
}
