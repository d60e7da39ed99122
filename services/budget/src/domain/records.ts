/** The records of the budget service, as repositories hand them to use-cases. Money is integer micro-dollars. */
import type { BudgetPeriod } from '@tollgate/platform';

export const AGENT_STATUSES = ['provisioning', 'active', 'deleted'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

export interface AgentRecord {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  providers: string[];
  disabled: boolean;
  token_id: string;
  /** The project it belongs to ('' for none, as for agents created before projects). */
  project_id: string;
  /**
   * `provisioning` while CreateAgent is still minting the credential; `deleted` once DeleteAgent
   * has revoked it (terminal: its budget journal is kept). Both are hidden from every read.
   */
  status: AgentStatus;
  /** When it was deleted (absent until then). */
  deleted_at?: Date;
  /** The creation order (unique; gaps allowed): what lists page by. */
  seq: number;
  created_at: Date;
  updated_at: Date;
}

export interface LimitChange {
  /** request: an approved budget request (absent in older entries); set, reset: a manager's change. */
  kind?: 'request' | 'set' | 'reset';
  old_limit: number;
  new_limit: number;
  approver_id: string;
  request_id: string;
  reason: string;
  at: Date;
  /** The period after the change (absent in older entries: none). */
  period?: BudgetPeriod;
  /** A reset's: what the period it closed had spent. */
  closed_spent?: number;
}

export type LeaseStatus = 'active' | 'released' | 'expired' | 'void';

export interface LeaseRecord {
  id: string;
  agent_id: string;
  provider: string;
  /** What the handshake asked to hold (the journal's hold says what it got). */
  requested_micros: number;
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
  /** The agent whose budget it raises; '' for a request for a project's budget. */
  agent_id: string;
  /** The project whose budget it raises (agent_id ''), or its agent's project when it was filed ('' for none): who may see the request follows it. */
  project_id: string;
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
  /** The creation order (unique; gaps allowed): what lists page by. */
  seq: number;
}

export const PROJECT_ROLES = ['owner', 'member', 'viewer'] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

export interface ProjectRecord {
  id: string;
  name: string;
  description: string;
  /** `deleted` is terminal and hidden from every read. */
  status: 'active' | 'deleted';
  created_by: string;
  created_at: Date;
  updated_at: Date;
  /** The creation order (unique; gaps allowed): what lists page by. */
  seq: number;
}

/** One user's membership of one project; its key (project, user) makes a user a member once. */
export interface ProjectMemberRecord {
  project_id: string;
  user_id: string;
  role: ProjectRole;
  added_by: string;
  added_at: Date;
}
