import { AGENT_SCOPES, asService, type ServiceClient } from '@tollgate/platform';
import type { TokenDefinition } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import type { CredentialIssuer } from '../domain/ports.js';

/** The token service as the budget service uses it: agents' credentials, minted and revoked as budget itself. */
export function credentialIssuer(token: ServiceClient<TokenDefinition>): CredentialIssuer {
  return {
    async mint(input, caller) {
      const created = await token.call.CreateAgentToken(
        { agent_id: input.agentId, owner_id: input.ownerId, name: input.name, scopes: [...AGENT_SCOPES] },
        asService('budget', caller),
      );
      return { tokenId: created.token?.id ?? '', token: created.secret };
    },
    async revoke(tokenId, caller) {
      await token.call.RevokeToken({ id: tokenId }, asService('budget', caller));
    },
  };
}
