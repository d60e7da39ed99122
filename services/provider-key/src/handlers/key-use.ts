import type { AsyncHandlers } from '@tollgate/platform';
import type { ProviderKeyHandlers } from '@tollgate/proto/gen/tollgate/providerkey/v1/ProviderKey';
import type { KeyUse } from '../domain/key-use.js';

type Handlers = AsyncHandlers<ProviderKeyHandlers>;

/** Internal RPCs that decrypt a key for use: IssueIpToken (budget), ResolveForProxy (gateway). */
export function keyUseHandlers(use: KeyUse): Pick<Handlers, 'IssueIpToken' | 'ResolveForProxy'> {
  return {
    async IssueIpToken(req, ctx) {
      const issued = await use.issueIpToken(
        { agentId: req.agent_id, provider: req.provider, ttlSeconds: req.ttl_seconds, notAfter: req.not_after },
        ctx,
      );
      return { ip_token: issued.ipToken, key_id: issued.keyId, expires_at: issued.expiresAt.toISOString() };
    },
    async ResolveForProxy(req, ctx) {
      const known = req.known_key_id ? { keyId: req.known_key_id, version: req.known_version } : undefined;
      const key = await use.resolveForProxy({ provider: req.provider, agentId: req.agent_id, known }, ctx);
      if (key.unchanged) return { key_id: key.keyId, version: key.version, unchanged: true };
      return { key_id: key.keyId, version: key.version, api_key: key.apiKey, base_url: key.baseUrl };
    },
  };
}
