import type { Command } from 'commander';
import { credentialsFrom } from '../auth-result.js';
import type { CliContext, ContextOf, Introspection } from '../context.js';
import { ApiError, CliError, NotLoggedInError, UsageError } from '../errors.js';
import { interactive, promptHidden, promptLine, readStdin } from '../prompt.js';

interface User {
  id: string;
  email: string;
  name?: string;
  role?: string;
  disabled?: boolean;
  created_at?: string;
}

async function login(ctx: CliContext, opts: { email?: string; passwordStdin?: boolean }): Promise<void> {
  let email = opts.email?.trim();
  if (!email) {
    if (!interactive()) throw new UsageError('no terminal to ask for the email — pass --email <email>');
    email = await promptLine('Email: ');
    if (!email) throw new UsageError('an email is required — pass --email <email>');
  }
  let password: string;
  if (opts.passwordStdin) password = await readStdin('with --password-stdin, the password');
  else if (interactive()) password = await promptHidden('Password: ');
  else throw new UsageError('no terminal to ask for the password — pipe it in with --password-stdin');
  if (password === '') throw new UsageError('the password is empty');

  const client = await ctx.anonymousClient();
  const answer = await client.call<unknown>('POST', '/v1/auth/login', { body: { email, password }, retry: 'unsent-only' });
  const credentials = credentialsFrom(answer, client.gateway, await ctx.caFile(client.gateway));
  await ctx.store.save(credentials);
  const { user } = credentials;
  ctx.out.result({ gateway: client.gateway, user }, () =>
    ctx.out.line(`Logged in to ${client.gateway} as ${user.email}${user.role ? ` (${user.role})` : ''}.`),
  );
}

/**
 * Ends the session on the gateway, then forgets it locally. If the gateway cannot be
 * told, the credentials are kept: deleting them would leave a live session nobody can end.
 */
async function logout(ctx: CliContext): Promise<void> {
  const gateway = await ctx.gateway();
  if (!(await ctx.stored())) {
    ctx.out.result({ logged_out: false }, () => ctx.out.line('Not logged in.'));
    return;
  }
  const client = await ctx.sessionClient(gateway);
  try {
    await client.call('POST', '/v1/auth/logout', { retry: 'idempotent' });
  } catch (err) {
    // 401: the session is already over (expired, revoked, refresh refused) — nothing left to end.
    const alreadyOver = err instanceof NotLoggedInError || (err instanceof ApiError && err.status === 401);
    if (!alreadyOver) {
      if (err instanceof CliError) {
        throw new CliError(
          `logout failed: ${err.message}; you are still logged in — run \`tollgate logout\` again`,
          err.exitCode,
          err.code,
        );
      }
      throw err;
    }
  }
  await ctx.store.remove();
  ctx.out.result({ logged_out: true, gateway }, () => ctx.out.line(`Logged out of ${gateway}.`));
}

async function whoami(ctx: CliContext): Promise<void> {
  const client = await ctx.client();
  const auth = client.auth;
  if (auth.kind === 'api-token') {
    // /v1/auth/me is for sessions; an API token describes itself through introspection.
    const t = await client.call<Introspection>('POST', '/v1/tokens/introspect', { body: { token: auth.token }, retry: 'idempotent' });
    if (!t.active) throw new NotLoggedInError('the API token in TOLLGATE_TOKEN is not active — use a valid token, or unset TOLLGATE_TOKEN');
    ctx.out.result({ gateway: client.gateway, token: t }, () =>
      ctx.out.fields([
        ['Gateway', client.gateway],
        ['Acting as', 'API token (TOLLGATE_TOKEN)'],
        ['Token ID', t.id ?? '—'],
        ['Owner ID', t.owner_id ?? '—'],
        ['Scopes', (t.scopes ?? []).join(', ') || '—'],
      ]),
    );
    return;
  }
  const user = await client.call<User>('GET', '/v1/auth/me');
  ctx.out.result({ gateway: client.gateway, user }, () =>
    ctx.out.fields([
      ['Gateway', client.gateway],
      ['Email', user.email],
      ['Name', user.name ?? '—'],
      ['Role', user.role ?? '—'],
      ['User ID', user.id],
    ]),
  );
}

export function registerAuthCommands(program: Command, contextOf: ContextOf): void {
  program
    .command('login')
    .description('log in to the gateway and store the session (tokens are kept 0600 in the config directory)')
    .option('--email <email>', 'account email (asked for when omitted)')
    .option('--password-stdin', 'read the password from stdin instead of asking for it')
    .action((opts: { email?: string; passwordStdin?: boolean }, cmd: Command) => login(contextOf(cmd), opts));

  program
    .command('logout')
    .description('end the session on the gateway and delete the stored credentials')
    .action((_opts: unknown, cmd: Command) => logout(contextOf(cmd)));

  program
    .command('whoami')
    .description('show who the CLI is acting as')
    .action((_opts: unknown, cmd: Command) => whoami(contextOf(cmd)));
}
