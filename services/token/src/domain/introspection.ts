import type { Role, Scope } from '@tollgate/platform';
import type { LastUsedTracker } from './last-used.js';
import type { OwnerDirectory } from './owner-directory.js';
import { effectiveScopes } from './scopes.js';
import type { SecretDigester } from './secret-digest.js';
import { parseToken, type TokenKind } from './token-format.js';
import type { TokenRepository } from './token-repository.js';

export interface ActiveToken {
  id: string;
  kind: TokenKind;
  ownerId: string;
  agentId: string;
  ownerRole: Role;
  /** The token's scopes narrowed to what its owner's role allows now. */
  scopes: Scope[];
  expiresAt: Date | null;
}

export interface IntrospectionDeps {
  store: Pick<TokenRepository, 'findForIntrospection'>;
  digester: SecretDigester;
  owners: OwnerDirectory;
  lastUsed: LastUsedTracker;
}

/**
 * The gateway's hot path. A malformed string (shape or checksum) is refused without a
 * database lookup; otherwise one primary-key read (served by the token cache when it
 * is warm), one HMAC, and a cached owner. Any reason to refuse yields null, so the
 * caller learns nothing but "inactive". Nothing is written here: the last-use time
 * goes to the in-memory tracker.
 */
export class Introspector {
  constructor(private readonly deps: IntrospectionDeps) {}

  async introspect(presented: string): Promise<ActiveToken | null> {
    const parsed = parseToken(presented);
    if (!parsed) return null;
    const token = await this.deps.store.findForIntrospection(parsed.id);
    if (token?.kind !== parsed.kind || token.status !== 'active') return null;
    const now = Date.now();
    if (token.expires_at && token.expires_at.getTime() <= now) return null;

    const inGrace = token.prev_digest !== null && token.prev_expires_at !== null && token.prev_expires_at.getTime() > now;
    const matches = this.deps.digester.matchesAny(parsed.secret, inGrace ? [token.digest, token.prev_digest] : [token.digest]);
    if (!matches) return null;

    const owner = await this.deps.owners.get(token.owner_id);
    if (!owner || owner.disabled) return null;

    this.deps.lastUsed.record(token.id, new Date(now));
    return {
      id: token.id,
      kind: token.kind,
      ownerId: token.owner_id,
      agentId: token.agent_id,
      ownerRole: owner.role,
      scopes: effectiveScopes(token.scopes, owner.role),
      expiresAt: token.expires_at,
    };
  }
}
