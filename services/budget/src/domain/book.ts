import { MAX_MICROS } from './money.js';
import type { BudgetPeriod } from '@tollgate/platform';
import { nextBoundary, periodStart } from './periods.js';
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
 * its unspent part returns when it ends), an `escrow` (a gateway replica's, holding its
 * proxied calls' worst cases: the calls' charges are taken from it, it is resized at each
 * sync and charged whole if its gateway stops syncing), or a `call` (one proxied call's own
 * hold, as journals written before escrows have them: charged whole when it expires).
 */
export type HoldKind = 'lease' | 'escrow' | 'call';

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
  /** An escrow's: the seq of its last sync (a sync at or below it is a repeat). */
  synced?: number;
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
  /** Percentages of the limit whose crossing is announced (budget.threshold), once a period each; ascending. */
  alert_thresholds?: number[];
}

export interface BudgetState {
  agent_id: string;
  profile: AgentProfile;
  /** The journal entry this state is as of (0: none yet). */
  seq: number;
  limit: number;
  /** In the current period. */
  spent: number;
  held: number;
  holds: Record<string, Hold>;
  period: BudgetPeriod;
  /** When the current period began (its creation, a reset, a boundary); null: at creation, in a journal older than periods. */
  period_started_at: Date | null;
  /** The alert thresholds crossed in the current period (each is announced once a period). */
  alerted: number[];
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
  /** Charged from the unreserved budget: all of the cost the hold does not cover, even past the limit. */
  from_free: number;
  /** A proxied call's: the escrow `from_hold` came out of (`hold_id` is the call's own hold). */
  escrow_id?: string;
  /** Why the charge is the whole hold and not priced usage (the usage could not be known). */
  whole_hold?: string;
}

export type JournalOp =
  | { type: 'open'; limit: number; profile: AgentProfile; at?: Date }
  | { type: 'profile'; patch: Partial<AgentProfile> }
  | { type: 'hold'; id: string; kind?: HoldKind; model?: string; prices?: TokenPrices; granted: number; provider: string; expires_at: Date }
  | { type: 'release'; id: string; released: number; reason: ReleaseReason }
  /** Opens or resizes an escrow (and renews its expiry), as of its sync `synced`. */
  | { type: 'escrow'; id: string; unspent: number; synced: number; expires_at: Date }
  /** A hold made smaller: what it no longer holds returns to the budget. */
  | { type: 'shrink'; id: string; unspent: number }
  | ChargeOp
  | { type: 'limit'; change: LimitChange }
  /** A period boundary passed: the spend starts again (what the closed period spent stays in the journal). */
  | { type: 'period'; started_at: Date; closed_spent: number }
  /** The spend reached `threshold` % of the limit this period: announced once (the entry that records it is the commit point). */
  | { type: 'alert'; threshold: number; spent: number; limit: number };

/** Why a hold closed: a lease or an escrow handed back, expired or never given out; a call or an expired escrow settled. */
export type ReleaseReason = 'released' | 'expired' | 'void' | 'settled';

/** What a caller asks of a budget; decided against the state current when its entry is written. */
export type Intent =
  | { type: 'profile'; patch: Partial<AgentProfile> }
  | { type: 'hold'; id: string; requested: number; provider: string; expires_at: Date }
  | EscrowSyncIntent
  | { type: 'release'; id: string; reason: ReleaseReason }
  /** Makes a hold hold at most `to` (a project's part of a lease its agent got less of). */
  | { type: 'shrink'; id: string; to: number }
  | (ChargeRequest & { type: 'charge'; op_id: string; request_id: string })
  | ChargeWholeIntent
  | { type: 'limit'; request_id: string; increase: number; approver_id: string; reason: string; at: Date }
  /** A manager's change of the limit (never below what is spent and held) and/or the period. */
  | { type: 'set_limit'; change_id: string; limit?: number; period?: BudgetPeriod; approver_id: string; reason: string; at: Date }
  /** A manager's reset: a new period starts now. */
  | { type: 'reset'; change_id: string; approver_id: string; reason: string; at: Date };

/** A model's price, micro-dollars per million tokens. */
export interface TokenPrices {
  input_per_million_micros: number;
  output_per_million_micros: number;
}

/** One proxied call's charge, reported with its escrow's sync. */
export interface EscrowCharge {
  /** The call's own hold id (the ledger's op id is made from it) and the client's request id. */
  hold_id: string;
  request_id: string;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_micros: number;
  /** Why the cost is the call's whole hold (its usage could not be known); '' when priced. */
  whole_hold: string;
}

/**
 * A gateway's sync of its escrow `id`: charges its calls' costs from it (all of each, even past
 * the escrow and the limit), then resizes it to `want` — down to it, or up toward it as far as
 * what remains allows (not at all for a disabled agent) — and renews its expiry when it is
 * nearer than `renew_before`. `want` 0 closes it. `seq` 1 opens it; a seq at or below the
 * escrow's last changes nothing (a repeat); a seq above 1 for an escrow that is not open
 * (released, or expired and charged whole) changes nothing either: its calls are paid.
 */
export interface EscrowSyncIntent {
  type: 'sync_escrow';
  id: string;
  seq: number;
  charges: EscrowCharge[];
  want: number;
  expires_at: Date;
  renew_before: Date;
  /**
   * A project's part of an agent's escrow (same id): opened by whichever sync finds it not open,
   * since the agent's escrow may have opened before its project had a budget. Its seqs are the
   * agent escrow's doubled (then + 1 for the shrink to what the agent got).
   */
  mirror?: boolean;
}

/** Charges whole what an expired call hold or escrow still holds (nobody settled it), and closes it. */
export interface ChargeWholeIntent {
  type: 'charge_whole';
  id: string;
  reason: string;
}

/** How an escrow stands after a sync (`disabled`: the agent is; the escrow does not grow). */
export type EscrowStatus = 'open' | 'closed' | 'disabled';

export type ChargeIntent = Extract<Intent, { type: 'charge' }>;

export function chargeRequestOf(c: ChargeRequest): ChargeRequest {
  return {
    hold_id: c.hold_id,
    provider: c.provider,
    model: c.model,
    input_tokens: c.input_tokens,
    output_tokens: c.output_tokens,
    cost_micros: c.cost_micros,
  };
}

export type Outcome =
  | { type: 'profile'; profile: AgentProfile }
  /** A hold of `granted` (0: none was made — nothing was left, or the agent is disabled). */
  | { type: 'hold'; granted: number; disabled: boolean }
  /** `charges`: the ops the sync's charges became, each with what it took beyond what remained (the budget is then below zero). */
  | {
      type: 'sync_escrow';
      status: EscrowStatus;
      escrow: number;
      expires_at: Date | null;
      charges: { op: ChargeOp; overrun: number }[];
      profile: AgentProfile;
    }
  /** `op`: absent when the hold was closed already. */
  | { type: 'charge_whole'; op?: ChargeOp }
  /** `closed`: this release closed the hold (false: it was closed before). */
  | { type: 'release'; released: number; closed: boolean }
  /** What a shrink returned to the budget. */
  | { type: 'shrink'; released: number }
  /** `duplicate`: the report was already in the journal (`charged` is what it charged then). */
  | { type: 'charge'; charged: number; duplicate: boolean; overrun: number; op?: ChargeOp }
  /** null change: the request was applied before. */
  | { type: 'limit'; change: LimitChange | null }
  /** The limit would pass what a counter can hold. */
  | { type: 'limit_overflow' }
  /** A lower limit than what is spent and held (`committed`) was asked. */
  | { type: 'limit_below_committed'; committed: number };

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
    period: 'none',
    period_started_at: null,
    alerted: [],
    today: { day: '', rows: [] },
  };
}

export function cloneState(s: BudgetState): BudgetState {
  return {
    ...s,
    profile: { ...s.profile },
    holds: Object.fromEntries(Object.entries(s.holds).map(([id, h]) => [id, { ...h }])),
    history: [...s.history],
    alerted: [...s.alerted],
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
      s.period_started_at = op.at ?? null;
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
    case 'shrink': {
      const hold = s.holds[op.id];
      if (!hold) return;
      s.held -= hold.unspent - op.unspent;
      hold.granted -= hold.unspent - op.unspent;
      hold.unspent = op.unspent;
      return;
    }
    case 'release': {
      // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- holds is a plain record (stored as a document); a release removes its entry
      delete s.holds[op.id];
      s.held -= op.released;
      return;
    }
    case 'escrow': {
      const escrow = (s.holds[op.id] ??= { kind: 'escrow', granted: 0, unspent: 0, provider: '', expires_at: op.expires_at });
      s.held += op.unspent - escrow.unspent;
      escrow.granted = escrow.unspent = op.unspent;
      escrow.synced = op.synced;
      escrow.expires_at = op.expires_at;
      return;
    }
    case 'charge': {
      const hold = s.holds[op.escrow_id ?? op.hold_id];
      if (hold && op.from_hold > 0) hold.unspent -= op.from_hold;
      s.held -= op.from_hold;
      s.spent += op.from_hold + op.from_free;
      addSpend(s.today, op);
      return;
    }
    case 'limit':
      s.limit = op.change.new_limit;
      if (op.change.period && op.change.period !== s.period) {
        s.period = op.change.period;
        s.period_started_at ??= op.change.at;
      }
      if (op.change.kind === 'reset') {
        s.spent = 0;
        s.period_started_at = op.change.at;
        s.alerted = [];
      }
      s.history.push(op.change);
      return;
    case 'period':
      s.spent = 0;
      s.period_started_at = op.started_at;
      s.alerted = [];
      return;
    case 'alert':
      s.alerted = [...s.alerted, op.threshold];
      return;
  }
}

/** Alerts for the thresholds the spend has reached this period and that were not announced yet. */
export function thresholdAlerts(s: BudgetState): JournalOp[] {
  return (s.profile.alert_thresholds ?? [])
    .filter((t) => !s.alerted.includes(t) && s.limit > 0 && s.spent * 100 >= t * s.limit)
    .map((threshold) => ({ type: 'alert', threshold, spent: s.spent, limit: s.limit }));
}

/** The op that starts the period `now` falls in, when a boundary has passed since the current one began. */
export function periodRollover(s: BudgetState, now: Date): JournalOp | null {
  if (s.period === 'none' || !s.period_started_at) return null;
  if (now < nextBoundary(s.period, s.period_started_at)!) return null;
  return { type: 'period', started_at: periodStart(s.period, now), closed_spent: s.spent };
}

/** When the spend starts again next (null: never). */
export function resetsAt(s: Pick<BudgetState, 'period' | 'period_started_at'>): Date | null {
  return s.period_started_at && nextBoundary(s.period, s.period_started_at);
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

/**
 * A charge of `costMicros` taken from the hold first, the rest from the unreserved budget —
 * all of it, even beyond what remains: what the provider was paid is what is spent.
 * `overrun` is what went beyond what remained (the budget is then below zero).
 */
function charged(
  s: Pick<BudgetState, 'limit' | 'spent' | 'held'>,
  costMicros: number,
  unspent: number,
): { from_hold: number; from_free: number; overrun: number } {
  const from_hold = Math.min(costMicros, unspent);
  const from_free = costMicros - from_hold;
  return { from_hold, from_free, overrun: Math.max(0, from_free - Math.max(0, remainingOf(s))) };
}

/** A limit change as the history keeps it: from the state's limit and period, by whom, why and when. */
function limitChange(
  s: BudgetState,
  by: Pick<LimitChange, 'approver_id' | 'reason' | 'at'>,
  change: Pick<LimitChange, 'kind' | 'new_limit' | 'request_id'> & Partial<Pick<LimitChange, 'period' | 'closed_spent'>>,
): LimitChange {
  return { old_limit: s.limit, period: s.period, approver_id: by.approver_id, reason: by.reason, at: by.at, ...change };
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
    case 'sync_escrow': {
      outcome = decideEscrowSync(s, intent, ops);
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
    case 'shrink': {
      const hold = s.holds[intent.id];
      if (hold && intent.to < hold.unspent) ops.push({ type: 'shrink', id: intent.id, unspent: Math.max(0, intent.to) });
      outcome = { type: 'shrink', released: hold ? Math.max(0, hold.unspent - Math.max(0, intent.to)) : 0 };
      break;
    }
    case 'charge': {
      const split = charged(s, intent.cost_micros, (intent.hold_id && s.holds[intent.hold_id]?.unspent) || 0);
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
    case 'charge_whole': {
      const hold = s.holds[intent.id];
      if (!hold) {
        outcome = { type: 'charge_whole' };
        break;
      }
      const charge: ChargeOp = {
        type: 'charge',
        op_id: `call:${intent.id}`,
        request_id: intent.id,
        hold_id: intent.id,
        provider: hold.provider,
        model: hold.model ?? '',
        input_tokens: 0,
        output_tokens: 0,
        cost_micros: hold.unspent,
        from_hold: hold.unspent,
        from_free: 0,
        whole_hold: intent.reason,
      };
      ops.push(charge, { type: 'release', id: intent.id, released: 0, reason: 'settled' });
      outcome = { type: 'charge_whole', op: charge };
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
      const change = limitChange(s, intent, { kind: 'request', new_limit: newLimit, request_id: intent.request_id });
      ops.push({ type: 'limit', change });
      outcome = { type: 'limit', change };
      break;
    }
    case 'set_limit': {
      const newLimit = intent.limit ?? s.limit;
      // Never below what is already spent and held: holds are promises made to calls in flight.
      if (newLimit < s.limit && newLimit < s.spent + s.held) {
        outcome = { type: 'limit_below_committed', committed: s.spent + s.held };
        break;
      }
      const change = limitChange(s, intent, {
        kind: 'set',
        new_limit: newLimit,
        request_id: intent.change_id,
        period: intent.period ?? s.period,
      });
      ops.push({ type: 'limit', change });
      outcome = { type: 'limit', change };
      break;
    }
    case 'reset': {
      const change = limitChange(s, intent, { kind: 'reset', new_limit: s.limit, request_id: intent.change_id, closed_spent: s.spent });
      ops.push({ type: 'limit', change });
      outcome = { type: 'limit', change };
      break;
    }
  }
  for (const op of ops) applyOp(s, op);
  return { ops, outcome };
}

/**
 * An escrow's sync (see EscrowSyncIntent). Its calls' holds were decided by its gateway within
 * it, so the charges are its to pay first; the resize never grows it past what remains, which
 * is what keeps every replica's escrows and holds together within the limit.
 */
function decideEscrowSync(s: BudgetState, intent: EscrowSyncIntent, ops: JournalOp[]): Outcome {
  const held = s.holds[intent.id];
  // A hold of another kind under that id is no escrow of this gateway's.
  let escrow = held?.kind === 'escrow' ? held : undefined;
  const status: EscrowStatus = s.profile.disabled ? 'disabled' : 'open';
  /** Nothing changes: the escrow as it stands. */
  const answer = (st: EscrowStatus): Outcome => ({
    type: 'sync_escrow',
    status: st,
    escrow: escrow?.unspent ?? 0,
    expires_at: escrow?.expires_at ?? null,
    charges: [],
    profile: s.profile,
  });
  if (held && !escrow) return answer('closed');
  if (!escrow && intent.mirror && !s.profile.disabled) {
    if (intent.want === 0 && intent.charges.length === 0) return answer('closed');
    // A project's part not open yet: as if open and empty — the ops below charge and open it.
    escrow = { kind: 'escrow', granted: 0, unspent: 0, provider: '', expires_at: intent.expires_at, synced: 0 };
  }
  if (!escrow) {
    // Not open: a first sync opens it (not for a disabled agent); a later one finds it closed, its calls paid.
    if (intent.seq !== 1 || s.profile.disabled) return answer(intent.seq === 1 ? 'disabled' : 'closed');
    const unspent = Math.min(intent.want, Math.max(0, remainingOf(s)));
    ops.push({ type: 'escrow', id: intent.id, unspent, synced: 1, expires_at: intent.expires_at });
    return { type: 'sync_escrow', status, escrow: unspent, expires_at: intent.expires_at, charges: [], profile: s.profile };
  }
  if (intent.seq <= (escrow.synced ?? 0)) return answer(status);

  // The charges are decided one after another against running totals (the ops are applied once decided).
  let unspent = escrow.unspent;
  const totals = { limit: s.limit, spent: s.spent, held: s.held };
  const charges = intent.charges.map((c) => {
    const { from_hold, from_free, overrun } = charged(totals, c.cost_micros, unspent);
    unspent -= from_hold;
    totals.held -= from_hold;
    totals.spent += c.cost_micros;
    const op: ChargeOp = {
      type: 'charge',
      op_id: `call:${c.hold_id}`,
      request_id: c.request_id,
      hold_id: c.hold_id,
      provider: c.provider,
      model: c.model,
      input_tokens: c.input_tokens,
      output_tokens: c.output_tokens,
      cost_micros: c.cost_micros,
      from_hold,
      from_free,
      escrow_id: intent.id,
      ...(c.whole_hold ? { whole_hold: c.whole_hold } : {}),
    };
    ops.push(op);
    return { op, overrun };
  });
  if (intent.want === 0) {
    ops.push({ type: 'release', id: intent.id, released: unspent, reason: 'released' });
    return { type: 'sync_escrow', status: 'closed', escrow: 0, expires_at: null, charges, profile: s.profile };
  }
  const grown = status === 'open' ? unspent + Math.min(intent.want - unspent, Math.max(0, remainingOf(totals))) : unspent;
  const size = intent.want <= unspent ? intent.want : grown;
  const renew = escrow.expires_at.getTime() < intent.renew_before.getTime();
  const expiresAt = renew ? intent.expires_at : escrow.expires_at;
  // A sync that changes nothing writes nothing (a gateway's heartbeat): a repeat of it, even a late one, is harmless.
  if (charges.length > 0 || size !== escrow.unspent || renew)
    ops.push({ type: 'escrow', id: intent.id, unspent: size, synced: intent.seq, expires_at: expiresAt });
  return { type: 'sync_escrow', status, escrow: size, expires_at: expiresAt, charges, profile: s.profile };
}
