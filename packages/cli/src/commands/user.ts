import { open, rm } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { CliContext, ContextOf } from '../context.js';
import { readList, type Page } from '../pages.js';
import { UsageError } from '../errors.js';
import { when } from '../output.js';
import { confirm, interactive, promptHidden, promptNewPassword, readStdin } from '../prompt.js';
import { emailLinkToken } from './auth.js';
import { calls } from '../operations.js';

/** A user as the gateway shows it (never a password or its hash). */
interface User {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  locked: boolean;
  created_at: string;
  /** null: never signed in. */
  last_login_at: string | null;
  /** false: passwords do not sign them in (links and passkeys do). */
  password_login: boolean;
  /** An admin set a temporary password: their next password login replaces it. */
  must_change_password: boolean;
}

/** A login session as GET /v1/auth/sessions shows it; `current` is the one asking. */
interface Session {
  id: string;
  created_at: string;
  last_used_at: string;
  ip: string;
  user_agent: string;
  current: boolean;
}

/** What GET /v1/users/{id}/export answers, as far as the command reads it (the file keeps all of it). */
interface UserExport {
  user: User;
  sessions: Session[];
  tokens: unknown[];
  agents: { events: unknown[] }[];
  truncated: boolean;
}

const ROLES = ['viewer', 'member', 'manager', 'admin'];

/** The URL of a user (`/v1/users/{id}` and below). */
const userPath = (id: string) => `/v1/users/${encodeURIComponent(id.trim())}`;

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

function showUser(ctx: CliContext, u: User): void {
  ctx.out.fields([
    ['ID', u.id],
    ['Email', u.email],
    ['Name', u.name || '—'],
    ['Role', u.role],
    ['Disabled', yesNo(u.disabled)],
    ['Locked', u.locked ? 'yes (too many failed logins — `tollgate user unlock` clears it)' : 'no'],
    ['Created', when(u.created_at)],
    ['Last login', when(u.last_login_at, 'never')],
    ['Password login', u.password_login ? 'on' : 'off (signs in with a mailed link or a passkey)'],
    ['Temporary password', u.must_change_password ? 'yes (replaced at their next password login)' : 'no'],
  ]);
}

async function list(ctx: CliContext, opts: { role?: string; limit?: string; cursor?: string; all?: boolean }): Promise<void> {
  const result = await readList<User>(ctx, '/v1/users', { role: opts.role }, opts);
  const items = result.items;
  ctx.out.result(result, () => {
    if (items.length === 0) ctx.out.line('No users.');
    else {
      ctx.out.table(items, [
        { header: 'ID', value: (u) => u.id },
        { header: 'EMAIL', value: (u) => u.email },
        { header: 'NAME', value: (u) => u.name || '—' },
        { header: 'ROLE', value: (u) => u.role },
        { header: 'DISABLED', value: (u) => yesNo(u.disabled) },
        { header: 'LOCKED', value: (u) => yesNo(u.locked) },
        { header: 'CREATED', value: (u) => when(u.created_at) },
        { header: 'LAST LOGIN', value: (u) => when(u.last_login_at, 'never') },
      ]);
    }
    if (result.next_cursor) ctx.out.note(`More users: run again with --cursor ${result.next_cursor}, or use --all.`);
  });
}

async function get(ctx: CliContext, id: string): Promise<void> {
  const u = await (await ctx.client()).call<User>('GET', userPath(id));
  ctx.out.result(u, () => showUser(ctx, u));
}

/**
 * A password an admin gives a user: piped in with --password-stdin, else asked for twice with
 * echo off. Never an option: arguments show up in shell history and the process list.
 */
async function givenPassword(passwordStdin: boolean | undefined, what: 'initial' | 'temporary'): Promise<string> {
  let password: string;
  if (passwordStdin) password = await readStdin('with --password-stdin, the password');
  else if (interactive()) password = await promptNewPassword(`${what === 'initial' ? 'Initial' : 'Temporary'} password: `);
  else throw new UsageError(`no terminal to ask for the ${what} password — pipe it in with --password-stdin`);
  if (password === '') throw new UsageError('the password is empty');
  return password;
}

/** Asks for a reset link for `email`, then takes the pasted link and a new password (asked for twice, echo off; or a line each on stdin). */
async function resetPassword(ctx: CliContext, opts: { email: string; stdin?: boolean }): Promise<void> {
  if (!opts.stdin && !interactive())
    throw new UsageError('no terminal to ask for the link and the new password — pipe them in, a line each, with --stdin');
  const client = await ctx.anonymousClient();
  await client.call('POST', '/v1/auth/password-reset', { body: { email: opts.email }, retry: 'unsent-only' });
  ctx.out.note(`Check your mail: if ${opts.email} has an account, a password-reset link is on its way.`);
  let pasted: string;
  let password: string;
  if (opts.stdin) {
    const lines = (await readStdin('with --stdin, the link and the new password')).split(/\r?\n/).filter((l) => l !== '');
    if (lines.length !== 2) throw new UsageError('with --stdin, stdin holds two lines: the link (or its token), then the new password');
    [pasted, password] = lines;
  } else {
    pasted = await promptHidden('Link: ');
    password = await promptNewPassword('New password: ');
  }
  const token = emailLinkToken(pasted);
  if (token === '') throw new UsageError('no link was given');
  await client.call('POST', '/v1/auth/password-reset/confirm', { body: { token, new_password: password }, retry: 'unsent-only' });
  ctx.out.result({ password_reset: true }, () =>
    ctx.out.line('Password changed: every session of yours has ended. Log in again with `tollgate login`.'),
  );
}

async function create(ctx: CliContext, opts: { email: string; role: string; name?: string; passwordStdin?: boolean }): Promise<void> {
  // The login is checked before anyone types a password.
  const client = await ctx.client();
  const password = await givenPassword(opts.passwordStdin, 'initial');
  const body = { email: opts.email, role: opts.role, ...(opts.name !== undefined ? { name: opts.name } : {}), password };
  // Not retried once sent: a repeat would answer 409 for the user the first attempt created.
  const u = await client.call<User>('POST', '/v1/users', { body, retry: 'unsent-only' });
  ctx.out.result(u, () => showUser(ctx, u));
}

async function update(
  ctx: CliContext,
  id: string,
  opts: { name?: string; role?: string; disable?: boolean; enable?: boolean; passwordLogin?: 'on' | 'off' },
): Promise<void> {
  const body = {
    ...(opts.name !== undefined ? { name: opts.name } : {}),
    ...(opts.role !== undefined ? { role: opts.role } : {}),
    ...(opts.disable ? { disabled: true } : opts.enable ? { disabled: false } : {}),
    ...(opts.passwordLogin !== undefined ? { password_login: opts.passwordLogin === 'on' } : {}),
  };
  if (Object.keys(body).length === 0) {
    throw new UsageError('nothing to update — give --name, --role, --disable, --enable or --password-login');
  }
  const u = await (await ctx.client()).call<User>('PATCH', userPath(id), { body });
  ctx.out.result(u, () => showUser(ctx, u));
}

/** A temporary password: every session of the user ends, and their next password login must replace it. */
async function setPassword(ctx: CliContext, opts: { user: string; passwordStdin?: boolean }): Promise<void> {
  // The login is checked before anyone types a password.
  const client = await ctx.client();
  const password = await givenPassword(opts.passwordStdin, 'temporary');
  // Not retried once sent: a repeat would mail the user a second time.
  const u = await client.call<User>('POST', `${userPath(opts.user)}/password`, { body: { password }, retry: 'unsent-only' });
  ctx.out.result(u, () =>
    ctx.out.line(
      `Temporary password set for ${u.email}: every session of theirs has ended, and they must change it at their next sign-in. ` +
        'They are mailed only that it was set: tell them the password another way.',
    ),
  );
}

async function unlock(ctx: CliContext, id: string): Promise<void> {
  // Clearing a lockout twice leaves it as clearing it once.
  const u = await (await ctx.client()).call<User>('POST', `${userPath(id)}/unlock`, { retry: 'idempotent' });
  ctx.out.result(u, () => {
    ctx.out.line(`User ${u.email} unlocked: the right password lets them in again.`);
    showUser(ctx, u);
  });
}

async function remove(ctx: CliContext, id: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(`refusing to delete user ${id} without confirmation: stdin is not a terminal — pass --yes to delete it`);
  }
  const client = await ctx.client();
  if (!opts.yes) {
    // Show who is about to go (and fail early on a wrong id) before asking.
    const u = await client.call<User>('GET', userPath(id));
    ctx.out.note(`User ${u.email} (${u.id}, ${u.role}) will be deleted: every session of theirs ends at once.`);
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ id, deleted: false }, () => ctx.out.line('Not deleted.'));
      return;
    }
  }
  await client.call('DELETE', userPath(id));
  ctx.out.result({ id, deleted: true }, () => ctx.out.line(`User ${id} deleted.`));
}

/** The caller's own live sessions (the gateway answers them on one page). */
async function sessions(ctx: CliContext, opts: { user?: string }): Promise<void> {
  const path = opts.user ? `/v1/users/${encodeURIComponent(opts.user)}/sessions` : '/v1/auth/sessions';
  const r = await (await ctx.client()).call<Page<Session>>('GET', path);
  ctx.out.result(r, () => {
    if (r.items.length === 0) ctx.out.line('No sessions.');
    else {
      ctx.out.table(r.items, [
        { header: 'ID', value: (s) => s.id },
        { header: 'CURRENT', value: (s) => (s.current ? 'yes (this one)' : 'no') },
        { header: 'CREATED', value: (s) => when(s.created_at) },
        { header: 'LAST USED', value: (s) => when(s.last_used_at, 'never') },
        { header: 'IP', value: (s) => s.ip || '—' },
        { header: 'USER AGENT', value: (s) => s.user_agent || '—' },
      ]);
    }
  });
}

/**
 * Everything Tollgate holds about a user, as JSON on stdout, or in a new file with --out: made
 * before anything is asked (the export is audited), mode 0600 (it is personal data), and
 * removed again when the export fails.
 */
async function exportUser(ctx: CliContext, opts: { user: string; out?: string }): Promise<void> {
  const client = await ctx.client();
  const read = async () => {
    const data = await client.call<UserExport>('GET', `${userPath(opts.user)}/export`);
    if (data.truncated) {
      ctx.out.note(
        'Not every audit event of the agents fit in one export (truncated): `tollgate audit export --resource-id <agent-id>` has them all (admins).',
      );
    }
    return data;
  };
  if (opts.out === undefined) {
    ctx.out.line(JSON.stringify(await read(), null, 2));
    return;
  }
  const target = path.resolve(opts.out);
  const file = await open(target, 'wx', 0o600).catch((err: unknown) => {
    throw new UsageError(`cannot write ${target} (${(err as NodeJS.ErrnoException).code ?? 'error'}) — check --out`);
  });
  let data: UserExport;
  try {
    data = await read();
    await file.writeFile(`${JSON.stringify(data, null, 2)}\n`);
  } catch (err) {
    await file.close();
    await rm(target, { force: true });
    throw err;
  }
  await file.close();
  const result = {
    output: target,
    user_id: data.user.id,
    sessions: data.sessions.length,
    tokens: data.tokens.length,
    agents: data.agents.length,
    events: data.agents.reduce((n, a) => n + a.events.length, 0),
    truncated: data.truncated,
  };
  ctx.out.result(result, () => {
    ctx.out.line(`Exported the data of ${data.user.email} to ${target}.`);
    ctx.out.fields([
      ['Sessions', String(result.sessions)],
      ['API tokens', String(result.tokens)],
      ['Agents', String(result.agents)],
      ['Audit events', String(result.events)],
    ]);
  });
}

/** Admins may end anyone's session: `user sessions --user <id>` lists them. */
async function revokeSession(ctx: CliContext, sessionId: string, opts: { yes?: boolean }): Promise<void> {
  if (!opts.yes && !interactive()) {
    throw new UsageError(`refusing to end session ${sessionId} without confirmation: stdin is not a terminal — pass --yes to end it`);
  }
  if (!opts.yes) {
    ctx.out.note(`Session ${sessionId} will end at once: its access and refresh tokens stop working.`);
    if (!(await confirm('Are you sure?'))) {
      ctx.out.result({ id: sessionId, revoked: false }, () => ctx.out.line('Not revoked.'));
      return;
    }
  }
  await (await ctx.client()).call('DELETE', `/v1/auth/sessions/${encodeURIComponent(sessionId.trim())}`);
  ctx.out.result({ id: sessionId, revoked: true }, () => ctx.out.line(`Session ${sessionId} revoked.`));
}

export function registerUserCommands(program: Command, contextOf: ContextOf): void {
  const user = program.command('user').description('manage user accounts: roles, disabling, lockouts and sessions (admins)');

  calls(user.command('list'), 'GET /v1/users')
    .description('list users (managers and admins)')
    .addOption(new Option('--role <role>', 'only users with this role').choices(ROLES))
    .option('--limit <n>', 'page size (1-100, default 20)')
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--all', 'follow every page')
    .action((opts: Parameters<typeof list>[1], cmd: Command) => list(contextOf(cmd), opts));

  calls(user.command('get'), 'GET /v1/users/{id}')
    .description('show one user (managers and admins: anyone; others: themselves)')
    .argument('<id>', 'user id')
    .action((id: string, _opts, cmd: Command) => get(contextOf(cmd), id));

  calls(user.command('create'), 'POST /v1/users')
    .description('create a user (admins); the initial password is asked for (echo off) or read from stdin')
    .requiredOption('--email <email>', 'their email: what they log in with')
    .addOption(new Option('--role <role>', 'what they may do').choices(ROLES).makeOptionMandatory())
    .option('--name <name>', 'display name (default: the email’s local part)')
    .option('--password-stdin', 'read the initial password (12-256 characters) from stdin instead of asking for it')
    .action((opts: Parameters<typeof create>[1], cmd: Command) => create(contextOf(cmd), opts));

  calls(user.command('update'), 'PATCH /v1/users/{id}')
    .description(
      'rename, change the role of, disable or re-enable a user, or turn their passwords off (admins); a role change or disabling ends their sessions',
    )
    .argument('<id>', 'user id')
    .option('--name <name>', 'new display name')
    .addOption(new Option('--role <role>', 'new role').choices(ROLES))
    .addOption(new Option('--disable', 'disable the account: no login, every session ends').conflicts('enable'))
    .option('--enable', 're-enable the account')
    .addOption(
      new Option('--password-login <on|off>', 'off: passwords no longer sign them in (a mailed link or a passkey does)').choices([
        'on',
        'off',
      ]),
    )
    .action((id: string, opts: Parameters<typeof update>[2], cmd: Command) => update(contextOf(cmd), id, opts));

  calls(user.command('set-password'), 'POST /v1/users/{id}/password')
    .description('set a temporary password (admins): their sessions end, and their next sign-in must choose a new one')
    .requiredOption('--user <id>', 'whose password')
    .option('--password-stdin', 'read the temporary password (12-256 characters) from stdin instead of asking for it')
    .action((opts: Parameters<typeof setPassword>[1], cmd: Command) => setPassword(contextOf(cmd), opts));

  calls(user.command('unlock'), 'POST /v1/users/{id}/unlock')
    .description('clear a lockout after repeated failed logins (admins)')
    .argument('<id>', 'user id')
    .action((id: string, _opts, cmd: Command) => unlock(contextOf(cmd), id));

  calls(user.command('delete'), 'DELETE /v1/users/{id}')
    .description('delete a user and end their sessions (admins; asks first unless --yes)')
    .argument('<id>', 'user id')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((id: string, opts: Parameters<typeof remove>[2], cmd: Command) => remove(contextOf(cmd), id, opts));

  calls(user.command('reset-password'), 'POST /v1/auth/password-reset', 'POST /v1/auth/password-reset/confirm')
    .description('forgot your password: a reset link is mailed to you; paste it, then choose a new password (every session of yours ends)')
    .requiredOption('--email <email>', 'your account’s email')
    .option('--stdin', 'read the link and the new password from stdin, a line each, instead of asking for them')
    .action((opts: Parameters<typeof resetPassword>[1], cmd: Command) => resetPassword(contextOf(cmd), opts));

  calls(user.command('sessions'), 'GET /v1/auth/sessions')
    .description('list your own live login sessions, this one marked (a login, not an API token); an admin lists anyone’s with --user')
    .addOption(calls(new Option('--user <id>', 'whose sessions (admins)'), 'GET /v1/users/{id}/sessions'))
    .action((opts: { user?: string }, cmd: Command) => sessions(contextOf(cmd), opts));

  calls(user.command('export'), 'GET /v1/users/{id}/export')
    .description(
      'export everything Tollgate holds about a user as JSON: profile, sessions, API tokens (never a secret), agents and their ' +
        'audit events (yourself, logged in; an admin anyone)',
    )
    .requiredOption('--user <id>', 'whose data: your own user id (`tollgate whoami`), or anyone’s for an admin')
    .option('--out <file>', 'write to this new file (mode 0600) instead of stdout')
    .action((opts: Parameters<typeof exportUser>[1], cmd: Command) => exportUser(contextOf(cmd), opts));

  calls(user.command('revoke-session'), 'DELETE /v1/auth/sessions/{id}')
    .description('end one login session: yours, or anyone’s for an admin logged in (not with an API token; asks first unless --yes)')
    .argument('<session-id>', 'session id')
    .addHelpText('after', '\nSession ids: `tollgate user sessions` (yours), `tollgate user sessions --user <user-id>` (anyone’s, admins).')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .action((sessionId: string, opts: Parameters<typeof revokeSession>[2], cmd: Command) => revokeSession(contextOf(cmd), sessionId, opts));
}
