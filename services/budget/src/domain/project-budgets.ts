import { isDuplicateKeyError } from '@tollgate/platform';
import type { AgentProfile } from './book.js';
import type { BudgetBook } from './budget-book.js';
import type { AgentRepository } from './repositories.js';

export interface ProjectBudgetsDeps {
  book: BudgetBook;
  agents: AgentRepository;
  now?: () => Date;
}

/** How long "this project has no budget" is believed: a budget set on another replica is seen within it. */
const NO_BUDGET_MS = 1_000;
/** Agents whose project is kept in memory (it never changes after creation). */
const REMEMBERED_AGENTS = 100_000;

/**
 * Projects' budgets. A project's budget is a journal of its own in the same book as agents'
 * (its id is the project's), so its limit, period, thresholds, history and holds work as an
 * agent's do. An agent in a project with a budget holds from both: each proxied call's escrow
 * and each lease has a part in the project's journal (same id), decided there first; the
 * agent's hold is then decided within what the project gave, and the project's part shrinks to
 * what the agent got. Each level is atomic on its own journal, so neither is ever exceeded, and
 * a hold refused at one level leaves the other as it was.
 */
export class ProjectBudgets {
  readonly #now: () => Date;
  readonly #withBudget = new Set<string>();
  readonly #noBudgetUntil = new Map<string, number>();
  readonly #projectOf = new Map<string, string>();

  constructor(private readonly deps: ProjectBudgetsDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  /** Whether the project has a budget (a project never loses one once given). */
  async has(projectId: string): Promise<boolean> {
    if (!projectId) return false;
    if (this.#withBudget.has(projectId)) return true;
    const now = this.#now().getTime();
    if ((this.#noBudgetUntil.get(projectId) ?? 0) > now) return false;
    if ((await this.deps.book.headSeq(projectId)) !== null) {
      this.#withBudget.add(projectId);
      this.#noBudgetUntil.delete(projectId);
      return true;
    }
    this.#noBudgetUntil.set(projectId, now + NO_BUDGET_MS);
    return false;
  }

  /** The project with a budget that the agent's holds are also decided in ('' for none). */
  async of(agentId: string): Promise<string> {
    let projectId = this.#projectOf.get(agentId);
    if (projectId === undefined) {
      projectId = (await this.deps.agents.findById(agentId))?.project_id ?? '';
      if (this.#projectOf.size >= REMEMBERED_AGENTS) this.#projectOf.clear();
      this.#projectOf.set(agentId, projectId);
    }
    return (await this.has(projectId)) ? projectId : '';
  }

  /** Gives the project a budget of `limit` (0: nothing to spend until a limit is set); false when it had one. */
  async open(projectId: string, limit: number, profile: AgentProfile): Promise<boolean> {
    try {
      await this.deps.book.create(projectId, limit, profile, this.#now());
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      return false;
    }
    this.#withBudget.add(projectId);
    this.#noBudgetUntil.delete(projectId);
    return true;
  }
}
