/** The records of the budget service, as repositories hand them to use-cases. Money is integer micro-dollars. */

export type AgentStatus = 'provisioning' | 'active';

export interface AgentRecord {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  providers: string[];
  disabled: boolean;
  token_id: string;
  /** `provisioning` while CreateAgent is still minting the credential; hidden from every read. */
  status: AgentStatus;
  created_at: Date;
  updated_at: Date;
}

/** A lease's share of the budget, kept inside the budget document so it moves with it atomically. */
export interface LeaseSlot {
  granted: number;
  unspent: number;
  provider: string;
  expires_at: Date;
}

/** One usage report's charge. It is the ledger entry; `nonce` tells two attempts at the same report apart. */
export interface UsageCharge {
  op_id: string;
  nonce: string;
  agent_id: string;
  lease_id: string;
  request_id: string;
  provider: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  /** What was charged: lease_micros + overage_micros. */
  amount_micros: number;
  /** Taken from the lease's reservation. */
  lease_micros: number;
  /** Taken from the unreserved rest of the budget. */
  overage_micros: number;
  /** The priced or reported cost of the call. */
  cost_micros: number;
  /** What the budget could not cover (cost − amount); recorded, never charged. */
  unbilled_micros: number;
  /** UTC yyyy-mm-dd of `at`, so analytics group on a plain field. */
  day: string;
  at: Date;
}

export interface LimitChange {
  old_limit: number;
  new_limit: number;
  approver_id: string;
  request_id: string;
  reason: string;
  at: Date;
}

/**
 * Invariant after every update: remaining = limit − spent − reserved, and reserved = the
 * sum of the lease slots' unspent amounts. Each update is one conditional `$inc` on this
 * document, so the invariant holds without transactions.
 */
export interface BudgetRecord {
  agent_id: string;
  limit: number;
  spent: number;
  reserved: number;
  remaining: number;
  leases: Record<string, LeaseSlot>;
  /** Charges applied here and not yet confirmed in the ledger (a crash in between is recovered from this). */
  pending: Record<string, UsageCharge>;
  applied_requests: string[];
  history: LimitChange[];
  created_at: Date;
  updated_at: Date;
}

export type LeaseStatus = 'active' | 'released' | 'expired' | 'void';

export interface LeaseRecord {
  id: string;
  agent_id: string;
  provider: string;
  granted_micros: number;
  status: LeaseStatus;
  expires_at: Date;
  created_at: Date;
  closed_at: Date | null;
  released_micros: number;
}

export const REQUEST_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface BudgetRequestRecord {
  id: string;
  agent_id: string;
  requester_id: string;
  requested_micros: number;
  justification: string;
  status: RequestStatus;
  decided_by: string;
  decision_note: string;
  decided_at: Date | null;
  /** An approval's limit raise has been applied to the budget (it is applied exactly once). */
  applied: boolean;
  created_at: Date;
}
