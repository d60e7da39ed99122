import type { AsyncHandlers } from '@tollgate/platform';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { Analytics } from '../domain/analytics.js';
import type { Leases } from '../domain/leases.js';
import type { Usage } from '../domain/usage.js';
import { toBudgetState } from './messages.js';

type Handlers = AsyncHandlers<BudgetHandlers>;

/** Handshake, ReportUsage, ReleaseLease, GetSpend, Reconcile. */
export function spendingHandlers(
  leases: Leases,
  usage: Usage,
  analytics: Analytics,
): Pick<Handlers, 'Handshake' | 'ReportUsage' | 'ReleaseLease' | 'GetSpend' | 'Reconcile'> {
  return {
    async Handshake(req, ctx) {
      const lease = await leases.handshake(
        { agentId: req.agent_id, provider: req.provider, requestedMicros: req.requested_micros, forProxy: req.for_proxy },
        ctx,
      );
      return { lease_id: lease.leaseId, granted_micros: lease.granted, expires_at: lease.expiresAt.toISOString(), ip_token: lease.ipToken };
    },
    async ReportUsage(req, ctx) {
      const result = await usage.report(
        {
          leaseId: req.lease_id,
          requestId: req.request_id,
          provider: req.provider,
          model: req.model,
          inputTokens: req.input_tokens,
          outputTokens: req.output_tokens,
          costMicros: req.cost_micros,
        },
        ctx,
      );
      return { charged_micros: result.charged, remaining_micros: result.remaining, duplicate: result.duplicate };
    },
    async ReleaseLease(req, ctx) {
      const { released, budget } = await leases.release(req.lease_id, ctx);
      return { released_micros: released, budget: toBudgetState(budget) };
    },
    async GetSpend(req, ctx) {
      const rows = await analytics.spend(
        { groupBy: req.group_by, from: req.from, to: req.to, agentId: req.agent_id, projectId: req.project_id },
        ctx,
      );
      return { items: rows };
    },
    async Reconcile(req) {
      const r = await analytics.reconcile(req.id);
      return { ok: r.ok, ledger_spent_micros: r.ledgerSpent, budget_spent_micros: r.budgetSpent };
    },
  };
}
