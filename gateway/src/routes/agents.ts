import { z } from 'zod';
import { microsToUsd, RPC_CALLERS } from '@tollgate/platform';
import { descriptionField, idParams, nameField, nullable, pageOut, pageQuery, providerName, toMicros, usdAmount } from './fields.js';
import type { Agent__Output } from '@tollgate/proto/gen/tollgate/budget/v1/Agent';
import type { RouteDefiner } from './define.js';
import type { GatewayDeps } from '../deps.js';
import { budgetSchema, toBudget } from './schemas.js';

const agentSchema = z
  .object({
    id: z.string(),
    owner_id: z.string(),
    name: z.string(),
    description: z.string(),
    providers: z.array(z.string()).openapi({ description: 'Providers the agent may use; empty: any' }),
    disabled: z.boolean(),
    token_id: z.string().nullable().openapi({ description: "The id of the agent's tg_agt_ credential" }),
    created_at: z.string(),
    budget: budgetSchema,
    max_parallel_calls: z
      .number()
      .int()
      .openapi({ description: "Proxied calls in flight at once; 0: the service's default (MAX_PARALLEL_CALLS)" }),
    tokens_per_minute: z
      .number()
      .int()
      .openapi({ description: "Tokens a minute through the proxy; 0: the service's default (TOKENS_PER_MINUTE)" }),
  })
  .openapi('Agent');

const historySchema = z
  .object({
    items: z.array(
      z.object({
        old_limit_usd: z.number(),
        new_limit_usd: z.number(),
        approver_id: z.string(),
        request_id: z.string(),
        reason: z.string(),
        at: z.string(),
      }),
    ),
  })
  .openapi('BudgetHistory');

function toAgent(a: Agent__Output) {
  return {
    id: a.id,
    owner_id: a.owner_id,
    name: a.name,
    description: a.description,
    providers: a.providers,
    disabled: a.disabled,
    token_id: nullable(a.token_id),
    created_at: a.created_at,
    budget: toBudget(a.budget),
    max_parallel_calls: a.max_parallel_calls,
    tokens_per_minute: a.tokens_per_minute,
  };
}

export function registerAgentRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const budget = deps.clients.budget.call;
  const common = { auth: 'any', tag: 'Agents' } as const;

  route({
    ...common,
    method: 'post',
    path: '/v1/agents',
    callers: RPC_CALLERS.budget.CreateAgent,
    summary: 'Create an agent with its budget and credential',
    description:
      "The agent's `tg_agt_` credential is returned once, in `token`. `budget_usd` is at most MAX_BUDGET_USD (default 10,000); a member's " +
      'at most SELF_SERVICE_BUDGET_USD (default 10) — more is 403 `approval_required`: create it with that and file a budget request.',
    body: z.object({
      name: nameField,
      description: descriptionField.optional(),
      budget_usd: usdAmount({ maximum: 10_000, note: 'at most MAX_BUDGET_USD (default 10,000)' }),
      providers: z.array(providerName).max(20).optional(),
    }),
    status: 201,
    response: z
      .object({ agent: agentSchema, token: z.string().openapi({ description: 'The tg_agt_ credential, shown once' }) })
      .openapi('CreatedAgent'),
    handler: async ({ body, call }) => {
      const res = await budget.CreateAgent(
        {
          name: body.name,
          description: body.description ?? '',
          budget_micros: toMicros(body.budget_usd, 'budget_usd'),
          providers: body.providers ?? [],
        },
        call,
      );
      return { agent: toAgent(res.agent!), token: res.token };
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/agents',
    callers: RPC_CALLERS.budget.ListAgents,
    summary: 'List agents (an agent credential sees only itself)',
    query: z.object(pageQuery),
    response: pageOut(agentSchema),
    handler: async ({ query, call }) => {
      const res = await budget.ListAgents({ page: { limit: query.limit, cursor: query.cursor } }, call);
      return { items: res.items.map(toAgent), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/agents/{id}',
    callers: RPC_CALLERS.budget.GetAgent,
    summary: 'Get an agent with its budget',
    params: idParams,
    response: agentSchema,
    errors: [404],
    handler: async ({ params, call }) => toAgent(await budget.GetAgent({ id: params.id }, call)),
  });

  route({
    ...common,
    method: 'patch',
    path: '/v1/agents/{id}',
    callers: RPC_CALLERS.budget.UpdateAgent,
    summary: 'Rename, describe, disable or re-enable an agent, or set its proxy limits (owner or admin)',
    params: idParams,
    body: z.object({
      name: nameField.optional(),
      description: descriptionField.optional(),
      disabled: z.boolean().optional(),
      max_parallel_calls: z
        .number()
        .int()
        .min(0)
        .max(100_000)
        .optional()
        .openapi({ description: "Proxied calls in flight at once (429 beyond); 0: the service's default" }),
      tokens_per_minute: z
        .number()
        .int()
        .min(0)
        .max(1_000_000_000)
        .optional()
        .openapi({ description: "Tokens a minute through the proxy (429 once used up); 0: the service's default" }),
    }),
    response: agentSchema,
    errors: [404],
    handler: async ({ params, body, call }) =>
      toAgent(
        await budget.UpdateAgent(
          {
            id: params.id,
            name: body.name,
            description: body.description,
            disabled: body.disabled,
            max_parallel_calls: body.max_parallel_calls,
            tokens_per_minute: body.tokens_per_minute,
          },
          call,
        ),
      ),
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/agents/{id}/budget',
    callers: RPC_CALLERS.budget.GetBudget,
    summary: "An agent's budget: limit, spent, reserved by open leases, remaining",
    params: idParams,
    response: budgetSchema,
    errors: [404],
    handler: async ({ params, call }) => toBudget(await budget.GetBudget({ id: params.id }, call)),
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/agents/{id}/budget/history',
    callers: RPC_CALLERS.budget.GetBudgetHistory,
    summary: "Changes to an agent's budget limit, with who approved them",
    params: idParams,
    response: historySchema,
    errors: [404],
    handler: async ({ params, call }) => {
      const res = await budget.GetBudgetHistory({ id: params.id }, call);
      return {
        items: res.items.map((h) => ({
          old_limit_usd: microsToUsd(h.old_limit_micros),
          new_limit_usd: microsToUsd(h.new_limit_micros),
          approver_id: h.approver_id,
          request_id: h.request_id,
          reason: h.reason,
          at: h.at,
        })),
      };
    },
  });
}
