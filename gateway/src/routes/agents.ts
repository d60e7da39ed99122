import { z } from 'zod';
import { RPC_CALLERS } from '@tollgate/platform';
import {
  descriptionField,
  idParams,
  nameField,
  nullable,
  pageOut,
  pageQuery,
  providerName,
  requiredText,
  toMicros,
  usdAmount,
} from './fields.js';
import type { RouteDefiner } from './define.js';
import type { GatewayDeps } from '../deps.js';
import {
  agentSchema,
  alertThresholdsField,
  budgetHistorySchema,
  budgetSchema,
  setBudgetBody,
  setBudgetFields,
  setBudgetRule,
  toAgent,
  toBudget,
  toBudgetHistory,
} from './schemas.js';

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
      project_id: idParams.shape.id.optional().openapi({
        description: 'The project it belongs to: one you are an owner or member of (a viewer gets 403; a project you do not see, 404)',
      }),
    }),
    status: 201,
    errors: [404],
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
          project_id: body.project_id ?? '',
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
    summary: 'List the agents you see (an agent credential sees only itself)',
    description:
      "Managers and admins see every agent; other people see agents outside every project, their own, and their projects' agents.",
    query: z.object({
      ...pageQuery,
      project_id: idParams.shape.id.optional().openapi({ description: "Only this project's agents (a project you see; 404 otherwise)" }),
    }),
    response: pageOut(agentSchema),
    errors: [404],
    handler: async ({ query, call }) => {
      const res = await budget.ListAgents({ page: { limit: query.limit, cursor: query.cursor }, project_id: query.project_id ?? '' }, call);
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
    summary: 'Rename, describe, disable or re-enable an agent, or set its proxy limits and budget alerts (owner or admin)',
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
      alert_thresholds: alertThresholdsField,
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
            alert_thresholds: body.alert_thresholds && { percents: body.alert_thresholds },
          },
          call,
        ),
      ),
  });

  route({
    ...common,
    method: 'delete',
    path: '/v1/agents/{id}',
    callers: RPC_CALLERS.budget.DeleteAgent,
    summary: 'Delete an agent: its credential stops working at once, its ledger is kept (owner or admin)',
    description:
      "Revokes the agent's `tg_agt_` credential, disables its budget (no new lease or proxied call is granted; calls already " +
      'in flight are still charged), releases its open leases and cancels its pending budget requests. The agent then answers ' +
      '404 everywhere, as an unknown one; its spend stays in the ledger and in analytics. Audited `agent.deleted`.',
    params: idParams,
    status: 204,
    errors: [404],
    handler: async ({ params, call }) => {
      const deleted = await budget.DeleteAgent({ id: params.id }, call);
      // The agent's credential must stop working on this gateway at once (other replicas follow within AUTH_CACHE_MS).
      if (deleted.token_id) deps.auth.invalidateToken(deleted.token_id);
      return undefined;
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/agents/{id}/budget',
    callers: RPC_CALLERS.budget.GetBudget,
    summary: "An agent's budget: limit, spent in the current period, reserved, remaining, and its period",
    params: idParams,
    response: budgetSchema,
    errors: [404],
    handler: async ({ params, call }) => toBudget(await budget.GetBudget({ id: params.id }, call)),
  });

  route({
    ...common,
    method: 'put',
    path: '/v1/agents/{id}/budget',
    callers: RPC_CALLERS.budget.SetBudget,
    summary: "Set an agent's limit and/or period (managers and admins)",
    description:
      'Raises or lowers the limit — never below what is already spent and reserved (409, with `minimum_usd` in the details) — ' +
      'and/or sets the period: `day`, `week` (from Monday) or `month` start the spend again at each calendar boundary, UTC; ' +
      'the spend so far counts toward the current period. Recorded in the budget history (kind `set`) and audited ' +
      '`budget.limit.changed`.',
    params: idParams,
    body: setBudgetBody,
    bodyRule: setBudgetRule,
    response: budgetSchema,
    errors: [404, 409],
    handler: async ({ params, body, call }) => toBudget(await budget.SetBudget({ agent_id: params.id, ...setBudgetFields(body) }, call)),
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/agents/{id}/budget/reset',
    callers: RPC_CALLERS.budget.ResetBudget,
    summary: "Start a new period of an agent's budget now: the spend starts again from zero (managers and admins)",
    description:
      'What the closed period spent stays in the ledger and in the budget history (kind `reset`, `closed_spent_usd`); ' +
      'what is reserved for calls in flight stays reserved. Audited `budget.reset`.',
    params: idParams,
    body: z.object({ reason: requiredText }),
    response: budgetSchema,
    errors: [404],
    handler: async ({ params, body, call }) => toBudget(await budget.ResetBudget({ agent_id: params.id, reason: body.reason }, call)),
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/agents/{id}/budget/history',
    callers: RPC_CALLERS.budget.GetBudgetHistory,
    summary: "Changes to an agent's budget limit, with who approved them",
    params: idParams,
    response: budgetHistorySchema,
    errors: [404],
    handler: async ({ params, call }) => {
      return toBudgetHistory(await budget.GetBudgetHistory({ id: params.id }, call));
    },
  });
}
