import test from 'ava';
import { newUser, PASSWORD, patOf, uniqueEmail } from '../../../test/support/factories.js';
import { auditEvents } from '../../../test/support/identity-edge.js';
import { createUserAndLogin, loginAsAdmin, type Session } from '../../../test/support/session.js';
import { startStack, type Stack } from '../../../test/support/stack.js';
import { cli, cliOnTerminal, gatewayEnv, json, loginAdmin, workspace, type Workspace } from './cli.js';

// `tollgate user` against the real stack: the bootstrap admin logged in through the CLI, a
// member acting with their access token. Accounts lock after 3 wrong passwords here.
let stack: Stack;
let adminSession: Session;
let admin: Workspace;
let member: Workspace;
let memberSession: Session;
test.before(async () => {
  stack = await startStack({ env: { gateway: gatewayEnv, identity: { ARGON2_MEMORY_KIB: '1024', LOCKOUT_THRESHOLD: '3' } } });
  adminSession = await loginAsAdmin(stack);
  memberSession = await createUserAndLogin(stack, adminSession, 'member');
  admin = workspace(stack);
  await loginAdmin(stack, admin);
  member = workspace(stack, { TOLLGATE_TOKEN: memberSession.access_token });
});
test.after.always(async () => {
  admin?.cleanup();
  member?.cleanup();
  await stack?.close();
});

const NEW_PASSWORD = 'a-long-initial-passphrase';

/** Logs `email` in through the CLI in a fresh workspace: its exit status, and the workspace. */
async function loginAs(t: { teardown(fn: () => void): void }, email: string, password: string) {
  const ws = workspace(stack);
  t.teardown(ws.cleanup);
  const r = await cli(['login', '--email', email, '--password-stdin'], { env: ws.env, stdin: `${password}\n` });
  return { code: r.code, ws };
}

test('when an admin creates a user with the password on stdin, then get and list show them, and they can log in', async (t) => {
  const email = uniqueEmail('cli-create');
  const created = await cli(['user', 'create', '--email', email, '--role', 'member', '--name', 'Ada L', '--password-stdin', '--json'], {
    env: admin.env,
    stdin: `${NEW_PASSWORD}\n`,
  });
  t.is(created.code, 0, created.stderr);
  const user = json(created);
  t.like(user, { email, name: 'Ada L', role: 'member', disabled: false, locked: false, last_login_at: null });
  t.truthy(user.id);
  t.false(created.stdout.includes(NEW_PASSWORD) || created.stderr.includes(NEW_PASSWORD), 'the password is never printed');
  t.false('password' in user);

  t.is((await loginAs(t, email, NEW_PASSWORD)).code, 0, 'the initial password works');

  const got = await cli(['user', 'get', user.id, '--json'], { env: admin.env });
  t.is(got.code, 0, got.stderr);
  const signedIn = json(got).last_login_at as string;
  t.true(Date.parse(signedIn) >= Date.parse(user.created_at), 'the login shows as the last one');
  t.deepEqual(json(got), { ...user, last_login_at: signedIn });
  const summary = await cli(['user', 'get', user.id], { env: admin.env });
  t.is(summary.code, 0, summary.stderr);
  t.regex(summary.stdout, new RegExp(`^ID\\s+${user.id}$`, 'm'));
  t.regex(summary.stdout, new RegExp(`^Email\\s+${email.replaceAll('.', '\\.')}$`, 'm'));
  t.regex(summary.stdout, /^Role\s+member$/m);
  t.regex(summary.stdout, /^Locked\s+no$/m);
  t.regex(summary.stdout, /^Last login\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/m);

  const listed = await cli(['user', 'list', '--role', 'member', '--all', '--json'], { env: admin.env });
  t.is(listed.code, 0, listed.stderr);
  t.is(json(listed).next_cursor, null);
  t.deepEqual(
    json(listed).items.find((u: { id: string }) => u.id === user.id),
    { ...user, last_login_at: signedIn },
  );
  t.true(
    json(listed).items.every((u: { role: string }) => u.role === 'member'),
    '--role filters',
  );
  const admins = json(await cli(['user', 'list', '--role', 'admin', '--json'], { env: admin.env }));
  t.false(admins.items.some((u: { id: string }) => u.id === user.id));

  const table = await cli(['user', 'list', '--all'], { env: admin.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^ID\s+EMAIL\s+NAME\s+ROLE\s+DISABLED\s+LOCKED\s+CREATED\s+LAST LOGIN$/m);
  t.regex(
    table.stdout,
    new RegExp(`^${user.id}\\s+${email.replaceAll('.', '\\.')}\\s+Ada L\\s+member\\s+no\\s+no\\s+\\d{4}-\\d\\d-\\d\\d`, 'm'),
  );
  const paged = await cli(['user', 'list', '--limit', '1'], { env: admin.env });
  t.is(paged.code, 0, paged.stderr);
  t.regex(paged.stderr, /More users: run again with --cursor \S+, or use --all\./);

  const again = await cli(['user', 'create', '--email', email.toUpperCase(), '--role', 'viewer', '--password-stdin'], {
    env: admin.env,
    stdin: NEW_PASSWORD,
  });
  t.is(again.code, 6, 'a duplicate email is a conflict');
  t.regex(again.stderr, /conflict/);
  const short = await cli(['user', 'create', '--email', uniqueEmail('short'), '--role', 'member', '--password-stdin'], {
    env: admin.env,
    stdin: 'too-short',
  });
  t.is(short.code, 6, short.stderr);
  t.regex(short.stderr, /password/);
});

test('when create has no password on stdin and no terminal, or a bad role, then it is refused before anything is sent', async (t) => {
  const email = uniqueEmail('cli-refused');
  const noTerminal = await cli(['user', 'create', '--email', email, '--role', 'member'], { env: admin.env });
  t.is(noTerminal.code, 2);
  t.regex(noTerminal.stderr, /no terminal to ask for the initial password — pipe it in with --password-stdin/);
  const empty = await cli(['user', 'create', '--email', email, '--role', 'member', '--password-stdin'], { env: admin.env, stdin: '\n' });
  t.is(empty.code, 2);
  t.regex(empty.stderr, /the password is empty/);
  t.is(
    (await cli(['user', 'create', '--email', email, '--password-stdin'], { env: admin.env, stdin: NEW_PASSWORD })).code,
    2,
    '--role is required',
  );
  t.is(
    (await cli(['user', 'create', '--email', email, '--role', 'owner', '--password-stdin'], { env: admin.env, stdin: NEW_PASSWORD })).code,
    2,
    'an unknown role',
  );
  t.is((await cli(['user', 'create', '--role', 'member', '--password-stdin'], { env: admin.env, stdin: NEW_PASSWORD })).code, 2);
  t.is(
    (await cli(['user', 'create', '--email', email, '--role', 'member', '--password', NEW_PASSWORD], { env: admin.env })).code,
    2,
    'never in argv',
  );
  const users = await stack.http.get('/v1/users?limit=100', { token: adminSession.access_token });
  t.false(
    (users.body.items as { email: string }[]).some((u) => u.email === email),
    'nobody was created',
  );
});

test('when create runs on a terminal, then the password is asked twice with echo off, and a mismatch creates nobody', async (t) => {
  const email = uniqueEmail('cli-tty');
  const session = await cliOnTerminal(['user', 'create', '--email', email, '--role', 'viewer'], {
    env: admin.env,
    steps: [
      { waitFor: /Initial password: /, send: `${NEW_PASSWORD}\r` },
      { waitFor: /Repeat it: /, send: `${NEW_PASSWORD}\r` },
    ],
  });
  t.is(session.code, 0, session.output);
  t.false(session.output.includes(NEW_PASSWORD), 'the password never appears on the terminal');
  t.regex(session.output, /Role\s+viewer/);
  t.is((await loginAs(t, email, NEW_PASSWORD)).code, 0);

  const other = uniqueEmail('cli-tty-mismatch');
  const mismatch = await cliOnTerminal(['user', 'create', '--email', other, '--role', 'viewer'], {
    env: admin.env,
    steps: [
      { waitFor: /Initial password: /, send: `${NEW_PASSWORD}\r` },
      { waitFor: /Repeat it: /, send: `${NEW_PASSWORD}-typo\r` },
    ],
  });
  t.is(mismatch.code, 2, mismatch.output);
  t.regex(mismatch.output, /the passwords do not match/);
  t.is((await loginAs(t, other, NEW_PASSWORD)).code, 3, 'nobody was created');
});

test('when an admin updates a user, then name, role and disabled change; disabling keeps them out until enabled', async (t) => {
  const user = await newUser(stack, adminSession, { role: 'member' });
  const { ws: theirs } = await loginAs(t, user.email, PASSWORD);

  const r = await cli(['user', 'update', user.id, '--name', 'Grace H', '--role', 'manager', '--json'], { env: admin.env });
  t.is(r.code, 0, r.stderr);
  t.like(json(r), { id: user.id, name: 'Grace H', role: 'manager', disabled: false });
  t.is((await cli(['whoami'], { env: theirs.env })).code, 3, 'a role change ends their sessions');

  const disabled = await cli(['user', 'update', user.id, '--disable'], { env: admin.env });
  t.is(disabled.code, 0, disabled.stderr);
  t.regex(disabled.stdout, /^Disabled\s+yes$/m);
  t.regex(disabled.stdout, /^Name\s+Grace H$/m);
  t.is((await loginAs(t, user.email, PASSWORD)).code, 3, 'a disabled user cannot log in');

  const enabled = await cli(['user', 'update', user.id, '--enable', '--json'], { env: admin.env });
  t.is(enabled.code, 0, enabled.stderr);
  t.like(json(enabled), { disabled: false, role: 'manager' });
  t.is((await loginAs(t, user.email, PASSWORD)).code, 0);

  for (const args of [[], ['--disable', '--enable'], ['--role', 'root']]) {
    const refused = await cli(['user', 'update', user.id, ...args], { env: admin.env });
    t.is(refused.code, 2, `${args.join(' ')}: ${refused.stderr}`);
  }
  t.regex((await cli(['user', 'update', user.id], { env: admin.env })).stderr, /nothing to update/);
  t.is((await cli(['user', 'update', 'ffffffffffffffffffffffff', '--name', 'x'], { env: admin.env })).code, 5);
  const lastAdmin = await cli(['user', 'update', adminSession.user.id, '--role', 'member'], { env: admin.env });
  t.is(lastAdmin.code, 6, 'the last active admin cannot be demoted');
  t.regex(lastAdmin.stderr, /conflict/);
});

test('when an account is locked by wrong passwords, then user get shows it and user unlock lets the right password in again', async (t) => {
  const user = await newUser(stack, adminSession, { role: 'member' });
  for (let i = 0; i < 3; i++) t.is((await loginAs(t, user.email, `wrong-password-${i}`)).code, 3);
  t.is((await loginAs(t, user.email, PASSWORD)).code, 3, 'locked: the right password is refused too');
  t.regex((await cli(['user', 'get', user.id], { env: admin.env })).stdout, /^Locked\s+yes/m);

  const unlocked = await cli(['user', 'unlock', user.id, '--json'], { env: admin.env });
  t.is(unlocked.code, 0, unlocked.stderr);
  t.like(json(unlocked), { id: user.id, locked: false });
  t.is((await loginAs(t, user.email, PASSWORD)).code, 0);
  const human = await cli(['user', 'unlock', user.id], { env: admin.env });
  t.is(human.code, 0, human.stderr);
  t.regex(human.stdout, new RegExp(`User ${user.email.replaceAll('.', '\\.')} unlocked`));
  t.is((await cli(['user', 'unlock', 'ffffffffffffffffffffffff'], { env: admin.env })).code, 5);
  // Newest first: the second unlock found nothing to clear.
  const mine = (
    await auditEvents(stack, adminSession.access_token, 'user.unlocked', (e) => e.filter((x) => x.resource.id === user.id).length >= 2)
  ).filter((e) => e.resource.id === user.id);
  t.deepEqual(
    mine.map((e) => [e.actor.id, e.details.was_locked]),
    [
      [adminSession.user.id, false],
      [adminSession.user.id, true],
    ],
  );
});

test('when a member runs admin commands, then each exits 4 (forbidden), also with --json, and nothing changes', async (t) => {
  const user = await newUser(stack, adminSession, { role: 'viewer' });
  const runs: [string[], string?][] = [
    [['user', 'list']],
    [['user', 'create', '--email', uniqueEmail('by-member'), '--role', 'admin', '--password-stdin'], NEW_PASSWORD],
    [['user', 'update', user.id, '--role', 'admin']],
    [['user', 'update', memberSession.user.id, '--role', 'admin']],
    [['user', 'unlock', user.id]],
    [['user', 'delete', user.id, '--yes']],
  ];
  for (const [args, stdin] of runs) {
    const r = await cli(args, { env: member.env, stdin });
    t.is(r.code, 4, `${args.join(' ')}: ${r.stderr}`);
    t.regex(r.stderr, /forbidden/);
  }
  const asJson = await cli(['user', 'list', '--json'], { env: member.env });
  t.is(asJson.code, 4);
  t.like(JSON.parse(asJson.stderr), { error: { code: 'forbidden', exit_code: 4 } });
  t.is(asJson.stdout, '');

  const self = await cli(['user', 'get', memberSession.user.id, '--json'], { env: member.env });
  t.is(self.code, 0, 'anyone may read themself');
  t.like(json(self), { id: memberSession.user.id, role: 'member' });
  t.like(json(await cli(['user', 'get', user.id, '--json'], { env: admin.env })), { role: 'viewer', disabled: false });
});

test('when delete runs without a terminal and without --yes, then it refuses (exit 2); on a terminal n keeps them, --yes deletes', async (t) => {
  const user = await newUser(stack, adminSession, { role: 'member' });

  const refused = await cli(['user', 'delete', user.id], { env: admin.env, stdin: 'y\n' });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /refusing to delete user .* pass --yes/);

  const no = await cliOnTerminal(['user', 'delete', user.id], {
    env: admin.env,
    steps: [{ waitFor: /Are you sure\? \(y\/N\)/, send: 'n\r' }],
  });
  t.is(no.code, 0, no.output);
  t.regex(no.output, new RegExp(`User ${user.email.replaceAll('.', '\\.')} \\(${user.id}, member\\) will be deleted`));
  t.regex(no.output, /Not deleted/);
  t.is((await cli(['user', 'get', user.id], { env: admin.env })).code, 0, 'nothing was deleted');

  const deleted = await cli(['user', 'delete', user.id, '--yes', '--json'], { env: admin.env });
  t.is(deleted.code, 0, deleted.stderr);
  t.deepEqual(json(deleted), { id: user.id, deleted: true });
  t.is((await cli(['user', 'get', user.id], { env: admin.env })).code, 5);
  t.is((await cli(['user', 'delete', user.id, '--yes'], { env: admin.env })).code, 5, 'deleting twice: not found');
  t.is((await loginAs(t, user.email, PASSWORD)).code, 3);
});

test('when an admin lists a user’s sessions and revokes one, then that login stops working; a member may not list them and an API token may not revoke', async (t) => {
  const user = await newUser(stack, adminSession, { role: 'member' });
  const { code, ws: theirs } = await loginAs(t, user.email, PASSWORD);
  t.is(code, 0);
  t.is((await cli(['whoami'], { env: theirs.env })).code, 0);

  const listed = await cli(['user', 'sessions', '--user', user.id, '--json'], { env: admin.env });
  t.is(listed.code, 0, listed.stderr);
  const items = json(listed).items as { id: string; current: boolean; user_agent: string }[];
  t.is(items.length, 1);
  t.false(items[0].current, 'not the admin’s own');
  const sessionId = items[0].id;
  const human = await cli(['user', 'sessions', '--user', user.id], { env: admin.env });
  t.true(human.stdout.includes(sessionId));
  t.is((await cli(['user', 'sessions', '--user', user.id], { env: member.env })).code, 4, 'members may not list others’ sessions');
  t.is((await cli(['user', 'sessions', '--user', 'usr_nobody'], { env: admin.env })).code, 5);

  const refused = await cli(['user', 'revoke-session', sessionId], { env: admin.env });
  t.is(refused.code, 2);
  t.regex(refused.stderr, /refusing to end session .* pass --yes/);
  const byOther = await cli(['user', 'revoke-session', sessionId, '--yes'], { env: member.env });
  t.is(byOther.code, 5, 'to anyone but its user and admins the session does not exist');
  const adminToken = await patOf(stack, adminSession, ['users:write', 'users:read']);
  const byToken = await cli(['user', 'revoke-session', sessionId, '--yes'], { env: { ...admin.env, TOLLGATE_TOKEN: adminToken } });
  t.is(byToken.code, 4, 'sessions are ended by people logged in, not by API tokens');
  t.is((await cli(['whoami'], { env: theirs.env })).code, 0, 'still logged in');

  const revoked = await cli(['user', 'revoke-session', sessionId, '--yes', '--json'], { env: admin.env });
  t.is(revoked.code, 0, revoked.stderr);
  t.deepEqual(json(revoked), { id: sessionId, revoked: true });
  const after = await cli(['whoami'], { env: theirs.env });
  t.is(after.code, 3, after.stderr);
  t.is((await cli(['user', 'revoke-session', 'no-such-session', '--yes'], { env: admin.env })).code, 5);
});

test('when a user lists their sessions, then each login shows once, this one marked, and ending the other logs it out', async (t) => {
  const user = await newUser(stack, adminSession, { role: 'viewer' });
  const { ws: here } = await loginAs(t, user.email, PASSWORD);
  const { ws: there } = await loginAs(t, user.email, PASSWORD);

  const listed = await cli(['user', 'sessions', '--json'], { env: here.env });
  t.is(listed.code, 0, listed.stderr);
  const { items } = json<{ items: { id: string; current: boolean; user_agent: string }[] }>(listed);
  t.is(items.length, 2, 'only their own two logins');
  const current = items.filter((s) => s.current);
  t.is(current.length, 1);
  t.regex(current[0].user_agent, /^tollgate-cli\//);
  const other = items.find((s) => !s.current)!;

  const table = await cli(['user', 'sessions'], { env: here.env });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /^ID\s+CURRENT\s+CREATED\s+LAST USED\s+IP\s+USER AGENT$/m);
  t.regex(
    table.stdout,
    new RegExp(`^${current[0].id}\\s+yes \\(this one\\)\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\s+.*tollgate-cli/`, 'm'),
  );
  t.regex(table.stdout, new RegExp(`^${other.id}\\s+no\\s+`, 'm'));

  const ended = await cli(['user', 'revoke-session', other.id, '--yes'], { env: here.env });
  t.is(ended.code, 0, ended.stderr);
  t.is((await cli(['whoami'], { env: there.env })).code, 3, 'the other login has ended');
  t.deepEqual(
    json(await cli(['user', 'sessions', '--json'], { env: here.env })).items.map((s: { id: string }) => s.id),
    [current[0].id],
  );

  const adminToken = await patOf(stack, adminSession, ['users:read']);
  const byToken = await cli(['user', 'sessions'], { env: { ...admin.env, TOLLGATE_TOKEN: adminToken } });
  t.is(byToken.code, 4, 'sessions are listed by people logged in, not by API tokens');
});
