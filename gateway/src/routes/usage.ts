import { z } from 'zod';
import { microsToUsd, RPC_CALLERS } from '@tollgate/platform';
import { idParams, toMicros, usdAmount } from './fields.js';
import type { RouteDefiner } from './define.js';
import type { GatewayDeps } from '../deps.js';
import { budgetSchema, toBudget } from './schemas.js';

const tokenCount = z.number().int().min(0).max(1e12);

export function registerUsageRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const budget = deps.clients.budget.call;
  const common = { auth: 'any', tag: 'Usage' } as const;

  route({
    ...common,
    method: 'post',
    path: '/v1/agents/{id}/handshake',
    callers: RPC_CALLERS.budget.Handshake,
    summary: 'Reserve a lease of the budget and receive an IP token for the provider',
    description:
      "Only the agent itself, with its own tg_agt_ token. Grants `requested_usd` (default DEFAULT_LEASE_USD) or what is left; nothing left → 402 budget_exhausted. The IP token opens with @tollgate/sdk's decryptIpToken.",
    params: idParams,
    body: z.object({ provider: z.string().max(32), requested_usd: usdAmount({ maximum: 10_000 }).optional() }),
    response: z.object({ lease_id: z.string(), granted_usd: z.number(), expires_at: z.string(), ip_token: z.string() }).openapi('Lease'),
    errors: [402, 404],
    handler: async ({ params, body, call }) => {
      const res = await budget.Handshake(
        {
          agent_id: params.id,
          provider: body.provider,
          requested_micros: body.requested_usd === undefined ? 0 : toMicros(body.requested_usd, 'requested_usd'),
        },
        call,
      );
      return { lease_id: res.lease_id, granted_usd: microsToUsd(res.granted_micros), expires_at: res.expires_at, ip_token: res.ip_token };
    },
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/usage',
    callers: RPC_CALLERS.budget.ReportUsage,
    summary: 'Report the usage of one provider call; charged to the lease',
    description:
      'Idempotent per `request_id`: the same id again charges nothing more and answers the original charge with `duplicate: true`. Without `cost_usd` the call is priced from the model price table.',
    body: z.object({
      lease_id: z.string().min(1).max(64),
      request_id: z.string().min(1).max(200),
      provider: z.string().max(32),
      model: z.string().max(200),
      input_tokens: tokenCount,
      output_tokens: tokenCount,
      cost_usd: usdAmount({ maximum: 10_000 }).optional(),
    }),
    response: z.object({ charged_usd: z.number(), remaining_usd: z.number(), duplicate: z.boolean() }).openapi('UsageCharge'),
    errors: [404],
    handler: async ({ body, call }) => {
      const res = await budget.ReportUsage(
        {
          lease_id: body.lease_id,
          request_id: body.request_id,
          provider: body.provider,
          model: body.model,
          input_tokens: body.input_tokens,
          output_tokens: body.output_tokens,
          ...(body.cost_usd === undefined ? {} : { cost_micros: toMicros(body.cost_usd, 'cost_usd') }),
        },
        call,
      );
      return { charged_usd: microsToUsd(res.charged_micros), remaining_usd: microsToUsd(res.remaining_micros), duplicate: res.duplicate };
    },
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/leases/{id}/release',
    callers: RPC_CALLERS.budget.ReleaseLease,
    summary: 'Return the unspent part of a lease to the budget',
    description: 'Releasing a lease twice returns 0 the second time.',
    params: idParams,
    response: z.object({ released_usd: z.number(), budget: budgetSchema }).openapi('LeaseRelease'),
    errors: [404],
    handler: async ({ params, call }) => {
      const res = await budget.ReleaseLease({ lease_id: params.id }, call);
      return { released_usd: microsToUsd(res.released_micros), budget: toBudget(res.budget) };
    },
  });
}
