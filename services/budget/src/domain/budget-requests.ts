import {
  personOf,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  pageOf,
  readPage,
  ValidationError,
  type AuditEmitter,
  type Caller,
  type PageInput,
} from '@tollgate/platform';
import { agentScope, isAdmin } from './access.js';
import type { BudgetBook } from './budget-book.js';
import type { Projects } from './projects.js';
import { newId } from './ids.js';
import { formatUsd } from './money.js';
import { REQUEST_STATUSES, type BudgetRequestRecord, type RequestStatus } from './records.js';
import type { AgentRepository, BudgetRequestRepository } from './repositories.js';
import { validText } from '@tollgate/platform';
import { knownId } from './rules.js';

export interface BudgetRequestsDeps {
  requests: BudgetRequestRepository;
  agents: AgentRepository;
  book: BudgetBook;
  /** Who sees a request: as for its agent (its project's members, its filer, managers and admins). */
  projects: Projects;
  audit: AuditEmitter;
  maxRequestMicros: number;
  now?: () => Date;
  log?: { warn(obj: object, msg: string): void };
}

const RESOURCE = 'budget_request';

/**
 * Requests to raise an agent's budget. A decision (pending → approved/rejected/cancelled) is
 * a unique insert keyed by the request, so of racing decisions on any replicas exactly one
 * wins. The approver is always the caller. An approval then raises the limit through the
 * agent's journal, once — the journal's history knows which requests it applied — and the
 * sweeper finishes an approval whose raise was interrupted.
 */
export class BudgetRequests {
  readonly #now: () => Date;

  constructor(private readonly deps: BudgetRequestsDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async create(
    input: { agentId: string; projectId?: string; requestedMicros: number; justification: string },
    caller: Caller,
  ): Promise<BudgetRequestRecord> {
    const p = personOf(caller.principal);
    const requested = input.requestedMicros;
    if (!Number.isSafeInteger(requested) || requested <= 0) {
      throw new ValidationError('Requested budget must be greater than $0', { requested_budget_usd: 'must be greater than 0' });
    }
    if (requested > this.deps.maxRequestMicros) {
      throw new ValidationError(`Requested budget exceeds maximum allowed (${formatUsd(this.deps.maxRequestMicros)})`, {
        requested_budget_usd: `must be at most ${formatUsd(this.deps.maxRequestMicros)}`,
      });
    }
    const justification = validText(input.justification, 'justification', { required: true });
    if (!input.agentId && !input.projectId)
      throw new ValidationError('Give agent_id or project_id: the budget to raise', { agent_id: 'or project_id is required' });
    // Both: the agent's budget, and project_id names its project.
    const target = input.agentId ? await this.#agent(input.agentId, caller) : await this.#project(input.projectId!, caller);
    if (input.agentId && input.projectId && target.project_id !== input.projectId)
      throw new NotFoundError('Agent not found in that project');

    const now = this.#now();
    const record: Omit<BudgetRequestRecord, 'seq'> = {
      id: newId('brq', now.getTime()),
      ...target,
      requester_id: p.id,
      requested_micros: requested,
      justification,
      status: 'pending',
      decided_by: '',
      decision_note: '',
      decided_at: null,
      applied: false,
      created_at: now,
    };
    const stored = await this.deps.requests.insert(record);
    await this.deps.audit.emit(
      {
        action: 'budget.request.created',
        resource: { type: RESOURCE, id: record.id },
        details: { ...targetOf(record), requested_micros: requested },
      },
      caller,
    );
    return stored;
  }

  async list(input: { status: string; agentId: string; projectId?: string; page: PageInput | null | undefined }, caller: Caller) {
    const self = agentScope(caller.principal);
    let status: RequestStatus | undefined;
    if (input.status) {
      if (!(REQUEST_STATUSES as readonly string[]).includes(input.status)) {
        throw new ValidationError('status must be pending, approved, rejected or cancelled', {
          status: 'must be pending, approved, rejected or cancelled',
        });
      }
      status = input.status as RequestStatus;
    }
    if (self && input.agentId && input.agentId !== self) return { items: [], next_cursor: '' };
    const page = readPage(input.page);
    const beforeSeq = page.after === undefined ? undefined : Number(page.after);
    if (beforeSeq !== undefined && (!Number.isSafeInteger(beforeSeq) || beforeSeq < 0)) {
      throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
    }
    // A project's requests: of a project the caller sees (404 otherwise).
    if (input.projectId && !self) await this.deps.projects.get(input.projectId, caller);
    const seen = await this.deps.projects.seenBy(caller);
    const items = await this.deps.requests.list({
      status,
      agentId: self ?? (input.agentId || undefined),
      projectId: input.projectId || undefined,
      beforeSeq,
      limit: page.limit + 1,
      include: seen && ((r) => seen(r.project_id, r.requester_id)),
    });
    return pageOf(items, page, (r) => String(r.seq));
  }

  async get(id: string, caller: Caller): Promise<BudgetRequestRecord> {
    const self = agentScope(caller.principal);
    const record = await this.#find(id);
    if ((self && record.agent_id !== self) || !(await this.deps.projects.sees(caller, record.project_id, record.requester_id)))
      throw new NotFoundError('Budget request not found');
    return record;
  }

  async approve(id: string, note: string, caller: Caller): Promise<BudgetRequestRecord> {
    const p = personOf(caller.principal);
    const text = validText(note, 'note', { required: false });
    const current = await this.#find(id);
    if (current.requester_id === p.id) throw new ForbiddenError('You cannot approve your own budget request');
    // Four eyes: whoever owns the agent or the project (and so asked, or could have) does not approve its raise.
    if (current.agent_id) {
      const agent = await this.deps.agents.findById(current.agent_id);
      if (agent?.owner_id === p.id) throw new ForbiddenError('You cannot approve a raise of an agent you own');
    } else if ((await this.deps.projects.roleIn(current.project_id, p.id)) === 'owner')
      throw new ForbiddenError('You cannot approve a raise of a project you own');
    const approved = await this.#decide(current, 'approved', p.id, text);
    await this.deps.audit.emit(
      {
        action: 'budget.request.approved',
        resource: { type: RESOURCE, id },
        details: { ...targetOf(approved), requested_micros: approved.requested_micros, requester_id: approved.requester_id },
      },
      caller,
    );
    try {
      await this.apply(approved, caller);
    } catch (err) {
      // The approval stands; the sweeper applies the raise (exactly once).
      this.deps.log?.warn({ request_id: id, err: (err as Error).message }, 'approved budget request not yet applied');
    }
    return (await this.deps.requests.findById(id)) ?? approved;
  }

  async reject(id: string, reason: string, caller: Caller): Promise<BudgetRequestRecord> {
    const p = personOf(caller.principal);
    const text = validText(reason, 'reason', { required: true });
    const rejected = await this.#decide(await this.#find(id), 'rejected', p.id, text);
    await this.deps.audit.emit(
      { action: 'budget.request.rejected', resource: { type: RESOURCE, id }, details: { ...targetOf(rejected), reason: text } },
      caller,
    );
    return rejected;
  }

  async cancel(id: string, caller: Caller): Promise<BudgetRequestRecord> {
    const p = personOf(caller.principal);
    const current = await this.#find(id);
    if (current.requester_id !== p.id) throw new ForbiddenError('Only the requester can cancel a budget request');
    const cancelled = await this.#decide(current, 'cancelled', p.id, '');
    await this.deps.audit.emit(
      { action: 'budget.request.cancelled', resource: { type: RESOURCE, id }, details: targetOf(cancelled) },
      caller,
    );
    return cancelled;
  }

  /** Raises the agent's or project's limit for an approved request; a no-op if it was applied before. */
  async apply(request: BudgetRequestRecord, caller?: Caller): Promise<void> {
    const budgetId = request.agent_id || request.project_id;
    const [decided] = await this.deps.book.submit(budgetId, [
      {
        intent: {
          type: 'limit',
          request_id: request.id,
          increase: request.requested_micros,
          approver_id: request.decided_by,
          reason: request.decision_note || request.justification,
          at: this.#now(),
        },
      },
    ]);
    if (decided.outcome.type === 'limit_overflow') throw new ConflictError('The budget limit cannot grow any further');
    await this.deps.requests.settle(request.id);
    const change = decided.outcome.type === 'limit' ? decided.outcome.change : null;
    if (change) {
      await this.deps.audit.emit(
        {
          action: 'budget.limit.changed',
          // Background completion has no caller: the approver is the actor all the same.
          ...(caller ? {} : { actor: { type: 'user' as const, id: request.decided_by } }),
          resource: { type: 'budget', id: budgetId },
          details: {
            old_limit_micros: change.old_limit,
            new_limit_micros: change.new_limit,
            approver_id: change.approver_id,
            request_id: request.id,
          },
        },
        caller,
      );
    }
  }

  async #decide(
    current: BudgetRequestRecord,
    to: 'approved' | 'rejected' | 'cancelled',
    by: string,
    note: string,
  ): Promise<BudgetRequestRecord> {
    if (current.status !== 'pending') throw new ConflictError(`This request is already ${current.status}`);
    const decided = await this.deps.requests.decide(current.id, to, by, note, this.#now());
    if (!decided) throw new ConflictError('This request is no longer pending');
    // Only an approval has more to do (its raise, in apply).
    if (to !== 'approved') await this.deps.requests.settle(current.id);
    return decided;
  }

  /** The agent a request is filed for: its owner or an admin asks. */
  async #agent(agentId: string, caller: Caller): Promise<Pick<BudgetRequestRecord, 'agent_id' | 'project_id'>> {
    const p = personOf(caller.principal);
    const agent = knownId('agt', agentId) ? await this.deps.agents.findById(agentId) : null;
    if (agent?.status !== 'active') throw new NotFoundError('Agent not found');
    if (agent.owner_id !== p.id && !isAdmin(p)) throw new ForbiddenError("Only the agent's owner or an admin can ask to raise its budget");
    return { agent_id: agent.id, project_id: agent.project_id };
  }

  /** The project a request is filed for: one with a budget, asked for by its owners or an admin. */
  async #project(projectId: string, caller: Caller): Promise<Pick<BudgetRequestRecord, 'agent_id' | 'project_id'>> {
    const { project, yourRole, budget } = await this.deps.projects.get(projectId, caller);
    if (yourRole !== 'owner' && !isAdmin(personOf(caller.principal)))
      throw new ForbiddenError("Only the project's owners or an admin can ask to raise its budget");
    if (!budget) throw new ConflictError('The project has no budget to raise: a manager sets one first');
    return { agent_id: '', project_id: project.id };
  }

  async #find(id: string): Promise<BudgetRequestRecord> {
    const record = knownId('brq', id) ? await this.deps.requests.findById(id) : null;
    if (!record) throw new NotFoundError('Budget request not found');
    return record;
  }
}

/** What a request raises, as its audit events say it. */
function targetOf(r: Pick<BudgetRequestRecord, 'agent_id' | 'project_id'>) {
  return r.agent_id ? { agent_id: r.agent_id } : { project_id: r.project_id };
}
