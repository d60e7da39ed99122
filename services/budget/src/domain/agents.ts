import {
  personOf,
  ForbiddenError,
  microsToUsd,
  NotFoundError,
  pageOf,
  readPage,
  roleAtLeast,
  ServiceUnavailableError,
  ValidationError,
  validName,
  type AuditEmitter,
  type PageInput,
} from '@tollgate/platform';
import { agentScope, isAdmin, seesAllProjects } from './access.js';
import type { AgentProfile, BudgetState } from './book.js';
import type { BudgetBook } from './budget-book.js';
import { newId } from './ids.js';
import { ledgerPage, type LedgerRow } from './ledger.js';
import { formatUsd, micros } from './money.js';
import type { Caller, Logger } from '@tollgate/platform';
import type { CredentialIssuer } from './ports.js';
import type { ProjectBudgets } from './project-budgets.js';
import type { Projects } from './projects.js';
import type { AgentRecord, LimitChange } from './records.js';
import type { AgentRepository, BudgetRequestRepository, JournalRepository, LeaseRepository } from './repositories.js';
import {
  knownId,
  MAX_PARALLEL_CALLS_LIMIT,
  MAX_TOKENS_PER_MINUTE_LIMIT,
  validDescription,
  validLimit,
  validProviders,
  validThresholds,
} from './rules.js';

export interface AgentsDeps {
  agents: AgentRepository;
  book: BudgetBook;
  /** The ledger is read from the journal, down from the head the book knows. */
  journal: JournalRepository;
  credentials: CredentialIssuer;
  /** Deleting an agent closes its open leases' records and cancels its pending budget requests. */
  leases: LeaseRepository;
  requests: BudgetRequestRepository;
  /** Which projects a person sees: an agent in a project is seen by its members (and managers and admins). */
  projects: Projects;
  /** Deleting an agent in a project with a budget releases its leases' parts there too. */
  projectBudgets: ProjectBudgets;
  audit: AuditEmitter;
  log: Logger;
  maxBudgetMicros: number;
  /** Above this a member's new agent needs approval: it is created with at most this and raised by a budget request. */
  selfServiceMicros: number;
  now?: () => Date;
}

export interface CreateAgentInput {
  name: string;
  description: string;
  budgetMicros: number;
  providers: string[];
  /** The project it belongs to ('' or absent: none). */
  projectId?: string;
}

export interface UpdateAgentInput {
  id: string;
  name?: string;
  description?: string;
  disabled?: boolean;
  /** 0: back to the service's default. */
  maxParallelCalls?: number;
  tokensPerMinute?: number;
  /** Replaces the alert thresholds ([]: none). */
  alertThresholds?: number[];
}

export interface AgentView {
  agent: AgentRecord;
  budget: BudgetState | null;
}

const RESOURCE = 'agent';
/** Pending budget requests read at once when their agent is deleted, and the note they are cancelled with. */
const REQUEST_PAGE = 100;
const AGENT_DELETED = 'the agent was deleted';

/** The record with the journal's profile over the mirrored one (the journal decides). */
function viewOf(agent: AgentRecord, budget: BudgetState | null): AgentView {
  return { agent: budget ? { ...agent, ...budget.profile } : agent, budget };
}

/**
 * Agents and their budgets. Creating one spans three stores (agent, budget, the token
 * service's credential) without a transaction: the agent stays `provisioning` — invisible —
 * until the last step, and any failure undoes the earlier steps.
 */
export class Agents {
  readonly #now: () => Date;

  constructor(private readonly deps: AgentsDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async create(input: CreateAgentInput, caller: Caller): Promise<AgentView & { token: string }> {
    const p = personOf(caller.principal);
    const name = validName(input.name);
    const description = validDescription(input.description);
    const providers = validProviders(input.providers);
    const budget = micros(input.budgetMicros, 'budget_usd');
    if (budget > this.deps.maxBudgetMicros) {
      throw new ValidationError(`Budget exceeds maximum allowed (${formatUsd(this.deps.maxBudgetMicros)})`, {
        budget_usd: `must be at most ${formatUsd(this.deps.maxBudgetMicros)}`,
      });
    }
    if (budget > this.deps.selfServiceMicros && !roleAtLeast(p.role, 'manager')) {
      throw new ForbiddenError(
        `A budget above ${formatUsd(this.deps.selfServiceMicros)} needs approval: create the agent with at most that and file a budget request for the rest`,
        'approval_required',
        { self_service_budget_usd: microsToUsd(this.deps.selfServiceMicros) },
      );
    }

    const projectId = input.projectId ? await this.#joinable(input.projectId, caller) : '';
    const now = this.#now();
    const id = newId('agt', now.getTime());
    const record: Omit<AgentRecord, 'seq'> = {
      id,
      owner_id: p.id,
      name,
      description,
      providers,
      disabled: false,
      token_id: '',
      project_id: projectId,
      status: 'provisioning',
      created_at: now,
      updated_at: now,
    };
    await this.deps.agents.insert(record);
    let tokenId = '';
    try {
      const opened = await this.deps.book.create(id, budget, { name, description, disabled: false }, now);
      const minted = await this.deps.credentials.mint({ agentId: id, ownerId: p.id, name }, caller);
      tokenId = minted.tokenId;
      const active = await this.deps.agents.activate(id, tokenId, this.#now());
      if (!active) throw new ServiceUnavailableError('Agent creation was interrupted, try again');
      await this.deps.audit.emit(
        {
          action: 'agent.created',
          resource: { type: RESOURCE, id },
          details: { name, owner_id: p.id, budget_micros: budget, providers, token_id: tokenId, project_id: projectId || null },
        },
        caller,
      );
      return { agent: active, budget: opened, token: minted.token };
    } catch (err) {
      await this.undoCreate(id, tokenId, caller);
      throw err;
    }
  }

  /** Removes what a failed or abandoned creation left: the credential, the budget, the agent. */
  async undoCreate(id: string, tokenId: string, caller?: Caller): Promise<boolean> {
    const steps: [string, () => Promise<void>][] = [
      ['revoke credential', () => (tokenId ? this.deps.credentials.revoke(tokenId, caller) : Promise.resolve())],
      ['delete budget', () => this.deps.book.remove(id)],
      ['delete agent', () => this.deps.agents.delete(id)],
    ];
    let complete = true;
    for (const [step, run] of steps) {
      try {
        await run();
      } catch (err) {
        complete = false;
        // The agent stays `provisioning`, so the sweeper retries the clean-up.
        this.deps.log.error({ agent_id: id, step, err: (err as Error).message }, 'could not undo a failed agent creation');
      }
    }
    return complete;
  }

  async get(id: string, caller: Caller): Promise<AgentView> {
    const agent = await this.#visible(id, caller);
    return viewOf(agent, await this.deps.book.current(id));
  }

  /** Agents the caller may see, in creation order; `projectId`: only that project's (a project the caller sees). */
  async list(
    pageInput: PageInput | null | undefined,
    caller: Caller,
    projectId = '',
  ): Promise<{ items: AgentView[]; next_cursor: string }> {
    const self = agentScope(caller.principal);
    const page = readPage(pageInput);
    const afterSeq = page.after === undefined ? 0 : Number(page.after);
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
      throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
    const query = { afterSeq, limit: page.limit + 1 };
    let agents: AgentRecord[];
    if (self) {
      const own = await this.deps.agents.findById(self);
      agents = own?.status === 'active' && own.seq > afterSeq && (!projectId || own.project_id === projectId) ? [own] : [];
    } else if (projectId) {
      if (caller.principal.type !== 'service') await this.deps.projects.get(projectId, caller);
      agents = await this.deps.agents.listInProject(projectId, query);
    } else {
      const seen = await this.deps.projects.seenBy(caller);
      agents = await this.deps.agents.list({ ...query, include: seen && ((a) => seen(a.project_id, a.owner_id)) });
    }
    const { items, next_cursor } = pageOf(agents, page, (a) => String(a.seq));
    const budgets = await Promise.all(items.map((a) => this.deps.book.current(a.id)));
    return { items: items.map((agent, i) => viewOf(agent, budgets[i])), next_cursor };
  }

  /** The project a new agent goes in: one the caller sees, and adds agents to (not as a viewer). */
  async #joinable(projectId: string, caller: Caller): Promise<string> {
    const { project, yourRole } = await this.deps.projects.get(projectId, caller);
    if (yourRole === 'viewer' && !seesAllProjects(caller.principal))
      throw new ForbiddenError("A project's viewers cannot add agents to it: its owners and members can");
    return project.id;
  }

  /** A profile change is an op in the agent's journal: of concurrent changes none is lost, and a disable stops every later hold. */
  async update(input: UpdateAgentInput, caller: Caller): Promise<AgentView> {
    const p = personOf(caller.principal);
    const patch: Partial<AgentProfile> = {};
    if (input.name !== undefined) patch.name = validName(input.name);
    if (input.description !== undefined) patch.description = validDescription(input.description);
    if (input.disabled !== undefined) patch.disabled = input.disabled;
    if (input.maxParallelCalls !== undefined)
      patch.max_parallel_calls = validLimit(input.maxParallelCalls, 'max_parallel_calls', MAX_PARALLEL_CALLS_LIMIT);
    if (input.tokensPerMinute !== undefined)
      patch.tokens_per_minute = validLimit(input.tokensPerMinute, 'tokens_per_minute', MAX_TOKENS_PER_MINUTE_LIMIT);
    if (input.alertThresholds !== undefined) patch.alert_thresholds = validThresholds(input.alertThresholds);
    const current = await this.#visible(input.id, caller);
    if (current.owner_id !== p.id && !isAdmin(p)) throw new ForbiddenError('Only the owner or an admin can change an agent');
    if (Object.keys(patch).length > 0) {
      const [decided] = await this.deps.book.submit(current.id, [{ intent: { type: 'profile', patch } }]);
      if (decided.outcome.type === 'profile') await this.deps.agents.mirrorProfile(current.id, decided.outcome.profile, this.#now());
      await this.deps.audit.emit({ action: 'agent.updated', resource: { type: RESOURCE, id: current.id }, details: { ...patch } }, caller);
    }
    return viewOf(current, await this.deps.book.current(current.id));
  }

  /**
   * Deletes an agent (its owner or an admin). Its ledger is kept. Each step may be repeated, so
   * a deletion cut short is finished by trying again: the agent is disabled in its journal (no
   * hold is granted after that, its escrows stop growing and its gateways hand them back as
   * their calls end — they are not released here, or calls in flight would be free); its open
   * leases are released; its credential is revoked; its pending budget requests are
   * cancelled. Then the deletion is committed — the record turns `deleted`, which every read
   * answers 404 — and audited, once, by whichever racing deletion committed it.
   * Returns the revoked credential's id.
   */
  async delete(id: string, caller: Caller): Promise<{ tokenId: string }> {
    const p = personOf(caller.principal);
    const current = await this.#visible(id, caller);
    if (current.owner_id !== p.id && !isAdmin(p)) throw new ForbiddenError('Only the owner or an admin can delete an agent');

    const [disabled] = await this.deps.book.submit(id, [{ intent: { type: 'profile', patch: { disabled: true } } }]);
    // After the disable no lease can be granted, so the state read now holds every lease there will be.
    const state = await this.deps.book.current(id);
    const leaseIds = Object.entries(state?.holds ?? {})
      .filter(([, hold]) => (hold.kind ?? 'lease') === 'lease')
      .map(([holdId]) => holdId);
    const releases = leaseIds.map((leaseId) => ({ intent: { type: 'release' as const, id: leaseId, reason: 'released' as const } }));
    const released = leaseIds.length > 0 ? await this.deps.book.submit(id, releases) : [];
    // Then their parts in the agent's project (what the agent no longer holds, the project does not either).
    const project = leaseIds.length > 0 ? await this.deps.projectBudgets.of(id) : '';
    if (project) await this.deps.book.submit(project, releases);
    const leases = await Promise.all(
      leaseIds.map(async (leaseId, i) => {
        const outcome = released[i].outcome;
        const closed = outcome.type === 'release' && outcome.closed;
        const releasedMicros = closed ? outcome.released : 0;
        // The record follows the journal (a release or expiry that closed the hold first closes it).
        if (closed) await this.deps.leases.close(leaseId, 'released', releasedMicros, this.#now());
        return { lease_id: leaseId, released_micros: releasedMicros };
      }),
    );
    if (current.token_id) await this.deps.credentials.revoke(current.token_id, caller);
    const cancelled = await this.#cancelRequests(id, caller);

    if (!(await this.deps.agents.markDeleted(id, this.#now()))) throw new NotFoundError('Agent not found');
    await this.deps.audit.emit(
      {
        action: 'agent.deleted',
        resource: { type: RESOURCE, id },
        details: {
          owner_id: current.owner_id,
          token_id: current.token_id,
          released_leases: leases,
          released_micros: leases.reduce((sum, l) => sum + l.released_micros, 0),
          cancelled_requests: cancelled,
          // The journal is kept: what it had spent, and what its gateways' escrows still hold until they hand them back.
          spent_micros: disabled.after.spent,
          held_micros: released.at(-1)?.after.held ?? disabled.after.held,
        },
      },
      caller,
    );
    return { tokenId: current.token_id };
  }

  /** Cancels the agent's pending budget requests (a decision like any other: of racing ones exactly one wins); their ids. */
  async #cancelRequests(agentId: string, caller: Caller): Promise<string[]> {
    const by = personOf(caller.principal).id;
    const cancelled: string[] = [];
    let beforeSeq: number | undefined;
    for (;;) {
      // An agent's pending requests are few: an equality on the agent bounds the read.
      const page = await this.deps.requests.list({ status: 'pending', agentId, beforeSeq, limit: REQUEST_PAGE });
      for (const request of page) {
        const decided = await this.deps.requests.decide(request.id, 'cancelled', by, AGENT_DELETED, this.#now());
        if (!decided) continue;
        await this.deps.requests.settle(request.id);
        cancelled.push(request.id);
        await this.deps.audit.emit(
          {
            action: 'budget.request.cancelled',
            resource: { type: 'budget_request', id: request.id },
            details: { agent_id: agentId, reason: AGENT_DELETED },
          },
          caller,
        );
      }
      if (page.length < REQUEST_PAGE) return cancelled;
      beforeSeq = page[page.length - 1].seq;
    }
  }

  async budget(id: string, caller: Caller): Promise<BudgetState> {
    await this.#visible(id, caller);
    const budget = await this.deps.book.current(id);
    if (!budget) throw new NotFoundError('Agent not found');
    return budget;
  }

  async history(id: string, caller: Caller): Promise<LimitChange[]> {
    return (await this.budget(id, caller)).history;
  }

  /** The agent's ledger, newest first, a page at a time: read down from its head, caught up with every replica's writes. */
  async ledger(id: string, pageInput: PageInput | null | undefined, caller: Caller): Promise<{ items: LedgerRow[]; next_cursor: string }> {
    return ledgerPage(this.deps.journal, id, (await this.budget(id, caller)).seq, pageInput);
  }

  /**
   * An active agent the caller may read; agents see only themselves, and an agent in a project is
   * seen by its owner, the project's members, managers and admins. Everything else is a 404.
   */
  async #visible(id: string, caller: Caller): Promise<AgentRecord> {
    const p = caller.principal;
    const self = agentScope(p);
    const agent = knownId('agt', id) && (!self || self === id) ? await this.deps.agents.findById(id) : null;
    if (agent?.status !== 'active') throw new NotFoundError('Agent not found');
    if (!(await this.deps.projects.sees(caller, agent.project_id, agent.owner_id))) throw new NotFoundError('Agent not found');
    return agent;
  }
}
