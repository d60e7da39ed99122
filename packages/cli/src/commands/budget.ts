import { Option, type Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { ApiError, UsageError } from '../errors.js';
import { instant, usdAmount } from '../options.js';
import { when } from '../output.js';
import { confirm, interactive } from '../prompt.js';
import { agentId, agentPath, budgetFields, usd, type Agent, type Budget } from './agent.js';
import { calls } from '../operations.js';
import { readList, type PageOptions } from '../pages.js';

/** One change of an agent's budget: an approved request, a manager's set or a reset. */
interface BudgetChange {
  old_limit_usd: number;
  new_limit_usd: number;
  approver_id: string;
  request_id: string;
  reason: string;
  at: string;
  kind: string;
  period: string;
  closed_spent_usd: number;
}

/** One row of an agent's ledger: a charge, a change of its limit, or a new period (the other two are null). */
interface LedgerEntry {
  id: string;
  at: string;
  kind: 'charge' | 'limit_change' | 'period';
  charge: {
    request_id: string;
    provider: string;
    model: string;
    input_tokens: number;
    output_tokens: number;
    cost_usd: number;
    whole_hold_reason: string | null;
  } | null;
  limit_change: BudgetChange | null;
  period: { started_at: string; closed_spent_usd: number } | null;
}

/** One group of GET /v1/analytics/spend: `key` is the agent id, provider, model or UTC day. */
interface SpendRow {
  key: string;
  spent_usd: number;
  requests: number;
  input_tokens: number;
  output_tokens: number;
}

const PERIODS = ['none', 'day', 'week', 'month'];
const SPEND_GROUPS = ['agent', 'provider', 'model', 'day'];

/** A project as its budget commands read it. */
interface ProjectBudget {
  id: string;
  name: string;
  budget: Budget | null;
}

/** Whose budget: an agent's (agt_…) or a project's (prj_…). */
const isProject = (id: string) => id.trim().startsWith('prj_');
const projectPath = (id: string) => `/v1/projects/${encodeURIComponent(id.trim())}`;
const budgetPath = (id: string) => (isProject(id) ? `${projectPath(id)}/budget` : `${agentPath(id)}/budget`);
const whose = (id: string) => (isProject(id) ? `project ${id}` : `agent ${id}`);

/** The budget an answer carries: an agent's budget is the answer, a project's is in it (null: the project has none). */
const budgetIn = (id: string, answer: unknown): Budget | null => (isProject(id) ? (answer as ProjectBudget).budget : (answer as Budget));

function showBudget(ctx: CliContext, b: Budget | null): void {
  if (b) ctx.out.fields(budgetFields(b));
  else ctx.out.line('No budget of its own: its agents are held to their own budgets only.');
}

async function get(ctx: CliContext, id: string): Promise<void> {
  const answer = await (await ctx.client()).call('GET', isProject(id) ? projectPath(id) : budgetPath(id));
  ctx.out.result(answer, () => showBudget(ctx, budgetIn(id, answer)));
}

/** A 409 for a limit below what is spent and reserved says how low it may go. */
function withMinimum(err: unknown): unknown {
  if (!(err instanceof ApiError) || err.status !== 409 || typeof err.details?.minimum_usd !== 'number') return err;
  const { minimum_usd, spent_usd, reserved_usd } = err.details;
  const parts =
    typeof spent_usd === 'number' && typeof reserved_usd === 'number' ? ` (${usd(spent_usd)} spent + ${usd(reserved_usd)} reserved)` : '';
  return new ApiError(
    `${err.message} — the lowest it can go now is ${usd(minimum_usd)}${parts}`,
    err.exitCode,
    err.code,
    err.status,
    err.requestId,
    err.details,
  );
}

async function set(ctx: CliContext, agentId: string, opts: { limit?: string; period?: string; reason: string }): Promise<void> {
  if (opts.limit === undefined && opts.period === undefined) throw new UsageError('nothing to set — give --limit, --period or both');
  const body = {
    ...(opts.limit !== undefined ? { limit_usd: usdAmount(opts.limit, '--limit') } : {}),
    ...(opts.period !== undefined ? { period: opts.period } : {}),
    reason: opts.reason,
  };
  let answer: unknown;
  try {
    answer = await (await ctx.client()).call('PUT', budgetPath(agentId), { body });
  } catch (err) {
    throw withMinimum(err);
  }
  ctx.out.result(answer, () => {
    ctx.out.line(`Budget of ${whose(agentId)} set.`);
    showBudget(ctx, budgetIn(agentId, answer));
  });
}

/** A reset is not repeated once sent: a second one would close the new period too. */
async function reset(ctx: CliContext, agentId: string, opts: { reason: string; yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(
      `refusing to reset the budget of ${whose(agentId)} without confirmation: stdin is not a terminal — pass --yes to reset it`,
    );
  }
  const client = await ctx.client();
  if (!opts.yes) {
    // Show what is about to be closed (and fail early on a wrong id) before asking.
    const a = isProject(agentId)
      ? await client.call<ProjectBudget>('GET', projectPath(agentId))
      : await client.call<Agent>('GET', agentPath(agentId));
    const b = a.budget ?? { spent_usd: 0, limit_usd: 0 };
    ctx.out.note(
      `The budget of ${isProject(agentId) ? 'project' : 'agent'} ${a.name} (${a.id}: ${usd(b.spent_usd)} spent of ${usd(b.limit_usd)} this period) ` +
        'will start a new period now: its spend starts again from zero.',
    );
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ agent_id: agentId, reset: false }, () => ctx.out.line('Not reset.'));
      return;
    }
  }
  const answer = await client.call('POST', `${budgetPath(agentId)}/reset`, { body: { reason: opts.reason }, retry: 'unsent-only' });
  ctx.out.result(answer, () => {
    ctx.out.line(`Budget of ${whose(agentId)} reset.`);
    showBudget(ctx, budgetIn(agentId, answer));
  });
}

async function history(ctx: CliContext, agentId: string): Promise<void> {
  const r = await (await ctx.client()).call<{ items: BudgetChange[] }>('GET', `${budgetPath(agentId)}/history`);
  ctx.out.result(r, () => {
    if (r.items.length === 0) {
      ctx.out.line('No budget changes.');
      return;
    }
    ctx.out.table(r.items, [
      { header: 'AT', value: (h) => when(h.at) },
      { header: 'KIND', value: (h) => h.kind },
      { header: 'OLD $', value: (h) => String(h.old_limit_usd) },
      { header: 'NEW $', value: (h) => String(h.new_limit_usd) },
      { header: 'PERIOD', value: (h) => h.period },
      { header: 'CLOSED SPENT $', value: (h) => String(h.closed_spent_usd) },
      { header: 'BY', value: (h) => h.approver_id },
      { header: 'REASON', value: (h) => h.reason },
    ]);
  });
}

/** What an entry did, in a line: the call and its cost, the limit's change, or the period's close. */
function entryText(e: LedgerEntry): string {
  if (e.charge) {
    const c = e.charge;
    const cost = `${c.provider}/${c.model} ${c.input_tokens}+${c.output_tokens} tokens ${usd(c.cost_usd)} (request ${c.request_id})`;
    return c.whole_hold_reason ? `${cost}, charged its whole hold: ${c.whole_hold_reason}` : cost;
  }
  if (e.limit_change) {
    const l = e.limit_change;
    return `${usd(l.old_limit_usd)} → ${usd(l.new_limit_usd)} (${l.kind} by ${l.approver_id}): ${l.reason}`;
  }
  return `new period from ${when(e.period!.started_at)}; the last one spent ${usd(e.period!.closed_spent_usd)}`;
}

async function ledger(ctx: CliContext, id: string, opts: PageOptions): Promise<void> {
  const result = await readList<LedgerEntry>(ctx, `${agentPath(agentId(id))}/ledger`, {}, opts);
  ctx.out.result(result, () => {
    if (result.items.length === 0) ctx.out.line(result.next_cursor ? 'No entries among the latest read.' : 'No ledger entries.');
    else
      ctx.out.table(result.items, [
        { header: 'AT', value: (e) => when(e.at) },
        { header: 'KIND', value: (e) => e.kind },
        { header: 'WHAT', value: entryText },
      ]);
    if (result.next_cursor) ctx.out.note(`Older entries: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

/** Spend from the usage ledger, grouped; the gateway counts whole UTC days, so a time stands for its day. */
async function spend(ctx: CliContext, opts: { by: string; from?: string; to?: string; agent?: string; project?: string }): Promise<void> {
  const query = {
    group_by: opts.by,
    from: opts.from === undefined ? undefined : instant(opts.from, '--from'),
    to: opts.to === undefined ? undefined : instant(opts.to, '--to'),
    agent_id: opts.agent === undefined ? undefined : agentId(opts.agent),
    project_id: opts.project?.trim(),
  };
  const r = await (await ctx.client()).call<{ items: SpendRow[] }>('GET', '/v1/analytics/spend', { query });
  ctx.out.result(r, () => {
    if (r.items.length === 0) ctx.out.line('No spend.');
    else {
      ctx.out.table(r.items, [
        { header: opts.by.toUpperCase(), value: (g) => g.key },
        { header: 'SPENT $', value: (g) => String(g.spent_usd) },
        { header: 'REQUESTS', value: (g) => String(g.requests) },
        { header: 'INPUT TOKENS', value: (g) => String(g.input_tokens) },
        { header: 'OUTPUT TOKENS', value: (g) => String(g.output_tokens) },
      ]);
    }
  });
}

export function registerBudgetCommands(program: Command, contextOf: ContextOf): void {
  const budget = program
    .command('budget')
    .description('agents’ and projects’ budgets: what is spent and left, and managers’ changes (give an agt_… or a prj_… id)');

  calls(budget.command('get'), 'GET /v1/agents/{id}/budget', 'GET /v1/projects/{id}')
    .description('show an agent’s or a project’s budget: limit, spent this period, reserved, remaining, and its period')
    .argument('<agent-id>', 'agent id (agt_…) or project id (prj_…)')
    .action((agentId: string, _opts, cmd: Command) => get(contextOf(cmd), agentId));

  calls(budget.command('set'), 'PUT /v1/agents/{id}/budget', 'PUT /v1/projects/{id}/budget')
    .description(
      'set an agent’s or a project’s limit and/or period (managers and admins); never below what is spent and reserved; ' +
        'the first for a project gives it a budget',
    )
    .argument('<agent-id>', 'agent id or project id')
    .option('--limit <usd>', 'the new limit in USD, at most 6 decimals')
    .addOption(
      new Option('--period <period>', 'start the spend again each calendar day, week (Monday) or month, UTC; or never').choices(PERIODS),
    )
    .requiredOption('--reason <text>', 'why: kept in the budget history and the audit log')
    .action((agentId: string, opts: Parameters<typeof set>[2], cmd: Command) => set(contextOf(cmd), agentId, opts));

  calls(budget.command('reset'), 'POST /v1/agents/{id}/budget/reset', 'POST /v1/projects/{id}/budget/reset')
    .description('start a new period now: the spend starts again from zero (managers and admins; asks first unless --yes)')
    .argument('<agent-id>', 'agent id or project id')
    .requiredOption('--reason <text>', 'why: kept in the budget history and the audit log')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((agentId: string, opts: Parameters<typeof reset>[2], cmd: Command) => reset(contextOf(cmd), agentId, opts));

  calls(budget.command('history'), 'GET /v1/agents/{id}/budget/history', 'GET /v1/projects/{id}/budget/history')
    .description('changes to an agent’s or a project’s budget: approved requests, managers’ sets and resets, with who made them')
    .argument('<agent-id>', 'agent id or project id')
    .action((agentId: string, _opts, cmd: Command) => history(contextOf(cmd), agentId));

  calls(budget.command('ledger'), 'GET /v1/agents/{id}/ledger')
    .description('an agent’s ledger, newest first: each charge (call, tokens, cost), each change of its limit, each new period')
    .argument('<agent-id>', 'agent id (agt_…)')
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((id: string, opts: PageOptions, cmd: Command) => ledger(contextOf(cmd), id, opts));

  calls(budget.command('spend'), 'GET /v1/analytics/spend')
    .description('what was spent, from the usage ledger: per agent, provider, model or UTC day (agents you may see)')
    .addOption(new Option('--by <group>', 'group by agent, provider, model or UTC day').choices(SPEND_GROUPS).default('agent'))
    .option('--from <time>', 'from this UTC day on (inclusive): a date, RFC 3339 (its day) or a span ago like 7d')
    .option('--to <time>', 'up to this UTC day (inclusive; same forms as --from)')
    .option('--agent <agent-id>', 'only this agent’s spend')
    .option('--project <project-id>', 'only the spend of this project’s agents')
    .action((opts: Parameters<typeof spend>[1], cmd: Command) => spend(contextOf(cmd), opts));
}
