import type { AsyncHandlers } from '@tollgate/platform';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { Escrows } from '../domain/escrows.js';

type Handlers = AsyncHandlers<BudgetHandlers>;

/** SyncEscrows: the proxy's money path. */
export function escrowHandlers(escrows: Escrows): Pick<Handlers, 'SyncEscrows'> {
  return {
    async SyncEscrows(req, ctx) {
      const states = await escrows.sync(
        req.escrows.map((e) => ({ agentId: e.agent_id, escrowId: e.escrow_id, seq: e.seq, charges: e.charges, want: e.want_micros })),
        ctx,
      );
      return {
        escrows: states.map((s) => ({
          agent_id: s.agentId,
          status: s.status,
          escrow_micros: s.escrow,
          remaining_micros: s.remaining,
          expires_at: s.expiresAt?.toISOString() ?? '',
          providers: s.providers,
          max_parallel_calls: s.maxParallelCalls,
          tokens_per_minute: s.tokensPerMinute,
        })),
      };
    },
  };
}
