import { z } from 'zod';
import { microsToUsd, RPC_CALLERS } from '@tollgate/platform';
import type { LedgerEntry__Output } from '@tollgate/proto/gen/tollgate/budget/v1/LedgerEntry';
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
  limitChangeSchema,
  setBudgetBody,
  setBudgetFields,
  setBudgetRule,
  toAgent,
  toBudget,
  toBudgetHistory,
  toLimitChange,
} from './schemas.js';

const ledgerEntrySchema = z
  .object({
    id: z.string().openapi({
      description: "`<seq>.<op>`: the budget journal's entry that recorded it and its place there (one entry may charge many calls)",
    }),
    at: z.string().openapi({ description: 'When it was recorded' }),
    kind: z.enum(['charge', 'limit_change', 'period']).openapi({
      description: 'Which of `charge`, `limit_change` and `period` it is; the other two are null',
    }),
    charge: z
      .object({
        request_id: z.string().openapi({
          description:
            "A proxied call's X-Request-Id or a usage report's request_id; for a gateway's escrow charged whole once it stopped syncing, the escrow's id",
        }),
        provider: z.string(),
        model: z.string().openapi({ description: 'For a call to an endpoint priced per call, its path (the call is one input token)' }),
        input_tokens: z.number().int(),
        output_tokens: z.number().int(),
        cost_usd: z.number().openapi({ description: "What was charged: a proxied call's X-Tollgate-Cost-Usd" }),
        whole_hold_reason: z.string().nullable().openapi({
          description:
            "Why the call was charged its whole hold, its usage being unknown (e.g. 'the provider cut the answer off'); null when its usage was priced",
        }),
      })
      .nullable(),
    limit_change: limitChangeSchema
      .nullable()
      .openapi({ description: 'A change of the limit or period, or a reset, as in the budget history' }),
    period: z
      .object({
        started_at: z.string().openapi({ description: 'When the new period began (a calendar boundary, UTC)' }),
        closed_spent_usd: z.number().openapi({ description: 'What the period it closed had spent' }),
      })
      .nullable(),
  })
  .openapi('LedgerEntry');

function toLedgerEntry(e: LedgerEntry__Output): z.infer<typeof ledgerEntrySchema> {
  const c = e.charge;
  return {
    id: e.id,
    at: e.at,
    kind: e.detail!,
    charge: c
      ? {
          request_id: c.request_id,
          provider: c.provider,
          model: c.model,
          input_tokens: c.input_tokens,
          output_tokens: c.output_tokens,
          cost_usd: microsToUsd(c.cost_micros),
          whole_hold_reason: nullable(c.whole_hold),
        }
      : null,
    limit_change: e.limit_change ? toLimitChange(e.limit_change) : null,
    period: e.period ? { started_at: e.period.started_at, closed_spent_usd: microsToUsd(e.period.closed_spent_micros) } : null,
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

  route({
    ...common,
    method: 'get',
    path: '/v1/agents/{id}/ledger',
    callers: RPC_CALLERS.budget.ListLedgerEntries,
    summary: "An agent's recent ledger entries, newest first: its charges, limit changes and period boundaries",
    description:
      'Every charge (a usage report, or a proxied call once its gateway has synced it: every ESCROW_SYNC_MS, 500 ms by default), ' +
      'every change of the limit or period and every reset (`limit_change`, as in the budget history), and every period boundary (`period`). ' +
      "Holds, releases and escrow resizes are not listed: they set money aside for calls in flight (the budget's `reserved_usd`) " +
      'and spend nothing; nor are alerts and profile changes. A page reads at most 256 entries of the journal, so an agent whose ' +
      'recent entries are mostly reservations may get fewer items than `limit`, or none, with a `next_cursor`: follow it until it is null.',
    params: idParams,
    query: z.object(pageQuery),
    response: pageOut(ledgerEntrySchema),
    errors: [404],
    handler: async ({ params, query, call }) => {
      const res = await budget.ListLedgerEntries({ agent_id: params.id, page: { limit: query.limit, cursor: query.cursor } }, call);
      return { items: res.items.map(toLedgerEntry), next_cursor: nullable(res.next_cursor) };
    },
  });
}
