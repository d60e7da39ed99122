import type { Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { CliError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { when } from '../output.js';
import type { Page } from '../pages.js';
import { confirm, interactive } from '../prompt.js';
import { calls } from '../operations.js';

/** A passkey of the signed-in user (registering one is a browser's work, in a page of the gateway's origin). */
interface Passkey {
  /** The credential id (base64url). */
  id: string;
  name: string;
  created_at: string;
  /** null: never used. */
  last_used_at: string | null;
  /** multiDevice: synced between devices (a password manager, a platform keychain). */
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: boolean;
}

const passkeyPath = (id: string) => `/v1/auth/passkeys/${encodeURIComponent(id.trim())}`;

/** Every passkey of the user (the gateway answers them on one page). */
async function list(ctx: CliContext): Promise<void> {
  const r = await (await ctx.client()).call<Page<Passkey>>('GET', '/v1/auth/passkeys');
  ctx.out.result(r, () => {
    if (r.items.length === 0) ctx.out.line('No passkeys.');
    else {
      ctx.out.table(r.items, [
        { header: 'ID', value: (p) => p.id },
        { header: 'NAME', value: (p) => p.name || '—' },
        { header: 'CREATED', value: (p) => when(p.created_at) },
        { header: 'LAST USED', value: (p) => when(p.last_used_at, 'never') },
        { header: 'SYNCED', value: (p) => (p.device_type === 'multiDevice' ? 'yes' : 'no') },
      ]);
    }
  });
}

async function remove(ctx: CliContext, id: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(`refusing to delete passkey ${id} without confirmation: stdin is not a terminal — pass --yes to delete it`);
  }
  const client = await ctx.client();
  if (!opts.yes) {
    // Name the passkey about to go (its id says little to a person), and fail early on a wrong id, before asking.
    const { items } = await client.call<Page<Passkey>>('GET', '/v1/auth/passkeys');
    const passkey = items.find((p) => p.id === id.trim());
    if (!passkey)
      throw new CliError(`not found: you have no passkey ${id} — \`tollgate passkey list\` shows yours`, ExitCode.NotFound, 'not_found');
    ctx.out.note(`Passkey ${passkey.name ? `“${passkey.name}” ` : ''}(${passkey.id}) will be deleted: it no longer signs you in.`);
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ id, deleted: false }, () => ctx.out.line('Not deleted.'));
      return;
    }
  }
  await client.call('DELETE', passkeyPath(id));
  ctx.out.result({ id, deleted: true }, () => ctx.out.line(`Passkey ${id} deleted.`));
}

export function registerPasskeyCommands(program: Command, contextOf: ContextOf): void {
  const passkey = program.command('passkey').description('your passkeys (a login, not an API token); they are added in a browser');

  calls(passkey.command('list'), 'GET /v1/auth/passkeys')
    .description('list your passkeys: when each was added and last used, and whether it is synced between devices')
    .action((_opts: unknown, cmd: Command) => list(contextOf(cmd)));

  calls(passkey.command('delete'), 'DELETE /v1/auth/passkeys/{id}')
    .description('delete one of your passkeys: it no longer signs you in (asks first unless --yes)')
    .argument('<id>', 'passkey id (`tollgate passkey list`)')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, opts: Parameters<typeof remove>[2], cmd: Command) => remove(contextOf(cmd), id, opts));
}
