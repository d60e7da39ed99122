import { ConflictError, NotFoundError, ValidationError, type AuditEmitter, type KeyedMutex } from '@tollgate/platform';
import { assertAgent } from './access.js';
import { splitCharge } from './charging.js';
import { randomNonce, usageOpId } from './ids.js';
import { micros } from './money.js';
import type { Caller } from './ports.js';
import type { PriceTable } from './prices.js';
import type { UsageCharge } from './records.js';
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
 */
export class Usage {
  readonly #now: () => Date;

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

    return this.deps.mutex.run(agentId, async () => {
      if (await this.deps.ledger.find(opId)) return this.#duplicate(agentId, opId);
      let budget = await this.deps.budgets.find(agentId);
      for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
        if (!budget) throw new NotFoundError('Agent not found');
        const interrupted = budget.pending[opId];
        if (interrupted) {
          await this.complete(agentId, interrupted);
          return this.#duplicate(agentId, opId);
        }
        const split = splitCharge({
          cost,
          remaining: budget.remaining,
          slot: input.leaseId ? budget.leases[input.leaseId] : undefined,
          withLease: Boolean(input.leaseId),
          allowOverage: this.deps.allowOverage,
        });
        const at = this.#now();
        const charge: UsageCharge = {
          op_id: opId,
          nonce: randomNonce(),
          agent_id: agentId,
          lease_id: input.leaseId,
          request_id: requestId,
          provider,
          model,
          input_tokens: inputTokens,
          output_tokens: outputTokens,
          amount_micros: split.fromLease + split.fromRemaining,
          lease_micros: split.fromLease,
          overage_micros: split.fromRemaining,
          cost_micros: cost,
          unbilled_micros: split.unbilled,
          day: at.toISOString().slice(0, 10),
          at,
        };
        const charged = await this.deps.budgets.charge(agentId, { charge, leaseId: input.leaseId }, at);
        if (!charged) {
          // Another replica moved the budget, or is charging this very report: look again.
          if (await this.deps.ledger.find(opId)) return this.#duplicate(agentId, opId);
          budget = await this.deps.budgets.find(agentId);
          continue;
        }
        if ((await this.complete(agentId, charge)) === 'reversed') return this.#duplicate(agentId, opId);
        if (split.unbilled > 0) {
          await this.deps.audit.emit(
            {
              action: 'budget.exhausted',
              outcome: 'failure',
              resource: { type: 'budget', id: agentId },
              details: { request_id: requestId, lease_id: input.leaseId, cost_micros: cost, charged_micros: charge.amount_micros, unbilled_micros: split.unbilled },
            },
            caller,
          );
        }
        return { charged: charge.amount_micros, remaining: charged.remaining, duplicate: false };
      }
      throw new ConflictError('The budget is busy, try again');
    });
  }

  /**
   * Steps 2 and 3 for a charge recorded as pending. Returns `reversed` when the ledger
   * already holds another attempt of the same report (this one was a double and is undone).
   * Callers hold the agent's mutex.
   */
  async complete(agentId: string, pending: UsageCharge): Promise<'settled' | 'reversed'> {
    if ((await this.deps.ledger.insert(pending)) === 'inserted') {
      await this.deps.budgets.settle(agentId, pending.op_id, pending.nonce);
      return 'settled';
    }
    const recorded = await this.deps.ledger.find(pending.op_id);
    if (recorded?.nonce === pending.nonce) {
      await this.deps.budgets.settle(agentId, pending.op_id, pending.nonce);
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

  /** The answer for a report already in the ledger: its original charge. */
  async #duplicate(agentId: string, opId: string): Promise<UsageResult> {
    const entry = await this.deps.ledger.find(opId);
    const budget = await this.deps.budgets.find(agentId);
    return { charged: entry?.amount_micros ?? 0, remaining: budget?.remaining ?? 0, duplicate: true };
  }
}
