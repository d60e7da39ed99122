import { Option, type Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { readList } from '../pages.js';
import { UsageError } from '../errors.js';
import { collectList, integer, usdAmount } from '../options.js';
import { when } from '../output.js';
import { confirm, interactive } from '../prompt.js';
import { calls } from '../operations.js';

/** An agent's budget as the gateway shows it: USD, spent in the current period. */
export interface Budget {
  limit_usd: number;
  spent_usd: number;
  reserved_usd: number;
  remaining_usd: number;
  period: string;
  period_started_at: string | null;
  resets_at: string | null;
}

/** An agent as the gateway shows it; its `tg_agt_` credential only in what create answers. */
export interface Agent {
  id: string;
  owner_id: string;
  name: string;
  description: string;
  providers: string[];
  disabled: boolean;
  token_id: string | null;
  created_at: string;
  budget: Budget;
  max_parallel_calls: number;
  tokens_per_minute: number;
  alert_thresholds: number[];
  /** The project it belongs to (null: none). */
  project_id: string | null;
}

/**
 * An agent's id as given. The agent's credential is refused, so a secret never ends up in a
 * URL, a query or a body, nor in the gateway's logs.
 */
export function agentId(id: string): string {
  const value = id.trim();
  if (/^tg_(agt|pat)_/.test(value)) {
    throw new UsageError('that is a token, secret included — give the agent’s id (agt_…, as `tollgate agent list` shows it)');
  }
  return value;
}

/** The URL of an agent (`/v1/agents/{id}` and below). */
export function agentPath(id: string): string {
  return `/v1/agents/${encodeURIComponent(agentId(id))}`;
}

export const usd = (n: number) => `$${n}`;

/** The budget's lines of a summary: what it allows, what is used, and its period. */
export function budgetFields(b: Budget): [string, string][] {
  return [
    ['Limit', usd(b.limit_usd)],
    ['Spent', `${usd(b.spent_usd)} (this period)`],
    ['Reserved', `${usd(b.reserved_usd)} (calls in flight and open leases)`],
    ['Remaining', usd(b.remaining_usd)],
    ['Period', b.period],
    ['Period started', when(b.period_started_at)],
    ['Resets', when(b.resets_at, 'never')],
  ];
}

const limitOrDefault = (n: number) => (n === 0 ? 'the service’s default' : String(n));
const thresholds = (percents: number[]) => percents.map((p) => `${p}%`).join(', ') || 'none';

function showAgent(ctx: CliContext, a: Agent): void {
  ctx.out.fields([
    ['ID', a.id],
    ['Name', a.name],
    ['Description', a.description || '—'],
    ['Owner ID', a.owner_id],
    ['Project', a.project_id ?? '—'],
    ['Providers', a.providers.join(', ') || 'any'],
    ['Disabled', a.disabled ? 'yes' : 'no'],
    ['Token ID', a.token_id ?? '—'],
    ['Created', when(a.created_at)],
    ...budgetFields(a.budget),
    ['Alert thresholds', thresholds(a.alert_thresholds)],
    ['Max parallel calls', limitOrDefault(a.max_parallel_calls)],
    ['Tokens per minute', limitOrDefault(a.tokens_per_minute)],
  ]);
}

async function list(ctx: CliContext, opts: { project?: string; limit?: string; cursor?: string; all?: boolean }): Promise<void> {
  const result = await readList<Agent>(ctx, '/v1/agents', { project_id: opts.project?.trim() }, opts);
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line('No agents.');
    else {
      ctx.out.table(items, [
        { header: 'ID', value: (a) => a.id },
        { header: 'NAME', value: (a) => a.name },
        { header: 'OWNER', value: (a) => a.owner_id },
        { header: 'PROJECT', value: (a) => a.project_id ?? '—' },
        { header: 'LIMIT $', value: (a) => String(a.budget.limit_usd) },
        { header: 'SPENT $', value: (a) => String(a.budget.spent_usd) },
        { header: 'REMAINING $', value: (a) => String(a.budget.remaining_usd) },
        { header: 'PERIOD', value: (a) => a.budget.period },
        { header: 'DISABLED', value: (a) => (a.disabled ? 'yes' : 'no') },
      ]);
    }
    if (result.next_cursor) ctx.out.note(`More agents: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

async function get(ctx: CliContext, id: string): Promise<void> {
  const a = await (await ctx.client()).call<Agent>('GET', agentPath(id));
  ctx.out.result(a, () => showAgent(ctx, a));
}

async function create(
  ctx: CliContext,
  opts: { name: string; budget: string; description?: string; provider?: string[]; project?: string },
): Promise<void> {
  const body = {
    name: opts.name,
    ...(opts.project !== undefined ? { project_id: opts.project.trim() } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    budget_usd: usdAmount(opts.budget, '--budget'),
    ...(opts.provider?.length ? { providers: opts.provider } : {}),
  };
  // Not retried once sent: a repeat would create a second agent.
  const r = await (await ctx.client()).call<{ agent: Agent; token: string }>('POST', '/v1/agents', { body, retry: 'unsent-only' });
  ctx.out.result(r, () => {
    showAgent(ctx, r.agent);
    ctx.out.line();
    ctx.out.line('Agent token (shown only once — store it now, it cannot be retrieved later):');
    ctx.out.line(r.token);
  });
}

/** `--alert-thresholds 50,80,100` → [50, 80, 100]; '' or `none` → [] (no alerts). */
function parseThresholds(value: string): number[] {
  const parts = value.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 1 && parts[0].toLowerCase() === 'none') return [];
  return parts.map((p) => integer(p, '--alert-thresholds', 1, 100));
}

async function update(
  ctx: CliContext,
  id: string,
  opts: {
    name?: string;
    description?: string;
    disable?: boolean;
    enable?: boolean;
    maxParallelCalls?: string;
    tokensPerMinute?: string;
    alertThresholds?: string;
  },
): Promise<void> {
  const body = {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.disable ? { disabled: true } : opts.enable ? { disabled: false } : {}),
    ...(opts.maxParallelCalls !== undefined
      ? { max_parallel_calls: integer(opts.maxParallelCalls, '--max-parallel-calls', 0, 100_000) }
      : {}),
    ...(opts.tokensPerMinute !== undefined
      ? { tokens_per_minute: integer(opts.tokensPerMinute, '--tokens-per-minute', 0, 1_000_000_000) }
      : {}),
    ...(opts.alertThresholds !== undefined ? { alert_thresholds: parseThresholds(opts.alertThresholds) } : {}),
  };
  if (Object.keys(body).length === 0) {
    throw new UsageError(
      'nothing to update — give --name, --description, --disable or --enable, --max-parallel-calls, --tokens-per-minute and/or --alert-thresholds',
    );
  }
  const a = await (await ctx.client()).call<Agent>('PATCH', agentPath(id), { body });
  ctx.out.result(a, () => showAgent(ctx, a));
}

async function remove(ctx: CliContext, id: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(`refusing to delete agent ${id} without confirmation: stdin is not a terminal — pass --yes to delete it`);
  }
  const path = agentPath(id);
  const client = await ctx.client();
  if (!opts.yes) {
    // Show what is about to go (and fail early on a wrong id) before asking.
    const a = await client.call<Agent>('GET', path);
    const b = a.budget;
    ctx.out.note(
      `Agent ${a.name} (${a.id}, budget ${usd(b.limit_usd)}, ${usd(b.spent_usd)} spent) will be deleted: ` +
        'its token stops working at once and its budget grants nothing more; its spend stays in the ledger.',
    );
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ id, deleted: false }, () => ctx.out.line('Not deleted.'));
      return;
    }
  }
  await client.call('DELETE', path);
  ctx.out.result({ id, deleted: true }, () => ctx.out.line(`Agent ${id} deleted.`));
}

export function registerAgentCommands(program: Command, contextOf: ContextOf): void {
  const agent = program.command('agent').description('manage agents: their budgets, credentials (tg_agt_…) and proxy limits');

  calls(agent.command('list'), 'GET /v1/agents')
    .description('list the agents you see, with their budgets')
    .option('--project <project-id>', 'only this project’s agents')
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((opts: Parameters<typeof list>[1], cmd: Command) => list(contextOf(cmd), opts));

  calls(agent.command('get'), 'GET /v1/agents/{id}')
    .description('show one agent with its budget and alert thresholds (never its token)')
    .argument('<id>', 'agent id (agt_…)')
    .action((id: string, _opts, cmd: Command) => get(contextOf(cmd), id));

  calls(agent.command('create'), 'POST /v1/agents')
    .description('create an agent with a budget; its tg_agt_ token is shown once')
    .requiredOption('--name <name>', 'a name to recognise it by')
    .requiredOption('--budget <usd>', 'its budget in USD, at most 6 decimals (members: up to the self-service allowance)')
    .option('--description <text>', 'what it is for')
    .option('--provider <provider>', 'a provider it may use (repeatable, or comma-separated; default: any)', collectList)
    .option('--project <project-id>', 'the project it belongs to (one you own or are a member of)')
    .action((opts: Parameters<typeof create>[1], cmd: Command) => create(contextOf(cmd), opts));

  calls(agent.command('update'), 'PATCH /v1/agents/{id}')
    .description('rename, describe, disable or re-enable an agent, or set its proxy limits and budget alerts (owner or admin)')
    .argument('<id>', 'agent id')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description ("" clears it)')
    .addOption(new Option('--disable', 'disable it: no new lease or proxied call').conflicts('enable'))
    .option('--enable', 're-enable it')
    .option('--max-parallel-calls <n>', 'proxied calls in flight at once (0-100000; 0: the service’s default)')
    .option('--tokens-per-minute <n>', 'tokens a minute through the proxy (0-1000000000; 0: the service’s default)')
    .option('--alert-thresholds <percents>', 'percentages of the limit whose crossing is audited, e.g. 50,80,100 ("" or none: no alerts)')
    .action((id: string, opts: Parameters<typeof update>[2], cmd: Command) => update(contextOf(cmd), id, opts));

  calls(agent.command('delete'), 'DELETE /v1/agents/{id}')
    .description('delete an agent: its token stops working at once, its ledger is kept (asks first unless --yes)')
    .argument('<id>', 'agent id')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, opts: Parameters<typeof remove>[2], cmd: Command) => remove(contextOf(cmd), id, opts));
}
