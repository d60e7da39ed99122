import type { AsyncHandlers } from '@tollgate/platform';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { BudgetLimits } from '../domain/budget-limits.js';
import { toBudgetState } from './messages.js';

type Handlers = AsyncHandlers<BudgetHandlers>;

/** SetBudget, ResetBudget. */
export function budgetLimitHandlers(limits: BudgetLimits): Pick<Handlers, 'SetBudget' | 'ResetBudget'> {
  return {
    async SetBudget(req, ctx) {
      return toBudgetState(
        await limits.set({ budgetId: req.agent_id, limitMicros: req.limit_micros, period: req.period, reason: req.reason }, ctx),
      );
    },
    async ResetBudget(req, ctx) {
      return toBudgetState(await limits.reset({ budgetId: req.agent_id, reason: req.reason }, ctx));
    },
  };
}
