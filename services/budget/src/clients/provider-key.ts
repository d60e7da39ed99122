import { asService, type ServiceClient } from '@tollgate/platform';
import type { ProviderKeyDefinition } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKey';
import type { IpTokenIssuer } from '../domain/ports.js';

/** The provider-key service as the budget service uses it: IP tokens for handshakes, asked for as budget itself. */
export function ipTokenIssuer(providerKey: ServiceClient<ProviderKeyDefinition>): IpTokenIssuer {
  return {
    async issue(input, caller) {
      const res = await providerKey.call.IssueIpToken(
        { agent_id: input.agentId, provider: input.provider, ttl_seconds: input.ttlSeconds, not_after: input.notAfter.toISOString() },
        asService('budget', caller),
      );
      return { ipToken: res.ip_token, expiresAt: new Date(res.expires_at) };
    },
  };
}
