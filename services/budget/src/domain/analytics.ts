import { NotFoundError, ValidationError, type KeyedMutex } from '@tollgate/platform';
import { assertPerson, assertReader } from './access.js';
import type { Caller } from './ports.js';
import type { BudgetRepository, LedgerRepository, SpendTotals } from './repositories.js';
import type { Usage } from './usage.js';
import { knownId } from './rules.js';

export interface AnalyticsDeps {
  ledger: LedgerRepository;
  budgets: BudgetRepository;
  usage: Usage;
  mutex: KeyedMutex;
}

export const GROUPS = ['agent', 'provider', 'model', 'day'] as const;
export type SpendGroup = (typeof GROUPS)[number];

export interface Reconciliation {
  ok: boolean;
  ledgerSpent: number;
  budgetSpent: number;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** `from`/`to` as RFC 3339 timestamps or UTC dates; a date `to` includes that whole day. */
function bound(raw: string, field: 'from' | 'to'): Date | undefined {
  if (!raw) return undefined;
  const at = Date.parse(DATE_ONLY.test(raw) ? `${raw}T00:00:00.000Z` : raw);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/i.test(raw)) {
    throw new ValidationError(`${field} must be an RFC 3339 timestamp or a yyyy-mm-dd date`, { [field]: 'must be an RFC 3339 timestamp or yyyy-mm-dd' });
  }
  return new Date(field === 'to' && DATE_ONLY.test(raw) ? at + DAY_MS - 1 : at);
}

/** Spend analytics over the ledger, and reconciliation of the ledger with the budget documents. */
export class Analytics {
  constructor(private readonly deps: AnalyticsDeps) {}

  async spend(input: { groupBy: string; from: string; to: string; agentId: string }, caller: Caller): Promise<SpendTotals[]> {
    const self = assertReader(caller.principal, 'budgets:read');
    if (!(GROUPS as readonly string[]).includes(input.groupBy)) {
      throw new ValidationError('group_by must be agent, provider, model or day', { group_by: 'must be agent, provider, model or day' });
    }
    const from = bound(input.from, 'from');
    const to = bound(input.to, 'to');
    if (from && to && from.getTime() > to.getTime()) throw new ValidationError('from must not be after to', { from: 'must not be after to' });
    if (self && input.agentId && input.agentId !== self) return [];
    return this.deps.ledger.spend(input.groupBy as SpendGroup, { agentId: self ?? (input.agentId || undefined), from, to });
  }

  /**
   * Recomputes an agent's spend from the ledger and checks it against the budget document,
   * after finishing any charge left pending. Also checks the document's own invariants:
   * remaining = limit − spent − reserved, reserved = Σ unspent of open leases.
   */
  async reconcile(agentId: string, caller: Caller): Promise<Reconciliation> {
    const p = caller.principal;
    if (p.type !== 'service') assertPerson(p, 'manager', 'budgets:read');
    if (!knownId('agt', agentId)) throw new NotFoundError('Agent not found');
    await this.deps.usage.recover(agentId, new Date());
    return this.deps.mutex.run(agentId, async () => {
      const budget = await this.deps.budgets.find(agentId);
      if (!budget) throw new NotFoundError('Agent not found');
      const ledgerSpent = await this.deps.ledger.totalFor(agentId);
      const leased = Object.values(budget.leases).reduce((sum, s) => sum + s.unspent, 0);
      const ok =
        ledgerSpent === budget.spent &&
        Object.keys(budget.pending).length === 0 &&
        budget.remaining === budget.limit - budget.spent - budget.reserved &&
        budget.reserved === leased &&
        budget.remaining >= 0 &&
        budget.spent <= budget.limit;
      return { ok, ledgerSpent, budgetSpent: budget.spent };
    });
  }
}
