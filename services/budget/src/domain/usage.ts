import {
  NotFoundError,
  ServiceUnavailableError,
  ValidationError,
  type AuditEmitter,
  type AuditEventInput,
  type Caller,
} from '@tollgate/platform';
import { actingAgent } from './access.js';
import { chargeRequestOf, type ChargeIntent, type ChargeOp } from './book.js';
import type { BudgetBook } from './budget-book.js';
import type { ProjectBudgets } from './project-budgets.js';
import { usageOpId } from './ids.js';
import { micros } from './money.js';
import type { PriceTable } from './prices.js';
import type { ClaimRepository, LeaseRepository, UsageClaim } from './repositories.js';
import { knownId, validModel, validProvider, validRequestId, validTokens } from './rules.js';

export interface UsageDeps {
  book: BudgetBook;
  claims: ClaimRepository;
  leases: LeaseRepository;
  prices: PriceTable;
  /** A charge of an agent in a project with a budget is charged in the project's journal too (same op id). */
  projectBudgets: ProjectBudgets;
  audit: AuditEmitter;
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

/** How long a repeat of a report waits for the attempt that claimed it (on another replica) to finish. */
const CLAIM_WAIT_MS = 5_000;
const CLAIM_POLL_MS = 25;

/**
 * Usage reports, each charged exactly once per (agent, request_id):
 *   1. the claim — a unique insert keyed by the report — decides which attempt charges it;
 *   2. the claimer charges it through the budget journal (group-committed with whatever else
 *      is queued for the agent);
 *   3. the claim is marked applied, so a repeat is answered from it.
 * A claimer that dies between 1 and 3 leaves its claim unapplied: the sweeper charges it
 * from the claim, unless the journal shows it charged already (the book checks every entry
 * after the claim's head). Repeats in flight on this replica share the first attempt's answer.
 */
export class Usage {
  readonly #now: () => Date;
  readonly #inFlight = new Map<string, Promise<UsageResult>>();

  constructor(private readonly deps: UsageDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async report(input: UsageReport, caller: Caller): Promise<UsageResult> {
    const agentId = actingAgent(caller.principal, undefined);
    const requestId = validRequestId(input.requestId);
    const provider = validProvider(input.provider);
    const model = validModel(input.model);
    const inputTokens = validTokens(input.inputTokens, 'input_tokens');
    const outputTokens = validTokens(input.outputTokens, 'output_tokens');
    if (input.leaseId) {
      const lease = knownId('lse', input.leaseId) ? await this.deps.leases.findById(input.leaseId) : null;
      if (lease?.agent_id !== agentId || lease.status === 'void') throw new NotFoundError('Lease not found');
      if (lease.provider !== provider) {
        throw new ValidationError(`This lease is for provider ${lease.provider}`, {
          provider: `must be ${lease.provider}, the lease's provider`,
        });
      }
    }
    const costMicros =
      input.costMicros !== undefined
        ? micros(input.costMicros, 'cost_micros')
        : this.deps.prices.costMicros(provider, model, inputTokens, outputTokens);
    const opId = usageOpId(agentId, requestId);

    const inFlight = this.#inFlight.get(opId);
    if (inFlight) return { ...(await inFlight), duplicate: true };
    const charging = this.#claimAndCharge(
      {
        type: 'charge',
        op_id: opId,
        request_id: requestId,
        hold_id: input.leaseId,
        provider,
        model,
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        cost_micros: costMicros,
      },
      caller,
    );
    this.#inFlight.set(opId, charging);
    try {
      return await charging;
    } finally {
      this.#inFlight.delete(opId);
    }
  }

  async #claimAndCharge(intent: ChargeIntent, caller: Caller): Promise<UsageResult> {
    const agentId = caller.principal.id;
    const afterSeq = await this.deps.book.headSeq(agentId);
    if (afterSeq === null) throw new NotFoundError('Agent not found');
    const claimed = await this.deps.claims.claim({
      op_id: intent.op_id,
      agent_id: agentId,
      request_id: intent.request_id,
      after_seq: afterSeq,
      claimed_at: this.#now(),
      applied: false,
      seq: 0,
      charged: 0,
      charge: chargeRequestOf(intent),
    });
    if (!claimed) return this.#repeat(intent.op_id, agentId);
    return this.#charge(agentId, intent, afterSeq, caller);
  }

  /** Steps 2 and 3, for the claimer or for the recovery of an abandoned claim. */
  async #charge(agentId: string, intent: ChargeIntent, afterSeq: number, caller?: Caller): Promise<UsageResult> {
    const [decided] = await this.deps.book.submit(agentId, [{ intent, afterSeq }]);
    const outcome = decided.outcome;
    if (outcome.type !== 'charge') throw new Error(`a charge was decided as ${outcome.type}`);
    // Before the claim is applied, so that a recovery charges the project too (the op id makes it once).
    const project = await this.deps.projectBudgets.of(agentId);
    if (project) await this.deps.book.submit(project, [{ intent }]);
    await this.deps.claims.markApplied(intent.op_id, decided.seq, outcome.charged);
    if (outcome.op && outcome.overrun > 0) await audited(this.deps.audit, overrunEvent(agentId, outcome.op, outcome.overrun), caller);
    return { charged: outcome.charged, remaining: decided.after.remaining, duplicate: outcome.duplicate };
  }

  /** A repeat of a claimed report: the claim's answer once applied (waiting a little for the claimer if it is at work). */
  async #repeat(opId: string, agentId: string): Promise<UsageResult> {
    const until = this.#now().getTime() + CLAIM_WAIT_MS;
    for (;;) {
      const claim = await this.deps.claims.find(opId);
      if (claim?.applied) {
        const budget = await this.deps.book.current(agentId);
        return { charged: claim.charged, remaining: budget ? budget.limit - budget.spent - budget.held : 0, duplicate: true };
      }
      if (this.#now().getTime() > until) throw new ServiceUnavailableError('This report is still being charged, try again shortly');
      await new Promise((r) => setTimeout(r, CLAIM_POLL_MS));
    }
  }

  /** Charges claims whose claimer never finished (sweeper): at most once, whatever the claimer did meanwhile. */
  async recoverAbandoned(claims: UsageClaim[]): Promise<number> {
    let done = 0;
    for (const claim of claims) {
      const intent: ChargeIntent = { type: 'charge', op_id: claim.op_id, request_id: claim.request_id, ...claim.charge };
      await this.#charge(claim.agent_id, intent, claim.after_seq);
      done++;
    }
    return done;
  }
}

/**
 * `budget.overrun`: a charge went beyond what remained — what the provider was paid is
 * charged all the same, and the budget is below zero until it is raised.
 */
export function overrunEvent(agentId: string, charge: ChargeOp, overrun: number): AuditEventInput {
  return {
    action: 'budget.overrun',
    outcome: 'failure',
    resource: { type: 'budget', id: agentId },
    details: {
      request_id: charge.request_id,
      hold_id: charge.hold_id,
      cost_micros: charge.cost_micros,
      overrun_micros: overrun,
      ...(charge.whole_hold ? { whole_hold: charge.whole_hold } : {}),
    },
  };
}

/** Emits an event for a call, or for a background job as the agent it concerns. */
export function audited(audit: AuditEmitter, event: AuditEventInput, caller?: Caller): Promise<void> {
  const agentId = event.resource.id;
  return audit.emit(caller ? event : { ...event, actor: { type: 'agent', id: agentId } }, caller);
}
