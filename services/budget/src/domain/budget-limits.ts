import {
  BUDGET_PERIODS,
  ConflictError,
  isBudgetPeriod,
  type BudgetPeriod,
  microsToUsd,
  NotFoundError,
  personOf,
  ValidationError,
  validText,
  type AuditEmitter,
  type Caller,
} from '@tollgate/platform';
import type { Intent } from './book.js';
import type { BudgetBook, Totals } from './budget-book.js';
import { newId } from './ids.js';
import { micros } from './money.js';
import type { LimitChange } from './records.js';
import type { ProjectBudgets } from './project-budgets.js';
import type { AgentRepository, ProjectRepository } from './repositories.js';
import { knownId } from './rules.js';

export interface BudgetLimitsDeps {
  agents: AgentRepository;
  projects: ProjectRepository;
  projectBudgets: ProjectBudgets;
  book: BudgetBook;
  audit: AuditEmitter;
  now?: () => Date;
}

export interface SetBudgetInput {
  /** An agent's id, or a project's. */
  budgetId: string;
  limitMicros?: number;
  period?: string;
  reason: string;
}

const RESOURCE = 'budget';

/** What a manager asks of a budget; who, why and when are added to it. */
type Asked = { type: 'set_limit'; limit?: number; period?: BudgetPeriod } | { type: 'reset' };

/**
 * Managers' direct changes to an agent's or a project's budget: its limit (up, or down to no
 * less than what is spent and held), its period, and a reset that starts a new period. Each is
 * an op in the budget's journal — decided against the head, so a lowering never races a hold — kept in the
 * budget history beside approved budget requests and audited like them.
 */
export class BudgetLimits {
  readonly #now: () => Date;

  constructor(private readonly deps: BudgetLimitsDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async set(input: SetBudgetInput, caller: Caller): Promise<Totals> {
    const limit = input.limitMicros === undefined ? undefined : micros(input.limitMicros, 'limit_usd');
    if (input.period !== undefined && !isBudgetPeriod(input.period))
      throw new ValidationError(`period must be one of ${BUDGET_PERIODS.join(', ')}`, {
        period: `must be one of ${BUDGET_PERIODS.join(', ')}`,
      });
    const period = input.period;
    if (limit === undefined && period === undefined)
      throw new ValidationError('Give limit_usd, period or both', { limit_usd: 'is required unless period is given' });
    const reason = validText(input.reason, 'reason', { required: true });
    const { change, after } = await this.#apply(input.budgetId, caller, reason, {
      type: 'set_limit',
      ...(limit === undefined ? {} : { limit }),
      ...(period === undefined ? {} : { period }),
    });
    await this.deps.audit.emit(
      {
        action: 'budget.limit.changed',
        resource: { type: RESOURCE, id: input.budgetId },
        details: {
          kind: 'set',
          old_limit_micros: change.old_limit,
          new_limit_micros: change.new_limit,
          period: change.period,
          approver_id: change.approver_id,
          change_id: change.request_id,
          reason,
        },
      },
      caller,
    );
    return after;
  }

  async reset(input: { budgetId: string; reason: string }, caller: Caller): Promise<Totals> {
    const reason = validText(input.reason, 'reason', { required: true });
    const { change, after } = await this.#apply(input.budgetId, caller, reason, { type: 'reset' });
    await this.deps.audit.emit(
      {
        action: 'budget.reset',
        resource: { type: RESOURCE, id: input.budgetId },
        details: { closed_spent_micros: change.closed_spent ?? 0, limit_micros: change.new_limit, change_id: change.request_id, reason },
      },
      caller,
    );
    return after;
  }

  /**
   * Records the change in the budget's journal; the change and the budget right after it. 404 for
   * an agent or project that is not active, 409 for a limit below what is committed or for a
   * reset of a project without a budget. A limit set on a project without one gives it one.
   */
  async #apply(budgetId: string, caller: Caller, reason: string, asked: Asked): Promise<{ change: LimitChange; after: Totals }> {
    const by = personOf(caller.principal).id;
    if (knownId('prj', budgetId)) {
      const project = await this.deps.projects.findById(budgetId);
      if (project?.status !== 'active') throw new NotFoundError('Project not found');
      if (!(await this.deps.projectBudgets.has(budgetId))) {
        if (asked.type === 'reset') throw new ConflictError('The project has no budget to reset: set one first');
        await this.deps.projectBudgets.open(budgetId, 0, { name: project.name, description: project.description, disabled: false });
      }
    } else {
      const agent = knownId('agt', budgetId) ? await this.deps.agents.findById(budgetId) : null;
      if (agent?.status !== 'active') throw new NotFoundError('Agent not found');
    }
    const at = this.#now();
    const intent: Intent = { ...asked, change_id: newId('chg', at.getTime()), approver_id: by, reason, at };
    const [decided] = await this.deps.book.submit(budgetId, [{ intent }]);
    const outcome = decided.outcome;
    if (outcome.type === 'limit_below_committed')
      throw new ConflictError('The limit cannot go below what is already spent and reserved', {
        minimum_usd: microsToUsd(outcome.committed),
        spent_usd: microsToUsd(decided.after.spent),
        reserved_usd: microsToUsd(decided.after.held),
      });
    if (outcome.type !== 'limit' || !outcome.change) throw new Error(`unexpected outcome ${outcome.type} of a budget change`);
    return { change: outcome.change, after: decided.after };
  }
}
