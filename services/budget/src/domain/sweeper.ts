import type { JobProgress, Logger, PeriodLeader } from '@tollgate/platform';
import type { Agents } from './agents.js';
import { utcDay } from './book.js';
import { minuteOf, type Escrows } from './escrows.js';
import type { BudgetBook } from './budget-book.js';
import { archiveJournals } from './journal-archive.js';
import type { BudgetRequests } from './budget-requests.js';
import type { Leases } from './leases.js';
import type {
  AgentRepository,
  BudgetRequestRepository,
  CallHoldIndex,
  ClaimRepository,
  JournalRepository,
  LeaseRepository,
  RollupRepository,
} from './repositories.js';
import type { Usage } from './usage.js';

export interface SweeperDeps {
  leases: LeaseRepository;
  claims: ClaimRepository;
  agents: AgentRepository;
  requests: BudgetRequestRepository;
  rollups: RollupRepository;
  book: BudgetBook;
  journal: JournalRepository;
  /** One replica sweeps at a time (every task is idempotent, so an overlap at a period boundary does no harm). */
  leader: PeriodLeader;
  leaseOps: Leases;
  escrows: Escrows;
  callIndex: CallHoldIndex;
  /** Where the walk over expiry minutes got to (calls nobody settled). */
  progress: Pick<JobProgress, 'catchUp'>;
  usage: Usage;
  agentOps: Agents;
  requestOps: BudgetRequests;
  intervalMs: number;
  /** Work older than this is considered abandoned (a crashed or stuck replica), not in flight. */
  recoverAfterMs: number;
  /** Journal entries older than this are archived, at most every archiveIntervalMs. */
  hotPeriodMs: number;
  archiveIntervalMs: number;
  log: Logger;
  now?: () => Date;
}

const BATCH = 100;

/**
 * FerretDB has no TTL indexes and no transactions, so one background job does what they
 * would: releases expired leases, charges reports whose claimer died, finishes decisions
 * left half-done, removes agents whose creation never completed, and closes the daily
 * rollups of days that are over. Every step is idempotent; one replica at a time runs it.
 */
export class Sweeper {
  #timer: NodeJS.Timeout | null = null;
  #archivedAt = 0;
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
    if (!(await this.deps.leader.leads(this.#now().getTime()).catch(() => false))) return;
    const tasks: [string, () => Promise<void>][] = [
      ['expire leases', () => this.#expireLeases()],
      ['charge escrows nobody synced', () => this.#expireEscrows()],
      ['recover charges', () => this.#recoverCharges()],
      ['finish decisions', () => this.#finishDecisions()],
      ['remove half-made agents', () => this.#removeHalfMadeAgents()],
      ['close past days', () => this.#closePastDays()],
      ['archive old journal entries', () => this.#archive()],
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

  /**
   * An escrow its gateway stopped syncing (it died) is charged whole at its expiry: minute by
   * minute, from the index of escrows by expiry minute.
   */
  async #expireEscrows(): Promise<void> {
    // The current minute too (its holds that expired already), but it is done only once it is over.
    const current = minuteOf(this.#now());
    await this.deps.progress.catchUp('call-hold-expiry', current - 1, current, async (minute) => {
      let charged = 0;
      for (const agentId of await this.deps.callIndex.agentsExpiringIn(minute)) charged += await this.deps.escrows.chargeExpired(agentId);
      if (charged > 0) this.deps.log.warn({ holds: charged, minute }, 'charged whole the escrows nobody synced');
      if (minute === current) return false;
      await this.deps.callIndex.drop(minute);
      return true;
    });
  }

  async #recoverCharges(): Promise<void> {
    const before = new Date(this.#now().getTime() - this.deps.recoverAfterMs);
    const abandoned = await this.deps.claims.unapplied(before, BATCH);
    if (abandoned.length === 0) return;
    const done = await this.deps.usage.recoverAbandoned(abandoned);
    this.deps.log.info({ reports: done }, 'charged usage reports whose claimer never finished');
  }

  async #finishDecisions(): Promise<void> {
    const before = new Date(this.#now().getTime() - this.deps.recoverAfterMs);
    for (const request of await this.deps.requests.unsettled(before, BATCH)) {
      if (request.status === 'approved') await this.deps.requestOps.apply(request);
      else await this.deps.requests.settle(request.id);
      this.deps.log.info(
        { request_id: request.id, agent_id: request.agent_id, status: request.status },
        'finished an interrupted budget decision',
      );
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

  /**
   * A day's rollup is final once the day is over in the agent's journal. An agent that wrote
   * after the day closed it itself; an idle one is closed here from its head, once the
   * recovery delay has passed since midnight (no replica's clock is that far behind).
   */
  async #closePastDays(): Promise<void> {
    const now = this.#now();
    const today = utcDay(now);
    if (now.getTime() - Date.parse(`${today}T00:00:00Z`) < this.deps.recoverAfterMs) return;
    for (const open of await this.deps.rollups.openBefore(today, BATCH)) {
      const totals = await this.deps.book.dayTotals(open.agent_id, open.day);
      if (totals) await this.deps.rollups.close(open.agent_id, totals);
    }
  }

  async #archive(): Promise<void> {
    const now = this.#now().getTime();
    if (now - this.#archivedAt < this.deps.archiveIntervalMs) return;
    this.#archivedAt = now;
    const moved = await archiveJournals(this.deps.journal, new Date(now - this.deps.hotPeriodMs));
    if (moved > 0) this.deps.log.info({ entries: moved }, 'archived old budget journal entries');
  }
}
