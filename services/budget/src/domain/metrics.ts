import { Counter, type ServiceRuntime } from '@tollgate/platform';
import type { ChargeOp } from './book.js';
import type { PriceTable } from './prices.js';

export interface BudgetMetrics {
  /** An escrow sync asked for `wanted` and the ledger set aside `granted`. */
  held(wanted: number, granted: number): void;
  /** A proxied call's cost was charged. */
  settled(op: ChargeOp): void;
}

export function budgetMetrics(registry: ServiceRuntime['registry'], prices: PriceTable): BudgetMetrics {
  const holds = new Counter({
    name: 'budget_holds_total',
    help: "Escrow syncs that asked for money, by outcome: granted (all of it was set aside) or refused (less: the budget is short, the agent disabled or the escrow closed; the gateway then answers the calls that don't fit 402)",
    labelNames: ['outcome'],
    registers: [registry],
  });
  const settles = new Counter({
    name: 'budget_settles_total',
    help: "Proxied calls' costs charged to their budgets",
    registers: [registry],
  });
  const spend = new Counter({
    name: 'spend_usd_total',
    help: 'USD charged for proxied calls, by provider and model (other: a model not in the price table, e.g. a dated snapshot)',
    labelNames: ['provider', 'model'],
    registers: [registry],
  });
  return {
    held(wanted, granted) {
      if (wanted > 0) holds.inc({ outcome: granted >= wanted ? 'granted' : 'refused' });
    },
    settled(op) {
      settles.inc();
      // Only models of the price table name a series: a model string is whatever the client sent.
      const model = prices.entry(op.provider, op.model) ? op.model : 'other';
      spend.inc({ provider: op.provider, model }, op.cost_micros / 1_000_000);
    },
  };
}
