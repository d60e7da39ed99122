import { randomUUID } from 'node:crypto';
import {
  AppError,
  BudgetExhaustedError,
  ForbiddenError,
  newHoldId,
  NotFoundError,
  priceOf,
  ServiceUnavailableError,
  type Logger,
  type ModelPrice,
} from '@tollgate/platform';
import type { EscrowCharge } from '@tollgate/proto/gen/tollgate/budget/v1/EscrowCharge';
import type { EscrowState__Output } from '@tollgate/proto/gen/tollgate/budget/v1/EscrowState';
import type { Clients } from '../clients.js';
import type { AgentCallLimits } from './call-limits.js';
import { GATEWAY } from '../http/request-context.js';
import type { Usage } from './usage.js';

/** What an agent may do through the proxy, as of its escrow's last sync. */
export interface AgentTerms extends AgentCallLimits {
  /** Empty: any provider. */
  providers: string[];
}

/** A call's worst case, to be held before it is sent. */
export interface CallTerms {
  provider: string;
  model: string;
  prices: ModelPrice;
  /** A bound never below the input tokens the provider bills. */
  inputTokens: number;
  /** The request's own bound on output tokens (0: none given — the largest that fits, at most the default). */
  maxOutputTokens: number;
}

/** What a call cost and what remains of its agent's budget as far as this gateway knows. */
export interface CallEnd {
  costMicros: number;
  remainingMicros: number;
}

/** One call's hold, decided in this gateway within its agent's escrow. */
export interface CallHold {
  readonly id: string;
  readonly agentId: string;
  readonly terms: CallTerms;
  readonly held: number;
  /** What the call may produce: the request's own bound, or the one chosen for it. */
  readonly maxOutputTokens: number;
  /** The agent's terms as of the escrow's last sync (for its limits). */
  readonly agent: AgentTerms;
  readonly escrow: Escrow;
}

export interface EscrowsOptions {
  /** How often calls' charges are synced (the spend view lags by about this much; holds never do). */
  syncMs: number;
  /** An escrow with no call for this long is handed back. */
  idleMs: number;
  /** The most output tokens a call may produce when its request sets no bound. */
  defaultMaxOutputTokens: number;
}

/** How often an open escrow is synced even with nothing to charge: a disable or a limit change reaches this gateway within it. */
const HEARTBEAT_MS = 1_000;
/**
 * The headroom an escrow keeps beyond its calls in flight: room for twice the calls the agent
 * started since the last sync (what it takes until the next sync has answered), at least this
 * many of its average holds …
 */
const HEADROOM_HOLDS = 4;
/** … but never more than this share of what remains beside every escrow (so near the end, holds are exact per call). */
const HEADROOM_SHARE = 4;
/** The most charges one escrow's sync carries (they are one journal entry: it stays small); the rest go with the next. */
const MAX_CHARGES_PER_SYNC = 500;
/**
 * Calls wait for a sync once this many charges are not yet synced: the proxy goes no faster
 * than the ledger takes its charges, and memory stays bounded.
 */
const MAX_PENDING_CHARGES = 2 * MAX_CHARGES_PER_SYNC;
const RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];

type Status = 'new' | 'open' | 'disabled' | 'closed' | 'not_found';

interface Waiter {
  terms: CallTerms;
  /** Its need was in a sync's ask, so that sync's answer decides it. */
  asked: boolean;
  resolve(hold: CallHold): void;
  reject(err: unknown): void;
}

interface Sending {
  seq: number;
  charges: EscrowCharge[];
  want: number;
  owed: number;
}

/** One escrow: money this gateway set aside from one agent's budget (a hold in its journal). */
class Escrow {
  readonly id = newHoldId();
  /** The last sync's seq (sent or answered). */
  seq = 0;
  status: Status = 'new';
  /** The escrow's unspent size as far as it is safe to use: what it was synced to, or less while a shrink is in flight. */
  cap = 0;
  /** Holds of calls in flight. */
  held = 0;
  /** Charges of ended calls not yet synced (those in `pending` and in the sync in flight). */
  owed = 0;
  pending: EscrowCharge[] = [];
  sending: Sending | null = null;
  retries = 0;
  retryAt = 0;
  waiters: Waiter[] = [];
  terms: AgentTerms = { providers: [], maxParallelCalls: 0, tokensPerMinute: 0 };
  /** What remains of the budget beside every escrow, as of the last sync. */
  remaining = 0;
  usedAt = Date.now();
  syncedAt = 0;
  avgHold = 0;
  /** Calls held since the last sync was sent (the agent's pace). */
  holdsSinceSync = 0;

  constructor(readonly agentId: string) {}

  get available(): number {
    return this.cap - this.held - this.owed;
  }
}

/**
 * The proxy's money path in this gateway. Each agent it proxies for gets an escrow: money set
 * aside from the agent's budget in the budget service, atomically like any hold, so escrows
 * of every replica together never pass the limit. Each call's own hold — its worst case — is
 * decided here, in memory, against what the escrow has free: no round trip on a call's way to
 * the provider, except to grow the escrow (the first call, a burst), and parallel calls never
 * hold more than the budget. Ended calls' charges are synced in batches, every agent at once,
 * with the escrow resized to the calls in flight plus a little headroom; an idle escrow goes
 * back. Nothing is free: a charge the budget service cannot take now is retried with the same
 * sync (charged once), and if this gateway dies, its escrows are charged whole when they expire.
 */
export class Escrows {
  readonly #escrows = new Map<string, Escrow>();
  /** Escrows handed back, until their closing sync is through. */
  readonly #closing = new Set<Escrow>();
  readonly #syncs = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #soon = false;

  constructor(
    private readonly clients: Clients,
    private readonly log: Logger,
    private readonly options: EscrowsOptions,
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.#send(), this.options.syncMs);
    this.#timer.unref();
  }

  /** Shutdown: syncs every charge and hands every escrow back (calls still in flight keep theirs). */
  async drain(timeoutMs = 5_000): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const until = Date.now() + timeoutMs;
    for (const e of this.#escrows.values()) e.usedAt = 0;
    const busy = (e: Escrow) =>
      e.pending.length > 0 || e.sending !== null || (e.held === 0 && (e.status === 'open' || e.status === 'disabled'));
    while (Date.now() < until && [...this.#escrows.values(), ...this.#closing].some(busy)) {
      this.#send();
      // Until a sync in flight is answered, or a retry may be due.
      const pause = new Promise((r) => setTimeout(r, 50));
      await (this.#syncs.size > 0 ? Promise.race([Promise.allSettled([...this.#syncs]), pause]) : pause);
    }
  }

  /**
   * Holds a call's worst case in the agent's escrow: at once when it fits what the escrow has
   * free, else once the escrow has grown (402 budget_exhausted when it cannot grow enough;
   * 403 for a disabled agent or a provider it may not use, 404 for an unknown agent).
   */
  hold(agentId: string, terms: CallTerms): Promise<CallHold> {
    const e = this.#escrowOf(agentId);
    e.usedAt = Date.now();
    if (e.status === 'open' && e.waiters.length === 0 && e.pending.length < MAX_PENDING_CHARGES) {
      assertProvider(e, terms);
      const worst = this.#worstCase(terms, e.available);
      // A call without its own bound takes the default bound when the escrow can grow to it.
      if (worst && (terms.maxOutputTokens > 0 || worst.maxOutputTokens === this.options.defaultMaxOutputTokens || e.remaining <= 0)) {
        return Promise.resolve(admit(e, terms, worst));
      }
    }
    // Its escrow cannot grow while the budget service does not take its sync: 503 now, not a wait.
    if (e.retries > 0) return Promise.reject(new ServiceUnavailableError('The budget service is unavailable'));
    return new Promise((resolve, reject) => {
      e.waiters.push({ terms, asked: false, resolve, reject });
      this.#syncSoon();
    });
  }

  /** A call that was never sent (refused after its hold): its hold goes back, nothing is charged. */
  release(hold: CallHold): void {
    hold.escrow.held -= hold.held;
  }

  /**
   * Ends a call: its priced usage (or, when that cannot be known, its whole hold) is charged
   * from the escrow with the next sync. Returns what it cost and what remains of the budget
   * as far as this gateway knows.
   */
  settle(hold: CallHold, usage: Usage | null, reason: string, requestId: string): CallEnd {
    const costMicros = usage ? priceOf(hold.terms.prices, usage.inputTokens, usage.outputTokens) : hold.held;
    const e = hold.escrow;
    e.held -= hold.held;
    e.usedAt = Date.now();
    if (e.status === 'closed') {
      // Its escrow expired (this gateway could not sync it in time) and was charged whole: this call is paid.
      this.log.warn({ agent_id: e.agentId, hold_id: hold.id, cost_micros: costMicros }, 'a call ended after its escrow was charged whole');
      return { costMicros, remainingMicros: 0 };
    }
    e.owed += costMicros;
    e.pending.push({
      hold_id: hold.id,
      request_id: requestId,
      provider: hold.terms.provider,
      model: usage?.model ?? hold.terms.model,
      input_tokens: usage?.inputTokens ?? 0,
      output_tokens: usage?.outputTokens ?? 0,
      cost_micros: costMicros,
      whole_hold: usage ? '' : reason,
    });
    return { costMicros, remainingMicros: e.available + Math.max(0, e.remaining) };
  }

  #escrowOf(agentId: string): Escrow {
    let e = this.#escrows.get(agentId);
    if (!e) this.#escrows.set(agentId, (e = new Escrow(agentId)));
    return e;
  }

  /** A sync for calls waiting, sent once this turn of the event loop is over (every call waiting by then goes in it). */
  #syncSoon(): void {
    if (this.#soon) return;
    this.#soon = true;
    setImmediate(() => {
      this.#soon = false;
      this.#send();
    });
  }

  /** Sends one sync for every escrow with work: charges, calls waiting, a heartbeat or a hand-back due, a retry. */
  #send(): void {
    const now = Date.now();
    const batch: Escrow[] = [];
    for (const e of [...this.#escrows.values(), ...this.#closing]) {
      if (e.sending) {
        if (e.retryAt > 0 && e.retryAt <= now) batch.push(e);
        continue;
      }
      const synced = e.status === 'open' || e.status === 'disabled';
      // Handed back with its last charges: only once they fit one sync.
      const idle =
        synced &&
        e.held === 0 &&
        e.waiters.length === 0 &&
        e.pending.length <= MAX_CHARGES_PER_SYNC &&
        now - e.usedAt >= this.options.idleMs;
      const due = idle || e.pending.length > 0 || e.waiters.some((w) => !w.asked) || (synced && now - e.syncedAt >= HEARTBEAT_MS);
      if (!due) continue;
      e.sending = this.#nextSync(e, idle);
      batch.push(e);
    }
    if (batch.length === 0) return;
    for (const e of batch) e.retryAt = 0;
    const sent = batch.map((e) => ({ e, sending: e.sending! }));
    const sync = this.clients.budget.call
      .SyncEscrows(
        {
          escrows: sent.map(({ e, sending: s }) => ({
            agent_id: e.agentId,
            escrow_id: e.id,
            seq: s.seq,
            charges: s.charges,
            want_micros: s.want,
          })),
        },
        { principal: GATEWAY, requestId: `escrow-sync-${randomUUID()}`, routine: true },
      )
      .then(
        (res) => sent.forEach(({ e }, i) => this.#answered(e, res.escrows[i])),
        (err: unknown) => sent.forEach(({ e }) => this.#failed(e, err)),
      );
    this.#syncs.add(sync);
    void sync.finally(() => this.#syncs.delete(sync));
  }

  /** The escrow's next sync: every charge owed, and its size — its calls in flight, the calls waiting, and some headroom (none when idle). */
  #nextSync(e: Escrow, idle: boolean): Sending {
    const charges = e.pending.splice(0, MAX_CHARGES_PER_SYNC);
    const owed = charges.reduce((sum, c) => sum + Number(c.cost_micros), 0);
    let want = 0;
    if (!idle) {
      let need = 0;
      for (const w of e.waiters) {
        w.asked = true;
        need += this.#worstCase(w.terms, Number.MAX_SAFE_INTEGER)?.held ?? 0;
      }
      const headroom = Math.min(
        Math.max(HEADROOM_HOLDS, 2 * e.holdsSinceSync) * e.avgHold,
        Math.floor(Math.max(0, e.remaining) / HEADROOM_SHARE),
      );
      e.holdsSinceSync = 0;
      want = e.held + (e.owed - owed) + need + headroom;
    } else {
      // Handed back: new calls of the agent open a new escrow meanwhile.
      this.#escrows.delete(e.agentId);
      this.#closing.add(e);
    }
    // A shrink is taken as done at once (calls are held within it while the sync is in flight); a growth only once answered.
    if (want < e.cap - owed) e.cap = want + owed;
    return { seq: ++e.seq, charges, want, owed };
  }

  #answered(e: Escrow, state: EscrowState__Output): void {
    const sent = e.sending!;
    e.sending = null;
    e.retries = 0;
    e.owed -= sent.owed;
    e.syncedAt = Date.now();
    switch (state.status) {
      case 'open':
      case 'disabled':
        e.status = state.status;
        e.cap = state.escrow_micros;
        e.remaining = state.remaining_micros;
        e.terms = { providers: state.providers, maxParallelCalls: state.max_parallel_calls, tokensPerMinute: state.tokens_per_minute };
        break;
      case 'not_found':
        e.status = 'not_found';
        this.#forget(e);
        for (const w of e.waiters.splice(0)) w.reject(new NotFoundError('Agent not found'));
        return;
      default: {
        const handedBack = this.#closing.has(e);
        e.status = 'closed';
        this.#forget(e);
        if (!handedBack)
          this.log.warn(
            { agent_id: e.agentId, escrow_id: e.id, dropped: e.pending.length },
            "an escrow expired before this gateway synced it: it was charged whole, its calls' charges are dropped",
          );
        // Calls still waiting move to the agent's next escrow.
        if (e.waiters.length === 0) return;
        const next = this.#escrowOf(e.agentId);
        for (const w of e.waiters.splice(0)) next.waiters.push({ ...w, asked: false });
        this.#syncSoon();
        return;
      }
    }
    for (const w of e.waiters.filter((x) => x.asked)) {
      const worst = this.#worstCase(w.terms, e.available);
      e.waiters.splice(e.waiters.indexOf(w), 1);
      try {
        if (e.status === 'disabled') throw new ForbiddenError('This agent is disabled');
        assertProvider(e, w.terms);
        if (!worst)
          throw new BudgetExhaustedError('Budget exhausted: this call cannot fit what remains', {
            remaining_micros: e.available + Math.max(0, e.remaining),
          });
        w.resolve(admit(e, w.terms, worst));
      } catch (err) {
        w.reject(err);
      }
    }
    if (e.waiters.length > 0) this.#syncSoon();
  }

  #failed(e: Escrow, err: unknown): void {
    // The same sync goes again (a repeat changes nothing if the first got through); calls waiting on it are answered now.
    e.retryAt = Date.now() + RETRY_MS[Math.min(e.retries++, RETRY_MS.length - 1)];
    // A refusal other than an outage is a defect: the sync is still retried (until then, at worst, the escrow expires and is charged whole).
    const outage = !(err instanceof AppError) || err instanceof ServiceUnavailableError;
    if (e.retries === 1)
      this.log[outage ? 'warn' : 'error'](
        { agent_id: e.agentId, err: (err as Error).message },
        'an escrow sync did not get through; retrying',
      );
    const unavailable = new ServiceUnavailableError('The budget service is unavailable');
    for (const w of e.waiters.splice(0)) w.reject(unavailable);
  }

  #worstCase(terms: CallTerms, free: number): { held: number; maxOutputTokens: number } | null {
    return worstCase(terms, this.options.defaultMaxOutputTokens, free);
  }

  #forget(e: Escrow): void {
    this.#closing.delete(e);
    if (this.#escrows.get(e.agentId) === e) this.#escrows.delete(e.agentId);
  }
}

function admit(e: Escrow, terms: CallTerms, worst: { held: number; maxOutputTokens: number }): CallHold {
  e.held += worst.held;
  e.avgHold = e.avgHold === 0 ? worst.held : Math.round(0.8 * e.avgHold + 0.2 * worst.held);
  e.holdsSinceSync++;
  return {
    id: newHoldId(),
    agentId: e.agentId,
    terms,
    held: worst.held,
    maxOutputTokens: worst.maxOutputTokens,
    agent: e.terms,
    escrow: e,
  };
}

function assertProvider(e: Escrow, terms: CallTerms): void {
  if (e.terms.providers.length > 0 && !e.terms.providers.includes(terms.provider))
    throw new ForbiddenError(`This agent may not use provider ${terms.provider}`);
}

/**
 * A call's worst case within `free`: its input bound plus its output bound, priced. A call
 * without an output bound gets the largest that fits, at most `defaultMaxOutput`. Null: it
 * cannot fit.
 */
function worstCase(terms: CallTerms, defaultMaxOutput: number, free: number): { held: number; maxOutputTokens: number } | null {
  const outPrice = terms.prices.output_per_million_micros;
  const inputCost = priceOf(terms.prices, terms.inputTokens, 0);
  let maxOutput = terms.maxOutputTokens;
  if (maxOutput === 0) {
    const affordable = outPrice === 0 ? defaultMaxOutput : Math.floor(((free - inputCost) * 1_000_000) / outPrice);
    maxOutput = Math.min(defaultMaxOutput, Math.max(0, affordable));
    if (maxOutput < 1) return null;
  }
  const held = priceOf(terms.prices, terms.inputTokens, maxOutput);
  return held > free ? null : { held, maxOutputTokens: maxOutput };
}
