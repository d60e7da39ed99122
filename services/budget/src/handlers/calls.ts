import type { AsyncHandlers } from '@tollgate/platform';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { Calls } from '../domain/calls.js';

type Handlers = AsyncHandlers<BudgetHandlers>;

/** HoldCall, SettleCall: the proxy's money path. */
export function callHandlers(calls: Calls): Pick<Handlers, 'HoldCall' | 'SettleCall'> {
  return {
    async HoldCall(req, ctx) {
      const hold = await calls.hold({ provider: req.provider, model: req.model, inputTokens: req.input_tokens, maxOutputTokens: req.max_output_tokens, holdId: req.hold_id }, ctx);
      return {
        hold_id: hold.holdId,
        held_micros: hold.held,
        max_output_tokens: hold.maxOutputTokens,
        input_per_million_micros: hold.prices.input_per_million_micros,
        output_per_million_micros: hold.prices.output_per_million_micros,
        remaining_micros: hold.remaining,
        expires_at: hold.expiresAt.toISOString(),
      };
    },
    async SettleCall(req, ctx) {
      const usage = req.usage_known ? { model: req.model, inputTokens: req.input_tokens, outputTokens: req.output_tokens } : null;
      const settled = await calls.settle({ holdId: req.hold_id, usage, reason: req.reason }, ctx);
      return { charged_micros: settled.charged, remaining_micros: settled.budget.remaining, duplicate: settled.duplicate };
    },
  };
}
