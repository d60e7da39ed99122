import type {
  AgentRecord,
  BudgetRecord,
  BudgetRequestRecord,
  LeaseRecord,
  LeaseSlot,
  LeaseStatus,
  LimitChange,
  RequestStatus,
  UsageCharge,
} from './records.js';

export type AgentPatch = Partial<Pick<AgentRecord, 'name' | 'description' | 'disabled'>>;

export interface AgentRepository {
  insert(record: AgentRecord): Promise<void>;
  findById(id: string): Promise<AgentRecord | null>;
  /** Active agents in id order after `after`; only those in `ids` when given. */
  list(opts: { after?: string; limit: number; ids?: string[] }): Promise<AgentRecord[]>;
  update(id: string, patch: AgentPatch, now: Date): Promise<AgentRecord | null>;
  /** provisioning → active with its credential; null when the agent is gone or already active. */
  activate(id: string, tokenId: string, now: Date): Promise<AgentRecord | null>;
  delete(id: string): Promise<void>;
  findProvisioningBefore(before: Date, limit: number): Promise<AgentRecord[]>;
}

export interface BudgetRepository {
  insert(agentId: string, limit: number, now: Date): Promise<void>;
  find(agentId: string): Promise<BudgetRecord | null>;
  findMany(agentIds: string[]): Promise<BudgetRecord[]>;
  delete(agentId: string): Promise<void>;
  /** Reserves `slot.granted` for a new lease if at least that much remains. */
  reserve(agentId: string, leaseId: string, slot: LeaseSlot, now: Date): Promise<BudgetRecord | null>;
  /** Returns a lease's unspent reservation, if the slot still holds exactly `expectedUnspent`. */
  releaseSlot(agentId: string, leaseId: string, expectedUnspent: number, now: Date): Promise<BudgetRecord | null>;
  /**
   * Applies charges, all or none, in one conditional update: if each lease slot still covers
   * their lease parts, the rest of the budget covers their overage parts, and none of these
   * reports is already pending. Records each as pending.
   */
  charge(agentId: string, charges: UsageCharge[], now: Date): Promise<BudgetRecord | null>;
  /** Forgets pending charges the ledger now holds (all or none: each must still be this attempt). */
  settle(agentId: string, charges: Pick<UsageCharge, 'op_id' | 'nonce'>[]): Promise<BudgetRecord | null>;
  /** Undoes a pending charge that lost a race (another attempt of the same report is in the ledger). */
  reverse(agentId: string, pending: UsageCharge, leaseStillOpen: boolean, now: Date): Promise<BudgetRecord | null>;
  /** Raises the limit once per request id, if the limit is still `expectedLimit`. */
  raiseLimit(agentId: string, expectedLimit: number, change: LimitChange, now: Date): Promise<BudgetRecord | null>;
  withPendingCharges(limit: number): Promise<BudgetRecord[]>;
}

export interface SpendFilter {
  agentId?: string;
  from?: Date;
  to?: Date;
}

export interface SpendTotals {
  key: string;
  spent_micros: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

/** The append-only usage ledger: entries are inserted once and never changed. */
export interface LedgerRepository {
  /** Inserts entries (each independently); returns the op ids whose report was already recorded. */
  insert(charges: UsageCharge[]): Promise<Set<string>>;
  find(opId: string): Promise<UsageCharge | null>;
  findMany(opIds: string[]): Promise<UsageCharge[]>;
  spend(groupBy: 'agent' | 'provider' | 'model' | 'day', filter: SpendFilter): Promise<SpendTotals[]>;
  totalFor(agentId: string): Promise<number>;
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
  /** The last id of the previous page. */
  before?: string;
  limit: number;
}

export interface BudgetRequestRepository {
  insert(record: BudgetRequestRecord): Promise<void>;
  findById(id: string): Promise<BudgetRequestRecord | null>;
  /** Newest first; `before` is the last id of the previous page. */
  list(filter: RequestListFilter): Promise<BudgetRequestRecord[]>;
  /** pending → `to`, only if still pending: of racing decisions exactly one gets a record back. */
  decide(id: string, to: Exclude<RequestStatus, 'pending'>, by: string, note: string, now: Date): Promise<BudgetRequestRecord | null>;
  markApplied(id: string): Promise<void>;
  findUnapplied(before: Date, limit: number): Promise<BudgetRequestRecord[]>;
}
