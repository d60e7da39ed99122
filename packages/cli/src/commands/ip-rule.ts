import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { ApiError, UsageError } from '../errors.js';
import { when } from '../output.js';
import { confirm, interactive } from '../prompt.js';
import { calls } from '../operations.js';

/** A rule on which client IPs may reach the gateway's routes. */
interface IpRule {
  id: string;
  /** The network address and prefix length. */
  cidr: string;
  action: 'allow' | 'deny';
  scope: 'all' | 'admin' | 'proxy';
  description: string;
  created_at: string;
  /** type:id of who made it. */
  created_by: string;
}

async function list(ctx: CliContext): Promise<void> {
  const r = await (await ctx.client()).call<{ items: IpRule[] }>('GET', '/v1/ip-rules');
  ctx.out.result(r, () => {
    if (r.items.length === 0) ctx.out.line('No IP rules: every address may call.');
    else {
      ctx.out.table(r.items, [
        { header: 'ID', value: (x) => x.id },
        { header: 'CIDR', value: (x) => x.cidr },
        { header: 'ACTION', value: (x) => x.action },
        { header: 'SCOPE', value: (x) => x.scope },
        { header: 'DESCRIPTION', value: (x) => x.description || '—' },
        { header: 'CREATED', value: (x) => when(x.created_at) },
      ]);
    }
  });
}

async function add(
  ctx: CliContext,
  cidr: string,
  opts: { action: IpRule['action']; scope: IpRule['scope']; description?: string; force?: boolean },
): Promise<void> {
  const body = { cidr, action: opts.action, scope: opts.scope, description: opts.description, force: opts.force };
  const rule = await (await ctx.client()).call<IpRule>('POST', '/v1/ip-rules', { body }).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 409)
      throw new ApiError(
        `${typeof err.details?.ip === 'string' ? err.details.ip : 'your IP'} would be refused on admin routes by this rule — pass --force to add it anyway`,
        err.exitCode,
        err.code,
        err.status,
        err.requestId,
      );
    throw err;
  });
  ctx.out.result(rule, () => ctx.out.line(`IP rule ${rule.id} added: ${rule.action} ${rule.cidr} (${rule.scope}).`));
}

async function remove(ctx: CliContext, id: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(`refusing to delete IP rule ${id} without confirmation: stdin is not a terminal — pass --yes to delete it`);
  }
  if (!opts.yes && !(await confirm(`Delete IP rule ${id}?`))) {
    ctx.out.result({ id, deleted: false }, () => ctx.out.line('Not deleted.'));
    return;
  }
  await (await ctx.client()).call('DELETE', `/v1/ip-rules/${encodeURIComponent(id.trim())}`);
  ctx.out.result({ id, deleted: true }, () => ctx.out.line(`IP rule ${id} deleted.`));
}

export function registerIpRuleCommands(program: Command, contextOf: ContextOf): void {
  const ipRule = program.command('ip-rule').description('which client IPs may call the gateway: allow and deny rules per scope (admins)');

  calls(ipRule.command('list'), 'GET /v1/ip-rules')
    .description('list the IP rules')
    .action((_opts: unknown, cmd: Command) => list(contextOf(cmd)));

  calls(ipRule.command('add'), 'POST /v1/ip-rules')
    .description('add a rule: deny refuses matching IPs; once a scope has allow rules, only IPs matching one get in')
    .argument('<cidr>', 'IPv4 or IPv6 CIDR, or a bare address (203.0.113.0/24, 2001:db8::/32, 198.51.100.7)')
    .addOption(new Option('--action <action>', 'allow or deny').choices(['allow', 'deny']).makeOptionMandatory())
    .addOption(
      new Option('--scope <scope>', 'all: every route; admin: admin-only routes; proxy: /v1/proxy/*')
        .choices(['all', 'admin', 'proxy'])
        .default('all'),
    )
    .option('--description <text>', 'why the rule exists')
    .option('--force', 'add it even if it refuses your own IP on admin routes')
    .action((cidr: string, opts: Parameters<typeof add>[2], cmd: Command) => add(contextOf(cmd), cidr, opts));

  calls(ipRule.command('delete'), 'DELETE /v1/ip-rules/{id}')
    .description('delete an IP rule (asks first unless --yes)')
    .argument('<id>', 'rule id (`tollgate ip-rule list`)')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, opts: Parameters<typeof remove>[2], cmd: Command) => remove(contextOf(cmd), id, opts));
}
