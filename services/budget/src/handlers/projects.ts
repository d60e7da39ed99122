import type { AsyncHandlers } from '@tollgate/platform';
import type { BudgetHandlers } from '@tollgate/proto/gen/tollgate/budget/v1/Budget';
import type { Projects } from '../domain/projects.js';
import { toLimitChange, toProject, toProjectMember } from './messages.js';

type Handlers = AsyncHandlers<BudgetHandlers>;

/** CreateProject, GetProject, ListProjects, UpdateProject, DeleteProject, ListProjectMembers, SetProjectMember, RemoveProjectMember, and a project's budget. */
export function projectHandlers(
  projects: Projects,
): Pick<
  Handlers,
  | 'CreateProject'
  | 'GetProject'
  | 'ListProjects'
  | 'UpdateProject'
  | 'DeleteProject'
  | 'ListProjectMembers'
  | 'SetProjectMember'
  | 'RemoveProjectMember'
  | 'SetProjectBudget'
  | 'ResetProjectBudget'
  | 'GetProjectBudgetHistory'
> {
  return {
    async CreateProject(req, ctx) {
      return toProject(await projects.create({ name: req.name, description: req.description, budgetMicros: req.budget_micros }, ctx));
    },
    async GetProject(req, ctx) {
      return toProject(await projects.get(req.id, ctx));
    },
    async ListProjects(req, ctx) {
      const page = await projects.list(req.page, ctx);
      return { items: page.items.map(toProject), next_cursor: page.next_cursor };
    },
    async UpdateProject(req, ctx) {
      return toProject(
        await projects.update(
          { id: req.id, name: req.name, description: req.description, alertThresholds: req.alert_thresholds?.percents },
          ctx,
        ),
      );
    },
    async DeleteProject(req, ctx) {
      await projects.delete(req.id, ctx);
      return {};
    },
    async ListProjectMembers(req, ctx) {
      const page = await projects.members(req.project_id, req.page, ctx);
      return { items: page.items.map(toProjectMember), next_cursor: page.next_cursor };
    },
    async SetProjectMember(req, ctx) {
      return toProjectMember(await projects.setMember({ projectId: req.project_id, userId: req.user_id, role: req.role }, ctx));
    },
    async RemoveProjectMember(req, ctx) {
      await projects.removeMember({ projectId: req.project_id, userId: req.user_id }, ctx);
      return {};
    },
    async SetProjectBudget(req, ctx) {
      return toProject(
        await projects.setBudget({ projectId: req.project_id, limitMicros: req.limit_micros, period: req.period, reason: req.reason }, ctx),
      );
    },
    async ResetProjectBudget(req, ctx) {
      return toProject(await projects.resetBudget({ projectId: req.project_id, reason: req.reason }, ctx));
    },
    async GetProjectBudgetHistory(req, ctx) {
      return { items: (await projects.budgetHistory(req.id, ctx)).map(toLimitChange) };
    },
  };
}
