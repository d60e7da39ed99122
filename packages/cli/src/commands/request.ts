import { Option, type Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { readList } from '../pages.js';
import { usdAmount } from '../options.js';
import { when } from '../output.js';
import { UsageError } from '../errors.js';
import { agentId, usd } from './agent.js';
import { calls } from '../operations.js';

/** A request for more budget as the gateway shows it: `requested_budget_usd` is the increase asked for. */
interface BudgetRequest {
  id: string;
  /** null for a request for a project's budget. */
  agent_id: string | null;
  /** The project whose budget it raises (agent_id null), or the agent's project. */
  project_id: string | null;
  requester_id: string;
  requested_budget_usd: number;
  justification: string;
  status: string;
  decided_by: string | null;
  decision_note: string | null;
  decided_at: string | null;
  created_at: string;
}

const STATUSES = ['pending', 'approved', 'rejected', 'cancelled'];

const path = (id: string) => `/v1/budget-requests/${encodeURIComponent(id.trim())}`;

/** Whose budget a request raises. */
const whose = (r: BudgetRequest) => (r.agent_id ? `agent ${r.agent_id}` : `project ${r.project_id ?? ''}`);

function showRequest(ctx: CliContext, r: BudgetRequest): void {
  ctx.out.fields([
    ['ID', r.id],
    r.agent_id ? ['Agent ID', r.agent_id] : ['Project ID', r.project_id ?? ''],
    ['Requester ID', r.requester_id],
    ['Requested', `${usd(r.requested_budget_usd)} more`],
    ['Justification', r.justification],
    ['Status', r.status],
    ['Created', when(r.created_at)],
    ['Decided by', r.decided_by ?? '—'],
    ['Decided', when(r.decided_at)],
    ['Note', r.decision_note || '—'],
  ]);
}

async function list(
  ctx: CliContext,
  opts: { status?: string; agent?: string; project?: string; limit?: string; cursor?: string; all?: boolean },
): Promise<void> {
  const result = await readList<BudgetRequest>(
    ctx,
    '/v1/budget-requests',
    { status: opts.status, agent_id: opts.agent === undefined ? undefined : agentId(opts.agent), project_id: opts.project?.trim() },
    opts,
  );
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line('No budget requests.');
    else {
      ctx.out.table(items, [
        { header: 'ID', value: (r) => r.id },
        { header: 'AGENT', value: (r) => r.agent_id ?? '—' },
        { header: 'PROJECT', value: (r) => r.project_id ?? '—' },
        { header: 'REQUESTER', value: (r) => r.requester_id },
        { header: 'MORE $', value: (r) => String(r.requested_budget_usd) },
        { header: 'STATUS', value: (r) => r.status },
        { header: 'CREATED', value: (r) => when(r.created_at) },
        { header: 'DECIDED BY', value: (r) => r.decided_by ?? '—' },
        { header: 'JUSTIFICATION', value: (r) => r.justification },
      ]);
    }
    if (result.next_cursor) ctx.out.note(`More budget requests: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

async function get(ctx: CliContext, id: string): Promise<void> {
  const r = await (await ctx.client()).call<BudgetRequest>('GET', path(id));
  ctx.out.result(r, () => showRequest(ctx, r));
}

async function create(ctx: CliContext, opts: { agent?: string; project?: string; amount: string; justification: string }): Promise<void> {
  if ((opts.agent === undefined) === (opts.project === undefined)) throw new UsageError('give --agent or --project: whose budget to raise');
  const body = {
    ...(opts.agent === undefined ? { project_id: opts.project!.trim() } : { agent_id: agentId(opts.agent) }),
    requested_budget_usd: usdAmount(opts.amount, '--amount'),
    justification: opts.justification,
  };
  // Not retried once sent: a repeat would file a second request.
  const r = await (await ctx.client()).call<BudgetRequest>('POST', '/v1/budget-requests', { body, retry: 'unsent-only' });
  ctx.out.result(r, () => {
    ctx.out.line(`Budget request ${r.id} filed: ${usd(r.requested_budget_usd)} more for ${whose(r)}, for a manager to decide.`);
    showRequest(ctx, r);
  });
}

/**
 * Approve, reject and cancel are not retried once sent: a request is decided once, so a
 * repeat of one that went through would only answer 409 (no longer pending).
 */
async function approve(ctx: CliContext, id: string, opts: { note?: string }): Promise<void> {
  const body = opts.note === undefined ? {} : { note: opts.note };
  const r = await (await ctx.client()).call<BudgetRequest>('POST', `${path(id)}/approve`, { body, retry: 'unsent-only' });
  ctx.out.result(r, () => {
    ctx.out.line(`Budget request ${r.id} approved: the limit of ${whose(r)} rose by ${usd(r.requested_budget_usd)}.`);
    showRequest(ctx, r);
  });
}

async function reject(ctx: CliContext, id: string, opts: { reason: string }): Promise<void> {
  const r = await (
    await ctx.client()
  ).call<BudgetRequest>('POST', `${path(id)}/reject`, {
    body: { reason: opts.reason },
    retry: 'unsent-only',
  });
  ctx.out.result(r, () => {
    ctx.out.line(`Budget request ${r.id} rejected.`);
    showRequest(ctx, r);
  });
}

async function cancel(ctx: CliContext, id: string): Promise<void> {
  const r = await (await ctx.client()).call<BudgetRequest>('POST', `${path(id)}/cancel`, { retry: 'unsent-only' });
  ctx.out.result(r, () => {
    ctx.out.line(`Budget request ${r.id} cancelled.`);
    showRequest(ctx, r);
  });
}

export function registerRequestCommands(program: Command, contextOf: ContextOf): void {
  const request = program.command('request').description('budget requests: ask for more budget for an agent or a project; managers decide');

  calls(request.command('list'), 'GET /v1/budget-requests')
    .description('list budget requests, newest first')
    .addOption(new Option('--status <status>', 'only requests with this status').choices(STATUSES))
    .option('--agent <agent-id>', 'only requests for this agent')
    .option('--project <project-id>', 'only the requests of this project and its agents')
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((opts: Parameters<typeof list>[1], cmd: Command) => list(contextOf(cmd), opts));

  calls(request.command('get'), 'GET /v1/budget-requests/{id}')
    .description('show one budget request and its decision')
    .argument('<id>', 'request id (brq_…)')
    .action((id: string, _opts, cmd: Command) => get(contextOf(cmd), id));

  calls(request.command('create'), 'POST /v1/budget-requests')
    .description('ask for more budget for an agent you own, or a project you own (admins: any)')
    .option('--agent <agent-id>', 'the agent (agt_…)')
    .option('--project <project-id>', 'the project (prj_…), instead of an agent')
    .requiredOption('--amount <usd>', 'how much more, in USD, at most 6 decimals (at most MAX_BUDGET_REQUEST_USD, default 10000)')
    .requiredOption('--justification <text>', 'why: the manager who decides reads it')
    .action((opts: Parameters<typeof create>[1], cmd: Command) => create(contextOf(cmd), opts));

  calls(request.command('approve'), 'POST /v1/budget-requests/{id}/approve')
    .description('approve a pending request: the agent’s limit rises by its amount (managers and admins; not your own, nor for your agent)')
    .argument('<id>', 'request id')
    .option('--note <text>', 'a note kept with the decision and in the budget history')
    .action((id: string, opts: Parameters<typeof approve>[2], cmd: Command) => approve(contextOf(cmd), id, opts));

  calls(request.command('reject'), 'POST /v1/budget-requests/{id}/reject')
    .description('reject a pending request (managers and admins)')
    .argument('<id>', 'request id')
    .requiredOption('--reason <text>', 'why: kept with the decision')
    .action((id: string, opts: Parameters<typeof reject>[2], cmd: Command) => reject(contextOf(cmd), id, opts));

  calls(request.command('cancel'), 'POST /v1/budget-requests/{id}/cancel')
    .description('withdraw your own pending request')
    .argument('<id>', 'request id')
    .action((id: string, _opts, cmd: Command) => cancel(contextOf(cmd), id));
}
