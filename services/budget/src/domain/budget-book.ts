import { findLast, NotFoundError, type Logger } from '@tollgate/platform';
import {
  applyOp,
  type AgentProfile,
  cloneState,
  decide,
  emptyState,
  enterDay,
  periodRollover,
  remainingOf,
  thresholdAlerts,
  utcDay,
  type BudgetState,
  type DayTotals,
  type Intent,
  type JournalOp,
  type Outcome,
} from './book.js';
import type { JournalEntry, JournalRepository, RollupRepository } from './repositories.js';
import { OpenDayRollups } from './open-day-rollups.js';

/** Entries 1, 1+K, 1+2K, … carry the whole state, so a cold start replays at most K−1 entries. */
export const SNAPSHOT_EVERY = 32;
/** How often the head hint is refreshed (it only shortens the search for the head). */
const HINT_EVERY = 16;
/** The most intents one entry applies, and the most agents one insert carries. */
const MAX_OPS_PER_ENTRY = 200;
const MAX_AGENTS_PER_BATCH = 100;
/**
 * Batches inserted at once. Each agent is in at most one, so an agent's entries still go in
 * one after another, but one agent's insert never waits for another's round trip.
 */
const MAX_BATCHES_IN_FLIGHT = 4;
/** Entries read at once while catching up with another replica's writes. */
export const READ_AHEAD = 16;
/** Charge op ids remembered per agent, so a report is never charged twice (see `afterSeq`). */
const MAX_OBSERVED = 20_000;

export interface Totals extends Pick<BudgetState, 'period' | 'period_started_at'> {
  limit: number;
  spent: number;
  held: number;
  remaining: number;
}

/** How one intent ended: its outcome, and the budget right after it (as if intents ran one by one). */
export interface Decided {
  outcome: Outcome;
  /** The entry that recorded it (or the head it was decided against, when it changed nothing). */
  seq: number;
  after: Totals;
}

export interface Submission {
  intent: Intent;
  /**
   * For a usage report: the head when its claim was made. A charge with this op id in any
   * entry after it is a duplicate — the book reads those entries if it has not seen them.
   */
  afterSeq?: number;
}

interface Waiting extends Submission {
  resolve(d: Decided): void;
  reject(err: unknown): void;
}

/** One agent's part of a batch: the intents taken, how they were decided, and the entry recording them. */
interface Batch {
  agentId: string;
  loaded: Loaded;
  taken: Waiting[];
  base: number;
  next: BudgetState;
  decided: Decided[];
  entry: JournalEntry | null;
}

interface Loaded {
  state: BudgetState;
  /** Charge op ids in entries from `observedFrom` on, with what each charged and where. */
  observed: Map<string, { seq: number; charged: number }>;
  observedFrom: number;
  /** When the head was last known to be the journal's (loaded, caught up, or our entry stored after it). */
  verifiedAt: number;
}

export interface BudgetBookDeps {
  journal: JournalRepository;
  rollups: RollupRepository;
  log: Logger;
  /**
   * Entries older than this may be archived (moved out of the hot journal). A cached head not
   * verified for a quarter of it (at most 10 minutes) is dropped: entries after a head known
   * that recently are younger than the hot period, so they are still in the hot journal, where
   * a probe or a colliding insert finds them.
   */
  hotPeriodMs: number;
  now?: () => Date;
  /** Hears of each threshold alert in an entry this replica stored (the entry is its commit point: it is heard once). */
  onAlert?: (agentId: string, alert: Extract<JournalOp, { type: 'alert' }>, state: BudgetState) => Promise<void>;
}

const totalsOf = (s: BudgetState): Totals => ({
  limit: s.limit,
  spent: s.spent,
  held: s.held,
  remaining: remainingOf(s),
  period: s.period,
  period_started_at: s.period_started_at,
});

/**
 * The writer of every agent's budget journal. Intents queue per agent; a batch turns what
 * is queued into one entry per agent (its ops decided in queue order against the agent's
 * head) and inserts all of them with one round trip — a few batches at once, each agent in
 * at most one. The insert of entry (agent, seq) is
 * the commit point, atomic on every database: if another replica took that seq first,
 * this one reads the entries it missed and decides again. Callers are answered only once
 * their entry is stored, or once the head they were decided against is known current.
 *
 * Heads stay cached in memory, so the common case of one replica writing an agent is one
 * insert per batch and no read at all.
 */
export class BudgetBook {
  readonly #loaded = new Map<string, Loaded>();
  readonly #loading = new Map<string, Promise<Loaded | null>>();
  readonly #queues = new Map<string, Waiting[]>();
  readonly #busy = new Set<string>();
  /** Agents whose entry is being inserted: an agent's next entry is decided only on the stored head. */
  readonly #writing = new Set<string>();
  readonly #batches = new Set<Promise<void>>();
  /** A kick is due once this turn of the event loop is over. */
  #kickDue = false;
  readonly #followUps = new Set<Promise<unknown>>();
  readonly #rollups: OpenDayRollups;
  readonly #now: () => Date;
  readonly #maxCacheAgeMs: number;

  constructor(private readonly deps: BudgetBookDeps) {
    this.#now = deps.now ?? (() => new Date());
    this.#maxCacheAgeMs = Math.min(10 * 60_000, deps.hotPeriodMs / 4);
    this.#rollups = new OpenDayRollups(deps.rollups, (write) => this.#track(write));
  }

  /** Opens a new agent's journal with its first entry (a snapshot). */
  async create(agentId: string, limit: number, profile: AgentProfile, now: Date): Promise<BudgetState> {
    const state = emptyState(agentId);
    const op: JournalOp = { type: 'open', limit, profile, at: now };
    state.seq = 1;
    enterDay(state, utcDay(now));
    applyOp(state, op);
    await this.deps.journal.create(this.#entryOf(state, [op], now));
    this.#loaded.set(agentId, { state, observed: new Map(), observedFrom: 2, verifiedAt: now.getTime() });
    return cloneState(state);
  }

  /** Forgets an agent whose creation was undone. */
  async remove(agentId: string): Promise<void> {
    await this.deps.journal.remove(agentId);
    this.#loaded.delete(agentId);
  }

  /** The budget as stored now (another replica's writes included); null for an unknown agent. */
  async current(agentId: string): Promise<BudgetState | null> {
    const loaded = await this.#load(agentId);
    if (!loaded) return null;
    await this.#catchUp(agentId, loaded);
    const state = cloneState(loaded.state);
    // A period boundary passed since the last entry: the budget reads as its next entry will start.
    const rollover = periodRollover(state, this.#now());
    if (rollover) applyOp(state, rollover);
    return state;
  }

  /** The exact totals of one past day of an agent (from the last entry on or before it); null for an unknown agent. */
  async dayTotals(agentId: string, day: string): Promise<DayTotals | null> {
    const head = await this.current(agentId);
    if (!head) return null;
    if (head.today.day <= day) return head.today.day === day ? head.today : { day, rows: [] };
    // Entry days never go back: bisect for the last entry on or before `day`.
    let low = 0;
    let high = head.seq;
    let found: JournalEntry | null = null;
    while (high - low > 1) {
      const mid = low + Math.floor((high - low) / 2);
      const entry = await this.deps.journal.findAnywhere(agentId, mid);
      if (entry && entry.day <= day) {
        low = mid;
        found = entry;
      } else high = mid;
    }
    return found?.day === day ? found.today : { day, rows: [] };
  }

  /** The seq of the head this replica knows (loading it if needed); null for an unknown agent. */
  async headSeq(agentId: string): Promise<number | null> {
    const loaded = await this.#load(agentId);
    return loaded ? loaded.state.seq : null;
  }

  /** Decides and records the intents in order; resolves once they are stored. Rejects with NotFoundError for an unknown agent. */
  submit(agentId: string, submissions: Submission[]): Promise<Decided[]> {
    const queue = this.#queues.get(agentId) ?? [];
    this.#queues.set(agentId, queue);
    const results = submissions.map((s) => new Promise<Decided>((resolve, reject) => queue.push({ ...s, resolve, reject })));
    // What is submitted in the same turn (a gateway's sync of every agent's escrow) goes in one batch: one insert for all.
    if (!this.#kickDue) {
      this.#kickDue = true;
      setImmediate(() => {
        this.#kickDue = false;
        this.#kick();
      });
    }
    return Promise.all(results);
  }

  /** Waits for the follow-up writes (rollups, hints) of every entry stored so far. */
  async settled(): Promise<void> {
    await this.#rollups.hurry(() => Promise.allSettled([...this.#followUps]));
  }

  /** Waits for queued intents and follow-up writes to finish (shutdown). */
  async drain(): Promise<void> {
    await this.#rollups.hurry(async () => {
      while (this.#kickDue || this.#batches.size > 0 || this.#followUps.size > 0) {
        if (this.#kickDue) await new Promise((resolve) => setImmediate(resolve));
        await Promise.allSettled([...this.#batches]);
        await Promise.allSettled([...this.#followUps]);
      }
    });
  }

  /** Starts batches while there is work for agents not already being written, up to MAX_BATCHES_IN_FLIGHT. */
  #kick(): void {
    while (this.#batches.size < MAX_BATCHES_IN_FLIGHT) {
      const batch = this.#nextBatch();
      if (!batch) return;
      for (const b of batch) this.#writing.add(b.agentId);
      const written: Promise<void> = this.#write(batch).finally(() => {
        this.#batches.delete(written);
        for (const b of batch) this.#writing.delete(b.agentId);
        this.#kick();
      });
      this.#batches.add(written);
    }
  }

  /** Agents with queued intents that are not being loaded, caught up or written. */
  #ready(): string[] {
    return [...this.#queues.keys()].filter((agentId) => !this.#busy.has(agentId) && !this.#writing.has(agentId));
  }

  /** Takes the queued intents of up to MAX_AGENTS_PER_BATCH ready agents and decides them; null when no agent is ready. */
  #nextBatch(): Batch[] | null {
    for (let agents = this.#ready(); agents.length > 0; agents = this.#ready()) {
      const batch: Batch[] = [];
      for (const agentId of agents.slice(0, MAX_AGENTS_PER_BATCH)) {
        const queue = this.#queues.get(agentId)!;
        const loaded = this.#fresh(agentId);
        const oldest = Math.min(...queue.slice(0, MAX_OPS_PER_ENTRY).map((w) => w.afterSeq ?? Infinity));
        if (!loaded) {
          this.#aside(agentId, async () => {
            if (!(await this.#load(agentId))) throw new NotFoundError('Agent not found');
          });
          continue;
        }
        if (oldest + 1 < loaded.observedFrom) {
          this.#aside(agentId, () => this.#observeFrom(agentId, loaded, oldest + 1));
          continue;
        }
        const taken = queue.splice(0, MAX_OPS_PER_ENTRY);
        if (queue.length === 0) this.#queues.delete(agentId);
        batch.push({ agentId, loaded, taken, ...this.#decideAll(loaded, taken) });
      }
      if (batch.length > 0) return batch;
    }
    return null;
  }

  /** Inserts the batch's entries with one round trip, then answers their callers (or sends them round again). */
  async #write(batch: Batch[]): Promise<void> {
    const writes = batch.filter((b) => b.entry);
    const unchanged = batch.filter((b) => !b.entry);
    const issuedAt = this.#now().getTime();
    let taken: Set<string>;
    let stale: boolean[];
    try {
      [taken, stale] = await Promise.all([
        writes.length > 0 ? this.deps.journal.append(writes.map((b) => b.entry!)) : Promise.resolve(new Set<string>()),
        // Nothing to write: the answers stand only if nobody wrote after the head they were decided on.
        Promise.all(unchanged.map(async (b) => (await this.deps.journal.find(b.agentId, b.base + 1)) !== null)),
      ]);
    } catch (err) {
      // Unknown whether the entries went in: forget these heads (they reload), fail these callers.
      for (const b of batch) {
        this.#loaded.delete(b.agentId);
        for (const w of b.taken) w.reject(err);
      }
      return;
    }

    for (const b of writes) {
      if (taken.has(b.agentId)) this.#lagging(b.agentId, b.loaded, b.taken);
      else {
        this.#committed(b.agentId, b.loaded, b.next, b.entry!, issuedAt);
        b.taken.forEach((w, i) => w.resolve(b.decided[i]));
      }
    }
    unchanged.forEach((b, i) => {
      if (stale[i]) this.#lagging(b.agentId, b.loaded, b.taken);
      else {
        b.loaded.verifiedAt = Math.max(b.loaded.verifiedAt, issuedAt);
        b.taken.forEach((w, j) => w.resolve(b.decided[j]));
      }
    });
  }

  /** Another replica wrote the agent first: its intents go back in front, to be decided again once we have read what it wrote. */
  #lagging(agentId: string, loaded: Loaded, taken: Waiting[]): void {
    this.#queues.set(agentId, [...taken, ...(this.#queues.get(agentId) ?? [])]);
    this.#aside(agentId, () => this.#catchUp(agentId, loaded));
  }

  /**
   * Reads an agent needs before its next entry happen off the loop, so one agent's reads
   * never hold up the others' writes. Meanwhile its intents wait; if the reads fail, they fail.
   */
  #aside(agentId: string, work: () => Promise<void>): void {
    this.#busy.add(agentId);
    const done = work().then(
      () => undefined,
      (err: unknown) => {
        this.#loaded.delete(agentId);
        const queue = this.#queues.get(agentId) ?? [];
        this.#queues.delete(agentId);
        for (const w of queue) w.reject(err);
      },
    );
    this.#followUps.add(done);
    void done.finally(() => {
      this.#followUps.delete(done);
      this.#busy.delete(agentId);
      this.#kick();
    });
  }

  /** Decides the intents in order on a copy of the head; the entry is null when none changed anything. */
  #decideAll(loaded: Loaded, taken: Waiting[]): { base: number; next: BudgetState; decided: Decided[]; entry: JournalEntry | null } {
    const now = this.#now();
    const base = loaded.state.seq;
    const next = cloneState(loaded.state);
    next.seq += 1;
    enterDay(next, utcDay(now));
    const ops: JournalOp[] = [];
    const rollover = periodRollover(next, now);
    if (rollover) {
      applyOp(next, rollover);
      ops.push(rollover);
    }
    const inEntry = new Map<string, number>();
    const decided = taken.map(({ intent }): Decided => {
      if (intent.type === 'charge') {
        const seen = loaded.observed.get(intent.op_id);
        const charged = seen?.charged ?? inEntry.get(intent.op_id);
        if (charged !== undefined)
          return { outcome: { type: 'charge', charged, duplicate: true, overrun: 0 }, seq: seen?.seq ?? next.seq, after: totalsOf(next) };
      }
      const decision = decide(next, intent);
      ops.push(...decision.ops);
      for (const op of decision.ops) if (op.type === 'charge') inEntry.set(op.op_id, op.from_hold + op.from_free);
      return { outcome: decision.outcome, seq: next.seq, after: totalsOf(next) };
    });
    // Crossings are decided with the charges that made them, so of racing replicas only the one whose entry is stored announces each.
    for (const alert of thresholdAlerts(next)) {
      applyOp(next, alert);
      ops.push(alert);
    }
    if (ops.length === 0) {
      for (const d of decided) d.seq = base;
      return { base, next: loaded.state, decided, entry: null };
    }
    return { base, next, decided, entry: this.#entryOf(next, ops, now) };
  }

  #entryOf(state: BudgetState, ops: JournalOp[], at: Date): JournalEntry {
    return {
      agent_id: state.agent_id,
      seq: state.seq,
      at,
      day: state.today.day,
      ops,
      limit: state.limit,
      spent: state.spent,
      held: state.held,
      today: state.today,
      snapshot:
        state.seq % SNAPSHOT_EVERY === 1
          ? {
              profile: state.profile,
              holds: Object.entries(state.holds).map(([id, h]) => ({ id, ...h })),
              history: state.history,
              period: state.period,
              period_started_at: state.period_started_at,
              alerted: state.alerted,
            }
          : undefined,
    };
  }

  /** Our entry is stored: it is the new head. Rollups and the hint follow, off the callers' path. */
  #committed(agentId: string, loaded: Loaded, next: BudgetState, entry: JournalEntry, issuedAt: number): void {
    const previousDay = loaded.state.today;
    loaded.state = next;
    loaded.verifiedAt = Math.max(loaded.verifiedAt, issuedAt);
    this.#observe(loaded, entry);
    if (previousDay.day && previousDay.day < next.today.day) this.#track(this.deps.rollups.close(agentId, previousDay));
    this.#rollups.record(agentId, next.seq, next.today);
    if (entry.seq % HINT_EVERY === 0) this.#track(this.deps.journal.setHint(agentId, entry.seq));
    const onAlert = this.deps.onAlert;
    if (onAlert)
      for (const op of entry.ops)
        if (op.type === 'alert')
          this.#track(
            onAlert(agentId, op, next).catch((err: unknown) =>
              this.deps.log.error(
                { agent_id: agentId, threshold: op.threshold, err: (err as Error).message },
                'a budget alert could not be queued',
              ),
            ),
          );
  }

  #observe(loaded: Loaded, entry: JournalEntry): void {
    for (const op of entry.ops) {
      if (op.type === 'charge') loaded.observed.set(op.op_id, { seq: entry.seq, charged: op.from_hold + op.from_free });
    }
    if (loaded.observed.size > MAX_OBSERVED) {
      // Forget the older half; a report claimed before the cut reads those entries again (#observeFrom).
      const bySeq = [...loaded.observed.entries()].sort((a, b) => a[1].seq - b[1].seq);
      const cut = bySeq[bySeq.length - MAX_OBSERVED / 2][1].seq;
      loaded.observed = new Map(bySeq.filter(([, v]) => v.seq >= cut));
      loaded.observedFrom = cut;
    }
  }

  /** Makes sure every charge in entries from `from` on is in `observed` (reads the ones it has not seen). */
  async #observeFrom(agentId: string, loaded: Loaded, from: number): Promise<void> {
    const until = loaded.observedFrom;
    for (let seq = from; seq < until; seq += READ_AHEAD) {
      const seqs = Array.from({ length: Math.min(READ_AHEAD, until - seq) }, (_, i) => seq + i);
      for (const entry of await Promise.all(seqs.map((n) => this.deps.journal.find(agentId, n)))) {
        if (entry) {
          for (const op of entry.ops) {
            if (op.type === 'charge' && !loaded.observed.has(op.op_id))
              loaded.observed.set(op.op_id, { seq: entry.seq, charged: op.from_hold + op.from_free });
          }
        }
      }
    }
    loaded.observedFrom = Math.min(loaded.observedFrom, from);
  }

  /** Applies the entries other replicas wrote after our head, in order. */
  async #catchUp(agentId: string, loaded: Loaded): Promise<void> {
    // One probe first (usually nothing or one entry is new), then read ahead in growing steps while entries keep coming.
    for (let ahead = 1; ; ahead = Math.min(ahead * 2, READ_AHEAD)) {
      const probedAt = this.#now().getTime();
      const seqs = Array.from({ length: ahead }, (_, i) => loaded.state.seq + 1 + i);
      const entries = await Promise.all(seqs.map((n) => this.deps.journal.find(agentId, n)));
      for (const entry of entries) {
        if (!entry) {
          loaded.verifiedAt = Math.max(loaded.verifiedAt, probedAt);
          return;
        }
        this.#replay(loaded, entry);
      }
    }
  }

  /** Applies the next entry to the cached head (an entry it has already applied is skipped: catch-ups may overlap). */
  #replay(loaded: Loaded, entry: JournalEntry): void {
    const state = loaded.state;
    if (entry.seq !== state.seq + 1) return;
    const previousDay = state.today;
    enterDay(state, entry.day);
    for (const op of entry.ops) applyOp(state, op);
    state.seq = entry.seq;
    this.#observe(loaded, entry);
    // The replica that wrote it may have died before closing the day it ended: closing is idempotent.
    if (previousDay.day && previousDay.day < entry.day) this.#track(this.deps.rollups.close(state.agent_id, previousDay));
  }

  /** The cached head, if it was verified recently enough to catch up from (see hotPeriodMs). */
  #fresh(agentId: string): Loaded | undefined {
    const cached = this.#loaded.get(agentId);
    return cached && this.#now().getTime() - cached.verifiedAt <= this.#maxCacheAgeMs ? cached : undefined;
  }

  /** The agent's head: cached, or found (hint, then gallop over seq lookups) and rebuilt from its last snapshot. */
  #load(agentId: string): Promise<Loaded | null> {
    const cached = this.#fresh(agentId);
    if (cached) return Promise.resolve(cached);
    this.#loaded.delete(agentId);
    let loading = this.#loading.get(agentId);
    if (!loading) {
      loading = this.#loadFromJournal(agentId).finally(() => this.#loading.delete(agentId));
      this.#loading.set(agentId, loading);
    }
    return loading;
  }

  async #loadFromJournal(agentId: string): Promise<Loaded | null> {
    const hint = await this.deps.journal.hint(agentId);
    if (hint === 0) return null;
    const head = await findLast(hint, async (seq) => (await this.deps.journal.find(agentId, seq)) !== null);
    if (head === 0) return null;
    const base = head - ((head - 1) % SNAPSHOT_EVERY);
    const seqs = Array.from({ length: head - base + 1 }, (_, i) => base + i);
    const entries = await Promise.all(seqs.map((n) => this.deps.journal.find(agentId, n)));
    if (entries.some((e) => !e) || !entries[0]!.snapshot)
      throw new Error(`budget journal of ${agentId} is missing entries ${base}..${head}`);
    const first = entries[0]!;
    const state: BudgetState = {
      agent_id: agentId,
      profile: first.snapshot!.profile,
      seq: first.seq,
      limit: first.limit,
      spent: first.spent,
      held: first.held,
      holds: Object.fromEntries(first.snapshot!.holds.map(({ id, ...h }) => [id, h])),
      history: first.snapshot!.history,
      period: first.snapshot!.period ?? 'none',
      period_started_at: first.snapshot!.period_started_at ?? null,
      alerted: first.snapshot!.alerted ?? [],
      today: first.today,
    };
    const loaded: Loaded = { state, observed: new Map(), observedFrom: first.seq + 1, verifiedAt: this.#now().getTime() };
    for (const entry of entries.slice(1)) this.#replay(loaded, entry!);
    // Another load may have finished first while this one read (both are the same head or older).
    const existing = this.#loaded.get(agentId);
    if (existing && existing.state.seq >= loaded.state.seq) return existing;
    this.#loaded.set(agentId, loaded);
    return loaded;
  }

  #track(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) =>
      this.deps.log.warn({ err: (err as Error).message }, 'budget follow-up write failed; the sweeper repeats it'),
    );
    this.#followUps.add(tracked);
    void tracked.finally(() => this.#followUps.delete(tracked));
  }
}
