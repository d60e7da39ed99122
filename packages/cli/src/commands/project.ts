import { Option, type Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { readList, type PageOptions } from '../pages.js';
import { UsageError } from '../errors.js';
import { usdAmount } from '../options.js';
import { when } from '../output.js';
import { confirm, interactive } from '../prompt.js';
import { calls } from '../operations.js';
import { budgetFields, type Budget } from './agent.js';

/** A project as the gateway shows it, with the caller's role in it and its budget (null: none). */
interface Project {
  id: string;
  name: string;
  description: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  your_role: string | null;
  budget: Budget | null;
  alert_thresholds: number[];
}

interface Member {
  project_id: string;
  user_id: string;
  role: string;
  added_by: string;
  added_at: string;
}

const ROLES = ['owner', 'member', 'viewer'];

/** The URL of a project (`/v1/projects/{id}` and below). */
function projectPath(id: string): string {
  return `/v1/projects/${encodeURIComponent(id.trim())}`;
}

function showProject(ctx: CliContext, p: Project): void {
  ctx.out.fields([
    ['ID', p.id],
    ['Name', p.name],
    ['Description', p.description || '—'],
    ['Your role', p.your_role ?? '— (you see every project)'],
    ['Created by', p.created_by],
    ['Created', when(p.created_at)],
    ['Updated', when(p.updated_at)],
    ...(p.budget
      ? [
          ...budgetFields(p.budget),
          ['Alert thresholds', p.alert_thresholds.length ? p.alert_thresholds.map((t) => `${t}%`).join(', ') : '—'] as [string, string],
        ]
      : [['Budget', 'none of its own: its agents are held to their own budgets only'] as [string, string]]),
  ]);
}

async function list(ctx: CliContext, opts: PageOptions): Promise<void> {
  const result = await readList<Project>(ctx, '/v1/projects', {}, opts);
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line('No projects.');
    else {
      ctx.out.table(items, [
        { header: 'ID', value: (p) => p.id },
        { header: 'NAME', value: (p) => p.name },
        { header: 'YOUR ROLE', value: (p) => p.your_role ?? '—' },
        { header: 'LIMIT $', value: (p) => (p.budget ? String(p.budget.limit_usd) : '—') },
        { header: 'SPENT $', value: (p) => (p.budget ? String(p.budget.spent_usd) : '—') },
        { header: 'REMAINING $', value: (p) => (p.budget ? String(p.budget.remaining_usd) : '—') },
        { header: 'CREATED', value: (p) => when(p.created_at) },
      ]);
    }
    if (result.next_cursor) ctx.out.note(`More projects: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

async function get(ctx: CliContext, id: string): Promise<void> {
  const p = await (await ctx.client()).call<Project>('GET', projectPath(id));
  ctx.out.result(p, () => showProject(ctx, p));
}

async function create(ctx: CliContext, name: string, opts: { description?: string; budget?: string }): Promise<void> {
  const body = {
    name,
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.budget !== undefined ? { budget_usd: usdAmount(opts.budget, '--budget') } : {}),
  };
  // Not retried once sent: a repeat would create a second project.
  const p = await (await ctx.client()).call<Project>('POST', '/v1/projects', { body, retry: 'unsent-only' });
  ctx.out.result(p, () => {
    ctx.out.line(`Project ${p.id} created; you own it.`);
    showProject(ctx, p);
  });
}

/** `--alerts` as the gateway takes them: whole percentages, or none. */
function thresholds(raw: string): number[] {
  if (raw.trim() === '' || raw.trim() === 'none') return [];
  const values = raw.split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1 || v > 100)) {
    throw new UsageError(`--alerts must be whole percentages from 1 to 100, comma-separated (or "none"): got ${raw}`);
  }
  return values;
}

async function update(ctx: CliContext, id: string, opts: { name?: string; description?: string; alerts?: string }): Promise<void> {
  const body = {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.alerts !== undefined ? { alert_thresholds: thresholds(opts.alerts) } : {}),
  };
  if (Object.keys(body).length === 0) throw new UsageError('nothing to update — give --name, --description and/or --alerts');
  const p = await (await ctx.client()).call<Project>('PATCH', projectPath(id), { body });
  ctx.out.result(p, () => showProject(ctx, p));
}

async function remove(ctx: CliContext, id: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(`refusing to delete project ${id} without confirmation: stdin is not a terminal — pass --yes to delete it`);
  }
  const client = await ctx.client();
  if (!opts.yes) {
    // Show what is about to go (and fail early on a wrong id) before asking.
    const p = await client.call<Project>('GET', projectPath(id));
    ctx.out.note(`Project ${p.name} (${p.id}) will be deleted with its memberships; a project with agents is not.`);
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ id, deleted: false }, () => ctx.out.line('Not deleted.'));
      return;
    }
  }
  await client.call('DELETE', projectPath(id));
  ctx.out.result({ id, deleted: true }, () => ctx.out.line(`Project ${id} deleted.`));
}

async function members(ctx: CliContext, id: string, opts: PageOptions): Promise<void> {
  const result = await readList<Member>(ctx, `${projectPath(id)}/members`, {}, opts);
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line('No members.');
    else {
      ctx.out.table(items, [
        { header: 'USER', value: (m) => m.user_id },
        { header: 'ROLE', value: (m) => m.role },
        { header: 'ADDED BY', value: (m) => m.added_by },
        { header: 'ADDED', value: (m) => when(m.added_at) },
      ]);
    }
    if (result.next_cursor) ctx.out.note(`More members: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

async function setMember(ctx: CliContext, id: string, userId: string, opts: { role: string }): Promise<void> {
  const m = await (
    await ctx.client()
  ).call<Member>('PUT', `${projectPath(id)}/members/${encodeURIComponent(userId.trim())}`, {
    body: { role: opts.role },
  });
  ctx.out.result(m, () =>
    ctx.out.line(`User ${m.user_id} is now ${m.role === 'owner' ? 'an owner' : `a ${m.role}`} of project ${m.project_id}.`),
  );
}

async function removeMember(ctx: CliContext, id: string, userId: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(
      `refusing to remove user ${userId} from project ${id} without confirmation: stdin is not a terminal — pass --yes to remove them`,
    );
  }
  if (!opts.yes) {
    ctx.out.note(`User ${userId} will no longer see project ${id}, its agents or their spend.`);
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ project_id: id, user_id: userId, removed: false }, () => ctx.out.line('Not removed.'));
      return;
    }
  }
  await (await ctx.client()).call('DELETE', `${projectPath(id)}/members/${encodeURIComponent(userId.trim())}`);
  ctx.out.result({ project_id: id, user_id: userId, removed: true }, () => ctx.out.line(`User ${userId} removed from project ${id}.`));
}

export function registerProjectCommands(program: Command, contextOf: ContextOf): void {
  const project = program
    .command('project')
    .description(
      'projects: teams whose members see their agents and spend, with a budget of their own (`tollgate budget` with a prj_… id)',
    );

  calls(project.command('list'), 'GET /v1/projects')
    .description('list the projects you see (members: theirs; managers and admins: all), with their budgets')
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((opts: PageOptions, cmd: Command) => list(contextOf(cmd), opts));

  calls(project.command('get'), 'GET /v1/projects/{id}')
    .description('show a project: your role in it and its budget')
    .argument('<id>', 'project id (prj_…)')
    .action((id: string, _opts, cmd: Command) => get(contextOf(cmd), id));

  calls(project.command('create'), 'POST /v1/projects')
    .description('create a project (managers and admins); you become its owner')
    .argument('<name>', 'its name')
    .option('--description <text>', 'what it is for')
    .option('--budget <usd>', 'a budget of its own, in USD (none: its agents are held to their own budgets only)')
    .action((name: string, opts: Parameters<typeof create>[2], cmd: Command) => create(contextOf(cmd), name, opts));

  calls(project.command('update'), 'PATCH /v1/projects/{id}')
    .description('rename or describe a project, or set its budget’s alert thresholds (its owners, managers and admins)')
    .argument('<id>', 'project id')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description ("" clears it)')
    .option('--alerts <percents>', 'alert thresholds of its budget, e.g. 50,80,100 ("none" clears them)')
    .action((id: string, opts: Parameters<typeof update>[2], cmd: Command) => update(contextOf(cmd), id, opts));

  calls(project.command('delete'), 'DELETE /v1/projects/{id}')
    .description('delete a project without agents (its owners, managers and admins; asks first unless --yes)')
    .argument('<id>', 'project id')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, opts: Parameters<typeof remove>[2], cmd: Command) => remove(contextOf(cmd), id, opts));

  const member = project.command('member').description('who is in a project, and as what');

  calls(member.command('list'), 'GET /v1/projects/{id}/members')
    .description('list a project’s members and their roles')
    .argument('<id>', 'project id')
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((id: string, opts: PageOptions, cmd: Command) => members(contextOf(cmd), id, opts));

  calls(member.command('set'), 'PUT /v1/projects/{id}/members/{user_id}')
    .description('add a user to a project, or change their role (its owners, managers and admins)')
    .argument('<id>', 'project id')
    .argument('<user-id>', 'the user’s id (as `tollgate user list` shows it)')
    .addOption(new Option('--role <role>', 'owner: manages it; member: adds agents; viewer: sees it').choices(ROLES).makeOptionMandatory())
    .action((id: string, userId: string, opts: Parameters<typeof setMember>[3], cmd: Command) =>
      setMember(contextOf(cmd), id, userId, opts),
    );

  calls(member.command('remove'), 'DELETE /v1/projects/{id}/members/{user_id}')
    .description('remove a user from a project (asks first unless --yes)')
    .argument('<id>', 'project id')
    .argument('<user-id>', 'the user’s id')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, userId: string, opts: Parameters<typeof removeMember>[3], cmd: Command) =>
      removeMember(contextOf(cmd), id, userId, opts),
    );
}
