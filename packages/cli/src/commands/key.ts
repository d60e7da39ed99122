import { Option, type Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { readList } from '../pages.js';
import { UsageError } from '../errors.js';
import { when } from '../output.js';
import { confirm, interactive, promptHidden, readStdin } from '../prompt.js';
import { calls } from '../operations.js';

/** A provider key as the gateway shows it: its mask (sk-…abcd), never the key. */
interface ProviderKey {
  id: string;
  provider: string;
  name: string;
  masked: string;
  base_url: string;
  disabled: boolean;
  created_at: string;
  rotated_at: string | null;
}

/**
 * The URL of a provider key. Only a key id (pk_…) is taken: anything else may be the API key
 * itself, pasted by mistake, and is not sent, so it never ends up in a URL and the gateway's logs.
 */
function path(id: string): string {
  const value = id.trim();
  if (!/^pk_[0-9A-Za-z]+$/.test(value)) {
    throw new UsageError('that is not a provider key id — give the pk_… id `tollgate key list` shows (nothing was sent)');
  }
  return `/v1/provider-keys/${value}`;
}

/**
 * The API key, from stdin (--api-key-stdin) or asked for with echo off; never from an
 * argument, which other users of the machine can see (ps, /proc) and shell history keeps.
 */
async function readApiKey(opts: { apiKeyStdin?: boolean }, question: string): Promise<string> {
  let key: string;
  if (opts.apiKeyStdin) key = await readStdin('with --api-key-stdin, the API key');
  else if (interactive()) key = await promptHidden(question);
  else throw new UsageError('no terminal to ask for the API key — pipe it in with --api-key-stdin');
  key = key.trim();
  if (key === '') throw new UsageError('the API key is empty');
  return key;
}

/** `--api-key <key>` is declared only to be refused: the key would be visible in the process list. */
const refusedApiKeyOption = () => new Option('--api-key <key>').hideHelp();

function refuseApiKeyArgument(opts: { apiKey?: string }): void {
  if (opts.apiKey !== undefined) {
    throw new UsageError(
      'an API key is never taken as an argument (other users can see it in the process list) — pipe it in with --api-key-stdin, or leave it out to be asked for it (nothing was sent)',
    );
  }
}

function showKey(ctx: CliContext, k: ProviderKey): void {
  ctx.out.fields([
    ['ID', k.id],
    ['Provider', k.provider],
    ['Name', k.name],
    ['Key', k.masked],
    ['Base URL', k.base_url],
    ['Disabled', k.disabled ? 'yes' : 'no'],
    ['Created', when(k.created_at)],
    ['Rotated', when(k.rotated_at, 'never')],
  ]);
}

async function list(ctx: CliContext, opts: { provider?: string; limit?: string; cursor?: string; all?: boolean }): Promise<void> {
  const result = await readList<ProviderKey>(ctx, '/v1/provider-keys', { provider: opts.provider }, opts);
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line('No provider keys.');
    else {
      ctx.out.table(items, [
        { header: 'ID', value: (k) => k.id },
        { header: 'PROVIDER', value: (k) => k.provider },
        { header: 'NAME', value: (k) => k.name },
        { header: 'KEY', value: (k) => k.masked },
        { header: 'DISABLED', value: (k) => (k.disabled ? 'yes' : 'no') },
        { header: 'ROTATED', value: (k) => when(k.rotated_at, 'never') },
        { header: 'BASE URL', value: (k) => k.base_url },
      ]);
    }
    if (result.next_cursor) ctx.out.note(`More provider keys: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

async function get(ctx: CliContext, id: string): Promise<void> {
  const keyPath = path(id);
  const k = await (await ctx.client()).call<ProviderKey>('GET', keyPath);
  ctx.out.result(k, () => showKey(ctx, k));
}

async function create(
  ctx: CliContext,
  opts: { provider: string; name: string; baseUrl?: string; apiKeyStdin?: boolean; apiKey?: string },
): Promise<void> {
  refuseApiKeyArgument(opts);
  const apiKey = await readApiKey(opts, 'API key: ');
  const body = {
    provider: opts.provider,
    name: opts.name,
    api_key: apiKey,
    ...(opts.baseUrl !== undefined ? { base_url: opts.baseUrl } : {}),
  };
  // Not retried once sent: a repeat would store a second key.
  const k = await (await ctx.client()).call<ProviderKey>('POST', '/v1/provider-keys', { body, retry: 'unsent-only' });
  ctx.out.result(k, () => {
    ctx.out.line(`Provider key ${k.id} stored (encrypted; only its mask is ever shown).`);
    showKey(ctx, k);
  });
}

async function update(
  ctx: CliContext,
  id: string,
  opts: { name?: string; disable?: boolean; enable?: boolean; baseUrl?: string; apiKeyStdin?: boolean; apiKey?: string },
): Promise<void> {
  refuseApiKeyArgument(opts);
  const keyPath = path(id);
  if (opts.apiKeyStdin && opts.baseUrl === undefined) {
    throw new UsageError('the API key is taken only with --base-url — to replace the key itself, use `tollgate key rotate`');
  }
  const body = {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.disable ? { disabled: true } : opts.enable ? { disabled: false } : {}),
    // A key is only ever sent to the host it was entered for: a new base URL takes the key again.
    ...(opts.baseUrl !== undefined ? { base_url: opts.baseUrl, api_key: await readApiKey(opts, `API key for ${opts.baseUrl}: `) } : {}),
  };
  if (Object.keys(body).length === 0) throw new UsageError('nothing to update — give --name, --disable or --enable, and/or --base-url');
  const k = await (await ctx.client()).call<ProviderKey>('PATCH', keyPath, { body });
  ctx.out.result(k, () => showKey(ctx, k));
}

async function rotate(ctx: CliContext, id: string, opts: { apiKeyStdin?: boolean; apiKey?: string }): Promise<void> {
  refuseApiKeyArgument(opts);
  const keyPath = path(id);
  const apiKey = await readApiKey(opts, 'New API key: ');
  const k = await (await ctx.client()).call<ProviderKey>('POST', `${keyPath}/rotate`, { body: { api_key: apiKey }, retry: 'unsent-only' });
  ctx.out.result(k, () => {
    ctx.out.line(`Provider key ${k.id} rotated: the gateway uses the new key from now on.`);
    showKey(ctx, k);
  });
}

async function remove(ctx: CliContext, id: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(`refusing to delete provider key ${id} without confirmation: stdin is not a terminal — pass --yes to delete it`);
  }
  const keyPath = path(id);
  const client = await ctx.client();
  if (!opts.yes) {
    // Show what is about to go (and fail early on a wrong id) before asking.
    const k = await client.call<ProviderKey>('GET', keyPath);
    ctx.out.note(
      `Provider key ${k.name} (${k.id}, ${k.provider}, ${k.masked}) will be deleted: calls to ${k.provider} no longer use it, ` +
        'and the stored key cannot be recovered.',
    );
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ id, deleted: false }, () => ctx.out.line('Not deleted.'));
      return;
    }
  }
  await client.call('DELETE', keyPath);
  ctx.out.result({ id, deleted: true }, () => ctx.out.line(`Provider key ${id} deleted.`));
}

const API_KEY_STDIN = 'read the API key from stdin (else it is asked for, echo off; it is never taken as an argument)';

export function registerKeyCommands(program: Command, contextOf: ContextOf): void {
  const key = program.command('key').description('provider API keys (OpenAI, Anthropic …): stored encrypted, shown only masked');

  calls(key.command('list'), 'GET /v1/provider-keys')
    .description('list provider keys, masked (managers and admins)')
    .option('--provider <provider>', 'only this provider’s')
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((opts: Parameters<typeof list>[1], cmd: Command) => list(contextOf(cmd), opts));

  calls(key.command('get'), 'GET /v1/provider-keys/{id}')
    .description('show one provider key, masked (managers and admins)')
    .argument('<id>', 'key id (pk_…)')
    .action((id: string, _opts, cmd: Command) => get(contextOf(cmd), id));

  calls(key.command('create'), 'POST /v1/provider-keys')
    .description('store a provider API key, read from stdin or asked for (admins)')
    .requiredOption('--provider <provider>', 'e.g. openai, anthropic')
    .requiredOption('--name <name>', 'a name to recognise it by')
    .option('--base-url <url>', 'where calls go (default: the provider’s public API, when it has a known one)')
    .option('--api-key-stdin', API_KEY_STDIN)
    .addOption(refusedApiKeyOption())
    .action((opts: Parameters<typeof create>[1], cmd: Command) => create(contextOf(cmd), opts));

  calls(key.command('update'), 'PATCH /v1/provider-keys/{id}')
    .description('rename, disable or re-enable a key, or move it to a new base URL with the key entered again (admins)')
    .argument('<id>', 'key id')
    .option('--name <name>', 'new name')
    .addOption(new Option('--disable', 'disable it: the gateway stops using it').conflicts('enable'))
    .option('--enable', 're-enable it')
    .option('--base-url <url>', 'move it to this base URL; the API key is read again (stdin or asked for)')
    .option('--api-key-stdin', `with --base-url: ${API_KEY_STDIN}`)
    .addOption(refusedApiKeyOption())
    .action((id: string, opts: Parameters<typeof update>[2], cmd: Command) => update(contextOf(cmd), id, opts));

  calls(key.command('rotate'), 'POST /v1/provider-keys/{id}/rotate')
    .description('replace the stored key with a new one, read from stdin or asked for (admins)')
    .argument('<id>', 'key id')
    .option('--api-key-stdin', API_KEY_STDIN)
    .addOption(refusedApiKeyOption())
    .action((id: string, opts: Parameters<typeof rotate>[2], cmd: Command) => rotate(contextOf(cmd), id, opts));

  calls(key.command('delete'), 'DELETE /v1/provider-keys/{id}')
    .description('delete a provider key (admins; asks first unless --yes)')
    .argument('<id>', 'key id')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, opts: Parameters<typeof remove>[2], cmd: Command) => remove(contextOf(cmd), id, opts));
}
