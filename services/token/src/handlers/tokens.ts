import type { AsyncHandlers } from '@tollgate/platform';
import type { TokenHandlers } from '@tollgate/proto/gen/tollgate/token/v1/Token';
import type { TokenLifecycle } from '../domain/token-lifecycle.js';
import { apiToken, createdToken } from './messages.js';

type LifecycleHandlers = Omit<AsyncHandlers<TokenHandlers>, 'Introspect' | 'IntrospectMany'>;

/** The token resource: request → use-case → response. Who may do what is decided in the domain. */
export function tokenHandlers(tokens: TokenLifecycle): LifecycleHandlers {
  return {
    async CreateToken(req, ctx) {
      const issued = await tokens.create(
        {
          name: req.name,
          description: req.description,
          scopes: req.scopes,
          expiresInDays: req.expires_in_days,
          neverExpires: req.never_expires,
        },
        ctx,
      );
      return createdToken(issued);
    },

    async CreateAgentToken(req, ctx) {
      const issued = await tokens.createForAgent({ agentId: req.agent_id, ownerId: req.owner_id, name: req.name, scopes: req.scopes }, ctx);
      return createdToken(issued);
    },

    async ListTokens(req, ctx) {
      const page = await tokens.list({ ownerId: req.owner_id, status: req.status, page: req.page }, ctx);
      return { items: page.items.map(apiToken), next_cursor: page.next_cursor };
    },

    async GetToken(req, ctx) {
      return apiToken(await tokens.get(req.id, ctx));
    },

    async UpdateToken(req, ctx) {
      const updated = await tokens.update(
        {
          id: req.id,
          name: req.name,
          description: req.description,
          scopes: req.set_scopes ? req.scopes : undefined,
        },
        ctx,
      );
      return apiToken(updated);
    },

    async RevokeToken(req, ctx) {
      await tokens.revoke(req.id, ctx);
      return {};
    },

    async RotateToken(req, ctx) {
      return createdToken(await tokens.rotate(req.id, req.grace_seconds, ctx));
    },
  };
}
