import type { Logger } from '@tollgate/platform';
import type { Agents } from './agents.js';
import type { BudgetRequests } from './budget-requests.js';
import type { Leases } from './leases.js';
import type { AgentRepository, BudgetRepository, BudgetRequestRepository, LeaseRepository } from './repositories.js';
import type { Usage } from './usage.js';

export interface SweeperDeps {
  leases: LeaseRepository;
  budgets: BudgetRepository;
  agents: AgentRepository;
  requests: BudgetRequestRepository;
  leaseOps: Leases;
  usage: Usage;
  agentOps: Agents;
  requestOps: BudgetRequests;
  intervalMs: number;
  /** Work older than this is considered abandoned (a crashed or stuck replica), not in flight. */
  recoverAfterMs: number;
  log: Logger;
  now?: () => Date;
}

const BATCH = 100;

/**
 * FerretDB has no TTL indexes and no transactions, so one background job does what they
 * would: releases expired leases, finishes charges and approvals left half-done, and
 * removes agents whose creation never completed. Every step is conditional, so several
 * replicas sweeping at once do no harm.
 */
export class Sweeper {
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  readonly #now: () => Date;

  constructor(private readonly deps: SweeperDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  start(): void {
    this.#schedule();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }

  /** One full pass (also what the timer runs). */
  sweep(): Promise<void> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.sweep().finally(() => this.#schedule());
    }, this.deps.intervalMs);
    this.#timer.unref();
  }

  async #pass(): Promise<void> {
    const tasks: [string, () => Promise<void>][] = [
      ['expire leases', () => this.#expireLeases()],
      ['recover charges', () => this.#recoverCharges()],
      ['apply approvals', () => this.#applyApprovals()],
      ['remove half-made agents', () => this.#removeHalfMadeAgents()],
    ];
    for (const [name, task] of tasks) {
      try {
        await task();
      } catch (err) {
        this.deps.log.warn({ task: name, err: (err as Error).message }, 'budget sweeper task failed, will retry');
      }
    }
  }

  async #expireLeases(): Promise<void> {
    const expired = await this.deps.leases.findExpired(this.#now(), BATCH);
    for (const lease of expired) {
      const { released } = await this.deps.leaseOps.close(lease, 'expired');
      this.deps.log.debug({ lease_id: lease.id, agent_id: lease.agent_id, released_micros: released }, 'lease expired');
    }
  }

  async #recoverCharges(): Promise<void> {
    const before = new Date(this.#now().getTime() - this.deps.recoverAfterMs);
    for (const budget of await this.deps.budgets.withPendingCharges(BATCH)) {
      const done = await this.deps.usage.recover(budget.agent_id, before);
      if (done > 0) this.deps.log.info({ agent_id: budget.agent_id, charges: done }, 'finished interrupted usage charges');
    }
  }

  async #applyApprovals(): Promise<void> {
    const before = new Date(this.#now().getTime() - this.deps.recoverAfterMs);
    for (const request of await this.deps.requests.findUnapplied(before, BATCH)) {
      await this.deps.requestOps.apply(request);
      this.deps.log.info({ request_id: request.id, agent_id: request.agent_id }, 'applied an interrupted budget approval');
    }
  }

  async #removeHalfMadeAgents(): Promise<void> {
    const before = new Date(this.#now().getTime() - this.deps.recoverAfterMs);
    for (const agent of await this.deps.agents.findProvisioningBefore(before, BATCH)) {
      if (await this.deps.agentOps.undoCreate(agent.id, agent.token_id)) {
        this.deps.log.info({ agent_id: agent.id }, 'removed an agent whose creation never completed');
      }
    }
  }
}
