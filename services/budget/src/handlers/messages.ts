import type { Agent } from '@tollgate/proto/gen/tollgate/budget/v1/Agent';
import type { BudgetRequest } from '@tollgate/proto/gen/tollgate/budget/v1/BudgetRequest';
import type { BudgetState } from '@tollgate/proto/gen/tollgate/budget/v1/BudgetState';
import type { LedgerEntry } from '@tollgate/proto/gen/tollgate/budget/v1/LedgerEntry';
import type { LimitChange } from '@tollgate/proto/gen/tollgate/budget/v1/LimitChange';
import type { Project } from '@tollgate/proto/gen/tollgate/budget/v1/Project';
import type { ProjectMember } from '@tollgate/proto/gen/tollgate/budget/v1/ProjectMember';
import type { AgentView } from '../domain/agents.js';
import type { LedgerRow } from '../domain/ledger.js';
import type { ProjectView } from '../domain/projects.js';
import { remainingOf, resetsAt, type BudgetState as DomainBudget } from '../domain/book.js';
import type { BudgetRequestRecord, LimitChange as LimitChangeRecord, ProjectMemberRecord } from '../domain/records.js';

/** A budget on the wire: what is held for calls, leases and escrows is `reserved`. */
export function toBudgetState(b: Pick<DomainBudget, 'limit' | 'spent' | 'held' | 'period' | 'period_started_at'> | null): BudgetState {
  return {
    limit_micros: b?.limit ?? 0,
    spent_micros: b?.spent ?? 0,
    reserved_micros: b?.held ?? 0,
    remaining_micros: b ? remainingOf(b) : 0,
    period: b?.period ?? 'none',
    period_started_at: b?.period_started_at?.toISOString() ?? '',
    resets_at: (b && resetsAt(b)?.toISOString()) ?? '',
  };
}

export function toAgent({ agent, budget }: AgentView): Agent {
  return {
    id: agent.id,
    owner_id: agent.owner_id,
    name: agent.name,
    description: agent.description,
    providers: agent.providers,
    disabled: agent.disabled,
    created_at: agent.created_at.toISOString(),
    budget: toBudgetState(budget),
    token_id: agent.token_id,
    max_parallel_calls: budget?.profile.max_parallel_calls ?? 0,
    tokens_per_minute: budget?.profile.tokens_per_minute ?? 0,
    alert_thresholds: budget?.profile.alert_thresholds ?? [],
    project_id: agent.project_id,
  };
}

export function toProject({ project, yourRole, budget }: ProjectView): Project {
  return {
    budget: budget ? toBudgetState(budget) : undefined,
    alert_thresholds: budget?.profile.alert_thresholds ?? [],
    id: project.id,
    name: project.name,
    description: project.description,
    created_by: project.created_by,
    created_at: project.created_at.toISOString(),
    updated_at: project.updated_at.toISOString(),
    your_role: yourRole ?? '',
  };
}

export function toProjectMember(m: ProjectMemberRecord): ProjectMember {
  return { project_id: m.project_id, user_id: m.user_id, role: m.role, added_by: m.added_by, added_at: m.added_at.toISOString() };
}

export function toLimitChange(c: LimitChangeRecord): LimitChange {
  return {
    kind: c.kind ?? 'request',
    period: c.period ?? 'none',
    closed_spent_micros: c.closed_spent ?? 0,
    old_limit_micros: c.old_limit,
    new_limit_micros: c.new_limit,
    approver_id: c.approver_id,
    request_id: c.request_id,
    reason: c.reason,
    at: c.at.toISOString(),
  };
}

export function toLedgerEntry(row: LedgerRow): LedgerEntry {
  const place = { id: row.id, at: row.at.toISOString() };
  switch (row.kind) {
    case 'charge': {
      const c = row.charge;
      return {
        ...place,
        charge: {
          request_id: c.request_id,
          provider: c.provider,
          model: c.model,
          input_tokens: c.input_tokens,
          output_tokens: c.output_tokens,
          cost_micros: c.cost_micros,
          whole_hold: c.whole_hold ?? '',
        },
      };
    }
    case 'limit':
      return { ...place, limit_change: toLimitChange(row.change) };
    case 'period':
      return { ...place, period: { started_at: row.started_at.toISOString(), closed_spent_micros: row.closed_spent } };
  }
}

export function toBudgetRequest(r: BudgetRequestRecord): BudgetRequest {
  return {
    id: r.id,
    agent_id: r.agent_id,
    requester_id: r.requester_id,
    requested_micros: r.requested_micros,
    justification: r.justification,
    status: r.status,
    decided_by: r.decided_by,
    decision_note: r.decision_note,
    decided_at: r.decided_at ? r.decided_at.toISOString() : '',
    created_at: r.created_at.toISOString(),
    project_id: r.project_id,
  };
}
