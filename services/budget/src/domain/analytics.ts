import { NotFoundError, ValidationError, type Caller } from '@tollgate/platform';
import { agentScope } from './access.js';
import { applyOp, emptyState, enterDay, utcDay, type SpendRow } from './book.js';
import type { BudgetBook } from './budget-book.js';
import type { Projects } from './projects.js';
import type { AgentRecord } from './records.js';
import type { AgentRepository, JournalRepository, RollupRepository, SpendTotals } from './repositories.js';
import { knownId } from './rules.js';

export interface AnalyticsDeps {
  book: BudgetBook;
  journal: JournalRepository;
  rollups: RollupRepository;
  /** People see the spend of the agents they see (see Projects.seenBy); `project_id` narrows it to a project's. */
  agents: AgentRepository;
  projects: Projects;
}

/** The most agents a project's spend is read for. */
const MAX_PROJECT_AGENTS = 100_000;

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
    throw new ValidationError(`${field} must be an RFC 3339 timestamp or a yyyy-mm-dd date`, {
      [field]: 'must be an RFC 3339 timestamp or yyyy-mm-dd',
    });
  }
  return new Date(field === 'to' && DATE_ONLY.test(raw) ? at + DAY_MS - 1 : at);
}

const KEY_OF: Record<SpendGroup, (row: SpendRow, agentId: string, day: string) => string> = {
  agent: (_row, agentId) => agentId,
  provider: (row) => row.provider,
  model: (row) => row.model,
  day: (_row, _agentId, day) => day,
};

/**
 * Spend analytics from the daily rollups (their cost grows with agents × days, never with
 * calls), and reconciliation of an agent's journal: its arithmetic, and its rollups.
 */
export class Analytics {
  constructor(private readonly deps: AnalyticsDeps) {}

  /** Totals are kept per UTC day: `from`/`to` select the whole days they fall in. */
  async spend(
    input: { groupBy: string; from: string; to: string; agentId: string; projectId?: string },
    caller: Caller,
  ): Promise<SpendTotals[]> {
    const self = agentScope(caller.principal);
    if (!(GROUPS as readonly string[]).includes(input.groupBy)) {
      throw new ValidationError('group_by must be agent, provider, model or day', { group_by: 'must be agent, provider, model or day' });
    }
    const from = bound(input.from, 'from');
    const to = bound(input.to, 'to');
    // A window that ends before it starts holds nothing.
    if ((self && input.agentId && input.agentId !== self) || (from && to && from > to)) return [];
    // What this replica charged before the call is in the rollups read below.
    await this.deps.book.settled();
    const inProject = input.projectId ? await this.#projectAgents(input.projectId, caller) : undefined;
    const seen = self ? undefined : await this.#seenAgents(caller);
    const all = await this.deps.rollups.spend({
      agentId: self ?? (input.agentId || undefined),
      fromDay: from && utcDay(from),
      toDay: to && utcDay(to),
    });
    const kept = await Promise.all(all.map(async (d) => (!inProject || inProject.has(d.agent_id)) && (!seen || (await seen(d.agent_id)))));
    const days = all.filter((_, i) => kept[i]);
    const keyOf = KEY_OF[input.groupBy as SpendGroup];
    const totals = new Map<string, SpendTotals>();
    for (const d of days) {
      for (const row of d.rows) {
        const key = keyOf(row, d.agent_id, d.day);
        const t = totals.get(key) ?? { key, spent_micros: 0, requests: 0, input_tokens: 0, output_tokens: 0 };
        t.spent_micros += row.spent_micros;
        t.requests += row.requests;
        t.input_tokens += row.input_tokens;
        t.output_tokens += row.output_tokens;
        totals.set(key, t);
      }
    }
    return [...totals.values()].filter((t) => t.requests > 0).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The ids of a project the caller sees (404 otherwise). */
  async #projectAgents(projectId: string, caller: Caller): Promise<Set<string>> {
    if (caller.principal.type !== 'service') await this.deps.projects.get(projectId, caller);
    const agents = await this.deps.agents.listInProject(projectId, { afterSeq: 0, limit: MAX_PROJECT_AGENTS });
    return new Set(agents.map((a) => a.id));
  }

  /** Whether the caller sees an agent's spend, looked up once per agent; undefined: every agent's. */
  async #seenAgents(caller: Caller): Promise<((agentId: string) => Promise<boolean>) | undefined> {
    const seen = await this.deps.projects.seenBy(caller);
    if (!seen) return undefined;
    const records = new Map<string, Promise<AgentRecord | null>>();
    return async (agentId) => {
      let record = records.get(agentId);
      if (!record) records.set(agentId, (record = this.deps.agents.findById(agentId)));
      const agent = await record;
      // Deleted agents stay in the spend of those who saw them.
      return agent !== null && seen(agent.project_id, agent.owner_id);
    };
  }

  /**
   * Replays an agent's whole journal and checks it: seqs 1..head without a gap, every
   * entry's totals equal to its ops applied to the previous entry's, holds adding up, the
   * current period's charges adding up to what is spent, and the closed days' rollups plus
   * today's totals adding up to every charge ever (a budget may be below zero: usage is
   * charged in full even past the limit). Reads every entry: a diagnostic, not a hot path.
   */
  async reconcile(agentId: string): Promise<Reconciliation> {
    if (!knownId('agt', agentId)) throw new NotFoundError('Agent not found');
    await this.deps.book.settled();
    const head = await this.deps.book.current(agentId);
    if (!head) throw new NotFoundError('Agent not found');

    const replayed = emptyState(agentId);
    let ok = true;
    /** Charged in the current period, and ever. */
    let ledgerSpent = 0;
    let ledgerTotal = 0;
    for await (const entry of this.deps.journal.entries(agentId)) {
      if (entry.seq !== replayed.seq + 1) ok = false;
      enterDay(replayed, entry.day);
      for (const op of entry.ops) {
        applyOp(replayed, op);
        if (op.type === 'charge') {
          ledgerSpent += op.from_hold + op.from_free;
          ledgerTotal += op.from_hold + op.from_free;
        }
        if (op.type === 'period' || (op.type === 'limit' && op.change.kind === 'reset')) ledgerSpent = 0;
      }
      replayed.seq = entry.seq;
      if (entry.limit !== replayed.limit || entry.spent !== replayed.spent || entry.held !== replayed.held) ok = false;
    }
    const rollups = await this.deps.rollups.spend({ agentId });
    const closedDays = rollups.filter((d) => d.final && d.day < head.today.day);
    const rolledUp = [...closedDays.flatMap((d) => d.rows), ...head.today.rows].reduce((sum, r) => sum + r.spent_micros, 0);
    const held = Object.values(head.holds).reduce((sum, h) => sum + h.unspent, 0);
    // A period boundary passed since the last entry: the head reads as the next period (nothing spent in it yet).
    if (head.period_started_at?.getTime() !== replayed.period_started_at?.getTime()) ledgerSpent = 0;
    ok &&= replayed.seq === head.seq && ledgerSpent === head.spent && rolledUp === ledgerTotal && held === head.held;
    return { ok, ledgerSpent, budgetSpent: head.spent };
  }
}
