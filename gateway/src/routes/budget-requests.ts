import { z } from 'zod';
import { microsToUsd, RPC_CALLERS } from '@tollgate/platform';
import type { BudgetRequest__Output } from '@tollgate/proto/gen/tollgate/budget/v1/BudgetRequest';
import type { RouteDefiner } from './define.js';
import { idParams, nullable, optionalText, pageOut, pageQuery, requiredText, toMicros, usdAmount } from './fields.js';
import type { GatewayDeps } from '../deps.js';

const STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;

const requestSchema = z
  .object({
    id: z.string(),
    agent_id: z.string().nullable().openapi({ description: "The agent whose budget it raises; null for a request for a project's budget" }),
    project_id: z.string().nullable().openapi({
      description: "The project whose budget it raises (agent_id null), or the agent's project; null for an agent outside every project",
    }),
    requester_id: z.string(),
    requested_budget_usd: z.number(),
    justification: z.string(),
    status: z.enum(STATUSES),
    decided_by: z.string().nullable(),
    decision_note: z.string().nullable(),
    decided_at: z.string().nullable(),
    created_at: z.string(),
  })
  .openapi('BudgetRequest');

function toRequest(r: BudgetRequest__Output) {
  return {
    id: r.id,
    agent_id: nullable(r.agent_id),
    project_id: nullable(r.project_id),
    requester_id: r.requester_id,
    requested_budget_usd: microsToUsd(r.requested_micros),
    justification: r.justification,
    status: r.status as (typeof STATUSES)[number],
    decided_by: nullable(r.decided_by),
    decision_note: nullable(r.decision_note),
    decided_at: nullable(r.decided_at),
    created_at: r.created_at,
  };
}

export function registerBudgetRequestRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const budget = deps.clients.budget.call;
  const common = { auth: 'any', tag: 'Budget requests' } as const;

  route({
    ...common,
    method: 'post',
    path: '/v1/budget-requests',
    callers: RPC_CALLERS.budget.CreateBudgetRequest,
    summary: 'Ask for more budget for an agent or a project',
    description:
      '`requested_budget_usd` is the increase: more than 0 and at most MAX_BUDGET_REQUEST_USD (default 10,000), else 400 "Requested budget exceeds maximum allowed ($10,000)". ' +
      "Give `agent_id` (only the agent's owner or an admin may ask; with `project_id` too, that must be its project, else 404) or " +
      "`project_id` alone (only the project's owners or an admin; 409 for a project without a budget). Nobody approves a raise of an " +
      'agent or a project they own.',
    body: z.object({
      agent_id: idParams.shape.id.optional(),
      project_id: idParams.shape.id.optional(),
      requested_budget_usd: usdAmount({ maximum: 10_000, positive: true, note: 'at most MAX_BUDGET_REQUEST_USD (default 10,000)' }),
      justification: requiredText,
    }),
    bodyRule: {
      holds: (b) => b.agent_id !== undefined || b.project_id !== undefined,
      field: 'agent_id',
      message: 'give agent_id or project_id',
      schema: { anyOf: [{ required: ['agent_id'] }, { required: ['project_id'] }] },
    },
    status: 201,
    response: requestSchema,
    errors: [404, 409],
    handler: async ({ body, call }) =>
      toRequest(
        await budget.CreateBudgetRequest(
          {
            agent_id: body.agent_id ?? '',
            project_id: body.project_id ?? '',
            requested_micros: toMicros(body.requested_budget_usd, 'requested_budget_usd'),
            justification: body.justification,
          },
          call,
        ),
      ),
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/budget-requests',
    callers: RPC_CALLERS.budget.ListBudgetRequests,
    summary: 'List budget requests, newest first',
    description: "People see the requests of the agents they see; `project_id`: a project's requests and its agents' (a project you see).",
    query: z.object({
      ...pageQuery,
      status: z.enum(STATUSES).optional(),
      agent_id: idParams.shape.id.optional(),
      project_id: idParams.shape.id.optional(),
    }),
    response: pageOut(requestSchema),
    errors: [404],
    handler: async ({ query, call }) => {
      const res = await budget.ListBudgetRequests(
        {
          page: { limit: query.limit, cursor: query.cursor },
          status: query.status ?? '',
          agent_id: query.agent_id ?? '',
          project_id: query.project_id ?? '',
        },
        call,
      );
      return { items: res.items.map(toRequest), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/budget-requests/{id}',
    callers: RPC_CALLERS.budget.GetBudgetRequest,
    summary: 'Get a budget request',
    params: idParams,
    response: requestSchema,
    errors: [404],
    handler: async ({ params, call }) => toRequest(await budget.GetBudgetRequest({ id: params.id }, call)),
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/budget-requests/{id}/approve',
    callers: RPC_CALLERS.budget.ApproveBudgetRequest,
    summary: "Approve a request: the agent's limit rises and the change is recorded",
    description:
      'The approver is you (never a field of the body). Your own request, or a raise of an agent you own → 403; a request no longer pending → 409.',
    params: idParams,
    body: z.object({ note: optionalText.optional() }),
    response: requestSchema,
    errors: [404, 409],
    handler: async ({ params, body, call }) => toRequest(await budget.ApproveBudgetRequest({ id: params.id, note: body.note ?? '' }, call)),
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/budget-requests/{id}/reject',
    callers: RPC_CALLERS.budget.RejectBudgetRequest,
    summary: 'Reject a request, with a reason',
    params: idParams,
    body: z.object({ reason: requiredText }),
    response: requestSchema,
    errors: [404, 409],
    handler: async ({ params, body, call }) => toRequest(await budget.RejectBudgetRequest({ id: params.id, note: body.reason }, call)),
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/budget-requests/{id}/cancel',
    callers: RPC_CALLERS.budget.CancelBudgetRequest,
    summary: 'Withdraw your own pending request',
    params: idParams,
    response: requestSchema,
    errors: [404, 409],
    handler: async ({ params, call }) => toRequest(await budget.CancelBudgetRequest({ id: params.id }, call)),
  });
}
