import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  pageOf,
  personOf,
  readPage,
  ValidationError,
  validName,
  type AuditEmitter,
  type Caller,
  type PageInput,
  type Person,
} from '@tollgate/platform';
import { seesAllProjects } from './access.js';
import type { BudgetState } from './book.js';
import type { BudgetBook } from './budget-book.js';
import type { BudgetLimits } from './budget-limits.js';
import { formatUsd, micros } from './money.js';
import type { ProjectBudgets } from './project-budgets.js';
import { newId } from './ids.js';
import type { UserDirectory } from './ports.js';
import { PROJECT_ROLES, type LimitChange, type ProjectMemberRecord, type ProjectRecord, type ProjectRole } from './records.js';
import type { AgentRepository, ProjectMemberRepository, ProjectRepository } from './repositories.js';
import { knownId, validDescription, validThresholds } from './rules.js';

export interface ProjectsDeps {
  projects: ProjectRepository;
  members: ProjectMemberRepository;
  agents: AgentRepository;
  users: UserDirectory;
  book: BudgetBook;
  budgets: ProjectBudgets;
  limits: BudgetLimits;
  audit: AuditEmitter;
  /** The largest budget a project may be created with (as an agent's). */
  maxBudgetMicros: number;
  now?: () => Date;
}

/** A project as its caller sees it: with their role in it (null: not a member — a manager or admin) and its budget (null: none). */
export interface ProjectView {
  project: ProjectRecord;
  yourRole: ProjectRole | null;
  budget: BudgetState | null;
}

const RESOURCE = 'project';
const USER_ID = /^[\w-]{1,64}$/;

function validRole(raw: string): ProjectRole {
  if (!(PROJECT_ROLES as readonly string[]).includes(raw))
    throw new ValidationError(`role must be one of ${PROJECT_ROLES.join(', ')}`, { role: `must be one of ${PROJECT_ROLES.join(', ')}` });
  return raw as ProjectRole;
}

function validUserId(raw: string): string {
  if (!USER_ID.test(raw)) throw new ValidationError('user_id is invalid', { user_id: 'must be a user id' });
  return raw;
}

/**
 * Projects: teams of people around agents. A project's members see its agents and their spend
 * and nothing of other projects' (people outside every project see agents outside every
 * project, as before projects). Managers and admins create projects and see and manage all of
 * them; a project's owners manage it and its members.
 *
 * A membership is one record keyed by (project, user), so a user is a member once; role changes
 * replace it (of concurrent changes the last one stays). A project with agents is not deleted.
 */
export class Projects {
  readonly #now: () => Date;

  constructor(private readonly deps: ProjectsDeps) {
    this.#now = deps.now ?? (() => new Date());
  }

  async create(input: { name: string; description: string; budgetMicros?: number }, caller: Caller): Promise<ProjectView> {
    const p = personOf(caller.principal);
    const name = validName(input.name);
    const description = validDescription(input.description);
    const limit = input.budgetMicros === undefined ? undefined : micros(input.budgetMicros, 'budget_usd');
    if (limit !== undefined && limit > this.deps.maxBudgetMicros)
      throw new ValidationError(`Budget exceeds maximum allowed (${formatUsd(this.deps.maxBudgetMicros)})`, {
        budget_usd: `must be at most ${formatUsd(this.deps.maxBudgetMicros)}`,
      });
    const now = this.#now();
    const project = await this.deps.projects.insert({
      id: newId('prj', now.getTime()),
      name,
      description,
      status: 'active',
      created_by: p.id,
      created_at: now,
      updated_at: now,
    });
    // Its creator owns it: they manage it even if their global role changes later.
    await this.deps.members.set({ project_id: project.id, user_id: p.id, role: 'owner', added_by: p.id, added_at: now });
    if (limit !== undefined) await this.deps.budgets.open(project.id, limit, { name, description, disabled: false });
    await this.deps.audit.emit(
      {
        action: 'project.created',
        resource: { type: RESOURCE, id: project.id },
        details: { name, description, budget_micros: limit ?? null },
      },
      caller,
    );
    return this.#viewOf(project, 'owner');
  }

  async get(id: string, caller: Caller): Promise<ProjectView> {
    return this.#visible(id, caller);
  }

  async list(pageInput: PageInput | null | undefined, caller: Caller): Promise<{ items: ProjectView[]; next_cursor: string }> {
    const p = personOf(caller.principal);
    const page = readPage(pageInput);
    const afterSeq = page.after === undefined ? 0 : Number(page.after);
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0)
      throw new ValidationError('cursor is invalid', { cursor: 'is not a cursor returned by this list' });
    const roles = await this.rolesOf(p.id);
    const projects = await this.deps.projects.list({
      afterSeq,
      limit: page.limit + 1,
      include: seesAllProjects(p) ? undefined : (project) => roles.has(project.id),
    });
    const { items, next_cursor } = pageOf(projects, page, (project) => String(project.seq));
    return { items: await Promise.all(items.map((project) => this.#viewOf(project, roles.get(project.id) ?? null))), next_cursor };
  }

  async update(
    input: { id: string; name?: string; description?: string; alertThresholds?: number[] },
    caller: Caller,
  ): Promise<ProjectView> {
    const patch: Partial<Pick<ProjectRecord, 'name' | 'description'>> = {};
    if (input.name !== undefined) patch.name = validName(input.name);
    if (input.description !== undefined) patch.description = validDescription(input.description);
    const thresholds = input.alertThresholds === undefined ? undefined : validThresholds(input.alertThresholds);
    const view = await this.#manageable(input.id, caller);
    if (Object.keys(patch).length === 0 && thresholds === undefined) return view;
    if (thresholds !== undefined) {
      if (!view.budget) throw new ConflictError('The project has no budget: set one before its alert thresholds');
      await this.deps.book.submit(view.project.id, [{ intent: { type: 'profile', patch: { alert_thresholds: thresholds } } }]);
    }
    const project = Object.keys(patch).length > 0 ? await this.deps.projects.update(view.project.id, patch, this.#now()) : view.project;
    if (!project) throw new NotFoundError('Project not found');
    await this.deps.audit.emit(
      {
        action: 'project.updated',
        resource: { type: RESOURCE, id: project.id },
        details: { ...patch, ...(thresholds === undefined ? {} : { alert_thresholds: thresholds }) },
      },
      caller,
    );
    return this.#viewOf(project, view.yourRole);
  }

  /** Managers and admins (the RPC's callers) set a project's limit and/or period: as an agent's, in its journal. */
  async setBudget(
    input: { projectId: string; limitMicros?: number; period?: string; reason: string },
    caller: Caller,
  ): Promise<ProjectView> {
    const { project, yourRole } = await this.#visible(input.projectId, caller);
    await this.deps.limits.set(
      { budgetId: project.id, limitMicros: input.limitMicros, period: input.period, reason: input.reason },
      caller,
    );
    return this.#viewOf(project, yourRole);
  }

  async resetBudget(input: { projectId: string; reason: string }, caller: Caller): Promise<ProjectView> {
    const { project, yourRole } = await this.#visible(input.projectId, caller);
    await this.deps.limits.reset({ budgetId: project.id, reason: input.reason }, caller);
    return this.#viewOf(project, yourRole);
  }

  /** Every change of the project's limit (none while it has no budget). */
  async budgetHistory(projectId: string, caller: Caller): Promise<LimitChange[]> {
    return (await this.#visible(projectId, caller)).budget?.history ?? [];
  }

  /** Refused while agents belong to it (delete them first): an agent is never left in a project nobody can see. */
  async delete(id: string, caller: Caller): Promise<void> {
    const { project } = await this.#manageable(id, caller);
    const agents = await this.deps.agents.listInProject(project.id, { afterSeq: 0, limit: 1 });
    if (agents.length > 0) throw new ConflictError('The project still has agents: delete them first', { project_id: project.id });
    if (!(await this.deps.projects.markDeleted(project.id, this.#now()))) throw new NotFoundError('Project not found');
    await this.deps.audit.emit(
      { action: 'project.deleted', resource: { type: RESOURCE, id: project.id }, details: { name: project.name } },
      caller,
    );
  }

  /** Members by user id; the cursor is the last user id shown. */
  async members(
    projectId: string,
    pageInput: PageInput | null | undefined,
    caller: Caller,
  ): Promise<{ items: ProjectMemberRecord[]; next_cursor: string }> {
    const page = readPage(pageInput);
    const { project } = await this.#visible(projectId, caller);
    const members = (await this.deps.members.ofProject(project.id))
      .filter((m) => page.after === undefined || m.user_id > page.after)
      .sort((a, b) => (a.user_id < b.user_id ? -1 : 1));
    return pageOf(members.slice(0, page.limit + 1), page, (m) => m.user_id);
  }

  async setMember(input: { projectId: string; userId: string; role: string }, caller: Caller): Promise<ProjectMemberRecord> {
    const role = validRole(input.role);
    const userId = validUserId(input.userId);
    const { project } = await this.#manageable(input.projectId, caller);
    if (!(await this.deps.users.exists(userId, caller))) throw new NotFoundError('User not found');
    const previous = await this.deps.members.find(project.id, userId);
    const by = personOf(caller.principal).id;
    const member = await this.deps.members.set({
      project_id: project.id,
      user_id: userId,
      role,
      added_by: previous?.added_by ?? by,
      added_at: previous?.added_at ?? this.#now(),
    });
    await this.deps.audit.emit(
      {
        action: 'project.member.set',
        resource: { type: RESOURCE, id: project.id },
        details: { user_id: userId, role, previous_role: previous?.role ?? null },
      },
      caller,
    );
    return member;
  }

  async removeMember(input: { projectId: string; userId: string }, caller: Caller): Promise<void> {
    const userId = validUserId(input.userId);
    const { project } = await this.#manageable(input.projectId, caller);
    const previous = await this.deps.members.find(project.id, userId);
    if (!previous || !(await this.deps.members.remove(project.id, userId))) throw new NotFoundError('Member not found');
    await this.deps.audit.emit(
      { action: 'project.member.removed', resource: { type: RESOURCE, id: project.id }, details: { user_id: userId, role: previous.role } },
      caller,
    );
  }

  /**
   * Which records of agents the caller sees, by the agent's project and its owner (or a request's
   * filer): people see those outside every project, their own, and their projects'. Undefined:
   * everything (managers, admins, services; an agent is limited to itself elsewhere).
   */
  async seenBy(caller: Caller): Promise<((projectId: string, personId: string) => boolean) | undefined> {
    const p = caller.principal;
    if (!boundByProjects(p)) return undefined;
    const roles = await this.rolesOf(p.id);
    return (projectId, personId) => !projectId || personId === p.id || roles.has(projectId);
  }

  /** seenBy for one record: one membership read, and only when the record is in a project. */
  async sees(caller: Caller, projectId: string, personId: string): Promise<boolean> {
    const p = caller.principal;
    return !boundByProjects(p) || !projectId || personId === p.id || (await this.roleIn(projectId, p.id)) !== null;
  }

  /** A user's role in each project they are a member of. */
  async rolesOf(userId: string): Promise<Map<string, ProjectRole>> {
    return new Map((await this.deps.members.ofUser(userId)).map((m) => [m.project_id, m.role]));
  }

  /** The user's role in the project (null: not a member). */
  async roleIn(projectId: string, userId: string): Promise<ProjectRole | null> {
    return (await this.deps.members.find(projectId, userId))?.role ?? null;
  }

  /** An active project the caller may see: a member, a manager or an admin. Everything else is a 404. */
  async #visible(id: string, caller: Caller): Promise<ProjectView> {
    const p = personOf(caller.principal);
    const project = knownId('prj', id) ? await this.deps.projects.findById(id) : null;
    const yourRole = project ? await this.roleIn(project.id, p.id) : null;
    if (project?.status !== 'active' || (!yourRole && !seesAllProjects(p))) throw new NotFoundError('Project not found');
    return this.#viewOf(project, yourRole);
  }

  async #viewOf(project: ProjectRecord, yourRole: ProjectRole | null): Promise<ProjectView> {
    const budget = (await this.deps.budgets.has(project.id)) ? await this.deps.book.current(project.id) : null;
    return { project, yourRole, budget };
  }

  /** A project the caller may change: its owners, managers and admins (other members get 403). */
  async #manageable(id: string, caller: Caller): Promise<ProjectView> {
    const view = await this.#visible(id, caller);
    if (!canManage(personOf(caller.principal), view.yourRole))
      throw new ForbiddenError("Only the project's owners, managers and admins can change a project or its members");
    return view;
  }
}

/** People other than managers and admins: what they see of agents' records follows their memberships. */
function boundByProjects(p: Caller['principal']): boolean {
  return (p.type === 'user' || p.type === 'token') && !seesAllProjects(p);
}

function canManage(p: Person, role: ProjectRole | null): boolean {
  return role === 'owner' || seesAllProjects(p);
}
