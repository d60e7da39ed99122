import type { AsyncHandlers } from '@tollgate/platform';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { Agents } from '../domain/agents.js';
import { toAgent, toBudgetState, toLedgerEntry, toLimitChange } from './messages.js';

type Handlers = AsyncHandlers<BudgetHandlers>;

/** CreateAgent, GetAgent, ListAgents, UpdateAgent, DeleteAgent, GetBudget, GetBudgetHistory, ListLedgerEntries. */
export function agentHandlers(
  agents: Agents,
): Pick<
  Handlers,
  'CreateAgent' | 'GetAgent' | 'ListAgents' | 'UpdateAgent' | 'DeleteAgent' | 'GetBudget' | 'GetBudgetHistory' | 'ListLedgerEntries'
> {
  return {
    async CreateAgent(req, ctx) {
      const created = await agents.create(
        {
          name: req.name,
          description: req.description,
          budgetMicros: req.budget_micros,
          providers: req.providers,
          projectId: req.project_id,
        },
        ctx,
      );
      return { agent: toAgent(created), token: created.token };
    },
    async GetAgent(req, ctx) {
      return toAgent(await agents.get(req.id, ctx));
    },
    async ListAgents(req, ctx) {
      const page = await agents.list(req.page, ctx, req.project_id);
      return { items: page.items.map(toAgent), next_cursor: page.next_cursor };
    },
    async UpdateAgent(req, ctx) {
      return toAgent(
        await agents.update(
          {
            id: req.id,
            name: req.name,
            description: req.description,
            disabled: req.disabled,
            maxParallelCalls: req.max_parallel_calls,
            tokensPerMinute: req.tokens_per_minute,
            alertThresholds: req.alert_thresholds?.percents,
          },
          ctx,
        ),
      );
    },
    async DeleteAgent(req, ctx) {
      const deleted = await agents.delete(req.id, ctx);
      return { token_id: deleted.tokenId };
    },
    async GetBudget(req, ctx) {
      return toBudgetState(await agents.budget(req.id, ctx));
    },
    async GetBudgetHistory(req, ctx) {
      return { items: (await agents.history(req.id, ctx)).map(toLimitChange) };
    },
    async ListLedgerEntries(req, ctx) {
      const page = await agents.ledger(req.agent_id, req.page, ctx);
      return { items: page.items.map(toLedgerEntry), next_cursor: page.next_cursor };
    },
  };
}
