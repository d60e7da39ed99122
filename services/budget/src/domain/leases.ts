import {
  BudgetExhaustedError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  type AuditEmitter,
  type KeyedMutex,
} from '@tollgate/platform';
import { assertAgent } from './access.js';
import { newId } from './ids.js';
import { micros } from './money.js';
import type { Caller, IpTokenIssuer } from './ports.js';
import type { BudgetRecord, LeaseRecord } from './records.js';
import type { AgentRepository, BudgetRepository, LeaseRepository } from './repositories.js';
import { knownId, validProvider } from './rules.js';

export interface LeasesDeps {
  agents: AgentRepository;
  budgets: BudgetRepository;
  leases: LeaseRepository;
  ipTokens: IpTokenIssuer;
  audit: AuditEmitter;
  mutex: KeyedMutex;
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

/** Conditional updates that lose to another replica are retried this many times. */
const ATTEMPTS = 5;

/**
 * Leases: a handshake reserves part of the budget (one conditional `$inc` moving
 * remaining → reserved) and hands the agent an IP token; release or expiry moves the
 * unspent part back. The lease record is written before the reservation, so the sweeper
 * can always find and release a reservation, even after a crash.
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
    const agentId = assertAgent(caller.principal, input.agentId);
    const provider = validProvider(input.provider);
    const requested = input.requestedMicros === 0 ? this.deps.defaultLeaseMicros : micros(input.requestedMicros, 'requested_micros');
    const agent = await this.deps.agents.findById(agentId);
    if (!agent || agent.status !== 'active') throw new NotFoundError('Agent not found');
    if (agent.disabled) throw new ForbiddenError('This agent is disabled');
    if (agent.providers.length > 0 && !agent.providers.includes(provider)) {
      throw new ForbiddenError(`This agent may not use provider ${provider}`);
    }

    const now = this.#now();
    const expiresAt = new Date(now.getTime() + this.deps.leaseTtlSeconds * 1000);
    const leaseId = newId('lse', now.getTime());
    const granted = await this.deps.mutex.run(agentId, () => this.#reserve(agentId, leaseId, provider, requested, expiresAt, now));
    if (granted === 0) {
      await this.deps.audit.emit(
        { action: 'budget.exhausted', outcome: 'denied', resource: { type: 'budget', id: agentId }, details: { provider, requested_micros: requested } },
        caller,
      );
      throw new BudgetExhaustedError('Budget exhausted: nothing is left to reserve', { remaining_micros: 0 });
    }

    // The gateway's proxy injects the key itself: no credential leaves for the agent.
    if (input.forProxy) return { leaseId, granted, expiresAt, ipToken: '' };
    try {
      // The credential must not outlive the lease: whole seconds left, rounded down.
      const ttlSeconds = Math.max(1, Math.floor((expiresAt.getTime() - this.#now().getTime()) / 1000));
      const token = await this.deps.ipTokens.issue({ agentId, provider, ttlSeconds }, caller);
      return { leaseId, granted, expiresAt, ipToken: token.ipToken };
    } catch (err) {
      // No credential, no lease: the reservation goes straight back.
      const lease = await this.deps.leases.findById(leaseId);
      if (lease) await this.close(lease, 'void');
      throw err;
    }
  }

  /** ReleaseLease: the agent hands back what it did not spend. Releasing twice returns 0. */
  async release(leaseId: string, caller: Caller): Promise<{ released: number; budget: BudgetRecord }> {
    const agentId = assertAgent(caller.principal, undefined);
    const lease = knownId('lse', leaseId) ? await this.deps.leases.findById(leaseId) : null;
    if (!lease || lease.agent_id !== agentId || lease.status === 'void') throw new NotFoundError('Lease not found');
    return this.close(lease, 'released');
  }

  /** Returns a lease's unspent reservation to the budget (release, expiry, or a failed handshake). */
  async close(lease: LeaseRecord, status: 'released' | 'expired' | 'void'): Promise<{ released: number; budget: BudgetRecord }> {
    return this.deps.mutex.run(lease.agent_id, async () => {
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        const budget = await this.deps.budgets.find(lease.agent_id);
        if (!budget) throw new NotFoundError('Agent not found');
        const slot = budget.leases[lease.id];
        if (!slot) {
          await this.deps.leases.close(lease.id, status, 0, this.#now());
          return { released: 0, budget };
        }
        const updated = await this.deps.budgets.releaseSlot(lease.agent_id, lease.id, slot.unspent, this.#now());
        if (updated) {
          await this.deps.leases.close(lease.id, status, slot.unspent, this.#now());
          return { released: slot.unspent, budget: updated };
        }
      }
      throw new ConflictError('The budget is busy, try again');
    });
  }

  async #reserve(agentId: string, leaseId: string, provider: string, requested: number, expiresAt: Date, now: Date): Promise<number> {
    let recorded = false;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const budget = await this.deps.budgets.find(agentId);
      if (!budget) throw new NotFoundError('Agent not found');
      const grant = Math.min(requested, budget.remaining);
      if (grant <= 0) {
        if (recorded) await this.deps.leases.close(leaseId, 'void', 0, now);
        return 0;
      }
      if (!recorded) {
        await this.deps.leases.insert({
          id: leaseId,
          agent_id: agentId,
          provider,
          granted_micros: grant,
          status: 'active',
          expires_at: expiresAt,
          created_at: now,
          closed_at: null,
          released_micros: 0,
        });
        recorded = true;
      }
      const reserved = await this.deps.budgets.reserve(agentId, leaseId, { granted: grant, unspent: grant, provider, expires_at: expiresAt }, now);
      if (reserved) return grant;
    }
    await this.deps.leases.close(leaseId, 'void', 0, now);
    throw new ConflictError('The budget is busy, try again');
  }
}
