import { BudgetExhaustedError, ForbiddenError, NotFoundError, type AuditEmitter, type Caller } from '@tollgate/platform';
import { actingAgent } from './access.js';
import type { ReleaseReason } from './book.js';
import type { BudgetBook, Totals } from './budget-book.js';
import { minuteOf } from './escrows.js';
import type { ProjectBudgets } from './project-budgets.js';
import { newId } from './ids.js';
import { micros } from './money.js';
import type { IpTokenIssuer } from './ports.js';
import type { LeaseRecord } from './records.js';
import type { AgentRepository, CallHoldIndex, LeaseRepository } from './repositories.js';
import { knownId, validProvider } from './rules.js';

export interface LeasesDeps {
  agents: AgentRepository;
  book: BudgetBook;
  leases: LeaseRepository;
  ipTokens: IpTokenIssuer;
  /** An agent in a project with a budget holds from both (the project's part first). */
  projectBudgets: ProjectBudgets;
  /** Where a project's part of a lease is found when it expires (the sweeper releases it). */
  index: CallHoldIndex;
  audit: AuditEmitter;
  defaultLeaseMicros: number;
  leaseTtlSeconds: number;
  now?: () => Date;
}

export interface Handshake {
  leaseId: string;
  granted: number;
  expiresAt: Date;
  ipToken: string;
}

/**
 * Leases: a handshake holds part of the budget (a `hold` in the agent's journal) and hands
 * the agent an IP token; release or expiry returns the unspent part (a `release`). The
 * journal decides: of a release and an expiry racing, one closes the hold and the other
 * finds it closed. The lease record — written before the hold, so the sweeper can always
 * find and release it, even after a crash — is bookkeeping kept by whoever closed the hold.
 * An agent in a project with a budget holds in the project's journal first (a hold of the same
 * id), then in its own within what the project gave; the project's part then shrinks to what
 * the agent got, and is released with the lease (or by the sweeper, when it expires).
 */
export class Leases {
  readonly #now: () => Date;

  constructor(private readonly deps: LeasesDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async handshake(
    input: { agentId: string; provider: string; requestedMicros: number; forProxy?: boolean },
    caller: Caller,
  ): Promise<Handshake> {
    const agentId = actingAgent(caller.principal, input.agentId);
    const provider = validProvider(input.provider);
    const requested = input.requestedMicros === 0 ? this.deps.defaultLeaseMicros : micros(input.requestedMicros, 'requested_micros');
    const agent = await this.deps.agents.findById(agentId);
    if (agent?.status !== 'active') throw new NotFoundError('Agent not found');
    if (agent.providers.length > 0 && !agent.providers.includes(provider)) {
      throw new ForbiddenError(`This agent may not use provider ${provider}`);
    }

    const now = this.#now();
    const expiresAt = new Date(now.getTime() + this.deps.leaseTtlSeconds * 1000);
    const lease: LeaseRecord = {
      id: newId('lse', now.getTime()),
      agent_id: agentId,
      provider,
      requested_micros: requested,
      status: 'active',
      expires_at: expiresAt,
      created_at: now,
      closed_at: null,
      released_micros: 0,
    };
    await this.deps.leases.insert(lease);
    const project = await this.deps.projectBudgets.of(agentId);
    let fromProject = requested;
    if (project) {
      await this.deps.index.add(project, minuteOf(expiresAt));
      const [part] = await this.deps.book.submit(project, [
        { intent: { type: 'hold', id: lease.id, requested, provider, expires_at: expiresAt } },
      ]);
      fromProject = part.outcome.type === 'hold' ? part.outcome.granted : 0;
      if (fromProject === 0) {
        await this.deps.leases.close(lease.id, 'void', 0, this.#now());
        await this.deps.audit.emit(
          {
            action: 'budget.exhausted',
            outcome: 'denied',
            resource: { type: 'budget', id: project },
            details: { agent_id: agentId, provider, requested_micros: requested },
          },
          caller,
        );
        throw new BudgetExhaustedError("Budget exhausted: nothing is left to reserve in the agent's project", {
          remaining_micros: 0,
          project_id: project,
        });
      }
    }
    const [decided] = await this.deps.book.submit(agentId, [
      { intent: { type: 'hold', id: lease.id, requested: fromProject, provider, expires_at: expiresAt } },
    ]);
    const outcome = decided.outcome.type === 'hold' ? decided.outcome : { granted: 0, disabled: false };
    const granted = outcome.granted;
    if (project && granted < fromProject) {
      const intent =
        granted === 0
          ? ({ type: 'release', id: lease.id, reason: 'void' } as const)
          : ({ type: 'shrink', id: lease.id, to: granted } as const);
      await this.deps.book.submit(project, [{ intent }]);
    }
    if (granted === 0) {
      await this.deps.leases.close(lease.id, 'void', 0, this.#now());
      // Decided in the journal, after any disable that was acknowledged before.
      if (outcome.disabled) throw new ForbiddenError('This agent is disabled');
      await this.deps.audit.emit(
        {
          action: 'budget.exhausted',
          outcome: 'denied',
          resource: { type: 'budget', id: agentId },
          details: { provider, requested_micros: requested },
        },
        caller,
      );
      throw new BudgetExhaustedError('Budget exhausted: nothing is left to reserve', { remaining_micros: 0 });
    }

    // The gateway's proxy injects the key itself: no credential leaves for the agent.
    if (input.forProxy) return { leaseId: lease.id, granted, expiresAt, ipToken: '' };
    try {
      // The credential must not outlive the lease: it ends at the lease's end, on provider-key's clock too.
      const ttlSeconds = Math.max(1, Math.ceil((expiresAt.getTime() - this.#now().getTime()) / 1000));
      const token = await this.deps.ipTokens.issue({ agentId, provider, ttlSeconds, notAfter: expiresAt }, caller);
      return { leaseId: lease.id, granted, expiresAt, ipToken: token.ipToken };
    } catch (err) {
      // No credential, no lease: the hold goes straight back.
      await this.close(lease, 'void');
      throw err;
    }
  }

  /** ReleaseLease: the agent hands back what it did not spend. Releasing twice returns 0. */
  async release(leaseId: string, caller: Caller): Promise<{ released: number; budget: Totals }> {
    const agentId = actingAgent(caller.principal, undefined);
    const lease = knownId('lse', leaseId) ? await this.deps.leases.findById(leaseId) : null;
    if (lease?.agent_id !== agentId || lease.status === 'void') throw new NotFoundError('Lease not found');
    return this.close(lease, 'released');
  }

  /** Returns a lease's unspent part to the budget (release, expiry, or a failed handshake). */
  async close(lease: LeaseRecord, status: Exclude<ReleaseReason, 'settled'>): Promise<{ released: number; budget: Totals }> {
    const [decided] = await this.deps.book.submit(lease.agent_id, [{ intent: { type: 'release', id: lease.id, reason: status } }]);
    const outcome = decided.outcome.type === 'release' ? decided.outcome : { released: 0, closed: false };
    // Then the project's part (the sweeper releases it at its expiry if this never happens).
    const project = await this.deps.projectBudgets.of(lease.agent_id);
    if (project) await this.deps.book.submit(project, [{ intent: { type: 'release', id: lease.id, reason: status } }]);
    // The record follows the journal; if whoever closed the hold died before saying so, this says it.
    await this.deps.leases.close(lease.id, status, outcome.released, this.#now());
    return { released: outcome.released, budget: decided.after };
  }
}
