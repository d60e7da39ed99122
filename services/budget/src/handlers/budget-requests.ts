import type { AsyncHandlers } from '@tollgate/platform';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { BudgetRequests } from '../domain/budget-requests.js';
import { toBudgetRequest } from './messages.js';

type Handlers = AsyncHandlers<BudgetHandlers>;

/** Create, List, Get, Approve, Reject and Cancel BudgetRequest. The decider is always ctx.principal. */
export function budgetRequestHandlers(
  requests: BudgetRequests,
): Pick<
  Handlers,
  'CreateBudgetRequest' | 'ListBudgetRequests' | 'GetBudgetRequest' | 'ApproveBudgetRequest' | 'RejectBudgetRequest' | 'CancelBudgetRequest'
> {
  return {
    async CreateBudgetRequest(req, ctx) {
      const created = await requests.create(
        { agentId: req.agent_id, projectId: req.project_id, requestedMicros: req.requested_micros, justification: req.justification },
        ctx,
      );
      return toBudgetRequest(created);
    },
    async ListBudgetRequests(req, ctx) {
      const page = await requests.list({ status: req.status, agentId: req.agent_id, projectId: req.project_id, page: req.page }, ctx);
      return { items: page.items.map(toBudgetRequest), next_cursor: page.next_cursor };
    },
    async GetBudgetRequest(req, ctx) {
      return toBudgetRequest(await requests.get(req.id, ctx));
    },
    async ApproveBudgetRequest(req, ctx) {
      return toBudgetRequest(await requests.approve(req.id, req.note, ctx));
    },
    async RejectBudgetRequest(req, ctx) {
      return toBudgetRequest(await requests.reject(req.id, req.note, ctx));
    },
    async CancelBudgetRequest(req, ctx) {
      return toBudgetRequest(await requests.cancel(req.id, ctx));
    },
  };
}
