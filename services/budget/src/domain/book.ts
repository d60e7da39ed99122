import { MAX_MICROS } from './money.js';
import type { LimitChange } from './records.js';

/**
 * An agent's budget as a state machine over its journal. The journal is append-only: each
 * entry holds the ops it applied and the totals after them, and its unique key (agent,
 * seq) is the commit point — of two writers that computed entry n+1 from entry n, one
 * insert wins and the other recomputes from the winner's state. Everything here is pure:
 * the same ops applied to the same state give the same state on every replica.
 *
 * Money is integer micro-dollars. Invariant after every op:
 *   held = Σ unspent of open holds,  remaining = limit − spent − held ≥ 0.
 */

/**
 * Money set aside until it is settled or released: a `lease` (an agent runtime's handshake:
 * its unspent part returns when it ends) or a `call` (one proxied call's worst case: settled
 * to its priced usage, or charged whole when that cannot be known).
 */
export type HoldKind = 'lease' | 'call';

export interface Hold {
  /** Absent in entries written before calls had holds of their own: those are leases. */
  kind?: HoldKind;
  /** A call's: the model and prices its worst case was priced with — its usage is charged at the same prices. */
  model?: string;
  prices?: TokenPrices;
  granted: number;
  unspent: number;
  provider: string;
  expires_at: Date;
}

/** Spend of one (provider, model) on one UTC day. */
export interface SpendRow {
  provider: string;
  model: string;
  spent_micros: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

/** Totals of the entry's UTC day: what the daily rollup of that day says once the day is over. */
export interface DayTotals {
  day: string;
  rows: SpendRow[];
}

/** What people may change about an agent. Kept in the journal, so that a hold decided after a disable sees it. */
export interface AgentProfile {
  name: string;
  description: string;
  disabled: boolean;
  /** Proxied calls in flight at once, and tokens a minute (0 or absent: the service's defaults). */
  max_parallel_calls?: number;
  tokens_per_minute?: number;
}

/** Tokens used by proxied calls in one UTC minute (for the tokens-per-minute limit). */
export interface MinuteUsage {
  minute: number;
  tokens: number;
}

export interface BudgetState {
  agent_id: string;
  profile: AgentProfile;
  /** The journal entry this state is as of (0: none yet). */
  seq: number;
  limit: number;
  spent: number;
  held: number;
  holds: Record<string, Hold>;
  /** Every limit change, oldest first (also what makes applying a budget request idempotent). */
  history: LimitChange[];
  today: DayTotals;
  /** Absent before calls were limited per minute. */
  minute?: MinuteUsage;
}

/** One usage report, as it is asked to be charged. */
export interface ChargeRequest {
  hold_id: string;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  /** The priced or reported cost of the call. */
  cost_micros: number;
}

/** What one usage report charged, as the ledger keeps it. */
export interface ChargeOp extends ChargeRequest {
  type: 'charge';
  /** usageOpId(agent, request_id): the report's identity. */
  op_id: string;
  request_id: string;
  /** Charged from the hold's unspent part. */
  from_hold: number;
  /** Charged from the unreserved budget: all of the cost the hold does not cover, even past the limit. */
  from_free: number;
  /** A proxied call's: the UTC minute its tokens count in (tokens-per-minute limit). */
  minute?: number;
  /** Why the charge is the whole hold and not priced usage (the usage could not be known). */
  whole_hold?: string;
}

export type JournalOp =
  | { type: 'open'; limit: number; profile: AgentProfile }
  | { type: 'profile'; patch: Partial<AgentProfile> }
  | { type: 'hold'; id: string; kind?: HoldKind; model?: string; prices?: TokenPrices; granted: number; provider: string; expires_at: Date }
  | { type: 'release'; id: string; released: number; reason: ReleaseReason }
  | ChargeOp
  | { type: 'limit'; change: LimitChange };

/** Why a hold closed: a lease handed back, expired or never given out; a call settled. */
export type ReleaseReason = 'released' | 'expired' | 'void' | 'settled';

/** What a caller asks of a budget; decided against the state current when its entry is written. */
export type Intent =
  | { type: 'profile'; patch: Partial<AgentProfile> }
  | { type: 'hold'; id: string; requested: number; provider: string; expires_at: Date }
  | CallHoldIntent
  | { type: 'release'; id: string; reason: ReleaseReason }
  | (ChargeRequest & { type: 'charge'; op_id: string; request_id: string })
  | SettleIntent
  | { type: 'limit'; request_id: string; increase: number; approver_id: string; reason: string; at: Date };

/** A model's price, micro-dollars per million tokens. */
export interface TokenPrices {
  input_per_million_micros: number;
  output_per_million_micros: number;
}

/**
 * One proxied call's worst case: `input_tokens` (a bound never below what the provider
 * bills) and `max_output_tokens` (0: the largest that fits what remains, at most
 * `default_max_output_tokens`), priced with `prices`.
 */
export interface CallHoldIntent {
  type: 'hold_call';
  id: string;
  provider: string;
  model: string;
  prices: TokenPrices;
  input_tokens: number;
  max_output_tokens: number;
  default_max_output_tokens: number;
  expires_at: Date;
  /** The UTC minute (since the epoch) the call starts in. */
  minute: number;
  /** The service's limits, for an agent whose profile sets none. */
  default_max_parallel_calls: number;
  default_tokens_per_minute: number;
}

/**
 * Ends a call's hold: charges `usage` at the prices the hold was taken with (all of it, even
 * past the hold), or the whole hold when the usage cannot be known (`usage` null), and
 * releases the rest. A provider error before any answer is a usage of no tokens.
 */
export interface SettleIntent {
  type: 'settle';
  id: string;
  op_id: string;
  request_id: string;
  usage: { model: string; input_tokens: number; output_tokens: number } | null;
  /** Why, when the whole hold is charged (kept in the ledger). */
  reason: string;
  minute: number;
}

/** Why a call got no hold. */
export type CallRefusal = 'exhausted' | 'disabled' | 'too_many_calls' | 'tokens_per_minute';

export type ChargeIntent = Extract<Intent, { type: 'charge' }>;

export function chargeRequestOf(c: ChargeRequest): ChargeRequest {
  return { hold_id: c.hold_id, provider: c.provider, model: c.model, input_tokens: c.input_tokens, output_tokens: c.output_tokens, cost_micros: c.cost_micros };
}

export type Outcome =
  | { type: 'profile'; profile: AgentProfile }
  /** A hold of `granted` (0: none was made — nothing was left, or the agent is disabled). */
  | { type: 'hold'; granted: number; disabled: boolean }
  | { type: 'hold_call'; granted: number; max_output_tokens: number; refused?: CallRefusal; remaining: number }
  /** `overrun`: what the charge took beyond what remained (the budget is then below zero). */
  | { type: 'settle'; charged: number; released: number; overrun: number; closed: boolean; op?: ChargeOp }
  /** `closed`: this release closed the hold (false: it was closed before). */
  | { type: 'release'; released: number; closed: boolean }
  /** `duplicate`: the report was already in the journal (`charged` is what it charged then). */
  | { type: 'charge'; charged: number; duplicate: boolean; overrun: number; op?: ChargeOp }
  /** null change: the request was applied before. */
  | { type: 'limit'; change: LimitChange | null }
  /** The limit would pass what a counter can hold. */
  | { type: 'limit_overflow' };

export function remainingOf(s: Pick<BudgetState, 'limit' | 'spent' | 'held'>): number {
  return s.limit - s.spent - s.held;
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export function emptyState(agentId: string): BudgetState {
  return {
    agent_id: agentId,
    profile: { name: '', description: '', disabled: false },
    seq: 0,
    limit: 0,
    spent: 0,
    held: 0,
    holds: {},
    history: [],
    today: { day: '', rows: [] },
  };
}

export function cloneState(s: BudgetState): BudgetState {
  return {
    ...s,
    profile: { ...s.profile },
    holds: Object.fromEntries(Object.entries(s.holds).map(([id, h]) => [id, { ...h }])),
    history: [...s.history],
    today: { day: s.today.day, rows: s.today.rows.map((r) => ({ ...r })) },
  };
}

/** Moves the state to `day` (a later UTC day starts with no spend). Days never go back. */
export function enterDay(s: BudgetState, day: string): void {
  if (day > s.today.day) s.today = { day, rows: [] };
}

/** Applies a recorded op (replay and writing alike): no decisions here, only arithmetic. */
export function applyOp(s: BudgetState, op: JournalOp): void {
  switch (op.type) {
    case 'open':
      s.limit = op.limit;
      s.profile = { ...op.profile };
      return;
    case 'profile':
      s.profile = { ...s.profile, ...op.patch };
      return;
    case 'hold':
      s.holds[op.id] = {
        kind: op.kind ?? 'lease',
        ...(op.kind === 'call' ? { model: op.model, prices: op.prices } : {}),
        granted: op.granted,
        unspent: op.granted,
        provider: op.provider,
        expires_at: op.expires_at,
      };
      s.held += op.granted;
      return;
    case 'release': {
      delete s.holds[op.id];
      s.held -= op.released;
      return;
    }
    case 'charge': {
      const hold = s.holds[op.hold_id];
      if (hold && op.from_hold > 0) hold.unspent -= op.from_hold;
      s.held -= op.from_hold;
      s.spent += op.from_hold + op.from_free;
      addSpend(s.today, op);
      if (op.minute !== undefined) countMinute(s, op.minute, op.input_tokens + op.output_tokens);
      return;
    }
    case 'limit':
      s.limit = op.change.new_limit;
      s.history.push(op.change);
      return;
  }
}

function countMinute(s: BudgetState, minute: number, tokens: number): void {
  if (!s.minute || minute > s.minute.minute) s.minute = { minute, tokens: 0 };
  if (minute === s.minute.minute) s.minute.tokens += tokens;
}

function addSpend(today: DayTotals, op: ChargeOp): void {
  let row = today.rows.find((r) => r.provider === op.provider && r.model === op.model);
  if (!row) {
    row = { provider: op.provider, model: op.model, spent_micros: 0, requests: 0, input_tokens: 0, output_tokens: 0 };
    today.rows.push(row);
  }
  row.spent_micros += op.from_hold + op.from_free;
  row.requests += 1;
  row.input_tokens += op.input_tokens;
  row.output_tokens += op.output_tokens;
}

/** The price of `tokens` at `perMillion` micro-dollars per million, rounded up (never under-charged). */
export function priceTokens(tokens: number, perMillion: number): number {
  return Number((BigInt(tokens) * BigInt(perMillion) + 999_999n) / 1_000_000n);
}

/**
 * A charge of `cost` taken from the hold first, the rest from the unreserved budget —
 * all of it, even beyond what remains: what the provider was paid is what is spent.
 * `overrun` is what went beyond what remained (the budget is then below zero).
 */
function charged(s: BudgetState, cost: number, hold: Hold | undefined): { from_hold: number; from_free: number; overrun: number } {
  const from_hold = hold ? Math.min(cost, hold.unspent) : 0;
  const from_free = cost - from_hold;
  return { from_hold, from_free, overrun: Math.max(0, from_free - Math.max(0, remainingOf(s))) };
}

/** Decides an intent against the state and applies the ops it yields (none when it changes nothing). */
export function decide(s: BudgetState, intent: Intent): { ops: JournalOp[]; outcome: Outcome } {
  const ops: JournalOp[] = [];
  let outcome: Outcome;
  switch (intent.type) {
    case 'profile': {
      ops.push({ type: 'profile', patch: intent.patch });
      outcome = { type: 'profile', profile: { ...s.profile, ...intent.patch } };
      break;
    }
    case 'hold': {
      const granted = s.profile.disabled ? 0 : Math.min(intent.requested, remainingOf(s));
      if (granted <= 0 || s.holds[intent.id]) {
        outcome = { type: 'hold', granted: 0, disabled: s.profile.disabled };
        break;
      }
      ops.push({ type: 'hold', id: intent.id, kind: 'lease', granted, provider: intent.provider, expires_at: intent.expires_at });
      outcome = { type: 'hold', granted, disabled: false };
      break;
    }
    case 'hold_call': {
      outcome = decideCallHold(s, intent, ops);
      break;
    }
    case 'release': {
      const hold = s.holds[intent.id];
      if (!hold) {
        outcome = { type: 'release', released: 0, closed: false };
        break;
      }
      ops.push({ type: 'release', id: intent.id, released: hold.unspent, reason: intent.reason });
      outcome = { type: 'release', released: hold.unspent, closed: true };
      break;
    }
    case 'charge': {
      const split = charged(s, intent.cost_micros, intent.hold_id ? s.holds[intent.hold_id] : undefined);
      const charge: ChargeOp = {
        type: 'charge',
        op_id: intent.op_id,
        request_id: intent.request_id,
        ...chargeRequestOf(intent),
        from_hold: split.from_hold,
        from_free: split.from_free,
      };
      ops.push(charge);
      outcome = { type: 'charge', charged: intent.cost_micros, duplicate: false, overrun: split.overrun, op: charge };
      break;
    }
    case 'settle': {
      const hold = s.holds[intent.id];
      if (!hold || hold.kind !== 'call') {
        outcome = { type: 'settle', charged: 0, released: 0, overrun: 0, closed: false };
        break;
      }
      const prices = hold.prices ?? { input_per_million_micros: 0, output_per_million_micros: 0 };
      const cost = intent.usage
        ? priceTokens(intent.usage.input_tokens, prices.input_per_million_micros) + priceTokens(intent.usage.output_tokens, prices.output_per_million_micros)
        : hold.unspent;
      const split = charged(s, cost, hold);
      const charge: ChargeOp = {
        type: 'charge',
        op_id: intent.op_id,
        request_id: intent.request_id,
        hold_id: intent.id,
        provider: hold.provider,
        model: intent.usage?.model ?? hold.model ?? '',
        input_tokens: intent.usage?.input_tokens ?? 0,
        output_tokens: intent.usage?.output_tokens ?? 0,
        cost_micros: cost,
        from_hold: split.from_hold,
        from_free: split.from_free,
        minute: intent.minute,
        ...(intent.usage ? {} : { whole_hold: intent.reason }),
      };
      const released = hold.unspent - split.from_hold;
      ops.push(charge, { type: 'release', id: intent.id, released, reason: 'settled' });
      outcome = { type: 'settle', charged: cost, released, overrun: split.overrun, closed: true, op: charge };
      break;
    }
    case 'limit': {
      if (s.history.some((c) => c.request_id === intent.request_id)) {
        outcome = { type: 'limit', change: null };
        break;
      }
      const newLimit = s.limit + intent.increase;
      if (newLimit > MAX_MICROS) {
        outcome = { type: 'limit_overflow' };
        break;
      }
      const change: LimitChange = {
        old_limit: s.limit,
        new_limit: newLimit,
        approver_id: intent.approver_id,
        request_id: intent.request_id,
        reason: intent.reason,
        at: intent.at,
      };
      ops.push({ type: 'limit', change });
      outcome = { type: 'limit', change };
      break;
    }
  }
  for (const op of ops) applyOp(s, op);
  return { ops, outcome };
}

/**
 * A proxied call's hold: its worst case must fit what remains, and the agent must be within
 * its limits on calls in flight and tokens this minute — all decided here, against the same
 * state, so parallel calls on any replicas never hold more than the budget.
 */
function decideCallHold(s: BudgetState, intent: CallHoldIntent, ops: JournalOp[]): Outcome {
  const remaining = remainingOf(s);
  const refuse = (refused: CallRefusal): Outcome => ({ type: 'hold_call', granted: 0, max_output_tokens: 0, refused, remaining });
  if (s.profile.disabled) return refuse('disabled');
  const inFlight = Object.values(s.holds).filter((h) => h.kind === 'call').length;
  if (inFlight >= (s.profile.max_parallel_calls || intent.default_max_parallel_calls)) return refuse('too_many_calls');
  const perMinute = s.profile.tokens_per_minute || intent.default_tokens_per_minute;
  if (s.minute && s.minute.minute === intent.minute && s.minute.tokens >= perMinute) return refuse('tokens_per_minute');
  const { input_per_million_micros: inPrice, output_per_million_micros: outPrice } = intent.prices;
  const inputCost = priceTokens(intent.input_tokens, inPrice);
  let maxOutput = intent.max_output_tokens;
  if (maxOutput === 0) {
    // The largest answer that fits what remains, at most the default (a model without an output price: the default).
    const affordable = outPrice === 0 ? intent.default_max_output_tokens : Math.floor(((remaining - inputCost) * 1_000_000) / outPrice);
    maxOutput = Math.min(intent.default_max_output_tokens, Math.max(0, affordable));
    if (maxOutput < 1 && intent.default_max_output_tokens > 0) return refuse('exhausted');
  }
  const worst = inputCost + priceTokens(maxOutput, outPrice);
  if (worst > remaining || s.holds[intent.id]) return refuse('exhausted');
  ops.push({ type: 'hold', id: intent.id, kind: 'call', model: intent.model, prices: intent.prices, granted: worst, provider: intent.provider, expires_at: intent.expires_at });
  return { type: 'hold_call', granted: worst, max_output_tokens: maxOutput, remaining: remaining - worst };
}
