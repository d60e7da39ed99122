import { AGENT_SCOPES, onward, type Caller, type Principal, type ServiceClient } from '@tollgate/platform';
import type { ProviderKeyDefinition } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKey';
import type { TokenDefinition } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import type { CredentialIssuer, IpTokenIssuer } from './domain/ports.js';

/** The budget service calls its neighbours as itself, carrying the caller's request id and deadline. */
const SELF: Principal = { type: 'service', id: 'budget' };

const asSelf = (caller?: Caller) => (caller ? onward(caller, SELF) : { principal: SELF });

export function credentialIssuer(token: ServiceClient<TokenDefinition>): CredentialIssuer {
  return {
    async mint(input, caller) {
      const created = await token.call.CreateAgentToken(
        { agent_id: input.agentId, owner_id: input.ownerId, name: input.name, scopes: [...AGENT_SCOPES] },
        asSelf(caller),
      );
      return { tokenId: created.token?.id ?? '', token: created.secret };
    },
    async revoke(tokenId, caller) {
      await token.call.RevokeToken({ id: tokenId }, asSelf(caller));
    },
  };
}

export function ipTokenIssuer(providerKey: ServiceClient<ProviderKeyDefinition>): IpTokenIssuer {
  return {
    async issue(input, caller) {
      const res = await providerKey.call.IssueIpToken(
        { agent_id: input.agentId, provider: input.provider, ttl_seconds: input.ttlSeconds, not_after: input.notAfter.toISOString() },
        asSelf(caller),
      );
      return { ipToken: res.ip_token, expiresAt: new Date(res.expires_at) };
    },
  };
}
