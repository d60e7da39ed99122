import { Option, type Command } from 'commander';
import { credentialsFrom } from '../auth-result.js';
import type { ApiClient } from '../client.js';
import type { CliContext, ContextOf, Introspection } from '../context.js';
import { ApiError, CliError, NotLoggedInError, UsageError } from '../errors.js';
import type { Page } from '../pages.js';
import { confirm, interactive, promptHidden, promptLine, promptNewPassword, readStdin } from '../prompt.js';
import { calls } from '../operations.js';

interface User {
  id: string;
  email: string;
  name?: string;
  role?: string;
  disabled?: boolean;
  created_at?: string;
}

interface LoginOptions {
  email?: string;
  passwordStdin?: boolean;
  magicLink?: boolean;
}

/** A mailed link's token (sign-in, password reset), from the whole link (its `#token=` part) or the token alone. */
export function emailLinkToken(pasted: string): string {
  const text = pasted.trim();
  return /[#?&]token=([^&\s]+)/.exec(text)?.[1] ?? text;
}

async function login(ctx: CliContext, opts: LoginOptions): Promise<void> {
  let email = opts.email?.trim();
  if (!email) {
    if (!interactive()) throw new UsageError('no terminal to ask for the email — pass --email <email>');
    email = await promptLine('Email: ');
    if (!email) throw new UsageError('an email is required — pass --email <email>');
  }
  const client = await ctx.anonymousClient();
  let answer: unknown;
  if (opts.magicLink) {
    if (opts.passwordStdin) throw new UsageError('--magic-link signs in without a password: drop --password-stdin');
    await client.call('POST', '/v1/auth/magic-link', { body: { email }, retry: 'unsent-only' });
    ctx.out.note(`Check your mail: if ${email} has an account, a sign-in link is on its way. Paste the link (or its token) here.`);
    // The token is a secret like a password: read without echo on a terminal, else one line from stdin.
    const pasted = interactive() ? await promptHidden('Link: ') : await readStdin('with --magic-link and no terminal, the link');
    const token = emailLinkToken(pasted);
    if (token === '') throw new UsageError('no link was given');
    answer = await client.call<unknown>('POST', '/v1/auth/magic-link/verify', { body: { token }, retry: 'unsent-only' });
  } else {
    answer = await passwordLogin(ctx, client, email, opts);
  }
  const credentials = credentialsFrom(answer, client.gateway, await ctx.caFile(client.gateway));
  await ctx.store.save(credentials);
  const { user } = credentials;
  ctx.out.result({ gateway: client.gateway, user }, () =>
    ctx.out.line(`Logged in to ${client.gateway} as ${user.email}${user.role ? ` (${user.role})` : ''}.`),
  );
}

/**
 * The password, and with --password-stdin a second line if there is one: the new password that
 * replaces a temporary one, used only if the gateway asks for it.
 */
async function loginPasswords(opts: LoginOptions): Promise<{ password: string; replacement?: string }> {
  let password: string;
  let replacement: string | undefined;
  if (opts.passwordStdin) {
    const lines = (await readStdin('with --password-stdin, the password')).split(/\r?\n/);
    if (lines.length > 2) {
      throw new UsageError(
        'with --password-stdin, stdin holds the password, then (to replace a temporary one) the new password: two lines at most',
      );
    }
    [password, replacement] = lines;
  } else if (interactive()) password = await promptHidden('Password: ');
  else throw new UsageError('no terminal to ask for the password — pipe it in with --password-stdin');
  if (password === '') throw new UsageError('the password is empty');
  return { password, replacement };
}

/**
 * Logs in with a password. After a right one the gateway may answer 403 password_change_required
 * (an admin set a temporary password): the same login goes again with the new password.
 */
async function passwordLogin(ctx: CliContext, client: ApiClient, email: string, opts: LoginOptions): Promise<unknown> {
  const { password, replacement } = await loginPasswords(opts);
  const send = (newPassword?: string) =>
    client
      .call<unknown>('POST', '/v1/auth/login', {
        body: { email, password, ...(newPassword !== undefined ? { new_password: newPassword } : {}) },
        retry: 'unsent-only',
      })
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'password_login_disabled') {
          throw new ApiError(
            `passwords do not sign ${email} in (turned off for the account or the installation) — sign in with a mailed link: \`tollgate login --magic-link --email ${email}\``,
            err.exitCode,
            err.code,
            err.status,
            err.requestId,
          );
        }
        throw err;
      });
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 'password_change_required')) throw err;
    return send(await replacementPassword(ctx, opts, replacement));
  }
}

/** The new password for a temporary one: the second line of stdin with --password-stdin, else asked for twice with echo off. */
async function replacementPassword(ctx: CliContext, opts: LoginOptions, secondLine: string | undefined): Promise<string> {
  let password: string;
  if (opts.passwordStdin) {
    if (secondLine === undefined) {
      throw new UsageError(
        'your password is a temporary one an admin set, and it must be replaced — with --password-stdin, put the new password (12-256 characters) on a second line',
      );
    }
    password = secondLine;
  } else {
    ctx.out.note('Your password is a temporary one an admin set: choose a new one (12-256 characters).');
    password = await promptNewPassword('New password: ');
  }
  if (password === '') throw new UsageError('the new password is empty');
  return password;
}

/**
 * Ends the session on the gateway (with --all every session of the user, on any machine or
 * browser), then forgets it locally. If the gateway cannot be told, the credentials are kept:
 * deleting them would leave a live session nobody can end.
 */
async function logout(ctx: CliContext, opts: { all?: boolean; yes?: boolean }): Promise<void> {
  if (opts.all && !opts.yes && !interactive()) {
    throw new UsageError('refusing to end every session of yours without confirmation: stdin is not a terminal — pass --yes to end them');
  }
  const gateway = await ctx.gateway();
  if (!(await ctx.stored())) {
    ctx.out.result({ logged_out: false }, () => ctx.out.line('Not logged in.'));
    return;
  }
  const client = await ctx.sessionClient(gateway);
  if (opts.all && !opts.yes) {
    // Say what is about to end (and fail early on a dead session) before asking.
    const { items } = await client.call<Page<unknown>>('GET', '/v1/auth/sessions');
    ctx.out.note(`All ${items.length} of your sessions will end at once, this one included: you will be logged out everywhere.`);
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ logged_out: false }, () => ctx.out.line('Not logged out.'));
      return;
    }
  }
  try {
    await client.call('POST', opts.all ? '/v1/auth/logout-all' : '/v1/auth/logout', { retry: 'idempotent' });
  } catch (err) {
    // 401: the session is already over (expired, revoked, refresh refused) — nothing left to end.
    const alreadyOver = err instanceof NotLoggedInError || (err instanceof ApiError && err.status === 401);
    // With --all, though, the other sessions may live on, and only a live session can end them.
    if (alreadyOver && opts.all) {
      throw new NotLoggedInError(
        'this session has already ended, so it cannot end your others — run `tollgate login`, then `tollgate logout --all` again',
      );
    }
    if (!alreadyOver) {
      if (err instanceof CliError) {
        throw new CliError(
          `logout failed: ${err.message}; you are still logged in — run \`tollgate logout${opts.all ? ' --all' : ''}\` again`,
          err.exitCode,
          err.code,
        );
      }
      throw err;
    }
  }
  await ctx.store.remove();
  ctx.out.result({ logged_out: true, gateway, ...(opts.all ? { all_sessions: true } : {}) }, () =>
    ctx.out.line(opts.all ? `Logged out of ${gateway} everywhere: every session of yours has ended.` : `Logged out of ${gateway}.`),
  );
}

/**
 * The current password and the new one: on stdin a line each with --password-stdin, else asked
 * for with echo off (the new one twice). Never options: shell history and the process list keep those.
 */
async function passwords(passwordStdin: boolean | undefined): Promise<{ current: string; next: string }> {
  let current: string;
  let next: string;
  if (passwordStdin) {
    const lines = (await readStdin('with --password-stdin, the passwords')).split(/\r?\n/);
    if (lines.length !== 2) throw new UsageError('with --password-stdin, stdin holds two lines: the current password, then the new one');
    [current, next] = lines;
  } else if (interactive()) {
    current = await promptHidden('Current password: ');
    next = await promptNewPassword('New password: ');
  } else
    throw new UsageError('no terminal to ask for the passwords — pipe the current and the new one in, a line each, with --password-stdin');
  if (current === '' || next === '') throw new UsageError('the password is empty');
  return { current, next };
}

async function changePassword(ctx: CliContext, opts: { passwordStdin?: boolean }): Promise<void> {
  // The login is checked before anyone types a password.
  const client = await ctx.client();
  const { current, next } = await passwords(opts.passwordStdin);
  // Not retried once sent: after a change that went through, the old password is wrong, and a
  // wrong current password counts as a failed login towards the lockout.
  await client.call('PUT', '/v1/auth/password', {
    body: { current_password: current, new_password: next },
    retry: 'unsent-only',
  });
  ctx.out.result({ password_changed: true }, () => ctx.out.line('Password changed: your other sessions have ended; this one goes on.'));
}

/**
 * The name changes at once. A new email changes nothing until confirmed: the gateway mails a
 * link to it, whose pasted link (or token) confirms it.
 */
async function profile(ctx: CliContext, opts: { name?: string; email?: string }): Promise<void> {
  if (opts.name === undefined && opts.email === undefined) throw new UsageError('nothing to change — give --name, --email or both');
  const client = await ctx.client();
  const body = { ...(opts.name !== undefined ? { name: opts.name } : {}), ...(opts.email !== undefined ? { email: opts.email } : {}) };
  // Only a name change is retried once sent: a repeated email change mails another link.
  let user = await client.call<User>('PATCH', '/v1/auth/me', { body, retry: opts.email === undefined ? 'idempotent' : 'unsent-only' });
  // The gateway mails nothing for the address the account has already (addresses are compared lowercased).
  if (opts.email !== undefined && user.email !== opts.email.trim().toLowerCase()) {
    ctx.out.note(`A confirmation link is on its way to ${opts.email}: paste the link (or its token) here to make it your email.`);
    // The token is a secret like a password: read without echo on a terminal, else one line from stdin.
    const pasted = interactive() ? await promptHidden('Link: ') : await readStdin('with --email and no terminal, the link');
    const token = emailLinkToken(pasted);
    if (token === '') throw new UsageError('no link was given');
    user = await client.call<User>('POST', '/v1/auth/email/confirm', { body: { token }, retry: 'unsent-only' });
  }
  ctx.out.result(user, () => {
    if (opts.name !== undefined) ctx.out.line(`Your name is now ${user.name ?? opts.name}.`);
    if (opts.email !== undefined) ctx.out.line(`Your email is now ${user.email}.`);
  });
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
  calls(program.command('login'), 'POST /v1/auth/login')
    .description('log in to the gateway and store the session (tokens are kept 0600 in the config directory)')
    .option('--email <email>', 'account email (asked for when omitted)')
    .option(
      '--password-stdin',
      'read the password from stdin instead of asking for it; a second line, the new password, replaces a temporary one an admin set',
    )
    .addOption(
      calls(
        new Option('--magic-link', 'sign in without a password: a link is mailed to you; paste it (or its token) when asked'),
        'POST /v1/auth/magic-link',
        'POST /v1/auth/magic-link/verify',
      ),
    )
    .action((opts: LoginOptions, cmd: Command) => login(contextOf(cmd), opts));

  calls(program.command('logout'), 'POST /v1/auth/logout')
    .description('end the session on the gateway and delete the stored credentials')
    .addOption(
      calls(
        new Option('--all', 'end every session of yours, on every machine and browser (asks first unless --yes)'),
        'POST /v1/auth/logout-all',
      ),
    )
    .option('-y, --yes', 'with --all: do not ask for confirmation (required without a terminal)')
    .action((opts: Parameters<typeof logout>[1], cmd: Command) => logout(contextOf(cmd), opts));

  calls(program.command('profile'), 'PATCH /v1/auth/me')
    .description('change your own profile: your display name, your email (confirmed with a link mailed to the new address)')
    .option('--name <name>', 'your display name (1 to 100 characters)')
    .addOption(
      calls(
        new Option('--email <email>', 'your new email: a confirmation link is mailed to it; paste it (or its token) when asked'),
        'POST /v1/auth/email/confirm',
      ),
    )
    .action((opts: Parameters<typeof profile>[1], cmd: Command) => profile(contextOf(cmd), opts));

  calls(program.command('whoami'), 'GET /v1/auth/me')
    .description('show who the CLI is acting as')
    .action((_opts: unknown, cmd: Command) => whoami(contextOf(cmd)));

  calls(program.command('change-password'), 'PUT /v1/auth/password')
    .description('change your password (a login, not an API token); your other sessions end, this one goes on')
    .option('--password-stdin', 'read the current password, then the new one (12-256 characters), a line each, from stdin')
    .action((opts: Parameters<typeof changePassword>[1], cmd: Command) => changePassword(contextOf(cmd), opts));
}
