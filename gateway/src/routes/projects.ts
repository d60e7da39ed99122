import { z } from 'zod';
import { RPC_CALLERS } from '@tollgate/platform';
import type { Project__Output } from '@tollgate/proto/gen/tollgate/budget/v1/Project';
import type { ProjectMember__Output } from '@tollgate/proto/gen/tollgate/budget/v1/ProjectMember';
import { descriptionField, idParams, nameField, nullable, pageOut, pageQuery, requiredText, toMicros, usdAmount } from './fields.js';
import {
  alertThresholdsField,
  budgetHistorySchema,
  budgetSchema,
  setBudgetBody,
  setBudgetFields,
  setBudgetRule,
  toBudget,
  toBudgetHistory,
} from './schemas.js';
import type { RouteDefiner } from './define.js';
import type { GatewayDeps } from '../deps.js';

const PROJECT_ROLES = ['owner', 'member', 'viewer'] as const;

const projectSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    created_by: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    your_role: z
      .enum(PROJECT_ROLES)
      .nullable()
      .openapi({ description: 'Your role in the project; null when you are not a member (you see it as a manager or admin)' }),
    // A union, not .nullable(): the generator drops nullable beside a $ref.
    budget: z.union([budgetSchema, z.null()]).openapi({
      description:
        "Its budget; null while it has none (its agents are then held to their own budgets only). An agent's calls and leases " +
        "hold from both its own budget and its project's: neither is ever exceeded",
    }),
    alert_thresholds: z.array(z.number().int()).openapi({
      description: "Percentages of the project's limit whose crossing is audited `budget.threshold`, once a period each (ascending)",
    }),
  })
  .openapi('Project');

const memberSchema = z
  .object({
    project_id: z.string(),
    user_id: z.string(),
    role: z.enum(PROJECT_ROLES),
    added_by: z.string(),
    added_at: z.string(),
  })
  .openapi('ProjectMember');

const memberParams = z.object({ id: idParams.shape.id, user_id: idParams.shape.id });

function toProject(p: Project__Output) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    created_by: p.created_by,
    created_at: p.created_at,
    updated_at: p.updated_at,
    your_role: nullable(p.your_role) as (typeof PROJECT_ROLES)[number] | null,
    budget: p.budget ? toBudget(p.budget) : null,
    alert_thresholds: p.alert_thresholds,
  };
}

function toMember(m: ProjectMember__Output) {
  return {
    project_id: m.project_id,
    user_id: m.user_id,
    role: m.role as (typeof PROJECT_ROLES)[number],
    added_by: m.added_by,
    added_at: m.added_at,
  };
}

const VISIBILITY =
  "A project's members (owner, member or viewer) see it, its agents and their spend, and nothing of other projects'; managers and " +
  'admins see every project. To anyone else a project is 404.';

export function registerProjectRoutes(route: RouteDefiner, deps: GatewayDeps): void {
  const budget = deps.clients.budget.call;
  const common = { auth: 'any', tag: 'Projects' } as const;

  route({
    ...common,
    method: 'post',
    path: '/v1/projects',
    callers: RPC_CALLERS.budget.CreateProject,
    summary: 'Create a project (managers and admins); you become its owner',
    description: `${VISIBILITY} Audited \`project.created\`.`,
    body: z.object({
      name: nameField,
      description: descriptionField.optional(),
      budget_usd: usdAmount({ maximum: 10_000, note: 'at most MAX_BUDGET_USD (default 10,000); absent: no budget of its own' }).optional(),
    }),
    status: 201,
    response: projectSchema,
    handler: async ({ body, call }) =>
      toProject(
        await budget.CreateProject(
          {
            name: body.name,
            description: body.description ?? '',
            budget_micros: body.budget_usd === undefined ? undefined : toMicros(body.budget_usd, 'budget_usd'),
          },
          call,
        ),
      ),
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/projects',
    callers: RPC_CALLERS.budget.ListProjects,
    summary: 'List the projects you see (members: theirs; managers and admins: all)',
    query: z.object(pageQuery),
    response: pageOut(projectSchema),
    handler: async ({ query, call }) => {
      const res = await budget.ListProjects({ page: { limit: query.limit, cursor: query.cursor } }, call);
      return { items: res.items.map(toProject), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/projects/{id}',
    callers: RPC_CALLERS.budget.GetProject,
    summary: 'Get a project',
    description: VISIBILITY,
    params: idParams,
    response: projectSchema,
    errors: [404],
    handler: async ({ params, call }) => toProject(await budget.GetProject({ id: params.id }, call)),
  });

  route({
    ...common,
    method: 'patch',
    path: '/v1/projects/{id}',
    callers: RPC_CALLERS.budget.UpdateProject,
    summary: "Rename or describe a project, or set its budget's alert thresholds (its owners, managers and admins)",
    description: 'Other members get 403; thresholds on a project without a budget, 409. Audited `project.updated`.',
    params: idParams,
    body: z.object({ name: nameField.optional(), description: descriptionField.optional(), alert_thresholds: alertThresholdsField }),
    response: projectSchema,
    errors: [404, 409],
    handler: async ({ params, body, call }) =>
      toProject(
        await budget.UpdateProject(
          {
            id: params.id,
            name: body.name,
            description: body.description,
            alert_thresholds: body.alert_thresholds && { percents: body.alert_thresholds },
          },
          call,
        ),
      ),
  });

  route({
    ...common,
    method: 'delete',
    path: '/v1/projects/{id}',
    callers: RPC_CALLERS.budget.DeleteProject,
    summary: 'Delete a project (its owners, managers and admins)',
    description: '409 while agents belong to it: delete them first. Audited `project.deleted`.',
    params: idParams,
    status: 204,
    errors: [404, 409],
    handler: async ({ params, call }) => {
      await budget.DeleteProject({ id: params.id }, call);
    },
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/projects/{id}/members',
    callers: RPC_CALLERS.budget.ListProjectMembers,
    summary: "List a project's members, by user id",
    params: idParams,
    query: z.object(pageQuery),
    response: pageOut(memberSchema),
    errors: [404],
    handler: async ({ params, query, call }) => {
      const res = await budget.ListProjectMembers({ project_id: params.id, page: { limit: query.limit, cursor: query.cursor } }, call);
      return { items: res.items.map(toMember), next_cursor: nullable(res.next_cursor) };
    },
  });

  route({
    ...common,
    method: 'put',
    path: '/v1/projects/{id}/members/{user_id}',
    callers: RPC_CALLERS.budget.SetProjectMember,
    summary: "Add a user to a project or change their role (the project's owners, managers and admins)",
    description:
      '`owner`: manages the project and its members; `member`: adds agents to it; `viewer`: sees it. Each also sees the ' +
      "project's agents and their spend. 404 for an unknown user. Audited `project.member.set` with the previous role.",
    params: memberParams,
    body: z.object({ role: z.enum(PROJECT_ROLES) }),
    response: memberSchema,
    errors: [404],
    handler: async ({ params, body, call }) =>
      toMember(await budget.SetProjectMember({ project_id: params.id, user_id: params.user_id, role: body.role }, call)),
  });

  route({
    ...common,
    method: 'delete',
    path: '/v1/projects/{id}/members/{user_id}',
    callers: RPC_CALLERS.budget.RemoveProjectMember,
    summary: "Remove a user from a project (the project's owners, managers and admins)",
    description: 'Audited `project.member.removed`.',
    params: memberParams,
    status: 204,
    errors: [404],
    handler: async ({ params, call }) => {
      await budget.RemoveProjectMember({ project_id: params.id, user_id: params.user_id }, call);
    },
  });

  route({
    ...common,
    method: 'put',
    path: '/v1/projects/{id}/budget',
    callers: RPC_CALLERS.budget.SetProjectBudget,
    summary: "Set a project's limit and/or period (managers and admins); the first gives it a budget",
    description:
      "As an agent's: never below what is spent and reserved (409), `day` / `week` / `month` periods, UTC. From then on its agents' " +
      'calls and leases hold from both budgets. Recorded in its budget history and audited `budget.limit.changed`.',
    params: idParams,
    body: setBudgetBody,
    bodyRule: setBudgetRule,
    response: projectSchema,
    errors: [404, 409],
    handler: async ({ params, body, call }) =>
      toProject(await budget.SetProjectBudget({ project_id: params.id, ...setBudgetFields(body) }, call)),
  });

  route({
    ...common,
    method: 'post',
    path: '/v1/projects/{id}/budget/reset',
    callers: RPC_CALLERS.budget.ResetProjectBudget,
    summary: "Start a new period of a project's budget now (managers and admins)",
    description: "409 for a project without a budget. Its agents' own budgets are not reset. Audited `budget.reset`.",
    params: idParams,
    body: z.object({ reason: requiredText }),
    response: projectSchema,
    errors: [404, 409],
    handler: async ({ params, body, call }) =>
      toProject(await budget.ResetProjectBudget({ project_id: params.id, reason: body.reason }, call)),
  });

  route({
    ...common,
    method: 'get',
    path: '/v1/projects/{id}/budget/history',
    callers: RPC_CALLERS.budget.GetProjectBudgetHistory,
    summary: "Changes to a project's budget limit, with who made them",
    params: idParams,
    response: budgetHistorySchema,
    errors: [404],
    handler: async ({ params, call }) => toBudgetHistory(await budget.GetProjectBudgetHistory({ id: params.id }, call)),
  });
}
