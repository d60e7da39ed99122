import {
  BudgetExhaustedError,
  callerGaveUp,
  ForbiddenError,
  NotFoundError,
  RateLimitedError,
  ServiceUnavailableError,
  ValidationError,
  type AuditEmitter,
} from '@tollgate/platform';
import { assertAgent } from './access.js';
import type { BudgetState, CallRefusal } from './book.js';
import type { BudgetBook, Totals } from './budget-book.js';
import { newId } from './ids.js';
import type { Caller } from './ports.js';
import type { PriceTable } from './prices.js';
import type { AgentRepository, CallHoldIndex } from './repositories.js';
import { knownId, validModel, validProvider, validTokens } from './rules.js';
import { audited, overrunEvent } from './usage.js';

export interface CallsDeps {
  book: BudgetBook;
  agents: AgentRepository;
  prices: PriceTable;
  index: CallHoldIndex;
  audit: AuditEmitter;
  /** A hold nobody settled is charged whole this long after it was taken. */
  holdTtlMs: number;
  /** The most output tokens a call may produce when its request sets no bound. */
  defaultMaxOutputTokens: number;
  defaultMaxParallelCalls: number;
  defaultTokensPerMinute: number;
  now?: () => Date;
}

export interface CallHold {
  holdId: string;
  held: number;
  maxOutputTokens: number;
  prices: { input_per_million_micros: number; output_per_million_micros: number };
  remaining: number;
  expiresAt: Date;
}

export interface CallSettlement {
  holdId: string;
  /** Null when the usage cannot be known: the whole hold is charged, for `reason`. */
  usage: { model: string; inputTokens: number; outputTokens: number } | null;
  reason: string;
}

const MINUTE_MS = 60_000;
/** Agents whose allowed providers are kept in memory (they never change after creation). */
const REMEMBERED_AGENTS = 100_000;

/**
 * Proxied calls. Each holds its own worst case before anything is sent upstream (so
 * parallel calls never hold more than the budget, and none starves another of what it
 * does not use), then settles to its priced usage — or, when that cannot be known, to the
 * whole hold. A hold nobody settles (the gateway died after answering) is charged whole
 * when it expires: nothing is ever free. Every decision is an op in the agent's journal.
 */
export class Calls {
  readonly #now: () => Date;
  readonly #providers = new Map<string, string[]>();

  constructor(private readonly deps: CallsDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  /** `holdId`: the caller's name for the hold (see newHoldId), or empty for one named here. */
  async hold(input: { provider: string; model: string; inputTokens: number; maxOutputTokens: number; holdId: string }, caller: Caller): Promise<CallHold> {
    const agentId = assertAgent(caller.principal, undefined, 'proxy:invoke');
    if (input.holdId && !knownId('hld', input.holdId)) throw new ValidationError('hold_id is not a hold id', { hold_id: 'must be a hold id (hld_…)' });
    const provider = validProvider(input.provider);
    const model = validModel(input.model);
    const inputTokens = validTokens(input.inputTokens, 'input_tokens');
    const maxOutputTokens = validTokens(input.maxOutputTokens, 'max_output_tokens');
    const allowed = await this.#providersOf(agentId);
    if (allowed.length > 0 && !allowed.includes(provider)) throw new ForbiddenError(`This agent may not use provider ${provider}`);
    const prices = this.deps.prices.find(provider, model);
    if (!prices) {
      throw new ValidationError(`No price is known for ${provider}/${model}: it cannot be called through Tollgate`, { model: 'has no price' }, 'model_not_priced');
    }
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + this.deps.holdTtlMs);
    // Indexed before the hold exists, so that a hold can never be missed when it expires.
    await this.deps.index.add(agentId, minuteOf(expiresAt));
    const id = input.holdId || newId('hld', now.getTime());
    const [decided] = await this.deps.book.submit(agentId, [
      {
        intent: {
          type: 'hold_call',
          id,
          provider,
          model,
          prices,
          input_tokens: inputTokens,
          max_output_tokens: maxOutputTokens,
          default_max_output_tokens: this.deps.defaultMaxOutputTokens,
          expires_at: expiresAt,
          minute: minuteOf(now),
          default_max_parallel_calls: this.deps.defaultMaxParallelCalls,
          default_tokens_per_minute: this.deps.defaultTokensPerMinute,
        },
      },
    ]);
    const outcome = decided.outcome;
    if (outcome.type !== 'hold_call') throw new Error(`a call hold was decided as ${outcome.type}`);
    if (outcome.refused) await this.#refuse(agentId, outcome.refused, { provider, model, input_tokens: inputTokens, max_output_tokens: maxOutputTokens, remaining_micros: outcome.remaining }, caller);
    if (callerGaveUp(caller)) {
      // Nobody will send this call (the gateway answered its client already): the hold goes back at once.
      await this.#settle(agentId, { holdId: id, usage: { model, inputTokens: 0, outputTokens: 0 }, reason: 'the caller stopped waiting for the hold' }, caller);
      throw new ServiceUnavailableError('The hold was answered after its caller stopped waiting');
    }
    return { holdId: id, held: outcome.granted, maxOutputTokens: outcome.max_output_tokens, prices, remaining: outcome.remaining, expiresAt };
  }

  async settle(input: CallSettlement, caller: Caller): Promise<{ charged: number; budget: Totals; duplicate: boolean }> {
    const agentId = assertAgent(caller.principal, undefined, 'proxy:invoke');
    if (!knownId('hld', input.holdId)) throw new NotFoundError('Hold not found');
    return this.#settle(agentId, input, caller);
  }

  /** Charges whole every call hold of the agent that expired unsettled (the sweeper). */
  async settleExpired(agentId: string): Promise<number> {
    const state = await this.deps.book.current(agentId);
    if (!state) return 0;
    const now = this.#now().getTime();
    const expired = expiredCalls(state, now);
    for (const holdId of expired) await this.#settle(agentId, { holdId, usage: null, reason: 'never settled: charged whole at its expiry' });
    return expired.length;
  }

  async #settle(agentId: string, input: CallSettlement, caller?: Caller): Promise<{ charged: number; budget: Totals; duplicate: boolean }> {
    const usage = input.usage && {
      model: validModel(input.usage.model),
      input_tokens: validTokens(input.usage.inputTokens, 'input_tokens'),
      output_tokens: validTokens(input.usage.outputTokens, 'output_tokens'),
    };
    const now = this.#now();
    const [decided] = await this.deps.book.submit(agentId, [
      {
        intent: {
          type: 'settle',
          id: input.holdId,
          op_id: `call:${input.holdId}`,
          request_id: input.holdId,
          usage,
          reason: input.reason,
          minute: minuteOf(now),
        },
      },
    ]);
    const outcome = decided.outcome;
    if (outcome.type !== 'settle') throw new Error(`a settlement was decided as ${outcome.type}`);
    if (outcome.op && !usage) {
      await audited(
        this.deps.audit,
        { action: 'budget.call.charged_whole', outcome: 'failure', resource: { type: 'budget', id: agentId }, details: { hold_id: input.holdId, reason: input.reason, charged_micros: outcome.charged } },
        caller,
      );
    }
    if (outcome.op && outcome.overrun > 0) await audited(this.deps.audit, overrunEvent(agentId, outcome.op, outcome.overrun), caller);
    return { charged: outcome.charged, budget: decided.after, duplicate: !outcome.closed };
  }

  /** The providers an agent may use (empty: any), read once per agent: they are fixed when it is created. */
  async #providersOf(agentId: string): Promise<string[]> {
    const known = this.#providers.get(agentId);
    if (known) return known;
    const agent = await this.deps.agents.findById(agentId);
    if (!agent || agent.status !== 'active') throw new NotFoundError('Agent not found');
    if (this.#providers.size >= REMEMBERED_AGENTS) this.#providers.clear();
    this.#providers.set(agentId, agent.providers);
    return agent.providers;
  }

  async #refuse(agentId: string, refused: CallRefusal, details: Record<string, unknown>, caller: Caller): Promise<never> {
    switch (refused) {
      case 'disabled':
        throw new ForbiddenError('This agent is disabled');
      case 'too_many_calls':
        throw new RateLimitedError(1);
      case 'tokens_per_minute':
        throw new RateLimitedError(Math.max(1, Math.ceil((MINUTE_MS - (this.#now().getTime() % MINUTE_MS)) / 1000)));
      case 'exhausted':
        await this.deps.audit.emit({ action: 'budget.exhausted', outcome: 'denied', resource: { type: 'budget', id: agentId }, details }, caller);
        throw new BudgetExhaustedError('Budget exhausted: this call cannot fit what remains', { remaining_micros: details.remaining_micros });
    }
  }
}

export const minuteOf = (at: Date) => Math.floor(at.getTime() / MINUTE_MS);

function expiredCalls(state: BudgetState, now: number): string[] {
  return Object.entries(state.holds)
    .filter(([, h]) => h.kind === 'call' && h.expires_at.getTime() <= now)
    .map(([id]) => id);
}
