import { splitCharge } from './charging.js';
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

/** Money set aside for one lease (a handshake, or one proxied call), until it is released. */
export interface Hold {
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
  /** Charged from the unreserved budget. */
  from_free: number;
  /** What the budget could not cover (cost − charged); recorded, never charged. */
  unbilled_micros: number;
}

export type JournalOp =
  | { type: 'open'; limit: number; profile: AgentProfile }
  | { type: 'profile'; patch: Partial<AgentProfile> }
  | { type: 'hold'; id: string; granted: number; provider: string; expires_at: Date }
  | { type: 'release'; id: string; released: number; reason: ReleaseReason }
  | ChargeOp
  | { type: 'limit'; change: LimitChange };

export type ReleaseReason = 'released' | 'expired' | 'void';

/** What a caller asks of a budget; decided against the state current when its entry is written. */
export type Intent =
  | { type: 'profile'; patch: Partial<AgentProfile> }
  | { type: 'hold'; id: string; requested: number; provider: string; expires_at: Date }
  | { type: 'release'; id: string; reason: ReleaseReason }
  | (ChargeRequest & { type: 'charge'; op_id: string; request_id: string; allow_overage: boolean })
  | { type: 'limit'; request_id: string; increase: number; approver_id: string; reason: string; at: Date };

export type ChargeIntent = Extract<Intent, { type: 'charge' }>;

export function chargeRequestOf(c: ChargeRequest): ChargeRequest {
  return { hold_id: c.hold_id, provider: c.provider, model: c.model, input_tokens: c.input_tokens, output_tokens: c.output_tokens, cost_micros: c.cost_micros };
}

export type Outcome =
  | { type: 'profile'; profile: AgentProfile }
  /** A hold of `granted` (0: none was made — nothing was left, or the agent is disabled). */
  | { type: 'hold'; granted: number; disabled: boolean }
  /** `closed`: this release closed the hold (false: it was closed before). */
  | { type: 'release'; released: number; closed: boolean }
  /** `duplicate`: the report was already in the journal (`charged` is what it charged then). */
  | { type: 'charge'; charged: number; duplicate: boolean; op?: ChargeOp }
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
      s.holds[op.id] = { granted: op.granted, unspent: op.granted, provider: op.provider, expires_at: op.expires_at };
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
      return;
    }
    case 'limit':
      s.limit = op.change.new_limit;
      s.history.push(op.change);
      return;
  }
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

/** Decides an intent against the state and applies the op it yields (if any). */
export function decide(s: BudgetState, intent: Intent): { op: JournalOp | null; outcome: Outcome } {
  let op: JournalOp | null = null;
  let outcome: Outcome;
  switch (intent.type) {
    case 'profile': {
      op = { type: 'profile', patch: intent.patch };
      outcome = { type: 'profile', profile: { ...s.profile, ...intent.patch } };
      break;
    }
    case 'hold': {
      const granted = s.profile.disabled ? 0 : Math.min(intent.requested, remainingOf(s));
      if (granted <= 0 || s.holds[intent.id]) {
        outcome = { type: 'hold', granted: 0, disabled: s.profile.disabled };
        break;
      }
      op = { type: 'hold', id: intent.id, granted, provider: intent.provider, expires_at: intent.expires_at };
      outcome = { type: 'hold', granted, disabled: false };
      break;
    }
    case 'release': {
      const hold = s.holds[intent.id];
      if (!hold) {
        outcome = { type: 'release', released: 0, closed: false };
        break;
      }
      op = { type: 'release', id: intent.id, released: hold.unspent, reason: intent.reason };
      outcome = { type: 'release', released: hold.unspent, closed: true };
      break;
    }
    case 'charge': {
      const hold = intent.hold_id ? s.holds[intent.hold_id] : undefined;
      const split = splitCharge({
        cost: intent.cost_micros,
        remaining: remainingOf(s),
        slot: hold,
        withLease: Boolean(intent.hold_id),
        allowOverage: intent.allow_overage,
      });
      const charge: ChargeOp = {
        type: 'charge',
        op_id: intent.op_id,
        request_id: intent.request_id,
        ...chargeRequestOf(intent),
        from_hold: split.fromLease,
        from_free: split.fromRemaining,
        unbilled_micros: split.unbilled,
      };
      op = charge;
      outcome = { type: 'charge', charged: split.fromLease + split.fromRemaining, duplicate: false, op: charge };
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
      op = { type: 'limit', change };
      outcome = { type: 'limit', change };
      break;
    }
  }
  if (op) applyOp(s, op);
  return { op, outcome };
}
