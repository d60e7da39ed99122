import { Option, type Command } from 'commander';
import type { ApiClient } from '../client.js';
import type { CliContext, ContextOf, Introspection } from '../context.js';
import { readList } from '../pages.js';
import { ApiError, CliError, NetworkError, UsageError } from '../errors.js';
import { collectList, integer } from '../options.js';
import { when } from '../output.js';
import { confirm, interactive, promptHidden, readStdin } from '../prompt.js';
import { calls } from '../operations.js';

/** An API token as the gateway shows it; `token` (the secret) only on create and rotate. */
interface ApiToken {
  id: string;
  name: string;
  description?: string | null;
  scopes: string[];
  status: string;
  expires_at?: string | null;
  created_at?: string;
  last_used_at?: string | null;
  token?: string;
}

const STATUSES = ['active', 'revoked', 'expired'];

/**
 * The URL of a token. `tg_pat_<id>` (the prefix `list` shows) is accepted as the id; a
 * whole token is refused, so a secret never ends up in a URL and the gateway's logs.
 */
function path(id: string): string {
  const value = id.trim();
  if (/^tg_(pat|agt)_[0-9A-Za-z]{17,}$/.test(value)) {
    throw new UsageError('that is a whole token, secret included — give only its id (the 16 characters after tg_pat_)');
  }
  return `/v1/tokens/${encodeURIComponent(value.replace(/^tg_(pat|agt)_(?=[0-9A-Za-z]{16}$)/, ''))}`;
}

function showToken(ctx: CliContext, t: ApiToken): void {
  ctx.out.fields([
    ['ID', t.id],
    ['Name', t.name],
    ['Description', t.description || '—'],
    ['Scopes', t.scopes.join(', ') || '—'],
    ['Status', t.status],
    ['Expires', when(t.expires_at, 'never')],
    ['Created', when(t.created_at)],
    ['Last used', when(t.last_used_at, 'never')],
  ]);
}

/** The secret appears exactly here and in --json output of create/rotate; nowhere else. */
function showSecret(ctx: CliContext, secret: string | undefined): void {
  if (!secret) return;
  ctx.out.line();
  ctx.out.line('Secret (shown only once — store it now, it cannot be retrieved later):');
  ctx.out.line(secret);
}

async function create(
  ctx: CliContext,
  opts: { name: string; description?: string; scope?: string[]; expiresIn?: string; neverExpires?: boolean },
): Promise<void> {
  if (!opts.scope?.length) throw new UsageError('at least one --scope is required, e.g. --scope tokens:read');
  const body = {
    name: opts.name,
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    scopes: opts.scope,
    ...(opts.expiresIn !== undefined ? { expires_in_days: integer(opts.expiresIn, '--expires-in', 1, 366) } : {}),
    ...(opts.neverExpires ? { never_expires: true } : {}),
  };
  const client = await ctx.client();
  // Not retried once sent: a repeat would create a second token.
  const t = await client.call<ApiToken>('POST', '/v1/tokens', { body, retry: 'unsent-only' });
  ctx.out.result(t, () => {
    showToken(ctx, t);
    showSecret(ctx, t.token);
  });
}

async function list(
  ctx: CliContext,
  opts: { status?: string; limit?: string; cursor?: string; all?: boolean; owner?: string },
): Promise<void> {
  const result = await readList<ApiToken>(ctx, '/v1/tokens', { status: opts.status, owner_id: opts.owner }, opts);
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line('No tokens.');
    else {
      ctx.out.table(items, [
        { header: 'ID', value: (t) => t.id },
        { header: 'NAME', value: (t) => t.name },
        { header: 'STATUS', value: (t) => t.status },
        { header: 'EXPIRES', value: (t) => when(t.expires_at, 'never') },
        { header: 'LAST USED', value: (t) => when(t.last_used_at, 'never') },
        { header: 'SCOPES', value: (t) => t.scopes.join(',') },
      ]);
    }
    if (result.next_cursor) ctx.out.note(`More tokens: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

async function get(ctx: CliContext, id: string): Promise<void> {
  const t = await (await ctx.client()).call<ApiToken>('GET', path(id));
  ctx.out.result(t, () => showToken(ctx, t));
}

async function update(ctx: CliContext, id: string, opts: { name?: string; description?: string; scope?: string[] }): Promise<void> {
  const body = {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.description !== undefined ? { description: opts.description } : {}),
    ...(opts.scope?.length ? { scopes: opts.scope } : {}),
  };
  if (Object.keys(body).length === 0) throw new UsageError('nothing to update — give --name, --description and/or --scope');
  const t = await (await ctx.client()).call<ApiToken>('PATCH', path(id), { body });
  ctx.out.result(t, () => showToken(ctx, t));
}

/**
 * Rotation is not idempotent, and doing it twice is harmful, not just wasteful: with a
 * grace period the second rotation replaces the old secret — the one every deployment
 * still uses — by the first rotation's new secret, which nobody ever saw, so the old one
 * dies at once and the grace period is lost.
 *
 * So a rotate is retried (with backoff, by the client's `unsent-only` policy) only when
 * the previous attempt provably never reached the gateway: the connection or its TLS
 * handshake failed, and Node had not written one byte of the request. Re-reading the
 * token's state before retrying was considered and rejected: the API exposes no rotation
 * counter or timestamp, so a lost rotation cannot be told from none, nor from a rotation
 * by someone else. Once the request may have been sent (reset or timeout while waiting
 * for the answer, 5xx) we stop and say what to check instead.
 */
async function rotate(ctx: CliContext, id: string, opts: { grace?: string }): Promise<void> {
  const grace = opts.grace === undefined ? undefined : integer(opts.grace, '--grace', 0, 86_400);
  const client = await ctx.client();
  let t: ApiToken;
  try {
    t = await client.call<ApiToken>('POST', `${path(id)}/rotate`, {
      body: grace === undefined ? {} : { grace_seconds: grace },
      retry: 'unsent-only',
    });
  } catch (err) {
    const maybeApplied = (err instanceof NetworkError && err.sent) || (err instanceof ApiError && err.status >= 500);
    if (!maybeApplied) throw err;
    throw new CliError(
      `${err.message.split(' — ')[0]} after the request was sent: token ${id} may have been rotated, and if so its new secret is lost. ` +
        'Not retried, so that it is never rotated twice — check whether the current secret still works ' +
        '(`tollgate token validate`) or look for a token.rotated audit event before rotating again',
      (err as CliError).exitCode,
      (err as CliError).code,
    );
  }
  ctx.out.result(t, () => {
    showToken(ctx, t);
    ctx.out.line();
    ctx.out.line(
      grace
        ? `The previous secret keeps working for ${grace} s (until about ${when(new Date(Date.now() + grace * 1000).toISOString())}).`
        : 'The previous secret no longer works.',
    );
    showSecret(ctx, t.token);
  });
}

async function revoke(ctx: CliContext, id: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(`refusing to revoke token ${id} without confirmation: stdin is not a terminal — pass --yes to revoke it`);
  }
  const client = await ctx.client();
  if (!opts.yes) {
    // Show what is about to die (and fail early on a wrong id) before asking.
    const t = await client.call<ApiToken>('GET', path(id));
    ctx.out.note(`Token ${t.name} (${t.id}, ${t.status}) will stop working at once.`);
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ id, revoked: false }, () => ctx.out.line('Not revoked.'));
      return;
    }
  }
  await client.call('DELETE', path(id));
  ctx.out.result({ id, revoked: true }, () => ctx.out.line(`Token ${id} revoked.`));
}

async function validate(ctx: CliContext, given: string | undefined, opts: { tokenStdin?: boolean }): Promise<void> {
  let token = given;
  if (token !== undefined && opts.tokenStdin) throw new UsageError('give the token as an argument or with --token-stdin, not both');
  if (opts.tokenStdin) token = (await readStdin('with --token-stdin, the token')).trim();
  else if (token === undefined) {
    if (!interactive()) throw new UsageError('no token given — pass it as an argument or pipe it in with --token-stdin');
    token = (await promptHidden('Token: ')).trim();
  }
  if (!token) throw new UsageError('the token is empty');
  const client: ApiClient = await ctx.client();
  const r = await client.call<Introspection>('POST', '/v1/tokens/introspect', { body: { token }, retry: 'idempotent' });
  ctx.out.result(r, () => {
    if (!r.active) {
      ctx.out.line('inactive — the token is unknown, malformed, expired or revoked');
      return;
    }
    ctx.out.fields([
      ['Status', 'active'],
      ['ID', r.id ?? '—'],
      ['Owner ID', r.owner_id ?? '—'],
      ['Scopes', (r.scopes ?? []).join(', ') || '—'],
      ['Expires', when(r.expires_at, 'never')],
    ]);
  });
}

export function registerTokenCommands(program: Command, contextOf: ContextOf): void {
  const token = program.command('token').description('manage API tokens (tg_pat_…)');

  calls(token.command('create'), 'POST /v1/tokens')
    .description('create a personal API token; its secret is shown once')
    .requiredOption('--name <name>', 'a name to recognise it by')
    .option('--description <text>', 'what it is for')
    .option('--scope <scope>', 'a scope to grant (repeatable, or comma-separated), e.g. tokens:read', collectList)
    .addOption(new Option('--expires-in <days>', 'expire after this many days (1-366; default 90)').conflicts('neverExpires'))
    .option('--never-expires', 'never expire (admins only)')
    .action((opts: Parameters<typeof create>[1], cmd: Command) => create(contextOf(cmd), opts));

  calls(token.command('list'), 'GET /v1/tokens')
    .description('list your API tokens (admins: anyone’s, with --owner)')
    .addOption(new Option('--status <status>', 'only tokens with this status').choices(STATUSES))
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .option('--owner <user-id>', 'tokens of this user (admin only)')
    .action((opts: Parameters<typeof list>[1], cmd: Command) => list(contextOf(cmd), opts));

  calls(token.command('get'), 'GET /v1/tokens/{id}')
    .description('show one token (never its secret)')
    .argument('<id>', 'token id')
    .action((id: string, _opts, cmd: Command) => get(contextOf(cmd), id));

  calls(token.command('update'), 'PATCH /v1/tokens/{id}')
    .description('rename a token, or change its description or scopes')
    .argument('<id>', 'token id')
    .option('--name <name>', 'new name')
    .option('--description <text>', 'new description ("" clears it)')
    .option('--scope <scope>', 'the complete new set of scopes (repeatable, or comma-separated)', collectList)
    .action((id: string, opts: Parameters<typeof update>[2], cmd: Command) => update(contextOf(cmd), id, opts));

  calls(token.command('rotate'), 'POST /v1/tokens/{id}/rotate')
    .description('give a token a new secret; the old one dies now, or after --grace seconds')
    .argument('<id>', 'token id')
    .option('--grace <seconds>', 'keep the old secret working this long (0-86400, default 0)')
    .action((id: string, opts: Parameters<typeof rotate>[2], cmd: Command) => rotate(contextOf(cmd), id, opts));

  calls(token.command('revoke'), 'DELETE /v1/tokens/{id}')
    .description('revoke a token; it stops working at once (asks first unless --yes)')
    .argument('<id>', 'token id')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, opts: Parameters<typeof revoke>[2], cmd: Command) => revoke(contextOf(cmd), id, opts));

  calls(token.command('validate'), 'POST /v1/tokens/introspect')
    .description('check whether a token is active (introspection); asks for it when not given')
    .argument('[token]', 'the token (prefer --token-stdin: arguments show up in shell history)')
    .option('--token-stdin', 'read the token from stdin')
    .action((value: string | undefined, opts: Parameters<typeof validate>[2], cmd: Command) => validate(contextOf(cmd), value, opts));
}
