import type { BudgetPeriod } from '@tollgate/platform';
import type { AgentProfile, ChargeRequest, DayTotals, Hold, JournalOp, SpendRow } from './book.js';
import type {
  AgentRecord,
  BudgetRequestRecord,
  LeaseRecord,
  LeaseStatus,
  LimitChange,
  ProjectMemberRecord,
  ProjectRecord,
  RequestStatus,
} from './records.js';

export interface AgentRepository {
  /** Stores a new agent with the next creation seq, and returns it with that seq. */
  insert(record: Omit<AgentRecord, 'seq'>): Promise<AgentRecord>;
  findById(id: string): Promise<AgentRecord | null>;
  /** Active agents in creation order after `afterSeq` that `include` keeps. */
  list(opts: { afterSeq: number; limit: number; include?: (a: AgentRecord) => boolean }): Promise<AgentRecord[]>;
  /** A project's active agents in creation order after `afterSeq` (one equality read: a project's agents). */
  listInProject(projectId: string, opts: { afterSeq: number; limit: number }): Promise<AgentRecord[]>;
  /** Gives agents stored before creation seqs existed one (once per database). */
  upgradeLegacy(): Promise<number>;
  /** Copies the journal's profile onto the record (a mirror for lists; the journal decides). */
  mirrorProfile(id: string, profile: AgentProfile, now: Date): Promise<void>;
  /** provisioning → active with its credential; null when the agent is gone or already active. */
  activate(id: string, tokenId: string, now: Date): Promise<AgentRecord | null>;
  delete(id: string): Promise<void>;
  /**
   * active → deleted (terminal). The insert of the deletion, keyed by the agent, is the commit
   * point: of racing deletions (any replicas) exactly one gets true. The record then mirrors it
   * (again, when a deleter died before it did).
   */
  markDeleted(id: string, now: Date): Promise<boolean>;
  findProvisioningBefore(before: Date, limit: number): Promise<AgentRecord[]>;
}

export interface ProjectRepository {
  /** Stores a new project with the next creation seq, and returns it with that seq. */
  insert(record: Omit<ProjectRecord, 'seq'>): Promise<ProjectRecord>;
  findById(id: string): Promise<ProjectRecord | null>;
  /** Active projects in creation order after `afterSeq` that `include` keeps. */
  list(opts: { afterSeq: number; limit: number; include?: (p: ProjectRecord) => boolean }): Promise<ProjectRecord[]>;
  /** Name and description (a read model: of concurrent renames the last one stays). */
  update(id: string, patch: Partial<Pick<ProjectRecord, 'name' | 'description'>>, now: Date): Promise<ProjectRecord | null>;
  /** active → deleted; false when it was not active. */
  markDeleted(id: string, now: Date): Promise<boolean>;
}

export interface ProjectMemberRepository {
  /** Adds the membership or replaces its role (keyed by project and user: a user is a member once). */
  set(member: ProjectMemberRecord): Promise<ProjectMemberRecord>;
  /** false when the user was not a member. */
  remove(projectId: string, userId: string): Promise<boolean>;
  find(projectId: string, userId: string): Promise<ProjectMemberRecord | null>;
  /** One equality read each: a project's members, a user's memberships. */
  ofProject(projectId: string): Promise<ProjectMemberRecord[]>;
  ofUser(userId: string): Promise<ProjectMemberRecord[]>;
}

/** One entry of an agent's budget journal: the ops it applied and the totals right after them. */
export interface JournalEntry {
  agent_id: string;
  seq: number;
  at: Date;
  /** The UTC day `today` is of (never earlier than the previous entry's). */
  day: string;
  ops: JournalOp[];
  limit: number;
  spent: number;
  held: number;
  today: DayTotals;
  /** The rest of the state, on entry 1 and every SNAPSHOT_EVERY entries after it. */
  snapshot?: {
    profile: AgentProfile;
    holds: (Hold & { id: string })[];
    history: LimitChange[];
    /** Absent in entries older than periods: none, since creation. */
    period?: BudgetPeriod;
    period_started_at?: Date | null;
    alerted?: number[];
  };
}

/** The budget journal: entries keyed by (agent, seq), inserted once and never changed. */
export interface JournalRepository {
  /** The first entry of a new journal, and its head hint; a duplicate-key error when the journal exists (its hint is made sure of). */
  create(entry: JournalEntry): Promise<void>;
  /** Inserts entries (one per agent); returns the agents whose seq another writer took first. */
  append(entries: JournalEntry[]): Promise<Set<string>>;
  /** An entry of the hot journal (where every entry younger than the hot period is). */
  find(agentId: string, seq: number): Promise<JournalEntry | null>;
  /** An entry, hot or archived. */
  findAnywhere(agentId: string, seq: number): Promise<JournalEntry | null>;
  /** A seq at or below the head (refreshed now and then, never below what is archived); 0 when there is no journal. */
  hint(agentId: string): Promise<number>;
  setHint(agentId: string, seq: number): Promise<void>;
  remove(agentId: string): Promise<void>;
  /** Every entry of the agent, hot and archived, in seq order (reconciliation reads them all). */
  entries(agentId: string): AsyncIterable<JournalEntry>;
  /** The agent's entries from `seq` down to its first, hot and archived, newest first (a ledger page reads a few). */
  entriesBackFrom(agentId: string, seq: number): AsyncIterable<JournalEntry>;
  /** The last seq moved to the archive (0: none). */
  archivedThrough(agentId: string): Promise<number>;
  /** Moves entries (consecutive, right after the archived ones) to the archive; repeatable. */
  archive(agentId: string, entries: JournalEntry[]): Promise<void>;
  agentIds(): AsyncIterable<string>;
}

export interface SpendFilter {
  agentId?: string;
  /** UTC days (yyyy-mm-dd), inclusive. */
  fromDay?: string;
  toDay?: string;
}

/** One agent's spend on one UTC day, per (provider, model). */
export interface DailySpend {
  agent_id: string;
  day: string;
  rows: SpendRow[];
  /** The day is over and these are its exact totals. */
  final: boolean;
}

/** Per-agent daily spend totals, kept from the journal so that analytics never read it. */
export interface RollupRepository {
  /** The totals of an agent's current day as of entry `seq`, as this replica knows them. */
  record(agentId: string, today: DayTotals, seq: number): Promise<void>;
  /** A day that is over: `day` holds its exact totals. Idempotent. */
  close(agentId: string, day: DayTotals): Promise<void>;
  spend(filter: SpendFilter): Promise<DailySpend[]>;
  /** Days before `day` that are not final yet (the sweeper closes them). */
  openBefore(day: string, limit: number): Promise<DailySpend[]>;
}

export interface SpendTotals {
  key: string;
  spent_micros: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

/**
 * A usage report, by (agent, request_id). Inserting the claim is the commit point of "this
 * report is charged once": exactly one attempt claims it, then charges it through the
 * journal and marks the claim applied.
 */
export interface UsageClaim {
  op_id: string;
  agent_id: string;
  request_id: string;
  /** The journal head when the claim was made: the charge can only be in an entry after it. */
  after_seq: number;
  claimed_at: Date;
  /** The report, so that the recovery of an abandoned claim can charge it. */
  charge: ChargeRequest;
  applied: boolean;
  /** Once applied: the entry that charged it, and how much. */
  seq: number;
  charged: number;
}

export interface ClaimRepository {
  /** False when the report was claimed before. */
  claim(claim: UsageClaim): Promise<boolean>;
  find(opId: string): Promise<UsageClaim | null>;
  markApplied(opId: string, seq: number, charged: number): Promise<void>;
  /** Claims not applied that were made before `before` (their claimer is presumed gone). */
  unapplied(before: Date, limit: number): Promise<UsageClaim[]>;
}

export interface LeaseRepository {
  insert(record: LeaseRecord): Promise<void>;
  findById(id: string): Promise<LeaseRecord | null>;
  close(id: string, status: Exclude<LeaseStatus, 'active'>, released: number, now: Date): Promise<boolean>;
  findExpired(now: Date, limit: number): Promise<LeaseRecord[]>;
}

export interface RequestListFilter {
  status?: RequestStatus;
  agentId?: string;
  /** A project's requests and its agents'. */
  projectId?: string;
  /** The creation seq of the last item of the previous page (newest first). */
  beforeSeq?: number;
  limit: number;
  /** Keeps only the requests it is true of (what the caller may see). */
  include?: (r: BudgetRequestRecord) => boolean;
}

export interface BudgetRequestRepository {
  /** Stores a new request with the next creation seq, and returns it with that seq. */
  insert(record: Omit<BudgetRequestRecord, 'seq'>): Promise<BudgetRequestRecord>;
  /** Gives requests stored before creation seqs existed one (once per database). */
  upgradeLegacy(): Promise<number>;
  findById(id: string): Promise<BudgetRequestRecord | null>;
  /** Newest first; `before` is the last id of the previous page. */
  list(filter: RequestListFilter): Promise<BudgetRequestRecord[]>;
  /** pending → `to`, only if still pending: of racing decisions (any replicas) exactly one gets a record back. */
  decide(id: string, to: Exclude<RequestStatus, 'pending'>, by: string, note: string, now: Date): Promise<BudgetRequestRecord | null>;
  /** Nothing is left to do for the decision (an approval's raise is applied). */
  settle(id: string): Promise<void>;
  /** Decisions made before `before` with something left to do (their decider is presumed gone). */
  unsettled(before: Date, limit: number): Promise<BudgetRequestRecord[]>;
}

/**
 * Which agents have call holds expiring in which UTC minute, so the sweeper finds holds
 * nobody settled without reading every agent. An entry is added before its hold is taken
 * (an entry without a hold is harmless; a hold without one would never expire).
 */
export interface CallHoldIndex {
  add(agentId: string, minute: number): Promise<void>;
  agentsExpiringIn(minute: number): Promise<string[]>;
  /** Forgets a minute the sweeper is done with. */
  drop(minute: number): Promise<void>;
}
