import { z } from 'zod';
import { microsToUsd, RPC_CALLERS } from '@tollgate/platform';
import { expensiveRead, type RouteDefiner } from './define.js';
import type { GatewayDeps } from '../deps.js';
import { idParams } from './fields.js';

const spendSchema = z
  .object({
    items: z.array(
      z
        .object({
          key: z.string().openapi({ description: 'The agent id, provider, model or UTC day (yyyy-mm-dd)' }),
          spent_usd: z.number(),
          requests: z.number().int(),
          input_tokens: z.number().int(),
          output_tokens: z.number().int(),
        })
        .openapi('SpendRow'),
    ),
  })
  .openapi('Spend');

const bound = z.union([z.iso.date(), z.iso.datetime({ offset: true })]).openapi({
  description: 'A UTC date (yyyy-mm-dd), or an RFC 3339 timestamp standing for the UTC day it falls in; both bounds are inclusive',
});

export function registerAnalyticsRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const budget = deps.clients.budget.call;

  route({
    method: 'get',
    path: '/v1/analytics/spend',
    callers: RPC_CALLERS.budget.GetSpend,
    tag: 'Analytics',
    summary: 'Spend from the usage ledger, grouped by agent, provider, model or day',
    description:
      'Totals are kept per agent and UTC day (daily rollups of the ledger), so a request costs the same however many calls were made. ' +
      '`from` and `to` select whole UTC days: a timestamp selects the day it falls in. People see the spend of the agents they see ' +
      "(a project's agents: its members, managers and admins).",
    auth: 'any',
    query: z.object({
      group_by: z.enum(['agent', 'provider', 'model', 'day']),
      from: bound.optional(),
      to: bound.optional(),
      agent_id: idParams.shape.id.optional(),
      project_id: idParams.shape.id.optional().openapi({ description: "Only this project's agents (a project you see; 404 otherwise)" }),
    }),
    response: spendSchema,
    errors: [404],
    rateLimit: expensiveRead(deps),
    handler: async ({ query, call }) => {
      const res = await budget.GetSpend(
        {
          group_by: query.group_by,
          from: query.from ?? '',
          to: query.to ?? '',
          agent_id: query.agent_id ?? '',
          project_id: query.project_id ?? '',
        },
        call,
      );
      return {
        items: res.items.map((r) => ({
          key: r.key,
          spent_usd: microsToUsd(r.spent_micros),
          requests: r.requests,
          input_tokens: r.input_tokens,
          output_tokens: r.output_tokens,
        })),
      };
    },
  });
}
