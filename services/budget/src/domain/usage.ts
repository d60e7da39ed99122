import { ConflictError, NotFoundError, ValidationError, type AuditEmitter, type KeyedMutex } from '@tollgate/platform';
import { assertAgent } from './access.js';
import { splitCharge } from './charging.js';
import { randomNonce, usageOpId } from './ids.js';
import { micros } from './money.js';
import type { Caller } from './ports.js';
import type { PriceTable } from './prices.js';
import type { BudgetRecord, UsageCharge } from './records.js';
import type { BudgetRepository, LeaseRepository, LedgerRepository } from './repositories.js';
import { knownId, validModel, validProvider, validRequestId, validTokens } from './rules.js';

export interface UsageDeps {
  budgets: BudgetRepository;
  leases: LeaseRepository;
  ledger: LedgerRepository;
  prices: PriceTable;
  audit: AuditEmitter;
  mutex: KeyedMutex;
  allowOverage: boolean;
  now?: () => Date;
}

export interface UsageReport {
  leaseId: string;
  requestId: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costMicros?: number;
}

export interface UsageResult {
  charged: number;
  remaining: number;
  duplicate: boolean;
}

const ATTEMPTS = 5;
/** The most reports charged in one update: bounds the budget document and the update's filter. */
const MAX_BATCH = 100;

/** A validated, priced report waiting for its agent's mutex. */
interface Waiting {
  opId: string;
  requestId: string;
  leaseId: string;
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  caller: Caller;
  resolve(result: UsageResult): void;
  reject(err: unknown): void;
}

/** How one report (op id) of a batch ended. */
interface Outcome {
  charged: number;
  duplicate: boolean;
  /** What this report took from the unreserved budget (0 unless it was charged here). */
  overage: number;
}

/**
 * Usage reports. Each is charged exactly once, in three steps that are each safe to
 * repeat:
 *   1. one conditional `$inc` on the budget document that takes the money AND records the
 *      charge as pending in the same document (so a charge is never half-applied);
 *   2. the ledger insert (unique per agent + request_id);
 *   3. dropping the pending record.
 * A crash between 1 and 3 leaves the pending record, from which the next report of the
 * same request id, Reconcile, or the sweeper finishes the job. If two replicas raced on
 * the same request id, the one whose charge is not in the ledger is reversed.
 *
 * Group commit: reports of one agent queue up while its mutex is held, and the holder
 * charges everything waiting as one batch — each step above is then one round trip for
 * the whole batch, split in order exactly as one-by-one charging would split it.
 */
export class Usage {
  readonly #now: () => Date;
  readonly #queues = new Map<string, Waiting[]>();

  constructor(private readonly deps: UsageDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async report(input: UsageReport, caller: Caller): Promise<UsageResult> {
    const agentId = assertAgent(caller.principal, undefined, 'usage:write');
    const requestId = validRequestId(input.requestId);
    const provider = validProvider(input.provider);
    const model = validModel(input.model);
    const inputTokens = validTokens(input.inputTokens, 'input_tokens');
    const outputTokens = validTokens(input.outputTokens, 'output_tokens');
    if (input.leaseId) {
      const lease = knownId('lse', input.leaseId) ? await this.deps.leases.findById(input.leaseId) : null;
      if (!lease || lease.agent_id !== agentId || lease.status === 'void') throw new NotFoundError('Lease not found');
      if (lease.provider !== provider) {
        throw new ValidationError(`This lease is for provider ${lease.provider}`, { provider: `must be ${lease.provider}, the lease's provider` });
      }
    }
    const cost =
      input.costMicros !== undefined ? micros(input.costMicros, 'cost_micros') : this.deps.prices.cost(provider, model, inputTokens, outputTokens);
    const opId = usageOpId(agentId, requestId);

    return new Promise<UsageResult>((resolve, reject) =>
      this.#enqueue(agentId, { opId, requestId, leaseId: input.leaseId, provider, model, inputTokens, outputTokens, cost, caller, resolve, reject }),
    );
  }

  /**
   * An agent has a queue exactly while one drain of it is waiting for (or holding) the
   * mutex: the first report to arrive schedules the drain, later ones just join the queue.
   */
  #enqueue(agentId: string, report: Waiting): void {
    const queue = this.#queues.get(agentId);
    if (queue) {
      queue.push(report);
      return;
    }
    this.#queues.set(agentId, [report]);
    void this.deps.mutex.run(agentId, () => this.#drain(agentId));
  }

  /** Charges the next batch off the agent's queue and answers each of its callers. Never throws. */
  async #drain(agentId: string): Promise<void> {
    const queue = this.#queues.get(agentId)!;
    const batch = queue.splice(0, MAX_BATCH);
    // Reports beyond the cap wait for their own turn of the mutex (leases and recovery get theirs in between).
    if (queue.length === 0) this.#queues.delete(agentId);
    else void this.deps.mutex.run(agentId, () => this.#drain(agentId));
    try {
      const results = await this.#chargeBatch(agentId, batch);
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  /** Charges a batch of one agent's reports (mutex held); the answers are in batch order. */
  async #chargeBatch(agentId: string, batch: Waiting[]): Promise<UsageResult[]> {
    // The first report of each op id is the one charged; a repeat within the batch is its duplicate.
    const firsts = new Map<string, Waiting>();
    for (const w of batch) if (!firsts.has(w.opId)) firsts.set(w.opId, w);
    const outcomes = new Map<string, Outcome>();
    const unanswered = () => [...firsts.values()].filter((w) => !outcomes.has(w.opId));
    const answerRecorded = async () => {
      for (const entry of await this.deps.ledger.findMany(unanswered().map((w) => w.opId))) {
        outcomes.set(entry.op_id, { charged: entry.amount_micros, duplicate: true, overage: 0 });
      }
    };

    await answerRecorded();
    let budget = await this.deps.budgets.find(agentId);
    let charges: UsageCharge[] = [];
    let after: BudgetRecord | null = null;
    for (let attempt = 0; !after; attempt++) {
      if (!budget) throw new NotFoundError('Agent not found');
      if (attempt === ATTEMPTS) throw new ConflictError('The budget is busy, try again');
      const current = budget;
      const interrupted = unanswered().flatMap((w) => current.pending[w.opId] ?? []);
      if (interrupted.length > 0) {
        // Charged before but never finished (a crash, or another replica at work): finish, then look again.
        for (const pending of interrupted) outcomes.set(pending.op_id, await this.#finish(agentId, pending, false));
        budget = await this.deps.budgets.find(agentId);
        continue;
      }
      const reports = unanswered();
      if (reports.length === 0) {
        after = current;
        break;
      }
      charges = this.#split(agentId, reports, current);
      after = await this.deps.budgets.charge(agentId, charges, charges[0].at);
      if (!after) {
        // Another replica moved the budget, or is charging one of these reports: look again.
        charges = [];
        await answerRecorded();
        budget = await this.deps.budgets.find(agentId);
      }
    }

    if (charges.length > 0) {
      const raced = await this.deps.ledger.insert(charges);
      const inserted = charges.filter((c) => !raced.has(c.op_id));
      if (inserted.length > 0) await this.deps.budgets.settle(agentId, inserted);
      for (const c of inserted) outcomes.set(c.op_id, { charged: c.amount_micros, duplicate: false, overage: c.overage_micros });
      for (const c of charges) if (raced.has(c.op_id)) outcomes.set(c.op_id, await this.#finish(agentId, c, true));
      if (raced.size > 0) after = (await this.deps.budgets.find(agentId)) ?? after;
      const unbilled = charges.filter((c) => c.unbilled_micros > 0 && !outcomes.get(c.op_id)!.duplicate);
      await Promise.all(unbilled.map((c) => this.#exhausted(c, firsts.get(c.op_id)!.caller)));
    }

    // Each caller is told what remained right after its own report, as if charged one by one:
    // what remains now plus the overage of the reports charged after it in the batch.
    const remaining = after.remaining;
    const overageAfter: number[] = [];
    let later = 0;
    for (let i = batch.length - 1; i >= 0; i--) {
      overageAfter[i] = later;
      if (firsts.get(batch[i].opId) === batch[i]) later += outcomes.get(batch[i].opId)!.overage;
    }
    return batch.map((w, i) => {
      const outcome = outcomes.get(w.opId)!;
      return { charged: outcome.charged, remaining: remaining + overageAfter[i], duplicate: outcome.duplicate || firsts.get(w.opId) !== w };
    });
  }

  /** Splits each report's cost in batch order against a running copy of the budget, exactly as one-by-one charging would. */
  #split(agentId: string, reports: Waiting[], budget: BudgetRecord): UsageCharge[] {
    const at = this.#now();
    let remaining = budget.remaining;
    const unspent = new Map(Object.entries(budget.leases).map(([id, slot]) => [id, slot.unspent]));
    return reports.map((w) => {
      const slot = w.leaseId ? budget.leases[w.leaseId] : undefined;
      const split = splitCharge({
        cost: w.cost,
        remaining,
        slot: slot && { ...slot, unspent: unspent.get(w.leaseId)! },
        withLease: Boolean(w.leaseId),
        allowOverage: this.deps.allowOverage,
      });
      remaining -= split.fromRemaining;
      if (slot) unspent.set(w.leaseId, unspent.get(w.leaseId)! - split.fromLease);
      return {
        op_id: w.opId,
        nonce: randomNonce(),
        agent_id: agentId,
        lease_id: w.leaseId,
        request_id: w.requestId,
        provider: w.provider,
        model: w.model,
        input_tokens: w.inputTokens,
        output_tokens: w.outputTokens,
        amount_micros: split.fromLease + split.fromRemaining,
        lease_micros: split.fromLease,
        overage_micros: split.fromRemaining,
        cost_micros: w.cost,
        unbilled_micros: split.unbilled,
        day: at.toISOString().slice(0, 10),
        at,
      };
    });
  }

  /**
   * Steps 2 and 3, one report at a time, for a pending charge of one of the batch's reports:
   * `ours` when this batch just applied it (then it is the report's own charge unless it lost a race).
   */
  async #finish(agentId: string, pending: UsageCharge, ours: boolean): Promise<Outcome> {
    if ((await this.complete(agentId, pending)) === 'settled') {
      return ours ? { charged: pending.amount_micros, duplicate: false, overage: pending.overage_micros } : { charged: pending.amount_micros, duplicate: true, overage: 0 };
    }
    const recorded = await this.deps.ledger.find(pending.op_id);
    return { charged: recorded?.amount_micros ?? 0, duplicate: true, overage: 0 };
  }

  async #exhausted(charge: UsageCharge, caller: Caller): Promise<void> {
    await this.deps.audit.emit(
      {
        action: 'budget.exhausted',
        outcome: 'failure',
        resource: { type: 'budget', id: charge.agent_id },
        details: {
          request_id: charge.request_id,
          lease_id: charge.lease_id,
          cost_micros: charge.cost_micros,
          charged_micros: charge.amount_micros,
          unbilled_micros: charge.unbilled_micros,
        },
      },
      caller,
    );
  }

  /**
   * Steps 2 and 3 for a charge recorded as pending. Returns `reversed` when the ledger
   * already holds another attempt of the same report (this one was a double and is undone).
   * Callers hold the agent's mutex.
   */
  async complete(agentId: string, pending: UsageCharge): Promise<'settled' | 'reversed'> {
    const inserted = (await this.deps.ledger.insert([pending])).size === 0;
    const recorded = inserted ? pending : await this.deps.ledger.find(pending.op_id);
    if (recorded?.nonce === pending.nonce) {
      await this.deps.budgets.settle(agentId, [pending]);
      return 'settled';
    }
    const budget = await this.deps.budgets.find(agentId);
    const leaseOpen = Boolean(pending.lease_id && budget?.leases[pending.lease_id]);
    await this.deps.budgets.reverse(agentId, pending, leaseOpen, this.#now());
    return 'reversed';
  }

  /** Finishes every pending charge of one agent older than `before` (sweeper, Reconcile). */
  async recover(agentId: string, before: Date): Promise<number> {
    return this.deps.mutex.run(agentId, async () => {
      const budget = await this.deps.budgets.find(agentId);
      let done = 0;
      for (const pending of Object.values(budget?.pending ?? {})) {
        if (pending.at.getTime() > before.getTime()) continue;
        await this.complete(agentId, pending);
        done++;
      }
      return done;
    });
  }
}
